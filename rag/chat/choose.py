"""Which earlier entity a follow-up's pronoun points at: every candidate scored on what it was in the
conversation and on how well its own documents answer the follow-up.

    candidates(turns)                                 (entity, prior) from the earlier turns
    features(question, anaphor, pool, index, reader)  one row of FEATURES per candidate
    scores(rows, with_reader)                         the weighted sum per candidate (the best is chosen)
    weigh(rows, weights)                              the same with given weights (eval.fit_followup)

FEATURES
  prior        the candidate's role in the turn it came from (ROLE_PRIOR / PROPERTY_PRIOR), halved a turn back
  kind         +1 a person for "he", a place for "there"; -1 a person for "he" that is none, or "it" on a person
  no_document  1 when it has no document in the index: retrieval cannot vouch for it
  fit          BM25 of the follow-up's own words against its best chunk, over the best candidate's (0..1)
  reader       the learned reader's logit for the follow-up with the candidate written in ("When was Gustave
               Eiffel born?"), against the best sentences of the candidate's own documents; read for the
               SHORTLIST best candidates by the other features (English, reader on), the rest get the lowest
               logit read minus one

The weights are fitted by `python -m eval.fit_followup` (rag/chat/followup.json: the command, the
conversations and the accuracy on their fit and held-out parts); "plain" when the reader does not read
(Korean, RAG_READER=0, web mode), "reader" when it does — or null when, with the reader, the English
held-out conversations were resolved no better than without it: then the reader is not read at all.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.answer.sentences import citable_sentences
from rag.answer.subject import with_referent
from rag.chat.entities import Entity, kind_of
from rag.retrieve.hop import title_key
from rag.text import bm25_tokens

FEATURES = ("prior", "kind", "no_document", "fit", "reader")
# The prior of a candidate by its role in the turn it came from. After a question that asks for a
# name ("Who painted the Mona Lisa?", "… was bought by which chain?") the follow-up's "he" or "it" is
# most often that name, which the answer added; the things the question itself named are least likely.
ROLE_PRIOR = {"answer": 1.0, "source": 0.6, "bridge": 0.5, "link": 0.4, "topic": 0.2}
# After a question about a property of its topic ("Where is the Eiffel Tower?", "Is it tall?"), "it"
# is the topic again ("How tall is it?"), not a name the answer added ("Paris").
PROPERTY_PRIOR = {"answer": 0.5, "source": 0.5, "bridge": 0.3, "link": 0.3, "topic": 1.0}
ASKS_FOR_PROPERTY = re.compile(
    r"^\s*(where|when|how|why|is|are|was|were|do|does|did|can|has|have)\b"
    r"|^\s*(what|which)\s+(is|was|are|were)\s+the\s+\w+(\s+\w+)?\s+of\b|언제|어디|얼마|몇|왜|어떻게", re.I)
EARLIER_TURN = 0.5  # the prior of an entity from the turn before last is halved, and so on
# The hand-set weights the fitted ones replaced (chosen on 12 HotpotQA conversations): used when
# followup.json is missing.
HAND = {"prior": 1.0, "kind": 1.0, "no_document": -0.3, "fit": 1.0, "reader": 0.0}
SHORTLIST = 3  # candidates the reader reads (~3 sentences each, ~5 ms a sentence on 2 cores)
SENTENCES = 3  # of each shortlisted candidate's documents: those sharing most words with the follow-up
DOCUMENTS = 2  # a candidate's documents read: its best two by BM25 (a SQuAD title has dozens of paragraphs)
WEIGHTS_FILE = Path(__file__).with_name("followup.json")


@lru_cache(maxsize=1)
def weights() -> dict:
    try:
        return json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))["weights"]
    except (OSError, ValueError, KeyError):
        return {"plain": HAND, "reader": None}  # HAND gives the reader no weight: it is not read


def candidates(turns: list) -> list[tuple[Entity, float]]:
    """(entity, prior) from the earlier turns, most recent first; one entry per name."""
    out: dict[str, tuple[Entity, float]] = {}
    decay = 1.0
    for turn in reversed(turns):
        priors = PROPERTY_PRIOR if ASKS_FOR_PROPERTY.search(turn.resolved_query) else ROLE_PRIOR
        for entity in turn.entities:
            key = title_key(entity.name)
            prior = priors.get(entity.role, 0.3) * decay
            if key and (key not in out or out[key][1] < prior):
                out[key] = (entity, prior)
        decay *= EARLIER_TURN
    return sorted(out.values(), key=lambda e: -e[1])


def best_by_doc(entities: list[Entity], index, own: str) -> dict[str, float]:
    """doc_id -> BM25 of the follow-up's own words against the document's best chunk."""
    if index is None or not any(e.doc_ids for e in entities):
        return {}
    tokens = bm25_tokens([own], index.analyzer)[0]
    if not tokens:
        return {}
    return index.best_lexical(tokens, {d for e in entities for d in e.doc_ids})


def _fit(entities: list[Entity], index, own: str, best: dict[str, float] | None = None) -> list[float]:
    """How well each candidate's own document answers the follow-up's own words: the BM25 score of
    its best chunk, over the best candidate's (0..1; 0 without documents or words to match).

    BM25 rather than the dense encoder: one sparse scoring of the whole index costs a few
    milliseconds, an extra MiniLM encode as much as the search itself.
    """
    best = best_by_doc(entities, index, own) if best is None else best
    raw = [max((best.get(d, 0.0) for d in e.doc_ids), default=0.0) for e in entities]
    top = max(raw, default=0.0)
    return [r / top for r in raw] if top > 0 else [0.0] * len(entities)


def _kind(anaphor_kind: str, kind: str) -> float:
    if anaphor_kind == "person":
        return 1.0 if kind == "person" else -1.0
    if anaphor_kind == "thing":
        return -1.0 if kind == "person" else 0.0
    return 1.0 if anaphor_kind == "place" and kind == "place" else 0.0


def features(own: str, anaphor_kind: str, pool: list[tuple[Entity, float]], index, asked=None,
             reader=None) -> np.ndarray:
    """One row of FEATURES per candidate. asked(name) -> the follow-up with that name written in; with a
    reader, the SHORTLIST best candidates by the other features are read against their own sentences."""
    entities = [e for e, _ in pool]
    best = best_by_doc(entities, index, own)
    rows = np.zeros((len(pool), len(FEATURES)))
    for r, ((entity, prior), fit) in enumerate(zip(pool, _fit(entities, index, own, best))):
        rows[r, :4] = (prior, _kind(anaphor_kind, kind_of(entity, index)), 0.0 if entity.doc_ids else 1.0, fit)
    if reader is not None and asked is not None and index is not None and weights().get("reader"):
        plain = rows[:, :4] @ np.array([weights()["plain"][f] for f in FEATURES[:4]])
        read = [r for r in np.argsort(-plain, kind="stable") if entities[r].doc_ids][:SHORTLIST]
        for r in read:
            rows[r, 4] = _reader_fit(entities[r], index, own, asked(entities[r].name), reader, best)
        floor = min((rows[r, 4] for r in read), default=0.0) - 1.0
        rows[[r for r in range(len(pool)) if r not in read], 4] = floor
    return rows


def _reader_fit(entity: Entity, index, own: str, question: str, reader, best: dict[str, float]) -> float:
    """The reader's best logit for `question` over the candidate's sentences that share most words with the
    follow-up (from its DOCUMENTS best documents)."""
    docs = sorted(entity.doc_ids, key=lambda d: -best.get(d, 0.0))[:DOCUMENTS]
    words = set(bm25_tokens([own], index.analyzer)[0])
    pairs = []
    for doc_id in docs:
        title = index.documents[doc_id].title if doc_id in index.documents else entity.name
        for n, sentence in enumerate(citable_sentences(index.document_text(doc_id), index.lang)):
            shared = len(words & set(bm25_tokens([sentence], index.analyzer)[0]))
            pairs.append((-shared, n, f"{title}: {with_referent(sentence, title, None, brackets=False)}"))
    texts = [t for _, _, t in sorted(pairs)[:SENTENCES]]
    return float(reader.logits(question, texts).max()) if texts else 0.0


def scores(rows: np.ndarray, with_reader: bool) -> np.ndarray:
    """Each candidate's weighted sum. The "reader" weights are null when the reader did not pay on held-out
    conversations (eval.fit_followup): then it is not read and the plain weights score."""
    return weigh(rows, (with_reader and weights().get("reader")) or weights()["plain"])


def weigh(rows: np.ndarray, w: dict[str, float]) -> np.ndarray:
    """The weighted sum of each row (a feature the weights leave out counts 0)."""
    return rows @ np.array([w.get(f, 0.0) for f in FEATURES])
