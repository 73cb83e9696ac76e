"""The typed values that cross module boundaries. Third-party objects never leave their module."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    id: str  # stable: same corpus, same id
    title: str
    url: str
    text: str
    meta: dict = field(default_factory=dict)  # e.g. {"paragraph": 3, "article": "..."} for SQuAD


@dataclass(frozen=True)
class Chunk:
    id: int  # row in the index (FAISS id == BM25 id == position in chunks.jsonl)
    doc_id: str
    text: str  # the passage itself (the title is added only for indexing)
    start: int  # character offset in the document text


@dataclass(frozen=True)
class Hit:
    """One retrieved chunk with its fused score."""

    chunk: Chunk
    score: float


@dataclass(frozen=True)
class Passage:
    """A chunk the overview reads: from the first retrieval, or brought in by a bridge entity (rag.retrieve.hop)."""

    hit: Hit
    rank: int  # position in the reading list (first hop first)
    hop: int = 1
    bridge: str = ""  # the name in a first-hop passage that led to it (hop 2)


@dataclass(frozen=True)
class Link:
    """One of the ten blue links: a document, not a chunk."""

    rank: int
    title: str
    url: str
    snippet: str  # plain text, query terms wrapped in ** **
    score: float
    doc_id: str = ""
    kind: str = "page"  # "page" | "snippet" (web mode: only the search engine's snippet)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Evidence:
    """A sentence taken from a retrieved passage, scored against the query."""

    text: str
    doc_id: str
    title: str
    url: str
    score: float  # cosine of query and sentence: what "no answer here" is judged on
    chunk_id: int = -1
    relevance: float = 0.0  # the fitted ranker's probability that the sentence holds the answer (rag.answer.ranker)
    hop: int = 1  # 2: from a passage a bridge entity brought in
    bridge: str = ""  # hop 2: the bridge name; hop 1: a bridge name the sentence mentions, if any
    position: int = -1  # its place among its passage's citable sentences (-1: unknown)


@dataclass(frozen=True)
class Source:
    """A source shown under the overview; sentences cite it by n (1-based)."""

    n: int
    title: str
    url: str
    quote: str  # the evidence sentence the overview relies on
    doc_id: str = ""
    kind: str = "page"

    def to_dict(self) -> dict:
        return {"n": self.n, "title": self.title, "url": self.url, "quote": self.quote, "kind": self.kind}


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[int, ...]
    # how the sentence got here: "generated" (model wrote it and it passed the check),
    # "quoted" (a failed or missing model sentence replaced by the evidence itself), "abstain"
    origin: str = "generated"
    support: float = 0.0  # the checker's score against the cited source

    def to_dict(self) -> dict:
        return {"text": self.text, "citations": list(self.citations), "origin": self.origin,
                "support": round(self.support, 3)}


@dataclass(frozen=True)
class ShortAnswer:
    """A verbatim span of a cited source answering the question in a few words (rag.answer.short)."""

    text: str
    citation: int  # the source number it was cut from

    def to_dict(self) -> dict:
        return {"text": self.text, "citation": self.citation}


@dataclass(frozen=True)
class Timings:
    links_ms: float = 0.0
    first_token_ms: float | None = None
    total_ms: float = 0.0

    def to_dict(self) -> dict:
        r = lambda v: None if v is None else round(v, 1)  # noqa: E731
        return {"links_ms": r(self.links_ms), "first_token_ms": r(self.first_token_ms),
                "total_ms": r(self.total_ms)}


@dataclass(frozen=True)
class SearchPage:
    query: str
    links: list[Link]
    timings: Timings
    notices: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)  # the fused chunk ranking behind the links

    def to_dict(self) -> dict:
        return {"query": self.query, "links": [l.to_dict() for l in self.links],
                "timings": self.timings.to_dict(), "notices": list(self.notices)}


@dataclass(frozen=True)
class Overview:
    query: str
    sentences: list[Sentence]
    sources: list[Source]
    links: list[Link]
    timings: Timings
    abstained: bool = False
    draft: str = ""  # what the model wrote before checking
    evidence: list[Evidence] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)  # what the overview read (both hops)
    decision: str = ""  # rag.answer.overview.Decision.kind: abstain | compared | found_only | compose
    # P(the overview holds the answer), calibrated (rag.answer.confidence); None when abstained or uncalibrated
    confidence: float | None = None
    collapsed: bool = False  # confidence under the app's threshold: shown folded under "the links may answer…"
    short_answer: ShortAnswer | None = None  # shown in bold above the lead
    signals: dict | None = None  # what the confidence read (rag.answer.confidence.signals); not in to_dict

    @property
    def text(self) -> str:
        """The overview as one string, citations written as [n]."""
        return " ".join(_cited(s) for s in self.sentences)

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "links": [l.to_dict() for l in self.links],
            "overview": {
                "text": self.text,
                "sentences": [s.to_dict() for s in self.sentences],
                "sources": [s.to_dict() for s in self.sources],
                "abstained": self.abstained,
                "short_answer": self.short_answer.to_dict() if self.short_answer else None,
                "confidence": self.confidence,
                "collapsed": self.collapsed,
            },
            "timings": self.timings.to_dict(),
            "notices": list(self.notices),
        }


def _cited(s: Sentence) -> str:
    marks = "".join(f"[{n}]" for n in s.citations)
    return f"{s.text} {marks}".strip()


# Events yielded by Assistant.stream(), in this order: one LinksEvent, zero or more TokenEvents,
# one DraftEvent per finished draft sentence (unchecked), then one FinalEvent.
@dataclass(frozen=True)
class LinksEvent:
    page: SearchPage


@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class FinalEvent:
    overview: Overview


def final_overview(events):
    """Run a stream of events to its end; the overview of its FinalEvent (None if it had none)."""
    final = None
    for event in events:
        if isinstance(event, FinalEvent):
            final = event.overview
    return final
