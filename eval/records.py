"""What an arm records for one question, typed: the arms build these, the harness writes them into
report.json with dataclasses.asdict, and eval.report reads them back as the plain dicts JSON gives.

    LinksRecord                      the ten blue links of one question
    AnswerRecord                     figures any written answer has (overview and naive)
      OverviewRecord(AnswerRecord)   + where the overview's sentences came from, its evidence
      NaiveRecord(AnswerRecord)      + how many passages the plain recipe could fit
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LinksRecord:
    ranked: list[str]  # document keys (doc id, or URL for web datasets), best first
    gold: list[str]  # the judged documents (named gold, or retrieved ones holding an answer)
    gold_ranks: list[int]
    answer_rank: int | None  # first link whose snippet holds an answer
    effort_words: float  # snippet words read down to it (inf when none does)
    links_ms: float


@dataclass
class Citation:
    doc_id: str
    gold: bool | None  # None when the dataset names no gold documents
    has_answer: bool


@dataclass
class EvidenceRecord:
    text: str
    doc_id: str
    score: float
    relevance: float
    hop: int
    gold: bool


@dataclass
class AnswerRecord:
    text: str
    words: int
    contains: bool
    abstained: bool
    effort_words: float
    citations: list[Citation]
    citation_precision: float | None
    cites_gold: bool | None
    supported: list[bool]
    short_answer: str | None
    em: float | None
    f1: float | None
    overview_char_f1: float | None = None  # Korean only: character F1 of the whole text
    # the question itself names a gold answer ("Which band, Letters to Cleo or Screaming Trees, …?"): any text
    # quoting both sides holds it, so report.py also gives containment without these questions
    answer_named: bool = False
    draft: str = ""
    timings: dict = field(default_factory=dict)


@dataclass
class OverviewRecord(AnswerRecord):
    origins: list[str] = field(default_factory=list)  # per sentence: generated / quoted / found / ...
    found_only: bool = False
    lead_origin: str | None = None
    lead_contains: bool = False
    second_hop: int = 0
    cites_second_hop: bool = False
    answer_evidence_rank: int | None = None
    answer_in_evidence: bool = False
    answer_in_passages: bool = False
    gold_in_passages: bool = False
    evidence: list[EvidenceRecord] = field(default_factory=list)
    confidence: float | None = None  # Overview.confidence (rag.answer.confidence)
    collapsed: bool = False  # shown folded under "the links may answer this better"
    best_relevance: float | None = None  # the evidence's best probability (signals["best"] is its clipped logit)
    scorer: str = ""  # "reader" or "ranker": what gave the evidence its probabilities
    signals: dict | None = None  # what the confidence read (rag.answer.confidence.signals): what it is fitted on


@dataclass
class NaiveRecord(AnswerRecord):
    passages_used: int = 0
    error: str | None = None
