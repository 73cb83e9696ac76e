"""The date a short answer gives (rag.answer.short): for "When …?", "In what year …?", "When was X born?" and
"When did X die?", the date of the lead's quote nearest the question's words.

Never a label's number ("Resolution 217"), nor part of a larger one ("372,624"); "In what year …?" gets the year
alone; a birth date only from a sentence saying the birth; a death's date beside how the death is said, not a date
said before or after it.
"""

from __future__ import annotations

import re

from rag.answer.subject import LIFESPAN
from rag.answer.types import BIRTH, YEAR_KO
from rag.text import STOP, WORD, has_hangul, stem

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# A bare year is not part of a larger number ("372,624"); nor a label's number ("Resolution 217": _labelled)
DATE = re.compile(rf"\b(?:\d{{1,2}}\s+{MONTH}\s+\d{{3,4}}|{MONTH}\s+\d{{1,2}},\s+\d{{3,4}}|{MONTH}\s+\d{{3,4}}|"
                  rf"\d{{1,2}}(?:st|nd|rd|th)\s+century|(?<![\d,.])\d{{3,4}}s?(?![,.]?\d))\b")
LABEL = re.compile(r"(?<=[a-z,;]\s)([A-Z][a-z]+)\s+$")  # a capitalised word within a sentence, not its first
DATE_KO = re.compile(r"\d{3,4}년(?:\s*\d{1,2}월)?(?:\s*\d{1,2}일)?|\d{1,2}월\s*\d{1,2}일|\d{1,2}세기")
CALENDAR = re.compile(rf"{MONTH}|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day", re.I)
YEAR_ONLY_Q = re.compile(r"\b(?:what|which) year\b|연도|년도", re.I)
# "When did Lincoln die?": the date beside how the sentence says he died ("… until his assassination in 1865"), not
# the first date beside his name ("serving from 1861")
DIED_Q = re.compile(r"\b(?:die|died|dies|death)\b", re.I)
DEATH_WORDS = frozenset("died death killed assassination assassinated executed".split())
# ... but not a date said relative to the death: "premiered on 30 September 1791 …, just two months before Mozart's
# death"
RELATIVE_TO = re.compile(r"\b(?:before|after|prior to|until|since|following|preceding)\b", re.I)
YEAR_OF = re.compile(r"\d{3,4}(?:s|년)?")


def date_span(text: str, question: str, kind: str, asked: set[str]) -> str | None:
    """The date of `text` answering `question` (kind "year" or "birth"); `asked`: the question's words, lower case."""
    if kind == "birth" and not has_hangul(text) and not (BIRTH.search(text) or LIFESPAN.search(text)):
        return None  # "When was Picasso born?": not "1907" from "… a painting created in 1907 by Pablo Picasso"
    died = DIED_Q.search(question)
    if died:
        asked = asked | DEATH_WORDS
    found = [d for d in (DATE_KO if has_hangul(text) else DATE).findall(text) or YEAR_KO.findall(text)
             if isinstance(d, str)]
    # not a date the question says, nor one of its year ("… at which Columba de Dunbar died in 1435?" is not answered
    # "7 November 1435")
    said = {y.group(0) for y in map(YEAR_OF.search, found) if y} & asked
    dates = sorted((d for d in found if d.lower() not in asked and not _labelled(text, d)
                    and not (died and _relative(text, d)) and not any(y in d for y in said)),
                   key=lambda d: _distance(text, d, asked))
    if dates and YEAR_ONLY_Q.search(question):  # "In what year …?": "2014", not "June 4, 2014"
        dates = [y.group(0) for y in map(YEAR_OF.search, dates) if y]
    return dates[0] if dates else None


def _relative(text: str, date: str) -> bool:
    """Is the date said before or after a death rather than as its date ("… 1791 …, two months before his
    death")? Between the date and the first death word after it stands "before", "after", "until" …"""
    after = text[text.find(date) + len(date):]
    death = next((m for m in WORD.finditer(after) if m.group(0).lower() in DEATH_WORDS), None)
    return bool(death and RELATIVE_TO.search(after[:death.start()]))


def _labelled(text: str, date: str) -> bool:
    """Is a bare number the number of something named ("Resolution 217", "Flight 370"), not a year?"""
    if not date.isdigit():
        return False
    label = LABEL.search(text[:text.find(date)])
    return bool(label and label.group(1).lower() not in STOP and not CALENDAR.fullmatch(label.group(1)))


def _distance(text: str, span: str, asked: set[str]) -> int:
    """Words between the span and the nearest word the question asks about: "from 1971 until … the fall of the
    Berlin Wall in November 1989" answers "When did the Berlin Wall fall?" with the date beside its words."""
    words = WORD.findall(text)
    at = len(WORD.findall(text[:text.find(span)]))
    known = {stem(w) for w in asked if w not in STOP}
    return min((abs(i - at) for i, w in enumerate(words) if stem(w) in known), default=len(words))
