"""HTML for the two panes, the evaluator and the status line. Pure functions: values in, markup out.

Nothing a source contains may run in the page. Every string that came from a document, the model or
the user goes through html.escape (quotes included, so it is safe inside attributes too), and only
http, https and file URLs become links; anything else (javascript:, data:, vbscript:, ...) is shown
as text. The markup is built with f-strings rather than a template engine: there are five small
fragments, and escaping each value at the one place it is inserted is easy to check by eye.
"""

from __future__ import annotations

import re
from html import escape
from urllib.parse import urlsplit

from rag.messages import bilingual, both
from rag.messages import message as m
from rag.schema import Link, Overview
from rag.text import lang_of

SAFE_SCHEMES = frozenset({"http", "https", "file"})
BOLD = re.compile(r"\*\*(.+?)\*\*")  # Link.snippet marks query terms as **term**


# -- safety -----------------------------------------------------------------------------------------

def e(value) -> str:
    return escape(str(value), quote=True)


def safe_url(url: str) -> str | None:
    """The URL if a browser may follow it from our page (http, https, file), else None."""
    url = (url or "").strip()
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in SAFE_SCHEMES else None


def anchor(url: str, text: str, cls: str) -> str:
    """A link when the URL is safe; otherwise the same text in a span, never an href."""
    href = safe_url(url)
    if href is None:
        return f'<span class="{cls}">{e(text)}</span>'
    return f'<a class="{cls}" href="{e(href)}" target="_blank" rel="noopener noreferrer">{e(text)}</a>'


def site(url: str, lang: str = "en") -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme == "file":
        return m("local_file", lang)
    return parts.hostname or (url or "")


def url_line(url: str) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme in ("http", "https") and parts.hostname:
        path = " › ".join(p for p in parts.path.split("/") if p)
        return f"{parts.hostname} › {path}" if path else parts.hostname
    return url or ""


def bold_terms(snippet: str) -> str:
    """Escape first, then turn **term** into <b>term</b>: the only markup a snippet can carry."""
    return BOLD.sub(r"<b>\1</b>", e(snippet))


# -- figures --------------------------------------------------------------------------------------------

def words(text: str) -> int:
    return len(text.replace("**", "").split())


def overview_words(ov: Overview) -> int:
    return sum(words(s.text) for s in ov.sentences)


def links_reading(links: list[Link], ov: Overview) -> tuple[int, int | None]:
    """Snippet words a reader reads down to the first link holding the overview's cited evidence.

    Returns (words, rank of that link); rank is None when no link holds it, and the words are then
    all the snippets on the page.
    """
    cited_docs = {s.doc_id for s in ov.sources if s.doc_id}
    cited_urls = {s.url for s in ov.sources}
    total = 0
    for link in links:
        total += words(link.snippet)
        if (link.doc_id and link.doc_id in cited_docs) or link.url in cited_urls:
            return total, link.rank
    return total, None


def duration(ms: float | None) -> str:
    if ms is None:
        return "—"
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.1f} s"


# -- the links pane -------------------------------------------------------------------------------------

def links_html(links: list[Link], notices: list[str] = (), heading: str | None = None, lang: str = "en") -> str:
    heading = m("links", lang) if heading is None else heading
    head = f"<h3>{e(heading)}</h3>" if heading else ""
    if not links:
        return f'<div class="rag-pane">{head}<p>{e(m("no_results", lang))}</p>{_notices(notices, lang)}</div>'
    items = "".join(
        f'<div class="rag-link"><div class="rag-rank">{link.rank}</div><div>'
        f'{anchor(link.url, link.title or link.url, "rag-link-title")}'
        f'<div class="rag-url">{e(url_line(link.url))}</div>'
        f'<div class="rag-snippet">{bold_terms(link.snippet)}</div></div></div>'
        for link in links)
    return f'<div class="rag-pane rag-links">{head}{items}{_notices(notices, lang)}</div>'


def links_stats(count: int, links_ms: float, lang: str = "en") -> str:
    return f'<div class="rag-stats">{e(m("links_stats", lang, count=count, time=duration(links_ms)))}</div>'


def reading_stats(links: list[Link], ov: Overview) -> str:
    n, rank = links_reading(links, ov)
    lang = lang_of(ov.query)
    if ov.abstained or not ov.sources:
        text = m("read_none", lang, n=n, count=len(links))
    elif rank is None:
        text = m("read_missing", lang, n=n, count=len(links))
    else:
        text = m("read_to", lang, n=n, rank=rank)
    return f'<div class="rag-stats">{e(text)}</div>'


