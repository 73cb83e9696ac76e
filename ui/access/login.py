"""Who may use the app, as whom, and what its responses carry: the policy of `rag ui` beyond loopback.

    access = Access.for_host(settings, host, no_auth=...)   refuses (RagError, exit 2) a non-loopback
                                                           address with no accounts and no --no-auth
    access.caller(username, address, session)              the Caller behind one event
    access.check_password(name, password)                  Gradio's `auth=` hook: argon2 verify (verify_login)
                                                           in a thread, throttled per name
    access.install_sessions(app)                           logins expire after RAG_SESSION_HOURS
    access.log_query(caller, source, query)                a line in <data_dir>/queries.log, only with RAG_LOG_QUERIES=1
    SecurityHeaders                                        ASGI middleware adding the headers below

Loopback (127.0.0.0/8, ::1, localhost) needs no login unless asked for (`--auth`, RAG_AUTH=1), so
`make run` opens the app at once, as before; every other address asks for one.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError, require
from rag.messages import both
from rag.settings import Settings

from .limits import Limits
from .users import UserStore

log = logging.getLogger(__name__)

QUERY_LOG = "queries.log"
LOGIN_ATTEMPTS_PER_MINUTE = 5  # per user name: slows password guessing to 7,200 a day
# Gradio's login page reads HTML. The command that makes the account is said once, under both languages.
AUTH_MESSAGE = f'{both("sign_in", sep="<br>")}<br>(<code>rag users add</code>)'
OPEN_WARNING = both("open_warning")

# Sent with every response. No script-src in the policy: Gradio's page runs inline scripts and styles,
# so the CSP says only what cannot break it (no framing, no plugins, no foreign <base> or form target).
# No HSTS: the app itself speaks plain HTTP; a TLS proxy in front of it should send that header.
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"),
    (b"referrer-policy", b"no-referrer"),  # a clicked source link does not tell the site what was asked
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything, so treat it as shared


@dataclass(frozen=True)
class Caller:
    """The person behind one event. `key` is what limits count against: the login name, or the
    client's address when the app has no login."""

    key: str
    name: str = ""  # the login name; "" when the app has no login
    admin: bool = True  # no login means the owner on loopback (or an app the owner opened with --no-auth)
    session: str = ""

    @property
    def signed_in(self) -> bool:
        return bool(self.name)


LOCAL = Caller(key="local")  # a handler called directly (tests, the Python API): no login, no limits shared


