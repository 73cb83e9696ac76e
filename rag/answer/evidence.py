"""Evidence first: pick the sentences of the passages read that most likely hold the answer.

Every sentence of every passage gets the features rag.answer.ranker.FEATURES (cosine to the question,
term overlap, title match, passage position, hop, bridge mention, answer type, novelty, …); the
fitted ranker turns them into a probability of holding the answer, and sentences are picked by
that probability with maximal marginal relevance so that near-duplicates give way to other sources.
A multi-hop pick keeps its bridge: when an answer sentence comes from a second-hop passage, the
first-hop sentence that names the bridge entity is picked with it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rag.embed.embedder import Embedder
from rag.answer.ranker import FEATURES, Ranker
from rag.retrieve.retrievers import query_terms
from rag.schema import Evidence, Passage
from rag.text import has_hangul, korean_names, stem, terms
from rag.text import split_sentences as sentences_of

MIN_WORDS = 4  # fragments ("See also.", "Born 1452.") carry too little to cite
MAX_CHARS = 400  # a "sentence" longer than this is a run-on list; cut it for the prompt


def split_sentences(text: str, lang: str = "en") -> list[str]:
    out = []
    for s in sentences_of(text, lang):
        if len(s.split()) >= MIN_WORDS or (has_hangul(s) and len(s) >= 10):
            out.append(s[:MAX_CHARS])
    return out


@dataclass
class Candidates:
    """Every sentence of the passages read, with its passage, features and embedding."""

    sentences: list[str]
    passages: list[Passage]  # the passage each sentence comes from
    features: np.ndarray  # one row per sentence, columns rag.answer.ranker.FEATURES
    vectors: np.ndarray
    bridges: list[str]  # per sentence: the bridge it names or came from ("" if none)

    @property
    def cosine(self) -> np.ndarray:
        return self.features[:, FEATURES.index("cosine")]


def candidates(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
               lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None) -> Candidates:
    sentences, owners, seen = [], [], set()
    for p in passages:
        for i, sentence in enumerate(split_sentences(p.hit.chunk.text, lang)):
            if sentence not in seen:
                seen.add(sentence)
                sentences.append(sentence)
                owners.append((p, i))
    qv = embedder.encode([query]) if query_vector is None else query_vector.reshape(1, -1)
    # Each sentence is embedded behind its source's title: "Mount Everest: Its elevation of 8,849
    # metres …" is about Everest, the bare "Its elevation …" is about nothing in particular.
    sv = embedder.encode([f"{titles[p.hit.chunk.doc_id][0]}: {s}" for s, (p, _) in zip(sentences, owners)])
    cosine = (sv @ qv[0]).astype(float) if sentences else np.zeros(0)
    asked = query_terms(query)
    expects = answer_type(query)
    named = [p.bridge or next((b for b in bridges if b and b in s), "") for s, (p, _) in zip(sentences, owners)]
    chains = _chains(sentences, owners, cosine, asked)
    rows = []
    for sentence, (p, position), cos, bridge in zip(sentences, owners, cosine, named):
        title = titles[p.hit.chunk.doc_id][0]
        chain_cosine, residual = chains.get(p.bridge, (0.0, set())) if p.hop == 2 else (0.0, set())
        rows.append([
            cos, 0.0, term_overlap(sentence, asked, title), 0.0, term_overlap(sentence, asked, ""),
            term_overlap("", asked, title), 1.0 / (1 + p.rank), float(p.hop == 2), float(bool(bridge)),
            chain_cosine, term_overlap(sentence, residual, title) if residual else 0.0,
            float(expects is not None), float(has_answer_type(sentence, expects, asked)),
            novelty(sentence, asked), float(position == 0), min(len(sentence.split()) / 40, 1.0),
        ])
    features = np.array(rows, dtype=float).reshape(-1, len(FEATURES))
    for column, gap in (("cosine", "cosine_gap"), ("overlap", "overlap_gap")):
        values = features[:, FEATURES.index(column)]
        if len(values):
            features[:, FEATURES.index(gap)] = values - values.max()
    return Candidates(sentences, [p for p, _ in owners], features, sv, named)


def _chains(sentences: list[str], owners, cosine: np.ndarray, terms_: set[str]) -> dict[str, tuple[float, set[str]]]:
    """For each bridge: the cosine of the best first-hop sentence naming it, and the question's terms
    that sentence leaves unsaid — what the bridge's own passage still has to supply."""
    out: dict[str, tuple[float, set[str]]] = {}
    for bridge in {p.bridge for p, _ in owners if p.hop == 2}:
        namers = [i for i, (p, _) in enumerate(owners) if p.hop == 1 and bridge in sentences[i]]
        if not namers:
            continue
        best = max(namers, key=lambda i: cosine[i])
        said = terms(sentences[best])
        out[bridge] = (float(cosine[best]), {t for t in terms_ if t not in said})
    return out


