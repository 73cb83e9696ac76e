"""Evidence first: pick the sentences of the passages read that most likely hold the answer.

Every sentence of every passage gets the features rag.answer.ranker.FEATURES (cosine to the question,
term overlap, title match, passage position, hop, bridge mention, answer type, novelty, …); the
fitted ranker turns them into a probability of holding the answer, and sentences are picked by
that probability with maximal marginal relevance so that near-duplicates give way to other sources.
A multi-hop pick keeps its bridge: when an answer sentence comes from a second-hop passage, the
first-hop sentence that names the bridge entity is picked with it; a first-hop lead that names a bridge brings
the bridge's likeliest sentence (the chain's next link). The candidates and their features: rag.answer.candidates.
"""

from __future__ import annotations

import numpy as np

from rag.embed.embedder import Embedder
from rag.answer.candidates import Candidates, candidates, mmr
from rag.answer.ranker import Ranker
from rag.answer.reader import Reader, reads
from rag.answer.subject import SURE, about_one, described, mentions, named_in, namesake, shown, sides, with_referent
from rag.schema import Evidence, Passage
from rag.answer.types import answer_type, has_answer_type, ranked_else, typed_pool
from rag.retrieve.retrievers import query_terms

# see _subject_first. On the fit part's calibrate slice of SQuAD no ratio changed a lead; on HotpotQA's
# held-out rows 0.3–0.9 moved top-1 by at most two questions of 91 either way once second-hop leads were kept.
SUBJECT_RATIO = 0.7
# ... or, when the reader alone puts it above the lead, at least this share: on 100 HotpotQA questions (seed 1) a
# subject sentence at 0.03 against a lead at 0.15 naming the answer (the awards' host) displaced it.
READ_RATIO = 0.25
# The reader reads at most this many sentences a question, the ranker's best: reading costs ~5 ms a sentence
# on 2 cores (issue 18's budget: the overview at most 25% slower than with the ranker alone). On 100 HotpotQA
# and 100 SQuAD questions (seed 1) 8, 12 and all (p50 20) gave containment within one question of each other.
READ_AT_MOST = 12


def select_evidence(query: str, passages: list[Passage], titles: dict[str, tuple[str, str]], embedder: Embedder,
                    k: int = 4, lang: str = "en", bridges: list[str] = (), query_vector: np.ndarray | None = None,
                    diversity: float = 0.3, ranker: Ranker | None = None,
                    relevant_from: float = 0.0, reader: Reader | None = None) -> list[Evidence]:
    """Up to k evidence sentences (best first) from the passages read.

    titles maps doc_id -> (title, url). Evidence.relevance is the probability of holding the answer (the
    reader blended with the linear ranker when a reader is given and reads `lang`, else the ranker alone);
    Evidence.score is the plain cosine, on which "no answer here" is judged.
    """
    found = candidates(query, passages, titles, embedder, lang, bridges, query_vector)
    if not found.sentences:
        return []
    ranker_logit = (ranker or Ranker.default()).logit(found.features)
    # A sentence barely related to the question (cosine under `relevant_from`, the abstention
    # floor) is no evidence, however its other features score: the linear ranker can otherwise lift
    # "… of the High Renaissance" for "how high is Mount Everest" on word overlap and a date alone.
    # The reader reads only the related ones (the rest end at 0 whatever it says).
    related = found.cosine >= relevant_from
    judged = None  # the reader's own logit, for the sentences it read (-inf for the rest)
    if reader is not None and reads(lang):
        judged = np.full(len(ranker_logit), -np.inf)
        read = np.flatnonzero(related) if related.any() else np.arange(len(found.sentences))
        read = read[np.argsort(-ranker_logit[read], kind="stable")[:READ_AT_MOST]]
        probability = np.zeros(len(ranker_logit))  # past READ_AT_MOST the ranker's rejects stay unread: 0
        judged[read] = reader.logits(query, _resolved(found, titles, read))
        probability[read] = reader.blend(judged[read], ranker_logit[read])
    else:
        probability = 1.0 / (1.0 + np.exp(-ranker_logit))
    if related.any():
        probability = np.where(related, probability, 0.0)
    docs = [p.hit.chunk.doc_id for p in found.passages]
    if lang == "en":
        probability = np.where(ranked_else(query, found.sentences, docs), 0.0, probability)
    # MMR on probabilities relative to the best one: the diversity penalty is on the same scale
    # whatever the question's absolute probabilities are
    picked = mmr(probability / max(float(probability.max()), 1e-9), found.vectors, k, diversity, docs)
    picked = [i for i in picked if probability[i] > 0] or picked[:1]
    picked = _defined_first(_subject_first(picked, probability, found, query, titles, k, judged), probability,
                            found, query, titles, k)
    picked = _keep_typed(_keep_bridge(picked, probability, found, k), probability, found, query, k)
    picked = _keep_next(picked, probability, found, k, judged, titles)
    picked = _keep_following(picked, found, k)
    picked = _keep_subject(picked, probability, found, query, titles, k)
    picked = _keep_sides(picked, probability, found, query, titles, k)
    out = []
    for i in picked:
        p, doc_id = found.passages[i], docs[i]
        out.append(Evidence(text=found.sentences[i], doc_id=doc_id, title=titles[doc_id][0], url=titles[doc_id][1],
                            score=float(found.cosine[i]), chunk_id=p.hit.chunk.id,
                            relevance=float(probability[i]), hop=p.hop, bridge=found.bridges[i],
                            position=found.positions[i]))
    return out


