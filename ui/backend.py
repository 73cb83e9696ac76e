"""What every page of the app shares: the Assistant, the vote store, the access policy, the warm-up.

    backend = Backend.create(settings)      cheap: nothing loads until backend.warmup.start()
    source_choices(backend)                 the source selector: built indexes, then Web when it works
    status(backend)                         the status line while the models load
    problem(exc)                            what the page says for an exception (never a traceback)

ui.search (the thread) and ui.evaluate (the blind comparison) are plain functions over a Backend.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from rag import Assistant, Settings
from rag.errors import RagError
from rag.messages import bilingual, both, message
from rag.store import open_store

from . import render
from .access import Access
from .votes import VoteStore, open_votes

log = logging.getLogger(__name__)

WEB_SOURCE = ("Web", "web")  # a name, as the indexes' names are: not translated


class Warmup:
    """Loads the models and default index once, in a background thread, and says how far it got."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.stage = "loading_index"  # the step under way, as a catalogue key (rag.messages)
        self.problems: list[str] = []
        self.started = time.monotonic()
        self.done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> "Warmup":
        if self._thread is None:
            self.started = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="warm-up", daemon=True)
            self._thread.start()
        return self

    def _run(self) -> None:
        a = self.assistant
        steps = [("loading_index", lambda: a.warm_up(generator=False))]
        if a.settings.generate:
            steps.append(("loading_llm", a.generator.warm_up))
        for stage, step in steps:
            self.stage = stage
            try:
                step()
            except RagError as exc:
                self.problems.append(str(exc))
            except Exception as exc:  # shown as a status line, never raised into the page
                log.exception("warm-up failed")
                failed = bilingual(lambda lang: message("stage_failed", lang, stage=message(stage, lang)))
                self.problems.append(f"{failed}: {type(exc).__name__}: {exc}")
        self.done.set()

    @property
    def loading(self) -> bool:
        return self._thread is not None and not self.done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is None:
            return True  # never started (tests): load on first use instead
        return self.done.wait(timeout)

    def status(self) -> str:
        if not self.done.is_set():
            if self._thread is None:
                return ""
            seconds = f"{time.monotonic() - self.started:.0f}"
            text = bilingual(lambda lang: message("warming_up", lang, stage=message(self.stage, lang),
                                                  seconds=seconds))
            return render.waiting_html(text, heading="")
        if self.problems:
            return "".join(render.error_html(p) for p in self.problems)
        return ""


@dataclass
class Backend:
    assistant: Assistant
    votes: VoteStore
    warmup: Warmup
    web: bool = False  # the web-search helper sets this when Assistant.search(q, index="web") works
    rng: random.Random = field(default_factory=random.Random)
    # Login, per-user limits and the query log (ui.access). The default is the owner alone on loopback:
    # no login, size caps only; `rag ui` passes Access.for_host(settings, host, ...).
    access: Access = field(default_factory=Access)

    @classmethod
    def create(cls, settings: Settings, assistant: Assistant | None = None, **kwargs) -> "Backend":
        assistant = assistant or Assistant(settings)
        kwargs.setdefault("access", Access.local(settings))
        return cls(assistant=assistant, votes=open_votes(settings), warmup=Warmup(assistant), **kwargs)

    @property
    def settings(self) -> Settings:
        return self.assistant.settings


def source_choices(backend: Backend) -> list[tuple[str, str]]:
    """(label, value) pairs for the source selector: the built indexes, then Web when it works."""
    choices = [(name, name) for name in open_store(backend.settings).list()]
    if backend.web:
        choices.append(WEB_SOURCE)
    return choices


def default_source(backend: Backend) -> str | None:
    values = [v for _, v in source_choices(backend)]
    return backend.settings.index if backend.settings.index in values else (values[0] if values else None)


def status(backend: Backend) -> Iterator[str]:
    """The status line: warm-up progress every half second until the models are ready."""
    while not backend.warmup.wait(0.5):
        yield backend.warmup.status()
    yield backend.warmup.status()


def problem(exc: Exception, lang: str | None = None) -> str:
    """A RagError's own one-line message; anything else a short apology (the traceback goes to the log),
    in the question's language, or in both when the failure answers no question (lang None)."""
    if isinstance(exc, RagError):
        return str(exc)
    log.exception("unexpected error in a UI handler")
    error = f"{type(exc).__name__}: {exc}"
    return message("unexpected", lang, error=error) if lang else both("unexpected", error=error)
