"""The store contract: what every index store offers, and what every loaded index offers its readers.

Retrieval, the second hop, the abstention checks and follow-up resolution read an index only through
`LoadedIndex`; the local store (FAISS + bm25s files) and PostgreSQL implement it, and one contract test
(tests/test_store.py) runs against both. Nobody probes an index with hasattr/getattr.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from rag.schema import Chunk, Document, Hit


class Retriever(Protocol):
    def retrieve(self, query: str, k: int) -> list[Hit]: ...


@runtime_checkable
class LoadedIndex(Protocol):
    """A loaded index, whichever store it came from."""

    name: str
    path: Path  # the folder of a local index; Path() for one in a database or in memory
    manifest: dict
    documents: dict[str, Document]  # doc_id -> Document (a database index may hold no text here)
    chunks: Sequence[Chunk]  # chunks[i] is the chunk with id i

    @property
    def lang(self) -> str: ...

    @property
    def analyzer(self) -> str: ...

    def title_of(self, chunk: Chunk) -> str: ...

    def retrievers(self, embedder) -> tuple[Retriever, Retriever]:
        """(lexical, dense): BM25 over the index's own analyzer, and cosine over its vectors."""

    def knows(self, term: str) -> bool:
        """Is this BM25 token (in the index's analyzer) anywhere in the index?"""

    def share(self, term: str) -> float:
        """The share of the index's chunks that hold this BM25 token (0.0 for one it never mentions)."""

    def best_lexical(self, tokens: list[str], doc_ids: Iterable[str]) -> dict[str, float]:
        """doc_id -> the BM25 score of that document's best chunk for these tokens (0.0 when none matches)."""

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        """The stored embeddings of these chunk ids, one row each, in order."""

    def chunk_ids_of(self, doc_id: str) -> list[int]:
        """The ids of one document's chunks, in order."""

    def document_text(self, doc_id: str) -> str:
        """One document's whole text (documents[doc_id].text may be empty for an index in a database)."""

    def memo(self, key: str, make: Callable[[], object]):
        """A table derived from this index (titles, first words), made once per loaded index."""


class IndexStore(Protocol):
    """Where indexes live. rag.store.open_store is the one place that chooses an implementation."""

    def list(self) -> list[str]: ...

    def manifest(self, name: str) -> dict: ...

    def load(self, name: str, embedder_name: str | None = None) -> LoadedIndex: ...

    def build(self, docs: list[Document], name: str, corpus: str, embedder, lang: str = "en",
              progress: bool = True) -> dict: ...

    def where(self, name: str) -> str: ...


_MEMO_LOCK = threading.Lock()  # derived tables are made once per index and rarely: one lock serves all


class Memo:
    """What both stores' indexes share: memo (derived tables made once; the app's threads share an index),
    lang and title_of."""

    def memo(self, key: str, make: Callable[[], object]):
        with _MEMO_LOCK:
            tables = self.__dict__.setdefault("_memo", {})
            if key not in tables:
                tables[key] = make()
            return tables[key]

    @property
    def lang(self) -> str:
        return self.manifest.get("lang", "en")

    def title_of(self, chunk: Chunk) -> str:
        return self.documents[chunk.doc_id].title

    def document_text(self, doc_id: str) -> str:
        return self.documents[doc_id].text
