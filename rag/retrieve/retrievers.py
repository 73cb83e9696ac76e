"""Hybrid fusion over a loaded index's retrievers, and documents-not-chunks blue links with snippets.

Every retriever has one method, retrieve(query, k) -> list[Hit], best first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.embed.embedder import Embedder
from rag.store.base import LoadedIndex, Retriever
from rag.schema import Hit, Link
from rag.text import matches, terms


class HybridRetriever:
    """Fuse a sparse and a dense ranking.

    "rrf": reciprocal rank fusion, sum of 1/(k + rank). "norm": min-max normalised scores, averaged.
    Published results (and our SQuAD measurement in docs/evaluation.md) show raw-score averaging barely
    beats BM25, so both methods work on ranks or normalised scores. Fusion is ten lines of numpy,
    simpler than converting to ranx Run objects on the query path, where every millisecond counts.
    """

    def __init__(self, retrievers: Sequence, method: str = "rrf", rrf_k: int = 60, candidates: int = 50):
        self.retrievers, self.method, self.rrf_k, self.candidates = list(retrievers), method, rrf_k, candidates

    def retrieve(self, query: str, k: int) -> list[Hit]:
        rankings = [r.retrieve(query, max(k, self.candidates)) for r in self.retrievers]
        return fuse(rankings, self.method, self.rrf_k)[:k]

    def leaders(self, query: str) -> list[Hit]:
        """Each retriever's own best passage: reciprocal rank fusion sinks a passage only one of them finds, however
        sure it is ("who was the first president of the united states": George Washington is the dense first, not in
        BM25's ten, fused sixth)."""
        return [hits[0] for hits in (r.retrieve(query, 1) for r in self.retrievers) if hits]


def leaders(retriever: Retriever, query: str) -> list[Hit]:
    """The passages fusion may have sunk (HybridRetriever.leaders); none for a single retriever, whose first passage
    is the first hop's first."""
    return retriever.leaders(query) if isinstance(retriever, HybridRetriever) else []


def fuse(rankings: list[list[Hit]], method: str = "rrf", rrf_k: int = 60) -> list[Hit]:
    fused: dict[int, float] = {}
    chunks = {}
    for hits in rankings:
        if not hits:
            continue
        if method == "norm":
            scores = np.array([h.score for h in hits])
            lo, hi = scores.min(), scores.max()
            normed = (scores - lo) / (hi - lo) if hi > lo else np.ones_like(scores)
        for rank, hit in enumerate(hits):
            chunks[hit.chunk.id] = hit.chunk
            gain = 1.0 / (rrf_k + rank + 1) if method == "rrf" else float(normed[rank]) / len(rankings)
            fused[hit.chunk.id] = fused.get(hit.chunk.id, 0.0) + gain
    order = sorted(fused, key=lambda cid: (-fused[cid], cid))
    return [Hit(chunks[cid], fused[cid]) for cid in order]


def make_retriever(index: LoadedIndex, embedder: Embedder, method: str = "rrf", rrf_k: int = 60,
                   candidates: int = 50) -> Retriever:
    """The retriever settings.retriever names, over the index's own lexical and dense retrievers."""
    lexical, dense = index.retrievers(embedder)
    if method == "bm25":
        return lexical
    if method == "dense":
        return dense
    return HybridRetriever([lexical, dense], method, rrf_k, candidates)


# -- ten blue links -------------------------------------------------------------------------------

def collapse(hits: list[Hit], limit: int) -> list[Hit]:
    """Best chunk of each document, in fused order: a results page lists documents, not passages."""
    seen, best = set(), []
    for hit in hits:
        if hit.chunk.doc_id not in seen:
            seen.add(hit.chunk.doc_id)
            best.append(hit)
            if len(best) == limit:
                break
    return best


def blue_links(index: LoadedIndex, hits: list[Hit], query: str, limit: int = 10) -> list[Link]:
    links = []
    for rank, hit in enumerate(collapse(hits, limit), start=1):
        doc = index.documents[hit.chunk.doc_id]
        links.append(Link(rank=rank, title=doc.title, url=doc.url, snippet=snippet(hit.chunk.text, query),
                          score=round(hit.score, 5), doc_id=doc.id))
    return links


def query_terms(query: str) -> frozenset[str]:
    """The question's content terms (rag.text.terms): stems of English words, Korean morphemes."""
    return terms(query)


def snippet(text: str, query: str, words: int = 30) -> str:
    """A window of about `words` words around the densest cluster of query terms, terms in **bold**."""
    tokens = text.split()
    wanted = query_terms(query)
    if not tokens:
        return ""
    hits = [1 if matches(t, wanted) else 0 for t in tokens]
    if len(tokens) <= words:
        start = 0
    else:
        window = np.convolve(hits, np.ones(words, dtype=int), mode="valid")
        start = int(np.argmax(window))
        # back up to a sentence start when one is close, so the snippet reads naturally
        for back in range(start, max(-1, start - 8), -1):
            if back == 0 or tokens[back - 1].endswith((".", "!", "?")):
                start = back
                break
    end = min(len(tokens), start + words)
    shown = [f"**{t}**" if h else t for t, h in zip(tokens[start:end], hits[start:end])]
    return ("… " if start > 0 else "") + " ".join(shown) + (" …" if end < len(tokens) else "")
