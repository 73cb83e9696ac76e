"""The one place that decides what overview a question gets, and puts it together.

    decide(query, idx, passages, evidence, ...) -> Decision, in this order:
        abstain      the index cannot read the question's language; no evidence, or none close enough
                     (cosine under settings.abstain_below); the question names what the index never mentions
        compared     "Are X and Y both …?", "Which came first, X or Y?": decided from what the two sources say
                     (rag.answer.yesno)
        found_only   no sentence is likely to answer (best probability under FOUND_BELOW), or the question's
                     subject's own source lacks it (rag.answer.subject.lacking): say what the sources cover
                     instead of quoting the nearest sentence
        compose      the writer may draft a lead (draft_lead), then rag.answer.compose checks and cites it
    overview(...) / abstained(...)   the Overview the FinalEvent carries

rag.assistant.Assistant only orchestrates: search, read, pick evidence, decide, stream.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from rag.answer.abstain import (OFF_SUBJECT_SURE, asked_names, asked_phrase, asked_words, never_mentioned,
                                off_subject, other_language, unknown_subject)
from rag.answer.citations import degenerate
from rag.answer.compose import LEAD_END, found_only, subject_only
from rag.answer.confidence import Confidence, signals
from rag.answer.short import kind_of, short_answer
from rag.answer.subject import is_person, lacking
from rag.answer.generation import Generator, answer_messages
from rag.answer.yesno import compose_yes_no
from rag.errors import RagError
from rag.messages import message
from rag.schema import Evidence, Overview, Passage, SearchPage, Sentence, Source, Timings, TokenEvent
from rag.settings import Settings
from rag.store.base import LoadedIndex
from rag.text import lang_of

log = logging.getLogger(__name__)

# Below this probability for the best sentence, the overview says what the sources cover instead
# of quoting the nearest sentence. The development sets always hold the answer, so they cannot fit
# it: on their "fit" part no question falls under 0.1 on HotpotQA and one (answer not in the
# evidence) on SQuAD; it is meant for questions the corpus does not cover.
FOUND_BELOW = 0.1


@dataclass(frozen=True)
class Decision:
    """What kind of overview a question gets, why, and (for the kinds decided here) its sentences."""

    kind: str  # "abstain" | "compared" | "found_only" | "compose"
    reason: str
    evidence: list[Evidence] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)


def decide(query: str, idx: LoadedIndex, passages: list[Passage], evidence: list[Evidence], settings: Settings,
           multilingual: bool) -> Decision:
    """The decision for this question; `multilingual`: the index's embedder reads Korean."""
    lang = lang_of(query)
    if other_language(query, idx, multilingual):  # said in the links' notice; nothing here is about the question
        return Decision("abstain", "the index cannot match a question in this language")
    if not evidence or max(e.score for e in evidence) < settings.abstain_below:
        return Decision("abstain", "no evidence close enough to the question", evidence)
    if lang == idx.lang and unknown_subject(query, idx, passages):
        return Decision("abstain", "the question names something the index never mentions", evidence)
    compared = compose_yes_no(query, passages, idx.documents, lang)
    if compared:
        sentences, sources, rests_on = compared
        return Decision("compared", "a comparison decided from both sources", rests_on, sentences, sources)
    if evidence[0].relevance < FOUND_BELOW:
        sentences, sources = found_only(query, evidence, lang)
        return Decision("found_only", "no sentence is likely to answer", evidence, sentences, sources)
    own = lacking(query, evidence, idx.document_text)
    if own:
        sentences, sources = subject_only(own, evidence, lang)
        return Decision("found_only", "the subject's own source does not say what was asked", evidence, sentences,
                        sources)
    return Decision("compose", "evidence likely to hold the answer", evidence)


def persons(idx: LoadedIndex, evidence: list[Evidence]) -> frozenset[str]:
    """The evidence documents about a person (rag.answer.subject.is_person), read once per question."""
    docs = {e.doc_id: e.title for e in evidence if e.doc_id in idx.documents}
    return frozenset(d for d, title in docs.items() if is_person(idx.document_text(d), title))