def select_evidence(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
                    k: int = 4, lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None,
                    diversity: float = 0.3, ranker: Ranker | None = None,
                    relevant_from: float = 0.0) -> list[Evidence]:
    """Up to k evidence sentences (best first) from the passages read.

    titles maps doc_id -> (title, url). Evidence.relevance is the ranker's probability of holding
    the answer; Evidence.score is the plain cosine, on which "no answer here" is judged.
    """
    found = candidates(query, passages, titles, embedder, lang, bridges, query_vector)
    if not found.sentences:
        return []
    probability = (ranker or Ranker.default()).probability(found.features)
    # A sentence barely related to the question (cosine under `relevant_from`, the abstention
    # floor) is no evidence, however its other features score: the linear ranker can otherwise lift
    # "… of the High Renaissance" for "how high is Mount Everest" on word overlap and a date alone.
    related = found.cosine >= relevant_from
    if related.any():
        probability = np.where(related, probability, 0.0)
    docs = [p.hit.chunk.doc_id for p in found.passages]
    # MMR on probabilities relative to the best one: the diversity penalty is on the same scale
    # whatever the question's absolute probabilities are
    picked = _mmr(probability / max(float(probability.max()), 1e-9), found.vectors, k, diversity, docs)
    picked = [i for i in picked if probability[i] > 0] or picked[:1]
    picked = _keep_bridge(picked, probability, found, k)
    picked = _keep_typed(picked, probability, found, query, k)
    out = []
    for i in picked:
        p, doc_id = found.passages[i], docs[i]
        out.append(Evidence(text=found.sentences[i], doc_id=doc_id, title=titles[doc_id][0], url=titles[doc_id][1],
                            score=float(found.cosine[i]), chunk_id=p.hit.chunk.id,
                            relevance=float(probability[i]), hop=p.hop, bridge=found.bridges[i]))
    return out


def _keep_bridge(picked: list[int], probability: np.ndarray, found: Candidates, k: int) -> list[int]:
    """A second-hop answer among the top two picks brings the first-hop sentence naming its bridge."""
    for i in picked[:2]:
        bridge = found.passages[i].bridge
        if found.passages[i].hop != 2 or not bridge:
            continue
        if any(found.passages[j].hop == 1 and found.bridges[j] == bridge for j in picked):
            return picked
        namers = [j for j, p in enumerate(found.passages) if p.hop == 1 and bridge in found.sentences[j]]
        if namers:
            return _append(picked, max(namers, key=lambda j: probability[j]), k)
    return picked


def _keep_typed(picked: list[int], probability: np.ndarray, found: Candidates, query: str, k: int) -> list[int]:
    """A question asking for a date or a number keeps the likeliest sentence that holds one, when no
    pick does ("how high is Mount Everest": the elevation sentence, not only "the highest mountain")."""
    if not picked:
        return picked
    docs = [p.hit.chunk.doc_id for p in found.passages]
    allowed = [i for i in range(len(found.sentences)) if probability[i] > 0]
    pool = typed_pool(query, found.sentences, docs, docs[picked[0]], allowed)
    if not pool or any(i in pool for i in picked):
        return picked
    return _append(picked, max(pool, key=lambda i: probability[i]), k)


