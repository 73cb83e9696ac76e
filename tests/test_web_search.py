"""The search backend interface: the ddgs adapter at its boundary, the contract, and the retry policy."""

import socket
import threading
import time

import pytest
from ddgs.ddgs import DDGS  # the real class (ddgs.DDGS is a lazy proxy that builds one)
from ddgs.exceptions import DDGSException, RatelimitException, TimeoutException

from rag.errors import RagError
from rag.settings import Settings
from rag.web.search import (DDGSBackend, NoResults, SearchBackend, SearchResult, WebError, WebRateLimited, WebTimeout,
                            WebUnreachable, dedupe, make_backend, search_with_retries)

from webfixtures.server import FixtureBackend

RAW = [  # the shape ddgs 9 returns from DDGS().text()
    {"title": "Millau Viaduct - Wikipedia", "href": "https://en.wikipedia.org/wiki/Millau_Viaduct",
     "body": "The Millau Viaduct is a multispan  cable-stayed bridge\ncompleted in 2004."},
    {"title": "Millau Viaduct (again)", "href": "https://en.wikipedia.org/wiki/Millau_Viaduct#History", "body": "dup"},
    {"title": "No link", "body": "a result without an address"},
    {"title": "Mail", "href": "mailto:someone@example.com", "body": "not a web page"},
    {"title": "Le viaduc", "href": "https://www.leviaducdemillau.com/", "body": "Site officiel."},
    {"title": "Le viaduc, slash", "href": "https://www.leviaducdemillau.com", "body": "the same page"},
    {"title": "", "href": "http://example.org/bridges?id=7", "body": None},
]


@pytest.fixture
def ddgs_text(monkeypatch):
    """Replace DDGS.text (the network call) with a recorder that returns or raises what a test says."""
    calls = []

    def install(outcome):
        def text(self, query, **kwargs):
            calls.append({"query": query, "timeout": self._timeout, "proxy": self._proxy, **kwargs})
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        monkeypatch.setattr(DDGS, "text", text)
        return calls
    return install


def test_ddgs_results_are_normalised_in_the_engines_order(ddgs_text):
    calls = ddgs_text(RAW)
    results = DDGSBackend(proxy="http://127.0.0.1:9").search("millau viaduct height", 10, 3.0)
    assert results == [
        SearchResult(1, "Millau Viaduct - Wikipedia", "https://en.wikipedia.org/wiki/Millau_Viaduct",
                     "The Millau Viaduct is a multispan cable-stayed bridge completed in 2004."),
        SearchResult(2, "Le viaduc", "https://www.leviaducdemillau.com/", "Site officiel."),
        SearchResult(3, "http://example.org/bridges?id=7", "http://example.org/bridges?id=7", ""),
    ]
    assert calls == [{"query": "millau viaduct height", "timeout": 3, "proxy": "http://127.0.0.1:9",
                      "region": "us-en", "safesearch": "moderate", "max_results": 10}]


def test_korean_queries_search_the_korean_region(ddgs_text):
    calls = ddgs_text(RAW)
    DDGSBackend().search("에펠탑 높이", 10, 5.0)
    assert calls[0]["region"] == "kr-kr"


def test_ddgs_results_are_cut_to_n(ddgs_text):
    ddgs_text(RAW)
    assert [r.rank for r in DDGSBackend().search("q", 2, 5.0)] == [1, 2]


@pytest.mark.parametrize("raised, expected, words", [
    (RatelimitException("202 Ratelimit"), WebRateLimited, "rate limit"),
    (TimeoutException("timed out after 5s"), WebTimeout, "did not answer in time"),
    (DDGSException("DNSError: error resolving DNS"), WebUnreachable, "could not be reached"),
    (DDGSException("No results found."), NoResults, "returned no results"),
    ([], NoResults, "returned no results"),
    ([{"title": "only mail", "href": "mailto:a@b.c"}], NoResults, "returned no results"),
])
def test_each_ddgs_failure_maps_to_one_web_error(ddgs_text, raised, expected, words):
    ddgs_text(raised)
    with pytest.raises(expected) as info:
        DDGSBackend().search("q", 10, 5.0)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert isinstance(info.value, WebError) and info.value.notices == []


def _ddgs_backend(monkeypatch):
    monkeypatch.setattr(DDGS, "text", lambda self, query, **kw: RAW)
    return DDGSBackend()


