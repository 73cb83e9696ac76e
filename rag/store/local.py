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
from dataclasses import asdict, dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rag.ingest.chunking import chunk_documents, index_text
from rag.embed.embedder import PACKAGED, Embedder, precision
from rag.errors import IndexCorrupt, IndexMismatch, IndexNotFound, RagError
from rag.schema import Chunk, Document
from rag.settings import Settings
from rag.text import analyzer_for, bm25_tokens, read_jsonl, write_jsonl

log = logging.getLogger(__name__)

FORMAT = 1
FILES = ("manifest.json", "documents.jsonl", "chunks.jsonl", "dense.faiss", "bm25")


def _pkg_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@dataclass
class Index:
    """A loaded index. Holds only plain data plus the two search structures it wraps."""

    name: str
    path: Path
    manifest: dict
    documents: dict[str, Document]
    chunks: list[Chunk]
    dense: object  # faiss.Index
    bm25: object  # bm25s.BM25

    @property
    def lang(self) -> str:
        return self.manifest.get("lang", "en")

    @property
    def analyzer(self) -> str:
        """How BM25 text is tokenized (rag.text.ANALYZERS). Indexes built before the manifest recorded
        it used the English stemmer or, for Korean, bm25s's plain split: read them as they were built."""
        bm25 = self.manifest.get("bm25") or {}
        return bm25.get("analyzer") or ("english" if bm25.get("stemmer") == "english" else "plain")

    def title_of(self, chunk: Chunk) -> str:
        return self.documents[chunk.doc_id].title


def valid_name(name: str) -> str:
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise RagError(f"index name {name!r} must be letters, digits, '-' or '_'")
    return name


def list_indexes(settings: Settings) -> list[str]:
    if settings.pg_url:  # the shared store (rag.store picks the backend; this keeps old callers working)
        from rag.store.postgres import PgStore

        return PgStore(settings).list()
    root = Path(settings.index_dir)
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".") and (p / "manifest.json").is_file())


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
        "faiss_index": "IndexFlatIP", "rag_version": _pkg_version("rag"),
        "libraries": {lib: _pkg_version(lib) for lib in ("faiss-cpu", "bm25s", "sentence-transformers", "onnxruntime")},
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    return Index(name=name, path=Path(), manifest=manifest, documents={d.id: d for d in docs}, chunks=chunks,
                 dense=dense, bm25=_bm25_build(texts, analyzer))


def build_index(docs: list[Document], settings: Settings, name: str, corpus: str, embedder: Embedder,
                lang: str = "en", progress: bool = True) -> Path | None:
    """Build into a hidden folder, then swap indexes/<name> to it: a killed build changes nothing.

    With settings.pg_url the index is built in PostgreSQL instead (rag.store.postgres) and None is returned."""
    import faiss

    if settings.pg_url:
        from rag.store.postgres import PgStore

        PgStore(settings).build(docs, name, corpus, embedder, lang, progress)
        return None

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
    """Load indexes/<name>, checking its manifest against the current settings (or, with settings.pg_url,
    the index of that name in PostgreSQL: rag.store.postgres.PgIndex, read through the same attributes)."""
    import bm25s
    import faiss

    if settings.pg_url:
        from rag.store.postgres import PgStore

        return PgStore(settings).load(name, embedder_name)

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
    manifest = _read_manifest(path, name)
    missing = [f for f in FILES if not (path / f).exists()]
    if missing:
        raise IndexCorrupt(
            f"index '{name}' is missing {', '.join(missing)} — "
            f"rebuild it: rag index build --name {name} --corpus {manifest.get('corpus', 'CORPUS')}"
        )
    _check_manifest(manifest, settings, name, embedder_name)
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


def _read_manifest(path: Path, name: str) -> dict:
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        assert isinstance(manifest, dict)
        for key in ("format", "documents", "chunks", "dimension", "embedding_model", "chunk_size", "chunk_overlap"):
            manifest[key]
    except (OSError, ValueError, AssertionError, KeyError) as exc:
        raise IndexCorrupt(f"index '{name}' has an unreadable manifest.json ({exc}) — rebuild it") from None
    return manifest


def _check_manifest(manifest: dict, settings: Settings, name: str, embedder_name: str | None) -> None:
    expected = {"format": FORMAT, "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    # a model shipped in a package is loaded by the name the manifest gives (Assistant.embedder_for)
    if embedder_name and manifest.get("embedding_model") not in PACKAGED:
        expected["embedding_model"] = embedder_name
    # Indexes from before the backends were recorded are fp32 (torch); torch and onnx vectors agree.
    expected["embedding_precision"] = "fp32" if settings.embed_model in PACKAGED else precision(settings.embed_backend)
    found = {**manifest, "embedding_precision": manifest.get("embedding_precision", "fp32")}
    diffs = [
        f"{k}: index has {found.get(k)!r}, settings say {v!r}"
        for k, v in expected.items()
        if found.get(k) != v
    ]
    if diffs:
        model = manifest.get("embedding_model")
        other_model = "embedding_model" in expected and model != embedder_name
        use = f"set RAG_EMBED_MODEL={model} to use it, or " if other_model else ""
        raise IndexMismatch(
            f"index '{name}' was built with other settings ({'; '.join(diffs)}) — "
            f"{use}rebuild it: rag index build --name {name} --corpus {manifest.get('corpus', 'CORPUS')}"
        )


# -- BM25 -----------------------------------------------------------------------------------------

def _bm25_build(texts: list[str], analyzer: str):
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index(bm25_tokens(texts, analyzer), show_progress=False)
    return bm25
