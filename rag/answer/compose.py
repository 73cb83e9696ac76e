"""The overview as its own stage: evidence (and a draft) in, checked and cited sentences out.

    compose(question, draft, evidence, ...)  -> (sentences, sources)
        lead        the model's first sentence when the checker finds it supported by a relevant
                    source AND it adds something the question did not hold; else the best evidence,
                    quoted
        bridge      when the lead rests on a second-hop passage, the first-hop sentence that names the
                    bridge entity follows it, so a multi-hop answer cites both links of the chain; a
                    comparison keeps each side's best sentence (sides_of)
        support     further evidence sentences in the order evidence picked them (by probability, with
                    maximal marginal relevance), within the word budget and the point cap (the lead's own
                    passage needs half the floor); then the sentences next to the lead in its passage, cut at
                    a clause to fit (clause_prefix)
        sources     one per cited document, numbered in order of first citation
    subject_only(number, evidence)           "the sources describe A, but …" when A's own source lacks it
    found_only(question, evidence)           "the sources describe A and B, but …" when nothing
                                             in them is likely to answer
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace

from rag.answer.citations import (adds_to_question, attribute, carries_answer, content_words, degenerate,
                                  strip_citations)
from rag.embed.embedder import Embedder
from rag.answer.sentences import citable_sentences
from rag.answer.short import holds_name
from rag.answer.subject import SURE, mentions, shown, sides, with_referent
from rag.answer.types import answer_type, typed_of
from rag.messages import message
from rag.schema import Evidence, Sentence, Source

log = logging.getLogger(__name__)

MAX_WORDS = 80  # the overview's budget: a lead sentence and up to three supporting points
MAX_SUPPORT = 3
# The end of a first sentence of at least four words, citation marks included: "… Vinci [1]. "
# The writer is stopped there while it streams (only the lead is used), and lead() reads that sentence.
LEAD_END = re.compile(r"^\s*\S+(\s+\S+){3,}?[^\s.]{2,}(\s*\[\d+(,\s*\d+)*\])*[.!?](\s*\[\d+(,\s*\d+)*\])*\s")
# A supporting point must be at least half as likely to hold the answer as the best evidence.
# Chosen on the "fit" part of the split (eval.split; 133 HotpotQA, 114 SQuAD questions, extractive):
# a floor of 0.35 gave containment 0.444 / 0.816, citation precision 0.685 / 0.802, 57 / 43 words;
# 0.5 gave 0.436 / 0.798, 0.735 / 0.839, 46 / 38 words and more questions where the overview
# reaches the answer in fewer words than the links (SQuAD 57% vs 50%); 0.7 cost 5 points of containment.
SUPPORT_RATIO = 0.5
# ... and a sentence of the lead's own passage half that (fourteenth round: KorQuAD 300 seed 1 +6, SQuAD 300 +2,
# HotpotQA 250 +2, none lost; KorQuAD seed 0 one gained, one lost): "Parachutes were carried to slow its descent
# to splashdown." two sentences after the Command Module's lead.
PASSAGE_RATIO = 0.5
# A quoted lead holding no date or number of what is asked gives way to a sentence of its own document that holds
# one and is at least this likely (_quoted_lead).
TYPED_RATIO = 0.5
# The shortest opening of a sentence quoted on its own (clause_prefix): a clause, not a fragment.
CLAUSE_WORDS = 8


@dataclass(frozen=True)
class Part:
    """One overview sentence before renumbering: it cites evidence numbers (1-based)."""

    text: str
    cited: tuple[int, ...]
    origin: str  # "generated" | "quoted" | "found"
    support: float = 1.0


def compose(question: str, draft: str, evidence: list[Evidence], embedder: Embedder, lang: str = "en",
            relevant_from: float = 0.0, persons: frozenset[str] = frozenset(),
            hint: str | None = None) -> tuple[list[Sentence], list[Source]]:
    """Checked sentences and their sources. `relevant_from`: the cosine a source needs to carry the lead;
    `persons`: the evidence documents about a person (a quote's opening "He" stands for its title there);
    `hint`: the short answer the best evidence holds (rag.answer.short.hint), given to the writer."""
    vectors = embedder.encode([e.text for e in evidence])
    # quotes get their referent before they are counted: "[Rose McGowan]" for "She" is a word more
    parts = [_referred(lead(question, draft, evidence, embedder, vectors, lang, relevant_from, hint), evidence,
                       persons)]
    if parts[0].origin == "quoted" and lang == "en":
        parts[0] = _named_lead(question, parts[0], evidence, persons)
    words = len(parts[0].text.split())
    used = {n for n in parts[0].cited if words >= 0.7 * len(evidence[n - 1].text.split())}
    best = evidence[parts[0].cited[0] - 1] if parts[0].cited else evidence[0]
    # kept whatever their probability: the bridge of a multi-hop lead, the date or number asked for, the next
    # link of a chain the lead starts, the other sides of a comparison
    kept = [n for n in dict.fromkeys((bridge_of(evidence, best), typed_of(evidence, question, best),
                                       chain_of(evidence, best), *sides_of(evidence, question, best))) if n]
    order = kept + [n for n in range(1, len(evidence) + 1) if n not in kept]
    floor = SUPPORT_RATIO * evidence[0].relevance
    neighbours = [n for n in (following_of(evidence, best, 1), following_of(evidence, best, -1)) if n]
    for near in neighbours:
        if near not in kept and evidence[near - 1].relevance < floor:
            order.remove(near)  # last, under the floor: they fill what the supporting points leave
            order.append(near)
            kept.append(near)
    for n in order:
        e = evidence[n - 1]
        own = e.chunk_id == best.chunk_id  # the lead's own passage reads on from it: a lower floor
        if len(parts) > MAX_SUPPORT or n in used or (e.relevance < floor * (PASSAGE_RATIO if own else 1)
                                                     and n not in kept):
            continue
        text = _referred(Part(e.text, (n,), "quoted"), evidence, persons).text
        text = text if n not in neighbours else clause_prefix(text, MAX_WORDS - words)
        size = len(text.split())
        if text and words + size <= MAX_WORDS:
            parts.append(Part(text, (n,), "quoted"))
            used.add(n)
            words += size
    return renumber(parts, evidence)


def clause_prefix(text: str, room: int) -> str:
    """`text` when it fits in `room` words; else its longest opening that ends a clause (at a comma, semicolon
    or colon) and fits with " …" added, of at least CLAUSE_WORDS words; else "". A neighbour of the lead too
    long for what the budget leaves is quoted so, as a search snippet is: "He was able to adopt the
    epidemiology of the bubonic plague for the Black Death for the second edition in 1908, implicating rats
    and fleas in the process …" (the rest, 21 words more, goes on to other epidemics)."""
    words = text.split()
    if len(words) <= room:
        return text
    cuts = [i + 1 for i, w in enumerate(words[:max(room - 1, 0)]) if w[-1] in ",;:" and i + 1 >= CLAUSE_WORDS]
    return " ".join(words[:cuts[-1]])[:-1] + " …" if cuts else ""


def _referred(part: Part, evidence: list[Evidence], persons: frozenset[str]) -> Part:
    """A quote opening with a pronoun gets its referent from its document's title (rag.answer.subject)."""
    if part.origin != "quoted" or not part.cited:
        return part
    source = evidence[part.cited[0] - 1]
    return replace(part, text=with_referent(part.text, source.title, source.doc_id in persons))


def lead(question: str, draft: str, evidence: list[Evidence], embedder: Embedder, vectors, lang: str,
         relevant_from: float, hint: str | None = None) -> Part:
    """The model's first sentence if it passes every check; else the best evidence, quoted. A sentence that
    says the checked short answer (`hint`, a span of evidence 1) and cites evidence 1 passes as it is."""
    first = citable_sentences(draft.strip(), lang)[:1] if draft.strip() else []
    for raw in first:
        text, cited = strip_citations(raw)
        why = degenerate(text, lang)
        if len(text.split()) < 2 or "sources do not say" in text.lower() or why:
            log.info("draft rejected: %s", why or "no answer in it")
            break
        if _says_hint(text, cited, hint, question, evidence[0]):
            return Part(text, (1,), "generated", 1.0)
        # Only evidence relevant to the question may carry the lead: a sentence that merely
        # restates an off-topic passage (say, an instruction injected into a web page) is no answer.
        relevant = {n for n, e in enumerate(evidence, 1) if e.score >= relevant_from}
        citations, verdict = attribute(text, cited, evidence, embedder, vectors, allowed=relevant)
        if not citations:
            log.info("draft sentence failed the check (%s): replaced by a quote", verdict.reason)
            break
        if not adds_to_question(text, question, " ".join(evidence[n - 1].text for n in citations)):
            log.info("draft sentence only restates the question: replaced by a quote")
            break
        # what quoting would give: the best evidence, or the sentence holding the date or number asked for
        typed = typed_of(evidence, question, evidence[0])
        best = evidence[typed - 1] if typed else evidence[0]
        if not carries_answer(text, question, best.text, answer_type(question)):
            log.info("draft sentence says less than the best evidence: replaced by a quote")
            break
        return Part(text, tuple(citations), "generated", verdict.score)
    return _quoted_lead(question, evidence, lang)


def _quoted_lead(question: str, evidence: list[Evidence], lang: str = "en") -> Part:
    """The best evidence, quoted; or, when it holds no date, number or count of what the question asks, the
    sentence of its own document that holds one (rag.answer.types.typed_of), if at least TYPED_RATIO as likely:
    "How many bones are in the human body?" is led by "[Human skeleton] is composed of around 270 bones at birth
    …", not by "The bone mass in the skeleton makes up about 14% of the total body weight …" (0.39 against 0.63),
    which follows it. English only: a count in Korean words ("두칸") is not read as a number, and a KorQuAD lead
    holding one gave way to a sentence with digits ("2번째 랭크")."""
    typed = typed_of(evidence, question, evidence[0]) if lang == "en" else None
    if typed and evidence[typed - 1].doc_id == evidence[0].doc_id \
            and evidence[typed - 1].relevance >= TYPED_RATIO * evidence[0].relevance:
        return Part(evidence[typed - 1].text, (typed,), "quoted")
    return Part(evidence[0].text, (1,), "quoted")


def _named_lead(question: str, quoted: Part, evidence: list[Evidence], persons: frozenset[str]) -> Part:
    """A quoted lead holding no name for "Who …?" gives way to the likeliest evidence sentence that holds one, if at
    least TYPED_RATIO as likely and likely to answer on its own (SURE; rag.answer.short.holds_name): "who discovered
    penicillin" is led by "[Alexander Fleming] shared the 1945 Nobel Prize … "for the discovery of penicillin …""
    (0.54), not by "A number of natural penicillins have been discovered, but only two purified compounds are in
    clinical use …" (0.56). Not when the sentence after it, quoted with it, holds one ("The Beatles were an English
    rock band …" — "The band comprised John Lennon, …"); nor for an unlikely one: "who makes the most tires in the
    world" (not in `vital`) took Schumacher's "… tied by Lewis Hamilton in 2020 …" (0.11) over the tire's 0.21."""
    quote = lambda n: _referred(Part(evidence[n - 1].text, (n,), "quoted"), evidence, persons)  # noqa: E731
    after = following_of(evidence, evidence[quoted.cited[0] - 1], 1) if quoted.cited else None
    if holds_name(question, quoted.text) is not False or (after and holds_name(question, quote(after).text)):
        return quoted
    floor = max(TYPED_RATIO * evidence[0].relevance, SURE)
    likely = (quote(n) for n, e in enumerate(evidence, 1) if n not in quoted.cited and e.relevance >= floor)
    return next((other for other in likely if holds_name(question, other.text)), quoted)


def _says_hint(text: str, cited: list[int], hint: str | None, question: str, best: Evidence) -> bool:
    """The draft says the checked short answer, cites the sentence it was cut from, and adds nothing else:
    at least 80% of its content words are the question's, that sentence's or its title's."""
    if not hint or cited[:1] != [1] or hint.lower() not in text.lower():
        return False
    words = content_words(text)
    known = content_words(f"{question} {best.title} {best.text}")
    return bool(words) and len(words & known) >= 0.8 * len(words)


def found_only(question: str, evidence: list[Evidence], lang: str = "en") -> tuple[list[Sentence], list[Source]]:
    """What the sources cover, said plainly, when none of their sentences is likely to answer."""
    numbers: dict[str, int] = {}
    for n, e in enumerate(evidence, 1):
        numbers.setdefault(e.title, n)
    picked = list(numbers.items())[:3]
    names = [t for t, _ in picked]
    if lang == "ko":
        listed = ", ".join(names)
    else:
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    text = message("found_only", lang, listed=listed)
    return renumber([Part(text, tuple(n for _, n in picked), "found")], evidence)


def subject_only(number: int, evidence: list[Evidence], lang: str = "en") -> tuple[list[Sentence], list[Source]]:
    """What the question's subject's own source covers, said plainly (rag.answer.subject.lacking), citing it."""
    text = message("subject_only", lang, subject=evidence[number - 1].title)
    return renumber([Part(text, (number,), "found")], evidence)


def renumber(parts: list[Part], evidence: list[Evidence]) -> tuple[list[Sentence], list[Source]]:
    """One source per cited document, numbered in order of first citation; quotes are the cited sentences."""
    number: dict[str, int] = {}
    quotes: dict[str, list[str]] = {}
    for part in parts:
        for n in part.cited:
            e = evidence[n - 1]
            number.setdefault(e.doc_id, len(number) + 1)
            if e.text not in quotes.setdefault(e.doc_id, []):
                quotes[e.doc_id].append(e.text)
    sentences = [Sentence(text=p.text, citations=tuple(dict.fromkeys(number[evidence[n - 1].doc_id] for n in p.cited)),
                          origin=p.origin, support=p.support) for p in parts]
    first = {e.doc_id: e for e in reversed(evidence)}
    sources = [Source(n=n, title=first[d].title, url=first[d].url, quote=" … ".join(quotes[d]), doc_id=d)
               for d, n in number.items()]
    return sentences, sources


def bridge_of(evidence: list[Evidence], lead: Evidence) -> int | None:
    """1-based number of the evidence naming the lead's bridge, when the lead is a second-hop sentence."""
    if lead.hop != 2 or not lead.bridge:
        return None
    return next((n for n, e in enumerate(evidence, 1) if e.hop == 1 and e.bridge == lead.bridge), None)


def following_of(evidence: list[Evidence], lead: Evidence, step: int = 1) -> int | None:
    """1-based number of the sentence that follows the lead in its passage (Evidence.position), if picked; the one
    before it with `step=-1`. Quoted last, under the floor too, when the words and points allow: a quote read out
    of its passage loses what the next sentence says of it ("The company installed electrical arc light based
    illumination systems …" after the sentence founding Tesla Electric Light & Manufacturing). Put first, it
    displaced supporting points that held answers (SQuAD 300: seven gained, seven lost; HotpotQA four lost); last,
    none lost."""
    if lead.position < 0:
        return None
    return next((n for n, e in enumerate(evidence, 1) if e.chunk_id == lead.chunk_id
                 and e.position == lead.position + step), None)


def sides_of(evidence: list[Evidence], question: str, lead: Evidence) -> list[int]:
    """1-based numbers of the best evidence of each document a comparison is between, but the lead's
    (rag.answer.subject.sides): each side is read before the two are compared."""
    between = sides(question, {e.doc_id: e.title for e in evidence})
    return [next(n for n, e in enumerate(evidence, 1) if e.doc_id == d) for d in between if d != lead.doc_id]


def chain_of(evidence: list[Evidence], lead: Evidence) -> int | None:
    """1-based number of the best second-hop evidence from a document the lead names: the chain's next link
    ("Farrukhzad Khosrau V was briefly king of the Sasanian Empire …" → "The Sasanian Empire, which succeeded
    the Parthian Empire, …"). A multi-hop answer is often there, under the supporting points' floor (0.39
    against a lead at 0.84): on 100 HotpotQA questions (seed 1) two answers were dropped so, both from gold
    documents; on 100 SQuAD questions two such sentences, one holding the answer."""
    for n, e in enumerate(evidence, 1):
        name = shown(e.title)
        if (e.hop == 2 or (n == 2 and e.relevance < lead.relevance)) and name != shown(lead.title) \
                and len(name) >= 3 and mentions(name, lead.text):
            return n  # (a first-hop one: rag.answer.evidence._keep_next put it next to the lead)
    return None
