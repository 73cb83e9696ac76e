import json
import os

import pytest

from rag.embed.embedder import Embedder
from rag.errors import IndexCorrupt, IndexMismatch, IndexNotFound, RagError
from rag.store.local import build_index, list_indexes, load_index

from corpus import documents


@pytest.fixture
def built(settings, embedder):
    build_index(documents(), settings, "t", "test:tiny", embedder, progress=False)
    return settings


def test_manifest_describes_the_index(built):
    m = json.loads((built.index_dir / "t" / "manifest.json").read_text())
    assert (m["documents"], m["chunks"], m["dimension"]) == (7, 7, 384)
    assert m["embedding_model"] == "all-MiniLM-L6-v2" and m["corpus"] == "test:tiny"
    assert m["chunk_size"] == built.chunk_size and m["chunk_overlap"] == built.chunk_overlap
    for key in ("created", "rag_version", "libraries", "faiss_index", "bm25"):
        assert key in m
    assert list_indexes(built) == ["t"]


def test_round_trip(built, embedder):
    idx = load_index("t", built, embedder.name)
    assert [d.title for d in idx.documents.values()] == [d.title for d in documents()]
    assert idx.dense.ntotal == 7 and idx.chunks[3].doc_id == "t:3"


def test_no_pickle_in_the_index_folder(built):
    import numpy as np

    for path in (built.index_dir / "t").resolve().rglob("*.npy"):
        np.load(path, allow_pickle=False)  # raises if any array needs pickle
    names = {p.name for p in (built.index_dir / "t").resolve().rglob("*")}
    assert not any(n.endswith((".pkl", ".pickle")) for n in names)


def test_unknown_index_says_how_to_build_it(settings):
    with pytest.raises(IndexNotFound, match=r"no index 'vital' under .* run: rag index build --corpus vital"):
        load_index("vital", settings)


def test_bad_name_is_refused(settings):
    with pytest.raises(RagError, match="must be letters"):
        load_index("../etc", settings)


def test_mismatched_settings_say_exactly_what_differs(built, embedder):
    with pytest.raises(IndexMismatch, match=r"chunk_size: index has 1000, settings say 500"):
        load_index("t", built.replace(chunk_size=500), embedder.name)
    with pytest.raises(IndexMismatch, match=r"embedding_model: index has 'all-MiniLM-L6-v2', settings say 'other'"):
        load_index("t", built, "other")
    # torch and onnx vectors agree (fp32); an int8 backend asks for an int8 index
    load_index("t", built.replace(embed_backend="torch"), embedder.name)
    with pytest.raises(IndexMismatch, match=r"embedding_precision: index has 'fp32', settings say 'int8'"):
        load_index("t", built.replace(embed_backend="onnx-int8"), embedder.name)


def test_an_index_from_before_backends_were_recorded_is_fp32(built, embedder):
    path = built.index_dir / "t" / "manifest.json"
    manifest = json.loads(path.read_text())
    assert (manifest["embedding_backend"], manifest["embedding_precision"]) == (embedder.backend, "fp32")
    for key in ("embedding_backend", "embedding_precision"):
        del manifest[key]
    path.write_text(json.dumps(manifest))
    assert load_index("t", built, embedder.name).dense.ntotal == 7
    with pytest.raises(IndexMismatch, match="embedding_precision"):
        load_index("t", built.replace(embed_backend="onnx-int8"), embedder.name)


@pytest.mark.parametrize("damage", ["manifest", "faiss", "chunks", "missing", "count"])
def test_corrupt_folders_are_reported(built, damage):
    folder = (built.index_dir / "t").resolve()
    if damage == "manifest":
        (folder / "manifest.json").write_text("{not json")
    elif damage == "faiss":
        (folder / "dense.faiss").write_bytes(b"garbage")
    elif damage == "chunks":
        (folder / "chunks.jsonl").write_text('{"id": 0,\n')
    elif damage == "missing":
        os.remove(folder / "documents.jsonl")
    elif damage == "count":
        with open(folder / "documents.jsonl", "a") as f:
            f.write(json.dumps({"id": "x", "title": "x", "url": "x", "text": "x", "meta": {}}) + "\n")
    with pytest.raises(IndexCorrupt, match="rebuild"):
        load_index("t", built)


class ExplodingEmbedder(Embedder):
    """Stands in for a build killed halfway: dies while embedding."""

    def encode(self, texts, batch_size=64, progress=False):
        raise KeyboardInterrupt


def test_a_build_killed_halfway_leaves_the_previous_index_loadable(built, embedder):
    with pytest.raises(KeyboardInterrupt):
        build_index(documents()[:2], built, "t", "test:other", ExplodingEmbedder(), progress=False)
    idx = load_index("t", built, embedder.name)
    assert idx.manifest["documents"] == 7
    leftovers = [p.name for p in built.index_dir.iterdir() if p.name.endswith(".partial")]
    assert leftovers == []


def test_rebuild_swaps_in_the_new_index_and_removes_the_old(built, embedder):
    before = (built.index_dir / "t").resolve()
    build_index(documents()[:3], built, "t", "test:three", embedder, progress=False)
    assert load_index("t", built).manifest["documents"] == 3
    assert not before.exists()
