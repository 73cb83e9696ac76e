"""rag.text: the one text toolkit (language, terms, BM25 tokens, sentences, JSON lines)."""

import pytest

from rag.errors import CorpusError
from rag.text import (analyzer_for, bm25_tokens, fold_width, hangul_share, iter_jsonl, jamo_only, lang_of, names,
                      split_sentences, stem, terms)


def test_language_is_the_share_of_hangul_letters():
    assert lang_of("모나리자를 그린 화가는 누구인가?") == "ko"
    assert lang_of("BTS 멤버는 누구?") == "ko"
    assert lang_of("iPhone 15 출시일") == "ko"
    assert lang_of("What does 사랑 mean?") == "en"  # English with one Korean word
    assert lang_of("Who painted the Mona Lisa?") == "en"
    assert lang_of("") == "en" and hangul_share("123 !?") == 0.0


def test_jamo_only_is_loose_letters_and_nothing_else():
    assert jamo_only("ㅋㅋㅋ") and jamo_only("ㅁㄴㅇㄹ ㅎㅎ")
    assert not jamo_only("ㅋㅋ 모나리자") and not jamo_only("ok") and not jamo_only("123")


def test_full_width_forms_become_ordinary_characters():
    assert fold_width("ＭＯＮＡ　ＬＩＳＡ？") == "MONA LISA?"
    assert fold_width("ㅋ ① 모나리자") == "ㅋ ① 모나리자"  # jamo and circled numbers are left alone


def test_english_terms_are_stems_without_stop_words():
    assert terms("Who painted the Mona Lisa?") == {"paint", "mona", "lisa"}
    assert stem("paintings") == stem("painting") == "paint"
    assert names("What is the capital of Wakanda?") == {"wakanda"}


def test_korean_terms_are_morphemes_without_particles_or_endings():
    got = terms("모나리자를 그린 화가는 누구인가?")
    assert {"모나리자", "그리", "화가"} <= got
    assert not {"를", "는", "누구", "인가", "ㄴ가"} & got  # particles, endings, the question word
    assert "모나리자" in names("모나리자를 그린 화가는 누구인가?")


def test_mixed_text_gives_korean_morphemes_and_english_stems():
    got = terms("Apple은 iPhone을 만들었다")
    assert {"appl", "iphon", "만들"} <= got


def test_bm25_analyzers():
    assert analyzer_for(["The Mona Lisa", "Paris"]) == "english"
    assert analyzer_for(["The Mona Lisa", "에펠탑은 파리에 있다"]) == "kiwi"  # a mixed corpus
    # an English corpus that mentions a Korean name now and then stays English (vital: Daegu, 대구)
    assert analyzer_for(["Daegu (대구) is a city in South Korea."] + ["English text."] * 200) == "english"
    assert analyzer_for(["모나리자"] + ["English text."] * 50) == "kiwi"
    assert bm25_tokens(["The paintings of Paris"], "english") == [["paint", "pari"]]
    assert bm25_tokens(["에펠탑은 파리에 있다"], "kiwi") == [["에펠탑", "파리"]]
    assert bm25_tokens(["에펠탑은 파리에 있다"], "plain") == [["에펠탑은", "파리에", "있다"]]


def test_korean_sentences_split_without_full_stops():
    text = "에펠탑은 파리에 있는 철탑이에요 그리고 1889년에 완공되었다. The tower is 330 metres tall. It is iron."
    assert split_sentences(text, "ko") == ["에펠탑은 파리에 있는 철탑이에요", "그리고 1889년에 완공되었다.",
                                          "The tower is 330 metres tall.", "It is iron."]
    assert split_sentences("One sentence here.  Another   one.", "en") == ["One sentence here.", "Another one."]


def test_jsonl_reader_names_the_bad_line():
    assert list(iter_jsonl(['{"a": 1}', "", '{"b": 2}'], "x.jsonl")) == [(1, {"a": 1}), (3, {"b": 2})]
    with pytest.raises(CorpusError, match=r"x.jsonl line 2 is not JSON"):
        list(iter_jsonl(['{"a": 1}', "{oops"], "x.jsonl"))
    with pytest.raises(CorpusError, match=r"line 1 is not a JSON object"):
        list(iter_jsonl(["[1, 2]"], "x.jsonl"))
