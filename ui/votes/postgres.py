"""Votes in PostgreSQL (RAG_PG_URL), so evaluators on several app replicas share one store.

Tables rag_votes and rag_feedback, created on first use: ui.votes.schema's columns, as in the SQLite file, and
rows() gives the same dicts, so everything that reads votes works on either. Connections come from
rag.store.pgserver's pool; a database that cannot be reached is StoreUnavailable (one line, shown as a note: the
vote was not recorded, and the evaluator can press the button again).
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import RagError, require
from rag.store import pgserver as pg

from .model import VoteStore
from .schema import POSTGRES, TABLES

CREATE_LOCK = 7311  # advisory lock id: replicas starting together create the tables one at a time


class PgVoteStore(VoteStore):
    def __init__(self, url: str, exports: Path, pool: int = 4, create: bool = True):
        """create=False: the tables must exist already; nothing is created (`rag eval --votes --pg-url URL`).
        exports: where Export CSV writes (the app serves that folder; the votes themselves are in the database)."""
        self.url, self.size = url, pool
        super().__init__(where=f"PostgreSQL {pg.redact(url)} (table {POSTGRES.table('votes')})", exports=exports)
        if not create:
            self.rows(limit=0)  # a clear error now if the app never kept votes in this database
            return
        with pg.connection(self.url, self.size) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
            for name in TABLES:
                conn.execute(POSTGRES.create(name))

    def journal_mode(self) -> str:
        return "postgresql"

    def _insert(self, table: str, row: dict[str, object]) -> int:
        sql, params = POSTGRES.insert(table, row)
        with pg.connection(self.url, self.size) as conn:
            return conn.execute(sql + " RETURNING id", params).fetchone()[0]

    def _select(self, table: str, columns: tuple[str, ...], evaluator: str | None = None,
                limit: int | None = None) -> list[dict]:
        missing = require("psycopg", "pg").errors.UndefinedTable
        with pg.connection(self.url, self.size) as conn:
            try:
                cur = conn.execute(*POSTGRES.select(table, columns, evaluator, limit))
            except missing:
                if table == "feedback":
                    return []  # as in an old SQLite file: no feedback yet
                raise RagError(f"no votes in {self.where}: the table does not exist — the app creates it when it "
                               "first starts with this RAG_PG_URL (or --pg-url)") from None
            return [dict(zip(columns, r)) for r in cur.fetchall()]
