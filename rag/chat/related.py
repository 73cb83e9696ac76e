"""Suggested next questions: three per answer, built from the evidence, each checked against the index.

Never free-form model output. Two kinds of question, taken in turn:

  aspect   another side of the lead source's subject that its own document states: "(born …" gives
           "When was Leonardo da Vinci born?", "located in" gives "Where is …?", and so on (ASPECTS);
           an aspect the question already asks about is skipped;
  entity   another thing the cited sources name that has a document of its own in the index (a title,
           as the second hop finds them): "Who was Gustave Eiffel?" / "What is the Louvre?".

Each candidate is searched for before it is shown (Assistant.search, three links): it is kept only when
a top link is the subject's own document (or names it), so a suggestion never leads to an empty page.
Korean questions get Korean suggestions (the templates below), English ones English.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from rag.chat.entities import display_name, kind_of
from rag.chat.entities import Entity as _Entity
from rag.chat.followup import _ko_particle
from rag.retrieve.hop import _title_matches, names_in, title_key, title_table
from rag.text import HANGUL

log = logging.getLogger(__name__)

LIMIT = 3
CHECK_LINKS = 3  # a suggestion must bring its subject's document into the top three links
MAX_CHECKS = 8  # searches spent on checking, at most (each is one retrieval, ~10 ms on vital)
# A lone capitalised word with these endings is usually an adjective or a demonym ("Western",
# "Italian", "Chinese", "Republic" of "… Republic"): no subject for a question of its own.
ADJECTIVE = ("ern", "ese", "ish", "ian", "ic", "al")


@dataclass(frozen=True)
class Aspect:
    """A pattern in the subject's document, the question it licenses, and the words that show the
    user already asked it."""

    pattern: re.Pattern
    en: str
    ko: str
    asked: tuple[str, ...]
    kinds: tuple[str, ...] = ("place", "thing")  # what the subject must be (rag.chat.followup's kinds)


ASPECTS = (
    Aspect(re.compile(r"\(born\b|\bwas born\b|\(\d{3,4}\s*[–-]|태어", re.I), "When was {x} born?",
           "{x}{는} 언제 태어났나요?", ("born", "birth", "태어", "출생"), ("person",)),
    Aspect(re.compile(r"\bdied\b|\(\d{3,4}\s*[–-]\s*\d{3,4}\)|사망", re.I), "When did {x} die?",
           "{x}{는} 언제 사망했나요?", ("die", "died", "death", "사망"), ("person",)),
    Aspect(re.compile(r"\b(located|lies|situated|held at|hangs in)\b|위치", re.I), "Where is {x}?",
           "{x}{는} 어디에 있나요?", ("where", "located", "어디", "위치")),
    Aspect(re.compile(r"\b(built|constructed|completed|opened)\b.{0,40}\b\d{3,4}\b|완공|건설", re.I),
           "When was {x} built?", "{x}{는} 언제 지어졌나요?", ("built", "constructed", "when", "언제", "완공")),
    Aspect(re.compile(r"\b(founded|established)\b|설립|창립", re.I), "When was {x} founded?",
           "{x}{는} 언제 설립되었나요?", ("founded", "established", "when", "설립")),
    Aspect(re.compile(r"\b(created|designed|invented|written|painted|composed|(painting|novel|play|opera|symphony|"
                      r"poem|sculpture|film) by)\b", re.I), "Who created {x}?", "{x}{를} 누가 만들었나요?",
           ("who", "created", "painted", "designed", "invented", "wrote", "written", "누가")),
    Aspect(re.compile(r"\b(elevation|height|tall)\b|높이", re.I), "How tall is {x}?",
           "{x}{는} 얼마나 높나요?", ("high", "tall", "height", "elevation", "높")),
    Aspect(re.compile(r"\bpopulation\b|인구", re.I), "What is the population of {x}?", "{x}의 인구는 얼마인가요?",
           ("population", "people", "인구")),
)
ENTITY_EN = {"person": "Who was {x}?", "place": "Where is {x}?", "thing": "What is {x}?"}
ENTITY_KO = {"person": "{x}{는} 누구인가요?", "place": "{x}{는} 어디에 있나요?", "thing": "{x}{는} 무엇인가요?"}


def is_name(key: str, own_text: str) -> bool:
    """A one-word title is a name only if its own document never writes it in lower case: the article
    "Island" says "An island is …", so "Where is Island?" is no question a person asks; "Paris" never
    writes "paris". Longer titles ("Mona Lisa", "Eiffel Tower") are names."""
    if len(key.split()) > 1 or not key:
        return True
    return not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", own_text)


def spoken(subject: str, own_text: str) -> str:
    """The subject as its own document says it: "the Sistine Chapel", "the speed of light" when the document
    opens "The Sistine Chapel is …" / "The speed of light …" (a person asks "Where is the Sistine Chapel?")."""
    if subject.startswith("The "):  # a title with its own article: "When was the Buddha born?"
        return "the " + subject[4:]
    opening = re.match(rf"The ({re.escape(subject)})s?\b", own_text, re.I)
    return f"the {opening.group(1)}" if opening else subject


def _fill(template: str, name: str) -> str:
    """Put a name into a template; Korean particles ({는}, {를}) agree with the name's last sound."""
    text = template.replace("{x}", name)
    for particle in ("는", "를"):
        text = text.replace("{" + particle + "}", _ko_particle(name, particle))
    return text


