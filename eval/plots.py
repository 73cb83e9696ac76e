"""PNG plots with matplotlib (Agg backend: no display needed)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from rag.errors import require

ARMS = ("overview", "naive")
COLOURS = {"links": "#1a0dab", "overview": "#188038", "naive": "#d93025"}


def _pyplot():
    matplotlib = require("matplotlib", "eval")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_all(report: dict, out: Path) -> list[Path]:
    plt = _pyplot()
    paths = []
    for name, draw in (("answer_at_k.png", answer_at_k), ("effort.png", effort), ("latency.png", latency),
                       ("risk_coverage.png", risk_coverage)):
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=110)
        draw(report, ax)
        ax.set_title(f"{report['dataset']} (n={report['n']}) — {ax.get_title()}", fontsize=10)
        fig.tight_layout()
        fig.savefig(out / name)
        plt.close(fig)
        paths.append(out / name)
    return paths


def risk_coverage(report: dict, ax) -> None:
    """Containment of the most confident overviews, as more of the questions are answered."""
    curve = (report.get("overview", {}).get("confidence") or {}).get("risk_coverage") or []
    if curve:
        ax.plot([p["coverage"] for p in curve], [p["containment"] for p in curve], "o-", color=COLOURS["overview"],
                label="overview, most confident first")
        ax.legend(fontsize=8, loc="lower left")
    ax.set(xlabel="coverage (share of questions answered)", ylabel="answer contained", ylim=(0, 1.02),
           xlim=(0, 1.02), title="risk–coverage")
    ax.grid(alpha=0.3)


def answer_at_k(report: dict, ax) -> None:
    """Share of questions whose top-k snippets show a gold answer, against the overviews' containment."""
    if "links" in report:
        curve = report["links"]["answer@k"]
        ks = sorted(int(k) for k in curve)
        ax.plot(ks, [curve[k] if k in curve else curve[str(k)] for k in ks], "o-", color=COLOURS["links"],
                label="links: answer in top-k snippets")
    for arm in ARMS:
        if arm in report and report[arm]["answer_containment"] is not None:
            ax.axhline(report[arm]["answer_containment"], color=COLOURS[arm], linestyle="--",
                       label=f"{arm}: answer contained")
    ax.set(xlabel="k (links read)", ylabel="share of questions", ylim=(0, 1.02), xticks=range(1, 11),
           title="answer@k")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def _effort(report: dict, mode: str) -> list[float]:
    values = [r[mode]["effort_words"] for r in report["questions"] if mode in r]
    return [math.inf if v is None else v for v in values]


def effort(report: dict, ax) -> None:
    """Cumulative share of questions answered within w words read; never-answered stays below 1."""
    for mode in ("links", *ARMS):
        if mode not in report:
            continue
        values = np.array(_effort(report, mode), dtype=float)
        finite = np.sort(values[np.isfinite(values)])
        if not len(values):
            continue
        ax.step(np.concatenate([[0], finite]), np.arange(len(finite) + 1) / len(values), where="post",
                color=COLOURS[mode], label=mode)
    ax.set(xlabel="words read to reach the answer", ylabel="share of questions answered", ylim=(0, 1.02),
           title="reading effort")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def latency(report: dict, ax) -> None:
    series, labels = [], []
    for mode in ("links", *ARMS):
        for key in ("links_ms", "first_token_ms", "total_ms"):
            if mode not in report["timings"] or key not in report["timings"][mode]:
                continue
            if mode != "links" and key == "links_ms":
                continue  # the same retrieval as the links arm
            values = [(r[mode].get("timings", {}) if mode != "links" else r[mode]).get(key)
                      for r in report["questions"]]
            series.append([v for v in values if v is not None])
            labels.append(f"{mode}\n{key.removesuffix('_ms').replace('_', ' ')}")
    if series:
        ax.boxplot(series, showfliers=False)
        ax.set_xticks(range(1, len(labels) + 1), labels, fontsize=8)
    ax.set(ylabel="milliseconds", title="latency")
    ax.grid(alpha=0.3, axis="y")
