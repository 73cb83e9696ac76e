"""`rag eval --votes [PATH]`: the app's blind votes as a Markdown table, and the answers' thumbs up/down.

The votes are the ones the app keeps (ui.votes.open_votes: PostgreSQL with --pg-url / RAG_PG_URL, else
<data_dir>/votes.sqlite3, or the SQLite file PATH), read without changing them, and summarised by the same
VoteStore.summary() the app's Evaluate tab shows: win and correct rates with 95% Wilson intervals, and the median
decision time.
"""

from __future__ import annotations

from pathlib import Path

from rag.settings import Settings
from ui.votes import VoteStore, open_votes


def votes_report(settings: Settings, path: Path | None = None) -> str:
    """`rag eval --votes`: the summary of the SQLite file at path, or of the store the settings name; read as it is."""
    return summarise_votes(open_votes(settings, path, create=False))


def summarise_votes(store: VoteStore) -> str:
    summary = store.summary()
    feedback = summarise_feedback(store)
    if not summary.votes:
        return f"{store.where}: no votes yet" + (f"\n\n{feedback}" if feedback else "")
    people = f"{summary.evaluators} evaluator{'s' if summary.evaluators != 1 else ''}"
    lines = [f"{summary.votes} vote{'s' if summary.votes != 1 else ''} from {people} in {store.where}", "",
             "| | rate | 95% CI | count |", "|---|---|---|---|"]
    lines += [f"| {label} | {r.value:.1%} | {r.low:.1%}–{r.high:.1%} | {r.k}/{r.n} |" for label, r in summary.rates()]
    lines += ["", f"median decision time {summary.median_decision_s:.1f} s"]
    if feedback:
        lines += ["", feedback]
    return "\n".join(lines)


def summarise_feedback(store: VoteStore) -> str:
    """Thumbs up/down given on the search page's answers, with the latest reasons ("" when none)."""
    fb = store.feedback_summary()
    if not fb.n:
        return ""
    h = fb.helpful
    lines = [f"answer feedback: {fb.n} rating{'s' if fb.n != 1 else ''}, {h.k} thumbs up / {fb.n - h.k} thumbs down "
             f"— helpful {h.value:.1%} (95% CI {h.low:.1%}–{h.high:.1%})"]
    lines += [f"- {'👍' if rating == 'up' else '👎'} “{question}”: {reason}" for rating, question, reason in fb.reasons]
    return "\n".join(lines)
