"""Votes in one SQLite file, <data_dir>/votes.sqlite3 by default: safe with several evaluators at once.

Concurrency: WAL journal mode lets readers run beside the one writer, a busy timeout makes a second
writer wait instead of failing, and every call opens its own short-lived connection, so no
connection is shared between Gradio's worker threads (sqlite3 connections must not be).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from rag.errors import RagError

from .model import EXPORTS, VoteStore
from .schema import SQLITE, TABLES

FILENAME = "votes.sqlite3"


class SqliteVoteStore(VoteStore):
    def __init__(self, path: Path, exports: Path | None = None, create: bool = True):
        """create=False: the file must already hold the app's votes table; nothing is created or changed.
        exports: where Export CSV writes (default: the exports folder beside the file, as under data_dir)."""
        self.path = Path(path)
        super().__init__(where=str(self.path), exports=exports or self.path.parent / EXPORTS, files=(self.path,))
        if not create:
            if not self.path.is_file():
                raise RagError(f"no votes database at {self.path} — the app keeps its votes in "
                               f"<RAG_DATA_DIR>/{FILENAME} (data/{FILENAME} by default)")
            self.rows(limit=0)  # a clear error now if this is not a votes database
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: stored in the file itself
            with conn:
                for name in TABLES:
                    conn.execute(SQLITE.create(name))

    def _connect(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=30)
        except sqlite3.Error as exc:
            raise RagError(f"cannot open the votes database {self.path} ({exc}) — check RAG_DATA_DIR") from None
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def journal_mode(self) -> str:
        with closing(self._connect()) as conn:
            return conn.execute("PRAGMA journal_mode").fetchone()[0]

    def _insert(self, table: str, row: dict[str, object]) -> int:
        with closing(self._connect()) as conn, conn:
            conn.execute(SQLITE.create(table))  # a votes file from before feedback existed gets the table here
            return conn.execute(*SQLITE.insert(table, row)).lastrowid

    def _select(self, table: str, columns: tuple[str, ...], evaluator: str | None = None,
                limit: int | None = None) -> list[dict]:
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in conn.execute(*SQLITE.select(table, columns, evaluator, limit))]
            except sqlite3.DatabaseError as exc:
                if table == "feedback" and isinstance(exc, sqlite3.OperationalError):
                    return []  # a votes file written before feedback existed: none yet
                # not SQLite at all, or another program's table
                raise RagError(f"{self.path} is not a votes database written by `rag ui` ({exc})") from None
