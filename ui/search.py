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

Gradio never appears here (ui.tabs wires these), so every handler runs in a test without a server.
What a turn shows is in its question's language; what no question has been asked for yet, in both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rag import FinalEvent, LinksEvent, TokenEvent
from rag.errors import BadQuery
from rag.messages import both, message
from rag.text import lang_of

from . import render
from .access import LOCAL, Caller
from .backend import problem
from .votes import Feedback

log = logging.getLogger(__name__)


def new_thread() -> dict:
    return {"conv": {"format": 1, "index": None, "turns": []}, "thread": [], "latest": None, "pending": None}


def _state(state) -> dict:
    return state if isinstance(state, dict) and "conv" in state else new_thread()


def _conversation(backend, state: dict, source: str | None):
    conv = backend.assistant.conversation(state=state["conv"])
    conv.index = source or None
    return conv


# -- asking ---------------------------------------------------------------------------------------------

def ask_links(backend, state, question: str, source: str | None, fresh: bool = False,
              search_for: str | None = None, caller: Caller = LOCAL) -> tuple:
    """(state, links, links stats, reading, overview, overview stats, thread, searched for, feedback message).

    fresh: a new topic (the top search box); otherwise a follow-up in the thread. The latest turn, if any,
    moves up into the thread first, so each earlier turn keeps its overview beside its own links.
    The caller's limits apply (ui.access.limits): a question too long or over the caller's questions per
    minute gets the message and no overview; over the limit of waiting overviews, the links come with a
    message for the overview. Every question asked goes to the query log (when the owner turned it on).
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
        return (state, render.error_html(problem(exc, lang_of(question or ""))), "", "", "", "", thread_html(state),
                "", "")
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
                yield state, render.draft_html(draft, lang=lang), "", "", []
            elif isinstance(event, FinalEvent):
                reply = event.overview
                overview = render.overview_html(reply, prefix=f"t{len(state['thread']) + 1}")
                latest = {"html": render.turn_html(reply.turn, reply.question, reply.resolved_query, overview,
                                                   render.links_html(reply.links, heading="", lang=lang)),
                          "question": reply.question, "resolved": reply.resolved_query, "turn": reply.turn,
                          "overview_text": reply.text}
                state = {**state, "conv": conv.to_dict(), "latest": latest, "pending": None}
                yield (state, overview, render.overview_stats(reply), render.reading_stats(reply.links, reply),
                       list(reply.related))
    except BadQuery:
        yield {**state, "pending": None}, "", "", "", []  # the links pane already says what is wrong
    except Exception as exc:
        yield {**state, "pending": None}, render.error_html(problem(exc, lang)), "", "", []


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
        return render.error_html(both("nothing_to_rate"))
    lang = lang_of(latest["question"])
    try:
        backend.votes.add_feedback(Feedback(question=latest["question"], rating=rating, reason=reason or "",
                                            resolved_query=latest["resolved"], turn=latest["turn"],
                                            source=source or backend.settings.index,
                                            overview_text=latest["overview_text"], evaluator=evaluator or ""))
    except Exception as exc:
        return render.error_html(f"{message('feedback_not_saved', lang)}: {problem(exc, lang)}")
    thanks = message("thanks", lang, thumb="👍" if rating == "up" else "👎")
    return f'<div class="rag-stats" id="feedback-saved">{render.e(thanks)}</div>'


# -- markup ---------------------------------------------------------------------------------------------

def thread_html(state: dict) -> str:
    return "".join(state.get("thread") or [])
