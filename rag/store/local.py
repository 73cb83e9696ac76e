"""Build, save and load an index folder: FAISS (dense) and bm25s (sparse) over the same chunks.

    indexes/<name>            a symlink to the current build, swapped atomically (os.replace)
    indexes/.<name>.<stamp>/  one build:
        manifest.json         what the folder holds and how it was built; checked on load
        documents.jsonl       one Document per line
        chunks.jsonl          one Chunk per line; line number == FAISS id == BM25 id
        dense.faiss           faiss.IndexFlatIP over L2-normalised vectors (exact cosine)
        bm25/                 bm25s.BM25.save() output (numpy arrays + JSON, no pickle)

No pickle anywhere: an index folder from someone else must not be able to run code.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rag.embed.embedder import Embedder
from rag.errors import IndexCorrupt, IndexNotFound, RagError
from rag.ingest.chunking import chunk_documents, index_text
from rag.schema import Chunk, Document, Hit
from rag.settings import Settings
from rag.store.base import Memo
from rag.store.manifest import FORMAT, check_manifest, pkg_version, read_manifest, valid_name
from rag.text import analyzer_for, bm25_tokens, read_jsonl, write_jsonl

log = logging.getLogger(__name__)

FILES = ("manifest.json", "documents.jsonl", "chunks.jsonl", "dense.faiss", "bm25")


@dataclass
class Index(Memo):
    """A loaded local index (rag.store.base.LoadedIndex). Holds plain data plus the FAISS and bm25s structures."""

    name: str
    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    dense: object  # faiss.Index
    bm25: object  # bm25s.BM25

    @property
    def analyzer(self) -> str:
        """How BM25 text is tokenized (rag.text.ANALYZERS). Indexes built before the manifest recorded
        it used the English stemmer or, for Korean, bm25s's plain split: read them as they were built."""
        bm25 = self.manifest.get("bm25") or {}
        return bm25.get("analyzer") or ("english" if bm25.get("stemmer") == "english" else "plain")

    def retrievers(self, embedder) -> tuple[BM25Retriever, DenseRetriever]:
        return BM25Retriever(self), DenseRetriever(self, embedder)

    def knows(self, term: str) -> bool:
        return term in self.bm25.vocab_dict

    def share(self, term: str) -> float:
        column = self.bm25.vocab_dict.get(term)
        if column is None or not self.chunks:
            return 0.0
        starts = self.bm25.scores["indptr"]  # bm25s keeps one column of chunk scores per token (CSC)
        return float(starts[column + 1] - starts[column]) / len(self.chunks)

    def best_lexical(self, tokens: list[str], doc_ids: Iterable[str]) -> dict[str, float]:
        doc_ids = list(doc_ids)
        if not tokens:
            return {d: 0.0 for d in doc_ids}
        scores = self.bm25.get_scores(tokens)
        return {d: max((float(scores[c]) for c in self.chunk_ids_of(d)), default=0.0) for d in doc_ids}

    def vectors(self, ids: Sequence[int]) -> np.ndarray:
        return np.vstack([self.dense.reconstruct(int(i)) for i in ids])

    def chunk_ids_of(self, doc_id: str) -> list[int]:
        return self.memo("chunk_ids", self._chunk_table).get(doc_id, [])

    def _chunk_table(self) -> dict[str, list[int]]:
        table: dict[str, list[int]] = {}
        for chunk in self.chunks:
            table.setdefault(chunk.doc_id, []).append(chunk.id)
        return table


class DenseRetriever:
    """Exact cosine over the FAISS vectors."""

    def __init__(self, index: Index, embedder: Embedder):
        self.index, self.embedder = index, embedder

    def retrieve(self, query: str, k: int) -> list[Hit]:
        return self.retrieve_vector(self.embedder.encode_query(query), k)

    def retrieve_vector(self, vector: np.ndarray, k: int) -> list[Hit]:
        k = min(k, self.index.dense.ntotal)
        if k <= 0:
            return []
        scores, ids = self.index.dense.search(vector, k)
        return [Hit(self.index.chunks[i], float(s)) for s, i in zip(scores[0], ids[0]) if i >= 0]


