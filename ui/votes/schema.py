"""The two tables, written once for both SQL backends: each column's type, and the statements made from them.

SQLite (ui.votes.sqlite) and PostgreSQL (ui.votes.postgres) take the same text and integer columns; a Dialect says
what differs: the id column, the placeholder, and the table names (in PostgreSQL the tables share a database with
the indexes, so they carry the rag_ prefix). The column names and their order are ui.votes.model's.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import COLUMNS, FEEDBACK_COLUMNS

VOTES = {
    "created": "text NOT NULL",  # UTC, ISO 8601
    "evaluator": "text NOT NULL DEFAULT ''",
    "question": "text NOT NULL",
    "answers": "text NOT NULL DEFAULT '[]'",  # JSON list of reference answers, if the file had them
    "source": "text NOT NULL DEFAULT ''",  # index (or "web") the two answers came from
    "a_mode": "text NOT NULL CHECK (a_mode IN ('overview', 'links'))",
    # What the evaluator clicked, A | B | tie | neither; not named "choice" so that tools reading the first of
    # vote/choice/winner count the decoded winner below.
    "blind_choice": "text NOT NULL CHECK (blind_choice IN ('A', 'B', 'tie', 'neither'))",
    "winner": "text NOT NULL",  # blind_choice decoded: overview | links | tie | neither
    "overview_correct": "integer NOT NULL",
    "links_correct": "integer NOT NULL",
    "comment": "text NOT NULL DEFAULT ''",
    "decision_ms": "integer NOT NULL",  # from display to vote
    "overview_text": "text NOT NULL DEFAULT ''",
}
# Feedback on the search page's answers (ui.search): beside the votes, so one place holds every judgement of the
# overviews, and `rag eval --votes` reports both.
FEEDBACK = {
    "created": "text NOT NULL",  # UTC, ISO 8601
    "evaluator": "text NOT NULL DEFAULT ''",
    "question": "text NOT NULL",  # as typed
    "resolved_query": "text NOT NULL DEFAULT ''",  # what was searched (a follow-up resolved in context)
    "turn": "integer NOT NULL DEFAULT 1",  # the answer's turn in its conversation
    "source": "text NOT NULL DEFAULT ''",
    "rating": "text NOT NULL CHECK (rating IN ('up', 'down'))",
    "reason": "text NOT NULL DEFAULT ''",
    "overview_text": "text NOT NULL DEFAULT ''",
}
TABLES = {"votes": (COLUMNS, VOTES), "feedback": (FEEDBACK_COLUMNS, FEEDBACK)}


@dataclass(frozen=True)
class Dialect:
    prefix: str  # before each table's name
    id_column: str  # the id column's type: an increasing integer key
    placeholder: str  # the driver's parameter marker

    def table(self, name: str) -> str:
        return self.prefix + name

    def create(self, name: str) -> str:
        columns, types = TABLES[name]
        lines = [f"id {self.id_column}"] + [f"{c} {types[c]}" for c in columns[1:]]
        return f"CREATE TABLE IF NOT EXISTS {self.table(name)} (\n    " + ",\n    ".join(lines) + "\n)"

    def insert(self, name: str, row: dict[str, object]) -> tuple[str, tuple]:
        """The statement that stores row ({column: value}) in name, and its parameters."""
        marks = ", ".join([self.placeholder] * len(row))
        return f"INSERT INTO {self.table(name)} ({', '.join(row)}) VALUES ({marks})", tuple(row.values())

    def select(self, name: str, columns, evaluator: str | None, limit: int | None) -> tuple[str, tuple]:
        """The query for rows of name in id order (only evaluator's, at most limit) and its parameters."""
        where = f" WHERE evaluator = {self.placeholder}" if evaluator is not None else ""
        most = f" LIMIT {self.placeholder}" if limit is not None else ""
        params = tuple(p for p in (evaluator, limit) if p is not None)
        return f"SELECT {', '.join(columns)} FROM {self.table(name)}{where} ORDER BY id{most}", params


SQLITE = Dialect(prefix="", id_column="INTEGER PRIMARY KEY AUTOINCREMENT", placeholder="?")
POSTGRES = Dialect(prefix="rag_", id_column="bigserial PRIMARY KEY", placeholder="%s")
