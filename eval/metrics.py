"""Answer matching (SQuAD and KorQuAD rules), ranking metrics through ranx, and summary statistics.

The answer normalisation and F1 are small functions from the official evaluation scripts, copied
in spirit because neither script is published as a package; ranking metrics come from ranx.
"""

from __future__ import annotations

import math
import re
import string
from collections import Counter

import numpy as np

_PUNCT = set(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b")
# KorQuAD's script blanks these brackets and quotes before removing ASCII punctuation
_KORQUAD_MARKS = re.compile(r"['\"《》<>〈〉()‘’]")
# Where running text joins words the official rule (written for answer spans) would glue: a possessive
# ("God's alone" is "gods", not "god") and a dash outside ASCII ("signaling—signals" is one token, the
# answer "signals from the chloroplast …" then not a whole word). A hyphen is not one: "gold-themed" names no "Gold".
_JOINS = re.compile(r"['’]s\b|[—–]")


def normalize_answer(text: str) -> str:
    """The official SQuAD v1.1 normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCT)
    return " ".join(_ARTICLES.sub(" ", text).split())


def normalize_korquad(text: str) -> str:
    """The official KorQuAD 1.0 normalisation (no article removal; extra brackets and quotes blanked)."""
    text = _KORQUAD_MARKS.sub(" ", text).lower()
    return " ".join("".join(ch for ch in text if ch not in _PUNCT).split())


YES_NO = frozenset({"yes", "no"})


def contains_answer(text: str, answers, lang: str = "en") -> bool:
    """A gold answer appears in text after normalisation.

    English matches whole words (" 1911 " must not match "19110"), in the text as written or with a possessive
    and a long dash read as a word break (_JOINS). Korean attaches particles to words ("1889년에"), so a
    word-boundary match would miss most answers; it matches characters.
    """
    if answers and all(normalize_answer(a) in YES_NO for a in answers):
        # "yes"/"no" is in countless sentences ("no longer", "there is no …"): a text answers a
        # yes/no question only when it opens with the answer
        first = normalize_answer(text).split()[:1]
        return bool(first) and first[0] in {normalize_answer(a) for a in answers}
    if lang == "ko":
        hay = normalize_korquad(text)
        return any(a and a in hay for a in (normalize_korquad(x) for x in answers))
    hays = {f" {normalize_answer(text)} ", f" {normalize_answer(_JOINS.sub(' ', text))} "}
    return any(a and any(f" {a} " in hay for hay in hays) for a in (normalize_answer(x) for x in answers))


def exact_match(prediction: str, answers, lang: str = "en") -> float:
    norm = normalize_korquad if lang == "ko" else normalize_answer
    return float(any(norm(prediction) == norm(a) for a in answers))


def token_f1(prediction: str, truth: str) -> float:
    """SQuAD v1.1 F1 over normalised word tokens."""
    pred, gold = normalize_answer(prediction).split(), normalize_answer(truth).split()
    return _f1(Counter(pred), Counter(gold), len(pred), len(gold))


def char_f1(prediction: str, truth: str) -> float:
    """KorQuAD 1.0 F1: the same formula over the characters of the normalised tokens.

    Written by hand because the KorQuAD script is not a package; it is its f1_score, word for word.
    """
    pred = [c for tok in normalize_korquad(prediction).split() for c in tok]
    gold = [c for tok in normalize_korquad(truth).split() for c in tok]
    return _f1(Counter(pred), Counter(gold), len(pred), len(gold))


def _f1(pred: Counter, gold: Counter, n_pred: int, n_gold: int) -> float:
    same = sum((pred & gold).values())
    if same == 0:
        return 0.0
    precision, recall = same / n_pred, same / n_gold
    return 2 * precision * recall / (precision + recall)


def best_f1(prediction: str, answers, lang: str = "en") -> float:
    score = char_f1 if lang == "ko" else token_f1
    return max((score(prediction, a) for a in answers), default=0.0)


# -- ranking --------------------------------------------------------------------------------------

RANK_METRICS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10")


def ranking_scores(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]],
                   metrics=RANK_METRICS) -> dict[str, dict[str, float]]:
    """Per-question scores {metric: {qid: score}} from ranx.

    Questions without any relevant document score 0 (ranx cannot hold them); questions that
    retrieved nothing get an empty ranking.
    """
    from ranx import Qrels, Run, evaluate

    judged = {q: docs for q, docs in qrels.items() if docs}
    scores = {m: {q: 0.0 for q in qrels} for m in metrics}
    if not judged:
        return scores
    # ranx needs at least one entry per ranked query; a zero-scored placeholder matches nothing
    ranked = {q: (run.get(q) or {"\x00none": 0.0}) for q in judged}
    ranx_run = Run(ranked)
    evaluate(Qrels(judged), ranx_run, list(metrics), save_results_in_run=True)
    for m in metrics:
        for q, value in ranx_run.scores[m].items():
            scores[m][q] = float(value)
    return scores


# -- summaries ------------------------------------------------------------------------------------

def said_or_folded(a: dict) -> bool:
    """Did the overview (an answer record) not answer: it abstained, said what the sources cover, or was folded?"""
    return bool(a["abstained"] or a.get("found_only") or a.get("collapsed"))


def mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(np.mean(values)), 4) if values else None


def median(values) -> float | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    m = float(np.median(values))
    return m if math.isinf(m) else round(m, 1)


def percentile(values, q: float) -> float | None:
    values = [v for v in values if v is not None]
    return round(float(np.percentile(values, q)), 1) if values else None


def share(flags) -> float | None:
    flags = [bool(f) for f in flags if f is not None]
    return round(sum(flags) / len(flags), 4) if flags else None