# -- the overview pane ----------------------------------------------------------------------------------

def chip(n: int, prefix: str, title: str = "", lang: str = "en") -> str:
    label = m("source_n", lang, n=n) + (f": {title}" if title else "")
    return f'<a class="rag-chip" href="#{prefix}-src-{n}" title="{e(label)}">{n}</a>'


def overview_html(ov: Overview, prefix: str = "ov", heading: str | None = None) -> str:
    """Lead answer, supporting points, then source cards; chips link to the cards by id. The labels
    are in the question's language."""
    lang = lang_of(ov.query)
    heading = m("overview", lang) if heading is None else heading
    head = f"<h3>{e(heading)}</h3>" if heading else ""
    if ov.abstained:
        body = (f'<div class="rag-abstain"><b>{e(m("no_answer", lang))}</b> '
                f'{e(ov.sentences[0].text if ov.sentences else "")} {e(m("links_still", lang))}</div>')
        return f'<div class="rag-pane rag-overview">{head}{body}{_notices(ov.notices, lang)}</div>'
    titles = {s.n: s.title for s in ov.sources}

    def sentence(s) -> str:
        chips = "".join(chip(n, prefix, titles.get(n, ""), lang) for n in s.citations)
        cls = f' class="rag-quoted" title="{e(m("quoted", lang))}"' if s.origin == "quoted" else ""
        return f"<span{cls}>{e(s.text)}</span>{chips}"

    lead, points = ov.sentences[0], ov.sentences[1:]
    parts = [f'<p class="rag-short"><b>{e(ov.short_answer.text)}</b>'
             f'{chip(ov.short_answer.citation, prefix, titles.get(ov.short_answer.citation, ""), lang)}</p>']\
        if ov.short_answer else []
    parts.append(f'<p class="rag-lead">{sentence(lead)}</p>')
    if points:
        parts.append('<ul class="rag-points">' + "".join(f"<li>{sentence(s)}</li>" for s in points) + "</ul>")
    parts.append(sources_html(ov, prefix, lang))
    body = "".join(parts)
    if ov.collapsed:  # the confidence is under the app's threshold: one click opens it
        sure = m("confidence", lang, percent=round(100 * (ov.confidence or 0)))
        body = (f'<details class="rag-collapsed"><summary>{e(m("links_better", lang))} '
                f'<span class="rag-confidence">({e(sure)})</span></summary>{body}</details>')
    return f'<div class="rag-pane rag-overview">{head}{body}{_notices(ov.notices, lang)}</div>'


def sources_html(ov: Overview, prefix: str, lang: str = "en") -> str:
    cards = "".join(
        f'<div class="rag-source" id="{prefix}-src-{s.n}"><span class="rag-n">{s.n}</span>'
        f'{anchor(s.url, s.title or s.url, "rag-source-title")} <span class="rag-site">{e(site(s.url, lang))}</span>'
        f'<blockquote>{e(s.quote)}</blockquote></div>'
        for s in ov.sources)
    return f'<div class="rag-sources">{cards}</div>'


def draft_html(draft: str, heading: str | None = None, lang: str = "en") -> str:
    heading = m("overview", lang) if heading is None else heading
    head = f"<h3>{e(heading)}</h3>" if heading else ""
    return (f'<div class="rag-pane rag-draft">{head}<div class="rag-badge">{e(m("draft", lang))}</div>'
            f'<p>{e(draft)}</p></div>')


def waiting_html(message: str, heading: str | None = None, lang: str = "en") -> str:
    heading = m("overview", lang) if heading is None else heading
    head = f"<h3>{e(heading)}</h3>" if heading else ""
    return f'<div class="rag-pane">{head}<div class="rag-badge">{e(message)}</div></div>'


def overview_stats(ov: Overview) -> str:
    t, lang = ov.timings, lang_of(ov.query)
    first = m("first_token", lang, time=duration(t.first_token_ms)) if t.first_token_ms is not None else ""
    text = m("overview_stats", lang, links=duration(t.links_ms), first=first, total=duration(t.total_ms),
             words=overview_words(ov))
    return f'<div class="rag-stats">{e(text)}</div>'


def error_html(message: str) -> str:
    return f'<div class="rag-error" role="alert">{e(message)}</div>'


