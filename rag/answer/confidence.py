"""How likely the overview holds the answer: a calibrated probability, and the line under which the app shows
the overview collapsed ("The links may answer this better").

    Confidence.default()                  the calibration shipped in rag/answer/confidence.json (None if absent)
    signals(query, evidence, …)           what the confidence reads of one overview (SIGNALS)
    confidence.of(signals, scorer)        P(the overview holds the answer), in [0, 1]
    confidence.collapsed(p)               p under the threshold chosen on the fit part

The evidence's best probability (the reader's blend for English, the linear ranker's for Korean: `scorer`) is
a ranking score, not a frequency: on the development sets a best sentence at 0.9 meant an overview holding the
answer far less often than 9 times in 10. eval/fit_confidence.py fits one logistic regression per scorer from
an overview's signals to "the overview holds a gold answer" on eval records of the fit part, and picks the
threshold there; the eval report shows the calibration table and risk–coverage on both parts. The signals
(`signals`, recorded by every eval) are the best probability and ten more: how far the best sentence stands
above the next and above the best of another document, the nearest cosine, whether the question asks for a kind
of answer and a short answer of that kind was found, the overview's kind and sources, a second hop, the
question's length. The shipped file reads the best probability alone: on held-out runs no other signal added
to it on every set (docs/evaluation.md, eleventh round). A file holding only "a" and "b" per scorer is that
one-signal curve, as first shipped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import RagError
from rag.schema import Evidence, Source

WEIGHTS = Path(__file__).with_name("confidence.json")
# what `signals` gives, in the order eval/fit_confidence.py fits them
SIGNALS = ("best", "gap", "rival_gap", "cosine", "typed", "short", "compared", "found_only", "sources",
           "second_hop", "words")
FLOOR = 0.01  # probabilities are read within [FLOOR, 1 - FLOOR]; a missing second (or rival) sentence is FLOOR


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Confidence:
    curves: dict  # scorer -> {"weights": {signal: weight}, "intercept": b}
    threshold: float
    fitted: dict

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> "Confidence | None":
        try:
            return Confidence.load(WEIGHTS)
        except RagError:
            return None

    @classmethod
    def load(cls, path: Path) -> "Confidence":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            curves = {k: _curve(v) for k, v in data["curves"].items()}
            return cls(curves, float(data["threshold"]), dict(data.get("fitted", {})))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"could not read the confidence calibration {path} ({exc}) — "
                           "refit it: python -m eval.fit_confidence") from None

    def of(self, signals: dict[str, float] | None, scorer: str) -> float | None:
        """The confidence given an overview's `signals` (None when it has no evidence)."""
        if not signals or scorer not in self.curves:
            return None
        curve = self.curves[scorer]
        z = curve["intercept"] + sum(w * signals[k] for k, w in curve["weights"].items())
        return round(1.0 / (1.0 + math.exp(-z)), 4)

    def collapsed(self, p: float | None) -> bool:
        return p is not None and p < self.threshold


def _clipped(p: float) -> float:
    """logit(p) within [FLOOR, 1 - FLOOR]: a decided comparison's evidence is certain (1.0), and logit(1.0)
    (13.8 at 1e-6) would outweigh every other overview in the fit and flatten the curve (HotpotQA's fit run
    alone: slope 0.12, against SQuAD's 0.91)."""
    return logit(min(max(p, FLOOR), 1 - FLOOR))


def _curve(data: dict) -> dict:
    """A scorer's weights; the earlier one-signal file ({"a", "b"} on logit(best)) read as such."""
    if "weights" in data:
        weights = {k: float(w) for k, w in data["weights"].items()}
        if not set(weights) <= set(SIGNALS):
            raise ValueError(f"unknown signals {sorted(set(weights) - set(SIGNALS))}")
        return {"weights": weights, "intercept": float(data["intercept"])}
    return {"weights": {"best": float(data["a"])}, "intercept": float(data["b"])}


def signals(query: str, evidence: list[Evidence], sources: list[Source], kind: str, typed: bool,
            short: bool) -> dict[str, float] | None:
    """What the confidence reads of an overview: `evidence` sorted or not, `sources` it cites, `kind` its
    decision (rag.answer.overview.Decision.kind), `typed` the question asks for a kind of answer
    (rag.answer.short.kind_of), `short` a short answer of that kind was found. None without evidence."""
    if not evidence:
        return None
    ranked = sorted(evidence, key=lambda e: -e.relevance)
    best = _clipped(ranked[0].relevance)
    second = ranked[1].relevance if len(ranked) > 1 else FLOOR
    rival = max((e.relevance for e in ranked if e.doc_id != ranked[0].doc_id), default=FLOOR)
    return {"best": best, "gap": best - _clipped(second), "rival_gap": best - _clipped(rival),
            "cosine": max(e.score for e in evidence), "typed": float(typed), "short": float(short),
            "compared": float(kind == "compared"), "found_only": float(kind == "found_only"),
            "sources": float(len({s.doc_id for s in sources})), "second_hop": float(any(e.hop == 2 for e in evidence)),
            "words": math.log(1 + len(query.split()))}
