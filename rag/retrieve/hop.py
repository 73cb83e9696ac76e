"""The second retrieval hop: bridge entities named in the first hop's passages, looked up and merged.

A multi-hop question names one thing and asks about another ("the director of the film that …").
The first retrieval finds the film; its passage names the director; the director's own document
holds the answer. With no language model involved:

  1. bridges   names in the top passages that the question does not hold: capitalised spans, and
               the titles of other documents of the same index (Wikipedia-like corpora link by title;
               in web mode the fetched pages' titles play that part), scored by how early the passage
               ranks and how close the naming sentence is to the question;
  2. hop two   a bridge that is a title brings that document's chunk closest to the question; any
               other bridge is searched for together with the question;
  3. merge     the first hop's passages, then one passage per bridge, never the same chunk twice.

A question that compares two things ("Were X and Y of the same nationality?") reads each one's own document too,
when the first hop missed it: with one side missing, no sentence can compare them.

read(...) returns the passages the overview reads, each marked with its hop and bridge.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from rag.schema import Hit, Passage
from rag.store.base import LoadedIndex
from rag.text import terms as terms_of

log = logging.getLogger(__name__)

# Joiners that may stand inside a name between two capitalised words ("University of Chicago",
# "Leonardo da Vinci"); "and" is not one of them: "Adriana Trigiani and Donna Gigliotti" is two names.
JOINERS = frozenset("of the de da di du del della von van der den la le y al bin".split())
# Capitalised only because they open a sentence or are a pronoun: never a bridge on their own.
OPENERS = frozenset(
    "the a an in on at by for from with as after before during while when where what which who this that these "
    "those he she it they his her its their we our i you there here however although since but and or also "
    "born according some many most both each other such then thus".split())
# ... nor, opening a question's title run, are its question words
UNNAMING = OPENERS | frozenset("is are was were do does did can could has have had how why whom whose".split())
TOKEN = re.compile(r"[\w][\w'’.\-]*", re.UNICODE)
PAREN = re.compile(r"\s*\([^)]*\)\s*$")
SITE = re.compile(r"\s[|–—-]\s")
BRIDGE_PASSAGES = 3  # bridges are looked for in the first hop's top passages only
TITLE_BONUS = 1.0  # a name that is the title of another document is what the hop is for
# A comparison reads the documents it names (the first two): "Were Scott Derrickson and Ed Wood of the same
# nationality?" found Ed Wood's article, not Scott Derrickson's, and no sentence can compare one side.
COMPARED = 2
# "What is DNA?", "who was albert einstein", "define democracy", "dna meaning", "what does NATO stand for": the
# question asks what one thing is, and its whole rest is the name (the first pattern that matches names it)
_NAME, _END = r"(?:(?:a|an|the)\s+)?(?P<name>[^?!.]+?)", r"[\s?!.]*$"
DEFINES = tuple(re.compile(rf"^\s*{p}{_END}", re.IGNORECASE) for p in (
    rf"(?:what|who)\s+(?:is|are|was|were)\s+the\s+(?:meaning|definition)\s+of\s+{_NAME}",
    rf"(?:what|who)\s+(?:is|are|was|were)\s+{_NAME}",
    rf"(?:define|(?:the\s+)?(?:meaning|definition)\s+of)\s+{_NAME}",
    rf"{_NAME}\s+(?:meaning|definition)",
    rf"what\s+(?:does|do|did)\s+{_NAME}\s+(?:mean|stand\s+for)"))


@dataclass(frozen=True)
class Bridge:
    name: str
    score: float
    doc_ids: tuple[str, ...] = ()  # documents titled so (empty: search for the name instead)


def title_key(title: str) -> str:
    """"The Beatles (band)", "The Beatles - Wikipedia" and "the beatles" meet: no disambiguator, no
    site name after a dash or bar (web page titles), no leading article, lower case."""
    key = SITE.split(title.replace("_", " "))[0]
    key = PAREN.sub("", key).strip().lower()
    return key[4:] if key.startswith("the ") else key


def title_table(index: LoadedIndex) -> dict[str, tuple[str, ...]]:
    """title key -> ids of the documents so titled; made once per loaded index."""
    def make() -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for doc in index.documents.values():
            key = title_key(doc.title)
            if len(key) > 1:
                grouped.setdefault(key, []).append(doc.id)
        return {k: tuple(v) for k, v in grouped.items()}

    return index.memo("title_table", make)


def names_in(sentence: str) -> list[str]:
    """Capitalised spans of a sentence ("Adriana Trigiani", "University of Chicago"), openers dropped."""
    spans, current = [], []
    tokens = [t.rstrip(".") if not re.fullmatch(r"(\w\.)+", t) else t for t in TOKEN.findall(sentence)]
    for i, tok in enumerate(tokens):
        bare = re.sub(r"['’]s$", "", tok)
        if bare[:1].isupper() or (bare[:1].isdigit() and current):
            current.append(bare)
        elif current and bare.lower() in JOINERS and i + 1 < len(tokens) and tokens[i + 1][:1].isupper():
            current.append(bare)
        elif current:
            spans.append(current)
            current = []
    if current:
        spans.append(current)
    out = []
    for span in spans:
        while span and span[0].lower() in OPENERS:
            span = span[1:]
        if span:
            out.append(" ".join(span))
    return out


def _title_matches(name: str, table: dict[str, tuple[str, ...]]) -> list[tuple[str, tuple[str, ...]]]:
    """The longest runs of words in name that are document titles, left to right, not overlapping."""
    words = name.split()
    found, i = [], 0
    while i < len(words):
        for j in range(len(words), i, -1):
            key = title_key(" ".join(words[i:j]))
            if key in table and (j - i > 1 or len(key) > 3):
                found.append((" ".join(words[i:j]), table[key]))
                i = j
                break
        else:
            i += 1
    return found


def find_bridges(passages: list[Hit], index, terms: set[str], split, limit: int) -> list[Bridge]:
    """The names in the top passages most likely to lead to the answer's own document."""
    table = title_table(index)
    asked = frozenset(terms)
    read = {title_key(index.documents[h.chunk.doc_id].title) for h in passages}
    scores: dict[str, float] = {}
    targets: dict[str, tuple[str, ...]] = {}
    for rank, hit in enumerate(passages[:BRIDGE_PASSAGES]):
        own = title_key(index.documents[hit.chunk.doc_id].title)
        for sentence in split(hit.chunk.text):
            words = terms_of(sentence)
            closeness = len(words & asked) / len(asked) if asked else 0.0
            weight = (0.5 + closeness) / (1 + rank)
            for name in names_in(sentence):
                candidates = _title_matches(name, table) or ([(name, ())] if _searchable(name) else [])
                for text, docs in candidates:
                    key = title_key(text)
                    if key in read or key == own or key in own or _asked(text, asked):
                        continue
                    bonus = TITLE_BONUS if docs else 0.0
                    scores[text] = max(scores.get(text, 0.0), weight + bonus) + 0.05
                    targets[text] = docs
    ranked = sorted(scores, key=lambda n: (-scores[n], n))[:limit]
    return [Bridge(n, round(scores[n], 4), targets[n]) for n in ranked]


