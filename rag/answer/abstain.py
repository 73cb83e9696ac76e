"""When the overview should not answer: the index cannot read the question, or the question is about
something the index never mentions (rag.answer.overview.decide asks these before anything is written); and when
it should be shown folded: its evidence never names what the question names (rag.answer.overview.overview).
"""

from __future__ import annotations

import difflib
import unicodedata

from rag.messages import message
from rag.schema import Evidence, Passage
from rag.store.base import LoadedIndex
from rag.text import WORD, has_hangul, lang_of, names, terms

# A name this similar (difflib ratio on NFD forms) to a word of the passages read is a typo, not another subject.
NEAR = 0.8
# An overview whose evidence never names the question's subject is folded under this confidence. Chosen on the
# fit part of the README's runs (SQuAD 300, HotpotQA 250, and the unanswerable sets, all at 8a1f2a2, replayed
# on their records): the highest cap that folds no more answerable questions than the confidence alone (caps
# 1.0 / 0.8 / 0.7: answerable SQuAD folded 7 / 7 / 6 of 149 against 6, HotpotQA 4 / 4 / 3 of 96 against 3;
# unanswerable said so or folded 57 / 57 / 57 of 69 and 76 / 76 / 76 of 86 against 55 and 71).
OFF_SUBJECT_SURE = 0.7
# A lower-case question's names are its rarest terms held by at most this share of the chunks (asked_names), on
# an index of at least RARE_FROM chunks. 1% was set before measuring, not tuned. On real search-box questions
# (NQ-open, 400 of each part, on `vital`; docs/evaluation.md, tenth round) the overviews of questions whose answer
# is in no passage read were said so or folded for 64.4% -> 77.9% (fit) and 56.2% -> 74.1% (held-out); of those
# whose answer string is in a passage read, 15 -> 21 of 43 and 12 -> 16 of 48 (most of them chance matches).
RARE = 0.01
RARE_FROM = 1000
# ... and each of its words that is also uncommon in English at large (a Zipf frequency under COMMON in wordfreq:
# "garlic" 3.9, "pacino" 2.8, "senate" 4.8, against "our" 6.1, "won" 5.2, "season" 5.5, which an encyclopedia seldom
# says but a search box often does) names a part of it that the evidence must hold (asked_words). 5.0 was the first
# cut tried; on NQ-open's fit part (400 questions on `vital`, docs/evaluation.md, fifteenth round) 4.5 folded about
# half as many overviews whose answer is nowhere read (7 against 13); with no cut, "our" and "won" counted as names.
COMMON = 5.0
# A typed question asking about something in or on a named thing ("who killed the doctor in once upon a time", "name
# of the bird in the lion king") names it by the words after its last "in" or "on": two to four of them, articles
# dropped, none a function word ("cities in ohio that start with a d" names no thing so). Each word may be common
# English, so asked_words misses them; the evidence must hold them as written (asked_phrase). On NQ-open's fit part
# (docs/evaluation.md, sixteenth round) 15 open overviews of questions whose answer is nowhere read asked so, 10
# without the thing in their evidence; none of those holding the answer lacked it.
PHRASE_WORDS = (2, 4)
ARTICLES = frozenset({"a", "an", "the"})
# not rag.text.STOP: that list holds "of" and "name", which a named thing may hold ("plateau of tibet")
FUNCTION = frozenset("is are was were be been to that which who whom what where when how why there this these those "
                     "and or with it its do does did from for by at about into over after before as than".split())


def other_language(query: str, idx: LoadedIndex, multilingual: bool) -> str:
    """Why this index cannot answer a question in this language at all, or "".

    A Korean question on an index of English text embedded with an English-only model (the default
    vital with all-MiniLM-L6-v2) is matched by script, not meaning: "모나리자를 그린 화가는 누구인가?"
    found Korean language, Hangul and Busan. BM25 finds nothing either (no Korean words in the index).
    `multilingual`: the index's embedder reads Korean.
    """
    if lang_of(query) != "ko" or idx.lang == "ko" or idx.analyzer == "kiwi" or multilingual:
        return ""
    return message("other_language", "ko", index=idx.name, corpus=idx.manifest.get("corpus", "CORPUS"))


