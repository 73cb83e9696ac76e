"""Two-turn conversations from SQuAD / KorQuAD: a question that names an article's subject, then another
question about the same subject that refers to it with a pronoun. Called by `python -m eval.make_conv`.

    turn 1   "In what year was Nikola Tesla born?"          names the subject
    turn 2   "What was his ethnicity?"                      "Nikola Tesla's" became "his"
    ceiling  "What was Nikola Tesla's ethnicity?"           the question as SQuAD asked it

    turn 1   "반기문이 졸업한 중학교의 이름은 무엇인가?"
    turn 2   "그가 미국 연수에서 만난 미국 대통령의 이름은 무엇인가?"

HotpotQA's bridge conversations (eval.make_conv) test a follow-up whose "he" is the name the first answer
*added*; these test the other common case, a follow-up about the subject the first question *named*, while
the first answer names someone else ("Who did Tesla work for?" → Edison; "When did he die?" is Tesla).

Only questions that write the article's title out once, not as a modifier ("the Rhine water"), are used.
The pronoun comes from the article's text (rag.answer.subject.is_person): he or she for a person, they for
a plural title its text calls "they", it otherwise, "there" for "in/at <place>", 그 or 그것 in Korean.
At most `per_article` conversations an article, each question used once. A conversation carries the split
part of its article (eval.split: the reader never trained on a held-out article).
"""

from __future__ import annotations

import random
import re
from types import SimpleNamespace

from rag.answer.subject import is_person
from rag.chat.entities import PLACE_WORDS
from rag.chat.followup import KO_PARTICLES, _ko_particle
from rag.ingest.sources import iter_squad

from .split import part

PREPOSITIONS = frozenset("of in at by for from with on to about into over under after before during than "
                         "against between within without".split())
SUBJECT_BEFORE = frozenset("is was are were did does do has had have can could will would should and what who "
                           "when where which why how whom that".split())
DO = frozenset("did does do can could will would should may might must is was are were has have had".split())
# after these a verb or participle follows the subject: "did Tesla go", "was Tesla born"
DETERMINERS = frozenset("a an this that these those every each any".split())
OBJECT = {"he": "him", "she": "her", "it": "it", "they": "them"}
POSSESSIVE = {"he": "his", "she": "her", "it": "its", "they": "their"}
# KorQuAD paragraphs come from the middle of an article and Korean repeats a name rather than saying 그는,
# so a person is also one whose text says they were born or graduated; in English the first paragraph is
# the article's lead, and a person's title is a capitalised name ("Nikola Tesla", not "Pharmacy").
KO_PERSON = re.compile(r"태어났|태어난|출생하|졸업했|졸업하였")


def english_pronoun(title: str, text: str, person: bool) -> str:
    """he or she for a person (whichever the article says more), they for a plural title ("Normans") whose
    text says they/their more than it/its, it otherwise."""
    if person:
        return "she" if len(re.findall(r"\b(she|her)\b", text, re.I)) > len(re.findall(r"\b(he|his|him)\b", text,
                                                                                        re.I)) else "he"
    its = len(re.findall(r"\b(it|its)\b", text, re.I))
    return "they" if title.endswith("s") and len(re.findall(r"\b(they|their|them)\b", text, re.I)) > its else "it"


