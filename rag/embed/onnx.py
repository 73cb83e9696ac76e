"""The ONNX Runtime backend of rag.embed.embedder: the bundled sentence-transformers weights exported to ONNX
once (optionally quantized to int8), then run with onnxruntime and the model's own fast tokenizer.

Why by hand rather than sentence-transformers' backend="onnx": that path needs optimum-onnx, which pins
transformers < 4.58 while sentence-transformers 6.2 here runs on transformers 5 (pip cannot resolve both),
and its OpenVINO path pulls a CUDA torch build. The export is torch.onnx.export of the Transformer module;
pooling (mean or CLS, read from the model's 1_Pooling/config.json) and L2 normalisation are a few numpy
lines. fp32 vectors equal sentence-transformers' to 1e-7 (cosine), so fp32 indexes are interchangeable
between the two backends; int8 vectors are not (cosine ≥ 0.9 to fp32), so the manifest records precision.

Export needs torch and transformers (already installed for the torch backend); loading a cached export
needs only onnxruntime and tokenizers, so a process that finds the cache never imports torch.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import warnings
from pathlib import Path

import numpy as np

from rag.errors import ModelNotFound

log = logging.getLogger(__name__)

# The ONNX inputs a BERT-like encoder takes; an exported graph declares the subset it uses.
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
OPSET = 17


class OnnxEncoder:
    """encode(texts) -> L2-normalised float32 vectors, the way the sentence-transformers model would."""

    def __init__(self, model_dir: Path, onnx_file: Path, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        config = _st_config(model_dir)
        self.max_length = int(config.get("max_seq_length") or 256)
        self.pooling = _pooling(model_dir)
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(self.max_length)
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3  # onnxruntime warns about unused initializers on every load
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]
        self.dimension = int(self.session.get_outputs()[0].shape[-1] or 0) or self.encode(["x"]).shape[1]

    def encode(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        # Longest first, like sentence-transformers: batches of similar length waste less on padding.
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out: np.ndarray | None = None
        batches = range(0, len(texts), batch_size)
        if progress:
            from tqdm import tqdm

            batches = tqdm(batches, desc="Embedding", unit="batch")
        for start in batches:
            picked = order[start:start + batch_size]
            vectors = self._batch([texts[i] for i in picked])
            if out is None:
                out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
            out[picked] = vectors
        return out if out is not None else np.zeros((0, self.dimension), dtype=np.float32)

    def _batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {k: feeds[k] for k in self.inputs})[0]
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            pooled = (hidden * mask[..., None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.ascontiguousarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def onnx_model(model_dir: Path, int8: bool, cache_dir: Path | None) -> Path:
    """The exported (and, for int8, quantized) ONNX file for model_dir, made once and kept in cache_dir
    (a temporary folder when there is none). The file name carries a digest of the weights, so new
    weights make a new export rather than reuse a stale one."""
    weights = next((p for p in (model_dir / "model.safetensors", model_dir / "pytorch_model.bin") if p.is_file()), None)
    if weights is None:
        raise ModelNotFound(f"no model.safetensors or pytorch_model.bin in {model_dir} to export to ONNX")
    stat = weights.stat()
    digest = hashlib.sha1(f"{weights.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:12]
    folder = Path(cache_dir) if cache_dir else Path(tempfile.gettempdir()) / "rag-onnx"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{model_dir.name}-{digest}-{'int8' if int8 else 'fp32'}.onnx"
    if target.is_file():
        return target
    fp32 = folder / f"{model_dir.name}-{digest}-fp32.onnx"
    if not fp32.is_file():
        _export(model_dir, fp32)
    if int8:
        _quantize(fp32, target)
    return target


def _export(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a "Loading weights" bar otherwise
    log.info("exporting %s to ONNX (once) at %s", model_dir, target)
    # model_dir is a local folder (the bundled package's, or RAG_EMBED_MODEL's); local_files_only keeps
    # transformers from ever asking the hub, so the export runs offline like everything else.
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

    class LastHidden(torch.nn.Module):
        # Keyword arguments only: BertModel.forward's positional order changed across transformers versions.
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    partial = target.with_suffix(f".{os.getpid()}.part")
    # The tracer warns about shape-dependent branches in BertModel that are constant for an encoder.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(LastHidden(model), example, str(partial), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)
    partial.replace(target)  # atomic: a concurrent reader sees no file or a whole one


def _quantize(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    log.info("quantizing %s to int8", fp32)
    partial = target.with_suffix(f".{os.getpid()}.part")
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # onnxruntime logs a pre-processing hint on the root logger, every time
    try:
        quantize_dynamic(str(fp32), str(partial), weight_type=QuantType.QInt8)
    finally:
        root.setLevel(level)
    partial.replace(target)


def _st_config(model_dir: Path) -> dict:
    path = model_dir / "sentence_bert_config.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def _pooling(model_dir: Path) -> str:
    path = model_dir / "1_Pooling" / "config.json"
    config = json.loads(path.read_text()) if path.is_file() else {"pooling_mode_mean_tokens": True}
    if config.get("pooling_mode_mean_tokens"):
        return "mean"
    if config.get("pooling_mode_cls_token"):
        return "cls"
    raise ModelNotFound(f"the ONNX backend supports mean or CLS pooling; {model_dir} uses another — "
                        f"set RAG_EMBED_BACKEND=torch")
