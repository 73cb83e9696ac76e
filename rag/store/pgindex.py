"""A loaded PostgreSQL index (rag.store.base.LoadedIndex) and its retrievers; made by rag.store.postgres.PgStore.load.

The documents' titles, URLs and metadata are held in memory (the links, the hop's title table); their text
and the chunks stay in the database, and chunks are cached as retrieval brings them in.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from rag.errors import IndexNotFound
from rag.schema import Chunk, Document, Hit
from rag.store.base import Memo
from rag.text import bm25_tokens

# Chunks kept in memory per index: the ones retrieval returns are read again by evidence and the hop.
CHUNK_CACHE = 4096


class PgIndex(Memo):
    """A LoadedIndex (rag.store.base) served from PostgreSQL.

    The documents' titles, URLs and metadata are held in memory (the links, the hop's title table); their
    text and the chunks stay in the database, and chunks are cached as retrieval brings them in.
    """

    def __init__(self, name: str, build: str, schema: str, manifest: dict, documents: dict[str, Document],
                 store):
        self.name, self.build, self.schema, self.manifest = name, build, schema, manifest
        self.documents, self.store = documents, store
        self.path = Path()
        self.chunks = PgChunks(self)

    @property
    def analyzer(self) -> str:
        """How BM25 text is tokenized (rag.text.ANALYZERS), as the build recorded it."""
        return (self.manifest.get("bm25") or {}).get("analyzer", "english")

    def retrievers(self, embedder) -> tuple:
        """(lexical, dense) retrievers, each retrieve(query, k) -> [Hit], best first."""
        lexical = PgBM25Retriever(self) if self.store.settings.pg_lexical == "bm25" else PgFtsRetriever(self)
        return lexical, PgDenseRetriever(self, embedder)

    def knows(self, term: str) -> bool:
        return bool(self.query("SELECT EXISTS (SELECT 1 FROM {s}.postings WHERE term = %s)", (term,))[0][0])

    def share(self, term: str) -> float:
        held = self.query("SELECT count(*) FROM {s}.postings WHERE term = %s", (term,))[0][0]
        return float(held) / len(self.chunks) if len(self.chunks) else 0.0

    def best_lexical(self, tokens: list[str], doc_ids: Iterable[str]) -> dict[str, float]:
        best = dict.fromkeys(doc_ids, 0.0)
        if not tokens or not best:
            return best
        counts = Counter(tokens)  # as PgBM25Retriever: a repeated token counts once per repetition
        rows = self.query("""
            WITH q(term, n) AS (SELECT * FROM unnest(%s::text[], %s::int[]))
            SELECT c.doc_id, max(s.score) FROM (SELECT p.chunk_id, sum(q.n * p.w) AS score FROM q
                JOIN {s}.postings p USING (term) GROUP BY p.chunk_id) s JOIN {s}.chunks c ON c.id = s.chunk_id
            WHERE c.doc_id = ANY(%s) GROUP BY c.doc_id""", (list(counts), list(counts.values()), list(best)))
        best.update({doc: float(score) for doc, score in rows})
        return best

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        ids = [int(i) for i in ids]
        rows = dict(self.query("SELECT id, embedding FROM {s}.chunks WHERE id = ANY(%s)", (ids,)))
        if len(rows) != len(set(ids)):
            raise IndexError(sorted(set(ids) - set(rows)))
        return np.vstack([_array(rows[i]) for i in ids])

    def chunk_ids_of(self, doc_id: str) -> list[int]:
        # one small query per document, rather than the whole chunk table streamed once per process
        return [r[0] for r in self.query("SELECT id FROM {s}.chunks WHERE doc_id = %s ORDER BY id", (doc_id,))]

    def document_text(self, doc_id: str) -> str:
        rows = self.query("SELECT text FROM {s}.documents WHERE id = %s", (doc_id,))
        if not rows:
            raise KeyError(doc_id)
        return rows[0][0]

    def query(self, sql: str, params) -> list[tuple]:
        """Run a read on this build's tables; a build dropped since it was loaded is a clear error."""
        import psycopg

        try:
            with self.store._conn() as conn:
                return conn.execute(sql.format(s=self.schema), params).fetchall()
        except psycopg.errors.UndefinedTable:
            raise IndexNotFound(f"index '{self.name}' was rebuilt twice since this process loaded it (build "
                                f"{self.build} is gone) — restart it to load the current build") from None

    def hits(self, rows) -> list[Hit]:
        return [Hit(self.chunks.remember(Chunk(id=r[0], doc_id=r[1], text=r[2], start=r[3])), float(r[4]))
                for r in rows]


