"""Retrieve: a query in, ranked hits and the ten blue links out; the second hop for multi-hop questions.

    retrievers.make_retriever(index, ...)   dense (FAISS), BM25 (bm25s) or both fused (RRF)
    retrievers.blue_links(index, hits, ...) one link per document, with a snippet around the best passage
    hop.read(query, hits, index, ...)       the passages the overview reads, bridges followed
"""
