"""Fit the evidence ranker (rag/answer/ranker.json) on the fitting part of the development sets.

    python -m eval.fit_ranker --dataset squad:../shared/data/squad/dev-v1.1.json \\
        --dataset hotpot:../shared/data/hotpotqa/dev-250.jsonl \\
        --dataset squad:../shared/data/korquad/KorQuAD_v1.0_dev.json --per-set 300 --out rag/answer/ranker.json

Every question belongs to one part, fixed by a hash (eval.split): "fit" or "heldout". SQuAD and
KorQuAD are split by article (all questions on one article fall in the same part, so the ranker
never sees a held-out paragraph), HotpotQA and the rest by question id. The ranker is fitted on
candidate sentences of "fit" questions, labelled by whether they hold a gold answer, with the same
retrieval, second hop and features as at query time; the held-out part is scored the same way and
its figures are written into the weights file beside the fitted numbers, with those of the shared weights
(rag/answer/ranker.json before the fit) on the same held-out questions. `--heldout N` scores N held-out questions
per set instead of --per-set (a Korean-only fit, tried and not kept, was judged so: docs/evaluation.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from rag.answer.candidates import candidates
from rag.answer.ranker import FEATURES, WEIGHTS, Ranker

from .datasets import load_dataset
from .indexes import prepare_index
from .metrics import contains_answer
from .split import part


def collect(assistant, dataset, questions, index: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per question: the feature matrix of its candidate sentences and their labels (holds an answer)."""
    from tqdm import tqdm

    out = []
    # a yes/no answer is in no sentence (and "no" is in many): such questions teach nothing here
    questions = [q for q in questions if not all(a.strip().lower() in ("yes", "no") for a in q.answers)]
    for q in tqdm(questions, desc=dataset.name, unit="q", file=sys.stderr):
        page, idx = assistant.search_page(q.question, index)
        passages, bridges, vector = assistant.reading(page, idx)
        titles = {p.hit.chunk.doc_id: (idx.documents[p.hit.chunk.doc_id].title, "") for p in passages}
        found = candidates(page.query, passages, titles, assistant.embedder, idx.lang, [b.name for b in bridges],
                           vector)
        labels = np.array([contains_answer(s, q.answers, q.lang) for s in found.sentences], dtype=float)
        out.append((found.features, labels))
    return out


def top1(groups, score) -> float:
    """Among questions with an answer sentence at all: how often the best-scored sentence holds one."""
    hits = [labels[int(np.argmax(score(X)))] for X, labels in groups if len(labels) and labels.any()]
    return round(float(np.mean(hits)), 4) if hits else 0.0


def topk(groups, score, k: int) -> float:
    """Among all questions: how often one of the k best-scored sentences holds the answer."""
    hits = [labels[np.argsort(-score(X))[:k]].any() if len(labels) else False for X, labels in groups]
    return round(float(np.mean(hits)), 4) if hits else 0.0


def fit(groups) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    groups = [g for g in groups if len(g[1])]
    X = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups])
    scaler = StandardScaler().fit(X)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(X), y)
    return scaler.mean_, scaler.scale_, model.coef_[0], float(model.intercept_[0])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", action="append", required=True, metavar="FORMAT:PATH")
    parser.add_argument("--per-set", type=int, default=300, help="questions per set and part (default 300)")
    parser.add_argument("--heldout", type=int, help="held-out questions per set (default: --per-set)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args(argv)
    from rag import Assistant
    from rag.settings import Settings

    assistant = Assistant(Settings.from_env(generate=False))
    fitted, held, figures = [], {}, {}
    for spec in args.dataset:
        dataset = load_dataset(spec)
        index = prepare_index(dataset, assistant, None, True)
        parts = {"fit": [], "heldout": []}
        for q in dataset.questions:
            parts[part(q, dataset)].append(q)
        for name in parts:
            size = args.heldout if name == "heldout" and args.heldout is not None else args.per_set
            chosen = dataset.__class__(dataset.name, dataset.spec, parts[name]).sample(size, args.seed)
            groups = collect(assistant, dataset, chosen, index)
            (fitted.extend(groups) if name == "fit" else held.__setitem__(dataset.name, groups))
            figures.setdefault(dataset.name, {})[f"{name}_questions"] = len(chosen)
    mean, scale, coef, intercept = fit(fitted)
    ranker = Ranker(FEATURES, mean, scale, coef, intercept, {})
    shared = Ranker.default()  # rag/answer/ranker.json as it was before this fit (read once): the figures to beat
    for name, groups in held.items():
        figures[name]["heldout_top1_fitted"] = top1(groups, ranker.logit)
        figures[name]["heldout_top1_cosine"] = top1(groups, lambda X: X[:, FEATURES.index("cosine")])
        figures[name]["heldout_top4_fitted"] = topk(groups, ranker.logit, 4)
        figures[name]["heldout_top1_shared"] = top1(groups, shared.logit)
        figures[name]["heldout_top4_shared"] = topk(groups, shared.logit, 4)
    ranker = Ranker(FEATURES, mean, scale, coef, intercept, {
        "command": "python -m eval.fit_ranker " + " ".join(argv if argv is not None else sys.argv[1:]),
        "split": "eval.split.part: SQuAD/KorQuAD by article, others by question id; crc32(key) % 2 == 0 is 'fit'",
        "fitted_on": "candidate sentences of the 'fit' questions; label = holds a gold answer",
        "sentences": int(sum(len(g[1]) for g in fitted)), "positives": int(sum(g[1].sum() for g in fitted)),
        "sets": figures,
        "top1": "share of held-out questions (with an answer sentence among the candidates) whose best-scored "
                "sentence holds the answer",
    })
    args.out.write_text(json.dumps(ranker.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(ranker.fitted, indent=1, ensure_ascii=False))
    print("weights:", dict(zip(FEATURES, np.round(coef, 3))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