class PgChunks:
    """index.chunks for a PostgreSQL index: chunks[i] and len(); iteration streams them all (text left out)."""

    def __init__(self, index: PgIndex):
        self.index = index
        self._cache: OrderedDict[int, Chunk] = OrderedDict()
        self._lock = threading.Lock()  # the app's worker threads share one index

    def __len__(self) -> int:
        return int(self.index.manifest["chunks"])

    def remember(self, chunk: Chunk) -> Chunk:
        with self._lock:
            self._cache[chunk.id] = chunk
            self._cache.move_to_end(chunk.id)
            while len(self._cache) > CHUNK_CACHE:
                self._cache.popitem(last=False)
        return chunk

    def __getitem__(self, i: int) -> Chunk:
        i = int(i)
        with self._lock:
            cached = self._cache.get(i)
        if cached is not None:
            return cached
        rows = self.index.query("SELECT id, doc_id, text, start FROM {s}.chunks WHERE id = %s", (i,))
        if not rows:
            raise IndexError(i)
        return self.remember(Chunk(*rows[0]))

    def __iter__(self):
        for row in self.index.query("SELECT id, doc_id, '' AS text, start FROM {s}.chunks ORDER BY id", ()):
            # text left out: iteration is for the chunk -> document table; chunks[i] reads the text
            yield Chunk(*row)


def _array(vector) -> np.ndarray:
    """A pgvector value as float32 numpy (pgvector's psycopg adapter gives numpy or its Vector type)."""
    return np.asarray(vector.to_numpy() if hasattr(vector, "to_numpy") else vector, dtype=np.float32)


class PgDenseRetriever:
    """Nearest chunks by cosine through the HNSW index (pgvector's <=> is cosine distance)."""

    def __init__(self, index: PgIndex, embedder):
        self.index, self.embedder = index, embedder

    def retrieve(self, query: str, k: int) -> list[Hit]:
        return self.retrieve_vector(self.embedder.encode_query(query), k)

    def retrieve_vector(self, vector: np.ndarray, k: int) -> list[Hit]:
        if k <= 0:
            return []
        v = np.asarray(vector, dtype=np.float32).reshape(-1)
        rows = self.index.query("SELECT id, doc_id, text, start, 1 - (embedding <=> %s) FROM {s}.chunks "
                                "ORDER BY embedding <=> %s LIMIT %s", (v, v, int(k)))
        return self.index.hits(rows)


class PgBM25Retriever:
    """bm25s's ranking computed in SQL from the postings table (see the module docstring)."""

    def __init__(self, index: PgIndex):
        self.index = index

    def retrieve(self, query: str, k: int) -> list[Hit]:
        tokens = bm25_tokens([query], self.index.analyzer)[0]
        if not tokens or k <= 0:
            return []
        counts = Counter(tokens)  # bm25s counts a repeated query token once per repetition
        rows = self.index.query("""
            WITH q(term, n) AS (SELECT * FROM unnest(%s::text[], %s::int[])),
                 top AS (SELECT p.chunk_id, sum(q.n * p.w) AS score FROM q JOIN {s}.postings p USING (term)
                         GROUP BY p.chunk_id ORDER BY score DESC, p.chunk_id LIMIT %s)
            SELECT c.id, c.doc_id, c.text, c.start, top.score FROM top JOIN {s}.chunks c ON c.id = top.chunk_id
            ORDER BY top.score DESC, c.id""", (list(counts), list(counts.values()), int(k)))
        return self.index.hits(rows)


class PgFtsRetriever:
    """PostgreSQL full-text search: chunks holding any of the query's lexemes, by ts_rank_cd."""

    def __init__(self, index: PgIndex):
        self.index = index

    def retrieve(self, query: str, k: int) -> list[Hit]:
        if k <= 0:
            return []
        # Any lexeme, not all (plainto_tsquery would AND them and find nothing for most questions).
        rows = self.index.query("""
            WITH q AS (SELECT string_agg(quote_literal(lexeme), ' | ')::tsquery AS q
                       FROM unnest(to_tsvector(%s::regconfig, %s)))
            SELECT c.id, c.doc_id, c.text, c.start, ts_rank_cd(c.tsv, q.q, 1) AS score
            FROM {s}.chunks c, q WHERE q.q IS NOT NULL AND c.tsv @@ q.q
            ORDER BY score DESC, c.id LIMIT %s""", (self.index.manifest.get("fts_config", "simple"), query, int(k)))
        return self.index.hits(rows)
