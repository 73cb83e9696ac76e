"""Evidence first: pick the sentences of the top passages that best answer the query.

Sentences are scored by embedding similarity to the query plus query-term overlap, then picked
with maximal marginal relevance so that near-duplicates give way to other sources.
"""

from __future__ import annotations

import re

import numpy as np

from .embedding import Embedder
from .retrieval import WORD, query_terms
from .schema import Evidence, Hit

MIN_WORDS = 4  # fragments ("See also.", "Born 1452.") carry too little to cite
MAX_CHARS = 400  # a "sentence" longer than this is a run-on list; cut it for the prompt


def split_sentences(text: str, lang: str = "en") -> list[str]:
    from sentencex import segment

    out = []
    for s in segment(lang, text):
        s = re.sub(r"\s+", " ", s).strip()
        if len(s.split()) >= MIN_WORDS or (lang == "ko" and len(s) >= 10):
            out.append(s[:MAX_CHARS])
    return out


def select_evidence(query: str, hits: list[Hit], titles: dict[str, tuple[str, str]], embedder: Embedder,
                    k: int = 4, lang: str = "en", query_vector: np.ndarray | None = None,
                    diversity: float = 0.3) -> list[Evidence]:
    """Up to k evidence sentences from the passages in hits (best passage first).

    titles maps doc_id -> (title, url). Scores are in [0, 1]-ish: cosine mixed with term overlap.
    """
    candidates: list[tuple[str, Hit]] = []
    seen = set()
    for hit in hits:
        for sentence in split_sentences(hit.chunk.text, lang):
            if sentence not in seen:
                seen.add(sentence)
                candidates.append((sentence, hit))
    if not candidates:
        return []
    qv = embedder.encode([query]) if query_vector is None else query_vector
    sv = embedder.encode([s for s, _ in candidates])
    cosine = (sv @ qv[0]).astype(float)
    terms = query_terms(query)
    overlap = np.array([_term_overlap(s, terms, titles[h.chunk.doc_id][0]) for s, h in candidates])
    rank_of = {id(h): r for r, h in enumerate(hits)}
    prior = np.array([1.0 / (1 + rank_of[id(h)]) for _, h in candidates])
    expects = answer_type(query)
    typed = np.array([1.0 if has_answer_type(s, expects, terms) else 0.0 for s, _ in candidates])
    relevance = 0.6 * cosine + 0.3 * overlap + 0.1 * prior + TYPE_BONUS * typed
    picked = _mmr(relevance, sv, k, diversity, [h.chunk.doc_id for _, h in candidates])
    return [
        Evidence(text=candidates[i][0], doc_id=candidates[i][1].chunk.doc_id,
                 title=titles[candidates[i][1].chunk.doc_id][0], url=titles[candidates[i][1].chunk.doc_id][1],
                 score=float(cosine[i]), chunk_id=candidates[i][1].chunk.id, relevance=float(relevance[i]))
        for i in picked
    ]


# Classic answer typing: a "when" question is answered by a sentence with a date in it, a "how
# many" question by one with a number, a "who" question by one naming someone not in the question. MiniLM's cosine barely sees this; a bonus does (on 150
# SQuAD-open questions it moved the answer into the overview for a few more questions, the same at 0.1 and 0.2).
TYPE_BONUS = 0.2
YEAR = re.compile(r"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th)? century)\b|\b(January|February|March|April|May|June|July|"
                  r"August|September|October|November|December)\b")
NUMBER = re.compile(r"\d")
CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+")
ANSWER_TYPES = [
    (re.compile(r"^\s*(when|what year|in what year|which year|what century|what date)\b", re.I), "year"),
    (re.compile(r"\b(how (many|much|long|old|high|tall|far|large|big|deep|heavy)|what (percentage|number|amount))\b", re.I), "number"),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), "name"),
    (re.compile(r"(년|언제|몇)"), "number"),
]


def answer_type(query: str) -> str | None:
    for question, kind in ANSWER_TYPES:
        if question.search(query):
            return kind
    return None


def has_answer_type(sentence: str, kind: str | None, terms: set[str]) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name: one not in the question)?"""
    if kind == "year":
        return bool(YEAR.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "name":
        return any(w.lower() not in terms for w in CAPITALISED.findall(sentence))
    return False


def _term_overlap(sentence: str, terms: set[str], title: str) -> float:
    if not terms:
        return 0.0
    words = {w.lower() for w in WORD.findall(sentence + " " + title)}
    found = sum(1 for t in terms if t in words or any(w.startswith(t[:5]) for w in words if len(t) >= 5))
    return found / len(terms)


def _mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, diversity: float, docs: list[str]) -> list[int]:
    picked: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(picked) < k:
        if picked:
            sim = vectors[remaining] @ vectors[picked].T
            redundancy = sim.max(axis=1)
            same_doc = np.array([1.0 if docs[i] in {docs[p] for p in picked} else 0.0 for i in remaining])
            score = relevance[remaining] - diversity * (redundancy + 0.2 * same_doc)
        else:
            score = relevance[remaining]
        best = remaining[int(np.argmax(score))]
        picked.append(best)
        remaining.remove(best)
    return picked
