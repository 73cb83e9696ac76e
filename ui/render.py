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

from rag.messages import message as m
from rag.schema import Link, Overview
from rag.text import lang_of

SAFE_SCHEMES = frozenset({"http", "https", "file"})
BOLD = re.compile(r"\*\*(.+?)\*\*")  # Link.snippet marks query terms as **term**

# Fonts that hold Hangul, so Korean renders wherever the system has one (Noto CJK on Linux, Apple SD
# Gothic Neo on macOS, Malgun Gothic on Windows), after the system UI fonts the theme names.
KOREAN_FONTS = ('"Noto Sans KR", "Noto Sans CJK KR", "Apple SD Gothic Neo", "Malgun Gothic", '
                '"Nanum Gothic", "NanumGothic", "UnDotum"')
FONT_STACK = f"ui-sans-serif, system-ui, -apple-system, \"Segoe UI\", Roboto, {KOREAN_FONTS}, sans-serif"

CSS = f"""
body, .gradio-container, .rag-pane, .rag-question, input, textarea {{ font-family: {FONT_STACK}; }}
.rag-pane h3 {{ margin: 0 0 .5rem; font-size: 1.05rem; }}
.rag-lead {{ font-size: 1.12rem; line-height: 1.55; margin: 0 0 .6rem; }}
.rag-points {{ margin: 0 0 .8rem 1.1rem; padding: 0; line-height: 1.5; }}
.rag-points li {{ margin: .25rem 0; }}
.rag-quoted {{ font-style: italic; }}
.rag-chip {{ display: inline-block; min-width: 1.3em; padding: 0 .35em; margin-left: .15em; border-radius: .7em;
  background: #e8f0fe; color: #1a56c4 !important; font-size: .78em; font-style: normal; text-align: center;
  text-decoration: none !important; vertical-align: .12em; line-height: 1.45; }}
.rag-chip:hover {{ background: #1a56c4; color: #fff !important; }}
.rag-sources {{ display: grid; gap: .5rem; margin-top: .6rem; }}
.rag-source {{ border: 1px solid #dadce0; border-radius: .6rem; padding: .5rem .7rem; scroll-margin-top: 4rem; }}
.rag-source:target {{ border-color: #1a56c4; box-shadow: 0 0 0 2px #1a56c455; }}
.rag-source .rag-n {{ font-weight: 600; margin-right: .35rem; color: #1a56c4; }}
.rag-site {{ color: #5f6368; font-size: .85em; }}
.rag-source blockquote {{ margin: .3rem 0 0; padding-left: .6rem; border-left: 3px solid #dadce0; color: #3c4043; }}
.rag-abstain {{ padding: .7rem .9rem; border-radius: .6rem; background: #fef7e0; border: 1px solid #f9e2a6; }}
.rag-draft {{ color: #5f6368; }}
.rag-badge {{ display: inline-block; font-size: .75rem; padding: .05rem .5rem; border-radius: .6rem;
  background: #f1f3f4; color: #5f6368; margin-bottom: .4rem; }}
.rag-notice {{ font-size: .88rem; color: #8a5300; margin-top: .5rem; }}
.rag-error {{ padding: .7rem .9rem; border-radius: .6rem; background: #fce8e6; border: 1px solid #f4c7c3;
  color: #a50e0e; }}
.rag-link {{ display: flex; gap: .7rem; margin-bottom: 1.1rem; }}
.rag-rank {{ color: #70757a; min-width: 1.4rem; text-align: right; font-size: .85rem; padding-top: .2rem; }}
.rag-url {{ color: #202124; font-size: .82rem; overflow-wrap: anywhere; }}
a.rag-link-title {{ color: #1a0dab !important; font-size: 1.08rem; text-decoration: none; }}
a.rag-link-title:hover {{ text-decoration: underline; }}
.rag-link-title {{ font-size: 1.08rem; }}
.rag-snippet {{ color: #4d5156; font-size: .92rem; line-height: 1.45; }}
.rag-stats {{ color: #70757a; font-size: .82rem; }}
.rag-question {{ font-size: 1.15rem; font-weight: 600; }}
.rag-summary table {{ border-collapse: collapse; }}
.rag-summary td, .rag-summary th {{ padding: .25rem .7rem; border-bottom: 1px solid #eee; text-align: left; }}
"""


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


def site(url: str) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme == "file":
        return "local file"
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
    parts = [f'<p class="rag-lead">{sentence(lead)}</p>']
    if points:
        parts.append('<ul class="rag-points">' + "".join(f"<li>{sentence(s)}</li>" for s in points) + "</ul>")
    parts.append(sources_html(ov, prefix))
    return f'<div class="rag-pane rag-overview">{head}{"".join(parts)}{_notices(ov.notices, lang)}</div>'


def sources_html(ov: Overview, prefix: str) -> str:
    cards = "".join(
        f'<div class="rag-source" id="{prefix}-src-{s.n}"><span class="rag-n">{s.n}</span>'
        f'{anchor(s.url, s.title or s.url, "rag-source-title")} <span class="rag-site">{e(site(s.url))}</span>'
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


# -- evaluator ------------------------------------------------------------------------------------------

def question_html(text: str, position: int, total: int, answers=()) -> str:
    ref = f'<div class="rag-stats">Reference answer: {e(" / ".join(answers))}</div>' if answers else ""
    return (f'<div class="rag-stats">Question {position} of {total}</div>'
            f'<div class="rag-question">{e(text)}</div>{ref}')


def summary_html(summary) -> str:
    """The evaluator summary: win rates and correct rates, each with its 95% Wilson interval."""
    if not summary.votes:
        return '<div class="rag-summary">No votes yet.</div>'

    def rate(r) -> str:
        if r.value is None:
            return "—"
        return f"{r.value:.0%} <span class=\"rag-stats\">(95% CI {r.low:.0%}–{r.high:.0%}; {r.k}/{r.n})</span>"

    rows = [(label, rate(r)) for label, r in summary.rates()]
    rows.append(("Median decision time", f"{summary.median_decision_s:.1f} s"))
    body = "".join(f"<tr><th>{e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    plural = "s" if summary.votes != 1 else ""
    people = f" from {summary.evaluators} evaluator{'s' if summary.evaluators != 1 else ''}"
    return (f'<div class="rag-summary"><p class="rag-vote-count"><b>{summary.votes} vote{plural}</b>{people}</p>'
            f"<table>{body}</table></div>")


def votes_html(rows: list[dict], everyone: bool, total: int) -> str:
    """A signed-in user's own votes (everyone's, with names and comments, for an admin), newest first.
    The winner is shown decoded: once voted, which pane was the overview is no longer a secret."""
    title = "All votes" if everyone else "Your votes"
    if not rows:
        return f'<div class="rag-summary" id="votes-list"><p><b>{title}</b>: none yet.</p></div>'
    head = ["When (UTC)", *(["Evaluator"] if everyone else []), "Question", "Preferred", "Correct", "Comment"]
    body = []
    for r in reversed(rows):
        correct = ", ".join(m for m in ("overview", "links") if r[f"{m}_correct"]) or "neither"
        cells = [r["created"].replace("T", " ").rstrip("Z"), *([r["evaluator"]] if everyone else []), r["question"],
                 r["winner"], correct, r["comment"]]
        body.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
    shown = f" (latest {len(rows)} of {total})" if total > len(rows) else ""
    return (f'<div class="rag-summary" id="votes-list"><p><b>{title}</b>{shown}</p><table><tr>'
            + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>" + "".join(body) + "</table></div>")
