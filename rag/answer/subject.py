"""What a question is about, and who a quoted pronoun stands for.

    is_person(text)                  a document about a person (a lifespan in its opening, or mostly he/she)
    named_in(query, titles)          the documents whose title the question names ("the Mona Lisa")
    with_referent(sentence, title, person)
                                     "He is best known …" quoted from Gustave Eiffel's article becomes
                                     "[Gustave Eiffel] is best known …": a quote read out of its passage
                                     must not leave the reader guessing who "he" is

English only for the pronouns: a Korean quote keeps its words (그는 … stays as written).
"""

from __future__ import annotations

import re

# A document reads as a person's when its opening says "(born …", "(1452–1519)" or uses he/she more than it.
# The parenthesis must open the first sentence, right after the name: "Leonardo da Vinci (1452–1519) was",
# not "… by the Song dynasty artist Zhang Zeduan (1085–1145)" in a painting's article.
LIFESPAN = re.compile(r"^[^.()]{0,80}\((?:[^)]*\bborn\b|[^)]*\d{3,4}\s*[–-][^)]*\d{3,4})|\(\d{4}년")
PERSONAL = {"he": "", "she": "", "his": "'s", "her": "'s", "him": ""}
IMPERSONAL = {"it": "", "its": "'s"}
# "It is believed that …", "It was not until …": an "it" that stands for nothing
EXPLETIVE = re.compile(r"^it\s+(is|was|has been|had been|would be|remains|seems|appears)\s+"
                       r"(believed|thought|said|known|estimated|likely|unlikely|possible|not|unclear|uncertain|"
                       r"claimed|reported|argued|also|often|generally|widely|now|therefore)\b", re.I)
OPENING = re.compile(r"^(He|She|His|Her|It|Its)\b(?!['’])")


def is_person(text: str) -> bool:
    """A lifespan or "born" in the opening, or he/she outnumbering it/its in the text."""
    if LIFESPAN.search(text[:300]):
        return True
    he = len(re.findall(r"\b(he|his|him|she|her)\b", text, re.I))
    it = len(re.findall(r"\b(it|its)\b", text, re.I))
    return he > it and he >= 2


def named_in(query: str, titles: dict[str, str]) -> list[str]:
    """The doc_ids whose title (without a parenthesised qualifier) the question names, longest title first."""
    found = []
    for doc_id, title in titles.items():
        name = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
        if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", query, re.I):
            found.append((len(name), doc_id))
    return [d for _, d in sorted(found, reverse=True)]


def with_referent(sentence: str, title: str, person: bool | None, brackets: bool = True) -> str:
    """The sentence with an opening pronoun replaced by its document's title (in brackets: an editor's insertion),
    when the pronoun fits the document (he/she for a person, it for anything else; any when `person` is None);
    unchanged otherwise."""
    opening = OPENING.match(sentence)
    if not opening or not title:
        return sentence
    word = opening.group(1).lower()
    table = {**PERSONAL, **IMPERSONAL} if person is None else PERSONAL if person else IMPERSONAL
    if word not in table or (word == "it" and EXPLETIVE.match(sentence)):
        return sentence
    name = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()
    return f"{f'[{name}]' if brackets else name}{table[word]}{sentence[opening.end():]}"