def _notices(notices, lang: str = "en") -> str:
    return "".join(f'<div class="rag-notice">{e(m("note", lang))}: {e(n)}</div>' for n in notices)


# -- the thread -----------------------------------------------------------------------------------------

def turn_html(turn: int, question: str, resolved: str, overview: str, links: str) -> str:
    """One finished turn: its question, what was searched, its overview beside its own links."""
    searched = f'<div class="rag-turn-searched">{e(both("searched_for"))}: {e(resolved)}</div>' \
        if resolved != question else ""
    return (f'<div class="rag-turn" data-turn="{turn}"><div class="rag-turn-q">{e(question)}</div>{searched}'
            f'<div class="rag-turn-panes"><div>{overview}</div><div>{links}</div></div></div>')


def feedback_html(fb) -> str:
    """The answers' thumbs up/down (ui.votes.FeedbackSummary) under the Evaluate tab's summary; "" when none."""
    if not fb.n:
        return ""
    h = fb.helpful
    counts = both("answer_feedback", n=fb.n, up=h.k, down=fb.n - h.k, helpful=f"{h.value:.0%}")
    reasons = "".join(f"<li>{'👍' if rating == 'up' else '👎'} “{e(q)}”: {e(r)}</li>" for rating, q, r in fb.reasons)
    return (f'<div class="rag-summary rag-feedback-summary"><p><b>{e(counts)}</b> '
            f'<span class="rag-stats">(95% CI {h.low:.0%}–{h.high:.0%})</span></p>'
            f'{"<ul>" + reasons + "</ul>" if reasons else ""}</div>')


# -- evaluator ------------------------------------------------------------------------------------------

def question_html(text: str, position: int, total: int, answers=()) -> str:
    """The question on screen, its number and its reference answers, in the question's language."""
    lang = lang_of(text)
    ref = f'<div class="rag-stats">{e(m("reference_answer", lang))}: {e(" / ".join(answers))}</div>' if answers else ""
    return (f'<div class="rag-stats">{e(m("question_n", lang, position=position, total=total))}</div>'
            f'<div class="rag-question">{e(text)}</div>{ref}')


def summary_html(summary) -> str:
    """The evaluator summary: win rates and correct rates, each with its 95% Wilson interval."""
    if not summary.votes:
        return f'<div class="rag-summary">{e(both("no_votes"))}</div>'

    def rate(r) -> str:
        if r.value is None:
            return "—"
        return f"{r.value:.0%} <span class=\"rag-stats\">(95% CI {r.low:.0%}–{r.high:.0%}; {r.k}/{r.n})</span>"

    rows = [(label, rate(r)) for label, r in summary.rates()]
    rows.append((both("median_decision"), f"{summary.median_decision_s:.1f} s"))
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    count = bilingual(lambda lang: m("vote_count", lang, n=summary.votes) +
                      m("from_evaluators", lang, n=summary.evaluators))
    return (f'<div class="rag-summary"><p class="rag-vote-count"><b>{e(count)}</b></p>'
            f"<table>{body}</table></div>")


def votes_html(rows: list[dict], everyone: bool, total: int) -> str:
    """A signed-in user's own votes (everyone's, with names and comments, for an admin), newest first.
    The winner is shown decoded: once voted, which pane was the overview is no longer a secret.
    The preferred and correct cells hold the stored values (overview, links, tie, neither), as the CSV does."""
    title = both("all_votes" if everyone else "your_votes")
    if not rows:
        return f'<div class="rag-summary" id="votes-list"><p><b>{e(title)}</b>: {e(both("none_yet"))}</p></div>'
    head = ["col_when", *(["col_evaluator"] if everyone else []), "col_question", "col_preferred", "col_correct",
            "col_comment"]
    body = []
    for r in reversed(rows):
        correct = ", ".join(mode for mode in ("overview", "links") if r[f"{mode}_correct"]) or "neither"
        cells = [r["created"].replace("T", " ").rstrip("Z"), *([r["evaluator"]] if everyone else []), r["question"],
                 r["winner"], correct, r["comment"]]
        body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    shown = f" ({both('latest_of', shown=len(rows), total=total)})" if total > len(rows) else ""
    return (f'<div class="rag-summary" id="votes-list"><p><b>{e(title)}</b>{e(shown)}</p><table><tr>'
            + "".join(f"<th>{e(both(h))}</th>" for h in head) + "</tr>" + "".join(body) + "</table></div>")
