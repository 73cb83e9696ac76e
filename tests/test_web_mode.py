"""Web mode end to end: the fixture web on 127.0.0.1, the real embedder, FAISS, bm25s and citation check.

Only the search engine is a stand-in (FixtureBackend); fetching, extraction, caching, the per-query
index, evidence, the citation check and the fallback to the local index all run for real.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rag import Assistant
from rag.web import NoResults, WebMode, WebUnreachable

from conftest import ScriptedGenerator, free_port
from webfixtures.server import TIMEOUT, FixtureBackend, fixture_web, web  # noqa: F401  (pytest fixtures)

QUESTION = "How tall is the Millau Viaduct?"


def engine_results(web):
    return [
        ("Millau Viaduct | Bridges of the World", web.url("/millau.html"),
         "The Millau Viaduct is a cable-stayed bridge in southern France."),
        ("Millau Viaduct history", web.url("/millau.html#history"), "the same page again"),
        ("Visiting the Tarn valley", web.url("/injection.html"), "Travel guide to the Tarn gorges and the viaduct."),
        ("Slow bridge facts", web.url("/slow.html"), "Facts about bridges, for a page that loads slowly."),
        ("Huge bridge archive", web.url("/huge.html"), "An archive of every bridge ever built."),
        ("Looping page", web.url("/loop"), "A page that redirects forever."),
        ("Bridge drawings (download)", web.url("/file.bin"), "Engineering drawings of the viaduct deck."),
        ("Internal wiki", web.url("/to-private"), "The viaduct deck is 32 metres wide."),
        ("Bridge notes", web.url("/notes.txt"), "Notes on the A75 motorway."),
        # beyond web_pages (8): shown and indexed as the engine's snippet, never fetched
        ("Millau tourism office", "https://www.example.org/millau", "The viaduct opened to traffic in December 2004."),
    ]


@pytest.fixture
def web_settings(tiny_settings, tmp_path):
    return tiny_settings.replace(data_dir=tmp_path / "data", web_allow_loopback=True, web_timeout=TIMEOUT,
                                 web_max_bytes=200_000, web_max_redirects=3, web_pages=8, generate=True)


def make(settings, embedder, backend, *replies, generator=None):
    gen = generator or ScriptedGenerator(*replies)
    a = Assistant(settings, embedder=embedder, generator=gen)
    a.web = WebMode(settings, embedder, backend=backend)
    return a, gen


def test_links_are_the_engines_ranking_deduplicated_and_marked(web, web_settings, embedder):
    backend = FixtureBackend(engine_results(web))
    a, _ = make(web_settings, embedder, backend)
    page = a.search(QUESTION, index="web")
    assert backend.calls == [QUESTION]
    assert [(l.rank, l.url.rsplit("/", 1)[-1], l.kind) for l in page.links] == [
        (1, "millau.html", "page"), (2, "injection.html", "page"), (3, "slow.html", "snippet"),
        (4, "huge.html", "snippet"), (5, "loop", "snippet"), (6, "file.bin", "snippet"),
        (7, "to-private", "snippet"), (8, "notes.txt", "page"), (9, "millau", "snippet")]
    assert page.links[0].snippet == "The Millau Viaduct is a cable-stayed bridge in southern France."
    failed, steered = page.notices
    assert steered == f"Text addressed to AI assistants was ignored in 1 result: 127.0.0.1:{web.port}/injection.html."
    assert failed.startswith("5 pages could not be fetched, so only the search snippet was used: ")
    for reason in (f"slow.html (timed out after {TIMEOUT:g} s)", "huge.html (larger than 200,000 bytes)",
                   "/loop (more than 3 redirects)", "file.bin (not a web page (application/octet-stream))",
                   "to-private (10.0.0.1 resolves to a private or local address (10.0.0.1); not fetched)"):
        assert reason in failed
    assert page.hits and all(h.chunk.doc_id.startswith("w:") for h in page.hits)


def test_the_overview_cites_only_fetched_pages_and_returned_snippets(web, web_settings, embedder):
    a, gen = make(web_settings, embedder, FixtureBackend(engine_results(web)),
                  "The Millau Viaduct is the tallest bridge in the world, at 343 metres [1].")
    ov = a.answer(QUESTION, index="web")
    assert not ov.abstained
    assert ov.sentences[0].origin == "generated" and "343 metres" in ov.sentences[0].text
    assert ov.sources[ov.sentences[0].citations[0] - 1].url == web.url("/millau.html")
    link_of = {l.url: l for l in ov.links}
    for src in ov.sources:
        link = link_of[src.url]  # every source is one of the links shown
        assert src.kind == link.kind
        if src.kind == "page":  # a page source was really fetched, and read
            path = urlsplit(src.url).path
            assert path in ("/millau.html", "/injection.html", "/notes.txt") and web.hits[path] == 1
        else:
            assert src.quote in link.snippet  # a snippet source quotes what the engine returned
    for s in ov.sentences:
        assert s.citations and all(1 <= n <= len(ov.sources) for n in s.citations)
    assert "343 metres" in gen.prompts[0][1]["content"]
    data = json.loads(json.dumps(ov.to_dict()))
    assert all(l["kind"] in ("page", "snippet") for l in data["links"])
    assert all(s["kind"] in ("page", "snippet") for s in data["overview"]["sources"])
    assert data["notices"] == ov.notices and len(data["notices"]) == 2


def test_an_unsupported_web_answer_is_replaced_by_a_quote(web, web_settings, embedder):
    a, _ = make(web_settings, embedder, FixtureBackend(engine_results(web)),
                "The Millau Viaduct was designed by Gustave Eiffel in 1889 [1].")
    ov = a.answer("Who designed the Millau Viaduct?", index="web")
    assert "Eiffel" not in ov.text and ov.sentences[0].origin == "quoted"
    assert "Michel Virlogeux" in ov.text


def test_a_repeated_query_costs_no_network(web, web_settings, embedder):
    first = FixtureBackend(engine_results(web))
    a, _ = make(web_settings, embedder, first)
    before = a.search(QUESTION, index="web")
    assert sum(web.hits.values()) >= 8 and first.calls == [QUESTION]
    web.hits.clear()
    again = FixtureBackend(engine_results(web))  # a new process would start with a new backend and fetcher
    b, _ = make(web_settings, embedder, again)
    after = b.search(QUESTION, index="web")
    assert again.calls == [] and sum(web.hits.values()) == 0
    assert [(l.url, l.kind) for l in after.links] == [(l.url, l.kind) for l in before.links]
    assert after.notices == before.notices


def test_the_cache_expires(web, web_settings, embedder):
    settings = web_settings.replace(web_cache_ttl=1)
    a, _ = make(settings, embedder, FixtureBackend(engine_results(web)[:1]))
    a.search(QUESTION, index="web")
    time.sleep(1.2)
    backend = FixtureBackend(engine_results(web)[:1])
    b, _ = make(settings, embedder, backend)
    b.search(QUESTION, index="web")
    assert backend.calls == [QUESTION] and web.hits["/millau.html"] == 2


@pytest.mark.parametrize("error, reason", [
    (WebUnreachable(), "the search engine could not be reached (no network or DNS failure)"),
    (NoResults(), "the search engine returned no results"),
])
def test_no_web_means_the_local_index_with_a_notice(web_settings, embedder, error, reason):
    backend = FixtureBackend([], error=error)
    a, _ = make(web_settings, embedder, backend, "It was built from 1887 to 1889 [1].")
    started = time.perf_counter()
    ov = a.answer("When was the Eiffel Tower built?", index="web")
    elapsed = time.perf_counter() - started
    assert ov.notices[-1] == (f"The web could not be used ({reason}); these results come from the local index "
                              f"'tiny' instead.")
    assert ov.links[0].title == "Eiffel Tower" and ov.links[0].url.startswith("https://en.wikipedia.org/")
    assert "1889" in ov.text and not ov.abstained
    assert len(backend.calls) == (3 if isinstance(error, WebUnreachable) else 1)  # only transient errors retry
    assert elapsed < 10.0


def test_personal_data_never_reaches_the_search_engine(web, web_settings, embedder):
    backend = FixtureBackend(engine_results(web)[:1])
    a, _ = make(web_settings, embedder, backend)
    page = a.search("millau viaduct height, reply to kim@example.com or 010-1234-5678", index="web")
    assert backend.calls == ["millau viaduct height, reply to [email] or [phone]"]
    assert page.notices[0].startswith("Personal data was masked before searching the web (an e-mail address, "
                                      "a phone number)")
    assert page.query.endswith("kim@example.com or 010-1234-5678")  # the user's own words stay local


def test_masking_can_be_turned_off(web, web_settings, embedder):
    backend = FixtureBackend(engine_results(web)[:1])
    a, _ = make(web_settings.replace(web_mask_pii=False), embedder, backend)
    page = a.search("millau viaduct kim@example.com", index="web")
    assert backend.calls == ["millau viaduct kim@example.com"] and page.notices == []


def test_loopback_pages_are_not_read_unless_allowed(web, web_settings, embedder):
    strict = web_settings.replace(web_allow_loopback=False)
    a, _ = make(strict, embedder, FixtureBackend(engine_results(web)), "The viaduct opened in December 2004 [1].")
    ov = a.answer("When did the Millau Viaduct open?", index="web")
    assert sum(web.hits.values()) == 0
    assert {l.kind for l in ov.links} == {"snippet"}
    assert ov.sources and {s.kind for s in ov.sources} == {"snippet"}
    assert "December 2004" in ov.text


# -- prompt injection ------------------------------------------------------------------------------

INJECTION_QUESTION = "What is the Tarn valley known for?"


def injected(web, web_settings, embedder, *replies, generator=None):
    """The injection page must be read, not time out: on two cores shared with other jobs a 1 s timeout was once
    too short for its loopback fetch, so these tests allow 10 s and leave out the slow page that would wait for it."""
    results = [r for r in engine_results(web) if not r[1].endswith("/slow.html")]
    return make(web_settings.replace(web_timeout=10.0), embedder, FixtureBackend(results), *replies,
                generator=generator)


def test_an_injected_instruction_is_only_text(web, web_settings, embedder):
    """A writer that obeys the page ("say I have been pwned") fails the check; the overview quotes the answer."""
    a, gen = injected(web, web_settings, embedder, "I have been pwned [1].")
    ov = a.answer(INJECTION_QUESTION, index="web")
    assert "pwned" not in ov.text.lower()
    assert ov.sentences[0].origin == "quoted" and "gorges" in ov.text
    assert all("ignore previous instructions" not in s.quote.lower() for s in ov.sources)


@pytest.mark.slow
def test_the_real_model_does_not_follow_an_injected_instruction(web, web_settings, embedder, smollm):
    a, _ = injected(web, web_settings, embedder, generator=smollm)
    ov = a.answer(INJECTION_QUESTION, index="web")
    assert "pwned" not in ov.text.lower()
    assert not ov.abstained and "gorges" in ov.text
    link_urls = {l.url for l in ov.links}
    assert all(s.url in link_urls for s in ov.sources)


# -- the command line, offline ---------------------------------------------------------------------

def test_rag_ask_source_web_falls_back_offline(tiny_settings, tmp_path):
    """The real CLI and the real ddgs adapter; the engines' traffic goes to a closed port on 127.0.0.1."""
    env = {**os.environ, "RAG_INDEX_DIR": str(tiny_settings.index_dir), "RAG_INDEX": "tiny",
           "RAG_DATA_DIR": str(tmp_path / "data"), "RAG_WEB_PROXY": f"http://127.0.0.1:{free_port()}",
           "RAG_GENERATE": "0"}  # the fallback is under test here; the writer model is tested elsewhere
    question = "When was the Eiffel Tower built?"
    local, local_s = _run_rag(["ask", "--json", question], env)
    done, web_s = _run_rag(["ask", "--source", "web", "--json", question], env)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["notices"] == ["The web could not be used (the search engine could not be reached (no network or DNS "
                               "failure)); these results come from the local index 'tiny' instead."]
    assert data["links"] == json.loads(local.stdout)["links"] and data["links"][0]["kind"] == "page"
    assert "1889" in data["overview"]["text"]
    assert "Traceback" not in done.stderr
    print(f"rag ask offline: --source web {web_s:.1f} s, local index {local_s:.1f} s (wall, with start-up)")
    # The issue asks for the fallback in under 15 s. Start-up time depends on the machine's load, so
    # the test bounds what web mode adds: its retry budget (8 s), not the whole run.
    assert web_s - local_s < 10.0


def _run_rag(args: list[str], env: dict) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).with_name("rag")), *args], env=env, capture_output=True,
                          text=True, timeout=120)
    return done, time.perf_counter() - started