class BM25Retriever:
    """bm25s over the index's own analyzer."""

    def __init__(self, index: Index):
        self.index = index

    def retrieve(self, query: str, k: int) -> list[Hit]:
        tokens = bm25_tokens([query], self.index.analyzer)[0]
        if not tokens:
            return []
        scores = self.index.bm25.get_scores(tokens)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(self.index.chunks[i], float(scores[i])) for i in top if scores[i] > 0]


class LocalStore:
    """IndexStore over index folders under settings.index_dir: the default, one machine."""

    def __init__(self, settings: Settings):
        self.settings = settings

    def list(self) -> list[str]:
        root = Path(self.settings.index_dir)
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and (p / "manifest.json").is_file())

    def manifest(self, name: str) -> dict:
        path = Path(self.settings.index_dir) / valid_name(name)
        if not (path / "manifest.json").is_file():
            return self.load(name).manifest  # raises the usual IndexNotFound / IndexCorrupt
        return read_manifest(path, name)

    def load(self, name: str, embedder_name: str | None = None) -> Index:
        return load_index(name, self.settings, embedder_name)

    def build(self, docs, name, corpus, embedder, lang="en", progress=True) -> dict:
        return read_manifest(build_index(docs, self.settings, name, corpus, embedder, lang, progress), name)

    def where(self, name: str) -> str:
        return f"{self.settings.index_dir}/{name}"


def list_indexes(settings: Settings) -> list[str]:
    return LocalStore(settings).list()


