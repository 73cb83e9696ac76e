"""`rag eval`: run the arms over a QA dataset and write report.json, report.md and plots.

    rag eval --dataset squad:PATH --corpus-from-dataset --limit 300 --seed 0 \\
             --modes links,overview,naive --out out/squad

Flow: load the dataset → make sure an index exists (built once from the dataset's own corpus,
or a named one) → sample questions with the seed → judge each question in every mode (progress
bar) → summarise → write the report.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

from rag.errors import RagError

from .datasets import Dataset, Question, load_dataset
from .indexes import prepare_index

MODES = ("links", "overview", "naive")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", metavar="FORMAT:PATH",
                        help="squad:PATH | hotpot:PATH | nq:PATH | jsonl:PATH | conv:PATH (conversations)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--index", help="evaluate against this built index (default: vital)")
    where.add_argument("--corpus-from-dataset", action="store_true",
                       help="index the dataset's own paragraphs (built once, reused while it matches)")
    parser.add_argument("--limit", type=int, help="questions to sample (default: all)")
    parser.add_argument("--seed", type=int, default=0, help="sampling seed (default 0)")
    parser.add_argument("--part", choices=("fit", "heldout", "calibrate"),
                        help="only this part of the split (eval.split; calibrate: the fit part's half the reader "
                             "never trained on); default: all questions")
    parser.add_argument("--modes", default="links,overview",
                        help="comma-separated: links, overview, naive (default links,overview)")
    parser.add_argument("--out", type=Path, default=Path("out/eval"), help="report folder (default out/eval)")
    parser.add_argument("--model", help="GGUF model file (default: bundled SmolLM2-135M-Instruct)")
    parser.add_argument("--llm-url", help="OpenAI-compatible endpoint instead of the in-process model")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--votes", nargs="?", const="", metavar="PATH",  # "": given without a PATH
                        help="summarise the evaluator votes the app collected instead of running a dataset: "
                             "the SQLite file PATH, or without PATH the app's own store (PostgreSQL with --pg-url "
                             "or RAG_PG_URL, else <RAG_DATA_DIR>/votes.sqlite3)")
    # Also accepted before the command (`rag --pg-url URL eval`); SUPPRESS keeps that value when it is not repeated.
    parser.add_argument("--pg-url", default=argparse.SUPPRESS,
                        help="read votes (and indexes) from this PostgreSQL (default: local files, or RAG_PG_URL)")
    parser.set_defaults(run=run)


def run(args) -> int:
    from rag.cli.options import settings_from

    if args.votes is not None:
        from .votes import votes_report

        print(votes_report(settings_from(args), Path(args.votes) if args.votes else None))
        return 0
    if not args.dataset:
        raise RagError("rag eval needs --dataset FORMAT:PATH (or --votes [PATH])")
    if args.dataset.startswith("conv:"):  # conversations: measured turn by turn (eval.conversations)
        from .conversations import run_conversations

        return run_conversations(args)
    modes = parse_modes(args.modes)
    if args.limit is not None and args.limit < 1:
        raise RagError("--limit must be at least 1")
    dataset = load_dataset(args.dataset)
    if args.part:
        dataset = replace(dataset, questions=in_part(dataset, args.part))
    settings = settings_from(args)
    from rag import Assistant

    assistant = Assistant(settings)
    index = prepare_index(dataset, assistant, args.index, args.corpus_from_dataset)
    questions = dataset.sample(args.limit, args.seed)
    print(f"evaluating {len(questions)} of {len(dataset.questions):,} questions from {dataset.name} "
          f"against index '{index}' ({', '.join(modes)})", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    report = evaluate(assistant, dataset, questions, modes, index, progress=not args.no_progress,
                      journal=args.out / "questions.jsonl")
    report.update({"seed": args.seed, "limit": args.limit, "command": "rag eval " + " ".join(sys.argv[2:])})
    from .report import write_report

    paths = write_report(report, args.out)
    print(f"wrote {', '.join(str(p) for p in paths)}", file=sys.stderr)
    print(headline(report))
    return 0


def in_part(dataset: Dataset, which: str) -> list[Question]:
    from .split import fit_slice, part

    if which == "calibrate":
        return [q for q in dataset.questions if part(q, dataset) == "fit" and fit_slice(q, dataset) == "calibrate"]
    return [q for q in dataset.questions if part(q, dataset) == which]


def parse_modes(text: str) -> list[str]:
    modes = [m.strip() for m in text.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise RagError(
            f"unknown mode {', '.join(unknown) or repr(text)} — use a comma-separated list of {', '.join(MODES)}"
        )
    return list(dict.fromkeys(modes))


def evaluate(assistant, dataset: Dataset, questions: list[Question], modes: list[str], index: str,
             progress: bool = True, journal: Path | None = None) -> dict:
    """Judge every question in every mode; returns the full report (figures and per-question records).

    With journal, each record is also appended there as one JSON line the moment it is done, so a
    long run that is stopped still leaves its records behind.
    """
    from tqdm import tqdm

    from .arms import Judge
    from .report import finite, summarise
    from .split import fit_slice, part

    assistant.warm_up(index, generator=any(m != "links" for m in modes))
    judge = Judge(assistant, index, dataset.relevance)
    records = []
    sink = open(journal, "w", encoding="utf-8") if journal else None
    try:
        for q in tqdm(questions, desc="eval", unit="q", disable=not progress, file=sys.stderr):
            record = {"id": q.id, "question": q.question, "answers": list(q.answers), "relevant": list(q.relevant),
                      "part": part(q, dataset), "slice": fit_slice(q, dataset)}
            for mode in modes:
                record[mode] = asdict(getattr(judge, mode)(q))
            records.append(record)
            if sink:
                sink.write(json.dumps(finite(record), ensure_ascii=False) + "\n")
                sink.flush()
    finally:
        if sink:
            sink.close()
    manifest = assistant.index_info(index)
    return summarise(records, modes, dataset=dataset.name, index=index, lang=dataset.lang,
                     setup={"retriever": assistant.settings.retriever, "model": assistant.generator.name,
                            "embedding_model": manifest.get("embedding_model"),
                            "documents": manifest.get("documents"), "chunks": manifest.get("chunks")})


def headline(report: dict) -> str:
    lines = [f"{report['dataset']}: n={report['n']}"]
    if "links" in report:
        l = report["links"]
        lines.append(f"links     recall@10 {l['recall@10']}  mrr@10 {l['mrr@10']}  answer@10 {l['answer@10']}")
    for arm in ("overview", "naive"):
        if arm in report:
            o = report[arm]
            lines.append(
                f"{arm:<9} containment {o['answer_containment']}  citation precision "
                f"{o['citation_precision']}  median words {o['median_words']}  abstained {o['abstention_rate']}"
            )
    if report.get("effort", {}).get("overview_fewer_words_share") is not None:
        lines.append(f"overview reaches the answer in fewer words than the links for "
                     f"{report['effort']['overview_fewer_words_share']:.0%} of questions")
    return "\n".join(lines)

