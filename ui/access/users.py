"""App accounts: one JSON file of names, roles and argon2 hashes, managed with `rag users`.

    rag users add NAME [--role evaluator|admin]    asks for the password twice (or --password-stdin)
    rag users list                                 name, role and creation time; never a hash
    rag users remove NAME                          their open sessions end at their next request

    store = UserStore.open(settings)      <data_dir>/users.json, or RAG_USERS_FILE
    store.add(name, password, role)       argon2id hash (argon2-cffi's defaults, RFC 9106), salted per user
    store.verify(name, password)          the Account, or None; as slow for an unknown name as for a known one
    store.role(name)                      "admin" | "evaluator" | None, re-read when the file changes

The file holds no password: only argon2 hashes (`$argon2id$v=19$m=…`), which a stolen copy cannot
reverse short of guessing each password at tens of milliseconds a guess. It is written whole to a
temporary file and renamed over the old one (a crash leaves the old file), readable by its owner only.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError, require
from rag.settings import Settings

FILENAME = "users.json"
ROLES = ("evaluator", "admin")
MIN_PASSWORD = 8
# Letters of any script (Hangul included), digits, and . _ @ - : a name that shows plainly in a vote row,
# a CSV cell and a log line, with no spaces for Gradio's login form to strip.
NAME = re.compile(r"[\w.@-]{1,64}")


@dataclass(frozen=True)
class Account:
    name: str
    role: str  # "evaluator" | "admin"
    created: str = ""  # UTC, ISO 8601

    @property
    def admin(self) -> bool:
        return self.role == "admin"


def check_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not NAME.fullmatch(name):
        raise RagError(f"user name {name!r} is not allowed — use 1 to 64 letters, digits, '.', '_', '@' or '-'")
    return name


class UserStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._cache: tuple[float, dict] | None = None  # (mtime, users) of the last read
        self._dummy_hash: str | None = None

    @classmethod
    def open(cls, settings: Settings) -> "UserStore":
        return cls(Path(settings.users_file) if settings.users_file else Path(settings.data_dir) / FILENAME)

    # -- reading ------------------------------------------------------------------------------------

    def _users(self) -> dict[str, dict]:
        """name -> {"role", "hash", "created"}; re-read only when the file's mtime changes."""
        try:
            mtime = self.path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        with self._lock:
            if self._cache and self._cache[0] == mtime:
                return self._cache[1]
            try:
                users = json.loads(self.path.read_text(encoding="utf-8"))["users"]
                if not isinstance(users, dict):
                    raise ValueError("'users' is not an object")
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise RagError(f"{self.path} is not an accounts file written by `rag users` ({exc}) — "
                               "move it away and add the accounts again") from None
            self._cache = (mtime, users)
            return users

    def accounts(self) -> list[Account]:
        return [Account(name, u.get("role", "evaluator"), u.get("created", ""))
                for name, u in sorted(self._users().items())]

    def role(self, name: str | None) -> str | None:
        user = self._users().get(name or "")
        return user.get("role", "evaluator") if user else None

    def __contains__(self, name: str | None) -> bool:
        return self.role(name) is not None

    def verify(self, name: str, password: str) -> Account | None:
        """The account when the password matches its hash; None otherwise.

        An unknown name is checked against a dummy hash, so the answer takes as long either way and
        the timing does not tell which names exist.
        """
        hasher = _hasher()
        user = self._users().get(unicodedata.normalize("NFC", (name or "").strip()))
        stored = user.get("hash", "") if user else self._dummy()
        try:
            hasher.verify(stored, password or "")
        except Exception:  # VerifyMismatchError, or a damaged hash: either way, no login
            return None
        if not user:
            return None
        return Account(name.strip(), user.get("role", "evaluator"), user.get("created", ""))

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = _hasher().hash(os.urandom(16).hex())
        return self._dummy_hash

    # -- writing ------------------------------------------------------------------------------------

    def add(self, name: str, password: str, role: str = "evaluator", replace: bool = False) -> Account:
        name = check_name(name)
        if role not in ROLES:
            raise RagError(f"role {role!r} is not one of: {', '.join(ROLES)}")
        if len(password or "") < MIN_PASSWORD:
            raise RagError(f"the password is too short — use at least {MIN_PASSWORD} characters")
        users = dict(self._users())
        if name in users and not replace:
            raise RagError(f"user {name!r} already exists — `rag users add {name} --replace` sets a new "
                           "password and role")
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        users[name] = {"role": role, "hash": _hasher().hash(password), "created": created}
        self._write(users)
        return Account(name, role, created)

    def remove(self, name: str) -> None:
        users = dict(self._users())
        if users.pop(name, None) is None:
            raise RagError(f"no user {name!r} in {self.path} — `rag users list` shows who there is")
        self._write(users)

    def _write(self, users: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": 1, "users": users}, f, indent=2, ensure_ascii=False)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self._cache = None


def _hasher():
    return require("argon2", "ui").PasswordHasher()


# -- `rag users` ------------------------------------------------------------------------------------

def add_arguments(parser) -> None:
    sub = parser.add_subparsers(metavar="ACTION")
    a = sub.add_parser("add", help="add an account (asks for its password)")
    a.add_argument("name")
    a.add_argument("--role", choices=ROLES, default="evaluator",
                   help="evaluator (default): asks and votes; admin: also exports every vote and sees all comments")
    a.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input (for scripts)")
    a.add_argument("--replace", action="store_true", help="set a new password and role for an existing user")
    a.set_defaults(run=cmd_add)
    ls = sub.add_parser("list", help="list the accounts")
    ls.set_defaults(run=cmd_list)
    rm = sub.add_parser("remove", help="remove an account")
    rm.add_argument("name")
    rm.set_defaults(run=cmd_remove)


def _store(args) -> UserStore:
    from rag.cli.options import settings_from

    return UserStore.open(settings_from(args))


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise RagError("no terminal to ask for a password on — pipe it in with --password-stdin")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Same password again: ") != first:
        raise RagError("the two passwords differ — nothing was changed")
    return first


def cmd_add(args) -> int:
    store = _store(args)
    check_name(args.name)  # before asking for a password
    account = store.add(args.name, read_password(args.password_stdin), args.role, replace=args.replace)
    print(f"{'updated' if args.replace else 'added'} {account.name} ({account.role}) in {store.path}")
    return 0


def cmd_list(args) -> int:
    store = _store(args)
    accounts = store.accounts()
    if not accounts:
        print(f"no accounts in {store.path} — add one with: rag users add NAME --role admin")
    for a in accounts:
        print(f"{a.name}\t{a.role}\t{a.created}")
    return 0


def cmd_remove(args) -> int:
    store = _store(args)
    store.remove(args.name)
    print(f"removed {args.name} from {store.path}")
    return 0
