"""What the app's events do, as plain functions of (backend, inputs) -> outputs.

They hold no retrieval or generation logic: they call the Assistant, render with ui.render and store
votes with ui.votes. Gradio never appears here, so every handler runs in a test without a server.
Errors never escape a handler: a RagError becomes its one-line message in the page, anything else a
short apology (the traceback goes to the server log only).
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag import Assistant, FinalEvent, LinksEvent, Settings, TokenEvent
from rag.errors import BadQuery, RagError
from rag.store.local import list_indexes
from rag.messages import message
from rag.text import lang_of

from . import render
from .access import LOCAL, Access, Caller
from .limits import Limits
from .questions import Question, load_questions, typed_questions
from .votes import MODES, Vote, VoteStore, open_votes

log = logging.getLogger(__name__)

WEB_SOURCE = ("Web", "web")
VOTES_SHOWN = 50  # the latest votes listed under the summary; Export CSV has them all


# -- the backend: everything the handlers share ---------------------------------------------------------

class Warmup:
    """Loads the models and default index once, in a background thread, and says how far it got."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant
        self.stage = "waiting to start"
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
        steps = [("Loading the embedding model and the index", lambda: a.warm_up(generator=False))]
        if a.settings.generate:
            steps.append(("Loading the language model", a.generator.warm_up))
        for stage, step in steps:
            self.stage = stage
            try:
                step()
            except RagError as exc:
                self.problems.append(str(exc))
            except Exception as exc:  # shown as a status line, never raised into the page
                log.exception("warm-up failed")
                self.problems.append(f"{stage} failed: {type(exc).__name__}: {exc}")
        self.stage = "ready"
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
            return render.waiting_html(f"{self.stage}… ({time.monotonic() - self.started:.0f} s, first start only)",
                                       heading="")
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
    choices = [(name, name) for name in list_indexes(backend.settings)]
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


def _problem(exc: Exception) -> str:
    if isinstance(exc, RagError):
        return str(exc)
    log.exception("unexpected error in a UI handler")
    return f"Something went wrong ({type(exc).__name__}: {exc}). The details are in the server log."


# -- search page ------------------------------------------------------------------------------------------

def search_links(backend: Backend, query: str, source: str | None,
                 caller: Caller = LOCAL) -> tuple[str, str, str, str, str]:
    """The links pane at once: (links, links stats, reading stats, overview, overview stats).

    Runs in its own event, so a user's links never wait behind another user's overview. A question
    that is too long, or over the caller's limit per minute, gets a message instead (and its overview
    is skipped); over the limit of waiting overviews, the links come with a message for the overview.
    """
    lang = lang_of(query or "")
    limits = backend.access.limits
    refused = limits.check_query(query) or limits.admit(caller.key)
    no_place = limits.reserve(caller.key, caller.session, refused=bool(refused))
    if refused:
        return render.error_html(refused), "", "", "", ""
    backend.access.log_query(caller, source, query)
    try:
        page = backend.assistant.search(query, index=source or None)
    except Exception as exc:
        return render.error_html(_problem(exc)), "", "", "", ""
    overview = render.error_html(no_place) if no_place else \
        render.waiting_html(message("waiting_model", lang), lang=lang)
    return (render.links_html(page.links, page.notices, lang=lang),
            render.links_stats(len(page.links), page.timings.links_ms, lang), "", overview, "")


def stream_overview(backend: Backend, query: str, source: str | None,
                    caller: Caller = LOCAL) -> Iterator[tuple[str, str, str]]:
    """The overview pane as it fills: (overview, overview stats, reading stats for the links pane).

    Draft tokens show as they come; the checked overview then replaces the draft. The caller's place
    among the overviews waiting for the model is given back however the stream ends.
    """
    limits = backend.access.limits
    refused = limits.overview(caller.key, caller.session)
    if refused is None and limits.check_query(query):  # called alone, with no search to say so first
        limits.done(caller.key)
        refused = limits.check_query(query)
    if refused is not None:
        yield (render.error_html(refused) if refused else ""), "", ""
        return
    try:
        yield from _stream_overview(backend, query, source)
    finally:
        limits.done(caller.key)


def _stream_overview(backend: Backend, query: str, source: str | None) -> Iterator[tuple[str, str, str]]:
    lang = lang_of(query or "")
    if backend.warmup.loading:
        yield render.waiting_html(message("loading_models", lang), lang=lang), "", ""
        backend.warmup.wait()
    draft = ""
    try:
        for event in backend.assistant.stream(query, index=source or None):
            if isinstance(event, LinksEvent):
                yield render.waiting_html(message("reading", lang), lang=lang), "", ""
            elif isinstance(event, TokenEvent):
                draft += event.text
                yield render.draft_html(draft, lang=lang), "", ""
            elif isinstance(event, FinalEvent):
                ov = event.overview
                yield render.overview_html(ov), render.overview_stats(ov), render.reading_stats(ov.links, ov)
    except BadQuery:
        yield "", "", ""  # the links pane already says what is wrong with the query
    except Exception as exc:
        yield render.error_html(_problem(exc)), "", ""


# -- evaluator --------------------------------------------------------------------------------------------

@dataclass
class Trial:
    """One question on screen: which mode is A, and when it was shown."""

    question: Question
    source: str
    a_mode: str
    shown_at: float
    overview_text: str = ""
    panes: tuple[str, str, str] = ("", "", "")  # question, A, B: shown again until voted on or skipped


@dataclass
class EvalSession:
    questions: list[Question] = field(default_factory=list)
    position: int = 0  # index of the next question to show
    trial: Trial | None = None


