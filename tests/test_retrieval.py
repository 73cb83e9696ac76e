"""Contract tests every retriever passes, FAISS against brute force, links and snippets."""

import numpy as np
import pytest

from rag.ingest.chunking import index_text
from rag.store.local import load_index
from rag.retrieve.retrievers import HybridRetriever, blue_links, collapse, fuse, snippet
from rag.store.local import BM25Retriever, DenseRetriever
from rag.schema import Chunk, Hit

from corpus import QUERIES


@pytest.fixture(scope="module")
def index(tiny_settings, embedder):
    return load_index("tiny", tiny_settings, embedder.name)


@pytest.fixture(params=["bm25", "dense", "rrf", "norm"])
def retriever(request, index, embedder):
    if request.param == "bm25":
        return BM25Retriever(index)
    if request.param == "dense":
        return DenseRetriever(index, embedder)
    return HybridRetriever([BM25Retriever(index), DenseRetriever(index, embedder)], request.param)


@pytest.mark.parametrize("query,doc_id", sorted(QUERIES.items()))
def test_every_retriever_ranks_the_answering_document_first(retriever, query, doc_id):
    hits = retriever.retrieve(query, 5)
    assert hits[0].chunk.doc_id == doc_id


def test_every_retriever_returns_at_most_k_sorted_unique_hits(retriever):
    hits = retriever.retrieve("paris tower painting", 3)
    assert 1 <= len(hits) <= 3
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.chunk.id for h in hits}) == len(hits)


def test_faiss_matches_brute_force_numpy(index, embedder):
    texts = [index_text(c, index.title_of(c)) for c in index.chunks]
    matrix = embedder.encode(texts)
    for query in QUERIES:
        q = embedder.encode([query])
        expected = np.argsort(-(matrix @ q[0]), kind="stable")[:5]
        got = [h.chunk.id for h in DenseRetriever(index, embedder).retrieve(query, 5)]
        assert got == list(expected)


def test_bm25_ignores_words_missing_from_the_vocabulary(index):
    assert BM25Retriever(index).retrieve("zzzqqq xxyyzz", 5) == []
    assert BM25Retriever(index).retrieve("the of and", 5) == []


def test_rrf_fuses_by_rank():
    a, b, c = (Chunk(i, f"d{i}", "", 0) for i in range(3))
    fused = fuse([[Hit(a, 9.0), Hit(b, 8.0)], [Hit(b, 0.9), Hit(c, 0.8)]], "rrf", rrf_k=60)
    assert [h.chunk.id for h in fused] == [1, 0, 2]
    assert fused[0].score == pytest.approx(1 / 62 + 1 / 61)


def test_links_are_documents_not_chunks():
    chunks = [Chunk(0, "a", "x", 0), Chunk(1, "a", "y", 5), Chunk(2, "b", "z", 0)]
    hits = [Hit(chunks[0], 3), Hit(chunks[1], 2), Hit(chunks[2], 1)]
    assert [h.chunk.id for h in collapse(hits, 10)] == [0, 2]


def test_blue_links_have_rank_title_url_snippet(index, embedder):
    hybrid = HybridRetriever([BM25Retriever(index), DenseRetriever(index, embedder)])
    hits = hybrid.retrieve("who painted the mona lisa", 50)
    links = blue_links(index, hits, "who painted the mona lisa", 10)
    assert len(links) == 7  # every document once, no more
    assert [l.rank for l in links] == list(range(1, 8))
    assert links[0].title == "Mona Lisa" and links[0].url.endswith("/Mona_Lisa")
    assert "**Mona**" in links[0].snippet and "**Lisa**" in links[0].snippet
    assert len({l.doc_id for l in links}) == 7


def test_snippet_centres_on_the_matching_passage():
    text = " ".join(["filler"] * 100) + " The tower was built in 1889 by Gustave Eiffel. " + " ".join(["padding"] * 100)
    s = snippet(text, "who built the tower", words=20)
    assert s.startswith("… ") and s.endswith(" …")
    assert "**tower**" in s and "**built**" in s
    assert len(s.replace("… ", "").replace(" …", "").split()) == 20


def test_the_leaders_are_each_retrievers_own_first_hit(index, embedder):
    bm25, dense = BM25Retriever(index), DenseRetriever(index, embedder)
    query = "which tower was built in paris"
    leaders = HybridRetriever([bm25, dense]).leaders(query)
    assert [h.chunk.id for h in leaders] == [bm25.retrieve(query, 1)[0].chunk.id, dense.retrieve(query, 1)[0].chunk.id]
