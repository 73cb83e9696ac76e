"""The three arms, each judging one question through the public Assistant API.

    links     a.search(q)   the ten blue links: gold-document ranks, answer@k, reading effort
    overview  a.stream(q)   the checked, cited overview: containment, citations, abstention, effort
    naive     a.search(q) + the top passages handed straight to the writer with a "cite your
              sources" prompt — no evidence selection, no checking — to show what grounding adds

Every arm returns a record (eval.records) per question; the harness writes it with dataclasses.asdict.
"""

from __future__ import annotations

import math
import re
import time

from rag import Assistant, Evidence, FinalEvent, LinksEvent
from rag.answer.citations import check, strip_citations
from rag.errors import GenerationError
from rag.answer.sentences import citable_sentences
from rag.answer.generation import NAIVE_SYSTEM_PROMPT, USER_TEMPLATE
from rag.text import STOP, WORD

from .datasets import Question
from .records import AnswerRecord, Citation, EvidenceRecord, LinksRecord, NaiveRecord, OverviewRecord
from .metrics import best_f1, contains_answer, exact_match

INF = math.inf


def _plain(snippet: str) -> str:
    return snippet.replace("**", "")


def _words(text: str) -> int:
    return len(text.split())


class Judge:
    """Everything an arm needs to score a question: the assistant, the index, the gold keys."""

    def __init__(self, assistant: Assistant, index: str, relevance: str):
        self.assistant, self.index, self.relevance = assistant, index, relevance
        self.settings = assistant.settings

    # -- gold -----------------------------------------------------------------------------------

    def key(self, doc_id: str, url: str) -> str:
        return url if self.relevance == "url" else doc_id

    def is_gold(self, q: Question, doc_id: str, url: str, text: str) -> bool:
        """Gold documents when the dataset names them; otherwise "contains a gold answer"."""
        if q.relevant:
            return self.key(doc_id, url) in q.relevant
        return contains_answer(text, q.answers, q.lang)

    @staticmethod
    def passages(page) -> dict[str, str]:
        """doc_id -> the text of its retrieved chunks (what a citation of that document points at)."""
        out: dict[str, list[str]] = {}
        for hit in page.hits:
            out.setdefault(hit.chunk.doc_id, []).append(hit.chunk.text)
        return {d: "\n".join(texts) for d, texts in out.items()}

    # -- links ----------------------------------------------------------------------------------

    def links(self, q: Question) -> LinksRecord:
        page = self.assistant.search(q.question, index=self.index, k=10)
        texts = self.passages(page)
        ranked, gold_ranks, answer_rank, effort, read = [], [], None, INF, 0
        for link in page.links:
            ranked.append(self.key(link.doc_id, link.url))
            if self.is_gold(q, link.doc_id, link.url, texts.get(link.doc_id, "")):
                gold_ranks.append(link.rank)
            read += _words(_plain(link.snippet))
            if answer_rank is None and contains_answer(_plain(link.snippet), q.answers, q.lang):
                answer_rank, effort = link.rank, read
        # without named gold documents, the qrels are the retrieved documents that hold an answer
        judged = list(q.relevant) or [ranked[r - 1] for r in gold_ranks]
        return LinksRecord(ranked=ranked, gold=judged, gold_ranks=gold_ranks, answer_rank=answer_rank,
                           effort_words=effort, links_ms=round(page.timings.links_ms, 1))

    # -- overview -------------------------------------------------------------------------------

    def overview(self, q: Question) -> OverviewRecord:
        page, overview = None, None
        for event in self.assistant.stream(q.question, index=self.index):
            if isinstance(event, LinksEvent):
                page = event.page
            elif isinstance(event, FinalEvent):
                overview = event.overview
        texts, urls = self.passages(page), {l.doc_id: l.url for l in page.links}
        for p in overview.passages:  # second-hop passages may rank below the links' hits
            if p.hit.chunk.text not in texts.get(p.hit.chunk.doc_id, ""):
                texts[p.hit.chunk.doc_id] = (texts.get(p.hit.chunk.doc_id, "") + "\n" + p.hit.chunk.text).strip()
        top = dict.fromkeys(p.hit.chunk.doc_id for p in overview.passages)
        evidence_by_doc: dict[str, list[Evidence]] = {}
        for e in overview.evidence:
            evidence_by_doc.setdefault(e.doc_id, []).append(e)
        sources = {s.n: s for s in overview.sources}
        cited = [[(s.doc_id, s.url) for n in sent.citations if (s := sources.get(n))] for sent in overview.sentences]
        # "the sources are about A and B, but …" names documents, not an answer: it counts as no answer
        sentences = [] if overview.abstained else [s.text for s in overview.sentences if s.origin != "found"]
        supported = self.supported(sentences, [[e for d, _ in docs for e in evidence_by_doc.get(d, [])]
                                               for docs in cited[: len(sentences)]])
        lead = overview.sentences[0] if overview.sentences and not overview.abstained else None
        base = self._answer_record(q, sentences, cited, texts, supported, overview.abstained,
                                   overview.short_answer.text if overview.short_answer else None, verbatim=True)
        has = lambda text: contains_answer(text, q.answers, q.lang)  # noqa: E731
        found = any(s.origin == "found" for s in overview.sentences)
        answer_rank = next((i for i, e in enumerate(overview.evidence, start=1) if has(e.text)), None)
        return OverviewRecord(
            **vars(base) | {"draft": overview.draft, "timings": overview.timings.to_dict()},
            origins=[s.origin for s in overview.sentences],
            found_only=found,
            lead_origin=lead.origin if lead and not found else None,
            lead_contains=bool(lead and not found and has(lead.text)),
            second_hop=sum(1 for p in overview.passages if p.hop == 2),
            cites_second_hop=any(e.hop == 2 for e in overview.evidence
                                 if e.doc_id in {s.doc_id for s in overview.sources}),
            answer_evidence_rank=answer_rank,
            answer_in_evidence=answer_rank is not None,
            answer_in_passages=any(has(texts.get(d, "")) for d in top),
            gold_in_passages=any(self.is_gold(q, d, urls.get(d, ""), texts.get(d, "")) for d in top),
            confidence=overview.confidence, collapsed=overview.collapsed,
            best_relevance=round(max(e.relevance for e in overview.evidence), 5) if overview.evidence else None,
            scorer=self.assistant.scorer(self.index),
            signals=overview.signals,
            evidence=[EvidenceRecord(e.text, e.doc_id, round(e.score, 3), round(e.relevance, 4), e.hop,
                                     self.is_gold(q, e.doc_id, urls.get(e.doc_id, ""), texts.get(e.doc_id, "")))
                      for e in overview.evidence],
        )

    @staticmethod
    def effort(pieces: list[str], q: Question) -> float:
        """Words read down to the answer, as for the links (their snippets read down to the one holding it):
        the pieces in the order shown (the short answer, then each sentence) down to the first holding a gold
        answer. Until the fourth round the whole overview was counted, wherever its answer stood."""
        read = 0
        for piece in pieces:
            read += _words(piece)
            if contains_answer(piece, q.answers, q.lang):
                return read
        return read  # the answer only across two pieces: all of it was read

    def supported(self, sentences: list[str], evidence: list[list[Evidence]]) -> list[bool]:
        """The project's own checker, re-run: is each sentence supported by a sentence of a source it cites?

        One encode call per question: the embedder is the slow part on a shared CPU.
        """
        texts = sentences + [e.text for group in evidence for e in group]
        if not any(evidence):
            return [False] * len(sentences)
        vectors = self.assistant.embedder.encode(texts)
        out, offset = [], len(sentences)
        for i, (sentence, group) in enumerate(zip(sentences, evidence)):
            out.append(any(check(sentence, e, vectors[i], vectors[offset + j]).supported for j, e in enumerate(group)))
            offset += len(group)
        return out

    def _answer_record(self, q: Question, sentences: list[str], cited: list[list[tuple[str, str]]],
                       texts: dict[str, str], supported: list[bool], abstained: bool, lead: str | None,
                       verbatim: bool = False) -> AnswerRecord:
        """Gold-based figures shared by the overview and the naive arm; `lead`: the short answer itself when
        `verbatim` (the overview's, shown in bold above its sentences), else a sentence to cut one from (the
        naive arm's)."""
        text = " ".join(sentences)
        contains = bool(text) and contains_answer(text, q.answers, q.lang)
        marks = [Citation(d, self.is_gold(q, d, u, texts.get(d, "")) if q.relevant else None,
                          contains_answer(texts.get(d, ""), q.answers, q.lang))
                 for docs in cited for d, u in docs]
        good = [bool(m.gold) or m.has_answer for m in marks]
        short = lead if verbatim else (short_answer(lead, q.question) if lead else None)
        return AnswerRecord(
            text=text, words=_words(text), contains=contains, abstained=abstained,
            effort_words=self.effort(([lead] if verbatim and lead else []) + sentences, q) if contains else INF,
            citations=marks,
            citation_precision=sum(good) / len(good) if good else None,
            cites_gold=any(m.gold for m in marks) if q.relevant else None,
            supported=supported,
            short_answer=short,
            em=exact_match(short, q.answers, q.lang) if short else None,
            f1=round(best_f1(short, q.answers, q.lang), 4) if short else None,
            # KorQuAD's character F1 of the whole overview against the gold spans
            overview_char_f1=(round(best_f1(text, q.answers, "ko"), 4) if text else 0.0) if q.lang == "ko" else None,
            answer_named=contains_answer(q.question, q.answers, q.lang),
        )

    # -- naive baseline -------------------------------------------------------------------------

    def naive(self, q: Question) -> NaiveRecord:
        started = time.perf_counter()
        page = self.assistant.search(q.question, index=self.index)
        links = {l.doc_id: l for l in page.links}  # the top passages' documents are always among them
        chunks = [h.chunk for h in page.hits[: self.settings.passages]]
        draft, first_ms, error = "", None, None
        while chunks:
            try:
                messages = naive_messages(q.question, chunks, {d: l.title for d, l in links.items()})
                for piece in self.assistant.generator.stream(messages, self.settings.max_tokens,
                                                             self.settings.temperature):
                    first_ms = first_ms or (time.perf_counter() - started) * 1000
                    draft += piece
                error = None
                break
            except GenerationError as exc:  # usually a prompt over the context window: drop the last passage
                error, draft, first_ms = str(exc), "", None
                chunks = chunks[:-1]
        total_ms = (time.perf_counter() - started) * 1000
        texts = self.passages(page)
        lang = q.lang
        sentences, cited = [], []
        for raw in citable_sentences(draft.strip(), lang) if draft.strip() else []:
            text, numbers = strip_citations(raw)
            sentences.append(text)
            cited.append([(chunks[n - 1].doc_id, links[chunks[n - 1].doc_id].url)
                          for n in dict.fromkeys(numbers) if 1 <= n <= len(chunks)])
        supported = self.supported(sentences, [
            [Evidence(t, c.doc_id, links[c.doc_id].title, links[c.doc_id].url, 0.0)
             for c in chunks if c.doc_id in {d for d, _ in docs} for t in citable_sentences(c.text, lang)]
            for docs in cited])
        base = self._answer_record(q, sentences, cited, texts, supported, not sentences,
                                   sentences[0] if sentences else None)
        timings = {"links_ms": round(page.timings.links_ms, 1),
                   "first_token_ms": None if first_ms is None else round(first_ms, 1), "total_ms": round(total_ms, 1)}
        return NaiveRecord(**vars(base) | {"draft": draft, "timings": timings}, passages_used=len(chunks), error=error)