MONTHS = frozenset("january february march april may june july august september october november december".split())


def _searchable(name: str) -> bool:
    """A name worth a search of its own: two words or more, not a date ("August 1981"). A lone
    capitalised word ("American", "Rebel") matches too much to lead anywhere."""
    words = name.split()
    return len(words) >= 2 and words[0].lower() not in MONTHS and not all(w[:1].isdigit() for w in words[1:])


def _asked(name: str, asked: set[str]) -> bool:
    """Every word of the name is already in the question: nothing to bridge to."""
    return terms_of(name) <= asked


def read(query: str, first: list[Hit], index, retriever, query_vector: np.ndarray, terms: set[str],
         split, passages: int, bridges: int, compares: bool = False,
         leaders: Sequence[Hit] = (), defined: Sequence[str] = ()) -> tuple[list[Passage], list[Bridge]]:
    """The passages the overview reads: the first hop's top passages, then each of `leaders` not read yet (every
    retriever's own best passage: fusion can sink one that only one retriever finds) and the opening passage of
    each `defined` document (what a "what is X?" question asks about: defined_documents), then (when the question
    `compares`) the documents it names that are not read yet, then one per bridge."""
    out = [Passage(hit=h, rank=r, hop=1) for r, h in enumerate(first[:passages])]
    seen = {p.hit.chunk.id for p in out}
    openings = [Hit(index.chunks[ids[0]], 0.0) for ids in map(index.chunk_ids_of, defined) if ids]
    for hit in [*leaders, *openings]:
        if hit.chunk.id not in seen:
            seen.add(hit.chunk.id)
            out.append(Passage(hit=hit, rank=len(out), hop=1))
    docs_seen = {p.hit.chunk.doc_id for p in out}
    if compares and out:
        for doc_ids in named_documents(query, index)[:COMPARED]:
            hit = _title_hop(Bridge("", 0.0, doc_ids), index, query_vector, docs_seen)
            if hit is not None and hit.chunk.id not in seen:
                seen.add(hit.chunk.id)
                docs_seen.add(hit.chunk.doc_id)
                out.append(Passage(hit=hit, rank=len(out), hop=1))
    if bridges <= 0 or not out:
        return out, []
    found = find_bridges(first[:passages], index, terms, split, bridges)
    for bridge in found:
        hit = _title_hop(bridge, index, query_vector, docs_seen) if bridge.doc_ids else \
            _search_hop(bridge, query, retriever, seen)
        if hit is not None and hit.chunk.id not in seen:
            seen.add(hit.chunk.id)
            docs_seen.add(hit.chunk.doc_id)
            out.append(Passage(hit=hit, rank=len(out), hop=2, bridge=bridge.name))
    log.debug("bridges for %r: %s", query, [(b.name, b.score, bool(b.doc_ids)) for b in found])
    return out, found


