"""Evaluator votes: one SQLite file under Settings.data_dir, safe with several evaluators at once.

    store = VoteStore.open(settings)      data/votes.sqlite3, created on first use
    VoteStore(path, create=False)         an existing votes file, read as it is (`rag eval --votes PATH`)
    store.add(vote)                       one row per blind A/B judgement
    store.summary() -> Summary            win rates and correct rates with 95% Wilson intervals; the one
                                          summariser, shown as HTML by the app and as Markdown by rag eval
    store.export_csv(path)                every vote, one row each
    store.add_feedback(feedback)          a thumbs up or down (and an optional reason) on one search answer
    store.feedback_summary()              how many, the share found helpful (Wilson interval), recent reasons

Concurrency: WAL journal mode lets readers run beside the one writer, a busy timeout makes a second
writer wait instead of failing, and every call opens its own short-lived connection, so no
connection is shared between Gradio's worker threads (sqlite3 connections must not be).
"""

from __future__ import annotations

import csv
import json
import sqlite3
import statistics
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError, require
from rag.settings import Settings

FILENAME = "votes.sqlite3"
MODES = ("overview", "links")
CHOICES = ("A", "B", "tie", "neither")
CONFIDENCE = 0.95

SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,              -- UTC, ISO 8601
    evaluator TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    answers TEXT NOT NULL DEFAULT '[]', -- JSON list of reference answers, if the file had them
    source TEXT NOT NULL DEFAULT '',    -- index (or "web") the two answers came from
    a_mode TEXT NOT NULL CHECK (a_mode IN ('overview', 'links')),
    -- what the evaluator clicked, A | B | tie | neither; not named "choice" so that tools reading
    -- the first of vote/choice/winner (rag eval --votes) count the decoded winner below
    blind_choice TEXT NOT NULL CHECK (blind_choice IN ('A', 'B', 'tie', 'neither')),
    winner TEXT NOT NULL,               -- blind_choice decoded: overview | links | tie | neither
    overview_correct INTEGER NOT NULL,
    links_correct INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    decision_ms INTEGER NOT NULL,       -- from display to vote
    overview_text TEXT NOT NULL DEFAULT ''
)
"""
# Feedback on the search page's answers (ui.chat): same file, its own table, so one place holds every
# judgement of the overviews, and `rag eval --votes` reports both.
FEEDBACK_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,              -- UTC, ISO 8601
    evaluator TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,             -- as typed
    resolved_query TEXT NOT NULL DEFAULT '',  -- what was searched (a follow-up resolved in context)
    turn INTEGER NOT NULL DEFAULT 1,    -- the answer's turn in its conversation
    source TEXT NOT NULL DEFAULT '',
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    reason TEXT NOT NULL DEFAULT '',
    overview_text TEXT NOT NULL DEFAULT ''
)
"""
FEEDBACK_COLUMNS = ("id", "created", "evaluator", "question", "resolved_query", "turn", "source", "rating", "reason",
                    "overview_text")
RATINGS = ("up", "down")
MAX_REASON = 2000  # characters kept of a reason


@dataclass(frozen=True)
class Feedback:
    question: str
    rating: str  # "up" | "down"
    reason: str = ""
    resolved_query: str = ""
    turn: int = 1
    source: str = ""
    overview_text: str = ""
    evaluator: str = ""

    def __post_init__(self):
        if self.rating not in RATINGS:
            raise RagError(f"feedback is a thumbs up or down (got {self.rating!r})")


@dataclass(frozen=True)
class FeedbackSummary:
    n: int
    helpful: "Rate"  # thumbs up out of all
    reasons: list[tuple[str, str, str]] = field(default_factory=list)  # (rating, question, reason), newest first


COLUMNS = ("id", "created", "evaluator", "question", "answers", "source", "a_mode", "blind_choice", "winner",
           "overview_correct", "links_correct", "comment", "decision_ms", "overview_text")


@dataclass(frozen=True)
class Vote:
    question: str
    a_mode: str  # which mode was shown as "A"
    choice: str  # "A" | "B" | "tie" | "neither"
    overview_correct: bool
    links_correct: bool
    decision_ms: int
    evaluator: str = ""
    comment: str = ""
    answers: tuple[str, ...] = ()
    source: str = ""
    overview_text: str = ""

    def __post_init__(self):
        if self.a_mode not in MODES:
            raise RagError(f"a_mode must be one of {MODES}, not {self.a_mode!r}")
        if self.choice not in CHOICES:
            raise RagError(f"choose one of A, B, tie or neither (got {self.choice!r})")

    @property
    def winner(self) -> str:
        """The choice with the blinding removed."""
        if self.choice == "A":
            return self.a_mode
        if self.choice == "B":
            return MODES[1 - MODES.index(self.a_mode)]
        return self.choice


@dataclass(frozen=True)
class Rate:
    """k of n, with its 95% Wilson score interval (None when n is 0)."""

    k: int
    n: int
    low: float | None = None
    high: float | None = None

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None


