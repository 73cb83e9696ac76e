"""Whatever text arrives as a query, the assistant answers it or refuses it with BadQuery, nothing else.

The unit tests pin what Assistant.clean_query does to the text; the property test sends generated
text (lone surrogates and control characters included) through a real search on the tiny index.
"""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rag import Assistant, BadQuery
from rag.messages import message
from rag.settings import Settings
from rag.text import jamo_only

from conftest import ScriptedGenerator

EMPTY = "the query is empty — type a question or a few words"


@pytest.fixture
def assistant(tmp_path):
    return Assistant(Settings(index_dir=tmp_path / "indexes", max_query_chars=40), generator=ScriptedGenerator())


@pytest.mark.parametrize("raw, cleaned", [
    ("who painted\tthe\nmona lisa", "who painted the mona lisa"),  # whitespace controls become spaces
    ("mona\x00 lisa\x07\x7f", "mona lisa"),  # other controls are dropped
    ("mona \ud800lisa\udfff", "mona lisa"),  # lone surrogates are dropped
    ("paris\u202e \u200bfrance\ufeff", "paris france"),  # bidi override, zero-width space, BOM
    ("cafe\u0301", "caf\u00e9"),  # NFC: e + combining acute is é
    ("\u1100\u1161", "\uac00"),  # NFC: Hangul jamo compose to one syllable
    ("\U0001f469\u200d\U0001f4bb and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
     "\U0001f469\u200d\U0001f4bb and \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),  # ZWJ and ZWNJ stay
    ("  several   spaces \u3000ideographic ", "several spaces ideographic"),
])
def test_the_query_is_cleaned_before_anything_reads_it(assistant, raw, cleaned):
    assert assistant.clean_query(raw) == (cleaned, [])


@pytest.mark.parametrize("raw", ["", "   ", "\ud800", "\x00\x01\x1b", "\u200b\ufeff", "\t\n", None, 42])
def test_nothing_usable_is_the_empty_query_error(assistant, raw):
    with pytest.raises(BadQuery) as raised:
        assistant.clean_query(raw)
    assert str(raised.value) == EMPTY


def test_a_long_query_is_cut_at_a_word_with_a_notice(assistant):
    query, notices = assistant.clean_query("who painted the mona lisa in the year fifteen hundred and three")
    assert query == "who painted the mona lisa in the year"
    assert notices == ["Your query was 63 characters long; only the first 37 were used."]


def test_the_limit_counts_cleaned_characters(assistant):
    assert assistant.clean_query("\x00" * 100 + "mona lisa") == ("mona lisa", [])


# Every Unicode category, surrogates (Cs) and controls (Cc) included; and the same mixed into words
# the tiny index holds, so that generated text also reaches snippets and highlighting.
ANY_CHARACTER = st.characters(exclude_categories=())
WORDS = ["mona", "lisa", "who", "painted", "eiffel", "tower", "1889", "everest", "paris", "é", "에펠탑"]
QUERIES = st.one_of(
    st.text(ANY_CHARACTER),
    st.lists(st.one_of(st.sampled_from(WORDS), st.text(ANY_CHARACTER, max_size=3)), max_size=12).map(" ".join),
)


@pytest.fixture(scope="module")
def tiny_assistant(tiny_settings, embedder):
    """One assistant for all examples, so the index loads once."""
    return Assistant(tiny_settings, embedder=embedder, generator=ScriptedGenerator())


@pytest.mark.slow
# database=None: no .hypothesis folder in the working tree; a failure prints its example to reproduce.
# The health check is about function-scoped fixtures reused across examples: here those are only the
# autouse ones that clear RAG_* and logging, which no example changes.
@settings(max_examples=1000, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=QUERIES)
def test_any_text_gives_links_or_bad_query(tiny_assistant, query):
    a = tiny_assistant
    try:
        page = a.search(query)
    except BadQuery as exc:
        # nothing usable left, or only loose Korean letters (jamo), which no index holds as words
        assert str(exc) == EMPTY or (str(exc) == message("query_jamo", "ko") and jamo_only(query)), str(exc)
        return
    assert page.query and page.query == a.clean_query(query)[0]
    assert all(link.rank == n for n, link in enumerate(page.links, start=1))
