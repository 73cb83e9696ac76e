"""Summarise per-question records into figures, and write report.json, report.md and PNG plots."""

from __future__ import annotations

import json
import math
from pathlib import Path

from rag.answer.compose import MAX_WORDS

from .calibration import confidence_figures, confidence_markdown
from .metrics import RANK_METRICS, mean, median, percentile, ranking_scores, said_or_folded, share

ANSWER_ARMS = ("overview", "naive")


# -- figures --------------------------------------------------------------------------------------

def summarise(records: list[dict], modes: list[str], dataset: str, index: str, lang: str = "en",
              setup: dict | None = None) -> dict:
    report = {"dataset": dataset, "index": index, "lang": lang, "n": len(records), "modes": list(modes),
              "setup": setup or {}}
    if "links" in modes:
        report["links"] = links_figures(records)
    for arm in ANSWER_ARMS:
        if arm in modes:
            report[arm] = answer_figures([r[arm] for r in records], lang)
            report[arm]["misses"] = diagnose(records, arm)
    if "overview" in modes:
        report["overview"]["confidence"] = confidence_figures([r["overview"] for r in records])
        report["overview"]["risk_coverage"] = (report["overview"]["confidence"] or {}).get("risk_coverage")
    report["effort"] = effort_figures(records, modes)
    report["parts"] = part_figures(records, modes, lang)
    report["timings"] = {mode: timing_figures(records, mode) for mode in modes}
    report["questions"] = records
    return report


def links_figures(records: list[dict]) -> dict:
    qrels = {r["id"]: {d: 1 for d in r["links"]["gold"]} for r in records}
    run = {r["id"]: {d: 1.0 / rank for rank, d in enumerate(r["links"]["ranked"], start=1)} for r in records}
    scores = ranking_scores(qrels, run)
    for r in records:
        r["links"]["scores"] = {m: round(scores[m][r["id"]], 4) for m in RANK_METRICS}
    figures = {m: mean(scores[m].values()) for m in RANK_METRICS}
    ranks = [r["links"]["answer_rank"] for r in records]
    curve = {k: share(rank is not None and rank <= k for rank in ranks) for k in range(1, 11)}
    figures.update({f"answer@{k}": curve[k] for k in (1, 5, 10)})
    figures["answer@k"] = curve
    # every gold document in the top 10 (HotpotQA: both supporting paragraphs), not just some
    figures["all_gold@10"] = share(bool(r["links"]["gold"]) and set(r["links"]["gold"]) <= set(r["links"]["ranked"][:10])
                                   for r in records if r["links"]["gold"])
    figures["median_effort_words"] = median(r["links"]["effort_words"] for r in records)
    figures["judged_questions"] = sum(1 for q in qrels.values() if q)
    return figures


def answer_figures(arm: list[dict], lang: str) -> dict:
    answered = [a for a in arm if not a["abstained"]]
    abstained = [a for a in arm if a["abstained"]]
    shown = [s for a in answered for s in a["supported"]]
    with_short = [a for a in arm if a["short_answer"]]
    # By whether the answer was there to find (a gold string in a passage read): a set the index mostly cannot
    # answer (real search-box questions on `vital`) is read by these, not by its overall containment.
    held = [a for a in arm if a.get("answer_in_passages")]
    missing = [a for a in arm if a.get("answer_in_passages") is False]
    figures = {
        "answer_containment": share(a["contains"] for a in arm),
        "answer_containment_unnamed": share(a["contains"] for a in arm if not a.get("answer_named")),
        "answer_containment_where_read": share(a["contains"] for a in held),
        "not_answered_where_read": share(said_or_folded(a) for a in held),
        "not_answered_where_missing": share(said_or_folded(a) for a in missing),
        "citation_precision": mean(a["citation_precision"] for a in answered),
        "citation_recall": share(a["cites_gold"] for a in arm),
        "supported_rate": share(shown),
        "abstention_rate": share(a["abstained"] for a in arm),
        "abstained_with_answer_in_evidence": sum(1 for a in abstained if a.get("answer_in_evidence")),
        "median_words": median(a["words"] for a in answered),
        "share_within_80_words": share(a["words"] <= MAX_WORDS for a in answered),
        "median_effort_words": median(a["effort_words"] for a in arm),
        "short_answer_share": share(bool(a["short_answer"]) for a in arm),
        "exact_match": mean(a["em"] for a in with_short),
        "f1": mean(a["f1"] for a in with_short),
    }
    if lang == "ko":
        figures["char_f1"] = mean(a.get("overview_char_f1") for a in arm)
    # Does the checker's acceptance mean something? Answer containment of the lead sentence alone,
    # for leads the model wrote (and the checker accepted) against leads quoted from the evidence.
    leads = [a for a in arm if a.get("lead_origin")]
    figures["generated_lead_share"] = share(a["lead_origin"] == "generated" for a in leads)
    figures["generated_lead_contains"] = share(a["lead_contains"] for a in leads if a["lead_origin"] == "generated")
    figures["quoted_lead_contains"] = share(a["lead_contains"] for a in leads if a["lead_origin"] == "quoted")
    figures["found_only_rate"] = share(a.get("found_only") for a in arm) if leads or arm else None
    figures["second_hop_cited_share"] = share(a.get("cites_second_hop") for a in answered)
    return figures


