"""The Assistant: one retrieval, two answers — ten blue links and a checked, cited overview.

    Assistant.default()            the embedded default: vital corpus, bundled models
    a.search(query)  -> SearchPage ten blue links
    a.answer(query)  -> Overview   links plus the verified overview
    a.stream(query)  -> events     LinksEvent, TokenEvent..., FinalEvent
    a.conversation() -> Conversation   follow-ups in context (rag.chat.conversation)

It orchestrates the stages and streams their results; what each stage does lives in its package
(rag.store, rag.retrieve, rag.answer), and rag.answer.overview.decide is what kind of overview a question gets.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace

from rag.answer import overview as ov
from rag.answer.abstain import other_language, warm_up_words
from rag.answer.compose import compose
from rag.answer.evidence import select_evidence
from rag.answer.sentences import citable_sentences, widened
from rag.answer.subject import COMPARES, is_long
from rag.answer import short
from rag.answer.reader import Reader, reads
from rag.answer.generation import Generator, make_generator
from rag.embed.embedder import PACKAGED, Embedder
from rag.errors import IndexNotFound, RagError
from rag.messages import message
from rag.query import clean_query
from rag.retrieve import hop
from rag.retrieve.retrievers import blue_links, leaders, make_retriever, query_terms
from rag.schema import Evidence, FinalEvent, LinksEvent, Overview, Passage, SearchPage, Timings, TokenEvent, final_overview
from rag.settings import Settings
from rag.store import LoadedIndex, Retriever, open_store
from rag.text import lang_of
from rag.web.mode import WEB  # the index name that selects web mode

log = logging.getLogger(__name__)

LONG_EXTRA = 2  # passages more for a long question (Assistant.reading)

WEB_RUNS_KEPT = 8  # the links event and the overview event of one web question share one search and fetch
# Chunks ranked per link asked for: a document's chunks collapse into one link, so k links need more than k hits.
HITS_PER_LINK = 5


class Assistant:
    """Cheap to construct; models and indexes load on warm_up() or first use, once per process."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 generator: Generator | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or Embedder.for_settings(self.settings)
        # An index built with a model shipped in a package (rag.embed.embedder.PACKAGED, e.g. a multilingual
        # vital) is read with that model whatever RAG_EMBED_MODEL says: its manifest names it.
        self._embedders: dict[str, Embedder] = {self.embedder.name: self.embedder}
        self.generator = generator or make_generator(self.settings)
        self._indexes: dict[str, tuple[LoadedIndex, Retriever]] = {}
        self._lock = threading.Lock()
        self.web = None  # rag.web.WebMode, made on the first web query (tests may set their own)
        self._web_runs: OrderedDict[tuple[str, int], tuple[SearchPage, LoadedIndex]] = OrderedDict()

    @classmethod
    def default(cls, **overrides) -> "Assistant":
        """The embedded default set-up, with RAG_* environment overrides and keyword overrides."""
        return cls(Settings.from_env(**overrides))

    def warm_up(self, index: str | None = None, generator: bool = True) -> None:
        self.embedder.warm_up()
        warm_up_words()
        if (index or self.settings.index) != WEB:  # web mode builds its index per query
            self._loaded(index or self.settings.index)
        if generator and self.settings.generate:
            self.generator.warm_up()

    def loaded_index(self, name: str | None = None) -> LoadedIndex:
        """The index of that name (default: settings.index), loaded once per process."""
        return self._loaded(name or self.settings.index)[0]

    def _loaded(self, name: str) -> tuple[LoadedIndex, Retriever]:
        with self._lock:
            if name not in self._indexes:
                idx = open_store(self.settings).load(name, self.embedder.name)
                self._indexes[name] = (idx, self._make_retriever(idx))
            return self._indexes[name]

    def _make_retriever(self, idx: LoadedIndex) -> Retriever:
        s = self.settings
        return make_retriever(idx, self.embedder_for(idx), s.retriever, s.rrf_k, s.candidates)

    def embedder_for(self, idx: LoadedIndex) -> Embedder:
        """The embedder an index was built with: a packaged model by its name, else the configured one."""
        name = idx.manifest.get("embedding_model", self.embedder.name)
        if name not in PACKAGED:
            return self.embedder
        if name not in self._embedders:
            self._embedders[name] = Embedder(name)
        return self._embedders[name]

    def index_info(self, name: str | None = None) -> dict:
        return dict(self.loaded_index(name).manifest)

    # -- links ----------------------------------------------------------------------------------

    def clean_query(self, query) -> tuple[str, list[str]]:
        """The query as retrieval sees it, and notices for the user (rag.query.clean_query); BadQuery when
        nothing usable is left."""
        return clean_query(query, self.settings.max_query_chars)

    def search(self, query: str, index: str | None = None, k: int | None = None) -> SearchPage:
        return self.search_page(query, index, k)[0]

    def search_page(self, query: str, index: str | None = None,
                    k: int | None = None) -> tuple[SearchPage, LoadedIndex]:
        """The links page and the index its hits come from (built for this query in web mode)."""
        started = time.perf_counter()
        query, notices = self.clean_query(query)
        k = k or self.settings.links
        if k < 1:
            raise RagError("k must be at least 1")
        if (index or self.settings.index) == WEB:
            return self._web_search(query, k, notices)
        idx, retriever = self._loaded(index or self.settings.index)
        hits = self._for_language(idx, retriever, query).retrieve(query, max(self.settings.candidates, k * HITS_PER_LINK))
        links = blue_links(idx, hits, query, k)
        unmatched = other_language(query, idx, self.embedder_for(idx).multilingual)
        notices = notices + ([unmatched] if unmatched else [])
        elapsed = (time.perf_counter() - started) * 1000
        return SearchPage(query=query, links=links, timings=Timings(links_ms=elapsed, total_ms=elapsed),
                          notices=notices, hits=hits), idx

    def _web_search(self, query: str, k: int, notices: list[str]) -> tuple[SearchPage, LoadedIndex]:
        """Web mode (rag.web); when the web gives nothing, the local default index with a notice."""
        from rag.web import WebError, WebMode  # the web extra (ddgs, trafilatura) only when web mode is used

        with self._lock:
            if self.web is None:
                self.web = WebMode(self.settings, self.embedder)
            if (query, k) in self._web_runs:
                page, idx = self._web_runs[(query, k)]
                return replace(page, notices=notices + page.notices), idx
        try:
            run = self.web.run(query, k)
        except WebError as exc:
            return self._web_fallback(query, k, notices, exc)
        with self._lock:
            self._web_runs[(query, k)] = (run.page, run.index)
            while len(self._web_runs) > WEB_RUNS_KEPT:
                self._web_runs.popitem(last=False)
        return replace(run.page, notices=notices + run.page.notices), run.index

    def _web_fallback(self, query: str, k: int, notices: list[str], exc) -> tuple[SearchPage, LoadedIndex]:
        local = self.settings.index if self.settings.index != WEB else Settings().index
        log.info("web mode failed (%s); answering from the local index %r", exc, local)
        try:
            page, idx = self.search_page(query, local, k)
        except IndexNotFound:
            raise RagError(f"the web could not be used ({exc.reason}) and there is no local index to fall "
                           f"back on — run: rag index build --corpus vital") from None
        fallback = message("web_fallback", lang_of(query), reason=exc.reason, index=local)
        return replace(page, notices=notices + exc.notices + [fallback] + page.notices), idx

    def conversation(self, index: str | None = None, state: dict | None = None):
        """A conversation over this assistant (rag.chat.conversation); `state`: a saved Conversation.to_dict()."""
        from rag.chat.conversation import Conversation  # rag.chat sits above the assistant it converses with

        return Conversation.from_dict(self, state) if state is not None else Conversation(self, index)

    # -- overview -------------------------------------------------------------------------------

    def answer(self, query: str, index: str | None = None) -> Overview:
        return final_overview(self.stream(query, index))

    def stream(self, query: str, index: str | None = None) -> Iterator[LinksEvent | TokenEvent | FinalEvent]:
        """LinksEvent as soon as the links are ranked, the draft's TokenEvents, then the checked overview."""
        started = time.perf_counter()
        page, idx = self.search_page(query, index)
        yield LinksEvent(page)
        passages, evidence = self._read_and_pick(page, idx)
        notices = list(page.notices)
        ms = lambda: (time.perf_counter() - started) * 1000  # noqa: E731
        decision = ov.decide(page.query, idx, passages, evidence, self.settings, self.embedder_for(idx).multilingual)
        log.debug("overview for %r: %s (%s)", page.query, decision.kind, decision.reason)
        if decision.kind == "abstain":
            yield FinalEvent(ov.abstained(page, passages, decision, notices, ms()))
            return
        sentences, sources, draft, first_token_ms = decision.sentences, decision.sources, "", None
        if decision.kind == "compose":
            hint = short.hint(page.query, evidence)
            if ov.may_write(self.settings, page.query):
                draft, first_token_ms = yield from ov.draft_lead(self.generator, page.query, evidence, self.settings,
                                                                 idx.lang, notices, ms, hint)
            sentences, sources = compose(page.query, draft, evidence, self.embedder_for(idx), idx.lang,
                                         self.settings.abstain_below, ov.persons(idx, evidence), hint)
        yield FinalEvent(ov.overview(page, idx, passages, decision, sentences, sources, draft, notices,
                                     first_token_ms, ms(), self.scorer(idx)))

    def evidence(self, page: SearchPage, idx: LoadedIndex) -> list[Evidence]:
        """Read the first hop's top passages and a second hop through bridge entities; pick evidence."""
        return self._read_and_pick(page, idx)[1]

    def _read_and_pick(self, page: SearchPage, idx: LoadedIndex) -> tuple[list[Passage], list[Evidence]]:
        passages, bridges, vector = self.reading(page, idx)
        titles = {p.hit.chunk.doc_id: (idx.documents[p.hit.chunk.doc_id].title, idx.documents[p.hit.chunk.doc_id].url)
                  for p in passages}
        return passages, select_evidence(page.query, passages, titles, self.embedder_for(idx), self.settings.evidence,
                                         idx.lang, [b.name for b in bridges], vector,
                                         relevant_from=self.settings.abstain_below,
                                         reader=self.reader_for(idx))

    def reader_for(self, idx: LoadedIndex) -> Reader | None:
        """The learned reader when it is on, shipped and reads the index's language; else None (linear ranker)."""
        return Reader.default() if self.settings.reader and reads(idx.lang) else None

    def scorer(self, index: str | LoadedIndex | None = None) -> str:
        """What scores the evidence of this index: "reader" (learned, blended) or "ranker" (linear)."""
        idx = index if index is None or not isinstance(index, str) else self.loaded_index(index)
        return "reader" if self.reader_for(idx or self.loaded_index()) is not None else "ranker"

    def reading(self, page: SearchPage, idx: LoadedIndex) -> tuple[list[Passage], list[hop.Bridge], object]:
        """The passages the overview reads (rag.retrieve.hop), the bridges followed, and the query's vector. A long
        question (rag.answer.subject.is_long: a multi-hop description, "The director of the romantic comedy 'Big
        Stone Gap' is based in what New York city?") reads LONG_EXTRA passages more: its answer is often in a
        document its words lead to, not the one they name."""
        s = self.settings
        vector = self.embedder_for(idx).encode_query(page.query)
        retriever = self._for_language(idx, self._retriever(idx), page.query)
        count = s.passages + (LONG_EXTRA if is_long(page.query) else 0)
        passages, bridges = hop.read(page.query, page.hits, idx, retriever, vector,
                                     query_terms(page.query), lambda text: citable_sentences(text, idx.lang),
                                     count, s.bridges, compares=bool(COMPARES.search(page.query)),
                                     leaders=leaders(retriever, page.query),
                                     defined=hop.defined_documents(page.query, idx))
        return widened(passages, idx.document_text), bridges, vector

    def _for_language(self, idx: LoadedIndex, retriever: Retriever, query: str) -> Retriever:
        """BM25 alone for a Korean question when the embedder does not read Korean: all-MiniLM-L6-v2 ranks
        Korean text by script, and fused with it the kiwi BM25 ranking got worse (KorQuAD-open, 300
        questions: links Recall@10 0.95 and MRR@10 0.40 fused, 0.99 and 0.94 with BM25 alone)."""
        embedder = self.embedder_for(idx)
        if lang_of(query) == "ko" and idx.analyzer == "kiwi" and not embedder.multilingual:
            return idx.retrievers(embedder)[0]
        return retriever

    def _retriever(self, idx: LoadedIndex) -> Retriever:
        with self._lock:
            for loaded, retriever in self._indexes.values():
                if loaded is idx:
                    return retriever
        return self._make_retriever(idx)  # web mode: an index built for this one query
