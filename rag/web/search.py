"""Search engines behind one small interface: backend.search(query, n, timeout) -> list[SearchResult].

    SearchBackend       the interface; add an engine by subclassing it and naming it in BACKENDS
    DDGSBackend         the `ddgs` metasearch package (successor of duckduckgo-search)
    make_backend(s)     the factory: settings.web_backend picks the class

A backend raises only the WebError subclasses below; third-party exceptions stop at its edge.
search_with_retries() adds the bounded retry policy that web mode uses.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from rag.errors import RagError, require
from rag.settings import Settings
from rag.text import has_hangul

log = logging.getLogger(__name__)


class WebError(RagError):
    """The web gave nothing usable; web mode falls back to the local index. notices: what to tell the user."""

    reason = "the web search failed"

    def __init__(self, message: str = "", notices: list[str] | None = None):
        super().__init__(message or self.reason)
        self.notices = list(notices or [])


class WebUnreachable(WebError):
    reason = "the search engine could not be reached (no network or DNS failure)"


class WebTimeout(WebError):
    reason = "the search engine did not answer in time"


class WebRateLimited(WebError):
    reason = "the search engine refused more queries for now (rate limit)"


class NoResults(WebError):
    reason = "the search engine returned no results"


TRANSIENT = (WebUnreachable, WebTimeout, WebRateLimited)  # worth another try; NoResults is an answer


@dataclass(frozen=True)
class SearchResult:
    """One result as the engine ranked it: nothing re-scored, the snippet as returned."""

    rank: int
    title: str
    url: str
    snippet: str


class SearchBackend:
    name = "backend"

    def search(self, query: str, n: int, timeout: float) -> list[SearchResult]:
        """The engine's top n results for query, best first. Raises WebError subclasses only."""
        raise NotImplementedError


class DDGSBackend(SearchBackend):
    """The `ddgs` package. Its DDGS object and exceptions never leave this class."""

    name = "ddgs"

    def __init__(self, proxy: str = "", region: str = "us-en"):
        self.proxy, self.region = proxy or None, region

    def search(self, query: str, n: int, timeout: float) -> list[SearchResult]:
        ddgs = require("ddgs", "web")
        from ddgs.exceptions import DDGSException, RatelimitException, TimeoutException

        try:
            raw = ddgs.DDGS(proxy=self.proxy, timeout=max(1, round(timeout))).text(
                query, region="kr-kr" if has_hangul(query) else self.region, safesearch="moderate", max_results=n)
        except RatelimitException as exc:
            raise WebRateLimited(f"{WebRateLimited.reason}: {_short(exc)}") from None
        except TimeoutException as exc:
            raise WebTimeout(f"{WebTimeout.reason}: {_short(exc)}") from None
        except DDGSException as exc:
            # ddgs says "No results found." when every engine answered with nothing; any other
            # message is the last engine's transport error (DNS, refused connection, TLS).
            if "no results" in str(exc).lower():
                raise NoResults() from None
            raise WebUnreachable(f"{WebUnreachable.reason}: {_short(exc)}") from None
        results = normalise(raw, n)
        if not results:
            raise NoResults()
        return results


def normalise(raw: list[dict], n: int) -> list[SearchResult]:
    """ddgs dicts (title, href, body) -> SearchResults: http(s) only, deduplicated by URL, ranks 1..n."""
    results: list[SearchResult] = []
    for item in raw or []:
        url = str(item.get("href") or item.get("url") or "").strip()
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        results.append(SearchResult(rank=0, title=" ".join(str(item.get("title") or url).split()), url=url,
                                    snippet=" ".join(str(item.get("body") or "").split())))
    return dedupe(results)[:n]


def dedupe(results: list[SearchResult]) -> list[SearchResult]:
    """Keep the first of results whose URLs differ only by fragment or a trailing slash; renumber 1..n."""
    seen, kept = set(), []
    for r in results:
        key = url_key(r.url)
        if key not in seen:
            seen.add(key)
            kept.append(SearchResult(rank=len(kept) + 1, title=r.title, url=r.url, snippet=r.snippet))
    return kept


def url_key(url: str) -> str:
    parts = urlsplit(urldefrag(url).url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path.rstrip('/') or '/'}" + (
        f"?{parts.query}" if parts.query else "")


def _short(exc: Exception, limit: int = 160) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[:limit] + "…"


BACKENDS: dict[str, type[SearchBackend]] = {"ddgs": DDGSBackend}


def make_backend(settings: Settings) -> SearchBackend:
    try:
        cls = BACKENDS[settings.web_backend]
    except KeyError:
        raise RagError(f"unknown web backend {settings.web_backend!r} — set RAG_WEB_BACKEND to one of: "
                       f"{', '.join(BACKENDS)}") from None
    return cls(proxy=settings.web_proxy) if cls is DDGSBackend else cls()


# -- retries ----------------------------------------------------------------------------------------

def search_with_retries(backend: SearchBackend, query: str, n: int, timeout: float, budget: float,
                        attempts: int = 3) -> list[SearchResult]:
    """Retry transient failures with exponential backoff; never spend much more than `budget` seconds.

    Each attempt gets min(timeout, time left), runs in a daemon thread and is abandoned if it
    overruns, so a stuck engine cannot hang the caller.
    """
    tenacity = require("tenacity", "web")
    deadline = time.monotonic() + budget

    def attempt() -> list[SearchResult]:
        left = max(0.5, min(timeout, deadline - time.monotonic()))
        return _call_within(lambda: backend.search(query, n, left), left + 1.0)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(attempts) | tenacity.stop_before_delay(budget),
        wait=tenacity.wait_exponential(multiplier=0.5, max=4),
        retry=tenacity.retry_if_exception_type(TRANSIENT),
        before_sleep=lambda state: log.info("web search failed (%s); retrying", state.outcome.exception()),
        reraise=True,
    )
    return retrying(attempt)


def _call_within(fn, seconds: float):
    """fn() in a daemon thread; WebTimeout if it has not returned after `seconds`."""
    box: dict = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread below
            box["error"] = exc

    worker = threading.Thread(target=run, name="rag-web-search", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise WebTimeout(f"{WebTimeout.reason} (no answer after {seconds:.0f} s)")
    if "error" in box:
        error = box["error"]
        if isinstance(error, WebError):
            raise error
        log.warning("search backend raised %s: %s", type(error).__name__, error)  # a backend bug, shown in logs
        raise WebUnreachable(f"{WebUnreachable.reason}: {type(error).__name__}: {_short(error)}")
    return box["value"]
