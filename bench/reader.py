"""Benchmark: what the learned reader costs per overview, against the linear ranker alone, in one run.
Prints, asserts nothing.

    python bench/reader.py [--overviews 20] [--no-model] [--ranker-passages 5]

On the default index, for the questions of bench/bench.py, alternating the two settings question by question
(so both see the same machine load): the evidence step alone (read the passages, score, pick: warm) and the
whole overview (links, evidence, the model's draft, checks: total time), p50/p95 for each. Target (issue 18):
overview total p50 no more than 25% above the ranker's, as it was when the issue was filed: reading five
passages (`--ranker-passages`; the reader reads RAG_PASSAGES). CPU time beside wall time: a shared machine
inflates wall time, not the work itself.
"""

from __future__ import annotations

import argparse
import time

from bench import QUESTIONS, pct
from rag import Assistant, Settings


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--overviews", type=int, default=20)
    p.add_argument("--no-model", action="store_true", help="extractive overviews (RAG_GENERATE=0)")
    p.add_argument("--ranker-passages", type=int, default=5, help="passages the ranker-only baseline reads")
    args = p.parse_args()
    base = Settings.from_env(generate=not args.no_model)
    variants = {"reader": Assistant(base.replace(reader=True)),
                "ranker": Assistant(base.replace(reader=False, passages=args.ranker_passages))}
    for a in variants.values():
        a.warm_up(generator=not args.no_model)
        a.answer(QUESTIONS[0])  # loads the reader, the index, the caches
    figures = {name: {"evidence": [], "evidence_cpu": [], "total": []} for name in variants}
    for q in QUESTIONS[: args.overviews]:
        for name, a in variants.items():
            page, idx = a.search_page(q)
            wall, cpu = time.perf_counter(), time.process_time()
            a.evidence(page, idx)
            figures[name]["evidence"].append((time.perf_counter() - wall) * 1000)
            figures[name]["evidence_cpu"].append((time.process_time() - cpu) * 1000)
            figures[name]["total"].append(a.answer(q).timings.total_ms)
    print(f"{min(args.overviews, len(QUESTIONS))} questions, model {'off' if args.no_model else 'on'}; passages read: "
          f"reader {base.passages}, ranker {args.ranker_passages}")
    for name, f in figures.items():
        print(f"{name:7s} evidence p50 {pct(f['evidence'], .5):6.0f} ms (cpu {pct(f['evidence_cpu'], .5):5.0f} ms)"
              f"  p95 {pct(f['evidence'], .95):6.0f} ms   overview total p50 {pct(f['total'], .5):6.0f} ms"
              f"  p95 {pct(f['total'], .95):6.0f} ms")
    ratio = pct(figures["reader"]["total"], .5) / max(pct(figures["ranker"]["total"], .5), 1e-9)
    print(f"overview total p50, reader / ranker: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
