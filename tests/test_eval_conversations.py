"""The conv: evaluation format, its HotpotQA conversion script, and the per-turn judge."""

import json

import pytest

from rag import Assistant, CorpusError
from eval.conversations import judge, load_conversations, summarise
from eval.make_conv import convert, split_question

from conftest import ScriptedGenerator


def hotpot_row(question, answer, first, bridge, qid="q1"):
    return {"question_id": qid, "question_text": question, "answers_objects": [{"spans": [answer]}],
            "contexts": [{"title": first[0], "paragraph_text": first[1], "is_supporting": True},
                         {"title": bridge[0], "paragraph_text": bridge[1], "is_supporting": True},
                         {"title": "Other", "paragraph_text": "Unrelated text.", "is_supporting": False}]}


ARENA = hotpot_row(
    "The arena where the Lewiston Maineiacs played their home games can seat how many people?", "3,677 seated",
    ("Lewiston Maineiacs", "The Lewiston Maineiacs were a junior ice hockey team. The team played its home games "
                           "at the Androscoggin Bank Colisée."),
    ("Androscoggin Bank Colisée", "The Androscoggin Bank Colisée is a 4,000 capacity (3,677 seated) arena. It "
                                  "opened in 1958."))
ROVELLI = hotpot_row(
    "Seven Brief Lessons on Physics was written by an Italian physicist that has worked in France since what year?",
    "2000", ("Seven Brief Lessons on Physics", "Seven Brief Lessons on Physics is a book by Carlo Rovelli."),
    ("Carlo Rovelli", "Carlo Rovelli (born 3 May 1956) is an Italian physicist. He has worked in France since 2000."))


def test_a_bridge_question_becomes_two_turns_and_a_ceiling():
    conv = convert(ARENA, "hotpot:/x")
    first, second = conv["turns"]
    assert first == {"question": "What is the arena where the Lewiston Maineiacs played their home games?",
                     "answers": ["Androscoggin Bank Colisée"], "titles": ["Lewiston Maineiacs"]}
    assert second["question"] == "It can seat how many people?"
    assert second["spelled_out"] == "Androscoggin Bank Colisée can seat how many people?"
    assert (second["answers"], second["titles"], conv["source"]) == (["3,677 seated"], ["Androscoggin Bank Colisée"],
                                                                     "hotpot:/x")


def test_a_description_after_the_title_asks_which_and_a_person_is_he():
    first, second = convert(ROVELLI, "hotpot:/x")["turns"]
    assert first["question"] == "Seven Brief Lessons on Physics was written by which Italian physicist?"
    assert second["question"] == "He has worked in France since what year?"
    assert second["spelled_out"] == "Carlo Rovelli has worked in France since what year?"


def test_comparisons_yes_no_and_unsplittable_questions_are_skipped():
    both_named = hotpot_row("Are the Lewiston Maineiacs and Androscoggin Bank Colisée in Maine?", "yes",
                            ("Lewiston Maineiacs", "x"), ("Androscoggin Bank Colisée", "y"))
    assert convert(both_named, "hotpot:/x") is None
    assert split_question("Lewiston Maineiacs can seat how many people?", "Androscoggin Bank Colisée", "it",
                          "Lewiston Maineiacs") is None


def test_bad_conversation_files_are_clear_errors(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"turns": [{"answers": ["x"]}]}\n')
    with pytest.raises(CorpusError, match="line 1 is not"):
        load_conversations(f"conv:{path}")
    with pytest.raises(CorpusError, match="make one with"):
        load_conversations(f"conv:{tmp_path / 'missing.jsonl'}")


def test_judge_measures_the_resolved_turn_against_the_ceiling(tiny_settings, embedder, tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "c1", "turns": [
        {"question": "Who painted the Mona Lisa?", "answers": ["Leonardo da Vinci"], "titles": ["Mona Lisa"]},
        {"question": "When was he born?", "answers": ["1452", "1452–1519"], "titles": ["Leonardo da Vinci"],
         "spelled_out": "When was Leonardo da Vinci born?", "entity": "Leonardo da Vinci"}]}) + "\n")
    case = load_conversations(f"conv:{path}").cases[0]
    a = Assistant(tiny_settings.replace(generate=False), embedder=embedder, generator=ScriptedGenerator())
    record = judge(a, case, "tiny")
    second = record["turns"][1]
    assert second["resolved_query"] == "When was Leonardo da Vinci born?" and second["entity_put_in"]
    assert second["recall@10"] == second["ceiling_recall@10"] == 1.0
    assert second["contains"] and second["ceiling_contains"]
    summary = summarise([record])
    assert (summary["later_turns"], summary["recall@10"], summary["containment"]) == (1, 1.0, 1.0)


def test_squad_questions_about_one_subject_become_a_pronoun_follow_up(tmp_path):
    from eval.conv_squad import english_turn, korean_turn, squad_conversations

    assert english_turn("What was Nikola Tesla's ethnicity?", "Nikola Tesla", "he", False) == "What was his ethnicity?"
    assert english_turn("In what year was Nikola Tesla born?", "Nikola Tesla", "he", False) == \
        "In what year was he born?"
    assert english_turn("When were the Normans in Normandy?", "Normans", "they", False) == "When were they in Normandy?"
    assert english_turn("What year was Casimir Pulaski born in Warsaw?", "Warsaw", "it", True) == \
        "What year was Casimir Pulaski born there?"
    assert english_turn("What is a ctenophora?", "Ctenophora", "it", False) is None  # "a it"
    assert english_turn("What caused the emigration of Huguenot refugees?", "Huguenot", "they", False) is None
    assert korean_turn("반기문이 졸업한 중학교의 이름은 무엇인가?", "반기문", True) == \
        "그가 졸업한 중학교의 이름은 무엇인가?"
    assert korean_turn("금강산의 여름 이름은?", "금강산", False) == "그것의 여름 이름은?"
    assert korean_turn("금강산에서의 일은?", "금강산", False) is None  # no particle fits a compound

    text = "Nikola Tesla (10 July 1856 – 7 January 1943) was an inventor. He was born in Smiljan."
    qas = [{"id": "a", "question": "Who did Nikola Tesla work for?", "answers": [{"text": "Edison"}]},
           {"id": "b", "question": "When did Nikola Tesla die?", "answers": [{"text": "7 January 1943"}]}]
    path = tmp_path / "squad.json"
    path.write_text(json.dumps({"data": [{"title": "Nikola_Tesla", "paragraphs": [{"context": text, "qas": qas}]}]}))
    convs, looked = squad_conversations(path, "squad:x")
    assert looked == 2 and len(convs) == 1
    second = convs[0]["turns"][1]
    assert second["question"] in ("When did he die?", "Who did he work for?")
    assert second["entity"] == "Nikola Tesla" and convs[0]["part"] in ("fit", "heldout")


def test_a_korean_answer_is_contained_with_its_particle():
    from types import SimpleNamespace

    from eval.conversations import contained

    quote = SimpleNamespace(text="그는 1889년에 태어났다.", origin="quoted")
    said = SimpleNamespace(abstained=False, sentences=[quote])
    assert contained(said, ["1889년"], "그는 언제 태어났나?")
    assert not contained(said, ["1889년"], "When was he born?")  # English matches whole words