def _resolved(found: Candidates, titles: dict[str, tuple[str, str]], read) -> list[str]:
    """What the reader reads of the sentences `read`: "title: sentence" with an opening pronoun replaced by the
    title. The reader does not tie "It was designed by Michel Virlogeux" to its title "Millau Viaduct" (logit
    -1.3; +3.1 with the title in its place); on the fit part's calibrate slice of SQuAD top-1 went 0.794 → 0.796."""
    out = []
    for i in read:
        title = titles[found.passages[i].hit.chunk.doc_id][0]
        out.append(f"{title}: {with_referent(found.sentences[i], title, None, brackets=False)}")
    return out


def _subject(picked: list[int], probability: np.ndarray, found: Candidates, query: str,
             titles: dict[str, tuple[str, str]], judged: np.ndarray | None = None) -> tuple[list[str], int | None]:
    """The documents the question names, and the best sentence of the first of them, when the lead comes from
    none of them and not from a second hop (a multi-hop question names where the chain starts, and its answer
    is in the bridge's document); else (named, None). With the reader's logits (`judged`, given by
    _subject_first for a short question about one thing), a second-hop lead counts too, and the best sentence
    is the reader's."""
    docs = [p.hit.chunk.doc_id for p in found.passages]
    named = named_in(query, {d: titles[d][0] for d in set(docs)})
    if not picked or not named or docs[picked[0]] in named or (found.passages[picked[0]].hop == 2
                                                              and judged is None):
        return named, None
    own = [i for i, d in enumerate(docs) if d == named[0] and probability[i] > 0]
    by = judged if judged is not None and any(np.isfinite(judged[i]) for i in own) else probability
    return named, max(own, key=lambda i: by[i]) if own else None


def _subject_first(picked: list[int], probability: np.ndarray, found: Candidates, query: str,
                   titles: dict[str, tuple[str, str]], k: int, judged: np.ndarray | None = None) -> list[int]:
    """The lead comes from the document the question names ("Who painted the Mona Lisa?": Mona Lisa's
    article, not a painting called "China's Mona Lisa") when its best sentence is at least SUBJECT_RATIO as
    likely to answer as the best one — or, for a short question about one thing, when the reader alone
    (`judged`) puts it above the lead, it is at least READ_RATIO as likely, and it holds the kind of thing
    asked (a date for "when"), or the lead's document is a namesake of it (rag.answer.subject.namesake). The
    ranker's features are mostly about documents (title, rank, hop), which the reader reads too: for the follow-up
    "Where did Gustave Eiffel study?" the blend led with the second hop's Statue of Liberty sentence "… built by
    Gustave Eiffel" (0.42; reader logit 0.83), over every sentence of Eiffel's own article (reader logits up to
    2.60). Never does a sentence holding none of the kind asked displace a lead that holds it ("Who discovered
    penicillin?": not the penicillins' "A number of natural penicillins have been discovered …" over Fleming's
    Nobel Prize)."""
    judged = judged if about_one(query) else None
    named, best = _subject(picked, probability, found, query, titles, judged)
    if best is None:
        return picked
    expects = answer_type(query)
    holds = lambda i: expects is None or has_answer_type(found.sentences[i], expects, query_terms(query))  # noqa: E731
    docs = [p.hit.chunk.doc_id for p in found.passages]
    said = [found.sentences[i] for i, d in enumerate(docs) if d == named[0]]
    if judged is not None and expects is not None \
            and namesake(query, titles[docs[picked[0]]][0], titles[named[0]][0], said):
        # the lead's document only shares the subject's name ("2001: A Space Odyssey" for "Who wrote the
        # Odyssey?"): the subject's likeliest sentence leads when it holds the kind of thing asked. Not when no kind
        # is asked, which no sentence can be checked for: "What are the liquid layers of the Earth?" is answered
        # by "Internal structure of Earth", no namesake.
        _, own = _subject(picked, probability, found, query, titles)
        if own is not None and holds(own):
            return [own] + [i for i in picked if i != own][: k - 1]
    allowed = lambda i: holds(i) or not holds(picked[0])  # noqa: E731
    likely = probability[best] >= SUBJECT_RATIO * probability[picked[0]] and allowed(best)
    read_above = judged is not None and judged[best] > judged[picked[0]] and holds(best) \
        and probability[best] >= READ_RATIO * probability[picked[0]]
    if not (likely or read_above):
        # the reader's favourite of the subject's sentences is not the only one: its likeliest may be likely enough
        # ("what culture built the great pyramid of giza": "… the largest of the Egyptian pyramids", 0.11 against
        # the Old Kingdom's 0.15, where the reader preferred "… was built c. 2600 BC", 0.07). On NQ-open questions
        # on `vital` one answer gained and one other lead changed of 301; no development-set overview changed.
        _, best = _subject(picked, probability, found, query, titles)
        if best is None or probability[best] < SUBJECT_RATIO * probability[picked[0]] or not allowed(best):
            return picked
    return [best] + [i for i in picked if i != best][: k - 1]


