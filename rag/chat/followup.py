"""Follow-up resolution: a question that leans on the conversation becomes a standalone query.

"Who painted the Mona Lisa?" then "When was he born?" must search for "When was Leonardo da Vinci
born?". With no language model involved (the bundled 135M model cannot be trusted to rewrite):

  1. anaphor     find what the follow-up leans on: a pronoun ("he", "its", "there", "그는", "거기"), or
                 an ellipsis ("what about in 1900?", "and the Louvre?", "1900년에는요?"). A question with
                 neither, or one that names its own antecedent before the pronoun, is left as it is.
  2. candidates  the earlier turns' entities: names the answer stated, the cited sources' titles,
                 the bridges the second hop followed, the top links, the topic of the last query;
                 each with a prior for its role (a name the answer added is the likeliest "he").
  3. choose      each candidate is scored (rag.chat.choose) on its role's prior, whether its kind fits the
                 pronoun, and how well its own documents answer the follow-up: BM25 of the follow-up's own
                 words (anaphor removed) against its chunks, so "How many people can it seat?" picks the
                 arena over the team that played in it, and, in English, the learned reader's score for the
                 follow-up with the candidate written in against the candidate's own sentences. The
                 weights are fitted on conversations made from HotpotQA, SQuAD and KorQuAD.
  4. rewrite     the anaphor is replaced by the chosen name ("his" -> "Leonardo da Vinci's",
                 "there" -> "in Paris", "그는" -> "레오나르도 다빈치는"); an ellipsis is put into the
                 last query in place of the thing of the same kind (a year for a year, a name for a name).

Every entity the rewrite adds comes from the conversation, and every word of the follow-up is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from rag.chat import choose
from rag.chat.entities import Entity, display_name, kind_of
from rag.retrieve.hop import names_in, title_key, title_table
from rag.text import HANGUL

# English pronouns that point back, with the kind of thing they point at.
PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
            "hers": "person", "it": "thing", "its": "thing", "they": "any", "them": "any", "their": "any",
            "there": "place", "this": "thing", "that": "thing"}
POSSESSIVE = frozenset({"his", "its", "their"})
BE = frozenset("is are was were be been isn't wasn't aren't weren't".split())
AUX = BE | frozenset("do does did can could will would should has have had may might must".split())
PREPOSITIONS = frozenset("of in at on by for from with to about into over under after before".split())
# "What about in 1900?", "How about the Louvre?", "And his wife?": the rest is put into the last query.
ELLIPSIS_EN = re.compile(r"^\s*(?:what|how)\s+about\s+(.+?)\s*\??\s*$|^\s*and\s+(.+?)\s*\?\s*$", re.I)
# Korean: "그는", "그의", "그녀가", "그것은", "거기에서", "그곳에" … a pronoun stem, then an optional particle.
KO_STEMS = ("그녀", "그것", "그곳", "거기", "그들", "이것", "이곳", "저곳", "저것", "그")
KO_PARTICLES = ("에서는", "에서", "으로", "에는", "는", "은", "가", "이", "의", "를", "을", "에", "서", "도",
                "와", "과", "로", "만")
KO_PRONOUN = re.compile(r"^(%s)(%s)?([?？.!]*)$" % ("|".join(KO_STEMS), "|".join(KO_PARTICLES)))
KO_PLACE = frozenset({"그곳", "거기", "이곳", "저곳"})
KO_PERSON = frozenset({"그", "그녀", "그들"})
# "1900년에는요?", "루브르는요?", "그럼 피카소는?": a short question that is one thing and a topic marker.
ELLIPSIS_KO = re.compile(r"^\s*(?:그럼|그러면|그리고)?\s*(.+?)(?:은요|는요|에는요|에서는요|는|은)\s*[?？]\s*$")
YEAR = re.compile(r"\b\d{3,4}\b|\d{3,4}년")
@dataclass(frozen=True)
class Resolution:
    """What was searched for a follow-up, and why."""

    query: str
    changed: bool = False
    entity: str = ""  # the name put in
    anaphor: str = ""  # what it replaced ("he", "거기", or "ellipsis")
    scores: dict = field(default_factory=dict)  # candidate -> score, for the curious and the tests


@dataclass(frozen=True)
class Anaphor:
    position: int  # token index in the question
    word: str
    kind: str  # "person" | "thing" | "place" | "any"
    possessive: bool = False
    korean_particle: str | None = None  # Korean: the particle after the stem (None for English)
    tail: str = ""  # punctuation glued to the token


def tokens_of(question: str) -> list[str]:
    return question.split()


def _bare(token: str) -> tuple[str, str, str]:
    """Leading punctuation, the word, trailing punctuation."""
    m = re.match(r"^([\"'“‘(]*)(.*?)([\"'”’),.?!;:？]*)$", token)
    return m.group(1), m.group(2), m.group(3)


def find_anaphor(question: str) -> Anaphor | None:
    """The first pronoun in the question that points outside it, or None."""
    toks = tokens_of(question)
    words = [_bare(t)[1].lower() for t in toks]
    for i, (tok, word) in enumerate(zip(toks, words)):
        kind = PERSONAL.get(word)
        if kind:
            prev = words[i - 1] if i else ""
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if word == "there" and (prev in BE or nxt in BE or not prev):  # "is there …", "there are …"
                continue
            # "this"/"that" stand alone at the end ("Who built that?") or before a verb after an
            # auxiliary ("When was that built?"); before a noun ("that tower") they are determiners
            if word in ("this", "that") and nxt and not (prev in AUX | PREPOSITIONS and (
                    nxt in AUX or nxt.endswith(("ed", "en", "t")))):
                continue
            if word == "it" and nxt in ("is", "was") and i + 2 < len(words) and words[i + 2] in ("true", "possible"):
                continue
            possessive = word in POSSESSIVE or (word == "her" and nxt and nxt not in PREPOSITIONS and nxt not in AUX
                                                 and _bare(tok)[2] == "")
            return Anaphor(i, word, kind, possessive, None, _bare(tok)[2])
        m = KO_PRONOUN.match(tok)
        if m and (m.group(1) != "그" or m.group(2)):  # a bare "그" is the determiner "that" ("그 건물")
            stem, particle, tail = m.group(1), m.group(2) or "", m.group(3)
            kind = "place" if stem in KO_PLACE else "person" if stem in KO_PERSON else "thing"
            return Anaphor(i, stem, kind, particle == "의", particle, tail)
    return None


def names_own_antecedent(question: str, anaphor: Anaphor, index) -> bool:
    """"Where did Leonardo live and what did he paint?": the pronoun's name is in the question itself. With an
    index, a name counts when it is a document title whose kind fits the pronoun (a name with no document, for
    he/she only):
    "How old was Newton during it?" and "What percent of the Muslim population lives in its …?" still
    lean on the conversation (on the SQuAD conversations of eval.conv_squad 14 of 180 were left unresolved)."""
    before = " ".join(tokens_of(question)[: anaphor.position])
    names = names_in(before)
    if anaphor.position > 0 and names:
        first = tokens_of(question)[0]
        # a capital that only opens the sentence ("When was he born") is not a name
        names = [n for n in names if not (before.startswith(n) and n == _bare(first)[1] and len(n.split()) == 1)]
    if index is not None and names and anaphor.kind != "any":
        table = title_table(index)
        kinds = [kind_of(Entity(n, "topic", table.get(title_key(n), ())), index) for n in names]
        person = anaphor.kind == "person"
        names = [n for n, kind in zip(names, kinds)
                 if (((kind == "person") == person) if title_key(n) in table else person)]
    return bool(names)


def _ko_particle(word: str, particle: str) -> str:
    """은/는, 이/가, 을/를, 과/와, 으로/로 by whether the word ends in a final consonant."""
    last = word[-1:] if word else ""
    if not HANGUL.match(last):
        closed = last.isalnum() and last.lower() not in "aeiouy"  # Latin names: read by the last letter
    else:
        closed = (ord(last) - 0xAC00) % 28 != 0
    pairs = {"는": ("은", "는"), "은": ("은", "는"), "가": ("이", "가"), "이": ("이", "가"), "를": ("을", "를"),
             "을": ("을", "를"), "와": ("과", "와"), "과": ("과", "와"), "로": ("으로", "로"), "으로": ("으로", "로")}
    if particle in pairs:
        return pairs[particle][0 if closed else 1]
    return particle


def rewrite(question: str, anaphor: Anaphor, name: str) -> str:
    toks = tokens_of(question)
    lead, _, tail = _bare(toks[anaphor.position])
    name = display_name(name)
    if anaphor.korean_particle is not None:
        particle = anaphor.korean_particle
        if anaphor.word in KO_PLACE and not particle:
            particle = "에"
        toks[anaphor.position] = f"{lead}{name}{_ko_particle(name, particle)}{anaphor.tail}"
        return " ".join(toks)
    if anaphor.word == "there":
        prev = _bare(toks[anaphor.position - 1])[1].lower() if anaphor.position else ""
        replacement = name if prev in PREPOSITIONS else f"in {name}"
    elif anaphor.possessive:
        replacement = f"{name}'" if name.endswith("s") else f"{name}'s"
    else:
        replacement = name
    toks[anaphor.position] = f"{lead}{replacement}{tail}"
    return " ".join(toks)


def _ellipsis(question: str) -> str | None:
    """The thing an elliptical follow-up asks about instead ("in 1900", "the Louvre"), or None."""
    m = ELLIPSIS_EN.match(question)
    if m:
        return (m.group(1) or m.group(2)).strip()
    if HANGUL.search(question) and len(question.split()) <= 3:
        m = ELLIPSIS_KO.match(question)
        if m:
            return m.group(1).strip()
    return None


def fill_ellipsis(previous: str, thing: str, topic: str) -> str:
    """Put the new thing into the last query in place of one of the same kind, else add it."""
    year = YEAR.search(thing)
    if year and YEAR.search(previous):
        return YEAR.sub(year.group(0), previous, count=1)
    bare = re.sub(r"^(in|on|at|for|of|the)\s+", "", thing, flags=re.I)
    if topic and topic.lower() in previous.lower() and (bare[:1].isupper() or HANGUL.match(bare)):
        start = previous.lower().index(topic.lower())
        return previous[:start] + bare + previous[start + len(topic):]
    stripped = previous.rstrip(" ?？")
    return f"{stripped} {thing}?"


def scored_candidates(question: str, anaphor: Anaphor, turns: list, index, reader=None) -> tuple[list, np.ndarray]:
    """The earlier turns' entities the anaphor may stand for, (entity, prior) each, and their rows of
    rag.chat.choose.FEATURES (the follow-up's own words are the question without the anaphor)."""
    pool = choose.candidates(turns)
    own = " ".join(t for i, t in enumerate(tokens_of(question)) if i != anaphor.position)
    asked = lambda name: rewrite(question, anaphor, name)  # noqa: E731
    return pool, choose.features(own, anaphor.kind, pool, index, asked, reader) if pool else None


def resolve(question: str, turns: list, index=None, reader=None) -> Resolution:
    """The standalone query for `question` after `turns` (each with .resolved_query and .entities).

    index: the loaded rag.store.local.Index the conversation searches (None in web mode: no fit by documents).
    reader: the learned reader (rag.answer.reader) when it reads the index's language: it scores the
    shortlisted candidates (rag.chat.choose).
    """
    if not turns:
        return Resolution(question)
    previous = turns[-1]
    thing = _ellipsis(question)
    if thing is not None:
        topic = next((display_name(e.name) for e in previous.entities if e.role == "topic"), "")
        query = fill_ellipsis(previous.resolved_query, thing, topic)
        return Resolution(query, query != question, thing, "ellipsis")
    anaphor = find_anaphor(question)
    if anaphor is None or names_own_antecedent(question, anaphor, index):
        return Resolution(question)
    pool, rows = scored_candidates(question, anaphor, turns, index, reader)
    if not pool:
        return Resolution(question)
    scored = choose.scores(rows, reader is not None)
    scores = {entity.name: round(float(v), 4) for (entity, _), v in zip(pool, scored)}
    best = pool[int(np.argmax(scored))][0].name  # ties: the earlier (likelier by prior) candidate
    return Resolution(rewrite(question, anaphor, best), True, display_name(best), anaphor.word, scores)
