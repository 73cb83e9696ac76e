"""The panes' HTML: escaping, safe links, chips that point at source cards, reading figures."""

from html.parser import HTMLParser

import pytest

from rag.schema import Link, Overview, Sentence, Source, Timings
from ui import render

HOSTILE_TITLE = '<script>alert(1)</script><img src=x onerror="alert(2)"> Title'
HOSTILE_TEXT = 'Text with <script>alert(3)</script> and <img src=x onerror=alert(4)> and "quotes" & amps'
JS_URL = "javascript:alert(5)"


class Tags(HTMLParser):
    """Every element and attribute the browser would build from the markup."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def names(self) -> set[str]:
        return {t for t, _ in self.tags}

    def attrs(self) -> list[str]:
        return [a for _, attrs in self.tags for a in attrs]

    def hrefs(self) -> list[str]:
        return [attrs["href"] for t, attrs in self.tags if t == "a"]


def link(rank=1, title="Mona Lisa", url="https://en.wikipedia.org/wiki/Mona_Lisa", snippet="The **Mona Lisa**",
         doc_id="t:0") -> Link:
    return Link(rank=rank, title=title, url=url, snippet=snippet, score=1.0, doc_id=doc_id)


def overview(sources, sentences=None, abstained=False, links=()) -> Overview:
    sentences = sentences or [Sentence("Lead sentence.", (1,)), Sentence("A point.", (1, 2), "quoted")]
    return Overview(query="q", sentences=sentences, sources=sources, links=list(links), abstained=abstained,
                    timings=Timings(links_ms=12.0, first_token_ms=850.0, total_ms=2300.0))


def assert_inert(html: str):
    tags = Tags(html)
    assert not tags.names() & {"script", "img", "iframe", "object", "embed", "svg"}
    assert not [a for a in tags.attrs() if a.startswith("on")]
    assert all(h.split(":", 1)[0].lower() in ("http", "https", "file") or h.startswith("#") for h in tags.hrefs())


def test_hostile_link_renders_as_text():
    html = render.links_html([link(title=HOSTILE_TITLE, url=JS_URL, snippet=HOSTILE_TEXT + " **bold**")])
    assert_inert(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
    assert "<b>bold</b>" in html  # the one piece of markup a snippet carries
    assert 'href="javascript' not in html and JS_URL in html  # the URL is shown, not linked


def test_hostile_overview_renders_as_text():
    src = [Source(1, HOSTILE_TITLE, JS_URL, HOSTILE_TEXT, doc_id="x"), Source(2, "B", "data:text/html,<b>", "q")]
    ov = overview(src, [Sentence(HOSTILE_TEXT, (1, 2))], links=[link()])
    for html in (render.overview_html(ov), render.draft_html(HOSTILE_TEXT), render.error_html(HOSTILE_TEXT),
                 render.question_html(HOSTILE_TEXT, 1, 2, (HOSTILE_TITLE,))):
        assert_inert(html)
        assert "&lt;img src=x onerror" in html


@pytest.mark.parametrize("url, linked", [
    ("https://example.org/a?b=1&c=2", True), ("http://example.org", True), ("file:///home/me/notes.md", True),
    ("HTTPS://EXAMPLE.ORG", True), ("javascript:alert(1)", False), (" javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False), ("java\tscript:alert(1)", False), ("data:text/html,x", False),
    ("vbscript:x", False), ("//evil.example/x", False), ("", False),
])
def test_only_http_https_file_become_links(url, linked):
    assert (render.safe_url(url) is not None) == linked
    html = render.anchor(url, "t", "c")
    assert html.startswith("<a ") == linked
    assert_inert(html)


def test_attribute_values_cannot_break_out():
    html = render.anchor('https://x.org/"onmouseover="alert(1)', "t", "c")
    assert Tags(html).tags[0][1]["href"] == 'https://x.org/"onmouseover="alert(1)'
    assert_inert(html)


def test_chips_point_at_source_cards_with_matching_ids():
    src = [Source(1, "Mona Lisa", "https://a.org/1", "quote one"), Source(2, "Leonardo", "https://b.org/2", "q2")]
    html = render.overview_html(overview(src), prefix="ov")
    tags = Tags(html)
    chips = [a["href"] for t, a in tags.tags if t == "a" and a.get("class") == "rag-chip"]
    cards = [a["id"] for t, a in tags.tags if a.get("class") == "rag-source"]
    assert chips == ["#ov-src-1", "#ov-src-1", "#ov-src-2"]
    assert cards == ["ov-src-1", "ov-src-2"]
    assert '<p class="rag-lead">' in html and '<ul class="rag-points">' in html  # lead, then points
    assert "quote one" in html and "a.org" in html


def test_abstention_says_so_plainly():
    ov = overview([], [Sentence("The sources found do not answer this question.", (), "abstain")], abstained=True)
    html = render.overview_html(ov)
    assert "No answer." in html and "do not answer" in html and "rag-chip" not in html


def test_reading_words_stop_at_the_first_link_with_cited_evidence():
    links = [link(1, snippet="one two three", doc_id="a"), link(2, snippet="**four** five", doc_id="b"),
             link(3, snippet="six", doc_id="c")]
    ov = overview([Source(1, "B", "https://b.org", "q", doc_id="b")])
    assert render.links_reading(links, ov) == (5, 2)
    assert "5 snippet words, down to result 2" in render.reading_stats(links, ov)
    none = overview([Source(1, "Z", "https://z.org", "q", doc_id="z")])
    assert render.links_reading(links, none) == (6, None)
    assert render.overview_words(ov) == 4  # "Lead sentence." + "A point."


def test_timings_are_shown_under_the_overview():
    stats = render.overview_stats(overview([Source(1, "B", "https://b.org", "q")]))
    assert "Links 12 ms" in stats and "first token 850 ms" in stats and "total 2.3 s" in stats


def test_a_low_confidence_overview_is_folded_under_the_links_may_answer_better():
    from dataclasses import replace

    from rag.schema import ShortAnswer

    sources = [Source(n=1, title="Mona Lisa", url="https://x.org/m", quote="q", doc_id="m")]
    folded = render.overview_html(replace(overview(sources), confidence=0.23, collapsed=True))
    assert '<details class="rag-collapsed">' in folded and "The links may answer this better" in folded
    assert "confidence 23%" in folded and "Lead sentence." in folded
    assert_inert(folded)
    shown = render.overview_html(replace(overview(sources), confidence=0.9,
                                         short_answer=ShortAnswer("Leonardo da Vinci", 1)))
    assert "<details" not in shown and '<p class="rag-short"><b>Leonardo da Vinci</b>' in shown
    assert shown.index("rag-short") < shown.index("rag-lead")