def candidates(query: str, overview, index) -> list[tuple[str, str, tuple[str, ...]]]:
    """(question, subject, subject's doc ids), aspects and entities interleaved, best first."""
    korean = bool(HANGUL.search(query))
    asked = query.lower()
    cited = [s for s in overview.sources if s.doc_id in index.documents]
    aspects, entities, seen = [], [], {title_key(query)}
    for src in cited[:2]:
        doc = index.documents[src.doc_id]
        subject = display_name(doc.title)
        if not is_name(title_key(doc.title), doc.text):
            continue
        kind = kind_of(_Entity(subject, "source", (doc.id,)), index)
        for aspect in ASPECTS:
            if kind in aspect.kinds and aspect.pattern.search(doc.text) and not any(w in asked for w in aspect.asked):
                question = _fill(aspect.ko if korean else aspect.en, subject if korean else spoken(subject, doc.text))
                if question.lower() not in seen:
                    seen.add(question.lower())
                    aspects.append((question, subject, (doc.id,)))
    table = title_table(index)
    asked_words = set(re.findall(r"\w+", asked))
    cited_keys = {title_key(s.title) for s in cited}
    for src in cited:
        text = index.documents[src.doc_id].text
        for name in names_in(text):
            for found, ids in _title_matches(name, table):
                key = title_key(found)
                words = set(re.findall(r"\w+", key))
                if key in seen or key in cited_keys or words <= asked_words or len(key) < 4 or \
                        (len(words) == 1 and (re.search(rf"\b{re.escape(key)}\b", text) or key.endswith(ADJECTIVE))) \
                        or not is_name(key, index.document_text(ids[0])):
                    continue  # a lone word also written in lower case ("Group"), or "Western", is no name
                seen.add(key)
                subject = display_name(index.documents[ids[0]].title)
                kind = kind_of(_Entity(subject, "source", ids), index)
                said = subject if korean else spoken(subject, index.document_text(ids[0]))
                entities.append((_fill((ENTITY_KO if korean else ENTITY_EN)[kind], said), subject, ids))
    out = []
    for pair in zip(aspects, entities):
        out.extend(pair)
    longer = aspects if len(aspects) > len(entities) else entities
    out.extend(longer[min(len(aspects), len(entities)):])
    return out


def suggest(assistant, query: str, overview, index_name: str | None, limit: int = LIMIT) -> list[str]:
    """Up to `limit` next questions, each of which retrieves its subject's own document."""
    from rag.web.mode import WEB

    name = index_name or assistant.settings.index
    if overview is None or overview.abstained or not overview.sources or name == WEB:
        return []
    index = assistant.loaded_index(name)
    kept = []
    for question, subject, doc_ids in candidates(query, overview, index)[:MAX_CHECKS]:
        if _answerable(assistant, question, subject, doc_ids, index_name):
            kept.append(question)
            if len(kept) == limit:
                break
    return kept


def _answerable(assistant, question: str, subject: str, doc_ids: tuple[str, ...], index_name) -> bool:
    try:
        page = assistant.search(question, index=index_name, k=CHECK_LINKS)
    except Exception as exc:  # a suggestion is never worth an error in front of the user
        log.info("suggestion %r not checked: %s", question, exc)
        return False
    needle = subject.lower()
    return any(link.doc_id in doc_ids or needle in link.snippet.replace("**", "").lower() for link in page.links)