def _fixture_backend(monkeypatch):
    return FixtureBackend([(r["title"], r["href"], r["body"]) for r in RAW if r.get("href", "").startswith("http")])


@pytest.mark.parametrize("make", [_ddgs_backend, _fixture_backend], ids=["ddgs", "fixture"])
def test_search_backend_contract(monkeypatch, make):
    """Every backend: SearchResults ranked 1..n, http(s) addresses, at most n; dedupe() makes URLs unique."""
    backend = make(monkeypatch)
    assert isinstance(backend, SearchBackend) and backend.name
    results = backend.search("millau viaduct", 4, 5.0)
    assert 0 < len(results) <= 4
    assert [r.rank for r in results] == list(range(1, len(results) + 1))
    assert all(isinstance(r, SearchResult) and r.url.startswith(("http://", "https://")) for r in results)
    unique = dedupe(results)
    assert len({r.url.rstrip("/").split("#")[0] for r in unique}) == len(unique)


def test_the_factory_names_the_choices():
    assert isinstance(make_backend(Settings()), DDGSBackend)
    with pytest.raises(RagError, match="unknown web backend 'bing' — set RAG_WEB_BACKEND to one of: ddgs"):
        make_backend(Settings(web_backend="bing"))


# -- retries ------------------------------------------------------------------------------------

class Flaky(SearchBackend):
    name = "flaky"

    def __init__(self, *outcomes):
        self.outcomes, self.calls = list(outcomes), 0

    def search(self, query, n, timeout):
        self.calls += 1
        outcome = self.outcomes.pop(0) if len(self.outcomes) > 1 else self.outcomes[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def test_transient_failures_are_retried_then_succeed():
    ok = [SearchResult(1, "t", "https://example.org/", "s")]
    backend = Flaky(WebUnreachable(), WebRateLimited(), ok)
    assert search_with_retries(backend, "q", 10, timeout=1.0, budget=8.0) == ok
    assert backend.calls == 3


def test_no_results_is_an_answer_and_not_retried():
    backend = Flaky(NoResults())
    with pytest.raises(NoResults):
        search_with_retries(backend, "q", 10, timeout=1.0, budget=8.0)
    assert backend.calls == 1


def test_retries_stop_within_the_budget():
    backend = Flaky(WebUnreachable())
    started = time.perf_counter()
    with pytest.raises(WebUnreachable):
        search_with_retries(backend, "q", 10, timeout=1.0, budget=8.0)
    assert backend.calls == 3
    assert time.perf_counter() - started < 8.0


def test_a_hanging_engine_is_abandoned_after_its_timeout():
    release = threading.Event()

    class Hangs(SearchBackend):
        name = "hangs"

        def search(self, query, n, timeout):
            release.wait(30)
            return []

    started = time.perf_counter()
    with pytest.raises(WebTimeout, match="no answer after"):
        search_with_retries(Hangs(), "q", 10, timeout=0.5, budget=1.0, attempts=1)
    assert time.perf_counter() - started < 3.0
    release.set()


def test_an_unexpected_backend_error_is_a_web_error():
    with pytest.raises(WebUnreachable, match="KeyError"):
        search_with_retries(Flaky(KeyError("href")), "q", 10, timeout=1.0, budget=1.0, attempts=1)


# -- live ---------------------------------------------------------------------------------------

def _online() -> bool:
    try:
        socket.getaddrinfo("duckduckgo.com", 443)
        return True
    except OSError:
        return False


@pytest.mark.network
def test_live_ddgs_search():
    if not _online():
        pytest.skip("offline: duckduckgo.com does not resolve")
    results = DDGSBackend().search("Millau Viaduct", 5, 10.0)
    assert 1 <= len(results) <= 5
    assert all(r.url.startswith(("http://", "https://")) and r.title for r in results)


def test_the_public_surface_of_rag_web():
    import rag.web

    assert sorted(rag.web.__all__) == sorted([
        "WEB", "WebMode", "WebRun", "SearchBackend", "DDGSBackend", "SearchResult", "BACKENDS", "make_backend",
        "Fetcher", "Page", "Masked", "mask_query",
        "WebError", "WebUnreachable", "WebTimeout", "WebRateLimited", "NoResults"])
    assert all(hasattr(rag.web, name) for name in rag.web.__all__)
    assert all(issubclass(e, rag.web.WebError) for e in (rag.web.WebUnreachable, rag.web.WebTimeout,
                                                         rag.web.WebRateLimited, rag.web.NoResults))
