"""The Assistant: one retrieval, two answers — ten blue links and a checked, cited overview.

    Assistant.default()            the embedded default: vital corpus, bundled models
    a.search(query)  -> SearchPage ten blue links
    a.answer(query)  -> Overview   links plus the verified overview
    a.stream(query)  -> events     LinksEvent, TokenEvent..., FinalEvent
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace

from .citations import attribute, strip_citations
from .embedding import Embedder
from .errors import BadQuery, IndexNotFound, RagError
from .evidence import select_evidence, split_sentences
from .generation import Generator, answer_messages, make_generator
from .index import Index, load_index
from .retrieval import blue_links, make_retriever
from .schema import (Evidence, FinalEvent, LinksEvent, Overview, SearchPage, Sentence, Source, Timings,
                     TokenEvent)
from .settings import Settings
from .web.mode import WEB  # the index name that selects web mode

log = logging.getLogger(__name__)

ABSTAIN_TEXT = "The sources found do not answer this question."
MAX_WORDS = 80  # the overview's budget: a lead sentence and up to three supporting points
MAX_SUPPORT = 3
# The end of a first sentence of at least four words, citation marks included: "… Vinci [1]. "
SENTENCE_END = re.compile(r"^\s*\S+(\s+\S+){3,}?[^\s.]{2,}(\s*\[\d+(,\s*\d+)*\])*[.!?](\s*\[\d+(,\s*\d+)*\])*\s")
# A supporting point must be nearly as relevant as the best evidence. Measured on 150 SQuAD-open
# questions (extractive overviews): any point within the budget gave answer containment 0.86 but
# citation precision 0.55 and 67 words, so the overview reached the answer in fewer words than the
# links only 27% of the time; a floor of 0.8 gives 0.85 / 0.83 / 43 words / 53%, and 0.9 gives
# 0.79 / 0.86 / 35 words / 57% (containment under the 0.80 target).
SUPPORT_RATIO = 0.8


class Assistant:
    """Cheap to construct; models and indexes load on warm_up() or first use, once per process."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 generator: Generator | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or Embedder(self.settings.embed_model)
        self.generator = generator or make_generator(self.settings)
        self._indexes: dict[str, tuple[Index, object]] = {}
        self._lock = threading.Lock()
        self.web = None  # rag.web.WebMode, made on the first web query (tests may set their own)
        # The last few web runs, so that the UI's links event and overview event for one question
        # share one search, one fetch and one per-query index instead of doing them twice.
        self._web_runs: OrderedDict[tuple[str, int], tuple[SearchPage, Index]] = OrderedDict()

    @classmethod
    def default(cls, **overrides) -> "Assistant":
        """The embedded default set-up, with RAG_* environment overrides and keyword overrides."""
        return cls(Settings.from_env(**overrides))

    def warm_up(self, index: str | None = None, generator: bool = True) -> None:
        self.embedder.warm_up()
        if (index or self.settings.index) != WEB:  # web mode builds its index per query
            self._index(index or self.settings.index)
        if generator and self.settings.generate:
            self.generator.warm_up()

    def _index(self, name: str) -> tuple[Index, object]:
        with self._lock:
            if name not in self._indexes:
                idx = load_index(name, self.settings, self.embedder.name)
                s = self.settings
                self._indexes[name] = (idx, make_retriever(idx, self.embedder, s.retriever, s.rrf_k, s.candidates))
            return self._indexes[name]

    def index_info(self, name: str | None = None) -> dict:
        return dict(self._index(name or self.settings.index)[0].manifest)

    # -- links ----------------------------------------------------------------------------------

    def clean_query(self, query) -> tuple[str, list[str]]:
        if not isinstance(query, str) or not query.strip():
            raise BadQuery("the query is empty — type a question or a few words")
        typed = len(query)
        query = " ".join(query.split())
        limit = self.settings.max_query_chars
        if len(query) <= limit:
            return query, []
        cut = query[:limit].rsplit(" ", 1)[0] or query[:limit]
        return cut, [f"Your query was {typed:,} characters long; only the first {len(cut)} were used."]

    def search(self, query: str, index: str | None = None, k: int | None = None) -> SearchPage:
        return self._search(query, index, k)[0]

    def _search(self, query: str, index: str | None = None, k: int | None = None) -> tuple[SearchPage, Index]:
        """The links page and the index its hits come from (built for this query in web mode)."""
        started = time.perf_counter()
        query, notices = self.clean_query(query)
        k = k or self.settings.links
        if k < 1:
            raise RagError("k must be at least 1")
        if (index or self.settings.index) == WEB:
            return self._web_search(query, k, notices)
        idx, retriever = self._index(index or self.settings.index)
        hits = retriever.retrieve(query, max(self.settings.candidates, k * 5))
        links = blue_links(idx, hits, query, k)
        elapsed = (time.perf_counter() - started) * 1000
        return SearchPage(query=query, links=links, timings=Timings(links_ms=elapsed, total_ms=elapsed),
                          notices=notices, hits=hits), idx

    def _web_search(self, query: str, k: int, notices: list[str]) -> tuple[SearchPage, Index]:
        """Web mode (rag.web); when the web gives nothing, the local default index with a notice."""
        from .web import WebError, WebMode

        with self._lock:
            if self.web is None:
                self.web = WebMode(self.settings, self.embedder)
            if (query, k) in self._web_runs:
                page, idx = self._web_runs[(query, k)]
                return replace(page, notices=notices + page.notices), idx
        try:
            run = self.web.run(query, k)
        except WebError as exc:
            local = self.settings.index if self.settings.index != WEB else Settings().index
            log.info("web mode failed (%s); answering from the local index %r", exc, local)
            try:
                page, idx = self._search(query, local, k)
            except IndexNotFound:
                raise RagError(f"the web could not be used ({exc.reason}) and there is no local index to fall "
                               f"back on — run: rag index build --corpus vital") from None
            fallback = f"The web could not be used ({exc.reason}); these results come from the local index '{local}' instead."
            return replace(page, notices=notices + exc.notices + [fallback] + page.notices), idx
        with self._lock:
            self._web_runs[(query, k)] = (run.page, run.index)
            while len(self._web_runs) > 8:
                self._web_runs.popitem(last=False)
        return replace(run.page, notices=notices + run.page.notices), run.index

    # -- overview -------------------------------------------------------------------------------

    def answer(self, query: str, index: str | None = None) -> Overview:
        final = None
        for event in self.stream(query, index):
            if isinstance(event, FinalEvent):
                final = event.overview
        return final

    def stream(self, query: str, index: str | None = None) -> Iterator[LinksEvent | TokenEvent | FinalEvent]:
        started = time.perf_counter()
        page, idx = self._search(query, index)
        yield LinksEvent(page)
        evidence = self.evidence(page, idx)
        notices = list(page.notices)
        ms = lambda: (time.perf_counter() - started) * 1000  # noqa: E731
        if not evidence or evidence[0].score < self.settings.abstain_below:
            yield FinalEvent(self._abstain(page, evidence, notices, ms()))
            return
        draft, first_token_ms = "", None
        if self.settings.generate:
            try:
                pieces = self.generator.stream(answer_messages(page.query, evidence),
                                               self.settings.max_tokens, self.settings.temperature)
                for piece in pieces:
                    if first_token_ms is None:
                        first_token_ms = ms()
                    draft += piece
                    yield TokenEvent(piece)
                    if SENTENCE_END.search(draft):  # only the lead sentence is used: stop paying for more
                        pieces.close()
                        break
            except RagError as exc:
                log.warning("generation failed: %s", exc)
                notices.append(f"The language model failed ({exc}); the overview quotes the sources instead.")
        sentences, sources = self.compose(draft, evidence, idx.lang)
        sources = [replace(s, kind=idx.documents[s.doc_id].meta.get("kind", "page")) for s in sources]
        timings = Timings(links_ms=page.timings.links_ms, first_token_ms=first_token_ms, total_ms=ms())
        yield FinalEvent(Overview(query=page.query, sentences=sentences, sources=sources, links=page.links,
                                  timings=timings, draft=draft, evidence=evidence, notices=notices))

    def evidence(self, page: SearchPage, idx: Index) -> list[Evidence]:
        hits = page.hits[: self.settings.passages]
        titles = {h.chunk.doc_id: (idx.documents[h.chunk.doc_id].title, idx.documents[h.chunk.doc_id].url)
                  for h in hits}
        return select_evidence(page.query, hits, titles, self.embedder, self.settings.evidence, idx.lang)

    def compose(self, draft: str, evidence: list[Evidence], lang: str = "en") -> tuple[list[Sentence], list[Source]]:
        """Checked sentences (citations as evidence numbers), then sources renumbered 1..n."""
        vectors = self.embedder.encode([e.text for e in evidence])
        lead = self._lead(draft, evidence, vectors, lang)
        body: list[tuple[str, list[int], str, float]] = [lead]
        words = len(lead[0].split())
        lead_copies = {n for n in lead[1] if len(lead[0].split()) >= 0.7 * len(evidence[n - 1].text.split())}
        floor = SUPPORT_RATIO * evidence[0].relevance
        for n, e in enumerate(evidence, start=1):
            if len(body) > MAX_SUPPORT or n in lead_copies or e.relevance < floor:
                continue
            size = len(e.text.split())
            if words + size <= MAX_WORDS:
                body.append((e.text, [n], "quoted", 1.0))
                words += size
        return _renumber(body, evidence)

    def _lead(self, draft: str, evidence: list[Evidence], vectors, lang: str):
        """The model's first sentence if the checker finds it supported; else the best evidence, quoted."""
        for raw in split_sentences(draft.strip(), lang)[:1] if draft.strip() else []:
            text, cited = strip_citations(raw)
            if len(text.split()) < 2 or "sources do not say" in text.lower():
                break
            # Only evidence relevant to the question may carry the lead: a sentence that merely
            # restates an off-topic passage (say, an instruction injected into a web page) is no answer.
            relevant = {n for n, e in enumerate(evidence, 1) if e.score >= self.settings.abstain_below}
            citations, verdict = attribute(text, cited, evidence, self.embedder, vectors, allowed=relevant)
            if citations:
                return (text, citations, "generated", verdict.score)
            log.info("draft sentence failed the check (%s): replaced by a quote", verdict.reason)
        return (evidence[0].text, [1], "quoted", 1.0)

    def _abstain(self, page: SearchPage, evidence: list[Evidence], notices: list[str], total_ms: float) -> Overview:
        return Overview(query=page.query, sentences=[Sentence(ABSTAIN_TEXT, (), "abstain")], sources=[],
                        links=page.links, abstained=True, evidence=evidence, notices=notices,
                        timings=Timings(links_ms=page.timings.links_ms, total_ms=total_ms))


def _renumber(body, evidence: list[Evidence]) -> tuple[list[Sentence], list[Source]]:
    """One source per cited document, numbered in order of first citation; quotes are the cited sentences."""
    number: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    for _, cited, _, _ in body:
        for n in cited:
            e = evidence[n - 1]
            number.setdefault(e.doc_id, len(number) + 1)
            if e.text not in quotes.setdefault(e.doc_id, []):
                quotes[e.doc_id].append(e.text)
    sentences = []
    for text, cited, origin, support in body:
        marks = tuple(dict.fromkeys(number[evidence[n - 1].doc_id] for n in cited))
        sentences.append(Sentence(text=text, citations=marks, origin=origin, support=support))
    first = {e.doc_id: e for e in reversed(evidence)}
    sources = [Source(n=n, title=first[d].title, url=first[d].url, quote=" … ".join(quotes[d]), doc_id=d)
               for d, n in number.items()]
    return sentences, sources