def eval_load(file_path: str | None, typed: str, limits: Limits | None = None) -> tuple[EvalSession, str]:
    """Questions from an uploaded file (JSONL or SQuAD JSON), else from the typed lines; a file or
    typed text over the upload cap is refused with its size (Gradio refuses larger uploads itself)."""
    too_big = limits and (limits.check_upload(file_path) or limits.check_typed(typed))
    if too_big:
        return EvalSession(), render.error_html(too_big)
    try:
        questions = load_questions(file_path) if file_path else typed_questions(typed)
    except Exception as exc:
        return EvalSession(), render.error_html(_problem(exc))
    if not questions:
        return EvalSession(), render.error_html("No questions: upload a .jsonl or SQuAD .json file, "
                                                "or type questions, one per line.")
    name = Path(file_path).name if file_path else "typed"
    return EvalSession(questions), f'<div class="rag-stats">{len(questions)} questions loaded ({render.e(name)}).</div>'


def eval_next(backend: Backend, session: EvalSession, source: str | None,
              caller: Caller = LOCAL) -> tuple[EvalSession, str, str, str]:
    """Show the next question with both modes as A and B, in random order: (session, question, A, B).

    Each question shown counts against the caller's questions per minute; over it, the question
    waits (a message says when to go on) and nothing is skipped."""
    if session is None or not session.questions:
        return EvalSession(), render.error_html("Load questions first."), "", ""
    if session.trial is not None:  # not voted on yet: keep it on screen
        return (session, *session.trial.panes)
    if session.position >= len(session.questions):
        done = replace(session, trial=None)
        return done, f'<div class="rag-question">All {len(session.questions)} questions done — thank you.</div>', "", ""
    question = session.questions[session.position]
    over = backend.access.limits.admit(caller.key)
    if over:
        return session, render.error_html(over), "", ""
    backend.access.log_query(caller, source, question.text)
    try:
        ov = backend.assistant.answer(question.text, index=source or None)
    except Exception as exc:
        skipped = replace(session, position=session.position + 1, trial=None)
        return skipped, render.error_html(f"Skipped “{question.text}”: {_problem(exc)}"), "", ""
    a_mode = backend.rng.choice(MODES)
    panes = {"overview": render.overview_html(ov, prefix="eval", heading=""),
             "links": render.links_html(ov.links, heading="")}
    b_mode = MODES[1 - MODES.index(a_mode)]
    html = render.question_html(question.text, session.position + 1, len(session.questions), question.answers)
    shown = (html, panes[a_mode], panes[b_mode])
    trial = Trial(question, source or backend.settings.index, a_mode, time.monotonic(), ov.text, shown)
    return (replace(session, position=session.position + 1, trial=trial), *shown)


def eval_skip(session: EvalSession) -> EvalSession:
    """Leave the question on screen unjudged; the next call to eval_next moves on."""
    return replace(session, trial=None) if session else EvalSession()


def eval_vote(backend: Backend, session: EvalSession, choice: str | None, correct: list[str] | None,
              comment: str, evaluator: str) -> tuple[EvalSession, str]:
    """Record the vote for the question on screen: (session, message)."""
    trial = session.trial if session else None
    if trial is None:
        return session, render.error_html("There is no question on screen to vote on — press Next question.")
    if choice not in ("A", "B", "tie", "neither"):
        return session, render.error_html("Choose which helped more: A, B, tie or neither.")
    correct = set(correct or ())
    shown_as = {trial.a_mode: "A", MODES[1 - MODES.index(trial.a_mode)]: "B"}
    vote = Vote(question=trial.question.text, a_mode=trial.a_mode, choice=choice,
                overview_correct=shown_as["overview"] in correct, links_correct=shown_as["links"] in correct,
                decision_ms=round((time.monotonic() - trial.shown_at) * 1000), evaluator=evaluator or "",
                comment=comment or "", answers=trial.question.answers, source=trial.source,
                overview_text=trial.overview_text)
    try:
        backend.votes.add(vote)
    except Exception as exc:
        return session, render.error_html(f"The vote was not saved: {_problem(exc)}")
    return replace(session, trial=None), f'<div class="rag-stats">Vote saved ({render.e(choice)}).</div>'


def eval_summary(backend: Backend) -> str:
    from .chat import feedback_html  # the search page's thumbs up/down, kept in the same store

    try:
        return render.summary_html(backend.votes.summary()) + feedback_html(backend)
    except Exception as exc:
        return render.error_html(_problem(exc))


def eval_export(backend: Backend) -> str | None:
    """Write every vote to a CSV file under the data directory and return its path.

    The name ends in a random part: the exports folder is one the app serves files from, and a
    name made of the time alone could be guessed by a user who is not allowed to export."""
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(8)}"
    return str(backend.votes.export_csv(backend.votes.exports / f"votes-{stamp}.csv"))


def export_votes(backend: Backend, caller: Caller) -> tuple[str | None, str]:
    """Export CSV for admins (and for the owner of an app with no login): (file path, message)."""
    if not caller.admin:
        return None, render.error_html("Only an admin can export the votes; ask the app's owner. "
                                       "(투표 내보내기는 관리자만 할 수 있습니다.)")
    try:
        return eval_export(backend), ""
    except Exception as exc:
        return None, render.error_html(f"The votes were not exported: {_problem(exc)}")


def votes_table(backend: Backend, caller: Caller) -> str:
    """The votes this caller may read: their own, or everyone's (with names and comments) for an admin.
    An app with no login has no "own": there, the table is left to Export CSV."""
    if not caller.signed_in:
        return ""
    try:
        rows = backend.votes.rows(evaluator=None if caller.admin else caller.name)
    except Exception as exc:
        return render.error_html(_problem(exc))
    return render.votes_html(rows[-VOTES_SHOWN:], everyone=caller.admin, total=len(rows))
