"""The manifest: what an index holds and how it was built, checked the same way by every store.

    read_manifest(path, name)        a local folder's manifest.json, or IndexCorrupt
    require_keys(manifest, name)     the keys every manifest must have, or IndexCorrupt
    check_manifest(manifest, ...)    the index against the current settings, or IndexMismatch naming both values
"""

from __future__ import annotations

import json
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rag.embed.embedder import PACKAGED, precision
from rag.errors import IndexCorrupt, IndexMismatch, RagError
from rag.settings import Settings

FORMAT = 1
REQUIRED = ("format", "documents", "chunks", "dimension", "embedding_model", "chunk_size", "chunk_overlap")


def valid_name(name: str) -> str:
    """An index name is a folder name and part of a database key: letters, digits, '-' and '_' only."""
    if not name or not all(c.isalnum() or c in "-_" for c in name):
        raise RagError(f"index name {name!r} must be letters, digits, '-' or '_'")
    return name


def pkg_version(name: str) -> str:
    """An installed package's version for the manifest, or "unknown"."""
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def require_keys(manifest, name: str) -> dict:
    if not isinstance(manifest, dict):
        raise IndexCorrupt(f"index '{name}' has no readable manifest — rebuild it")
    missing = [k for k in REQUIRED if k not in manifest]
    if missing:
        raise IndexCorrupt(f"index '{name}' has a manifest without {', '.join(map(repr, missing))} — rebuild it")
    return manifest


def read_manifest(path: Path, name: str) -> dict:
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"index '{name}' has an unreadable manifest.json ({exc}) — rebuild it") from None
    return require_keys(manifest, name)


def check_manifest(manifest: dict, settings: Settings, name: str, embedder_name: str | None) -> None:
    """IndexMismatch when the index was built with other chunking, another model or another precision."""
    expected = {"format": FORMAT, "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap}
    # a model shipped in a package is loaded by the name the manifest gives (Assistant.embedder_for)
    if embedder_name and manifest.get("embedding_model") not in PACKAGED:
        expected["embedding_model"] = embedder_name
    # Indexes from before the backends were recorded are fp32 (torch); torch and onnx vectors agree.
    expected["embedding_precision"] = "fp32" if settings.embed_model in PACKAGED else precision(settings.embed_backend)
    found = {**manifest, "embedding_precision": manifest.get("embedding_precision", "fp32")}
    diffs = [f"{k}: index has {found.get(k)!r}, settings say {v!r}" for k, v in expected.items() if found.get(k) != v]
    if diffs:
        model = manifest.get("embedding_model")
        other_model = "embedding_model" in expected and model != embedder_name
        use = f"set RAG_EMBED_MODEL={model} to use it, or " if other_model else ""
        raise IndexMismatch(
            f"index '{name}' was built with other settings ({'; '.join(diffs)}) — "
            f"{use}rebuild it: rag index build --name {name} --corpus {manifest.get('corpus', 'CORPUS')}"
        )
