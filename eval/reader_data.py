"""Training data for a reader that scores (question, "title: sentence") together (issue 18, step 1).

    python -m eval.reader_data --dataset squad:../shared/data/squad/dev-v1.1.json \\
        --dataset squad:../shared/data/korquad/KorQuAD_v1.0_dev.json \\
        --dataset hotpot:../shared/data/hotpotqa/dev-250.jsonl --out out/reader

For every question of the *fit* part (eval.split: SQuAD and KorQuAD by article, HotpotQA by question id;
the held-out part is never written unless asked for with --part heldout), the candidates are exactly what the
evidence ranker sees at run time: the citable sentences (rag.answer.sentences.citable_sentences) of the
passages our retrieval and second hop read (Assistant.reading) on the dataset's own index. A sentence is
labelled 1 when it holds a gold answer (eval.metrics.contains_answer, the same test the eval uses); with
--baseline it also carries today's linear ranker's probability (`ranker`), the figure a reader must beat. On
HotpotQA a sentence of a supporting paragraph that names the other supporting paragraph's title is marked
`bridge` too (the dev file marks supporting paragraphs, not sentences). Yes/no questions are skipped: no
sentence holds "yes". Writes one JSON line per candidate to OUT/<set>-<part>.jsonl and the counts to
OUT/counts.json; prints the counts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .datasets import Dataset, Question, load_dataset
from .indexes import prepare_index
from .metrics import YES_NO, contains_answer, normalize_answer
from .split import fit_slice, part


def candidates(assistant, q: Question, index: str, baseline: bool = False) -> tuple[str, list[dict]]:
    """The cleaned question and one row per candidate sentence, in the order the evidence ranker sees them
    (rag.answer.candidates.sentences_read). With `baseline`, each row also carries today's linear ranker's
    probability (`ranker`: the figure a learned reader has to beat on the same rows; it embeds every sentence)."""
    from rag.answer.candidates import candidates as ranked
    from rag.answer.candidates import sentences_read
    from rag.answer.ranker import Ranker

    page, idx = assistant.search_page(q.question, index)
    passages, bridges, vector = assistant.reading(page, idx)
    sentences, owners = sentences_read(passages, idx.lang)
    rows = []
    for sentence, (p, position) in zip(sentences, owners):
        doc = idx.documents[p.hit.chunk.doc_id]
        rows.append({"title": doc.title, "sentence": sentence, "doc_id": doc.id, "rank": p.rank, "hop": p.hop,
                     "position": position, "gold_doc": doc.id in q.relevant,
                     "label": int(contains_answer(sentence, q.answers, q.lang))})
    if baseline and rows:
        titles = {p.hit.chunk.doc_id: (idx.documents[p.hit.chunk.doc_id].title, "") for p in passages}
        found = ranked(page.query, passages, titles, assistant.embedder_for(idx), idx.lang,
                       [b.name for b in bridges], vector)
        for row, score in zip(rows, Ranker.default().probability(found.features)):
            row["ranker"] = round(float(score), 5)
    return page.query, rows


def mark_bridges(rows: list[dict], relevant: tuple[str, ...]) -> None:
    """HotpotQA: a supporting paragraph's sentence naming the other supporting paragraph's title."""
    titles = {r["doc_id"]: r["title"] for r in rows if r["doc_id"] in relevant}
    for r in rows:
        others = [t for d, t in titles.items() if d != r["doc_id"]]
        r["bridge"] = int(r["gold_doc"] and any(t.lower() in r["sentence"].lower() for t in others))


def written(dataset: Dataset, which: str, limit: int | None, seed: int, slice_: str | None = None) -> list[Question]:
    """The questions `write_set` writes rows for: the part (and slice) asked, yes/no questions left out, then
    `limit` of them drawn with `seed` (eval.train_reader.calibrating draws the blend's questions with this)."""
    chosen = [q for q in dataset.questions if part(q, dataset) == which
              and not all(normalize_answer(a) in YES_NO for a in q.answers)
              and (slice_ is None or fit_slice(q, dataset) == slice_)]
    return Dataset(dataset.name, dataset.spec, chosen).sample(limit, seed)


def write_set(assistant, dataset: Dataset, which: str, out: Path, limit: int | None, seed: int,
              baseline: bool = False, slice_: str | None = None) -> dict:
    """Write one set's candidates for one part; the counts."""
    from tqdm import tqdm

    index = prepare_index(dataset, assistant, None, True)
    chosen = written(dataset, which, limit, seed, slice_)
    counts = {"questions": len(chosen), "sentences": 0, "positives": 0, "questions_with_a_positive": 0,
              "bridges": 0}
    path = out / f"{dataset.name.replace(':', '-')}-{slice_ or which}.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for q in tqdm(chosen, desc=dataset.name, unit="q", file=sys.stderr):
            query, rows = candidates(assistant, q, index, baseline)
            if dataset.spec.startswith("hotpot:"):
                mark_bridges(rows, q.relevant)
            for r in rows:
                f.write(json.dumps({"set": dataset.name, "part": which, "qid": q.id, "question": query,
                                    "lang": q.lang, **r}, ensure_ascii=False) + "\n")
            positives = sum(r["label"] for r in rows)
            counts["sentences"] += len(rows)
            counts["positives"] += positives
            counts["questions_with_a_positive"] += int(positives > 0)
            counts["bridges"] += sum(r.get("bridge", 0) for r in rows)
    return {**counts, "file": str(path)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", required=True, metavar="FORMAT:PATH")
    parser.add_argument("--part", choices=("fit", "heldout"), default="fit")
    parser.add_argument("--limit", type=int, default=None, help="questions per set (default: all of the part)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--baseline", action="store_true",
                        help="also score each row with today's linear ranker (embeds every sentence: slower)")
    parser.add_argument("--slice", choices=("train", "calibrate"), default=None,
                        help="only this half of the fit part (eval.split.fit_slice)")
    parser.add_argument("--out", type=Path, default=Path("out/reader"))
    args = parser.parse_args(argv)
    from rag import Assistant
    from rag.settings import Settings

    assistant = Assistant(Settings.from_env(generate=False))
    args.out.mkdir(parents=True, exist_ok=True)
    counts = {spec: write_set(assistant, load_dataset(spec), args.part, args.out, args.limit, args.seed,
                              args.baseline, args.slice) for spec in args.dataset}
    report = {"command": "python -m eval.reader_data " + " ".join(argv if argv is not None else sys.argv[1:]),
              "part": args.part, "sets": counts}
    counted = json.dumps(report, indent=1, ensure_ascii=False) + "\n"
    (args.out / f"counts-{args.slice or args.part}.json").write_text(counted)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
