"""The embedding backends: ONNX gives sentence-transformers' vectors, int8 stays close, exports are reused."""

import numpy as np
import pytest

from rag.embed.embedder import BACKENDS, Embedder, bundled_model_path
from rag.embed.onnx import onnx_model
from rag.errors import BadSetting
from rag.settings import Settings

from corpus import documents

TEXTS = [d.text for d in documents()] + ["", "x " * 2000]  # an empty text and one past 256 tokens


def test_an_unknown_backend_is_refused_with_the_choices():
    with pytest.raises(BadSetting, match=r"embed_backend='tf' must be one of: torch, onnx, onnx-int8"):
        Settings(embed_backend="tf")
    with pytest.raises(ValueError, match="onnx-int8"):
        Embedder(backend="tf")
    assert BACKENDS == ("torch", "onnx", "onnx-int8")


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    cache = tmp_path_factory.mktemp("onnx")
    return {b: Embedder(backend=b, cache_dir=cache) for b in BACKENDS}, cache


@pytest.mark.slow  # loads the real model three ways
def test_onnx_gives_the_torch_vectors_and_int8_stays_close(models):
    embedders, _ = models
    vectors = {b: e.encode(TEXTS) for b, e in embedders.items()}
    for b, v in vectors.items():
        assert v.shape == (len(TEXTS), 384) and v.dtype == np.float32
        assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)
    assert (vectors["onnx"] * vectors["torch"]).sum(axis=1).min() > 0.9999
    assert (vectors["onnx-int8"] * vectors["torch"]).sum(axis=1).min() > 0.85
    # the same ranking on a query: the Mona Lisa document first on every backend
    ranked = {b: int(np.argmax(vectors[b] @ e.encode_query("who painted the mona lisa")[0]))
              for b, e in embedders.items()}
    assert set(ranked.values()) == {next(i for i, d in enumerate(documents()) if "Mona Lisa" in d.title)}
    assert embedders["onnx"].encode([]).shape == (0, 384)


@pytest.mark.slow
def test_the_export_is_made_once_and_reused(models):
    _, cache = models
    first = onnx_model(bundled_model_path(), int8=True, cache_dir=cache)
    stamp = first.stat().st_mtime_ns
    assert onnx_model(bundled_model_path(), int8=True, cache_dir=cache) == first
    assert first.stat().st_mtime_ns == stamp
    assert sorted(p.name.rsplit("-", 1)[1] for p in cache.iterdir()) == ["fp32.onnx", "int8.onnx"]