def typed_of(evidence: list[Evidence], question: str, lead: Evidence) -> int | None:
    """1-based number of the evidence holding the date or number asked for, when the lead holds none:
    from the lead's source, or for a birth date or a measurement from any source."""
    kind = fine_type(question) or answer_type(question)
    if has_answer_type(lead.text, kind, query_terms(question)):
        return None
    pool = typed_pool(question, [e.text for e in evidence], [e.doc_id for e in evidence], lead.doc_id)
    return pool[0] + 1 if pool else None


def typed_pool(question: str, texts: list[str], docs: list[str], lead_doc: str,
               allowed: list[int] | None = None) -> list[int]:
    """Indices of the texts holding the date or number the question asks for, in order, from the
    lead's own source first: a date from another document answers another question; a birth date or a
    measurement is specific enough to be taken from any source read (a second hop). Empty when the
    question asks for no date or number."""
    asked = query_terms(question)
    kind = fine_type(question) or answer_type(question)
    if kind not in ("year", "number", "birth", "measure"):
        return []
    eligible = [i for i in (range(len(texts)) if allowed is None else allowed) if has_answer_type(texts[i], kind, asked)]
    wording = dimension(question)
    if wording is not None:  # "How tall …": "343 metres" beside "tallest", not "32 metres wide"
        eligible = [i for i in eligible if wording.search(texts[i])] or eligible
    own = [i for i in eligible if docs[i] == lead_doc]
    return own or (eligible if kind in ("birth", "measure") else [])


def _append(picked: list[int], extra: int, k: int) -> list[int]:
    """picked plus one more, the last pick giving way when k are picked already."""
    return (picked[: k - 1] if len(picked) >= k else picked) + [extra]


def bridge_of(evidence: list[Evidence], lead: Evidence) -> int | None:
    """1-based number of the evidence naming the lead's bridge, when the lead is a second-hop sentence."""
    if lead.hop != 2 or not lead.bridge:
        return None
    return next((n for n, e in enumerate(evidence, 1) if e.hop == 1 and e.bridge == lead.bridge), None)


# Classic answer typing: a "when" question is answered by a sentence with a date in it, a "how
# many" question by one with a number, a "who" question by one naming someone not in the question.
# MiniLM's cosine barely sees this; the ranker's "typed" feature does.
YEAR = re.compile(r"\b(1\d{3}|20\d{2}|\d{1,2}(st|nd|rd|th)? century)\b|\b(January|February|March|April|May|June|July|"
                  r"August|September|October|November|December)\b")
NUMBER = re.compile(r"\d")
CAPITALISED = re.compile(r"(?<=\s)[A-Z][a-z]+")
ANSWER_TYPES = [
    (re.compile(r"^\s*(when|what year|in what year|which year|what century|what date)\b", re.I), "year"),
    (re.compile(r"\b(how (many|much|long|old|high|tall|far|large|big|deep|heavy)|what (percentage|number|amount))\b", re.I), "number"),
    (re.compile(r"^\s*(who|whom|whose)\b", re.I), "name"),
    # Korean: 언제 "when", 몇 년 "what year"; 몇 "how many", 얼마 "how much"; 누구 "who"; 어디 "where"
    (re.compile(r"언제|몇\s*년|몇\s*세기|어느\s*(해|시대)|연도"), "year"),
    (re.compile(r"몇|얼마"), "number"),
    (re.compile(r"누구|누가|누군"), "name"),
    (re.compile(r"어디|어느\s*(나라|도시|지역|곳|대륙|국가|강|산|섬)"), "place"),
]
# A Korean date: "1989년", "3월 14일", "15세기" (\b does not separate "1989" from "년", both being \w)
YEAR_KO = re.compile(r"\d+\s*(년|월|일|세기)")