def may_write(settings: Settings, query: str) -> bool:
    """The writer drafts a lead only in the languages it writes well (settings.writer_langs)."""
    return settings.generate and lang_of(query) in settings.writer_langs.split(",")


def draft_lead(generator: Generator, query: str, evidence: list[Evidence], settings: Settings, lang: str,
               notices: list[str], ms: Callable[[], float], hint: str | None = None) -> Iterator[TokenEvent]:
    """Stream the model's lead sentence as TokenEvents; returns (draft, first_token_ms). Stops at the lead's
    end (LEAD_END), or as soon as the draft is degenerate; a failing model adds a notice and drafts nothing."""
    draft, first_token_ms = "", None
    try:
        pieces = generator.stream(answer_messages(query, evidence, hint), settings.max_tokens, settings.temperature)
        for piece in pieces:
            if first_token_ms is None:
                first_token_ms = ms()
            why = degenerate(draft + piece, lang)
            draft += piece
            if why:  # a loop or another language: the user sees no more of it
                pieces.close()
                log.info("draft stopped: %s", why)
                break
            yield TokenEvent(piece)
            if LEAD_END.search(draft):  # only the lead sentence is used: stop paying for more
                pieces.close()
                break
    except RagError as exc:
        log.warning("generation failed: %s", exc)
        notices.append(message("model_failed", lang_of(query), error=exc))
    return draft, first_token_ms


def overview(page: SearchPage, idx: LoadedIndex, passages: list[Passage], decision: Decision,
             sentences: list[Sentence], sources: list[Source], draft: str, notices: list[str],
             first_token_ms: float | None, total_ms: float, scorer: str = "ranker") -> Overview:
    """The answered overview: each source tagged with its document's kind (page, pdf, …), with its calibrated
    confidence (`scorer`: what gave the evidence its probabilities, "reader" or "ranker"); folded when the
    confidence is under the threshold, or the evidence never names what the question names, or lacks an uncommon
    word of a question typed in lower case (off_subject), and the confidence is under OFF_SUBJECT_SURE or that word
    is nowhere in the index (never_mentioned)."""
    calibration = Confidence.default()
    short = short_answer(page.query, sentences, sources, lang_of(page.query), decision.kind)
    read = signals(page.query, decision.evidence, sources, decision.kind, kind_of(page.query) is not None,
                   short is not None)
    confidence = calibration.of(read, scorer) if calibration else None
    words = asked_words(page.query, idx)
    unsure = confidence is None or confidence < OFF_SUBJECT_SURE or never_mentioned(words, idx)
    collapsed = bool(calibration and calibration.collapsed(confidence)) or \
        (unsure and off_subject(asked_names(page.query, idx), decision.evidence, words, asked_phrase(page.query, idx)))
    # a bold claim only over an overview confident enough to be shown open (a calibrated confidence is needed)
    short = None if confidence is None or collapsed else short
    sources = [replace(s, kind=idx.documents[s.doc_id].meta.get("kind", "page")) for s in sources]
    timings = Timings(links_ms=page.timings.links_ms, first_token_ms=first_token_ms, total_ms=total_ms)
    return Overview(query=page.query, sentences=sentences, sources=sources, links=page.links, timings=timings,
                    draft=draft, evidence=decision.evidence, notices=notices, passages=passages,
                    decision=decision.kind, confidence=confidence, collapsed=collapsed, short_answer=short,
                    signals=read)


def abstained(page: SearchPage, passages: list[Passage], decision: Decision, notices: list[str],
              total_ms: float) -> Overview:
    """The overview that says the sources do not answer, in the question's language."""
    text = message("abstain", lang_of(page.query))
    return Overview(query=page.query, sentences=[Sentence(text, (), "abstain")], sources=[], links=page.links,
                    abstained=True, evidence=decision.evidence, notices=notices, passages=passages,
                    timings=Timings(links_ms=page.timings.links_ms, total_ms=total_ms), decision=decision.kind)
