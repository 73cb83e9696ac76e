"""Where indexes live: the store contract (rag.store.base), and the one factory that picks a backend.

    open_store(settings) -> IndexStore
        LocalStore      indexes/<name> folders: FAISS + bm25s files (rag.store.local), the default
        PgStore         PostgreSQL + pgvector (rag.store.postgres), when settings.pg_url / RAG_PG_URL is set

Every store has the same five methods, and one contract test (tests/test_store.py) runs against both:

    store.list() -> [name]                          indexes ready to load
    store.manifest(name) -> dict                    what the index holds and how it was built
    store.load(name, embedder_name) -> LoadedIndex  checked against the settings (rag.store.manifest, both)
    store.build(docs, name, corpus, embedder, lang, progress) -> manifest
                                                    readers never see a half-built index
    store.where(name) -> str                        for messages: a folder, or a database without password

A LoadedIndex (rag.store.base) is what retrieval, the hop, abstention and follow-ups read: name, manifest,
lang, analyzer, documents, chunks, title_of, retrievers(embedder), knows(term), best_lexical(tokens, docs),
vectors(ids), chunk_ids_of(doc), memo(key, make).
"""

from __future__ import annotations

from rag.settings import Settings
from rag.store.base import IndexStore, LoadedIndex, Retriever
from rag.store.local import LocalStore

__all__ = ["IndexStore", "LoadedIndex", "Retriever", "LocalStore", "open_store"]


def open_store(settings: Settings) -> IndexStore:
    """PostgreSQL when settings.pg_url is set, else the local folder: the only place that chooses."""
    if settings.pg_url:
        from rag.store.postgres import PgStore  # psycopg is an extra: imported only when asked for

        return PgStore(settings)
    return LocalStore(settings)
