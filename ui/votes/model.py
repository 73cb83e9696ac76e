"""What a vote is, what the store promises, and everything about votes that is not SQL.

    Vote, Feedback              one blind A/B judgement; one thumbs up or down on a search answer
    wilson(k, n) -> Rate        k of n with its 95% Wilson interval
    VoteStore                   the store contract: the backends (ui.votes.sqlite, ui.votes.postgres) write and
                                read rows; this base turns them into summaries and a CSV export, the same on both
    vote_row(vote), feedback_row(feedback)
                                the values a backend stores, by column name (COLUMNS, FEEDBACK_COLUMNS order)
"""

from __future__ import annotations

import csv
import json
import statistics
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import RagError, require

MODES = ("overview", "links")
CHOICES = ("A", "B", "tie", "neither")
RATINGS = ("up", "down")
CONFIDENCE = 0.95
MAX_REASON = 2000  # characters kept of a reason
EXPORTS = "exports"  # under Settings.data_dir: where Export CSV writes, the one folder the app serves files from

# The columns of each table, in the order rows() and the CSV give them; ui.votes.schema gives their SQL types.
COLUMNS = ("id", "created", "evaluator", "question", "answers", "source", "a_mode", "blind_choice", "winner",
           "overview_correct", "links_correct", "comment", "decision_ms", "overview_text")
FEEDBACK_COLUMNS = ("id", "created", "evaluator", "question", "resolved_query", "turn", "source", "rating", "reason",
                    "overview_text")


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


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())  # UTC, ISO 8601


def vote_row(vote: Vote) -> dict[str, object]:
    """A vote as stored: every column but id, in COLUMNS order."""
    return {"created": _now(), "evaluator": vote.evaluator.strip(), "question": vote.question,
            "answers": json.dumps(list(vote.answers), ensure_ascii=False), "source": vote.source,
            "a_mode": vote.a_mode, "blind_choice": vote.choice, "winner": vote.winner,
            "overview_correct": int(vote.overview_correct), "links_correct": int(vote.links_correct),
            "comment": vote.comment.strip(), "decision_ms": int(vote.decision_ms), "overview_text": vote.overview_text}


def feedback_row(feedback: Feedback) -> dict[str, object]:
    """Feedback as stored: every column but id, in FEEDBACK_COLUMNS order."""
    return {"created": _now(), "evaluator": feedback.evaluator.strip(), "question": feedback.question,
            "resolved_query": feedback.resolved_query, "turn": int(feedback.turn), "source": feedback.source,
            "rating": feedback.rating, "reason": feedback.reason.strip()[:MAX_REASON],
            "overview_text": feedback.overview_text}


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


@dataclass(frozen=True)
class FeedbackSummary:
    n: int
    helpful: Rate  # thumbs up out of all
    reasons: list[tuple[str, str, str]] = field(default_factory=list)  # (rating, question, reason), newest first


def wilson(k: int, n: int, confidence: float = CONFIDENCE) -> Rate:
    """k successes in n trials with the Wilson score interval, from scipy (it is right at 0 and n,
    where the textbook normal interval collapses to a width of zero)."""
    if n == 0:
        return Rate(0, 0)
    binomtest = require("scipy.stats", "ui").binomtest

    ci = binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
    return Rate(k, n, float(ci.low), float(ci.high))


class VoteStore(ABC):
    """Votes and answer feedback, kept by a backend; ui.votes.open_votes(settings) picks which.

    A backend writes and reads rows (_insert, _select: the SQL); what the app and `rag eval` make of the
    rows is here, so both backends give the same summaries and the same CSV.
    """

    def __init__(self, where: str, exports: Path, files: tuple[Path, ...] = ()):
        self.where = where  # for messages: the SQLite file, or the PostgreSQL database without its password
        self.exports = Path(exports)  # the folder Export CSV writes to (the app serves it, and only it)
        self.files = files  # the local files that hold the votes (none for PostgreSQL): never served

    @abstractmethod
    def _insert(self, table: str, row: dict[str, object]) -> int:
        """Store one row of table ("votes" | "feedback"); its new id."""

    @abstractmethod
    def _select(self, table: str, columns: tuple[str, ...], evaluator: str | None = None,
                limit: int | None = None) -> list[dict]:
        """Rows of table in id order as {column: value}, only evaluator's when given, at most limit."""

    @abstractmethod
    def journal_mode(self) -> str:
        """How writes are made durable: "wal" for the SQLite file, "postgresql" for the database."""

    def add(self, vote: Vote) -> int:
        return self._insert("votes", vote_row(vote))

    def rows(self, limit: int | None = None, evaluator: str | None = None) -> list[dict]:
        """Every vote in order, or only those of one evaluator (a signed-in user's own)."""
        return self._select("votes", COLUMNS, evaluator, limit)

    def add_feedback(self, feedback: Feedback) -> int:
        return self._insert("feedback", feedback_row(feedback))

    def feedback_rows(self) -> list[dict]:
        return self._select("feedback", FEEDBACK_COLUMNS)

    def summary(self) -> Summary:
        """Win and correct rates with 95% Wilson intervals: the one summariser, shown as HTML by the app and as
        Markdown by `rag eval --votes`."""
        rows = self.rows()
        n = len(rows)
        if not n:
            return Summary(votes=0)
        wins = {w: wilson(sum(r["winner"] == w for r in rows), n) for w in ("overview", "links", "tie", "neither")}
        correct = {m: wilson(sum(r[f"{m}_correct"] for r in rows), n) for m in MODES}
        return Summary(votes=n, wins=wins, correct=correct,
                       median_decision_s=statistics.median(r["decision_ms"] for r in rows) / 1000,
                       evaluators=len({r["evaluator"] for r in rows}))

    def feedback_summary(self, reasons: int = 5) -> FeedbackSummary:
        rows = self.feedback_rows()
        up = sum(r["rating"] == "up" for r in rows)
        recent = [(r["rating"], r["question"], r["reason"]) for r in reversed(rows) if r["reason"]][:reasons]
        return FeedbackSummary(len(rows), wilson(up, len(rows)), recent)

    def export_csv(self, path: Path) -> Path:
        """Every vote, one row each."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(self.rows())
        return path
