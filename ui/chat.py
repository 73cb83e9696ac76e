"""The search tab as a thread: what its events do, as plain functions of (backend, state, inputs) -> outputs.

A user's thread lives in their page's state as plain data (`new_thread()`): the conversation saved by
rag.chat.conversation.Conversation.to_dict(), the finished turns' HTML, the latest turn and the question
waiting for its overview. Every event restores the conversation from that data, so no model or index
object is ever copied into a session, and two users' threads never meet.

    ask_links(...)      resolve the question in context (or start a new topic) and show its links at once
    ask_overview(...)   stream the overview for the question ask_links left pending; record the turn
    search_again(...)   the edited "Searched for" replaces the latest turn's search
    new_topic(...)      forget the conversation
    feedback(...)       thumbs up or down, with an optional reason, on the latest answer (ui.votes)

Gradio never appears here (the app wraps these), so every handler runs in a test without a server.
User-facing words are short and given in English and Korean where a label stands alone.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rag import FinalEvent, LinksEvent, TokenEvent
from rag.errors import BadQuery
from rag.messages import message
from rag.text import lang_of

from . import render
from .access import LOCAL, Caller
from .votes import Feedback

log = logging.getLogger(__name__)

# Labels the app shows (English · Korean): users of this app read one or the other.
FOLLOW_UP_PLACEHOLDER = "Ask a follow-up… · 이어서 질문하기…"
NEW_TOPIC = "New topic · 새 주제"
SEARCHED_FOR = "Searched for · 검색어"
SEARCH_AGAIN = "Search again · 다시 검색"
SUGGESTIONS = "Related questions · 관련 질문"
REASON_PLACEHOLDER = "Why? (optional) · 이유 (선택)"
HELPFUL = "👍 Helpful · 도움됨"
NOT_HELPFUL = "👎 Not helpful · 도움 안 됨"
THANKS = {"up": "Thanks — saved 👍 · 저장했습니다", "down": "Thanks — saved 👎 · 저장했습니다"}
RELATED_SLOTS = 3

THREAD_CSS = """
.rag-turn { border-top: 1px solid #e0e0e0; padding-top: .8rem; margin-top: .8rem; }
.rag-turn-q { font-size: 1.1rem; font-weight: 600; margin-bottom: .2rem; }
.rag-turn-searched { color: #5f6368; font-size: .85rem; margin-bottom: .5rem; }
.rag-turn-panes { display: grid; grid-template-columns: 1fr 1fr; gap: 1.5rem; }
.rag-turn-panes .rag-link { margin-bottom: .6rem; }
.rag-feedback-summary { margin-top: .8rem; }
"""


def new_thread() -> dict:
    return {"conv": {"format": 1, "index": None, "turns": []}, "thread": [], "latest": None, "pending": None}


def _state(state) -> dict:
    return state if isinstance(state, dict) and "conv" in state else new_thread()


def _conversation(backend, state: dict, source: str | None):
    conv = backend.assistant.conversation(state=state["conv"])
    conv.index = source or None
    return conv


def _problem(exc: Exception) -> str:
    from .handlers import _problem as problem

    return problem(exc)


# -- asking ---------------------------------------------------------------------------------------------

def ask_links(backend, state, question: str, source: str | None, fresh: bool = False,
              search_for: str | None = None, caller: Caller = LOCAL) -> tuple:
    """(state, links, links stats, reading, overview, overview stats, thread, searched for, feedback message).

    fresh: a new topic (the top search box); otherwise a follow-up in the thread. The latest turn, if any,
    moves up into the thread first, so each earlier turn keeps its overview beside its own links.
    The caller's limits apply as in ui.handlers.search_links: a refused question gets the message and no
    overview; over the limit of waiting overviews, the links come with a message for the overview.
    """
    state = _state(state)
    limits = backend.access.limits
    refused = limits.check_query(question) or limits.admit(caller.key)
    no_place = limits.reserve(caller.key, caller.session, refused=bool(refused))
    if refused:
        return ({**state, "pending": None}, render.error_html(refused), "", "", "", "", thread_html(state), "", "")
    backend.access.log_query(caller, source, question)
    if fresh:
        state = new_thread()
    elif state["latest"] is not None:
        state = {**state, "thread": state["thread"] + [state["latest"]["html"]], "latest": None}
    try:
        conv = _conversation(backend, state, source)
        question, _ = backend.assistant.clean_query(question)
        resolved = backend.assistant.clean_query(search_for)[0] if search_for else conv.resolve(question).query
        page = backend.assistant.search(resolved, index=source or None)
    except Exception as exc:
        state = {**state, "pending": None}
        return (state, render.error_html(_problem(exc)), "", "", "", "", thread_html(state), "", "")
    state = {**state, "pending": {"question": question, "resolved": resolved}}
    lang = lang_of(question)
    stats = render.links_stats(len(page.links), page.timings.links_ms, lang)
    overview = render.error_html(no_place) if no_place else \
        render.waiting_html(message("waiting_model", lang), lang=lang)
    return (state, render.links_html(page.links, page.notices, lang=lang), stats, "", overview, "",
            thread_html(state), resolved, "")


def ask_overview(backend, state, source: str | None, caller: Caller = LOCAL) -> Iterator[tuple]:
    """(state, overview, overview stats, reading stats, related questions) as the overview fills in.
    The caller's place among the overviews waiting for the model is given back however it ends."""
    state = _state(state)
    limits = backend.access.limits
    refused = limits.overview(caller.key, caller.session)
    if refused is not None:
        yield {**state, "pending": None}, (render.error_html(refused) if refused else ""), "", "", []
        return
    try:
        yield from _ask_overview(backend, state, source)
    finally:
        limits.done(caller.key)


def _ask_overview(backend, state: dict, source: str | None) -> Iterator[tuple]:
    pending = state.get("pending")
    if not pending:
        yield state, "", "", "", []
        return
    lang = lang_of(pending["question"])
    if backend.warmup.loading:
        yield state, render.waiting_html(message("loading_models", lang), lang=lang), "", "", []
        backend.warmup.wait()
    draft = ""
    try:
        conv = _conversation(backend, state, source)
        for event in conv.stream(pending["question"], search_for=pending["resolved"]):
            if isinstance(event, LinksEvent):
                yield state, render.waiting_html(message("reading", lang), lang=lang), "", "", []
            elif isinstance(event, TokenEvent):
                draft += event.text
                yield state, render.draft_html(draft), "", "", []
            elif isinstance(event, FinalEvent):
                reply = event.overview
                overview = render.overview_html(reply, prefix=f"t{len(state['thread']) + 1}")
                latest = {"html": turn_html(reply.turn, reply.question, reply.resolved_query, overview,
                                            render.links_html(reply.links, heading="")),
                          "question": reply.question, "resolved": reply.resolved_query, "turn": reply.turn,
                          "overview_text": reply.text}
                state = {**state, "conv": conv.to_dict(), "latest": latest, "pending": None}
                yield (state, overview, render.overview_stats(reply), render.reading_stats(reply.links, reply),
                       list(reply.related))
    except BadQuery:
        yield {**state, "pending": None}, "", "", "", []  # the links pane already says what is wrong
    except Exception as exc:
        yield {**state, "pending": None}, render.error_html(_problem(exc)), "", "", []


def search_again(backend, state, edited: str, source: str | None, caller: Caller = LOCAL) -> tuple:
    """The edited "Searched for" replaces the latest turn's search (same question, same turn number)."""
    state = _state(state)
    latest = state.get("latest")
    if latest is None:
        return ask_links(backend, state, edited, source, fresh=not state["thread"], caller=caller)
    conv = backend.assistant.conversation(state=state["conv"])
    conv.undo()
    state = {**state, "conv": conv.to_dict(), "latest": None}
    return ask_links(backend, state, latest["question"], source, search_for=edited, caller=caller)


def new_topic() -> tuple:
    """(state, thread, links, links stats, reading, overview, overview stats, searched for, feedback message)."""
    return new_thread(), "", "", "", "", "", "", "", ""


# -- feedback -------------------------------------------------------------------------------------------

def feedback(backend, state, rating: str, reason: str, source: str | None, evaluator: str = "") -> str:
    """Store a thumbs up or down on the latest answer with the evaluator votes; a message for the page."""
    latest = _state(state).get("latest")
    if latest is None:
        return render.error_html("There is no answer to rate yet. · 평가할 답이 아직 없습니다.")
    try:
        backend.votes.add_feedback(Feedback(question=latest["question"], rating=rating, reason=reason or "",
                                            resolved_query=latest["resolved"], turn=latest["turn"],
                                            source=source or backend.settings.index,
                                            overview_text=latest["overview_text"], evaluator=evaluator or ""))
    except Exception as exc:
        return render.error_html(f"The feedback was not saved: {_problem(exc)}")
    return f'<div class="rag-stats" id="feedback-saved">{render.e(THANKS[rating])}</div>'


def feedback_html(backend) -> str:
    """The answers' thumbs up/down for the Evaluate tab's summary (empty when there is none)."""
    fb = backend.votes.feedback_summary()
    if not fb.n:
        return ""
    h = fb.helpful
    reasons = "".join(f"<li>{'👍' if rating == 'up' else '👎'} “{render.e(q)}”: {render.e(r)}</li>"
                      for rating, q, r in fb.reasons)
    return (f'<div class="rag-summary rag-feedback-summary"><p><b>Answer feedback</b>: {fb.n} rating'
            f'{"s" if fb.n != 1 else ""} — {h.k} 👍 / {fb.n - h.k} 👎, helpful {h.value:.0%} '
            f'<span class="rag-stats">(95% CI {h.low:.0%}–{h.high:.0%})</span></p>'
            f'{"<ul>" + reasons + "</ul>" if reasons else ""}</div>')


# -- markup ---------------------------------------------------------------------------------------------

def turn_html(turn: int, question: str, resolved: str, overview: str, links: str) -> str:
    """One finished turn: its question, what was searched, its overview beside its own links."""
    searched = f'<div class="rag-turn-searched">{render.e(SEARCHED_FOR)}: {render.e(resolved)}</div>' \
        if resolved != question else ""
    return (f'<div class="rag-turn" data-turn="{turn}"><div class="rag-turn-q">{render.e(question)}</div>{searched}'
            f'<div class="rag-turn-panes"><div>{overview}</div><div>{links}</div></div></div>')


def thread_html(state: dict) -> str:
    return "".join(state.get("thread") or [])
