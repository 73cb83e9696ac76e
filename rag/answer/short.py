"""The short answer shown in bold above the lead: a verbatim span of the cited source, of the kind asked for.

    short_answer(question, sentences, sources, lang) -> ShortAnswer | None

Checked by construction: the question must ask for a kind of thing (rag.answer.types: a date, a number or a
measurement, a person's or a place's name), the span is cut from the lead's own cited quote (so it is in the
source, word for word), it holds that kind of thing, and it is not something the question already said. A yes/no
comparison gives "Yes" / "No" ("예" / "아니요"). Anything else gets no short answer rather than a guess.
"""

from __future__ import annotations

import re

from rag.answer.types import UNIT, YEAR_KO, answer_type, fine_type
from rag.schema import Evidence, Sentence, ShortAnswer, Source
from rag.text import STOP, WORD, has_hangul, korean_names

MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
DATE = re.compile(rf"\b(?:\d{{1,2}}\s+{MONTH}\s+\d{{3,4}}|{MONTH}\s+\d{{1,2}},\s+\d{{3,4}}|{MONTH}\s+\d{{3,4}}|"
                  rf"\d{{1,2}}(?:st|nd|rd|th)\s+century|\d{{3,4}}s?)\b")
DATE_KO = re.compile(r"\d{3,4}년(?:\s*\d{1,2}월)?(?:\s*\d{1,2}일)?|\d{1,2}월\s*\d{1,2}일|\d{1,2}세기")
NUMBER = re.compile(r"(?<![\w.])\d[\d,.]*(?:\s*(?:million|billion|thousand|hundred|%|per cent|percent))?")
# A run of capitalised words, with the small words names carry inside them ("Leonardo da Vinci")
NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:(?:da|de|di|del|der|van|von|of|the|la|le|y|bin|al)\s+)?[A-Z][\w'’.-]*)*")
OFFERS = re.compile(r"\bor\b|둘 중", re.I)
YES_NO = {"en": ("Yes", "No"), "ko": ("예", "아니요")}


def short_answer(question: str, sentences: list[Sentence], sources: list[Source], lang: str = "en",
                 decision: str = "compose") -> ShortAnswer | None:
    if not sentences or not sentences[0].citations:
        return None
    lead = sentences[0]
    if decision == "compared":
        return _yes_no(lead, lang) or _named_first(lead, sources)
    kind = fine_type(question) or answer_type(question)
    if kind is None:
        return None
    quote = next((s.quote for s in sources if s.n == lead.citations[0]), "")
    # the lead's own sentence within the quote first (a quote joins the source's cited sentences)
    for text in sorted(quote.split(" … "), key=lambda t: t not in lead.text and lead.text not in t):
        span = _span(text, question, kind)
        if span:
            return ShortAnswer(span, lead.citations[0])
    return None


def hint(question: str, evidence: list[Evidence]) -> str | None:
    """The short answer the best evidence sentence holds, before anything is written: given to the writer, and
    a drafted lead that says it and cites that sentence passes the check (rag.answer.compose.lead)."""
    kind = fine_type(question) or answer_type(question)
    return _span(evidence[0].text, question, kind) if evidence and kind else None


def _yes_no(lead: Sentence, lang: str) -> ShortAnswer | None:
    yes, no = YES_NO["ko" if lang == "ko" else "en"]
    first = lead.text.split(",")[0].split()[0].strip(".,!") if lead.text.split() else ""
    if first.lower() in ("yes", "예", "네"):
        return ShortAnswer(yes, lead.citations[0])
    if first.lower() in ("no", "아니요", "아니오"):
        return ShortAnswer(no, lead.citations[0])
    return None


def _named_first(lead: Sentence, sources: list[Source]) -> ShortAnswer | None:
    """"Adorable: 1990, against 1995 for Lit …" (rag.answer.yesno.which_first): the entity chosen, when its
    own cited sentence says its name."""
    name = lead.text.split(":")[0].strip() if ":" in lead.text else ""
    quote = next((s.quote for s in sources if s.n == lead.citations[0]), "")
    return ShortAnswer(name, lead.citations[0]) if name and name in quote else None


def _span(text: str, question: str, kind: str) -> str | None:
    span = _kind_span(text, question, kind)
    # "Who was born first, Leonardo da Vinci or Michelangelo?": the answer is one of the two offered, not
    # "Most Excellent Painters" from a sentence naming both
    if span and OFFERS.search(question) and span.lower() not in question.lower():
        return None
    return span


def _kind_span(text: str, question: str, kind: str) -> str | None:
    asked = {w.lower() for w in WORD.findall(question)}
    if kind in ("year", "birth"):
        found = (DATE_KO if has_hangul(text) else DATE).findall(text) or YEAR_KO.findall(text)
        return next((d for d in found if isinstance(d, str) and d.lower() not in asked), None)
    if kind == "measure":
        hit = UNIT.search(text)
        return hit.group(0).strip() if hit else None
    if kind == "number":
        hit = UNIT.search(text) or next((n for n in NUMBER.finditer(text) if n.group(0) not in question), None)
        return hit.group(0).strip().rstrip(".,") if hit else None
    if kind in ("name", "place"):
        if has_hangul(text):
            names = [n for n in korean_names(text) if n not in question.lower() and n in text]
            # the longest, the first in the text of equals: korean_names is a set, whose order changes with
            # the process's hash seed (KorQuAD's short answers moved between runs of the same overviews)
            return min(names, key=lambda n: (-len(n), text.find(n))) if names else None
        runs = [r.strip().rstrip(".,;:") for r in NAME_RUN.findall(text)]
        fresh = [r for r in runs if not any(w.lower() in asked or w.lower() in STOP for w in r.split()[:1])
                 and any(w.lower() not in asked for w in r.split())]
        # the longest fresh name ("Leonardo da Vinci" over "Italian"), the first of equals
        return max(fresh, key=lambda r: len(r.split())) if fresh else None
    return None
