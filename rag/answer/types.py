"""Answer typing: what kind of thing a question asks for, and which sentences hold one.

    answer_type(q)        "year" | "number" | "name" | "place" | None      (coarse: a ranker feature)
    fine_type(q)          "birth" | "measure" | "school" | None             (finer: keeps the one sentence)
    has_answer_type(s, kind, terms)    does the sentence hold that kind of thing
    typed_pool / typed_of              the sentences (evidence) holding the date, number or school asked for
    term_overlap, novelty              how much of the question a sentence holds, and how much it adds
    rank_given(q, s)                   does the sentence rank the asked thing as asked ("35th" for "first": no)
"""

from __future__ import annotations

import re

from rag.retrieve.retrievers import query_terms
from rag.schema import Evidence
from rag.text import STOP, WORD, has_hangul, korean_names, stem, terms

# Classic answer typing: a "when" question is answered by a sentence with a date in it, a "how
# many" question by one with a number, a "who" question by one naming someone not in the question.
# MiniLM's cosine barely sees this; the ranker's "typed" feature does.
YEAR = re.compile(r"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th)? century)\b|\b(January|February|March|April|May|June|July|"
                  r"August|September|October|November|December)\b")
NUMBER = re.compile(r"\d")
# ... or in words: a count is written so as often as in digits (243 of SQuAD dev's 796 "how many / how much" answers:
# "Most English-speaking countries recognize seven continents."). Not "one", which is more often a pronoun. The
# ranker's typed feature, fitted when only digits counted, reads words too (measured end to end: docs/evaluation.md,
# twentieth round).
NUMBER_WORDS = ("two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
                "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|dozen")
COUNTED_IN_WORDS = re.compile(rf"\b({NUMBER_WORDS})\b", re.I)
WORDS_OF_NUMBERS = "one|" + NUMBER_WORDS  # where a count is sure to be one ("counts", rag.answer.short), "one" too
CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+")
# The dimension a "how high / tall / long …" question asks about, as a sentence may word it
DIMENSIONS = {"high": "high|height|elevation|altitude|tall", "tall": "tall|height|high", "long": "long|length",
              "deep": "deep|depth", "wide": "wide|width|breadth", "far": "far|distance|away",
              "heavy": "heavy|weigh|mass", "large": "large|area|size", "big": "big|large|area|size",
              "hot": "hot|temperature|heat|warm", "warm": "warm|temperature|heat|hot", "cold": "cold|temperature|freez"}
# "what is the speed of light", "what's the height of mount everest": a measurement asked as a noun, typed into a
# search box as often as "how fast" or "how tall" (the "of" keeps out "what is the area code"). Read as "how tall"
# is: a number with its unit, kept from a sentence that says the dimension asked; a temperature too ("what is the
# boiling point of water", "how cold …": °C, degrees). (A count asked so — "what is the population of …" — was
# tried too: on NQ-open it gave three wrong bold numbers of four and opened an unanswerable SQuAD question's folded
# overview.)
MEASURED = {"height": DIMENSIONS["high"], "elevation": DIMENSIONS["high"], "altitude": DIMENSIONS["high"],
            "length": DIMENSIONS["long"], "depth": DIMENSIONS["deep"], "width": DIMENSIONS["wide"],
            "distance": DIMENSIONS["far"], "weight": DIMENSIONS["heavy"], "mass": DIMENSIONS["heavy"],
            "area": DIMENSIONS["large"], "diameter": "diameter|radius|across", "radius": "radius|diameter|across",
            "speed": "speed|velocity|fast", "velocity": "speed|velocity|fast", "temperature": DIMENSIONS["hot"],
            "boiling point": "boil", "melting point": "melt", "freezing point": "freez"}
MEASURE_WHAT = re.compile(r"\bwhat(?:'s|\s+(?:is|was|are|were))?\s+the\s+(?:(?:average|approximate|estimated|total|"
                          rf"maximum|minimum|mean|typical|current)\s+)?({'|'.join(MEASURED)})\s+of\b", re.I)
