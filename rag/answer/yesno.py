"""Comparisons decided from what the sources say: yes/no, and which of two came first.

"Are X and Y both Z?" and "Were X and Y of the same nationality?" are a question kind of their own
(about a sixth of HotpotQA): no sentence holds the answer, the reader compares two sources. The
overview answers only when the comparison is made from what the sources say: "Yes" when both
entities' own passages say Z (every content word of it); "No" when one entity's passage says Z and
the other's, read as well, does not (both cited, so the reader sees what each says); "Yes"/"No" for
a same nationality, country or plant family when both first sentences name one. Anything else
(neither says Z, an entity without its own passage) falls back to the ordinary overview. "Which was
released first, X or Y?" (or older, younger, formed earlier…) is decided by the first year each entity's own
first sentence gives (a birth, a founding, a release), both sentences cited.
"""

from __future__ import annotations

import re

from rag.answer.compose import Part, renumber
from rag.answer.sentences import citable_sentences
from rag.answer.subject import compared
from rag.answer.types import term_overlap
from rag.retrieve.retrievers import query_terms
from rag.schema import Evidence, Passage
from rag.text import terms

AUX = re.compile(r"^\s*(is|are|was|were|do|does|did|can|could|has|have|had)\b", re.I)
SAME = re.compile(r"\bsame (nationality|country|family)\b", re.I)
# "an American", "a 1994 American", "an award-winning Austrian", "a former Nigerian-American"
DEMONYM = re.compile(r"\b(?:an?|the)\s+(?:[a-z0-9][\w-]*\s+){0,2}?"
                     r"((?:[A-Z][a-z]+(?:an|ian|ish|ese|ch|ic|i))(?:[-–][A-Z][a-z]+)?)\b")
WHICH = re.compile(r"^\s*(which|who|what)\b", re.I)
EARLIER = re.compile(r"\b(first|earlier|earliest|older|oldest|before)\b", re.I)
LATER = re.compile(r"\b(younger|youngest|later|latest|newer|newest|more recent|last)\b", re.I)
DIED = re.compile(r"\b(died|death|passed away)\b", re.I)
YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
FAMILY = re.compile(r"\b([A-Z][a-z]+aceae)\b")
FILLER = frozenset("both same also all two either".split())
# verbs that link the entity to the property asked about ("described as a genus", "located in England"):
# a sentence need not repeat them to say the property
LINKS = terms("described considered located based known included include contain classified regarded called")
# Comparisons decided by a year, a count or a maker each entity's own passage gives ("Were X and Y released in the
# same year?", "… both founded before 1950?", "… both fought in the 19th century?", "… the same number of acts?",
# "… by the same director?"): HotpotQA's and 2WikiMultihopQA's comparison questions are mostly of these kinds.
SAME_YEAR = re.compile(r"\bsame year\b", re.I)
BOUND = re.compile(r"\b(before|after|prior to)\s+(1[0-9]{3}|20[0-9]{2})\b", re.I)
CENTURY = re.compile(r"\b(1[0-9]|20|[1-9])(?:st|nd|rd|th) century\b", re.I)
# the year a first sentence gives is when the thing began (or, with DIED, ended): asked of anything else ("won an
# award in the same year"), it is no answer
ORIGIN = re.compile(r"\b(released|founded|formed|established|born|published|opened|built|created|premiered|"
                    r"launched|debuted|fought|started|began|begun|incorporated|produced|aired|died)\b", re.I)
COUNT = re.compile(r"\bsame number of (\w+)", re.I)
NUMBERS = {w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())}
# "Which genus has more species, X or Y?", "Which magazine is published more often, X or Y?" (which_more)
MORE = re.compile(r"\b(more|fewer|less)\s+(often|frequently|\w+)", re.I)
# in lower case: "Weekly Shōnen Jump" is a title, not how often Shonen Jump appears
OFTEN = [(re.compile(r"\b" + pattern + r"\b"), times) for pattern, times in (
    (r"daily", 365), (r"(?:bi-?weekly|fortnightly)", 26), (r"weekly", 52), (r"(?:semi-?monthly|twice[- ]monthly)", 24),
    (r"bi-?monthly", 6), (r"monthly", 12), (r"quarterly", 4), (r"(?:semi-?annual|bi-?annual)(?:ly)?", 2),
    (r"(?:annual(?:ly)?|yearly)", 1))]
