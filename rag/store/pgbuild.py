"""Building an index in PostgreSQL: the steps of PgStore.build (rag.store.postgres), in the order they run.

    _start        the unfinished build with the same fingerprint (to resume), or a new schema with documents
    _write_batch  BATCH chunks embedded and written in one transaction (COPY, binary)
    _finish       full-text vectors, BM25 weights, indexes (postings, GIN, HNSW), statistics
    _swap         the manifest and rag_indexes switched in one transaction; stale builds dropped
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections import Counter

import numpy as np

from rag.ingest.chunking import index_text
from rag.schema import Chunk
from rag.store.manifest import FORMAT, pkg_version
from rag.text import analyzer_for, bm25_tokens

log = logging.getLogger(__name__)

# Chunks embedded and written per transaction: large enough that a COPY amortises its round trip, small
# enough that a killed build loses under ten seconds of embedding on two cores (~50 chunks/s).
BATCH = 256
# bm25s's defaults (BM25(method="lucene", k1=1.5, b=0.75)), which the local index uses.
K1, B = 1.5, 0.75
# HNSW build parameters: pgvector's defaults.
HNSW_M, HNSW_EF_CONSTRUCTION = 16, 64

TABLES = """
CREATE TABLE {s}.documents (id text PRIMARY KEY, pos int NOT NULL, title text NOT NULL, url text NOT NULL,
                            text text NOT NULL, meta jsonb NOT NULL);
CREATE TABLE {s}.chunks (id int PRIMARY KEY, doc_id text NOT NULL, text text NOT NULL, start int NOT NULL,
                         length int NOT NULL, embedding vector({dim}) NOT NULL, tsv tsvector);
CREATE TABLE {s}.postings (term text NOT NULL, chunk_id int NOT NULL, tf int NOT NULL, w float8);
"""


class PgBuild:
    """The build steps of PgStore (a mixin: they use the store's settings and connections)."""

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
            "fts_config": _fts_config(lang, analyzer), "rag_version": pkg_version("rag"),
            "libraries": {lib: pkg_version(lib) for lib in ("psycopg", "pgvector", "bm25s", "sentence-transformers")},
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


