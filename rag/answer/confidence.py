"""How likely the overview holds the answer: a calibrated probability, and the line under which the app shows
the overview collapsed ("The links may answer this better").

    Confidence.default()                  the calibration shipped in rag/answer/confidence.json (None if absent)
    confidence.of(evidence, scorer)       P(the overview holds the answer), in [0, 1]
    confidence.collapsed(p)               p under the threshold chosen on the fit part

The evidence's best probability (the reader's blend for English, the linear ranker's for Korean: `scorer`) is
a ranking score, not a frequency: on the development sets a best sentence at 0.9 meant an overview holding the
answer far less often than 9 times in 10. eval/fit_confidence.py fits one logistic curve per scorer (Platt
scaling) from that score to "the overview holds a gold answer" on eval records of the fit part, and picks the
threshold there; the eval report shows the calibration table and risk–coverage on both parts.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rag.errors import RagError
from rag.schema import Evidence

WEIGHTS = Path(__file__).with_name("confidence.json")


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True)
class Confidence:
    curves: dict  # scorer -> {"a": slope, "b": intercept} on logit(best evidence probability)
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
            curves = {k: {"a": float(v["a"]), "b": float(v["b"])} for k, v in data["curves"].items()}
            return cls(curves, float(data["threshold"]), dict(data.get("fitted", {})))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"could not read the confidence calibration {path} ({exc}) — "
                           "refit it: python -m eval.fit_confidence") from None

    def of(self, evidence: list[Evidence], scorer: str) -> float | None:
        return self.of_best(max(e.relevance for e in evidence), scorer) if evidence else None

    def of_best(self, best: float, scorer: str) -> float | None:
        """The confidence given the evidence's best probability."""
        if scorer not in self.curves:
            return None
        curve = self.curves[scorer]
        z = curve["a"] * logit(best) + curve["b"]
        return round(1.0 / (1.0 + math.exp(-z)), 4)

    def collapsed(self, p: float | None) -> bool:
        return p is not None and p < self.threshold
