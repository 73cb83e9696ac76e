"""The index an evaluation runs against: a named one, or one built once from the dataset's own paragraphs.

    prepare_index(dataset, assistant, index, from_dataset) -> name     used by `rag eval` (eval.harness),
                                                                       conversations and eval.fit_ranker
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from rag.errors import IndexCorrupt, IndexMismatch, IndexNotFound, RagError

from .datasets import Dataset

log = logging.getLogger(__name__)


def dataset_index_name(dataset: Dataset) -> str:
    kind, _, path = dataset.spec.partition(":")
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in Path(path).stem)
    return f"eval-{kind}-{stem}"


def prepare_index(dataset: Dataset | None, assistant, index: str | None, from_dataset: bool) -> str:
    """The index to evaluate against; with from_dataset, build it once and reuse it while it matches."""
    from rag.store import open_store

    settings = assistant.settings
    if not from_dataset:
        name = index or settings.index
        assistant.index_info(name)  # raises IndexNotFound with the command to build it
        return name
    if not dataset.documents:
        raise RagError(
            f"{dataset.name} has no paragraphs of its own — pass --index NAME instead of --corpus-from-dataset"
        )
    name = dataset_index_name(dataset)
    try:
        store = open_store(settings)
        manifest = store.load(name, assistant.embedder.name).manifest
        if manifest.get("corpus") == dataset.spec and manifest.get("documents") == len(dataset.documents):
            return name
        log.info("index %s holds %s, rebuilding for %s", name, manifest.get("corpus"), dataset.spec)
    except (IndexNotFound, IndexCorrupt, IndexMismatch) as exc:
        log.info("building %s: %s", name, exc)
    store = open_store(settings)
    print(f"indexing {len(dataset.documents):,} paragraphs of {dataset.name} into {store.where(name)} "
          "(once; later runs reuse it) …", file=sys.stderr)
    store.build(dataset.documents, name, dataset.spec, assistant.embedder, lang=dataset.lang, progress=True)
    return name