MAKER = re.compile(r"\bsame (director|author|writer|creator|composer|producer)\b", re.I)
MADE_BY = {"director": "directed", "author": "written", "writer": "written", "creator": "created",
           "composer": "composed", "producer": "produced"}


def compose_yes_no(question: str, passages: list[Passage], documents: dict, lang: str = "en"):
    """(sentences, sources, evidence) for a comparison decided from the sources, or None.

    documents maps doc_id -> Document (title, url). The lead cites both sentences it rests on.
    """
    titles = {p.hit.chunk.doc_id: documents[p.hit.chunk.doc_id].title for p in passages}
    decided = yes_no(question, passages, titles, lang) or which_first(question, passages, titles, lang) or \
        which_more(question, passages, titles, lang)
    if decided is None:
        return None
    lead, rests_on = decided
    evidence = [Evidence(text=text, doc_id=doc, title=documents[doc].title, url=documents[doc].url, score=1.0,
                         relevance=1.0) for doc, text in rests_on]
    parts = [Part(lead, tuple(range(1, len(evidence) + 1)), "compared")]
    parts += [Part(e.text, (n,), "quoted") for n, e in enumerate(evidence, 1)]
    sentences, sources = renumber(parts, evidence)
    return sentences, sources, evidence


def yes_no(question: str, passages: list[Passage], titles: dict[str, str],
           lang: str = "en") -> tuple[str, list[tuple[str, str]]] | None:
    """A Yes/No lead and the (doc_id, sentence) pairs it rests on, or None when it cannot be decided."""
    if lang != "en" or not AUX.match(question) or " and " not in question.lower():
        return None
    entities = compared(question, _in_order(passages, titles))
    if len(entities) != 2:
        return None
    texts = _own_texts(passages, entities)
    same = SAME.search(question)
    if same:
        pattern = FAMILY if same.group(1).lower() == "family" else DEMONYM
        firsts = [citable_sentences(texts[doc])[:1] for doc, _ in entities]
        found = [set(pattern.findall(first[0] if first else "")) for first in firsts]
        if not all(found):
            return None
        answer = "Yes" if found[0] & found[1] else "No"
        values = [" or ".join(sorted(f)) for f in found]
        lead = f"{answer}: {entities[0][1]} is {values[0]}, {entities[1][1]} is {values[1]}."
        return lead, [(d, _first(texts[d])) for d, _ in entities]
    measured = _dated(question, entities, texts) or _counted(question, entities, texts) or \
        _made_by(question, entities, texts)
    if measured:
        return measured
    named = {w for _, t in entities for w in query_terms(t)}
    wanted = {t for t in query_terms(AUX.sub("", question)) if t not in named | FILLER | LINKS}
    if not wanted or "both" not in question.lower():
        return None
    best = {}
    for doc, _ in entities:
        best[doc] = max(citable_sentences(texts[doc]) or [""], key=lambda s: term_overlap(s, wanted))
    says = [term_overlap(best[doc], wanted) >= 1.0 for doc, _ in entities]
    if all(says):
        return (f"Yes: the sources say it of both {entities[0][1]} and {entities[1][1]}.",
                [(doc, best[doc]) for doc, _ in entities])
    if not any(says):
        return None  # said of neither: nothing to compare
    (yes_doc, yes_title), (no_doc, no_title) = entities if says[0] else entities[::-1]
    return (f"No: the sources say it of {yes_title} but not of {no_title}.",
            [(yes_doc, best[yes_doc]), (no_doc, _first(texts[no_doc]))])