ANSWER_TYPES = [
    (re.compile(r"^\s*(when|what year|in what year|which year|what century|what date)\b", re.I), "year"),
    (re.compile(r"\b(how (many|much|long|old|high|tall|far|large|big|deep|heavy|hot|warm|cold)|what (percentage|number|"
                r"amount))\b", re.I), "number"),
    (MEASURE_WHAT, "number"),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), "name"),
    # Korean: 언제 "when", 몇 년 "what year", "… 년도는" / "… 한 해는" / 날짜 (the year, the date of …); 몇 "how
    # many", 얼마 "how much"; 누구 "who"; 어디 "where". Of KorQuAD dev's 5,774 questions the last three year forms
    # ask 243 the others miss, and 240 of their answers are dates ("방탄소년단이 데뷔한 년도에 받은 상은?" is not).
    (re.compile(r"언제|몇\s*년|몇\s*세기|어느\s*(해|시대)|연도|(?<![\d가-힣])년도|(?<![가-힣])해(는|가|를|에)(?![가-힣])"
                r"|날짜"), "year"),
    (re.compile(r"몇|얼마"), "number"),
    (re.compile(r"누구|누가|누군"), "name"),
    (re.compile(r"어디|어느\s*(나라|도시|지역|곳|대륙|국가|강|산|섬)"), "place"),
]
# A Korean date: "1989년", "3월 14일", "15세기" (\b does not separate "1989" from "년", both being \w)
YEAR_KO = re.compile(r"\d+\s*(년|월|일|세기)")


# Finer kinds, used to keep the one sentence that answers (never as ranker features, which were
# fitted with the coarse kinds above): a birth date, a measurement with its unit, a school.
BIRTH_Q = re.compile(r"\bborn\b|\bbirth|태어난|출생|탄생", re.I)
MEASURE_Q = re.compile(rf"\bhow ({'|'.join(DIMENSIONS)})\b", re.I)  # each dimension a "how …" question asks
# "높이는 얼마인가" (how high), "길이는 몇 km" (how long): a Korean measurement question
MEASURE_KO = re.compile(r"(높이|길이|넓이|면적|깊이|무게|거리|키|고도)\S*\s*(는|은|가|이)?\s*(얼마|몇)")
BIRTH = re.compile(r"\bborn\b|\(\s*(c\.\s*)?\d{3,4}\s*[–-]\s*\d{2,4}\s*\)")
# "Where did Gustave Eiffel study?", "Which university did she attend?": a school is the answer, and the sentence
# naming one ("A graduate of École Centrale …") is kept beside a lead that names none
SCHOOL_Q = re.compile(r"^\s*where (did|does|do)\b.*\b(study|attend|graduate|go to (school|college|university))\b"
                      r"|^\s*where\b.*\b(studied|attended|graduated|educated|enrolled)\b"
                      r"|^\s*(which|what) (school|college|university) (did|does|do|was|were|is|has|had)\b", re.I)
SCHOOL = re.compile(r"\b(graduated? (of|from)|graduates of|studied (at|in)|educated at|attended|alumn(us|a|i) of|"
                    r"enrolled (at|in))\b|\b(École|University|College|School|Institute|Academy|Polytechnic|"
                    r"Conservatory|Lycée|Gymnasium)\b")
UNIT = re.compile(r"\d[\d,.]*\s*(metres|meters|m|km|kilometres|kilometers|feet|ft|foot|miles|mi|inches|in|cm|mm|"
                  r"kg|tonnes|tons|pounds|lb|acres|hectares|ha|square|sq|km2|m2|%|per cent|percent|years|days|"
                  r"hours|minutes|months|weeks|°\s?[CF]|degrees(?: Celsius| Fahrenheit)?|kelvins?)\b|"
                  r"\d[\d,.]*\s*(미터|킬로미터|센티미터|킬로그램|톤|평방|제곱|마일|피트|"
                  r"퍼센트|(km|m|cm|kg|%)(?![A-Za-z]))", re.I)  # "343m의" (no \b before Hangul), not "75 motorway"


