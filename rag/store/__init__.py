"""Where indexes live: the index store interface, and the factory that picks a backend from Settings.

    open_store(settings) -> IndexStore
        LocalStore      indexes/<name> folders: FAISS + bm25s files (rag.store.local), the default
        PgStore         PostgreSQL + pgvector (rag.store.postgres), when settings.pg_url / RAG_PG_URL is set

Every store has the same five methods, and one contract test (tests/test_store.py) runs against both:

    store.list() -> [name]                          indexes ready to load
    store.manifest(name) -> dict                    what the index holds and how it was built
    store.load(name, embedder_name) -> index        checked against the settings (same checks in both)
    store.build(docs, name, corpus, embedder, lang, progress) -> manifest
                                                    readers never see a half-built index
    store.where(name) -> str                        for messages: a folder, or a database without password

A loaded index has .name, .manifest, .lang, .documents (doc_id -> Document), .chunks (chunk id -> Chunk),
.dense (.ntotal, .reconstruct(i)) and title_of(chunk); a PostgreSQL index also has retrievers(embedder),
which rag.retrieve.retrievers.make_retriever uses instead of the in-memory FAISS and bm25s retrievers.
"""

from __future__ import annotations

from typing import Protocol

from rag.embed.embedder import Embedder
from rag.schema import Document
from rag.settings import Settings


class IndexStore(Protocol):
    def list(self) -> list[str]: ...

    def manifest(self, name: str) -> dict: ...

    def load(self, name: str, embedder_name: str | None = None): ...

    def build(self, docs: list[Document], name: str, corpus: str, embedder: Embedder, lang: str = "en",
              progress: bool = True) -> dict: ...

    def where(self, name: str) -> str: ...


class LocalStore:
    """Index folders under settings.index_dir (rag.store.local): the default, one machine."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def list(self) -> list[str]:
        from rag.store.local import list_indexes

        return list_indexes(self.settings)

    def manifest(self, name: str) -> dict:
        from rag.store.local import _read_manifest, load_index

        from pathlib import Path

        path = Path(self.settings.index_dir) / name
        if not (path / "manifest.json").is_file():
            return load_index(name, self.settings).manifest  # raises the usual IndexNotFound / IndexCorrupt
        return _read_manifest(path, name)

    def load(self, name: str, embedder_name: str | None = None):
        from rag.store.local import load_index

        return load_index(name, self.settings, embedder_name)

    def build(self, docs, name, corpus, embedder, lang="en", progress=True) -> dict:
        from rag.store.local import _read_manifest, build_index

        return _read_manifest(build_index(docs, self.settings, name, corpus, embedder, lang, progress), name)

    def where(self, name: str) -> str:
        return f"{self.settings.index_dir}/{name}"


def open_store(settings: Settings) -> IndexStore:
    """PostgreSQL when settings.pg_url is set, else the local folder."""
    if settings.pg_url:
        from rag.store.postgres import PgStore

        return PgStore(settings)
    return LocalStore(settings)