def which_first(question: str, passages: list[Passage], titles: dict[str, str],
                lang: str = "en") -> tuple[str, list[tuple[str, str]]] | None:
    """"Which band formed earlier, X or Y?", "Who is younger, X or Y?": the entity whose own first sentence
    gives the earlier (or later) year, with both sentences as its grounds; None when a year is missing,
    the years tie, or the question asks neither way."""
    if lang != "en" or not WHICH.match(question) or " or " not in question.lower():
        return None
    earlier, later = EARLIER.search(question), LATER.search(question)
    if bool(earlier) == bool(later) or re.search(r"\bthe first\b", question, re.I):
        return None  # "Who was the first Russian composer to …, X or Y?" is not a race of dates
    entities = compared(question, _in_order(passages, titles))
    if len(entities) != 2:
        return None
    texts = _own_texts(passages, entities)
    firsts = {doc: _first(text) for doc, text in texts.items()}
    years = _first_years(question, entities, texts)
    if not years or years[0] == years[1]:
        return None
    order = sorted(zip(years, entities), reverse=bool(later))
    (year, (doc, title)), (other_year, (other_doc, other_title)) = order
    return (f"{title}: {year}, against {other_year} for {other_title} "
            "(as the first sentence of each source gives them).",
            [(doc, firsts[doc]), (other_doc, firsts[other_doc])])


def which_more(question: str, passages: list[Passage], titles: dict[str, str],
               lang: str = "en") -> tuple[str, list[tuple[str, str]]] | None:
    """"Which genus has more species, X or Y?": the number each entity's own passage puts before that noun; "Which
    magazine is published more often, X or Y?": the frequency each gives (weekly, monthly …). The entity with more
    (or fewer) is the answer, both sentences its grounds; None when either gives none or two ("changed from a weekly
    publication to a monthly one": which is meant, the passage does not say, as _counted), or they tie."""
    asked = MORE.search(question) if lang == "en" and WHICH.match(question) and " or " in question.lower() else None
    entities = compared(question, _in_order(passages, titles)) if asked else []
    if len(entities) != 2:
        return None
    texts = _own_texts(passages, entities)
    if asked.group(2).lower() in ("often", "frequently"):
        given = [sorted(((m, times) for pattern, times in OFTEN for m in pattern.finditer(texts[doc])),
                        key=lambda f: f[0].start()) for doc, _ in entities]
    else:
        given = _counts(asked.group(2), entities, texts)
    found = _one_each(given)
    if not found or found[0][1] == found[1][1]:
        return None
    fewer = asked.group(1).lower() != "more"
    (won, (m, _)), (lost, (other, _)) = sorted(zip(entities, found), key=lambda e: e[1][1], reverse=not fewer)
    return (f"{won[1]}: {m.group(0)}, against {other.group(0)} for {lost[1]} (as each source gives them).",
            [(won[0], _holding(texts[won[0]], m.group(0))), (lost[0], _holding(texts[lost[0]], other.group(0)))])


def _noun(word: str) -> re.Pattern:
    """A count of this noun: "about 20 species", "1,200 species", "three acts", "12-member"."""
    singular = re.escape(word.lower().rstrip("s"))
    return re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+|" + "|".join(NUMBERS) + r")[\s-]+" + singular + r"s?\b", re.I)


def _counts(word: str, entities: list[tuple[str, str]], texts: dict[str, str]) -> list[list[tuple[re.Match, int]]]:
    """Per entity, each count of this noun its own passage gives (_noun), with its value."""
    noun = _noun(word)
    return [[(m, _number(m.group(1))) for m in noun.finditer(texts[doc])] for doc, _ in entities]


def _one_each(given: list[list[tuple[re.Match, int]]]) -> list[tuple[re.Match, int]] | None:
    """The first (match, value) of each entity, or None when one gives none, or two values: which one is meant,
    the passage does not say."""
    return None if any(len({value for _, value in g}) != 1 for g in given) else [g[0] for g in given]


def _first_years(question: str, entities: list[tuple[str, str]], texts: dict[str, str]) -> list[int] | None:
    """The year each entity's first sentence gives first (a death: the second year of a lifespan, "(1883 –
    1928)"), or None when one gives none."""
    at = 1 if DIED.search(question) else 0
    years = [YEAR.findall(_first(texts[doc]))[at:at + 1] for doc, _ in entities]
    return [int(y[0]) for y in years] if all(years) else None


def _number(text: str) -> int:
    digits = text.replace(",", "")
    return int(digits) if digits.isdigit() else NUMBERS[text.lower()]


