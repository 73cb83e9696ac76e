"""Answer matching by the official SQuAD/KorQuAD rules, ranking metrics through ranx, short answers."""

import math

import pytest

from eval.arms import short_answer
from eval.metrics import (best_f1, char_f1, contains_answer, exact_match, median, normalize_answer,
                          normalize_korquad, ranking_scores, token_f1)


def test_squad_normalisation():
    assert normalize_answer("The  Louvre, in Paris!") == "louvre in paris"
    assert normalize_answer("An apple a day") == "apple day"


def test_containment_matches_whole_words_in_english():
    assert contains_answer("It was stolen in 1911 and recovered.", ["1911"])
    assert not contains_answer("It was stolen in 19110.", ["1911"])
    assert contains_answer("painted by Leonardo da Vinci.", ["the Leonardo da Vinci"])  # articles ignored
    assert not contains_answer("painted by Leonardo", ["Leonardo da Vinci"])
    # a possessive and a long dash break words in running text; a hyphen does not
    assert contains_answer("forgiveness was God's alone to grant", ["God"])
    assert contains_answer("retrograde signaling—signals from the chloroplast", ["signals from the chloroplast"])
    assert contains_answer("the years 1914–1918", ["1918"])
    assert not contains_answer("various gold-themed initiatives", ["Gold"])
    assert contains_answer("the Lord's Prayer", ["Lord's Prayer"])


def test_containment_matches_characters_in_korean():
    # the particle 에 is attached to the answer: a word match would miss it
    assert contains_answer("에펠탑은 1889년에 완공되었다.", ["1889년"], "ko")
    assert not contains_answer("에펠탑은 1890년에 완공되었다.", ["1889년"], "ko")


def test_korquad_normalisation_blanks_brackets():
    assert normalize_korquad("《반지의 제왕》") == "반지의 제왕"


def test_char_f1_by_hand():
    # prediction 1889년에 (6 chars), gold 1889년 (5 chars): 5 in common -> P=5/6, R=1, F1=10/11
    assert char_f1("1889년에", "1889년") == pytest.approx(10 / 11)
    assert char_f1("abc", "xyz") == 0.0
    assert best_f1("1889년에", ["1900년", "1889년"], "ko") == pytest.approx(10 / 11)


def test_token_f1_and_exact_match():
    assert token_f1("Leonardo da Vinci", "da Vinci") == pytest.approx(0.8)
    assert exact_match("the Louvre.", ["Louvre"]) == 1.0
    assert exact_match("Paris", ["Louvre"]) == 0.0


def test_ranking_scores_from_ranx():
    qrels = {"a": {"d1": 1}, "b": {"d2": 1, "d3": 1}, "c": {}, "d": {"d9": 1}}
    run = {"a": {"d1": 1.0, "x": 0.5}, "b": {"x": 1.0, "d3": 0.5}, "c": {"x": 1.0}, "d": {}}
    s = ranking_scores(qrels, run)
    assert s["recall@1"] == {"a": 1.0, "b": 0.0, "c": 0.0, "d": 0.0}
    assert s["recall@10"]["b"] == 0.5
    assert s["mrr@10"]["b"] == 0.5
    assert s["ndcg@10"]["a"] == 1.0


def test_median_keeps_infinity():
    assert median([1, 2, math.inf]) == 2
    assert median([math.inf, math.inf, 3]) == math.inf


@pytest.mark.parametrize("sentence, question, expected", [
    ("The Mona Lisa was painted by Leonardo da Vinci.", "Who painted the Mona Lisa?", "Leonardo da Vinci"),
    ("It was stolen in 1911.", "When was the Mona Lisa stolen?", "1911"),
    ("Mona Lisa painted.", "Who painted the Mona Lisa?", None),
])
def test_short_answer(sentence, question, expected):
    assert short_answer(sentence, question) == expected


def test_yes_no_answers_count_only_when_the_text_opens_with_them():
    assert contains_answer("Yes: the sources say it of both.", ["yes"])
    assert not contains_answer("There is no evidence; no one knows.", ["no"])
    assert not contains_answer("No: one is American, the other British.", ["yes"])
    assert contains_answer("No: one is American, the other British.", ["no"])


def test_reading_effort_counts_words_down_to_the_answer_as_for_the_links():
    from eval.arms import Judge
    from eval.datasets import Question

    q = Question("q", "Who painted the Mona Lisa?", ("Leonardo da Vinci",))
    lead, other = "The Mona Lisa is a portrait by Leonardo da Vinci.", "It hangs in the Louvre in Paris."
    assert Judge.effort([other, lead], q) == 7 + 10  # the second sentence answers: both are read
    assert Judge.effort(["Leonardo da Vinci", lead, other], q) == 3  # the bold short answer first
    assert Judge.effort([lead, other], q) == 10
    assert Judge.effort([other], q) == 7  # never held by one piece: all of it read


def test_containment_is_also_given_without_questions_that_name_their_answer():
    from eval.report import answer_figures

    def arm(contains, named):
        return {"contains": contains, "answer_named": named, "abstained": False, "supported": [], "short_answer": None,
                "citation_precision": 1.0, "cites_gold": True, "words": 10, "effort_words": 10}

    figures = answer_figures([arm(True, True), arm(True, True), arm(True, False), arm(False, False)], "en")
    assert figures["answer_containment"] == 0.75
    assert figures["answer_containment_unnamed"] == 0.5  # "Letters to Cleo or Screaming Trees?" left out


def test_answers_are_also_counted_by_whether_the_passages_read_held_the_answer():
    from eval.report import answer_figures

    def arm(contains, read, **said):
        return {"contains": contains, "answer_in_passages": read, "abstained": False, "supported": [],
                "short_answer": None, "citation_precision": 1.0, "cites_gold": True, "words": 10, "effort_words": 10,
                **said}

    figures = answer_figures([arm(True, True), arm(False, True, collapsed=True), arm(False, False, found_only=True),
                              arm(False, False), arm(False, False, abstained=True)], "en")
    assert figures["answer_containment"] == 0.2
    assert figures["answer_containment_where_read"] == 0.5
    assert figures["not_answered_where_read"] == 0.5  # the folded one
    assert figures["not_answered_where_missing"] == 0.6667  # said so, and abstained; one answered from nothing