@dataclass
class Access:
    login: bool = False
    users: UserStore | None = None
    limits: Limits = field(default_factory=Limits)
    warning: str = ""  # shown in the terminal and on the page (--no-auth beyond loopback)
    session_hours: float = 12.0
    query_log: logging.Logger | None = None
    _login_limiter: object = None

    @classmethod
    def local(cls, settings: Settings, shared: bool = False) -> "Access":
        """No login. On loopback (the owner alone, as `make run` starts it) only the size caps apply;
        `shared` (--no-auth beyond loopback) adds the per-user limits, counted per client address."""
        limits = Limits.from_settings(settings) if shared else \
            Limits(max_query_chars=settings.max_query_chars, max_upload_bytes=settings.max_upload_bytes)
        return cls(limits=limits, session_hours=settings.session_hours, query_log=open_query_log(settings),
                   warning="" if not shared else OPEN_WARNING)

    @classmethod
    def for_host(cls, settings: Settings, host: str, no_auth: bool = False, auth: bool = False) -> "Access":
        """The policy for `rag ui --host HOST`; RagError when it must not start."""
        loopback = is_loopback(host)
        if no_auth and auth:
            raise RagError("--auth and --no-auth contradict each other — pass one of them")
        wanted = auth or (settings.auth and not no_auth) or (not loopback and not no_auth)
        if not wanted:
            return cls.local(settings, shared=not loopback)
        users = UserStore.open(settings)
        if not users.accounts():
            why = "not a loopback address" if not loopback else "--auth or RAG_AUTH=1"
            escape = ", or pass --no-auth to serve it to anyone with no login" if not loopback else ""
            raise RagError(f"rag ui on {host} asks for a login ({why}), but {users.path} holds no accounts — "
                           f"add one with `rag users add NAME --role admin`{escape}")
        return cls(login=True, users=users, limits=Limits.from_settings(settings),
                   session_hours=settings.session_hours, query_log=open_query_log(settings))

    # -- identity -----------------------------------------------------------------------------------

    def caller(self, username: str | None, address: str | None = None, session: str | None = None) -> Caller:
        if not self.login:
            return Caller(key=f"address {address or 'unknown'}", session=session or "")
        if not username or self.users is None or username not in self.users:
            # Gradio refuses unauthenticated events before they reach a handler; this is the backstop.
            raise RagError("you are not signed in — reload the page and sign in")
        return Caller(key=username, name=username, admin=self.users.role(username) == "admin",
                      session=session or "")

    async def check_password(self, name: str, password: str) -> bool:
        """Gradio's auth hook. Gradio calls a plain function straight from its event loop, and an argon2
        check takes a tenth of a second or more, which would stall every other user's page meanwhile;
        a coroutine is awaited instead, so the check runs in a worker thread."""
        import asyncio

        return await asyncio.to_thread(self.verify_login, name, password)

    def verify_login(self, name: str, password: str) -> bool:
        """At most LOGIN_ATTEMPTS_PER_MINUTE tries per name, then every try fails (Gradio's login form
        can only say "Incorrect credentials") until the minute has passed."""
        if self.users is None:
            return False
        if self._login_limiter is None:
            lib = require("limits", "ui")
            self._login_limiter = (lib.strategies.MovingWindowRateLimiter(lib.storage.MemoryStorage()),
                                   lib.RateLimitItemPerMinute(LOGIN_ATTEMPTS_PER_MINUTE))
        limiter, rate = self._login_limiter
        if not limiter.hit(rate, "login", (name or "").strip()):
            log.warning("login: too many attempts for one user name in a minute; refused without checking")
            return False
        return self.users.verify(name, password) is not None

    def install_sessions(self, app) -> None:
        """Give Gradio's login tokens an expiry. Gradio keeps them in `app.tokens`, a plain dict it
        never prunes, so a login would otherwise last as long as the server; it only reads the mapping
        with get / [] / in / del / keys, which SessionTokens provides."""
        if self.login:
            app.tokens = SessionTokens(self.session_hours * 3600, still_valid=lambda name: name in self.users)

    # -- the query log ------------------------------------------------------------------------------

    def log_query(self, caller: Caller, source: str | None, query: str) -> None:
        if self.query_log is not None:
            self.query_log.info(json.dumps({"time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                            "user": caller.name or caller.key, "source": source or "",
                                            "question": query}, ensure_ascii=False))


def open_query_log(settings: Settings) -> logging.Logger | None:
    """The who-asked-what log, JSON lines in <data_dir>/queries.log; None (nothing written) unless the
    owner set RAG_LOG_QUERIES=1. Its own logger, not propagated, so questions never reach the console."""
    if not settings.log_queries:
        return None
    path = Path(settings.data_dir) / QUERY_LOG
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(f"ui.queries.{path.resolve()}")
    if not logger.handlers:
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


class SessionTokens(MutableMapping):
    """Gradio's token -> user name mapping, with each login expiring `ttl` seconds after it was made
    (cachetools' TTLCache) and ending at once when its user is removed from the accounts file.
    A lock around it: Gradio reads it from the event loop and from its thread pool."""

    def __init__(self, ttl: float, still_valid=lambda name: True, timer=time.monotonic, maxsize: int = 100_000):
        cache = require("cachetools", "ui")
        self._cache = cache.TTLCache(maxsize=maxsize, ttl=ttl, timer=timer)
        self._valid = still_valid
        self._lock = threading.RLock()

    def __getitem__(self, token):
        with self._lock:
            name = self._cache[token]
            if not self._valid(name):
                del self._cache[token]
                raise KeyError(token)
            return name

    def __setitem__(self, token, name) -> None:
        with self._lock:
            self._cache[token] = name

    def __delitem__(self, token) -> None:
        with self._lock:
            del self._cache[token]

    def __iter__(self):
        with self._lock:
            return iter(list(self._cache))

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)


class SecurityHeaders:
    """Pure ASGI middleware adding SECURITY_HEADERS to every HTTP response that lacks them.

    Hand-written (a dozen lines) rather than a package: the `secure` library would add a dependency for
    the same six headers, and Starlette's BaseHTTPMiddleware buffers streaming responses, which would
    hold back the overview's server-sent events.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
