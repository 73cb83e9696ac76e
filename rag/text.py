"""One text toolkit: language, terms, BM25 tokens, sentences and JSONL, for every stage alike.

    hangul_share(text) / lang_of(text)   share of letters that are Hangul; "ko" or "en"
    jamo_only(text)                      letters are all loose jamo ("ㅋㅋ", "ㅁㄴㅇㄹ"): no word to search
    terms(text)                          content terms, for term overlap, novelty, snippets and the checker:
                                         English words stemmed (PyStemmer), stop words dropped; Korean
                                         morphemes (kiwipiepy) with particles and endings dropped
    stem(word)                           one word's term
    bm25_tokens(texts, analyzer)         tokens for bm25s: "english" (stop words + Snowball), "kiwi"
                                         (Korean morphemes, English words inside stemmed), "plain"
                                         (bm25s's own split, what old Korean indexes were built with)
    analyzer_for(texts)                  the analyzer a corpus needs: "kiwi" when it holds Korean
    split_sentences(text, lang)          sentencex; Korean through kiwi's split_into_sents
    read_jsonl(path) / iter_jsonl(lines, name)   JSON lines, with the line number of a bad one

Kiwi (~100 MB of model, ~1.5 s to load) is loaded only when Korean text is met, once per process:
an English-only set-up never pays for it.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from rag.errors import CorpusError, require

HANGUL = re.compile(r"[\uac00-\ud7a3]")  # composed syllables
JAMO = re.compile(r"[\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\ud7b0-\ud7ff]")  # loose consonants and vowels
WORD = re.compile(r"\w+", re.UNICODE)
# A text is Korean when at least this share of its letters is Hangul: "BTS 멤버는 누구?" (0.6) and
# "iPhone 15 출시일" (0.33) are Korean, "What does 사랑 mean?" (0.14) is English with a Korean word.
KOREAN_SHARE = 0.3

# English words that carry no topic, for term overlap (not BM25, whose list is bm25s's own): bm25s's
# 33 words plus pronouns, question words and auxiliaries, which a question always holds and an
# answer sentence seldom repeats ("many", "name" included for "how many", "what is the name of").
STOP = frozenset(
    "a an and are as at be but by for from has have he her his how i if in into is it its no not of on or "
    "she such that the their them then there these they this to was were what when where which who whom "
    "whose why will with you your did does do many much name named".split()
)
# Korean morphemes that carry no topic: question words (누구 "who", 무엇 "what", 어디 "where", 언제
# "when", 얼마 "how much", 몇 "how many", 어느/어떤 "which") and light verbs (하다, 되다, 있다, 없다).
STOP_KO = frozenset("누구 무엇 뭐 어디 언제 얼마 몇 어느 어떤 어떻 왜 하 되 있 없 이 그 저 것 수 등 때 같".split())
# Kiwi tags kept as content: nouns, numerals, verb and adjective stems, roots, foreign words,
# Chinese characters and numbers. Particles (J*), endings (E*), suffixes (XS*), copulas (VC*),
# bound nouns (NNB: 년, 개, 것), pronouns (NP), adverbs and punctuation are dropped.
KIWI_CONTENT = frozenset("NNG NNP NR VV VA XR SL SH SN".split())

_kiwi = None
_kiwi_lock = threading.Lock()


# -- language -------------------------------------------------------------------------------------

def hangul_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if HANGUL.match(c) or JAMO.match(c)) / len(letters) if letters else 0.0


def has_hangul(text: str) -> bool:
    return bool(HANGUL.search(text))


def lang_of(text: str) -> str:
    """The language a reader of this text expects: our users write Korean or English."""
    return "ko" if hangul_share(text) >= KOREAN_SHARE else "en"


def jamo_only(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(JAMO.match(c) for c in letters)


# Full-width forms (ＡＢＣ１２３, "？") and the ideographic space, typed with a CJK input method, become the
# ordinary characters, which is what every index holds. Not NFKC on the whole query: that would also
# turn compatibility jamo (ㅋ) into conjoining jamo and circled numbers into digits.
FULL_WIDTH = {**{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}, 0x3000: 0x20}


def fold_width(text: str) -> str:
    return text.translate(FULL_WIDTH)


# -- terms ----------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _english_stemmer():
    import Stemmer  # PyStemmer: the Snowball stemmer bm25s uses too

    return Stemmer.Stemmer("english")


def stem(word: str) -> str:
    return _english_stemmer().stemWord(word.lower())


def kiwi():
    """The process's one Kiwi analyser, loaded on first use."""
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            Kiwi = require("kiwipiepy", "korean").Kiwi
            _kiwi = Kiwi()
        return _kiwi


