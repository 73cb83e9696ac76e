"""Per-user limits of the shared app: questions per minute, overviews waiting for the model, sizes.

    limits = Limits.from_settings(settings)
    limits.check_query(text)            a refusal message when the question is too long, else None
    limits.check_upload(path)           the same for an evaluator's question file
    limits.admit(user)                  counts one question; a message when the user is over the minute's limit
    limits.reserve(user, session)       at search time: a place for the overview that follows, or a message
    limits.overview(user, session)      at overview time: the message to show instead, or None to go ahead;
                                        then limits.done(user) when the overview ends, however it ends

The rate limit is a moving one-minute window per user from the `limits` library (in memory: one app
process). Overviews are one at a time on the shared model, in arrival order, so a user who queues
many would make everyone else wait behind them: each user may have `queued_overviews` waiting or
running, and a question beyond that gets its links with a message in place of the overview.
Because a place is taken when the links are shown and the overview event comes after, the place
is matched to its overview through (user, session): one browser tab or client asks in order.
A place whose overview never came (the tab was closed while it waited) lapses after PLACE_TTL.
A message about the question asked (too long) is in its language; the others, not tied to one
question, in English and Korean (rag.messages.both).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from pathlib import Path

from rag.errors import require
from rag.messages import both, message
from rag.settings import Settings
from rag.text import lang_of

# An overview waits behind at most (users x queued_overviews) others of a few seconds each; a place
# unused for this long belongs to a request that was dropped.
PLACE_TTL = 600.0


class Limits:
    def __init__(self, questions_per_minute: int = 0, queued_overviews: int = 0, max_query_chars: int = 500,
                 max_upload_bytes: int = 20_000_000, clock=time.monotonic):
        self.per_minute, self.queued = questions_per_minute, queued_overviews
        self.max_query_chars, self.max_upload_bytes = max_query_chars, max_upload_bytes
        self.clock = clock
        self._lock = threading.Lock()
        self._running: dict[str, list[float]] = defaultdict(list)  # user -> times places were taken
        self._tickets: dict[tuple[str, str], deque] = defaultdict(deque)  # (user, session) -> place | message
        self._limiter = self._rate = None
        if questions_per_minute:
            lib = require("limits", "ui")
            self._limiter = lib.strategies.MovingWindowRateLimiter(lib.storage.MemoryStorage())
            self._rate = lib.RateLimitItemPerMinute(questions_per_minute)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Limits":
        return cls(settings.questions_per_minute, settings.queued_overviews, settings.max_query_chars,
                   settings.max_upload_bytes)

    # -- sizes ------------------------------------------------------------------------------------------

    def check_query(self, text) -> str | None:
        n = len(text) if isinstance(text, str) else 0
        if n <= self.max_query_chars:
            return None
        return message("query_too_long", lang_of(text), n=n, limit=self.max_query_chars)

    def check_upload(self, path: str | Path | None) -> str | None:
        try:
            size = Path(path).stat().st_size if path else 0
        except OSError:
            return None  # reading it will say what is wrong
        if size <= self.max_upload_bytes:
            return None
        return both("file_too_big", size=_mb(size), limit=_mb(self.max_upload_bytes))

    def check_typed(self, text) -> str | None:
        size = len(text.encode("utf-8", "replace")) if isinstance(text, str) else 0
        if size <= self.max_upload_bytes:
            return None
        return both("typed_too_big", size=_mb(size), limit=_mb(self.max_upload_bytes))

    # -- questions per minute ---------------------------------------------------------------------------

    def admit(self, user: str) -> str | None:
        """Count a question for `user`: None when allowed, else the message saying when to ask again."""
        if self._limiter is None or self._limiter.hit(self._rate, user):
            return None
        reset = self._limiter.get_window_stats(self._rate, user).reset_time
        wait = max(1, round(reset - time.time()))
        return both("too_many_questions", n=self.per_minute, wait=wait)

    # -- overviews waiting for the model ----------------------------------------------------------------

    def reserve(self, user: str, session: str, refused: bool = False) -> str | None:
        """At search time: take a place for this question's overview. Returns the message for the
        overview pane when there is no place. A refused question takes none, and its overview is
        skipped in silence (the links pane says why)."""
        with self._lock:
            message = "" if refused else self._full(user)
            self._tickets[(user, session)].append(self._take(user) if message is None else message)
            return message or None

    def overview(self, user: str, session: str) -> str | None:
        """At overview time: None to go ahead (a place is held until done()), else the message to show
        ("" when the search already showed it)."""
        with self._lock:
            tickets = self._tickets.get((user, session))
            ticket = tickets.popleft() if tickets else None
            if tickets is not None and not tickets:
                del self._tickets[(user, session)]
            if isinstance(ticket, str):
                return ticket
            if ticket is not None and self._holds(user, ticket):
                return None
        # No search came first (a client calling the overview alone): count it as a question here.
        message = self.admit(user)
        if message:
            return message
        with self._lock:
            message = self._full(user)
            if not message:
                self._take(user)
            return message

    def done(self, user: str) -> None:
        with self._lock:
            if self._running.get(user):
                self._running[user].pop(0)

    def waiting(self, user: str) -> int:
        with self._lock:
            return len(self._live(user))

    def _live(self, user: str) -> list[float]:
        now = self.clock()
        places = self._running[user] = [t for t in self._running[user] if now - t < PLACE_TTL]
        return places

    def _full(self, user: str) -> str | None:
        if not self.queued or len(self._live(user)) < self.queued:
            return None
        return both("overviews_waiting", n=self.queued)

    def _take(self, user: str) -> float:
        t = self.clock()
        self._running[user].append(t)
        return t

    def _holds(self, user: str, taken: float) -> bool:
        return taken in self._live(user)


def _mb(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{size / 1_000:.0f} KB" if size >= 10_000 else f"{size:,} bytes"
