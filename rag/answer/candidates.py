"""The candidates evidence is picked from: every citable sentence of the passages read, with its features.

    sentences_read(passages, lang)    the sentences, once, in reading order, minus those a chunk boundary cut
    candidates(query, passages, ...)  Candidates: those sentences with their passage, the ranker's features
                                      (rag.answer.ranker.FEATURES) and their embedding behind their title

rag.answer.evidence picks from them; eval.fit_ranker and eval.reader_data build training rows from them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rag.embed.embedder import Embedder
from rag.answer.ranker import FEATURES, feature_row
from rag.answer.sentences import citable_sentences, cut_by_chunk
from rag.retrieve.retrievers import query_terms
from rag.schema import Passage
from rag.text import terms
from rag.answer.types import answer_type, has_answer_type, novelty, term_overlap

@dataclass
class Candidates:
    """Every sentence of the passages read, with its passage, features and embedding."""

    sentences: list[str]
    passages: list[Passage]  # the passage each sentence comes from
    features: np.ndarray  # one row per sentence, columns rag.answer.ranker.FEATURES
    vectors: np.ndarray
    bridges: list[str]  # per sentence: the bridge it names or came from ("" if none)
    positions: list[int]  # per sentence: its place among its passage's citable sentences

    @property
    def cosine(self) -> np.ndarray:
        return self.features[:, FEATURES.index("cosine")]


def sentences_read(passages: list[Passage], lang: str = "en") -> tuple[list[str], list[tuple[Passage, int]]]:
    """The candidate sentences: every citable sentence of the passages read, once, in reading order, with
    its passage and its position there."""
    sentences, owners, seen = [], [], set()
    for p in passages:
        found = citable_sentences(p.hit.chunk.text, lang)
        for i, sentence in enumerate(found):
            if sentence not in seen and not cut_by_chunk(sentence, i, len(found), p.hit.chunk.start):
                seen.add(sentence)
                sentences.append(sentence)
                owners.append((p, i))
    return sentences, owners


def candidates(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
               lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None) -> Candidates:
    sentences, owners = sentences_read(passages, lang)
    qv = embedder.encode([query]) if query_vector is None else query_vector.reshape(1, -1)
    # Each sentence is embedded behind its source's title: "Mount Everest: Its elevation of 8,849
    # metres …" is about Everest, the bare "Its elevation …" is about nothing in particular.
    sv = embedder.encode([f"{titles[p.hit.chunk.doc_id][0]}: {s}" for s, (p, _) in zip(sentences, owners)])
    cosine = (sv @ qv[0]).astype(float) if sentences else np.zeros(0)
    asked = query_terms(query)
    expects = answer_type(query)
    named = [p.bridge or next((b for b in bridges if b and b in s), "") for s, (p, _) in zip(sentences, owners)]
    chains = _chains(sentences, owners, cosine, asked)
    rows = []
    for sentence, (p, position), cos, bridge in zip(sentences, owners, cosine, named):
        title = titles[p.hit.chunk.doc_id][0]
        chain_cosine, residual = chains.get(p.bridge, (0.0, set())) if p.hop == 2 else (0.0, set())
        rows.append(feature_row(
            cosine=cos, cosine_gap=0.0, overlap=term_overlap(sentence, asked, title), overlap_gap=0.0,
            sentence_overlap=term_overlap(sentence, asked, ""), title_overlap=term_overlap("", asked, title),
            prior=1.0 / (1 + p.rank), hop2=float(p.hop == 2), bridge=float(bool(bridge)), chain_cosine=chain_cosine,
            residual_overlap=term_overlap(sentence, residual, title) if residual else 0.0,
            expects_type=float(expects is not None), typed=float(has_answer_type(sentence, expects, asked)),
            novelty=novelty(sentence, asked), first=float(position == 0),
            length=min(len(sentence.split()) / 40, 1.0),
        ))
    features = np.array(rows, dtype=float).reshape(-1, len(FEATURES))
    for column, gap in (("cosine", "cosine_gap"), ("overlap", "overlap_gap")):
        values = features[:, FEATURES.index(column)]
        if len(values):
            features[:, FEATURES.index(gap)] = values - values.max()
    return Candidates(sentences, [p for p, _ in owners], features, sv, named, [i for _, i in owners])


def _chains(sentences: list[str], owners, cosine: np.ndarray, terms_: set[str]) -> dict[str, tuple[float, set[str]]]:
    """For each bridge: the cosine of the best first-hop sentence naming it, and the question's terms
    that sentence leaves unsaid — what the bridge's own passage still has to supply."""
    out: dict[str, tuple[float, set[str]]] = {}
    for bridge in {p.bridge for p, _ in owners if p.hop == 2}:
        namers = [i for i, (p, _) in enumerate(owners) if p.hop == 1 and bridge in sentences[i]]
        if not namers:
            continue
        best = max(namers, key=lambda i: cosine[i])
        said = terms(sentences[best])
        out[bridge] = (float(cosine[best]), {t for t in terms_ if t not in said})
    return out


def mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, diversity: float, docs: list[str]) -> list[int]:
    """Maximal marginal relevance: k picks, each the likeliest less its likeness to the picks (a pick's own document
    counts as likeness too). Ten lines of numpy over vectors already computed, rather than a library call."""
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