def _defined_first(picked: list[int], probability: np.ndarray, found: Candidates, query: str,
                   titles: dict[str, tuple[str, str]], k: int) -> list[int]:
    """A "what is X?" question is answered by the opening sentence of X's own article, its definition, as likely as
    the likeliest ("What is DNA?": "Deoxyribonucleic acid is a polymer …", not "A chromosome is a package of DNA …",
    which the ranker and the blend preferred; "What is the Sun?": not "Venus is the second planet from the Sun.")."""
    doc = described(query, {d: t for d, (t, _) in titles.items()})
    opening = next((i for i, p in enumerate(found.passages) if p.hit.chunk.doc_id == doc and p.hit.chunk.start == 0
                    and found.positions[i] == 0), None)
    if opening is None:
        return picked
    probability[opening] = max(probability[opening], probability.max())
    return [opening] + [i for i in picked if i != opening][: k - 1]


def _keep_subject(picked: list[int], probability: np.ndarray, found: Candidates, query: str,
                  titles: dict[str, tuple[str, str]], k: int) -> list[int]:
    """After the bridge and typed keeps: an unsure lead about something else, for a short question about one
    thing, brings the subject's own best sentence along, last, so that the overview can say what the
    subject's source covers instead (rag.answer.subject.lacking)."""
    named, best = _subject(picked, probability, found, query, titles)
    docs = [p.hit.chunk.doc_id for p in found.passages]
    if best is None or probability[picked[0]] >= SURE or any(docs[i] in named for i in picked) \
            or not about_one(query):
        return picked
    return picked[: k - 1] + [best]


def _keep_sides(picked: list[int], probability: np.ndarray, found: Candidates, query: str,
                titles: dict[str, tuple[str, str]], k: int) -> list[int]:
    """A comparison keeps the best sentence of each document it is between (rag.answer.subject.sides) that
    no pick comes from: "Which band, Letters to Cleo or Screaming Trees, had more members?" is answered by
    reading both. They take the places of the last picks that are neither the lead nor from a side."""
    docs = [p.hit.chunk.doc_id for p in found.passages]
    between = sides(query, {d: titles[d][0] for d in dict.fromkeys(docs)})
    extra = [max((i for i, d in enumerate(docs) if d == side), key=lambda i: (probability[i], found.cosine[i]))
             for side in between if not any(docs[i] == side for i in picked)]
    if not extra:
        return picked  # (the lead's next sentence, kept beyond k, stays)
    out = picked + extra
    for i in reversed(picked[1:]):
        if len(out) <= k:
            break
        if docs[i] not in between:
            out.remove(i)
    return out[:k]