def build_memory_index(docs: list[Document], settings: Settings, name: str, corpus: str, embedder: Embedder,
                       lang: str = "en", progress: bool = False) -> Index:
    """Chunk, embed and index docs in memory (web mode builds one of these per query)."""
    import faiss

    if not docs:
        raise RagError(f"corpus {corpus!r} has no documents with text — nothing to index")
    started = time.perf_counter()
    chunks = chunk_documents(docs, settings.chunk_size, settings.chunk_overlap)
    titles = {d.id: d.title for d in docs}
    texts = [index_text(c, titles[c.doc_id]) for c in chunks]
    log.info("embedding %d chunks from %d documents", len(chunks), len(docs))
    vectors = embedder.encode(texts, progress=progress)
    analyzer = analyzer_for(texts, lang)
    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    manifest = {
        "format": FORMAT, "name": name, "corpus": corpus, "lang": lang,
        "documents": len(docs), "chunks": len(chunks),
        "embedding_model": embedder.name, "dimension": int(vectors.shape[1]),
        "embedding_backend": embedder.backend, "embedding_precision": embedder.precision,
        "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap,
        "bm25": {"analyzer": analyzer, "stopwords": "en" if analyzer != "plain" else None,
                 "stemmer": "english" if analyzer != "plain" else None},
        "faiss_index": "IndexFlatIP", "rag_version": pkg_version("rag"),
        "libraries": {lib: pkg_version(lib) for lib in ("faiss-cpu", "bm25s", "sentence-transformers", "onnxruntime")},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    return Index(name=name, path=Path(), manifest=manifest, documents={d.id: d for d in docs}, chunks=chunks,
                 dense=dense, bm25=_bm25_build(texts, analyzer))


def build_index(docs: list[Document], settings: Settings, name: str, corpus: str, embedder: Embedder,
                lang: str = "en", progress: bool = True) -> Path:
    """Build into a hidden folder, then swap indexes/<name> to it: a killed build changes nothing.

    Always a local folder: rag.store.open_store chooses PostgreSQL when settings.pg_url is set."""
    import faiss

    valid_name(name)
    root = Path(settings.index_dir)
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    work = root / f".{name}.{stamp}.partial"
    work.mkdir()
    try:
        index = build_memory_index(docs, settings, name, corpus, embedder, lang, progress)
        faiss.write_index(index.dense, str(work / "dense.faiss"))
        index.bm25.save(str(work / "bm25"))
        write_jsonl(work / "documents.jsonl", (asdict(d) for d in docs))
        write_jsonl(work / "chunks.jsonl", (asdict(c) for c in index.chunks))
        (work / "manifest.json").write_text(json.dumps(index.manifest, indent=2, ensure_ascii=False))
        final = root / f".{name}.{stamp}"
        work.rename(final)
        _swap_in(root / name, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return root / name


def _swap_in(link: Path, target: Path) -> None:
    """Point indexes/<name> at the new build atomically, then remove the build it replaced."""
    old = link.resolve() if link.is_symlink() else None
    if link.exists() and not link.is_symlink():  # a plain folder (copied in by hand): keep it aside
        link.rename(link.with_name(f".{link.name}.replaced-{int(time.time())}"))
    tmp = link.with_name(f".{link.name}.link-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target.name)
    os.replace(tmp, link)
    if old and old != target.resolve() and old.parent == link.parent:
        shutil.rmtree(old, ignore_errors=True)


def load_index(name: str, settings: Settings, embedder_name: str | None = None) -> Index:
    """Load indexes/<name>, checking its manifest against the current settings."""
    import bm25s
    import faiss

    path = Path(settings.index_dir) / valid_name(name)
    if not (path / "manifest.json").exists():
        if path.exists():
            raise IndexCorrupt(
                f"index '{name}' at {path} has no manifest.json — "
                f"rebuild it: rag index build --name {name} --corpus ..."
            )
        hint = (
            f"rag index build --corpus vital --name {name}"
            if name == "vital"
            else f"rag index build --corpus CORPUS --name {name}"
        )
        raise IndexNotFound(f"no index '{name}' under {settings.index_dir}/ — run: {hint}")
    manifest = read_manifest(path, name)
    missing = [f for f in FILES if not (path / f).exists()]
    if missing:
        raise IndexCorrupt(
            f"index '{name}' is missing {', '.join(missing)} — "
            f"rebuild it: rag index build --name {name} --corpus {manifest.get('corpus', 'CORPUS')}"
        )
    check_manifest(manifest, settings, name, embedder_name)
    try:
        documents = {d["id"]: Document(**d) for d in read_jsonl(path / "documents.jsonl")}
        chunks = [Chunk(**c) for c in read_jsonl(path / "chunks.jsonl")]
        dense = faiss.read_index(str(path / "dense.faiss"))
        bm25 = bm25s.BM25.load(str(path / "bm25"), mmap=False, allow_pickle=False)
    except Exception as exc:  # a CorpusError from read_jsonl too: a damaged index file is IndexCorrupt
        raise IndexCorrupt(
            f"index '{name}' could not be read ({type(exc).__name__}: {exc}) — "
            f"rebuild it: rag index build --name {name} --corpus {manifest.get('corpus', 'CORPUS')}"
        ) from None
    counts = (len(documents), len(chunks), dense.ntotal, int(bm25.scores["num_docs"]))
    if counts != (manifest["documents"], manifest["chunks"], manifest["chunks"], manifest["chunks"]):
        raise IndexCorrupt(
            f"index '{name}' is inconsistent (documents, chunks, vectors, bm25 rows = {counts}, "
            f"manifest says {manifest['documents']} documents, {manifest['chunks']} chunks) — rebuild it"
        )
    return Index(name=name, path=path, manifest=manifest, documents=documents, chunks=chunks, dense=dense, bm25=bm25)


# -- BM25 -----------------------------------------------------------------------------------------

def _bm25_build(texts: list[str], analyzer: str):
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index(bm25_tokens(texts, analyzer), show_progress=False)
    return bm25
