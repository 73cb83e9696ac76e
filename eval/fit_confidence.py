"""Fit the overview's confidence (rag/answer/confidence.json) on eval runs of the fit part.

    RAG_GENERATE=0 rag eval --dataset squad:../shared/data/squad/dev-v1.1.json --corpus-from-dataset \\
        --part calibrate --limit 300 --modes overview --out out/calib/squad   (HotpotQA, KorQuAD: --part fit)
    python -m eval.fit_confidence --run out/calib/squad --run out/calib/hotpot --run out/calib/korquad \\
        --spare-answerable --heldout out/hotpot --heldout out/squad --heldout out/korquad

Per scorer ("reader": English evidence, "ranker": Korean), a logistic regression from the overview's signals
(rag.answer.confidence.signals, recorded by rag eval) to "the overview holds a gold answer"
(eval.calibration.fit_weights) over the runs' answered questions; then the app's threshold: the highest
confidence that, on every run, folds at most --spare of the overviews holding the answer, or with
--spare-answerable of the questions whose answer is in a passage read (the lowest at which every run's open
overviews reach --target containment is reported beside it).
--heldout runs (the README's eval runs): their held-out questions, which no fit saw, scored by the confidence
fitted and by the one-signal curve (the best probability alone) fitted on the same rows; --report runs (questions
the corpus cannot answer, real queries on `vital`): all their questions, the same way.
Use runs of questions the reader never trained on (--part calibrate); HotpotQA's fit part is all in the
reader's training, so its run is in-sample for the reader: say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.answer.confidence import SIGNALS, WEIGHTS, Confidence

from .calibration import fit_weights, pick_threshold, separation, spare_threshold

# the signals the shipped confidence reads. On runs no fit saw, no other signal of SIGNALS added to the best
# probability on every set (docs/evaluation.md, eleventh round): all eleven, or "typed" beside it, fold more
# questions the corpus cannot answer but tell right from wrong overviews worse on SQuAD and KorQuAD.
CHOSEN = ("best",)


def load_run(folder: Path) -> tuple[str, str, list[dict]]:
    """(dataset, command, answered questions with their signals: the overview's fields and the part)."""
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    rows = [{**q["overview"], "part": q.get("part")} for q in report["questions"]]
    return report["dataset"], report.get("command", ""), [r for r in rows if not r["abstained"] and r.get("signals")]


def fit(runs: dict[str, list[dict]], names=SIGNALS) -> Confidence:
    by_scorer: dict[str, tuple[list[dict], list[bool]]] = {}
    for rows in runs.values():
        for r in rows:
            signals, labels = by_scorer.setdefault(r["scorer"], ([], []))
            signals.append(r["signals"])
            labels.append(bool(r["contains"]))
    return Confidence({scorer: fit_weights(signals, labels, names) for scorer, (signals, labels) in by_scorer.items()},
                      0.0, {})


def scored(confidence: Confidence, rows: list[dict], flag: str = "contains") -> list[tuple[float, bool]]:
    return [(confidence.of(r["signals"], r["scorer"]), bool(r[flag])) for r in rows]


def threshold(confidence: Confidence, runs: dict[str, list[dict]], args) -> tuple[dict, dict]:
    confident = {name: scored(confidence, rows) for name, rows in runs.items()}
    answerable = {name: scored(confidence, rows, "answer_in_passages") for name, rows in runs.items()}
    return (spare_threshold(confident, args.spare, answerable if args.spare_answerable else None),
            pick_threshold(confident, args.target))


def compare(models: dict[str, tuple[Confidence, float]], folders: list[Path], target: float,
            part: str | None = "heldout") -> dict:
    """Each run's questions of `part` (all with None) under each model: separation, and at the model's threshold
    the share shown open, their containment, the share of answerable questions folded (answer in a passage read)
    and of the others folded or said so ("the sources are about …"; the off-subject fold comes on top of both)."""
    out = {}
    for folder in folders:
        name, _, rows = load_run(folder)
        rows = [r for r in rows if part is None or r["part"] == part]
        out[f"{name} ({folder.name})"] = figures = {}
        for label, (confidence, cut) in models.items():
            pairs = scored(confidence, rows)
            shown = [y for p, y in pairs if p >= cut]
            folded = [(p < cut, bool(r["found_only"]), r["answer_in_passages"]) for (p, _), r in zip(pairs, rows)]
            answerable = [f for f, _, read in folded if read]
            missing = [f or said for f, said, read in folded if not read]
            figures[label] = {**separation(pairs, target), "threshold": cut,
                              "open": round(len(shown) / max(len(pairs), 1), 4),
                              "open_containment": round(sum(shown) / max(len(shown), 1), 4),
                              "answerable_folded": round(sum(answerable) / max(len(answerable), 1), 4),
                              "missing_folded_or_said": round(sum(missing) / len(missing), 4) if missing else None}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, action="append", required=True, help="a rag eval --out folder")
    parser.add_argument("--heldout", type=Path, action="append", default=[],
                        help="a rag eval --out folder whose held-out questions to report on (not fitted)")
    parser.add_argument("--report", type=Path, action="append", default=[],
                        help="a rag eval --out folder no fit saw (unanswerable sets, real queries): all its questions")
    parser.add_argument("--target", type=float, default=0.9,
                        help="report the threshold at which the open overviews reach this containment on every run")
    parser.add_argument("--spare", type=float, default=0.05,
                        help="the app's threshold folds at most this share of the overviews that hold the answer")
    parser.add_argument("--spare-answerable", action="store_true",
                        help="--spare counts the questions whose answer is in a passage read (the issue's "
                             "'at most 5%% of answerable questions folded'), not the overviews holding it")
    parser.add_argument("--signals", default=",".join(CHOSEN),
                        help=f"comma-separated, of: {', '.join(SIGNALS)} (default: those chosen on held-out runs)")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    names = tuple(n.strip() for n in args.signals.split(",") if n.strip())
    if not names or not set(names) <= set(SIGNALS):
        parser.error(f"--signals takes names of: {', '.join(SIGNALS)}")
    runs, commands = {}, {}
    for folder in args.run:
        name, command, rows = load_run(folder)
        runs[name], commands[name] = rows, command
    confidence = fit(runs, names)
    chosen, strict = threshold(confidence, runs, args)
    one = fit(runs, ("best",))  # the earlier calibration, refitted on the same rows: what the signals add
    one_chosen, _ = threshold(one, runs, args)
    command = "python -m eval.fit_confidence " + " ".join(argv if argv is not None else sys.argv[1:])
    data = {"curves": confidence.curves, "threshold": chosen["threshold"],
            "fitted": {"command": command,
                       "runs": {name: {"command": commands[name], "answered": len(rows)}
                                for name, rows in runs.items()},
                       "threshold": chosen,
                       "spared": "questions whose answer is in a passage read" if args.spare_answerable
                       else "overviews that hold the answer",
                       "containment_target_instead": strict,
                       "curve": "P(contains) = 1 / (1 + exp(-(intercept + Σ weight · signal))), "
                                "signals of rag.answer.confidence.signals"}}
    models = {" + ".join(names): (confidence, chosen["threshold"]),
              "best probability alone": (one, one_chosen["threshold"])}
    if args.heldout:
        data["fitted"]["heldout"] = compare(models, args.heldout, args.target)
    if args.report:
        data["fitted"]["reported"] = compare(models, args.report, args.target, part=None)
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