def unknown_subject(query: str, idx: LoadedIndex, passages: list[Passage] = ()) -> bool:
    """Does the question name something the index never mentions ("the capital of Wakanda")? Then
    whatever the evidence says is about something else, however close its embedding (Abuja, the capital
    of Nigeria): an overview from it would be off-topic. Judged on the names the question holds (every
    one absent from the BM25 vocabulary, LoadedIndex.knows), in the index's own analyzer; not for indexes
    of the old "plain" analyzer, whose vocabulary is whole Korean words with their particles.

    An earlier check (no evidence sentence holds a name of the question) abstained wrongly on 3 of 100
    SQuAD questions ("… schools in the US", "FtsZ1"): the vocabulary is the whole corpus, not 4 sentences.
    A name one letter (or Korean jamo) off a word of the passages read is a typo, not another subject:
    KorQuAD asks about "흥신학원" where the passage says 홍신학원, and about "히데카" for 히데코.
    """
    if idx.analyzer == "plain":
        return False
    asked = names(query)
    if not asked or any(idx.knows(n) for n in asked):
        return False
    read = set().union(*(terms(p.hit.chunk.text) for p in passages))
    if has_hangul(query):
        # kiwi splits a name it does not know: "김문기의" in a passage is read as 김 / 문, while the question's
        # "김문기가" gives the name 김문기. The passages' own words (with their particles: _near reads a word's
        # start) are read too.
        read |= {w for p in passages for w in p.hit.chunk.text.split()}
    return not any(_near(n, read) for n in asked)


def _near(name: str, words: set[str]) -> bool:
    """Is a word of `words` the name with about one letter or jamo changed? difflib on the decomposed
    (NFD) forms, where 흥 and 홍 differ by one vowel jamo; a hand-made edit distance would be no shorter."""
    decomposed = unicodedata.normalize("NFD", name)
    # a word, or its start as long as the name: kiwi may keep the compound 홍신학원 whole
    for word in {w for word in words for w in (word, word[:len(name)]) if abs(len(w) - len(name)) <= 2}:
        matcher = difflib.SequenceMatcher(None, decomposed, unicodedata.normalize("NFD", word))
        if matcher.quick_ratio() >= NEAR and matcher.ratio() >= NEAR:
            return True
    return False


def asked_names(query: str, idx: LoadedIndex, rare_from: int = RARE_FROM) -> frozenset[str]:
    """What an English question names, as terms (three letters or more): its capitalised names ("Arthur Woolf").
    A question typed in lower case, as people type into a search box, capitalises nothing: there its names are
    its rarest terms in the index, when they are rare (held by at most RARE of the chunks, or by none: "getty"
    in "who designed the getty museum in los angeles" on `vital`). Not for small indexes (a web page set), where
    every word is rare; not for Korean (rag.answer.abstain.off_subject)."""
    if has_hangul(query):
        return frozenset()
    asked = frozenset(n for n in names(query) if len(n) >= 3)  # "US" is the stem "us"
    if asked or not _typed(query, idx, rare_from):
        return asked
    shares = {t: idx.share(t) for t in terms(query) if len(t) >= 3}
    rare = {t: s for t, s in shares.items() if s <= RARE}
    return frozenset(t for t, s in rare.items() if s == min(rare.values()))


def asked_words(query: str, idx: LoadedIndex, rare_from: int = RARE_FROM) -> frozenset[str]:
    """The words of a question typed in lower case that are rare in the index (RARE) and uncommon in English
    (COMMON), as terms: each names a part of what is asked, so an overview whose evidence lacks one is about
    something else ("who founded the sundance film festival in 1978" answered from the Cannes festival; "who plays
    ghost in ant-man and wasp" from the insect). Empty where asked_names reads capitals, for Korean, and on a small
    index. wordfreq's word lists say which words are common in English at large: the index cannot tell, since an
    encyclopedia seldom says "our" or "won" (0.14% and 0.77% of `vital`'s chunks, rarer there than "garlic")."""
    if not _typed(query, idx, rare_from):
        return frozenset()
    from wordfreq import zipf_frequency

    out = set()
    for word in set(WORD.findall(query)):
        for term in terms(word):
            if len(term) >= 3 and idx.share(term) <= RARE and zipf_frequency(word, "en") < COMMON:
                out.add(term)
    return frozenset(out)


