import pytest

from rag import Assistant, BadQuery, FinalEvent, IndexNotFound, LinksEvent, TokenEvent
from rag.answer.compose import MAX_WORDS
from rag.messages import message

from conftest import ScriptedGenerator

ABSTAIN_TEXT = message("abstain", "en")


def make(tiny_settings, embedder, *replies, **changes):
    gen = ScriptedGenerator(*replies)
    return Assistant(tiny_settings.replace(**changes), embedder=embedder, generator=gen), gen


def assert_well_cited(ov):
    assert ov.sentences
    for s in ov.sentences:
        assert s.citations, s
        assert all(1 <= n <= len(ov.sources) for n in s.citations)
    shown = {l.url for l in ov.links}
    assert all(src.url in shown for src in ov.sources)
    assert [s.n for s in ov.sources] == list(range(1, len(ov.sources) + 1))


def test_supported_lead_is_kept_and_cited(tiny_settings, embedder):
    a, gen = make(tiny_settings, embedder, "The Mona Lisa was painted by Leonardo da Vinci [1].")
    ov = a.answer("Who painted the Mona Lisa?")
    assert ov.sentences[0].text == "The Mona Lisa was painted by Leonardo da Vinci."
    assert ov.sentences[0].origin == "generated" and ov.decision == "compose"
    assert ov.sources[ov.sentences[0].citations[0] - 1].title == "Mona Lisa"
    assert_well_cited(ov)
    assert len(ov.text.split()) <= MAX_WORDS + 10  # citation marks add a few tokens
    prompt = gen.prompts[0][1]["content"]
    assert "Question: Who painted the Mona Lisa?" in prompt and "[1] Mona Lisa:" in prompt


def test_unsupported_lead_is_replaced_by_the_evidence_quoted(tiny_settings, embedder):
    a, _ = make(tiny_settings, embedder, "The Mona Lisa was painted by Pablo Picasso in 1937 [1].")
    ov = a.answer("Who painted the Mona Lisa?")
    assert "Picasso" not in ov.text
    assert ov.sentences[0].origin == "quoted"
    assert "Leonardo da Vinci" in ov.sentences[0].text
    assert_well_cited(ov)


def test_stream_yields_links_then_tokens_then_final(tiny_settings, embedder):
    a, _ = make(tiny_settings, embedder, "The tower was constructed from 1887 to 1889 [1].")
    events = list(a.stream("When was the Eiffel Tower built?"))
    assert isinstance(events[0], LinksEvent) and events[0].page.links[0].title == "Eiffel Tower"
    assert all(isinstance(e, TokenEvent) for e in events[1:-1]) and len(events) > 3
    final = events[-1]
    assert isinstance(final, FinalEvent)
    assert final.overview.timings.first_token_ms is not None
    assert final.overview.timings.links_ms <= final.overview.timings.first_token_ms <= final.overview.timings.total_ms
    assert "1889" in final.overview.text
    assert_well_cited(final.overview)


def test_unanswerable_question_abstains_plainly(tiny_settings, embedder):
    a, gen = make(tiny_settings, embedder, "Something made up [1].")
    ov = a.answer("What is the best recipe for banana bread?")
    assert ov.abstained and ov.text == ABSTAIN_TEXT and ov.sources == []
    assert ov.decision == "abstain"  # rag.answer.overview.decide
    assert len(ov.links) == 7  # the links are still shown
    assert gen.prompts == []  # nothing was asked of the model


def test_failing_model_degrades_to_quotes_with_a_notice(tiny_settings, embedder):
    from rag.errors import GenerationError
    from rag.answer.generation import Generator

    class Broken(Generator):
        def stream(self, messages, max_tokens=96, temperature=0.0):
            raise GenerationError("server down")
            yield

    a = Assistant(tiny_settings, embedder=embedder, generator=Broken())
    ov = a.answer("how high is mount everest")
    assert ov.sentences[0].origin == "quoted" and "8,849" in ov.text
    assert any("server down" in n for n in ov.notices)
    assert_well_cited(ov)


@pytest.mark.parametrize("query", ["", "   ", "\n\t", None])
def test_empty_query_is_refused(tiny_settings, embedder, query):
    a, _ = make(tiny_settings, embedder)
    with pytest.raises(BadQuery, match="empty"):
        a.search(query)


def test_huge_query_is_truncated_with_a_notice(tiny_settings, embedder):
    a, _ = make(tiny_settings, embedder)
    page = a.search("mona lisa " * 1000)
    assert len(page.query) <= tiny_settings.max_query_chars
    assert page.notices and "10,000 characters" in page.notices[0]
    assert page.links[0].title == "Mona Lisa"


def test_unknown_index(tiny_settings, embedder):
    a, _ = make(tiny_settings, embedder)
    with pytest.raises(IndexNotFound, match="rag index build"):
        a.search("x", index="nope")


@pytest.mark.slow
def test_real_model_answers_with_in_range_citations(tiny_settings, embedder, smollm):
    a = Assistant(tiny_settings, embedder=embedder, generator=smollm)
    for q in ["Who painted the Mona Lisa?", "Who created Python?", "How high is Mount Everest?"]:
        ov = a.answer(q)
        assert not ov.abstained, q
        assert ov.draft.strip(), "the model wrote nothing"
        assert_well_cited(ov)
        assert len(ov.text.split()) <= MAX_WORDS + 10