@dataclass(frozen=True)
class Summary:
    votes: int
    wins: dict[str, Rate] = field(default_factory=dict)  # overview, links, tie, neither
    correct: dict[str, Rate] = field(default_factory=dict)  # overview, links
    median_decision_s: float | None = None
    evaluators: int = 0

    def rates(self) -> list[tuple[str, Rate]]:
        """What the summary reports, labelled and in the order it is shown (the app and `rag eval` alike)."""
        if not self.votes:
            return []
        return [("Overview preferred", self.wins["overview"]), ("Links preferred", self.wins["links"]),
                ("Tie", self.wins["tie"]), ("Neither helped", self.wins["neither"]),
                ("Overview answered correctly", self.correct["overview"]),
                ("Links answered correctly", self.correct["links"])]


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Rate:
    """k successes in n trials with the Wilson score interval, from scipy (it is right at 0 and n,
    where the textbook normal interval collapses to a width of zero)."""
    if n == 0:
        return Rate(0, 0)
    binomtest = require("scipy.stats", "ui").binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Rate(k, n, float(ci.low), float(ci.high))


class VoteStore:
    def __init__(self, path: Path, create: bool = True):
        """create=False: the file must already hold the app's votes table; nothing is created or changed."""
        self.path = Path(path)
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
                conn.execute(SCHEMA)
                conn.execute(FEEDBACK_SCHEMA)

    @classmethod
    def open(cls, settings: Settings) -> "VoteStore":
        if settings.pg_url:  # shared by every replica (ui.pgvotes); SQLite stays the default
            from .pgvotes import PgVoteStore

            return PgVoteStore(settings)
        return cls(Path(settings.data_dir) / FILENAME)

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

    def add(self, vote: Vote) -> int:
        row = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), vote.evaluator.strip(), vote.question,
               json.dumps(list(vote.answers), ensure_ascii=False), vote.source, vote.a_mode, vote.choice,
               vote.winner, int(vote.overview_correct), int(vote.links_correct), vote.comment.strip(),
               int(vote.decision_ms), vote.overview_text)
        with closing(self._connect()) as conn, conn:
            cur = conn.execute(f"INSERT INTO votes ({', '.join(COLUMNS[1:])}) VALUES "
                               f"({', '.join('?' * len(row))})", row)
            return cur.lastrowid

    def rows(self, limit: int = -1, evaluator: str | None = None) -> list[dict]:
        """Every vote in order, or only those of one evaluator (a signed-in user's own)."""
        where, params = ("WHERE evaluator = ? ", (evaluator, limit)) if evaluator is not None else ("", (limit,))
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            try:
                return [dict(r) for r in conn.execute(f"SELECT {', '.join(COLUMNS)} FROM votes {where}ORDER BY id "
                                                      "LIMIT ?", params)]
            except sqlite3.DatabaseError as exc:  # not SQLite at all, or another program's table
                raise RagError(f"{self.path} is not a votes database written by `rag ui` ({exc})") from None

    def summary(self) -> Summary:
        rows = self.rows()
        n = len(rows)
        if not n:
            return Summary(votes=0)
        wins = {w: wilson(sum(r["winner"] == w for r in rows), n) for w in ("overview", "links", "tie", "neither")}
        correct = {m: wilson(sum(r[f"{m}_correct"] for r in rows), n) for m in MODES}
        return Summary(votes=n, wins=wins, correct=correct,
                       median_decision_s=statistics.median(r["decision_ms"] for r in rows) / 1000,
                       evaluators=len({r["evaluator"] for r in rows}))

    def add_feedback(self, feedback: Feedback) -> int:
        row = (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), feedback.evaluator.strip(), feedback.question,
               feedback.resolved_query, int(feedback.turn), feedback.source, feedback.rating,
               feedback.reason.strip()[:MAX_REASON], feedback.overview_text)
        with closing(self._connect()) as conn, conn:
            conn.execute(FEEDBACK_SCHEMA)  # a votes file from before feedback existed gets the table here
            cur = conn.execute(f"INSERT INTO feedback ({', '.join(FEEDBACK_COLUMNS[1:])}) VALUES "
                               f"({', '.join('?' * len(row))})", row)
            return cur.lastrowid

    def feedback_rows(self) -> list[dict]:
        with closing(self._connect()) as conn:
            conn.row_factory = sqlite3.Row
            try:
                query = f"SELECT {', '.join(FEEDBACK_COLUMNS)} FROM feedback ORDER BY id"
                return [dict(r) for r in conn.execute(query)]
            except sqlite3.OperationalError:  # a votes file written before feedback existed: none yet
                return []

    def feedback_summary(self, reasons: int = 5) -> FeedbackSummary:
        rows = self.feedback_rows()
        up = sum(r["rating"] == "up" for r in rows)
        recent = [(r["rating"], r["question"], r["reason"]) for r in reversed(rows) if r["reason"]][:reasons]
        return FeedbackSummary(len(rows), wilson(up, len(rows)), recent)

    def export_csv(self, path: Path) -> Path:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(self.rows())
        return path
