"""The four dataset formats load into the same Questions, with exact gold documents; bad input is one error."""

import json
from pathlib import Path

import pytest

from eval.datasets import load_dataset
from rag.errors import CorpusError

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_squad_questions_and_corpus():
    ds = load_dataset(f"squad:{FIXTURES / 'tiny-squad.json'}")
    assert [q.id for q in ds.questions] == ["mona0", "mona1", "eiff0", "moun0", "pyth0"]
    assert ds.questions[0].relevant == ("squad:Mona Lisa:0",)
    assert ds.questions[0].answers == ("Leonardo da Vinci",)
    # paragraphs without questions are documents too
    assert len(ds.documents) == 5 and ds.documents[-1].id == "squad:Photosynthesis:0"
    assert ds.relevance == "doc_id" and ds.lang == "en"


def test_squad_korean_is_detected(squad_file):
    ds = load_dataset(f"squad:{squad_file}")
    assert [q.lang for q in ds.questions] == ["en", "en", "ko"]


def test_hotpot_corpus_is_the_union_of_contexts_and_supporting_paragraphs_are_gold():
    ds = load_dataset(f"hotpot:{FIXTURES / 'tiny-hotpot.jsonl'}")
    assert len(ds.documents) == 6  # 9 contexts, Eiffel Tower and Mona Lisa repeated
    assert ds.questions[0].relevant == ("hotpot:Mona Lisa:0", "hotpot:Leonardo da Vinci:0")
    assert ds.questions[2].answers == ("Ming dynasty", "the Ming")


def test_nq_has_no_gold_documents():
    ds = load_dataset(f"nq:{FIXTURES / 'tiny-nq.jsonl'}")
    assert ds.relevance == "answer" and not ds.documents
    assert ds.questions[1].answers == ("8,849 metres", "8849 m") and ds.questions[1].relevant == ()


def test_own_jsonl_uses_relevant_urls():
    ds = load_dataset(f"jsonl:{FIXTURES / 'tiny.jsonl'}")
    assert ds.relevance == "url"
    assert ds.questions[0].relevant == ("https://en.wikipedia.org/wiki/Mona_Lisa",
                                        "https://en.wikipedia.org/wiki/Leonardo_da_Vinci")


def test_same_seed_same_sample():
    ds = load_dataset(f"squad:{FIXTURES / 'tiny-squad.json'}")
    first = [q.id for q in ds.sample(3, seed=7)]
    assert first == [q.id for q in ds.sample(3, seed=7)]
    assert len(set(first)) == 3
    assert {tuple(q.id for q in ds.sample(3, seed=s)) for s in range(10)} != {tuple(first)}  # the seed matters
    assert [q.id for q in ds.sample(None, 0)] == [q.id for q in ds.questions]


@pytest.mark.parametrize("spec, fragment", [
    ("squad", "unknown dataset"),
    ("trec:x.json", "unknown dataset"),
    ("squad:/no/such/file.json", "does not exist"),
])
def test_bad_specs(spec, fragment):
    with pytest.raises(CorpusError, match=fragment):
        load_dataset(spec)


def test_missing_field_names_the_record(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"question": "q?"}) + "\n")
    with pytest.raises(CorpusError, match="record 1 has no 'answer' field"):
        load_dataset(f"nq:{path}")
    path.write_text("{not json\n")
    with pytest.raises(CorpusError, match="line 1 is not JSON"):
        load_dataset(f"jsonl:{path}")


def test_the_everyday_questions_load_as_typed_english_questions_with_answers():
    # eval/everyday.jsonl: the short questions a newcomer types first (docs/evaluation.md, seventeenth round)
    ds = load_dataset(f"jsonl:{Path(__file__).parents[1] / 'eval' / 'everyday.jsonl'}")
    assert len(ds.questions) == 40 and len({q.id for q in ds.questions}) == 40
    assert all(q.lang == "en" and q.question == q.question.lower() and q.answers for q in ds.questions)
    assert ds.relevance == "answer"
    # eval/everyday-capitalised.jsonl: the same questions as a newcomer writes them out (twenty-second round)
    written = load_dataset(f"jsonl:{Path(__file__).parents[1] / 'eval' / 'everyday-capitalised.jsonl'}")
    assert [q.answers for q in written.questions] == [q.answers for q in ds.questions]
    assert all(q.question[0].isupper() and q.question.endswith("?") for q in written.questions)


def test_the_definition_questions_each_ask_what_one_thing_is():
    # eval/definitions.jsonl: "What is DNA?", "who was napoleon", "define democracy" (docs/evaluation.md, 23rd round)
    from rag.retrieve.hop import defined_keys

    ds = load_dataset(f"jsonl:{Path(__file__).parents[1] / 'eval' / 'definitions.jsonl'}")
    assert len(ds.questions) == 30 and len({q.id for q in ds.questions}) == 30
    assert all(q.lang == "en" and q.answers and defined_keys(q.question) for q in ds.questions)


def test_the_people_questions_each_name_a_person_by_the_surname_alone():
    # eval/people.jsonl: "Where was Shakespeare born?", "when did lincoln die" (docs/evaluation.md, 24th round)
    ds = load_dataset(f"jsonl:{Path(__file__).parents[1] / 'eval' / 'people.jsonl'}")
    assert len(ds.questions) == 20 and len({q.id for q in ds.questions}) == 20
    assert all(q.lang == "en" and q.answers for q in ds.questions)
    surnames = ("shakespeare einstein beethoven darwin mozart newton picasso gandhi lincoln tolstoy columbus dickens "
                "hitler churchill edison freud mandela marx tesla curie").split()
    assert [s for q, s in zip(ds.questions, surnames) if s in q.question.lower()] == surnames