def defined_keys(query: str) -> tuple[str, ...]:
    """The title keys (title_key) the thing a "what is X?" question asks about may have: X, and X without a plural
    s ("what are vitamins": Vitamin); () for any other question."""
    m = next((m for m in (p.match(query) for p in DEFINES) if m), None)
    key = title_key(m["name"]) if m else ""
    return (key, key[:-1]) if key.endswith("s") else (key,) if key else ()


def defined_documents(query: str, index) -> tuple[str, ...]:
    """The documents titled as the thing a "what is X?" question asks about."""
    table = title_table(index)
    return next((table[k] for k in defined_keys(query) if k in table), ())


def named_documents(query: str, index) -> list[tuple[str, ...]]:
    """The documents whose titles the question names ("Were Scott Derrickson and Ed Wood of the same
    nationality?": Scott Derrickson's, Ed Wood's and Ed Wood (film)'s), in the question's order: the longest runs
    of its words that are titles, holding a capitalised word that is not an opener ("This Is Elvis", "St Paul's
    Cathedral", which names_in would cut to "Is Elvis" and "St Paul")."""
    found = _title_matches(" ".join(TOKEN.findall(query)), title_table(index))
    return [docs for text, docs in found
            if any(w[:1].isupper() and w.lower() not in UNNAMING for w in text.split())]


def _title_hop(bridge: Bridge, index, query_vector: np.ndarray, docs_seen: set[str]) -> Hit | None:
    """The chunk of the bridge's own document(s) closest to the question."""
    ids = [c for d in bridge.doc_ids if d not in docs_seen for c in index.chunk_ids_of(d)]
    if not ids:
        return None
    vectors = index.vectors(ids)
    scores = vectors @ query_vector.reshape(-1)
    best = int(np.argmax(scores))
    return Hit(index.chunks[ids[best]], float(scores[best]))


def _search_hop(bridge: Bridge, query: str, retriever, seen: set[int]) -> Hit | None:
    """A name that is no title: search for it with the question; keep a new passage that names it."""
    needle = bridge.name.lower()
    for hit in retriever.retrieve(f"{bridge.name} {query}", 5):
        if hit.chunk.id not in seen and needle in hit.chunk.text.lower():
            return hit
    return None
