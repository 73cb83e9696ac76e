"""Evaluator votes and answer feedback: one contract, two SQL backends, one factory that picks between them.

    store = open_votes(settings)            PostgreSQL when settings.pg_url is set (every app replica shares
                                            it), else <data_dir>/votes.sqlite3; tables made on first use
    open_votes(settings, create=False)      the same store, read as it is (`rag eval --votes`)
    open_votes(settings, PATH, create=False)  a SQLite votes file, read as it is (`rag eval --votes PATH`)
    store.add(vote)                         one row per blind A/B judgement
    store.summary() -> Summary              win rates and correct rates with 95% Wilson intervals; the one
                                            summariser, shown as HTML by the app and as Markdown by rag eval
    store.export_csv(path)                  every vote, one row each (the app writes under store.exports)
    store.add_feedback(feedback)            a thumbs up or down (and an optional reason) on one search answer
    store.feedback_summary()                how many, the share found helpful (Wilson interval), recent reasons
    store.where                             for messages: the file, or the database without its password

    ui.votes.model     Vote, Feedback, wilson, the VoteStore base (summaries, CSV): everything but SQL
    ui.votes.schema    the tables' columns and statements, shared by both backends
    ui.votes.sqlite    SqliteVoteStore: one file, WAL, safe with several writers
    ui.votes.postgres  PgVoteStore: tables rag_votes and rag_feedback beside the indexes
"""

from __future__ import annotations

from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings

from .model import (CHOICES, COLUMNS, EXPORTS, FEEDBACK_COLUMNS, MODES, Feedback, FeedbackSummary, Rate, Summary,
                    Vote, VoteStore, wilson)
from .postgres import PgVoteStore
from .sqlite import FILENAME, SqliteVoteStore

__all__ = ["CHOICES", "COLUMNS", "FEEDBACK_COLUMNS", "FILENAME", "MODES", "Feedback", "FeedbackSummary",
           "PgVoteStore", "Rate", "SqliteVoteStore", "Summary", "Vote", "VoteStore", "open_votes", "wilson"]


def open_votes(settings: Settings, path: Path | None = None, create: bool = True) -> VoteStore:
    """The vote store the settings name: PostgreSQL when settings.pg_url is set, else the SQLite file at path
    (default <data_dir>/votes.sqlite3). create=False reads a store as it is: nothing is created or changed."""
    exports = Path(settings.data_dir) / EXPORTS
    if settings.pg_url:
        if path is not None:
            raise RagError(f"{path} is a SQLite votes file, but --pg-url / RAG_PG_URL names a PostgreSQL database — "
                           "give one of the two")
        return PgVoteStore(settings.pg_url, exports, pool=settings.pg_pool, create=create)
    return SqliteVoteStore(Path(path) if path is not None else Path(settings.data_dir) / FILENAME, exports,
                           create=create)