def _keep_bridge(picked: list[int], probability: np.ndarray, found: Candidates, k: int) -> list[int]:
    """A second-hop answer among the top two picks brings the first-hop sentence naming its bridge."""
    for i in picked[:2]:
        bridge = found.passages[i].bridge
        if found.passages[i].hop != 2 or not bridge:
            continue
        if any(found.passages[j].hop == 1 and found.bridges[j] == bridge for j in picked):
            return picked
        namers = [j for j, p in enumerate(found.passages) if p.hop == 1 and mentions(bridge, found.sentences[j])]
        if namers:
            return _append(picked, max(namers, key=lambda j: probability[j]), k)
    return picked


def _keep_next(picked: list[int], probability: np.ndarray, found: Candidates, k: int,
               judged: np.ndarray | None = None, titles: dict[str, tuple[str, str]] | None = None) -> list[int]:
    """The mirror of _keep_bridge: a first-hop lead naming a bridge brings that bridge's likeliest second-hop
    sentence, so that compose can keep the chain's next link (compose.chain_of) even under the supporting floor.
    "Columba de Dunbar … died at Spynie Palace …" brings "The founding of the palace dates back to the late 12th
    Century", which MMR had left out of the four picks; on HotpotQA dev-250 two answers gained, none lost. With the
    reader (`judged`, its logits), the next link may be any other document the lead names, first hop too, when the
    reader finds its sentence likelier than the lead itself; it goes next to the lead: "East Lempster is … in
    Sullivan County, New Hampshire" brings "Its county seat is Newport." (logit 4.9 against the lead's 1.7; blend
    0.19, where "Sullivan County is a county located in … New Hampshire." had 0.23 and was picked)."""
    if not picked or found.passages[picked[0]].hop != 1:
        return picked
    lead = found.sentences[picked[0]]
    if judged is not None and titles is not None:
        own = shown(titles[found.passages[picked[0]].hit.chunk.doc_id][0])
        named = [j for j, p in enumerate(found.passages) if probability[j] > 0 and judged[j] > judged[picked[0]]
                 and _names(lead, shown(titles[p.hit.chunk.doc_id][0]), own)]
        if named:
            best = max(named, key=lambda j: judged[j])
            return picked if best in picked else [picked[0], best] + picked[1:][: k - 2]
    after = [j for j, p in enumerate(found.passages) if p.hop == 2 and p.bridge and mentions(p.bridge, lead)
             and probability[j] > 0]
    if not after or any(j in picked for j in after):
        return picked
    return _append(picked, max(after, key=lambda j: probability[j]), k)


def _names(lead: str, title: str, own: str) -> bool:
    """Does the lead name another document's title (3 characters or more)?"""
    return title != own and len(title) >= 3 and mentions(title, lead)


def _keep_following(picked: list[int], found: Candidates, k: int) -> list[int]:
    """The lead's next and previous sentences in its passage join the picks, beyond k (they take no pick's place;
    the subject and sides keeps after them may), so that compose can quote them when the supporting points leave
    room (compose.following_of): "… ordained by the Methodist Church." is followed by "They were licensed by St.
    George's Church in 1784." Until the sides keep let picks beyond k stay (0a64bdc) the next one reached the
    overview only when fewer than k were picked; since, KorQuAD 300 gained 9 answers and SQuAD 300 2, none lost.
    The previous one (fourteenth round): KorQuAD 300 +5, HotpotQA 250 +2, none lost on any set."""
    if not picked:
        return picked
    lead = picked[0]
    for near in (lead + 1, lead - 1):
        if 0 <= near < len(found.sentences) and found.passages[near] is found.passages[lead] \
                and abs(found.positions[near] - found.positions[lead]) == 1 and near not in picked:
            picked = picked + [near]
    return picked


def _keep_typed(picked: list[int], probability: np.ndarray, found: Candidates, query: str, k: int) -> list[int]:
    """A question asking for a date, a number or a school keeps the likeliest sentence that holds one, when no
    pick does ("how high is Mount Everest": the elevation sentence, not only "the highest mountain")."""
    if not picked:
        return picked
    docs = [p.hit.chunk.doc_id for p in found.passages]
    allowed = [i for i in range(len(found.sentences)) if probability[i] > 0]
    pool = typed_pool(query, found.sentences, docs, docs[picked[0]], allowed)
    if not pool or any(i in pool for i in picked):
        return picked
    return _append(picked, max(pool, key=lambda i: probability[i]), k)


def _append(picked: list[int], extra: int, k: int) -> list[int]:
    """picked plus one more, the last pick giving way when k are picked already (unchanged when it is picked)."""
    if extra in picked:
        return picked
    return (picked[: k - 1] if len(picked) >= k else picked) + [extra]
