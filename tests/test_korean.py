"""Korean end to end: a Korean question gets correct cited evidence or an honest Korean "not found"."""

import json
from pathlib import Path

import pytest

from rag import Assistant, BadQuery
from rag.answer.types import answer_type, fine_type, has_answer_type
from rag.store.local import Index, build_index, load_index
from rag.messages import message

from conftest import ScriptedGenerator
from corpus import documents, korean_documents

FIXTURE = Path(__file__).parent / "fixtures" / "korean-vital-30.jsonl"
QUESTIONS = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def korean_settings(tmp_path_factory, embedder, tiny_settings):
    """The English tiny index beside a Korean one and a mixed one, in one index folder."""
    settings = tiny_settings.replace(index_dir=tmp_path_factory.mktemp("ko-indexes"), generate=False)
    build_index(documents(), settings, "tiny", "test:tiny", embedder, progress=False)
    build_index(korean_documents(), settings, "tiny-ko", "test:tiny-ko", embedder, lang="ko", progress=False)
    build_index(documents() + korean_documents(), settings, "mixed", "test:mixed", embedder, progress=False)
    return settings


@pytest.fixture(scope="module")
def ko(korean_settings, embedder):
    return Assistant(korean_settings, embedder=embedder, generator=ScriptedGenerator())


# -- the 30 Korean questions whose answers are in vital --------------------------------------------

def test_the_fixture_holds_30_questions_whose_gold_articles_hold_the_answer():
    from rag.ingest.sources import load_corpus

    vital = {d.title: d.text for d in load_corpus("vital")}
    assert len(QUESTIONS) == 30 and len({q["question"] for q in QUESTIONS}) == 30
    for q in QUESTIONS:
        assert all(t in vital for t in q["gold_titles"]), q
        assert any(q["answers"][0] in vital[t] for t in q["gold_titles"]), q


def test_every_korean_question_on_an_english_only_index_gets_a_korean_not_found(ko):
    for q in QUESTIONS:
        ov = ko.answer(q["question"], index="tiny")
        assert ov.abstained and ov.text == message("abstain", "ko"), q["question"]
        assert ov.sources == [] and any("영어 전용" in n for n in ov.notices)
        assert ov.links  # the links are still shown, under the same notice
    page = ko.search(QUESTIONS[0]["question"], index="tiny")
    assert any("RAG_EMBED_MODEL=multilingual-e5-small" in n for n in page.notices)


# -- a Korean index: kiwi BM25, Korean sentences, answer typing ----------------------------------------

def test_a_korean_index_records_the_kiwi_analyzer(korean_settings, embedder):
    idx = load_index("tiny-ko", korean_settings, embedder.name)
    assert idx.manifest["bm25"]["analyzer"] == "kiwi" and idx.analyzer == "kiwi"
    assert load_index("tiny", korean_settings, embedder.name).analyzer == "english"


@pytest.mark.parametrize("question, title, answer", [
    ("에펠탑은 언제 지어졌나?", "에펠탑", "1889"),
    ("모나리자를 그린 화가는 누구인가?", "모나리자", "레오나르도 다 빈치"),
    ("한글을 만든 왕은 누구인가?", "세종대왕", "세종대왕"),
])
def test_korean_question_on_a_korean_index_gets_cited_korean_evidence(ko, question, title, answer):
    ov = ko.answer(question, index="tiny-ko")
    assert ov.links[0].title == title
    cited = ov.sources[ov.sentences[0].citations[0] - 1].title
    assert not ov.abstained and cited == title
    # the answer is in the overview, or (a Korean sentence often leaves its subject unsaid: "1443년에 …
    # 한글을 만들었다") in the title of the source the lead cites, which the page shows beside it
    assert answer in ov.text or answer == cited


def test_a_mixed_corpus_answers_both_languages(ko):
    assert ko.search("에펠탑은 언제 지어졌나?", index="mixed").links[0].title == "에펠탑"
    assert ko.search("When was the Eiffel Tower built?", index="mixed").links[0].title == "Eiffel Tower"
    assert ko.search("모나리자를 그린 화가", index="mixed").links[0].title == "모나리자"


def test_an_index_built_before_the_analyzer_was_recorded_reads_as_it_was_built():
    old = lambda bm25: Index("old", Path(), {"bm25": bm25}, {}, [], None, None)  # noqa: E731
    assert old({"stopwords": "en", "stemmer": "english"}).analyzer == "english"
    assert old({"stopwords": None, "stemmer": None}).analyzer == "plain"  # the Korean eval index of before
    assert Index("older", Path(), {}, {}, [], None, None).analyzer == "plain"


# -- never an off-topic overview -------------------------------------------------------------------------

def test_evidence_about_another_subject_is_no_answer(ko):
    ov = ko.answer("What is the capital of Wakanda?", index="tiny")
    assert ov.abstained and ov.text == message("abstain", "en")
    ov = ko.answer("나폴레옹은 언제 태어났나?", index="tiny-ko")
    assert ov.abstained and ov.text == message("abstain", "ko")


# -- Korean bad input -----------------------------------------------------------------------------------