def dimension(query: str) -> re.Pattern | None:
    asked = MEASURE_Q.search(query)
    if asked:
        return re.compile(rf"\b({DIMENSIONS[asked.group(1).lower()]})", re.I)
    asked = MEASURE_WHAT.search(query)
    return re.compile(rf"\b({MEASURED[asked.group(1).lower()]})", re.I) if asked else None


# "How many moons does …?": the words after "how many" up to the first stop word name what is counted, the last of
# them most of all ("how many premier league titles has …" counts titles). A sentence with a number answers it only
# when the number counts that thing: "around 270 bones at birth", not "the bone mass … makes up about 14%".
COUNTED = re.compile(r"\bhow many\s+(.*)", re.I)
AUXILIARY = frozenset("can could would should had may might must shall".split())
A_NUMBER = re.compile(rf"\d|\b({WORDS_OF_NUMBERS}|thousand|million|billion)\b", re.I)
NEAR = 3  # words between a number and what it counts: "seats up to 2,500", "thirty bones"


def counted_words(question: str) -> list[str] | None:
    """The words (lower case) a "how many" question names as counted ("how many academic minors …": academic,
    minors); None when it asks no "how many"."""
    asked = COUNTED.search(question)
    if not asked:
        return None
    words = [w.lower() for w in WORD.findall(asked.group(1))]
    return words[:next((i for i, w in enumerate(words) if w in STOP or w in AUXILIARY), len(words))]


def counted(question: str) -> str | None:
    """The stem of the thing a "how many" question counts (the last word counted_words gives), or None."""
    words = counted_words(question)
    return stem(words[-1]) if words else None


def counts(sentence: str, thing: str) -> bool:
    """Does the sentence give a number within NEAR words of `thing` (a stem)?"""
    words = sentence.split()
    for i, word in enumerate(words):
        if stem(word.strip(".,;:()\"'").lower()) == thing and any(
                A_NUMBER.search(w) for w in words[max(0, i - NEAR): i] + words[i + 1: i + 1 + NEAR]):
            return True
    return False


def fine_type(query: str) -> str | None:
    if BIRTH_Q.search(query) and answer_type(query) in ("year", None):
        return "birth"
    if MEASURE_Q.search(query) or MEASURE_KO.search(query) or MEASURE_WHAT.search(query):
        return "measure"
    if SCHOOL_Q.search(query):
        return "school"
    return None


def answer_type(query: str) -> str | None:
    for question, kind in ANSWER_TYPES:
        if question.search(query):
            return kind
    return None


def has_answer_type(sentence: str, kind: str | None, terms: set[str]) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name: one not in the question)?"""
    if kind == "year":
        return bool(YEAR.search(sentence) or YEAR_KO.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence) or COUNTED_IN_WORDS.search(sentence))
    if kind in ("name", "place"):  # someone or somewhere the question does not name
        if has_hangul(sentence):
            return any(n not in terms for n in korean_names(sentence))
        return any(stem(w) not in terms for w in CAPITALISED.findall(sentence))
    if kind == "birth":
        return bool(BIRTH.search(sentence))
    if kind == "measure":
        return bool(UNIT.search(sentence))
    if kind == "school":
        return bool(SCHOOL.search(sentence))
    return False


def novelty(sentence: str, terms_: frozenset[str]) -> float:
    """Share of the sentence's content words that the question does not hold (an echo scores 0)."""
    words = terms(sentence)
    if not words:
        return 0.0
    return len(words - terms_) / len(words)


def term_overlap(sentence: str, terms_: frozenset[str], title: str = "") -> float:
    """Share of the question's terms (rag.text.terms: stems, Korean morphemes) the sentence or title holds."""
    if not terms_:
        return 0.0
    return len(terms_ & (terms(sentence) | terms(title))) / len(terms_)


