"""Fit the overview's confidence (rag/answer/confidence.json) on eval runs of the fit part.

    RAG_GENERATE=0 rag eval --dataset squad:../shared/data/squad/dev-v1.1.json --corpus-from-dataset \\
        --part calibrate --limit 300 --out out/calib/squad          (and HotpotQA, KorQuAD: --part fit)
    python -m eval.fit_confidence --run out/calib/squad --run out/calib/hotpot --run out/calib/korquad

Per scorer ("reader": English evidence, "ranker": Korean), a logistic curve from the evidence's best probability
to "the overview holds a gold answer" (eval.calibration.fit_curve) over the runs' answered questions; then the
app's threshold: the highest confidence that, on every run, folds at most --spare of the overviews holding the
answer, or with --spare-answerable of the questions whose answer is in a passage read (the lowest at which every
run's open overviews reach --target containment is reported beside it: on HotpotQA the best probability barely
separates right from wrong overviews, so that one folds almost all).
Use runs of questions the reader never trained on (--part calibrate); HotpotQA's fit part is all in the
reader's training, so its run is in-sample for the reader: say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.answer.confidence import WEIGHTS, Confidence

from .calibration import fit_curve, pick_threshold, spare_threshold


def load_run(folder: Path) -> tuple[str, str, list[dict]]:
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return report["dataset"], report.get("command", ""), [r["overview"] for r in report["questions"]]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", type=Path, action="append", required=True, help="a rag eval --out folder")
    parser.add_argument("--target", type=float, default=0.9,
                        help="report the threshold at which the open overviews reach this containment on every run")
    parser.add_argument("--spare", type=float, default=0.05,
                        help="the app's threshold folds at most this share of the overviews that hold the answer")
    parser.add_argument("--spare-answerable", action="store_true",
                        help="--spare counts the questions whose answer is in a passage read (the issue's "
                             "'at most 5%% of answerable questions folded'), not the overviews holding it")
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    by_scorer: dict[str, tuple[list[float], list[bool]]] = {}
    runs = {}
    for folder in args.run:
        name, command, rows = load_run(folder)
        rows = [r for r in rows if not r["abstained"] and r.get("best_relevance") is not None]
        runs[name] = {"command": command, "rows": rows}
        for r in rows:
            scores, labels = by_scorer.setdefault(r["scorer"], ([], []))
            scores.append(r["best_relevance"])
            labels.append(bool(r["contains"]))
    curves = {scorer: fit_curve(scores, labels) for scorer, (scores, labels) in by_scorer.items()}
    calibration = Confidence({k: {"a": v["a"], "b": v["b"]} for k, v in curves.items()}, 0.0, {})
    confident = {name: [(calibration.of_best(r["best_relevance"], r["scorer"]), bool(r["contains"]))
                        for r in run["rows"]] for name, run in runs.items()}
    answerable = {name: [(calibration.of_best(r["best_relevance"], r["scorer"]), bool(r["answer_in_passages"]))
                         for r in run["rows"]] for name, run in runs.items()}
    chosen = spare_threshold(confident, args.spare, answerable if args.spare_answerable else None)
    strict = pick_threshold(confident, args.target)
    command = "python -m eval.fit_confidence " + " ".join(argv if argv is not None else sys.argv[1:])
    data = {"curves": curves, "threshold": chosen["threshold"],
            "fitted": {"command": command,
                       "runs": {name: {"command": run["command"], "answered": len(run["rows"])}
                                for name, run in runs.items()},
                       "threshold": chosen,
                       "spared": "questions whose answer is in a passage read" if args.spare_answerable
                       else "overviews that hold the answer",
                       "containment_target_instead": strict,
                       "curve": "P(contains) = 1 / (1 + exp(-(a * logit(best evidence probability) + b)))"}}
    args.out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(data, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