def test_jamo_only_input_says_so_in_korean(ko):
    for raw in ("ㅋㅋㅋ", "ㅁㄴㅇㄹ ㅎㅎ", "  ㅠㅠ  "):
        with pytest.raises(BadQuery, match="낱자"):
            ko.search(raw, index="tiny-ko")


def test_full_width_mixed_and_very_long_korean_queries(ko):
    page = ko.search("ＥＩＦＦＥＬ　Ｔｏｗｅｒ", index="mixed")
    assert page.query == "EIFFEL Tower" and page.links[0].title == "Eiffel Tower"
    assert any("Full-width characters" in n and "ＥＩＦＦＥＬ" in n for n in page.notices)
    page = ko.search("ＥＩＦＦＥＬ 에펠탑은 언제 지어졌나？", index="mixed")
    assert page.query == "EIFFEL 에펠탑은 언제 지어졌나?"
    assert {link.title for link in page.links[:2]} == {"에펠탑", "Eiffel Tower"}
    assert any("전각" in n for n in page.notices)  # a Korean query: the notice is in Korean
    long = "에펠탑은 언제 지어졌나 " * 100
    page = ko.search(long, index="tiny-ko")
    assert len(page.query) <= ko.settings.max_query_chars and page.links[0].title == "에펠탑"
    assert any("너무 길어" in n for n in page.notices)
    assert ko.search("Mona Lisa 모나리자 モナ・リザ 蒙娜丽莎", index="mixed").links


# -- Korean answer typing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("question, kind", [
    ("모나리자를 그린 화가는 누구인가?", "name"), ("에펠탑은 언제 지어졌나?", "year"),
    ("타지마할은 어디에 있나?", "place"), ("모차르트는 몇 개의 작품을 남겼나?", "number"),
    ("나일강의 길이는 얼마인가?", "number"), ("콜럼버스는 몇 년에 아메리카에 도착했나?", "year"),
    ("김을동이 고등학교를 졸업한 년도는?", "year"), ("방탄소년단이 빌보드 200에 첫 진입한 해는?", "year"),
    ("조약이 체결된 날짜는?", "year"), ("2019년도 예산은 얼마인가?", "number"), ("피해는 어디에서 컸나?", "place"),
])
def test_korean_question_words_give_answer_types(question, kind):
    assert answer_type(question) == kind


def test_korean_typed_sentences():
    assert has_answer_type("1889년에 완공되었다.", "year", frozenset())
    assert not has_answer_type("철탑이다.", "year", frozenset())
    assert has_answer_type("레오나르도 다 빈치가 그렸다.", "name", frozenset({"모나리자"}))
    assert fine_type("에베레스트산의 높이는 얼마인가?") == "measure"
    assert has_answer_type("높이는 8,849 미터이다.", "measure", frozenset())


# -- a multilingual index: the embedder is recorded per index and used for it -------------------------------

def test_korean_question_finds_the_english_article_on_a_multilingual_index(korean_settings, embedder):
    from rag.embed.embedder import Embedder

    build_index(documents(), korean_settings, "tiny-multi", "test:tiny", Embedder("multilingual-e5-small"),
                progress=False)
    a = Assistant(korean_settings, embedder=embedder, generator=ScriptedGenerator())  # MiniLM configured
    assert a.index_info("tiny-multi")["embedding_model"] == "multilingual-e5-small"
    ov = a.answer("모나리자를 그린 화가는 누구인가?", index="tiny-multi")
    assert ov.links[0].title in ("Mona Lisa", "Leonardo da Vinci") and not ov.notices
    assert not ov.abstained and "Leonardo da Vinci" in ov.text  # English evidence, quoted
    assert a.embedder_for(load_index("tiny-multi", korean_settings)).name == "multilingual-e5-small"


def test_a_misspelt_name_is_a_typo_not_another_subject():
    from rag.answer.abstain import _near
    from rag.text import terms

    # KorQuAD's own questions: "흥신학원" for the passage's 홍신학원, "히데카" for 히데코
    assert _near("흥신", terms("홍신학원 재직 교사들로부터 정치후원금을 받았다"))
    assert _near("히데카", terms("히데코가 낭독회에서 서책을 낭독한다"))
    assert not _near("wakanda", terms("Abuja is the capital city of Nigeria, not of Kenya or Wales."))
    assert not _near("나폴레옹", terms("세종대왕은 조선의 제4대 왕이다. 나폴리는 이탈리아의 도시이다."))


def test_a_name_kiwi_splits_in_the_passage_is_not_an_unknown_subject():
    from types import SimpleNamespace

    from rag.answer.abstain import unknown_subject
    from rag.schema import Chunk, Hit, Passage

    # KorQuAD: "김문기가 살해된 사건의 이름은?" abstained while the passage read said "… 살해된 김문기의 후손이다":
    # kiwi reads the passage's 김문기의 as 김 / 문, so the BM25 vocabulary never held the question's name
    index = SimpleNamespace(analyzer="kiwi", knows=lambda term: False)
    text = "그는 김녕 김씨 28대손으로 사육신 사건 무렵 살해된 김문기의 후손이다."
    read = [Passage(Hit(Chunk(0, "d", text, 0), 1.0), 0)]
    assert not unknown_subject("김문기가 살해된 사건의 이름은?", index, read)
    assert unknown_subject("박문수가 살해된 사건의 이름은?", index, read)
