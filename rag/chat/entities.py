"""The entities a conversation names, and what kind of thing each is.

    entities_of(query, overview, index)   what later follow-ups may point at: names the answer added,
                                          cited titles, bridges, top links, the topic of the query
    titles_in(text, index)                the document titles written in a text, longest first
    kind_of(entity, index)                "person" | "place" | "thing", from its document's opening
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.subject import is_person
from rag.retrieve.hop import OPENERS, PAREN, TOKEN, _searchable, _title_matches, names_in, title_key, title_table
from rag.text import HANGUL
QUESTION_WORDS = frozenset("who whom whose what when where which why how".split())
PLACE_WORDS = re.compile(r"\b(city|town|village|capital|country|county|region|province|state|located|island|"
                         r"river|mountain|museum|stadium|arena)\b|도시|나라|위치|지역", re.I)


@dataclass(frozen=True)
class Entity:
    """A thing the conversation has named, with its documents in the index (empty: none found)."""

    name: str
    role: str  # "answer" | "source" | "bridge" | "topic" | "link"
    doc_ids: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"name": self.name, "role": self.role, "doc_ids": list(self.doc_ids)}

    @classmethod
    def from_dict(cls, data: dict) -> "Entity":
        return cls(str(data["name"]), str(data.get("role", "answer")), tuple(data.get("doc_ids") or ()))


def display_name(name: str) -> str:
    """"Alien (film)" -> "Alien": the disambiguator is for the index, not for a question."""
    return PAREN.sub("", name).strip() or name


def kind_of(entity: Entity, index) -> str:
    if index is None or not entity.doc_ids:
        return "thing"
    if entity.doc_ids[0] not in index.documents:
        return "thing"
    text = index.document_text(entity.doc_ids[0])
    if is_person(text, index.documents[entity.doc_ids[0]].title):
        return "person"
    return "place" if PLACE_WORDS.search(text[:300]) else "thing"


TITLE_START = re.compile(r"[A-Z\uac00-\ud7a3][\w'’.&-]*")


def _titles_by_first_word(index) -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """First word of each document title (as written, "(…)" dropped) -> (title, doc ids), longest first;
    made once per loaded index."""
    def make() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
        grouped: dict[str, dict[str, list[str]]] = {}
        for doc in index.documents.values():
            shown = display_name(doc.title)
            if len(shown) >= 4 or HANGUL.search(shown):
                grouped.setdefault(shown.split()[0], {}).setdefault(shown, []).append(doc.id)
        return {w: sorted(((t, tuple(ids)) for t, ids in titles.items()), key=lambda x: -len(x[0]))
                for w, titles in grouped.items()}

    return index.memo("titles_by_first_word", make)


def titles_in(text: str, index) -> list[tuple[str, tuple[str, ...]]]:
    """The document titles written in `text`, in order, the longest at each place ("Sullivan County,
    New Hampshire", commas and all, which a name splitter would cut); a Korean title may carry a particle."""
    table = _titles_by_first_word(index)
    found, after = [], 0
    for m in TITLE_START.finditer(text):
        if m.start() < after:  # inside a title already found ("Tower" of "Eiffel Tower")
            continue
        word = m.group(0).rstrip(".")
        keys = [word] + ([word[:-k] for k in (1, 2, 3) if len(word) - k >= 2] if HANGUL.match(word) else [])
        for key in keys:
            hit = next(((t, ids) for t, ids in table.get(key, ()) if text.startswith(t, m.start())
                        and not text[m.start() + len(t):m.start() + len(t) + 1].isalnum()
                        or (HANGUL.match(key) and text.startswith(t, m.start()))), None)
            if hit and not _part_of_longer_name(text, m.start(), m.start() + len(hit[0])):
                found.append(hit)
                after = m.start() + len(hit[0])
                break
    return found


def _part_of_longer_name(text: str, start: int, end: int) -> bool:
    """A one-word title inside a longer capitalised name ("Corporation" in "Microsoft Corporation",
    "Tower" in "Eiffel Tower") names something else."""
    if " " in text[start:end] or HANGUL.match(text[start:start + 1]):
        return False
    before = re.search(r"(\S+)\s+$", text[:start])
    after = re.match(r"\s+([A-Z][\w'’-]*)", text[end:])
    joined_before = before is not None and before.group(1)[:1].isupper() and before.group(1)[-1] not in ".!?:;," \
        and before.group(1).lower() not in OPENERS
    return joined_before or (after is not None and text[end:end + 1] == " " and after.group(1).lower() not in OPENERS)


def entities_of(query: str, overview, index, limit: int = 8) -> list[Entity]:
    """What later follow-ups may point at: names the answer added, cited titles, bridges, top links,
    and the topic of the query itself (the title its words name)."""
    table = title_table(index) if index is not None else {}
    docs = index.documents if index is not None else {}
    asked = {w.lower() for w in TOKEN.findall(query)}
    found: list[Entity] = []

    def add(name: str, role: str, doc_ids=()) -> None:
        name = name.strip()
        key = title_key(name)
        if len(key) < 2 or any(title_key(e.name) == key for e in found) or key.split()[0] in QUESTION_WORDS:
            return
        if not doc_ids and key in table:
            doc_ids = table[key]
        # a name with no document of its own is kept only when it is clearly a name (two words or
        # more, not a date): "Italian" or "Lives" alone would be a poor thing to search for instead of "he"
        if not doc_ids and not _searchable(name):
            return
        found.append(Entity(name, role, tuple(doc_ids)))

    short = getattr(overview, "short_answer", None) if overview else None
    if short:  # the answer itself first; a name its cited source is titled by ("Neil Alden Armstrong": Neil Armstrong)
        source = next((src for src in overview.sources if src.n == short.citation and src.doc_id), None)
        own = source and title_key(display_name(source.title)).split()[-1:] == title_key(short.text).split()[-1:]
        add(short.text, "answer", (source.doc_id,) if own and title_key(short.text) not in table else ())
    answer = " ".join(s.text for s in overview.sentences if s.origin != "abstain") if overview else ""
    named = titles_in(answer, index) if index is not None else []
    # names with no document: cut at punctuation, brackets and sentence ends first ("… Leonardo da Vinci. [Mona
    # Lisa] has been …" is two names, not "Leonardo da Vinci Mona Lisa")
    for piece in re.split(r"[,;:()\[\]]|(?<=[.!?])\s", answer):
        named += [(name, ()) for name in names_in(piece) if title_key(name) not in table]
    for text, ids in named:
        new = not all(w.lower() in asked for w in TOKEN.findall(text))
        add(text, "answer" if new else "topic", ids)
    for src in (overview.sources if overview else []):
        add(src.title, "source", (src.doc_id,) if src.doc_id else ())
    for p in (overview.passages if overview else []):
        if p.hop == 2 and p.bridge:
            add(p.bridge, "bridge", (p.hit.chunk.doc_id,) if title_key(p.bridge) == title_key(
                docs[p.hit.chunk.doc_id].title) else ())
    for name in names_in(query):
        for text, ids in (_title_matches(name, table) if table else []) or [(name, ())]:
            add(text, "topic", ids)
    for link in (overview.links[:3] if overview else []):
        add(link.title, "link", (link.doc_id,) if link.doc_id else ())
    return found[:limit]
