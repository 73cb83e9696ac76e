"""Does the overview's confidence mean something? Figures for the report, and the fit behind
rag/answer/confidence.json.

    confidence_figures(arm)    risk–coverage, a calibration table, the share shown collapsed and the
                               containment of the overviews shown open (above the app's threshold)
    fit_weights(rows, labels)  a logistic regression over the overview's signals
    separation(rows)           AUROC, Brier, the coverage at which the answer is held 90% of the time
    pick_threshold(sets, …)    the lowest threshold at which every set's open overviews reach the target
    spare_threshold(sets, …)   the highest threshold that folds at most a given share of overviews to spare
"""

from __future__ import annotations

import math

import numpy as np

from rag.answer.confidence import SIGNALS

from .metrics import mean, share

COVERAGES = [round(0.1 * i, 1) for i in range(1, 11)]
BINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0001)
CS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)  # the regularisations fit_weights chooses from


def _order(arm: list[dict]) -> list[dict]:
    """Most confident first; abstained overviews (no confidence) last."""
    return sorted(arm, key=lambda a: -1.0 if a.get("confidence") is None or a["abstained"] else a["confidence"],
                  reverse=True)


def confidence_figures(arm: list[dict]) -> dict | None:
    if not arm or all(a.get("confidence") is None for a in arm):
        return None
    ranked = _order(arm)
    curve = []
    for c in COVERAGES:
        top = ranked[: max(1, math.ceil(c * len(ranked)))]
        curve.append({"coverage": c, "containment": share(a["contains"] for a in top)})
    table = []
    scored = [a for a in arm if a.get("confidence") is not None and not a["abstained"]]
    for low, high in zip(BINS, BINS[1:]):
        rows = [a for a in scored if low <= a["confidence"] < high]
        table.append({"confidence": f"{low:.1f}–{min(high, 1.0):.1f}", "n": len(rows),
                      "mean_confidence": mean(a["confidence"] for a in rows),
                      "containment": share(a["contains"] for a in rows)})
    shown = [a for a in arm if not a["abstained"] and not a.get("collapsed")]
    return {"risk_coverage": curve, "calibration": table,
            "collapsed_rate": share(bool(a.get("collapsed")) for a in arm),
            "open_coverage": len(shown) / len(arm), "open_containment": share(a["contains"] for a in shown),
            "brier": mean((a["confidence"] - float(a["contains"])) ** 2 for a in scored)}


