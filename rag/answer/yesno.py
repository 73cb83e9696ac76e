"""Yes/no comparisons decided from what the sources say.

"Are X and Y both Z?" and "Were X and Y of the same nationality?" are a question kind of their own
(about a sixth of HotpotQA): no sentence holds the answer, the reader compares two sources. The
overview answers only when the comparison is made from what the sources say: "Yes" when both
entities' own passages say Z (every content word of it), "Yes"/"No" for a same nationality when
both passages name one. Anything else falls back to the ordinary overview: the absence of Z in a
passage is no evidence of "No".
"""

from __future__ import annotations

import re

from rag.answer.compose import Part, renumber
from rag.answer.sentences import citable_sentences
from rag.answer.types import term_overlap
from rag.retrieve.hop import PAREN, title_key
from rag.retrieve.retrievers import query_terms
from rag.schema import Evidence, Passage

AUX = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|has|have|had)\b", re.I)
SAME = re.compile(r"\bsame (nationality|country)\b", re.I)
DEMONYM = re.compile(r"\b(?:an?|the)\s+((?:[A-Z][a-z]+(?:an|ian|ish|ese|ch|ic|i))(?:[-–][A-Z][a-z]+)?)\b")
FILLER = frozenset("both same also all two either".split())


def compose_yes_no(question: str, passages: list[Passage], documents: dict, lang: str = "en"):
    """(sentences, sources, evidence) for a comparison decided from the sources, or None.

    documents maps doc_id -> Document (title, url). The lead cites both sentences it rests on.
    """
    titles = {p.hit.chunk.doc_id: documents[p.hit.chunk.doc_id].title for p in passages}
    decided = yes_no(question, passages, titles, lang)
    if decided is None:
        return None
    lead, rests_on = decided
    evidence = [Evidence(text=text, doc_id=doc, title=documents[doc].title, url=documents[doc].url, score=1.0,
                         relevance=1.0) for doc, text in rests_on]
    parts = [Part(lead, tuple(range(1, len(evidence) + 1)), "compared")]
    parts += [Part(e.text, (n,), "quoted") for n, e in enumerate(evidence, 1)]
    sentences, sources = renumber(parts, evidence)
    return sentences, sources, evidence


def yes_no(question: str, passages: list[Passage], titles: dict[str, str],
           lang: str = "en") -> tuple[str, list[tuple[str, str]]] | None:
    """A Yes/No lead and the (doc_id, sentence) pairs it rests on, or None when it cannot be decided."""
    if lang != "en" or not AUX.match(question) or " and " not in question.lower():
        return None
    entities = _compared(question, passages, titles)
    if len(entities) != 2:
        return None
    texts = {doc: " ".join(p.hit.chunk.text for p in passages if p.hit.chunk.doc_id == doc) for doc, _ in entities}
    same = SAME.search(question)
    if same:
        firsts = [citable_sentences(texts[doc])[:1] for doc, _ in entities]
        found = [set(DEMONYM.findall(first[0] if first else "")) for first in firsts]
        if not all(found):
            return None
        answer = "Yes" if found[0] & found[1] else "No"
        values = [" or ".join(sorted(f)) for f in found]
        lead = f"{answer}: {entities[0][1]} is {values[0]}, {entities[1][1]} is {values[1]}."
        return lead, [(d, _first(texts[d])) for d, _ in entities]
    named = {w for _, t in entities for w in query_terms(t)}
    wanted = {t for t in query_terms(AUX.sub("", question)) if t not in named and t not in FILLER}
    if not wanted or "both" not in question.lower():
        return None
    support = []
    for doc, _ in entities:
        best = max(citable_sentences(texts[doc]) or [""], key=lambda s: term_overlap(s, wanted))
        if term_overlap(best, wanted) < 1.0:
            return None  # not said of both: no answer from a comparison
        support.append((doc, best))
    return f"Yes: the sources say it of both {entities[0][1]} and {entities[1][1]}.", support


def _compared(question: str, passages: list[Passage], titles: dict[str, str]) -> list[tuple[str, str]]:
    """The documents whose titles the question names, in the order it names them (first two)."""
    asked = " " + re.sub(r"[^\w\s]", " ", question.lower()) + " "
    named = {}
    for p in passages:
        title = titles[p.hit.chunk.doc_id]
        key = re.sub(r"[^\w\s]", " ", title_key(title))
        at = asked.find(f" {' '.join(key.split())} ")
        if key.strip() and at >= 0 and title not in {t for _, t in named.values()}:
            named.setdefault(at, (p.hit.chunk.doc_id, PAREN.sub("", title)))
    return [named[at] for at in sorted(named)][:2]


def _first(text: str) -> str:
    sentences = citable_sentences(text)
    return sentences[0] if sentences else text[:300]