def naive_messages(question: str, chunks, titles: dict[str, str]) -> list[dict]:
    """The baseline prompt: whole passages, numbered, under the plain "cite your sources" instruction."""
    sources = "\n".join(f"[{i}] {titles.get(c.doc_id, '')}: {c.text}" for i, c in enumerate(chunks, start=1))
    return [{"role": "system", "content": NAIVE_SYSTEM_PROMPT},
            {"role": "user", "content": USER_TEMPLATE.format(sources=sources, question=question)}]


def short_answer(sentence: str, question: str) -> str | None:
    """The words of a sentence that the question did not already say, as one span.

    "The Mona Lisa was painted by Leonardo da Vinci." for "Who painted the Mona Lisa?" gives
    "Leonardo da Vinci": the longest run of words not in the question, stop words trimmed off its
    ends. A heuristic — the overview has no separate short-answer field — so EM/F1 are reported
    only beside containment, never instead of it.
    """
    asked = {w.lower() for w in WORD.findall(question)}
    runs, current = [], []
    for token in sentence.split():
        bare = re.sub(r"^\W+|\W+$", "", token)
        if bare and bare.lower() not in asked:
            current.append(bare)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    trimmed = []
    for run in runs:
        while run and run[0].lower() in STOP:
            run = run[1:]
        while run and run[-1].lower() in STOP:
            run = run[:-1]
        if run:
            trimmed.append(run)
    return " ".join(max(trimmed, key=len)) if trimmed else None