def part_figures(records: list[dict], modes: list[str], lang: str) -> dict:
    """The headline figures on each part of the ranker's split (eval.split): "heldout" was never fitted on."""
    out = {}
    for name in sorted({r.get("part") for r in records} - {None}):
        rows = [r for r in records if r.get("part") == name]
        figures: dict = {"n": len(rows)}
        if "links" in modes:
            l = links_figures([dict(r, links=dict(r["links"])) for r in rows])
            figures.update({k: l[k] for k in ("recall@10", "all_gold@10", "answer@10")})
        if "overview" in modes:
            o = answer_figures([r["overview"] for r in rows], lang)
            figures.update({k: o[k] for k in ("answer_containment", "answer_containment_unnamed", "citation_precision",
                                              "median_words")})
            c = confidence_figures([r["overview"] for r in rows]) or {}
            figures.update({k: c.get(k) for k in ("open_coverage", "open_containment", "brier")})
            e = effort_figures(rows, modes)
            figures.update({k: e[k] for k in ("overview_fewer_words_share", "links_fewer_words_than_overview_share")
                            if k in e})
        out[name] = figures
    return out


def diagnose(records: list[dict], arm: str) -> dict:
    """Why the answer is missing from an arm's output, counted over the questions it missed.

    Needs the links of the same question (overview and naive both retrieve them), and for the
    overview the evidence it chose, so the stage that lost the answer can be named.
    """
    counts: dict[str, int] = {}
    for r in records:
        a = r[arm]
        if a["contains"]:
            continue
        reason = miss_reason(a, arm)
        a["miss_reason"] = reason
        counts[reason] = counts.get(reason, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def miss_reason(a: dict, arm: str) -> str:
    if arm == "naive":
        if a.get("error") and a["abstained"]:
            return "model failed (prompt too long even with one passage)"
        if a["abstained"]:
            return "model wrote nothing"
        return "model's answer lacks the gold answer"
    in_passages, in_evidence = a.get("answer_in_passages"), a.get("answer_in_evidence")
    if a["abstained"]:
        return "abstained although the answer was in the evidence" if in_evidence else (
            "abstained; answer in the passages but not the evidence" if in_passages else
            "abstained; answer not in the top passages")
    if not in_passages:
        return "retrieval: answer not in the top passages"
    if not in_evidence:
        return "evidence selection missed the answer sentence"
    rank = a["answer_evidence_rank"]
    size = len(a["evidence"][rank - 1]["text"].split())
    if a["words"] + size > MAX_WORDS:
        return "word budget cut the answer sentence"
    if a["origins"] and a["origins"][0] == "generated":
        return "model's lead stood in for the answer sentence but left the answer out"
    return "answer sentence dropped by the three-point cap"


def effort_figures(records: list[dict], modes: list[str]) -> dict:
    figures: dict = {}
    if "links" not in modes:
        return figures
    links = [r["links"]["effort_words"] for r in records]
    for arm in ANSWER_ARMS:
        if arm not in modes:
            continue
        words = [r[arm]["effort_words"] for r in records]
        figures[f"{arm}_fewer_words_share"] = share(o < l for o, l in zip(words, links))
        figures[f"links_fewer_words_than_{arm}_share"] = share(l < o for o, l in zip(words, links))
        figures[f"{arm}_median_effort_words"] = median(words)
    figures["links_median_effort_words"] = median(links)
    return figures


def timing_figures(records: list[dict], mode: str) -> dict:
    if mode == "links":
        rows = [{"links_ms": r["links"]["links_ms"]} for r in records]
    else:
        rows = [r[mode]["timings"] for r in records]
    out = {}
    for key in ("links_ms", "first_token_ms", "total_ms"):
        values = [row.get(key) for row in rows if row.get(key) is not None]
        if values:
            out[key] = {"p50": percentile(values, 50), "p95": percentile(values, 95)}
    return out


# -- writing --------------------------------------------------------------------------------------

def finite(value):
    """JSON has no infinity: "never reached the answer" is written as null."""
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def write_report(report: dict, out: Path) -> list[Path]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(finite(report), ensure_ascii=False, indent=1), encoding="utf-8")
    paths[1].write_text(markdown(report), encoding="utf-8")
    from .plots import plot_all

    paths += plot_all(report, out)
    return paths


