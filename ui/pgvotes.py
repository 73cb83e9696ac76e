"""Evaluator votes in PostgreSQL (RAG_PG_URL), so evaluators on several app replicas share one store.

    PgVoteStore(settings)     tables rag_votes and rag_feedback, created on first use; the same interface as
                              ui.votes.VoteStore (add, rows, summary, export_csv, add_feedback, feedback_rows,
                              feedback_summary), whose summaries and CSV export it inherits

The columns and their meaning are ui.votes.SCHEMA's, with PostgreSQL's types; rows() gives the same dicts as
the SQLite store, so everything that reads votes works on either. Connections come from rag.store.pgserver's pool; a
database that cannot be reached is StoreUnavailable (one line, shown as a note: the vote was not recorded,
and the evaluator can press the button again).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from rag.store import pgserver as pg
from rag.settings import Settings

from .votes import COLUMNS, FEEDBACK_COLUMNS, MAX_REASON, Feedback, Vote, VoteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS rag_votes (
    id bigserial PRIMARY KEY,
    created text NOT NULL,
    evaluator text NOT NULL DEFAULT '',
    question text NOT NULL,
    answers text NOT NULL DEFAULT '[]',
    source text NOT NULL DEFAULT '',
    a_mode text NOT NULL CHECK (a_mode IN ('overview', 'links')),
    blind_choice text NOT NULL CHECK (blind_choice IN ('A', 'B', 'tie', 'neither')),
    winner text NOT NULL,
    overview_correct integer NOT NULL,
    links_correct integer NOT NULL,
    comment text NOT NULL DEFAULT '',
    decision_ms integer NOT NULL,
    overview_text text NOT NULL DEFAULT ''
)
"""


# ui.votes.FEEDBACK_SCHEMA's columns with PostgreSQL's types: answer feedback from the search page.
FEEDBACK_SCHEMA = """
CREATE TABLE IF NOT EXISTS rag_feedback (
    id bigserial PRIMARY KEY,
    created text NOT NULL,
    evaluator text NOT NULL DEFAULT '',
    question text NOT NULL,
    resolved_query text NOT NULL DEFAULT '',
    turn integer NOT NULL DEFAULT 1,
    source text NOT NULL DEFAULT '',
    rating text NOT NULL CHECK (rating IN ('up', 'down')),
    reason text NOT NULL DEFAULT '',
    overview_text text NOT NULL DEFAULT ''
)
"""


class PgVoteStore(VoteStore):
    def __init__(self, settings: Settings):
        # Not VoteStore.__init__: there is no file. `path` is where CSV exports go (the app serves that folder).
        self.url, self.size = settings.pg_url, settings.pg_pool
        self.path = Path(settings.data_dir) / "exports"
        self.where = f"PostgreSQL {pg.redact(self.url)} (table rag_votes)"
        with pg.connection(self.url, self.size) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(7311)")  # replicas starting together
            conn.execute(SCHEMA)
            conn.execute(FEEDBACK_SCHEMA)

    def journal_mode(self) -> str:
        return "postgresql"

    def add(self, vote: Vote) -> int:
        row = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), vote.evaluator.strip(), vote.question,
               json.dumps(list(vote.answers), ensure_ascii=False), vote.source, vote.a_mode, vote.choice,
               vote.winner, int(vote.overview_correct), int(vote.links_correct), vote.comment.strip(),
               int(vote.decision_ms), vote.overview_text)
        with pg.connection(self.url, self.size) as conn:
            return conn.execute(f"INSERT INTO rag_votes ({', '.join(COLUMNS[1:])}) VALUES "
                                f"({', '.join(['%s'] * len(row))}) RETURNING id", row).fetchone()[0]

    def rows(self, limit: int = -1, evaluator: str | None = None) -> list[dict]:
        """Every vote in order, or only those of one evaluator (a signed-in user's own)."""
        where, params = ("WHERE evaluator = %s ", (evaluator,)) if evaluator is not None else ("", ())
        with pg.connection(self.url, self.size) as conn:
            cur = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM rag_votes {where}ORDER BY id LIMIT %s",
                               (*params, None if limit < 0 else limit))
            return [dict(zip(COLUMNS, r)) for r in cur.fetchall()]

    def add_feedback(self, feedback: Feedback) -> int:
        row = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), feedback.evaluator.strip(), feedback.question,
               feedback.resolved_query, int(feedback.turn), feedback.source, feedback.rating,
               feedback.reason.strip()[:MAX_REASON], feedback.overview_text)
        with pg.connection(self.url, self.size) as conn:
            return conn.execute(f"INSERT INTO rag_feedback ({', '.join(FEEDBACK_COLUMNS[1:])}) VALUES "
                                f"({', '.join(['%s'] * len(row))}) RETURNING id", row).fetchone()[0]

    def feedback_rows(self) -> list[dict]:
        with pg.connection(self.url, self.size) as conn:
            cur = conn.execute(f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM rag_feedback ORDER BY id")
            return [dict(zip(FEEDBACK_COLUMNS, r)) for r in cur.fetchall()]