def _korean_tokens(text: str) -> list[str]:
    out = []
    for token in kiwi().tokenize(text):
        if token.tag not in KIWI_CONTENT:
            continue
        if token.tag == "SL":
            word = token.form.lower()
            if word not in STOP and len(word) > 1:
                out.append(stem(word))
        elif token.form not in STOP_KO:
            out.append(token.form.lower())
    return out


def _english_tokens(text: str) -> list[str]:
    return [stem(w) for w in (t.lower() for t in WORD.findall(text)) if w not in STOP and (len(w) > 1 or w.isdigit())]


@lru_cache(maxsize=4096)
def korean_names(text: str) -> frozenset[str]:
    """Proper nouns (kiwi's NNP) and foreign words of a Korean text, as terms: who or where it names."""
    return frozenset(t.form.lower() if t.tag == "NNP" else stem(t.form) for t in kiwi().tokenize(text)
                     if t.tag in ("NNP", "SL") and t.form not in STOP_KO)


# A capitalised word that does not open a sentence: a name ("Mona", "Wakanda")
NAME = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][\w'’-]+")  # digits too: "FtsZ1", "ARC6"


def names(text: str) -> frozenset[str]:
    """The terms of the names a text holds: the subject a question is about."""
    if has_hangul(text):
        return korean_names(text)
    return frozenset(t for n in NAME.findall(text) for t in _english_tokens(n))


@lru_cache(maxsize=8192)
def terms(text: str) -> frozenset[str]:
    """The text's content terms: what term overlap, novelty and the citation checker compare.

    Cached: the same question and sentences are read by retrieval, the hop, evidence and the checker.
    """
    return frozenset(_korean_tokens(text) if has_hangul(text) else _english_tokens(text))


def matches(word: str, wanted: frozenset[str] | set[str]) -> bool:
    """Does one word of running text (as split on spaces) hold one of the wanted terms?

    A Korean word is a stem with particles after it ("모나리자를" = 모나리자 + 를), so it matches a
    term it starts with; running kiwi over every snippet word would cost more than the links' budget.
    """
    bare = word.strip(".,;:!?()[]{}\"'“”‘’「」『』·")
    if not bare:
        return False
    if has_hangul(bare):
        return any(len(t) >= 2 and bare.startswith(t) for t in wanted if has_hangul(t))
    return stem(bare) in wanted


# -- BM25 -----------------------------------------------------------------------------------------

ANALYZERS = ("english", "kiwi", "plain")


# Share of a corpus's texts that must be Korean for its BM25 to go through kiwi. English vital has 3 of
# 10,033 documents with a Hangul name in them (Daegu, Pyongyang, Yi Sun-sin): that must not switch the
# default index to another analyzer; a corpus where one text in a hundred is Korean is a mixed corpus.
MIXED_SHARE = 0.01


def analyzer_for(texts: list[str], lang: str = "en") -> str:
    """"kiwi" when the corpus is Korean or mixed (kiwi stems the English words in it too), else "english"."""
    if lang == "ko":
        return "kiwi"
    korean = sum(1 for t in texts if has_hangul(t[:2000]) and lang_of(t[:2000]) == "ko")
    return "kiwi" if texts and korean >= MIXED_SHARE * len(texts) else "english"


def bm25_tokens(texts: list[str], analyzer: str) -> list[list[str]]:
    import bm25s

    if analyzer == "kiwi":
        return [_korean_tokens(t) for t in texts]
    if analyzer == "english":
        return bm25s.tokenize(texts, stopwords="en", stemmer=_english_stemmer(), return_ids=False,
                              show_progress=False)
    return bm25s.tokenize(texts, stopwords=None, return_ids=False, show_progress=False)


# -- sentences ------------------------------------------------------------------------------------

def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Sentences of a text, whitespace collapsed. Korean text goes through kiwi's sentence splitter,
    which knows endings such as "-다." and "-요" without a full stop; English stretches inside it and
    other languages through sentencex."""
    return list(_split(text, lang))


@lru_cache(maxsize=4096)
def _split(text: str, lang: str) -> tuple[str, ...]:
    from sentencex import segment

    if lang == "ko" or has_hangul(text):
        pieces = []
        for sentence in kiwi().split_into_sents(text):
            part = sentence.text
            pieces.extend(segment("en", part) if not has_hangul(part) else [part])
    else:
        pieces = list(segment(lang, text))
    return tuple(s for s in (re.sub(r"\s+", " ", p).strip() for p in pieces) if s)


# -- JSON lines -----------------------------------------------------------------------------------

def iter_jsonl(lines: Iterable[str], name: str) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-blank line; CorpusError naming the line when one is not a
    JSON object."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise CorpusError(f"{name} line {number} is not JSON ({getattr(exc, 'msg', exc)})") from None
        if not isinstance(row, dict):
            raise CorpusError(f"{name} line {number} is not a JSON object")
        yield number, row


def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [row for _, row in iter_jsonl(f, Path(path).name)]


def write_jsonl(path: Path, rows: Iterable[dict]) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