# Finer kinds, used to keep the one sentence that answers (never as ranker features, which were
# fitted with the coarse kinds above): a birth date, a measurement with its unit.
BIRTH_Q = re.compile(r"\bborn\b|\bbirth|태어난|출생|탄생", re.I)
MEASURE_Q = re.compile(r"\bhow (high|tall|far|long|deep|large|big|heavy|wide)\b", re.I)
# "높이는 얼마인가" (how high), "길이는 몇 km" (how long): a Korean measurement question
MEASURE_KO = re.compile(r"(높이|길이|넓이|면적|깊이|무게|거리|키|고도)\S*\s*(는|은|가|이)?\s*(얼마|몇)")
BIRTH = re.compile(r"\bborn\b|\(\s*(c\.\s*)?\d{3,4}\s*[–-]\s*\d{2,4}\s*\)")
UNIT = re.compile(r"\d[\d,.]*\s*(metres|meters|m|km|kilometres|kilometers|feet|ft|foot|miles|mi|inches|in|cm|mm|"
                  r"kg|tonnes|tons|pounds|lb|acres|hectares|ha|square|sq|km2|m2|%|per cent|percent|years|days|"
                  r"hours|minutes|months|weeks)\b|\d[\d,.]*\s*(미터|킬로미터|센티미터|킬로그램|톤|평방|제곱|마일|피트|"
                  r"퍼센트|(km|m|cm|kg|%)(?![A-Za-z]))", re.I)  # "343m의" (no \b before Hangul), not "75 motorway"


# The dimension a "how high / tall / long …" question asks about, as a sentence may word it
DIMENSIONS = {"high": "high|height|elevation|altitude|tall", "tall": "tall|height|high", "long": "long|length",
              "deep": "deep|depth", "wide": "wide|width|breadth", "far": "far|distance|away",
              "heavy": "heavy|weigh|mass", "large": "large|area|size", "big": "big|large|area|size"}


def dimension(query: str) -> re.Pattern | None:
    asked = MEASURE_Q.search(query)
    return re.compile(rf"\b({DIMENSIONS[asked.group(1).lower()]})", re.I) if asked else None


def fine_type(query: str) -> str | None:
    if BIRTH_Q.search(query) and answer_type(query) in ("year", None):
        return "birth"
    if MEASURE_Q.search(query) or MEASURE_KO.search(query):
        return "measure"
    return None


def answer_type(query: str) -> str | None:
    for question, kind in ANSWER_TYPES:
        if question.search(query):
            return kind
    return None


def has_answer_type(sentence: str, kind: str | None, terms: set[str]) -> bool:
    """Does the sentence hold the kind of thing the question asks for (a name: one not in the question)?"""
    if kind == "year":
        return bool(YEAR.search(sentence) or YEAR_KO.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind in ("name", "place"):  # someone or somewhere the question does not name
        if has_hangul(sentence):
            return any(n not in terms for n in korean_names(sentence))
        return any(stem(w) not in terms for w in CAPITALISED.findall(sentence))
    if kind == "birth":
        return bool(BIRTH.search(sentence))
    if kind == "measure":
        return bool(UNIT.search(sentence))
    return False


def novelty(sentence: str, terms_: frozenset[str]) -> float:
    """Share of the sentence's content words that the question does not hold (an echo scores 0)."""
    words = terms(sentence)
    if not words:
        return 0.0
    return len(words - terms_) / len(words)


def term_overlap(sentence: str, terms_: frozenset[str], title: str = "") -> float:
    """Share of the question's terms (rag.text.terms: stems, Korean morphemes) the sentence or title holds."""
    if not terms_:
        return 0.0
    return len(terms_ & (terms(sentence) | terms(title))) / len(terms_)


def _mmr(relevance: np.ndarray, vectors: np.ndarray, k: int, diversity: float, docs: list[str]) -> list[int]:
    picked: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(picked) < k:
        if picked:
            sim = vectors[remaining] @ vectors[picked].T
            redundancy = sim.max(axis=1)
            same_doc = np.array([1.0 if docs[i] in {docs[p] for p in picked} else 0.0 for i in remaining])
            score = relevance[remaining] - diversity * (redundancy + 0.2 * same_doc)
        else:
            score = relevance[remaining]
        best = remaining[int(np.argmax(score))]
        picked.append(best)
        remaining.remove(best)
    return picked