def typed_of(evidence: list[Evidence], question: str, lead: Evidence) -> int | None:
    """1-based number of the evidence holding the date, number or school asked for, when the lead holds none (for
    "how many bones", no count of bones): from the lead's source, or for a birth date or a measurement from any
    source."""
    kind = fine_type(question) or answer_type(question)
    pool = typed_pool(question, [e.text for e in evidence], [e.doc_id for e in evidence], lead.doc_id)
    if has_answer_type(lead.text, kind, query_terms(question)):
        # a number, but not a count of what is asked: a sentence that counts it is kept
        thing = counted(question)
        if thing is None or counts(lead.text, thing):
            return None
        pool = [i for i in pool if counts(evidence[i].text, thing)]
    return pool[0] + 1 if pool else None


def typed_pool(question: str, texts: list[str], docs: list[str], lead_doc: str,
               allowed: list[int] | None = None) -> list[int]:
    """Indices of the texts holding the date, number or school the question asks for, in order, from the
    lead's own source first: a date from another document answers another question; a birth date or a
    measurement is specific enough to be taken from any source read (a second hop). Empty when the
    question asks for no date or number."""
    asked = query_terms(question)
    kind = fine_type(question) or answer_type(question)
    if kind not in ("year", "number", "birth", "measure", "school"):
        return []
    eligible = [i for i in (range(len(texts)) if allowed is None else allowed) if has_answer_type(texts[i], kind, asked)]
    wording = dimension(question)
    if wording is not None:  # "How tall …": "343 metres" beside "tallest", not "32 metres wide"
        eligible = [i for i in eligible if wording.search(texts[i])] or eligible
    thing = counted(question)
    if thing is not None:  # "How many bones …": "around 270 bones", not "about 14% of the total body weight"
        eligible = [i for i in eligible if counts(texts[i], thing)] or eligible
    own = [i for i in eligible if docs[i] == lead_doc]
    return own or (eligible if kind in ("birth", "measure") else [])


# "Who was the first president of the United States?" is not answered by "… was the 35th president of the United
# States": the sentence ranks the same thing differently. (A dozen ordinal words are all English questions use; a
# number-words library would add a dependency for twelve entries.)
ORDINAL_WORDS = {w: n for n, w in enumerate("first second third fourth fifth sixth seventh eighth ninth tenth eleventh "
                                            "twelfth".split(), 1)}
RANKED = re.compile(r"\b(?:(\d+)(?:st|nd|rd|th)|(" + "|".join(ORDINAL_WORDS) + r"))[\s-]+([A-Za-z]+)", re.I)


def _ranks(text: str) -> dict[str, set[int]]:
    """The ranks a text gives each thing: {"presid": {35}} for "the 35th president" (the noun stemmed)."""
    out: dict[str, set[int]] = {}
    for m in RANKED.finditer(text):
        out.setdefault(stem(m[3].lower()), set()).add(int(m[1]) if m[1] else ORDINAL_WORDS[m[2].lower()])
    return out


def rank_given(question: str, sentence: str) -> bool | None:
    """Does the sentence give the thing the question ranks the asked rank (True), only other ranks (False: "the
    35th president" for "the first president", it answers another question), or none (None)?"""
    asked = _ranks(question)
    said = _ranks(sentence) if asked else {}
    given = [bool(said[noun] & ranks) for noun, ranks in asked.items() if noun in said]
    return any(given) if given else None


def ranked_else(query: str, sentences: list[str], docs: list[str]) -> list[bool]:
    """The sentences of documents that give the thing the question ranks only other ranks, never the one asked:
    "who was the first president of the united states" is not answered from the article of "the 35th president",
    by any of its sentences ("A member of the Democratic Party, Kennedy …" answers nothing asked either)."""
    given = [rank_given(query, s) for s in sentences]
    other = {d for d, g in zip(docs, given) if g is False} - {d for d, g in zip(docs, given) if g}
    return [d in other for d in docs]
