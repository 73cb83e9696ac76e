"""Benchmark on the default index: prints figures, asserts nothing (targets and figures: docs/evaluation.md).

    python bench/bench.py [--queries 50] [--overviews 20] [--build-docs 2000]

Time to ten links (warm, p50/p95), time to first overview token and to the final overview,
index build throughput (chunks/s, on a sample of the corpus in a temp folder), peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from rag import Assistant, FinalEvent, Settings
from rag.store.local import build_index
from rag.ingest.sources import vital_documents

# Questions a person might type; the rest of the sample is drawn from the corpus titles.
QUESTIONS = [
    "who painted the mona lisa", "how high is mount everest", "when did world war ii end",
    "what is photosynthesis", "who wrote hamlet", "what is the speed of light", "who discovered penicillin",
    "capital of australia", "how does a vaccine work", "what causes earthquakes", "who invented the telephone",
    "largest ocean on earth", "what is the theory of relativity", "when was the printing press invented",
    "what language is spoken in brazil", "who was the first person on the moon", "what is dna",
    "why is the sky blue", "how many planets are in the solar system", "who founded the roman empire",
]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", type=int, default=50)
    p.add_argument("--overviews", type=int, default=20)
    p.add_argument("--build-docs", type=int, default=2000)
    args = p.parse_args()

    assistant = Assistant.default()
    t = time.perf_counter()
    assistant.warm_up()
    print(f"warm-up (embedder, index, model): {time.perf_counter() - t:.1f} s")
    info = assistant.index_info()
    print(f"index: {info['name']} — {info['documents']:,} documents, {info['chunks']:,} chunks, "
          f"built in {info['build_seconds']:.0f} s ({info['chunks'] / info['build_seconds']:.0f} chunks/s)")

    titles = [d.title for d in vital_documents()]
    rng = random.Random(0)
    queries = (QUESTIONS + [f"what is {t}" for t in rng.sample(titles, args.queries)])[: args.queries]
    assistant.search("warm up")
    links_ms = [assistant.search(q).timings.links_ms for q in queries]
    print(f"time to ten links over {len(queries)} queries: "
          f"p50 {pct(links_ms, .5):.1f} ms, p95 {pct(links_ms, .95):.1f} ms")

    first, total, abstained = [], [], 0
    for q in queries[: args.overviews]:
        for event in assistant.stream(q):
            if isinstance(event, FinalEvent):
                ov = event.overview
                total.append(ov.timings.total_ms)
                abstained += ov.abstained
                if ov.timings.first_token_ms is not None:
                    first.append(ov.timings.first_token_ms)
    print(f"overview over {len(total)} questions ({abstained} abstained): "
          f"first token p50 {pct(first, .5):.0f} ms, p95 {pct(first, .95):.0f} ms; "
          f"final p50 {pct(total, .5):.0f} ms, p95 {pct(total, .95):.0f} ms")

    serving_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS while serving (index, embedder, model loaded; links and overviews run): {serving_mb:.0f} MB")
    docs = list(vital_documents())[: args.build_docs]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp))
        t = time.perf_counter()
        path = build_index(docs, settings, "bench", "vital-sample", assistant.embedder, progress=False)
        seconds = time.perf_counter() - t
        import json

        chunks = json.loads((path / "manifest.json").read_text())["chunks"]
    print(f"index build: {len(docs):,} documents, {chunks:,} chunks in {seconds:.1f} s "
          f"= {chunks / seconds:.0f} chunks/s")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS including the sample index build: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