def _dated(question: str, entities: list[tuple[str, str]], texts: dict[str, str]):
    """"… in the same year?", "… both before 1950?", "… both in the 19th century?": decided by the first year each
    entity's own first sentence gives (a release, a founding, a battle), as which_first reads them; None when a
    year is missing or the question asks none of these."""
    same, bound, century = SAME_YEAR.search(question), BOUND.search(question), CENTURY.search(question)
    if not (same or bound or century) or not ORIGIN.search(question):
        return None
    years = _first_years(question, entities, texts)
    if not years:
        return None
    if same:
        holds = years[0] == years[1]
    elif bound:
        limit = int(bound.group(2))
        holds = all(y < limit if bound.group(1).lower() != "after" else y > limit for y in years)
    else:
        start = (int(century.group(1)) - 1) * 100
        holds = all(start <= y < start + 100 for y in years)
    return _measured(holds, entities, [str(y) for y in years], texts)


def _counted(question: str, entities: list[tuple[str, str]], texts: dict[str, str]):
    """"Do the operas X and Y have the same number of acts?": the number each entity's own passage puts before
    that noun ("an opera in three acts"); None when either passage gives none, or two ("first in four acts, revised
    to three acts"): which one is meant, the passage does not say."""
    asked = COUNT.search(question)
    if not asked:
        return None
    found = _one_each(_counts(asked.group(1), entities, texts))
    if not found:
        return None
    return _measured(found[0][1] == found[1][1], entities, [m.group(0) for m, _ in found], texts,
                     [_holding(texts[doc], m.group(0)) for (doc, _), (m, _) in zip(entities, found)])


def _made_by(question: str, entities: list[tuple[str, str]], texts: dict[str, str]):
    """"Are X and Y by the same director?": the names after "directed by" (written, created …) in each entity's
    own passage, the same when their surnames are ("Spielberg" and "Steven Spielberg"); None when either names
    none."""
    asked = MAKER.search(question)
    if not asked:
        return None
    by = re.compile(MADE_BY[asked.group(1).lower()] + r" by ((?:[A-Z][\w.'-]*\s?){1,4})")
    found = [by.search(texts[doc]) for doc, _ in entities]
    if not all(found):
        return None
    # the name ends where its sentence does ("… by Marlo Poras. The film …"), not at an initial ("J. Smith")
    names = [re.split(r"(?<=\w{3})\.\s", m.group(1).strip())[0].rstrip(".") for m in found]
    return _measured(names[0].split()[-1] == names[1].split()[-1], entities, names, texts,
                     [_holding(texts[doc], m.group(0)) for (doc, _), m in zip(entities, found)])


def _measured(holds: bool, entities, values: list[str], texts: dict[str, str], grounds: list[str] | None = None):
    """The lead of a comparison decided by one value per entity, and the sentences it rests on (each entity's
    first sentence unless `grounds` gives them)."""
    grounds = grounds or [_first(texts[doc]) for doc, _ in entities]
    lead = (f"{'Yes' if holds else 'No'}: {values[0]} for {entities[0][1]}, {values[1]} for {entities[1][1]} "
            "(as each source gives them).")
    return lead, [(doc, ground) for (doc, _), ground in zip(entities, grounds)]


def _holding(text: str, words: str) -> str:
    """The sentence of `text` that holds `words`."""
    return next((s for s in citable_sentences(text) if words in s), _first(text))


def _in_order(passages: list[Passage], titles: dict[str, str]) -> dict[str, str]:
    """doc_id -> title of the passages read, in reading order."""
    return {p.hit.chunk.doc_id: titles[p.hit.chunk.doc_id] for p in passages}


def _own_texts(passages: list[Passage], entities: list[tuple[str, str]]) -> dict[str, str]:
    """Each compared entity's own passages read, joined: doc_id -> text."""
    return {doc: " ".join(p.hit.chunk.text for p in passages if p.hit.chunk.doc_id == doc) for doc, _ in entities}


def _first(text: str) -> str:
    sentences = citable_sentences(text)
    return sentences[0] if sentences else text[:300]
