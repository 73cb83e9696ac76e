"""Web mode, top to bottom: mask the query → search → fetch the top pages → per-query index → links and hits.

    WebMode(settings, embedder).run(query, k) -> WebRun(page, index, retriever)

The links are the search engine's own ranking (deduplicated by URL), each marked "page" when its
text was fetched and extracted, "snippet" when only the engine's snippet is known. The index holds
exactly those texts, so the overview can cite nothing but fetched pages and returned snippets.
Failures to search raise WebError (the Assistant then falls back to the local index); failures
to fetch a page only turn that result into a snippet, with a notice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from rag.embed.embedder import Embedder
from rag.store.local import Index, build_memory_index
from rag.retrieve.retrievers import make_retriever
from rag.schema import Document, Link, SearchPage, Timings
from rag.settings import Settings
from rag.text import lang_of
from rag.web.cache import WebCache
from rag.web.fetch import Fetcher, Page, drop_instructions
from rag.web.privacy import mask_query
from rag.web.search import NoResults, SearchBackend, SearchResult, WebError, dedupe, make_backend, search_with_retries

log = logging.getLogger(__name__)

WEB = "web"  # the index name that selects web mode: Assistant.search(q, index="web"), rag ask --source web
# Only the start of a long page is indexed: 20,000 characters is ~20 chunks, so five pages embed in a
# few seconds on two cores, and the answer to a searched question is rarely deep in a page.
MAX_PAGE_CHARS = 20_000


@dataclass
class WebRun:
    page: SearchPage
    index: Index
    retriever: object


class WebMode:
    """Cheap to construct; the backend, HTTP client and cache folder are used on the first query."""

    def __init__(self, settings: Settings, embedder: Embedder, backend: SearchBackend | None = None):
        self.settings, self.embedder = settings, embedder
        self.backend = backend or make_backend(settings)
        self.fetcher = Fetcher(settings)
        self.cache = WebCache(settings)
        self._lock = threading.Lock()  # one web query at a time: the per-query index is built on 2 cores

    def run(self, query: str, k: int) -> WebRun:
        with self._lock:
            return self._run(query, k)

    def _run(self, query: str, k: int) -> WebRun:
        started = time.perf_counter()
        sent, notices = self._outgoing(query)
        try:
            results = self.search(sent, k)
        except WebError as exc:
            exc.notices = notices + exc.notices
            raise
        pages = self.fetch([r.url for r in results[: self.settings.web_pages]])
        links, docs, steered = self._assemble(results, pages)
        notices += _fetch_notices(results, pages)
        if steered:
            notices.append(f"Text addressed to AI assistants was ignored in {len(steered)} "
                           f"{'result' if len(steered) == 1 else 'results'}: {', '.join(map(_short_url, steered))}.")
        if not docs:
            raise NoResults("the search results had no text to read (no page could be fetched and no "
                            "snippets were returned)", notices)
        index = build_memory_index(docs, self.settings, WEB, f"web:{self.backend.name}", self.embedder, _lang(docs))
        s = self.settings
        retriever = make_retriever(index, self.embedder, s.retriever, s.rrf_k, s.candidates)
        hits = retriever.retrieve(query, max(s.candidates, k * 5))  # the user's own words: this runs locally
        elapsed = (time.perf_counter() - started) * 1000
        page = SearchPage(query=query, links=links, timings=Timings(links_ms=elapsed, total_ms=elapsed),
                          notices=notices, hits=hits)
        return WebRun(page, index, retriever)

    def _outgoing(self, query: str) -> tuple[str, list[str]]:
        """The query as it may leave the machine, and a notice saying what was masked."""
        if not self.settings.web_mask_pii:
            return query, []
        masked = mask_query(query)
        return masked.text, [masked.notice()] if masked.found else []

    def search(self, sent: str, k: int) -> list[SearchResult]:
        cached = self.cache.get_results(self.backend.name, sent, k)
        if cached is not None:
            return cached
        s = self.settings
        # dedupe here, not only in each backend: one place guarantees the links' URLs are unique
        results = dedupe(search_with_retries(self.backend, sent, k, s.web_timeout, s.web_budget))[:k]
        self.cache.put_results(self.backend.name, sent, k, results)
        return results

    def fetch(self, urls: list[str]) -> dict[str, Page]:
        pages = {u: p for u in urls if (p := self.cache.get_page(u)) is not None}
        fresh = self.fetcher.fetch_all([u for u in urls if u not in pages])
        for page in fresh.values():
            self.cache.put_page(page)
        return {u: pages.get(u) or fresh[u] for u in urls}

    def _assemble(self, results: list[SearchResult], pages: dict[str, Page]):
        """Links in the engine's order; one Document per result with text; URLs whose text tried to steer us."""
        links, docs, steered = [], [], []
        for r in results:
            page = pages.get(r.url)
            kind = "page" if page is not None and page.ok else "snippet"
            text, dropped = drop_instructions(page.text[:MAX_PAGE_CHARS] if kind == "page" else r.snippet)
            if dropped:
                steered.append(r.url)
            doc_id = f"w:{r.rank}"
            # score 0: search engines give no score
            links.append(Link(rank=r.rank, title=r.title, url=r.url, snippet=r.snippet, score=0.0,
                              doc_id=doc_id, kind=kind))
            if text.strip():
                docs.append(Document(id=doc_id, title=r.title or (page.title if page else "") or r.url, url=r.url,
                                     text=text, meta={"kind": kind, "rank": r.rank}))
        return links, docs, steered

    def close(self) -> None:
        self.fetcher.close()
        self.cache.close()


def _fetch_notices(results: list[SearchResult], pages: dict[str, Page]) -> list[str]:
    failed = [(r, pages[r.url]) for r in results if r.url in pages and not pages[r.url].ok]
    if not failed:
        return []
    each = "; ".join(f"{_short_url(r.url)} ({p.error})" for r, p in failed)
    noun = "page" if len(failed) == 1 else "pages"
    return [f"{len(failed)} {noun} could not be fetched, so only the search snippet was used: {each}."]


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc + (parts.path if len(parts.path) <= 40 else parts.path[:40] + "…")


def _lang(docs: list[Document]) -> str:
    return lang_of(" ".join(d.text[:200] for d in docs))
