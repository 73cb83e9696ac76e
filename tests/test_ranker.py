"""The evidence ranker: JSON weights in, probabilities out; the fitting procedure on synthetic data."""

import json

import numpy as np
import pytest

from eval.fit_ranker import fit, top1, topk
from eval.split import part
from rag.errors import RagError
from rag.answer.ranker import FEATURES, Ranker, feature_row


def test_shipped_weights_load_and_say_what_they_were_fitted_on():
    r = Ranker.default()
    assert r.features == FEATURES
    assert "split" in r.fitted and r.fitted["sentences"] > 1000
    held = [s for s in r.fitted["sets"].values()]
    assert all("heldout_top1_fitted" in s for s in held)


def test_malformed_or_stale_weights_fail_with_what_to_do(tmp_path):
    stale = dict(Ranker.default().to_json(), features=["cosine"])
    path = tmp_path / "r.json"
    path.write_text(json.dumps(stale))
    with pytest.raises(RagError, match="refit them"):
        Ranker.load(path)
    path.write_text("{not json")
    with pytest.raises(RagError, match="could not read ranker weights"):
        Ranker.load(path)


def test_fit_learns_the_feature_that_separates_answers():
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(60):
        X = rng.normal(size=(10, len(FEATURES)))
        y = np.zeros(10)
        y[int(np.argmax(X[:, 0]))] = 1.0  # the answer is the sentence with the largest first feature
        groups.append((X, y))
    mean, scale, coef, intercept = fit(groups)
    assert coef[0] == max(coef) and coef[0] > 1.0
    ranker = Ranker(FEATURES, mean, scale, coef, intercept, {})
    assert top1(groups, ranker.logit) > 0.9 and topk(groups, ranker.logit, 4) == 1.0
    again = Ranker.from_json(json.loads(json.dumps(ranker.to_json())))
    assert np.allclose(again.probability(groups[0][0]), ranker.probability(groups[0][0]), atol=1e-4)


def test_split_keeps_an_articles_questions_together():
    class Q:
        def __init__(self, qid, doc):
            self.id, self.relevant = qid, (doc,)

    class D:
        spec = "squad:/x.json"

    parts = {part(Q(str(i), "squad:Normans:3"), D()) for i in range(20)}
    assert len(parts) == 1  # every question on one article falls in the same part


def test_feature_rows_are_built_by_name_in_the_rankers_order():
    values = {name: float(i) for i, name in enumerate(FEATURES)}
    assert feature_row(**dict(reversed(list(values.items())))) == [float(i) for i in range(len(FEATURES))]
    with pytest.raises(RagError, match="missing \\['typed'\\]"):
        feature_row(**{k: v for k, v in values.items() if k != "typed"})
    with pytest.raises(RagError, match="unknown \\['typo'\\]"):
        feature_row(**values, typo=1.0)
