"""Settings: documented defaults, RAG_* overrides only through from_env(), every value checked on construction."""

import math

import pytest

from rag import Assistant, BadSetting, RagError, Settings
from rag.settings import RETRIEVERS


def test_the_documented_defaults_are_valid_and_from_env_without_variables_gives_them():
    assert Settings.from_env({}) == Settings()


def test_settings_and_assistant_ignore_the_environment_and_from_env_and_default_read_it(monkeypatch):
    monkeypatch.setenv("RAG_LINKS", "3")
    monkeypatch.setenv("RAG_RETRIEVER", "bm25")
    assert (Settings().links, Settings().retriever) == (10, "rrf")
    assert (Settings.from_env().links, Settings.from_env().retriever) == (3, "bm25")
    assert Assistant().settings == Settings()
    assert Assistant.default().settings == Settings.from_env()
    assert Assistant.default(links=7).settings.links == 7  # keyword overrides win over RAG_*


@pytest.mark.parametrize("retriever", RETRIEVERS)
def test_every_retriever_is_accepted(retriever):
    assert Settings(retriever=retriever).retriever == retriever


def test_a_misspelt_retriever_names_the_choices():
    with pytest.raises(BadSetting) as raised:
        Settings.from_env({"RAG_RETRIEVER": "rff"})
    assert str(raised.value) == ("retriever='rff' must be one of: rrf, norm, bm25, dense — "
                                 "set by RAG_RETRIEVER or Settings(retriever=...)")
    assert isinstance(raised.value, RagError)  # so the CLI prints it on one line with exit code 2


@pytest.mark.parametrize("changes, fragment", [
    ({"links": 0}, "links=0 must be at least 1"),
    ({"passages": 0}, "passages=0 must be at least 1"),
    ({"evidence": -1}, "evidence=-1 must be at least 1"),
    ({"candidates": 0}, "candidates=0 must be at least 1"),
    ({"max_tokens": 0}, "max_tokens=0 must be at least 1"),
    ({"max_query_chars": 0}, "max_query_chars=0 must be at least 1"),
    ({"chunk_size": 0}, "chunk_size=0 must be at least 1"),
    ({"chunk_overlap": -1}, "chunk_overlap=-1 must be at least 0"),
    ({"chunk_overlap": 1000}, "chunk_overlap=1000 must be smaller than chunk_size (1000)"),
    ({"chunk_size": 100, "chunk_overlap": 150}, "chunk_overlap=150 must be smaller than chunk_size (100)"),
    ({"threads": -1}, "threads=-1 must be at least 0"),
    ({"temperature": -0.1}, "temperature=-0.1 must be at least 0"),
    ({"temperature": math.nan}, "temperature=nan must be a float (finite)"),
    ({"web_timeout": 0.0}, "web_timeout=0.0 must be more than 0 seconds"),
    ({"web_budget": -1.0}, "web_budget=-1.0 must be at least 0"),
    ({"web_max_bytes": 0}, "web_max_bytes=0 must be at least 1"),
    ({"web_cache_ttl": -5}, "web_cache_ttl=-5 must be at least 0"),
    ({"abstain_below": 1.5}, "abstain_below=1.5 must be between 0 and 1"),
    ({"index": " "}, "index=' ' must name an index"),
    ({"links": "10"}, "links='10' must be an int"),
    ({"links": True}, "links=True must be an int"),
    ({"generate": "no"}, "generate='no' must be a bool"),
    ({"retriever": None}, "retriever=None must be a str"),
])
def test_out_of_range_or_wrong_type_is_refused_with_the_field_and_its_variable(changes, fragment):
    with pytest.raises(BadSetting, match="RAG_") as raised:
        Settings(**changes)
    assert fragment in str(raised.value)


def test_replace_checks_too():
    with pytest.raises(BadSetting, match="links=0"):
        Settings().replace(links=0)


@pytest.mark.parametrize("changes", [
    {"threads": 0}, {"web_pages": 0}, {"chunk_overlap": 0}, {"web_cache_ttl": 0}, {"web_budget": 0.0},
    {"web_max_redirects": 0}, {"temperature": 0}, {"abstain_below": 0.0}, {"index_dir": "somewhere"},
])
def test_zero_is_allowed_where_it_means_something(changes):
    Settings(**changes)


@pytest.mark.parametrize("raw, value", [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False),
                                        ("", False)])
def test_boolean_variables(raw, value):
    assert Settings.from_env({"RAG_GENERATE": raw}).generate is value


def test_a_boolean_variable_that_is_neither_is_refused():
    with pytest.raises(BadSetting, match="RAG_GENERATE='maybe' is not a valid bool"):
        Settings.from_env({"RAG_GENERATE": "maybe"})
