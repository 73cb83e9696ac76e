"""Korean retrieval figures: prints them, asserts nothing (docs/korean.md has the table and the targets).

    python bench/korean.py bm25 --korquad ../shared/data/korquad/KorQuAD_v1.0_dev.json [--limit 300]
    python bench/korean.py crosslingual [--docs 500] [--models multilingual-e5-small,use-multilingual-v3,minilm]

bm25          BM25 alone over KorQuAD's 964 paragraphs with each analyzer (bm25s's plain split, kiwi
              morphemes, character bigrams for reference): Recall@10 on the seeded sample `rag eval` uses.
crosslingual  the 30 Korean questions of tests/fixtures/korean-vital-30.jsonl against a sample of vital
              (their gold articles plus random others, seed 0), dense retrieval alone with each model:
              Recall@10, documents embedded per second, query encode time, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "korean-vital-30.jsonl"


def bigrams(text: str) -> list[str]:
    joined = "".join(text.split())
    return [joined[i:i + 2] for i in range(len(joined) - 1)]


def bm25(args) -> None:
    import bm25s

    from eval.datasets import load_dataset
    from rag.text import bm25_tokens

    ds = load_dataset(f"squad:{args.korquad}")
    questions = ds.sample(args.limit, 0)
    texts = [f"{d.title}\n\n{d.text}" for d in ds.documents]
    ids = [d.id for d in ds.documents]
    for name in ("plain", "kiwi", "bigram"):
        tokenize = (lambda xs: [bigrams(x) for x in xs]) if name == "bigram" else (lambda xs: bm25_tokens(xs, name))
        started = time.perf_counter()
        model = bm25s.BM25()
        model.index(tokenize(texts), show_progress=False)
        built = time.perf_counter() - started
        started, hits = time.perf_counter(), 0
        for q in questions:
            top = np.argsort(-model.get_scores(tokenize([q.question])[0]))[:10]
            hits += bool({ids[i] for i in top} & set(q.relevant))
        per_query = (time.perf_counter() - started) / len(questions) * 1000
        print(f"BM25 {name:6s} Recall@10 {hits / len(questions):.3f} on {len(questions)} KorQuAD questions "
              f"(tokenize + index {built:.1f} s, {per_query:.1f} ms per query)", flush=True)


def crosslingual(args) -> None:
    from rag.embed.embedder import Embedder
    from rag.ingest.sources import load_corpus

    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]
    docs = load_corpus("vital")
    gold = {t for r in rows for t in r["gold_titles"]}
    rest = [d for d in docs if d.title not in gold]
    random.Random(0).shuffle(rest)
    sample = [d for d in docs if d.title in gold] + rest[: args.docs - len(gold)]
    texts = [f"{d.title}\n\n{d.text[:1000]}" for d in sample]
    for name in args.models.split(","):
        embedder = Embedder("" if name == "minilm" else name)
        embedder.warm_up()
        started = time.perf_counter()
        passages = embedder.encode(texts, batch_size=32)
        per_second = len(texts) / (time.perf_counter() - started)
        started = time.perf_counter()
        queries = np.vstack([embedder.encode_query(r["question"]) for r in rows])
        query_ms = (time.perf_counter() - started) / len(rows) * 1000
        top = np.argsort(-(queries @ passages.T), axis=1)[:, :10]
        hits = [bool({sample[i].title for i in top[k]} & set(r["gold_titles"])) for k, r in enumerate(rows)]
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{name}: Korean->English dense Recall@10 {np.mean(hits):.2f} ({sum(hits)}/{len(rows)}) on "
              f"{len(sample)} vital documents; {per_second:.1f} documents/s, query {query_ms:.0f} ms, "
              f"peak RSS so far {rss:.0f} MB", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    b = sub.add_parser("bm25")
    b.add_argument("--korquad", required=True, type=Path)
    b.add_argument("--limit", type=int, default=300)
    c = sub.add_parser("crosslingual")
    c.add_argument("--docs", type=int, default=500)
    c.add_argument("--models", default="multilingual-e5-small,use-multilingual-v3,minilm")
    args = parser.parse_args(argv)
    bm25(args) if args.what == "bm25" else crosslingual(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
