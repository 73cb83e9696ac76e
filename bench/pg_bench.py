"""The local store against the PostgreSQL store on the same index: prints figures, asserts nothing.

    RAG_INDEX_DIR=indexes python bench/pg_bench.py --pg-url URL [--index vital] [--queries 50] [--build-docs 1000]

Both stores must hold the index (`rag index build --corpus vital`, then the same with RAG_PG_URL set).
Printed: the ten links' overlap between the stores and time to links (p50/p95, warm) on each; how much of
bm25s's top 10 each PostgreSQL lexical ranking finds (BM25 in SQL, full-text search) and HNSW's recall of
FAISS's exact top 10; build throughput of both stores on a sample of the corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import QUESTIONS, pct  # noqa: E402

from rag import Assistant, Settings  # noqa: E402
from rag.store.local import BM25Retriever, DenseRetriever  # noqa: E402
from rag.ingest.sources import vital_documents  # noqa: E402
from rag.store import open_store  # noqa: E402


def overlap(a, b) -> float:
    return len(set(a) & set(b)) / max(1, len(a))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg-url", required=True)
    p.add_argument("--index", default="vital")
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--build-docs", type=int, default=1000, help="sample size for build throughput (0 = skip)")
    args = p.parse_args()

    local_settings = Settings.from_env(generate=False, index=args.index).replace(pg_url="")
    pg_settings = local_settings.replace(pg_url=args.pg_url)
    local = Assistant(local_settings)
    shared = Assistant(pg_settings)  # its own embedder: a shared one would hand it the cached query vectors
    for a in (local, shared):
        a.warm_up(generator=False)
        a.search("warm up")

    titles = [d.title for d in vital_documents()]
    rng = random.Random(0)
    queries = (QUESTIONS + [f"what is {t}" for t in rng.sample(titles, args.queries)])[: args.queries]
    _links(local, shared, queries)
    _lexical_and_dense(local, shared, pg_settings, queries)
    if args.build_docs:
        _build(local_settings, pg_settings, local.embedder, args.build_docs)
    return 0


def _links(local, shared, queries) -> None:
    overlaps, times = [], {"local": [], "postgresql": []}
    for q in queries:
        pages = {}
        for name, a in (("local", local), ("postgresql", shared)):
            pages[name] = a.search(q)
            times[name].append(pages[name].timings.links_ms)
        ids = {name: [l.doc_id for l in page.links] for name, page in pages.items()}
        overlaps.append(overlap(ids["local"], ids["postgresql"]))
    mean = sum(overlaps) / len(overlaps)
    print(f"ten links, {len(queries)} queries: top-10 overlap local vs PostgreSQL mean {mean:.3f}, "
          f"min {min(overlaps):.2f}, identical lists {sum(o == 1 for o in overlaps)}/{len(overlaps)}")
    for name, ms in times.items():
        print(f"  time to links ({name}): p50 {pct(ms, .5):.1f} ms, p95 {pct(ms, .95):.1f} ms")


def _lexical_and_dense(local, shared, pg_settings, queries) -> None:
    from rag.store.pgindex import PgBM25Retriever, PgFtsRetriever

    lidx = local.loaded_index(local.settings.index)
    pidx = shared.loaded_index(shared.settings.index)
    bm25s_r, faiss_r = BM25Retriever(lidx), DenseRetriever(lidx, local.embedder)
    sql_bm25, fts = PgBM25Retriever(pidx), PgFtsRetriever(pidx)
    hnsw = pidx.retrievers(local.embedder)[1]
    found = {"bm25 in SQL": [], "full-text search": [], "hnsw": []}
    ms = {"bm25 in SQL": [], "full-text search": [], "hnsw": []}
    for q in queries:
        ref = [h.chunk.id for h in bm25s_r.retrieve(q, 10)]
        exact = [h.chunk.id for h in faiss_r.retrieve(q, 10)]
        for name, r, want in (("bm25 in SQL", sql_bm25, ref), ("full-text search", fts, ref), ("hnsw", hnsw, exact)):
            t = time.perf_counter()
            got = [h.chunk.id for h in r.retrieve(q, 50)]
            ms[name].append((time.perf_counter() - t) * 1000)
            if want:
                found[name].append(overlap(want, got[:10]))
    for name in found:
        target = "bm25s's" if name != "hnsw" else "FAISS's exact"
        print(f"  {name}: finds {sum(found[name]) / len(found[name]):.3f} of {target} top 10 "
              f"(top 50 in p50 {pct(ms[name], .5):.1f} ms)")
    fts_assistant = Assistant(pg_settings.replace(pg_lexical="fts"), embedder=local.embedder)
    o = [overlap([l.doc_id for l in local.search(q).links], [l.doc_id for l in fts_assistant.search(q).links])
         for q in queries]
    print(f"  ten links with full-text search instead: overlap with local {sum(o) / len(o):.3f}")


def _build(local_settings, pg_settings, embedder, n: int) -> None:
    docs = list(vital_documents())
    docs = random.Random(1).sample(docs, min(n, len(docs)))
    with tempfile.TemporaryDirectory() as tmp:
        for name, s in (("local", local_settings.replace(index_dir=Path(tmp))), ("postgresql", pg_settings)):
            t = time.perf_counter()
            m = open_store(s).build(docs, "bench-sample", "vital-sample", embedder, progress=False)
            seconds = time.perf_counter() - t
            print(f"build throughput ({name}): {len(docs):,} documents, {m['chunks']:,} chunks in {seconds:.1f} s "
                  f"= {m['chunks'] / seconds:.1f} chunks/s")


if __name__ == "__main__":
    sys.exit(main())
