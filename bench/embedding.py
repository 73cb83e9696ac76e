"""Embedding backends side by side: prints figures, asserts nothing (figures: docs/embedding-backends.md).

    python bench/embedding.py [--chunks 1000] [--backends torch,onnx,onnx-int8]

For each backend (rag.embed.embedder.BACKENDS): load time (the ONNX export is made once, in a temp folder,
and timed apart), document throughput in chunks/s on the first N chunks of the corpus as the index
builder embeds them ("title: text"), one-query encode time (p50 of 50), and agreement with the torch
vectors (mean and minimum cosine). Index build throughput is this plus chunking, FAISS and BM25 (a few
seconds for vital): `rag index build` prints it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from rag.ingest.chunking import chunk_documents, index_text
from rag.embed.embedder import BACKENDS, Embedder, bundled_model_path
from rag.ingest.sources import vital_documents


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--chunks", type=int, default=1000)
    p.add_argument("--backends", default=",".join(BACKENDS))
    p.add_argument("--threads", type=int, default=0, help="0 = all cores")
    args = p.parse_args()

    docs = list(vital_documents())
    titles = {d.id: d.title for d in docs}
    chunks = chunk_documents(docs[: args.chunks * 2], 1000, 150)[: args.chunks]
    texts = [index_text(c, titles[c.doc_id]) for c in chunks]
    print(f"{len(texts)} vital chunks, {statistics.mean(len(t) for t in texts):.0f} characters on average")
    cache = Path(tempfile.mkdtemp(prefix="rag-bench-onnx-"))
    reference = None
    for backend in args.backends.split(","):
        if backend != "torch":
            from rag.embed.onnx import onnx_model

            t = time.perf_counter()
            onnx_model(bundled_model_path(), backend.endswith("int8"), cache)
            print(f"{backend}: export (once per machine) {time.perf_counter() - t:.1f} s")
        embedder = Embedder(backend=backend, cache_dir=cache, threads=args.threads)
        t = time.perf_counter()
        embedder.warm_up()
        load = time.perf_counter() - t
        embedder.encode(texts[:8])
        t, cpu = time.perf_counter(), time.process_time()
        vectors = embedder.encode(texts)
        rate = len(texts) / (time.perf_counter() - t)
        # CPU seconds too: on a shared machine wall time measures the neighbours; chunks per CPU-second
        # times the cores is what an idle machine would reach if the threads scaled perfectly.
        per_cpu = len(texts) / max(time.process_time() - cpu, 1e-9)
        query = []
        for i in range(50):
            t = time.perf_counter()
            embedder.encode([f"who wrote the book number {i}"])
            query.append((time.perf_counter() - t) * 1000)
        if reference is None:
            reference = vectors
        cos = (vectors * reference).sum(axis=1)
        print(f"{backend}: load {load:.1f} s, {rate:.0f} chunks/s ({per_cpu:.0f} per CPU-second), "
              f"query p50 {statistics.median(query):.1f} ms, "
              f"cosine to {args.backends.split(',')[0]}: mean {np.mean(cos):.4f} min {np.min(cos):.4f}")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