def english_turn(question: str, title: str, word: str, place: bool) -> str | None:
    """The question with its one mention of `title` replaced by the pronoun, or None."""
    pattern = re.compile(rf"(?<![\w-])(?:(the)\s+)?{re.escape(title)}(?![\w-])((?:'s|’s)?)", re.I)
    found = list(pattern.finditer(question))
    if len(found) != 1:
        return None
    m = found[0]
    before, after = question[: m.start()].rstrip(), question[m.end():]
    prev = before.split()[-1].lower() if before else ""
    following = re.match(r"\s*([\w'’-]+)", after)
    nxt = following.group(1).lower() if following else ""
    if prev in DETERMINERS or (nxt and not m.group(2) and prev not in DO and nxt not in SUBJECT_BEFORE | PREPOSITIONS
                               and not nxt.endswith("ed")):
        return None  # "a ctenophora", "the Rhine water": the title is a noun's modifier, no pronoun fits
    if m.group(2):
        text = POSSESSIVE[word]
    elif place and prev in ("in", "at"):
        before, text = before[: -len(prev)].rstrip(), "there"
    elif not prev or prev in SUBJECT_BEFORE:
        text = word
    elif prev in PREPOSITIONS or prev.isalpha():
        text = OBJECT[word]
    else:
        return None
    if not before:
        text = text[:1].upper() + text[1:]
    turn = f"{before} {text}{after}".strip()
    return " ".join(turn.split())


def korean_turn(question: str, title: str, person: bool) -> str | None:
    """The question with "<title><particle>" replaced by 그/그것 with the particle made to fit, or None."""
    tokens = question.split()
    hits = [i for i in range(len(tokens)) if " ".join(tokens[i:]).startswith(title)]
    if len(hits) != 1 or question.count(title) != 1:
        return None
    i = hits[0]
    n = len(title.split())
    last = tokens[i + n - 1]
    rest = last[len(title.split()[-1]):]
    m = re.match(r"^(.*?)([?？.!,]*)$", rest)
    particle, tail = m.group(1), m.group(2)
    if particle and particle not in KO_PARTICLES:
        return None  # a compound ("금강산에서의", "반기문정부"): no pronoun fits
    if person and not particle:
        return None  # a bare "그" reads as the determiner "that"
    stem = "그" if person else "그것"
    word = stem + (_ko_particle(stem, particle) if particle else "") + tail
    return " ".join(tokens[:i] + [word] + tokens[i + n:])


def squad_conversations(path, source: str, per_article: int = 6, seed: int = 0) -> tuple[list[dict], int]:
    """(conversations, questions looked at) from one SQuAD v1 JSON file (SQuAD or KorQuAD)."""
    rng = random.Random(seed)
    by_article: dict[str, list[tuple[dict, str]]] = {}
    texts: dict[str, list[str]] = {}
    looked = 0
    for doc, qas in iter_squad(path):
        texts.setdefault(doc.title, []).append(doc.text)
        for qa in qas:
            looked += 1
            answers = [a["text"] for a in qa.get("answers", []) if a.get("text")]
            if answers and doc.title.lower() in qa.get("question", "").lower():
                by_article.setdefault(doc.title, []).append(({**qa, "answers": answers}, doc.id))
    spec = SimpleNamespace(spec=source)
    out = []
    for title, rows in by_article.items():
        text = "\n".join(texts[title])
        korean = bool(re.search(r"[\uac00-\ud7a3]", title))
        person = is_person(text) or bool(KO_PERSON.search(text)) if korean else \
            is_person(texts[title][0]) and all(w[:1].isupper() for w in title.split()) and " " in title
        word = english_pronoun(title, text, person)
        place = not person and bool(PLACE_WORDS.search(text[:300]))
        rng.shuffle(rows)
        made = 0
        for (first, first_doc), (second, second_doc) in zip(rows[0::2], rows[1::2]):
            if made >= per_article or set(first["answers"]) & set(second["answers"]):
                continue
            asked = second["question"].strip()
            turn2 = korean_turn(asked, title, person) if korean else english_turn(asked, title, word, place)
            if not turn2 or turn2 == asked:
                continue
            question = SimpleNamespace(id=second["id"], relevant=(second_doc,))
            out.append({"id": f"{first['id']}+{second['id']}", "source": source, "part": part(question, spec),
                        "turns": [{"question": first["question"].strip(), "answers": first["answers"],
                                   "titles": [title]},
                                  {"question": turn2, "answers": second["answers"], "titles": [title],
                                   "spelled_out": asked, "entity": title}]})
            made += 1
    rng.shuffle(out)  # `rag eval --limit N` then takes a spread of articles, not the first few
    return out, looked
