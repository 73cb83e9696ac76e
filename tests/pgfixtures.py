"""A real PostgreSQL + pgvector for the tests, started the way a user starts one (`rag pg up`).

conftest.py imports the fixtures, so every test module shares one server per session (a module that
imported them itself would get a server of its own);
where it cannot start (the `pg` extra is not installed, or initdb/pg_ctl fail) the tests that need it are
skipped with the reason, never silently passed.
"""

from __future__ import annotations

import pytest


def start_server(directory) -> str:
    """rag.store.pgserver.up(directory), or pytest.skip naming why it cannot run here."""
    try:
        from rag.store import pgserver as pg
        from rag.errors import MissingDependency, RagError
    except ImportError as exc:  # pragma: no cover
        pytest.skip(f"rag.store.pgserver cannot be imported: {exc}")
    try:
        return pg.up(directory)
    except MissingDependency as exc:
        pytest.skip(f"PostgreSQL tests need the pg extra: {exc}")
    except RagError as exc:
        pytest.skip(f"PostgreSQL cannot start on this machine: {exc}")


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    """(url, data folder) of a development PostgreSQL running for the whole session."""
    from rag.store import pgserver as pg

    directory = tmp_path_factory.mktemp("pg") / "data"
    url = start_server(directory)
    yield url, directory
    pg.close_pools()
    pg.down(directory)


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    return pg_server[0]


@pytest.fixture
def fresh_schema(pg_url):
    """pg_url with every rag table dropped first, so a test starts from an empty database."""
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        for (schema,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rag\\_%'").fetchall():
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.execute("DROP TABLE IF EXISTS rag_indexes, rag_builds, rag_votes CASCADE")
    return pg_url
