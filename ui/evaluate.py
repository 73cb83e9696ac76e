"""The Evaluate tab: a blind comparison of the two modes, as plain functions of (backend, inputs) -> outputs.

    eval_load(file, typed, limits)       questions from a JSONL / SQuAD file or typed lines
    eval_next(backend, session, source)  the next question with the overview and the links as A and B, in random order
    eval_vote(...) / eval_skip(session)  record the choice (decoded: which mode won) or leave the question unjudged
    eval_summary(backend)                win and correct rates with 95% Wilson intervals, and the answers' thumbs
    export_votes / votes_table           the CSV for admins; a user's own votes (everyone's for an admin)

Gradio never appears here (ui.tabs wires these), so every handler runs in a test without a server.
Errors never escape a handler: they become a message in the page (ui.backend.problem).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.messages import bilingual, both, message
from rag.text import lang_of

from . import render
from .access import LOCAL, Caller, Limits
from .backend import Backend, problem
from .questions import Question, load_questions, typed_questions
from .votes import MODES, Vote

CHOICES = ("A", "B", "tie", "neither")  # the stored values; the page labels tie and neither in both languages
VOTES_SHOWN = 50  # the latest votes listed under the summary; Export CSV has them all


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
        return EvalSession(), render.error_html(problem(exc))
    if not questions:
        return EvalSession(), render.error_html(both("no_questions"))
    loaded = bilingual(lambda lang: message("questions_loaded", lang, n=len(questions),
                                            name=Path(file_path).name if file_path else message("typed", lang)))
    return EvalSession(questions), f'<div class="rag-stats">{render.e(loaded)}</div>'


def eval_next(backend: Backend, session: EvalSession, source: str | None,
              caller: Caller = LOCAL) -> tuple[EvalSession, str, str, str]:
    """Show the next question with both modes as A and B, in random order: (session, question, A, B).

    Each question shown counts against the caller's questions per minute; over it, the question
    waits (a message says when to go on) and nothing is skipped."""
    if session is None or not session.questions:
        return EvalSession(), render.error_html(both("load_first")), "", ""
    if session.trial is not None:  # not voted on yet: keep it on screen
        return (session, *session.trial.panes)
    if session.position >= len(session.questions):
        done = replace(session, trial=None)
        return done, f'<div class="rag-question">{render.e(both("all_done", n=len(session.questions)))}</div>', "", ""
    question = session.questions[session.position]
    over = backend.access.limits.admit(caller.key)
    if over:
        return session, render.error_html(over), "", ""
    backend.access.log_query(caller, source, question.text)
    lang = lang_of(question.text)
    try:
        ov = backend.assistant.answer(question.text, index=source or None)
    except Exception as exc:
        skipped = replace(session, position=session.position + 1, trial=None)
        skip = f"{message('skipped', lang, question=question.text)}: {problem(exc, lang)}"
        return skipped, render.error_html(skip), "", ""
    a_mode = backend.rng.choice(MODES)
    panes = {"overview": render.overview_html(ov, prefix="eval", heading=""),
             "links": render.links_html(ov.links, heading="", lang=lang)}
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
        return session, render.error_html(both("no_trial"))
    if choice not in CHOICES:
        return session, render.error_html(both("choose_first"))
    lang = lang_of(trial.question.text)
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
        return session, render.error_html(f"{message('vote_not_saved', lang)}: {problem(exc, lang)}")
    saved = message("vote_saved", lang, choice=choice)
    return replace(session, trial=None), f'<div class="rag-stats">{render.e(saved)}</div>'


def eval_summary(backend: Backend) -> str:
    try:  # with the search page's thumbs up/down, kept in the same store
        return render.summary_html(backend.votes.summary()) + render.feedback_html(backend.votes.feedback_summary())
    except Exception as exc:
        return render.error_html(problem(exc))


def eval_export(backend: Backend) -> str | None:
    """Write every vote to a CSV file under the data directory and return its path.

    The name ends in a random part: the exports folder is one the app serves files from, and a
    name made of the time alone could be guessed by a user who is not allowed to export."""
    stamp = f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(8)}"
    return str(backend.votes.export_csv(backend.votes.exports / f"votes-{stamp}.csv"))


def export_votes(backend: Backend, caller: Caller) -> tuple[str | None, str]:
    """Export CSV for admins (and for the owner of an app with no login): (file path, message)."""
    if not caller.admin:
        return None, render.error_html(both("admins_export"))
    try:
        return eval_export(backend), ""
    except Exception as exc:
        return None, render.error_html(f"{both('not_exported')}: {problem(exc)}")


def votes_table(backend: Backend, caller: Caller) -> str:
    """The votes this caller may read: their own, or everyone's (with names and comments) for an admin.
    An app with no login has no "own": there, the table is left to Export CSV."""
    if not caller.signed_in:
        return ""
    try:
        rows = backend.votes.rows(evaluator=None if caller.admin else caller.name)
    except Exception as exc:
        return render.error_html(problem(exc))
    return render.votes_html(rows[-VOTES_SHOWN:], everyone=caller.admin, total=len(rows))
