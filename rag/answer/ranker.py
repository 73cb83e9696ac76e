"""The evidence ranker: a logistic regression over sentence features, fitted on data, stored as JSON.

    FEATURES                  the columns evidence.py computes for every candidate sentence
    Ranker.default()          the weights shipped in rag/answer/ranker.json (fitted by eval/fit_ranker.py)
    ranker.probability(X)     P(the sentence holds the answer) for each row of X

The weights are plain JSON (feature names, standardisation, coefficients): loading them runs no
code, and the file says what it was fitted on and how the data was split (see `fitted`). Scoring
is one dot product, so scikit-learn is needed only to fit, never at query time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.errors import RagError

FEATURES = (
    "cosine",          # MiniLM cosine of the question and "title: sentence"
    "cosine_gap",      # cosine minus the best cosine among this question's candidates (<= 0)
    "overlap",         # share of the question's terms in the sentence or its title
    "overlap_gap",     # overlap minus the best overlap among this question's candidates (<= 0)
    "sentence_overlap",  # share of the question's terms in the sentence itself
    "title_overlap",   # share of the question's terms in the source's title
    "prior",           # 1 / (1 + position of the passage in the reading list)
    "hop2",            # the passage came from the second hop (a bridge entity)
    "bridge",          # the sentence names a bridge entity, or comes from a bridge's own passage
    "chain_cosine",    # hop 2: cosine of the question and the first-hop sentence naming the bridge
    "residual_overlap",  # hop 2: share of the question's terms left over by that sentence found here
    "expects_type",    # the question asks for a date, a number or a name
    "typed",           # the sentence holds that kind of thing
    "novelty",         # share of the sentence's content words the question does not hold
    "first",           # the sentence opens its passage
    "length",          # words / 40, capped at 1
)
WEIGHTS = Path(__file__).with_name("ranker.json")


def feature_row(**values: float) -> list[float]:
    """One candidate's features, given by name, in FEATURES order; a missing or unknown name is an error
    (a row built by position would silently shift every weight after a new feature)."""
    if values.keys() != set(FEATURES):
        missing, extra = set(FEATURES) - values.keys(), values.keys() - set(FEATURES)
        raise RagError(f"feature row does not match ranker FEATURES (missing {sorted(missing)}, "
                       f"unknown {sorted(extra)})")
    return [float(values[name]) for name in FEATURES]


@dataclass(frozen=True)
class Ranker:
    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    fitted: dict  # what the weights were fitted on: data, split, counts, held-out figures

    @classmethod
    def from_json(cls, data: dict) -> "Ranker":
        try:
            features = tuple(data["features"])
            if features != FEATURES:
                raise RagError(f"ranker weights are for features {features}, this version computes {FEATURES} — "
                               "refit them: python -m eval.fit_ranker")
            arrays = [np.asarray(data[k], dtype=float) for k in ("mean", "scale", "coef")]
            if any(a.shape != (len(FEATURES),) for a in arrays):
                raise ValueError("mean, scale and coef need one value per feature")
            return cls(features, *arrays, float(data["intercept"]), dict(data.get("fitted", {})))
        except (KeyError, TypeError, ValueError) as exc:
            raise RagError(f"ranker weights are malformed ({exc}) — refit them: python -m eval.fit_ranker") from None

    @classmethod
    def load(cls, path: Path) -> "Ranker":
        try:
            return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise RagError(f"could not read ranker weights {path} ({exc}) — reinstall rag or refit them") from None

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> "Ranker":
        return Ranker.load(WEIGHTS)

    def logit(self, X: np.ndarray) -> np.ndarray:
        scale = np.where(self.scale > 0, self.scale, 1.0)
        return ((X - self.mean) / scale) @ self.coef + self.intercept

    def probability(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logit(X)))

    def to_json(self) -> dict:
        return {"features": list(self.features), "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(), "coef": self.coef.round(6).tolist(),
                "intercept": round(self.intercept, 6), "fitted": self.fitted}