def _fmt(value, pct: bool = False) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    if pct:
        return f"{value:.1%}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def markdown(report: dict) -> str:
    lines = [f"# Evaluation: {report['dataset']}", "",
             f"{report['n']} questions, index `{report['index']}`, seed {report.get('seed')}, "
             f"retriever {report['setup'].get('retriever')}, model {report['setup'].get('model')}.", ""]
    if report.get("command"):
        lines += [f"Command: `{report['command']}`", ""]
    if "links" in report:
        l = report["links"]
        lines += ["## Ten blue links", "", "| Recall@1 | Recall@5 | Recall@10 | all gold@10 | MRR@10 | nDCG@10 | answer@1 | "
                  "answer@5 | answer@10 |", "|---|---|---|---|---|---|---|---|---|",
                  "| " + " | ".join(_fmt(l.get(k)) for k in ("recall@1", "recall@5", "recall@10", "all_gold@10", "mrr@10",
                                                           "ndcg@10", "answer@1", "answer@5", "answer@10")) + " |", ""]
    arms = [a for a in ANSWER_ARMS if a in report]
    if arms:
        rows = [("answer containment", "answer_containment", True),
                ("… where the question does not name the answer (not \"X or Y?\")", "answer_containment_unnamed", True),
                ("… where the answer is in a passage read", "answer_containment_where_read", True),
                ("abstained, said so or folded where the answer is in a passage read", "not_answered_where_read", True),
                ("… where it is in none (the index cannot answer)", "not_answered_where_missing", True),
                ("citation precision", "citation_precision", True),
                ("citation recall", "citation_recall", True), ("supported sentences (own checker)", "supported_rate", True),
                ("abstention rate", "abstention_rate", True),
                ("abstained with the answer in the evidence", "abstained_with_answer_in_evidence", False),
                ("median words", "median_words", False), ("within 80 words", "share_within_80_words", True),
                ("short answer: EM", "exact_match", False), ("short answer: F1", "f1", False),
                ("questions with a short answer", "short_answer_share", True),
                ("leads written by the model (accepted by the checker)", "generated_lead_share", True),
                ("… such a lead holds the answer", "generated_lead_contains", True),
                ("… a quoted lead holds the answer", "quoted_lead_contains", True),
                ("said what the sources cover instead of answering", "found_only_rate", True),
                ("cites a second-hop passage", "second_hop_cited_share", True)]
        if report.get("lang") == "ko":
            rows.append(("KorQuAD character F1 (whole text)", "char_f1", False))
        lines += ["## Answers", "", "| | " + " | ".join(arms) + " |", "|---|" + "---|" * len(arms)]
        lines += [f"| {label} | " + " | ".join(_fmt(report[a].get(key), pct) for a in arms) + " |"
                  for label, key, pct in rows]
        lines.append("")
        for arm in arms:
            if report[arm]["misses"]:
                lines += [f"Why the {arm} missed the answer ({sum(report[arm]['misses'].values())} questions):", ""]
                lines += [f"- {reason}: {count}" for reason, count in report[arm]["misses"].items()]
                lines.append("")
    lines += confidence_markdown(report.get("overview", {}).get("confidence"))
    e = report.get("effort", {})
    if e:
        lines += ["## Reading effort (words read to reach the answer; ∞ when never)", "",
                  "| | median words | reaches the answer in fewer words than the links |", "|---|---|---|",
                  f"| links | {_fmt(e.get('links_median_effort_words'))} | – |"]
        lines += [f"| {a} | {_fmt(e.get(f'{a}_median_effort_words'))} | {_fmt(e.get(f'{a}_fewer_words_share'), True)} |"
                  for a in arms]
        lines.append("")
    lines += _parts_markdown(report.get("parts"))
    lines += ["## Timings (ms)", "", "| mode | links p50 | links p95 | first token p50 | first token p95 | total p50 | total p95 |",
              "|---|---|---|---|---|---|---|"]
    for mode, t in report["timings"].items():
        cells = [_fmt(t.get(k, {}).get(p)) for k in ("links_ms", "first_token_ms", "total_ms") for p in ("p50", "p95")]
        lines.append(f"| {mode} | " + " | ".join(cells) + " |")
    lines += ["", "Plots: answer_at_k.png, effort.png, latency.png, risk_coverage.png. Per-question records: report.json."]
    return "\n".join(lines) + "\n"


def _parts_markdown(parts: dict | None) -> list[str]:
    if not parts:
        return []
    lines: list[str] = []
    keys = ["n", "recall@10", "all_gold@10", "answer_containment", "answer_containment_unnamed", "citation_precision",
            "median_words",
            "overview_fewer_words_share", "links_fewer_words_than_overview_share", "open_coverage",
            "open_containment"]
    lines += ["## By part of the ranker's split (heldout: never fitted on)", "",
              "| part | " + " | ".join(keys) + " |", "|---|" + "---|" * len(keys)]
    lines += [f"| {name} | " + " | ".join(_fmt(f.get(k)) for k in keys) + " |" for name, f in parts.items()]
    lines.append("")
    return lines