def fit_weights(rows: list[dict[str, float]], labels: list[bool], names=SIGNALS) -> dict:
    """A logistic regression from an overview's signals (rag.answer.confidence.signals) to "it holds the
    answer": signals standardised, the regularisation chosen by 5-fold cross-validated log loss, the weights
    then put back on the signals' own scale (so the app computes one dot product). A signal that never varies
    in `rows` gets no weight."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.preprocessing import StandardScaler

    X = np.array([[r[k] for k in names] for r in rows], dtype=float)
    y = np.array([int(v) for v in labels])
    keep = X.std(axis=0) > 1e-9
    scaler = StandardScaler().fit(X[:, keep])
    Z = scaler.transform(X[:, keep])
    # LogisticRegressionCV does the same, but its parameters are being renamed (scikit-learn 1.8 → 1.10)
    C = max(CS, key=lambda c: cross_val_score(LogisticRegression(C=c, max_iter=2000), Z, y, cv=5,
                                              scoring="neg_log_loss").mean())
    model = LogisticRegression(C=C, max_iter=2000).fit(Z, y)
    w = model.coef_[0] / scaler.scale_
    b = float(model.intercept_[0] - (w * scaler.mean_).sum())
    return {"weights": {str(k): round(float(v), 5) for k, v in zip(np.array(names)[keep], w)}, "intercept": round(b, 5),
            "C": C, "n": len(labels), "positives": int(sum(labels))}


def separation(rows: list[tuple[float, bool]], target: float = 0.9) -> dict:
    """How well a confidence tells right from wrong overviews: AUROC, Brier score, and the largest share of
    the questions (most confident first) whose overviews hold the answer at least `target` of the time."""
    from sklearn.metrics import roc_auc_score

    ys = [y for _, y in rows]
    auroc = roc_auc_score(ys, [p for p, _ in rows]) if 0 < sum(ys) < len(ys) else None
    ranked = sorted(rows, key=lambda r: -r[0])
    held, best = 0, 0
    for i, (_, y) in enumerate(ranked, 1):
        held += y
        if held / i >= target:
            best = i
    return {"n": len(rows), "auroc": round(auroc, 4) if auroc is not None else None,
            "brier": round(sum((p - y) ** 2 for p, y in rows) / max(len(rows), 1), 4),
            f"coverage_at_{target:.2f}": round(best / max(len(rows), 1), 4)}


def pick_threshold(sets: dict[str, list[tuple[float, bool]]], target: float, floor: float = 0.05) -> dict:
    """The lowest threshold (on a 0.01 grid) at which, on every set, the overviews at or above it hold the
    answer at least `target` of the time; the coverage that leaves on each set."""
    for t in [round(floor + 0.01 * i, 2) for i in range(int((0.99 - floor) / 0.01) + 1)]:
        ok = True
        for rows in sets.values():
            above = [y for p, y in rows if p >= t]
            if above and sum(above) / len(above) < target:
                ok = False
                break
        if ok:
            return {"threshold": t, "target": target,
                    "coverage": {name: round(sum(p >= t for p, _ in rows) / max(len(rows), 1), 4)
                                 for name, rows in sets.items()}}
    return {"threshold": 0.99, "target": target, "coverage": {}}


def confidence_markdown(c: dict | None) -> list[str]:
    if not c:
        return []
    lines = ["## Confidence (rag.answer.confidence)", "",
             f"Shown open (confidence at or above the app's threshold): {c['open_coverage']:.0%} of questions, "
             f"holding the answer {_pct(c['open_containment'])}; shown collapsed: {_pct(c['collapsed_rate'])}. "
             f"Brier score {c['brier']:.3f}." if c["brier"] is not None else "", "",
             "| confidence | n | mean confidence | containment |", "|---|---|---|---|"]
    lines += [f"| {row['confidence']} | {row['n']} | {_pct(row['mean_confidence'])} | {_pct(row['containment'])} |"
              for row in c["calibration"]]
    lines += ["", "Risk–coverage (most confident first): " + ", ".join(
        f"{p['coverage']:.0%} → {_pct(p['containment'])}" for p in c["risk_coverage"]), ""]
    return lines


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1%}"


def spare_threshold(sets: dict[str, list[tuple[float, bool]]], most: float,
                    spared: dict[str, list[tuple[float, bool]]] | None = None) -> dict:
    """The highest threshold (0.01 grid) at which, on every set, at most `most` of the overviews to spare
    fall under it (shown collapsed); the open containment and coverage that leaves on each set. The
    overviews to spare are those that hold the answer, or `spared`'s flagged rows (e.g. every question
    whose answer is in a passage read: the issue's "at most 5% of answerable questions folded")."""
    spared = sets if spared is None else spared
    chosen = 0.0
    for t in [round(0.01 * i, 2) for i in range(1, 100)]:
        if all(sum(1 for p, y in rows if y and p < t) <= most * max(sum(y for _, y in rows), 1)
               for rows in spared.values()):
            chosen = t
        else:
            break
    figures = {}
    for name, rows in sets.items():
        open_ = [y for p, y in rows if p >= chosen]
        figures[name] = {"coverage": round(len(open_) / max(len(rows), 1), 4),
                         "open_containment": round(sum(open_) / max(len(open_), 1), 4)}
    return {"threshold": chosen, "most_collapsed": most, "sets": figures}
