"""Evidence first: pick the sentences of the passages read that most likely hold the answer.

Every sentence of every passage gets the features rag.ranker.FEATURES (cosine to the question,
term overlap, title match, passage position, hop, bridge mention, answer type, novelty, …); the
fitted ranker turns them into a probability of holding the answer, and sentences are picked by
that probability with maximal marginal relevance so that near-duplicates give way to other sources.
A multi-hop pick keeps its bridge: when an answer sentence comes from a second-hop passage, the
first-hop sentence that names the bridge entity is picked with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from .embedding import Embedder
from .ranker import FEATURES, Ranker
from .retrieval import STOP, WORD, query_terms
from .schema import Evidence, Passage

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


@dataclass
class Candidates:
    """Every sentence of the passages read, with its passage, features and embedding."""

    sentences: list[str]
    passages: list[Passage]  # the passage each sentence comes from
    features: np.ndarray  # one row per sentence, columns rag.ranker.FEATURES
    vectors: np.ndarray
    bridges: list[str]  # per sentence: the bridge it names or came from ("" if none)

    @property
    def cosine(self) -> np.ndarray:
        return self.features[:, FEATURES.index("cosine")]


def candidates(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
               lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None) -> Candidates:
    sentences, owners, seen = [], [], set()
    for p in passages:
        for i, sentence in enumerate(split_sentences(p.hit.chunk.text, lang)):
            if sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
                owners.append((p, i))
    qv = embedder.encode([query]) if query_vector is None else query_vector.reshape(1, -1)
    sv = embedder.encode(sentences)
    terms = query_terms(query)
    expects = answer_type(query)
    rows, named = [], []
    for sentence, (p, position), cos in zip(sentences, owners, (sv @ qv[0]).astype(float) if sentences else []):
        title = titles[p.hit.chunk.doc_id][0]
        bridge = p.bridge or next((b for b in bridges if b and b in sentence), "")
        named.append(bridge)
        words = len(sentence.split())
        rows.append([
            cos, _term_overlap(sentence, terms, title), _term_overlap(sentence, terms, ""),
            _term_overlap("", terms, title), 1.0 / (1 + p.rank), float(p.hop == 2), float(bool(bridge)),
            float(expects is not None), float(has_answer_type(sentence, expects, terms)),
            novelty(sentence, terms), float(position == 0), min(words / 40, 1.0),
        ])
    features = np.array(rows, dtype=float).reshape(-1, len(FEATURES))
    return Candidates(sentences, [p for p, _ in owners], features, sv, named)


def select_evidence(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
                    k: int = 4, lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None,
                    diversity: float = 0.3, ranker: Ranker | None = None) -> list[Evidence]:
    """Up to k evidence sentences (best first) from the passages read.

    titles maps doc_id -> (title, url). Evidence.relevance is the ranker's probability of holding
    the answer; Evidence.score is the plain cosine, on which "no answer here" is judged.
    """
    found = candidates(query, passages, titles, embedder, lang, bridges, query_vector)
    if not found.sentences:
        return []
    probability = (ranker or Ranker.default()).probability(found.features)
    docs = [p.hit.chunk.doc_id for p in found.passages]
    picked = _mmr(probability, found.vectors, k, diversity, docs)
    picked = _keep_bridge(picked, probability, found, k)
    out = []
    for i in picked:
        p, doc_id = found.passages[i], docs[i]
        out.append(Evidence(text=found.sentences[i], doc_id=doc_id, title=titles[doc_id][0], url=titles[doc_id][1],
                            score=float(found.cosine[i]), chunk_id=p.hit.chunk.id,
                            relevance=float(probability[i]), hop=p.hop, bridge=found.bridges[i]))
    return out


def _keep_bridge(picked: list[int], probability: np.ndarray, found: Candidates, k: int) -> list[int]:
    """A second-hop answer among the top two picks brings the first-hop sentence naming its bridge."""
    for i in picked[:2]:
        bridge = found.passages[i].bridge
        if found.passages[i].hop != 2 or not bridge:
            continue
        if any(found.passages[j].hop == 1 and found.bridges[j] == bridge for j in picked):
            return picked
        namers = [j for j, p in enumerate(found.passages) if p.hop == 1 and bridge in found.sentences[j]]
        if namers:
            best = max(namers, key=lambda j: probability[j])
            kept = picked[: k - 1] if len(picked) >= k else picked
            return kept + [best]
    return picked


def bridge_of(evidence: list[Evidence], lead: Evidence) -> int | None:
    """1-based number of the evidence naming the lead's bridge, when the lead is a second-hop sentence."""
    if lead.hop != 2 or not lead.bridge:
        return None
    return next((n for n, e in enumerate(evidence, 1) if e.hop == 1 and e.bridge == lead.bridge), None)


# Classic answer typing: a "when" question is answered by a sentence with a date in it, a "how
# many" question by one with a number, a "who" question by one naming someone not in the question.
# MiniLM's cosine barely sees this; the ranker's "typed" feature does.
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


def novelty(sentence: str, terms: set[str]) -> float:
    """Share of the sentence's content words that the question does not hold (an echo scores 0)."""
    words = {w.lower() for w in WORD.findall(sentence) if w.lower() not in STOP and len(w) > 1}
    if not words:
        return 0.0
    new = [w for w in words if w not in terms and not any(w.startswith(t[:5]) for t in terms if len(t) >= 5)]
    return len(new) / len(words)


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