def asked_phrase(query: str, idx: LoadedIndex, rare_from: int = RARE_FROM) -> str:
    """The thing a question typed in lower case asks about something in or on (PHRASE_WORDS), as _words gives it
    ("once upon time"), or ""."""
    if not _typed(query, idx, rare_from):
        return ""
    words = _words(query)
    at = max((i for i, w in enumerate(words) if w in ("in", "on")), default=None)
    tail = words[at + 1:] if at is not None else []
    low, high = PHRASE_WORDS
    return " ".join(tail) if low <= len(tail) <= high and not FUNCTION & set(tail) else ""


def _words(text: str) -> list[str]:
    return [w for w in WORD.findall(text.lower()) if w not in ARTICLES]


def never_mentioned(words: frozenset[str], idx: LoadedIndex) -> bool:
    """Is one of a typed question's uncommon words (asked_words) in no chunk of the index at all? Then an
    overview lacking it is off-subject however sure it is: its confidence read how well the evidence fits the rest
    of the question ("what team did torreira play for before arsenal" quoted Alfredo Di Stéfano at 0.81).
    rag.answer.overview folds such an overview whatever its confidence (OFF_SUBJECT_SURE does not apply). Not a word
    with a digit: "ww1" is in no chunk of `vital`, which writes "World War I" (the armistice's sentence answered)."""
    return any(idx.share(t) == 0 and t.isalpha() for t in words)


def _typed(query: str, idx: LoadedIndex, rare_from: int) -> bool:
    """A question typed in lower case (so naming nothing by capitals), not Korean, on an index of at least
    `rare_from` chunks: big enough to tell a rare word from a common one."""
    return not has_hangul(query) and query == query.lower() and len(idx.chunks) >= rare_from


def warm_up_words() -> None:
    """Load wordfreq's English list now (about half a second), not on the first lower-case question."""
    from wordfreq import zipf_frequency

    zipf_frequency("the", "en")


def off_subject(asked: frozenset[str], evidence: list[Evidence], every: frozenset[str] = frozenset(),
                phrase: str = "") -> bool:
    """Does the question name something (`asked`: rag.answer.abstain.asked_names) that no evidence sentence and
    no evidence title holds, nor a word one letter off it (a typo, a plural: "PPP" and "PPPs")? Then the
    overview is about something else, however likely the reader finds it: "What nationality was Arthur Woolf?"
    on an index without him quoted Marge Piercy's novels. rag.answer.overview shows such an overview folded
    under "The links may answer this better" unless its confidence is OFF_SUBJECT_SURE or more; it is not
    withheld: the source may name the subject otherwise ("the Book of Exodus" for "the Bible").
    `every` (asked_words): terms each of which the evidence must hold, or the overview is off-subject too; so
    must one evidence sentence or title hold `phrase` (asked_phrase) as written.

    Not for Korean (asked_names gives nothing): a name there keeps its particle ("전지현이" against "전지현은") and
    KorQuAD misspells names, which folded 4 of 138 answerable KorQuAD questions."""
    if not (asked or every or phrase) or not evidence:
        return False
    seen = set().union(*(terms(e.text) | terms(e.title) for e in evidence))

    def held(name: str) -> bool:
        return name in seen or _near(name, seen)

    written = not phrase or any(f" {phrase} " in f" {' '.join(_words(text))} "
                                for e in evidence for text in (e.text, e.title))
    return (bool(asked) and not any(map(held, asked))) or not all(map(held, every)) or not written
