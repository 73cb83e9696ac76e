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


RAG_NAMES = r"rag\_%"  # LIKE pattern: names that start with rag_ (the backslash keeps _ from matching any character)


def drop_rag_tables(url: str) -> None:
    """Drop every schema and table whose name starts with rag_: each build's schema, the indexes, builds, votes
    and feedback tables, and whatever rag_ table comes next, so a test sees no row another test wrote."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as conn:
        schemas = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s", (RAG_NAMES,)).fetchall()
        for (schema,) in schemas:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(schema)))
        tables = conn.execute("SELECT schemaname, tablename FROM pg_tables WHERE tablename LIKE %s",
                              (RAG_NAMES,)).fetchall()
        for schema, table in tables:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(schema, table)))


@pytest.fixture
def fresh_schema(pg_url):
    """pg_url with every rag table dropped first, so a test starts from an empty database."""
    drop_rag_tables(pg_url)
    return pg_url
