"""A conversation: follow-up questions answered in the context of the earlier turns.

    conv = assistant.conversation()         a new, empty conversation over the assistant's index
    conv.ask("Who painted the Mona Lisa?")   -> Reply: the usual Overview, plus .resolved_query, .turn, .related
    conv.ask("When was he born?")            searches for "When was Leonardo da Vinci born?" (rag.chat.followup)
    conv.stream(question)                    LinksEvent, TokenEvents, FinalEvent(Reply), as Assistant.stream
    conv.ask(question, search_for=text)      search for exactly `text` (an edited "Searched for:")
    conv.undo() / conv.reset()               drop the last turn / every turn
    conv.to_dict() / Conversation.from_dict(assistant, data)   plain JSON-able data, saved and restored

Each turn keeps only what later turns need (the question, what was searched, the answer's text, the
entities it named, the suggestions), never the models or the index, so a conversation is small, can
be stored anywhere and restored in another process.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field, fields

from rag.chat import followup
from rag.chat.entities import entities_of
from rag.chat import related
from rag.errors import BadQuery, RagError
from rag.chat.entities import Entity
from rag.schema import FinalEvent, LinksEvent, Overview, TokenEvent, final_overview
from rag.web.mode import WEB

FORMAT = 1  # the version of to_dict()'s layout; from_dict refuses another
MAX_TURNS = 50  # kept for context; older turns are dropped (they no longer change any resolution)


@dataclass(frozen=True)
class Reply(Overview):
    """An Overview that is one turn of a conversation."""

    turn: int = 1
    question: str = ""  # as typed
    resolved_query: str = ""  # what was searched (== question when nothing needed resolving)
    related: list[str] = field(default_factory=list)  # suggested next questions, each checked
    resolve_ms: float = 0.0  # time spent resolving the follow-up (before the search)

    def to_dict(self) -> dict:
        out = super().to_dict()
        out.update({"turn": self.turn, "question": self.question, "resolved_query": self.resolved_query,
                    "related": list(self.related)})
        return out


@dataclass(frozen=True)
class Turn:
    question: str
    resolved_query: str
    answer: str = ""
    entities: tuple[Entity, ...] = ()
    related: tuple[str, ...] = ()
    abstained: bool = False

    def to_dict(self) -> dict:
        return {"question": self.question, "resolved_query": self.resolved_query, "answer": self.answer,
                "entities": [e.to_dict() for e in self.entities], "related": list(self.related),
                "abstained": self.abstained}

    @classmethod
    def from_dict(cls, data: dict) -> "Turn":
        return cls(question=str(data["question"]), resolved_query=str(data.get("resolved_query") or data["question"]),
                   answer=str(data.get("answer", "")),
                   entities=tuple(Entity.from_dict(e) for e in data.get("entities") or ()),
                   related=tuple(str(r) for r in data.get("related") or ()), abstained=bool(data.get("abstained")))


class Conversation:
    """Turns over one index; cheap to make, holds no model. Not for two threads at once (one per user)."""

    def __init__(self, assistant, index: str | None = None, turns: list[Turn] | None = None,
                 suggest: bool = True):
        self.assistant = assistant
        self.index = index
        self.turns: list[Turn] = list(turns or [])
        self.suggest = suggest

    # -- asking ---------------------------------------------------------------------------------

    def resolve(self, question: str) -> followup.Resolution:
        """What would be searched for `question` now (no search is run)."""
        question, _ = self.assistant.clean_query(question)
        idx = self._loaded_index()
        return followup.resolve(question, self.turns, idx, self.assistant.reader_for(idx) if idx else None)

    def ask(self, question: str, search_for: str | None = None) -> Reply:
        return final_overview(self.stream(question, search_for))

    def stream(self, question: str, search_for: str | None = None) -> Iterator[LinksEvent | TokenEvent | FinalEvent]:
        started = time.perf_counter()
        question, _ = self.assistant.clean_query(question)
        if search_for is not None:
            query, _ = self.assistant.clean_query(search_for)
        else:
            query = self.resolve(question).query
        resolve_ms = (time.perf_counter() - started) * 1000
        overview = None
        for event in self.assistant.stream(query, self.index):
            if isinstance(event, FinalEvent):
                overview = event.overview
            else:
                yield event
        suggestions = related.suggest(self.assistant, overview.query, overview, self.index) if self.suggest else []
        reply = Reply(**{f.name: getattr(overview, f.name) for f in fields(Overview)}, turn=len(self.turns) + 1,
                      question=question, resolved_query=overview.query, related=suggestions, resolve_ms=resolve_ms)
        self._remember(reply)
        yield FinalEvent(reply)

    def _remember(self, reply: Reply) -> None:
        idx = self._loaded_index()
        entities = tuple(entities_of(reply.resolved_query, None if reply.abstained else reply, idx))
        answer = "" if reply.abstained else " ".join(s.text for s in reply.sentences)
        self.turns.append(Turn(reply.question, reply.resolved_query, answer, entities, tuple(reply.related),
                               reply.abstained))
        del self.turns[:-MAX_TURNS]

    def _loaded_index(self):
        name = self.index or self.assistant.settings.index
        if name == WEB:
            return None
        return self.assistant.loaded_index(name)

    # -- state ----------------------------------------------------------------------------------

    def undo(self) -> Turn | None:
        """Forget the last turn (to ask it again differently); returns it, or None when there was none."""
        return self.turns.pop() if self.turns else None

    def reset(self) -> None:
        """A new topic: no earlier turn is used for resolution any more."""
        self.turns.clear()

    def to_dict(self) -> dict:
        return {"format": FORMAT, "index": self.index, "turns": [t.to_dict() for t in self.turns]}

    @classmethod
    def from_dict(cls, assistant, data) -> "Conversation":
        """Restore a saved conversation; RagError with what is wrong when `data` is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("turns", []), list):
            raise RagError("a saved conversation is a JSON object with a list of \"turns\"")
        if data.get("format", FORMAT) != FORMAT:
            raise RagError(f"saved conversation format {data.get('format')!r} is not {FORMAT} — "
                           "it was written by another version of rag")
        try:
            turns = [Turn.from_dict(t) for t in data.get("turns", [])]
        except (KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"a saved conversation turn is incomplete ({exc}) — each needs at least \"question\"") \
                from None
        index = data.get("index")
        if index is not None and not isinstance(index, str):
            raise BadQuery("the saved conversation's \"index\" must be a name")
        return cls(assistant, index, turns)
