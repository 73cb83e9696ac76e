"""The learned reader: a cross-encoder that reads the question and "title: sentence" together and gives the
probability that the sentence holds the answer.

    Reader.default()              the int8 ONNX weights shipped in rag/answer/reader/ (None when absent)
    reader.probability(q, texts)  P(holds the answer) for each "title: sentence"
    reads(lang)                   whether the reader serves questions in this language (English only)

It is all-MiniLM-L6-v2 fine-tuned by eval/train_reader.py on the fit part of SQuAD and HotpotQA (the file
reader/reader.json records the data, the command, the held-out figures and the sha256 of the weights), then
exported to ONNX and quantized to int8 by eval/export_reader.py. Only onnxruntime and tokenizers run it, like
the ONNX embedder. MiniLM's English word pieces cannot read Korean (its held-out top-1 on KorQuAD was 0.24
against the linear ranker's 0.82), so Korean questions keep the linear ranker (rag.answer.ranker).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag.errors import ModelNotFound

log = logging.getLogger(__name__)

FOLDER = Path(__file__).with_name("reader")
WEIGHTS, TOKENIZER, CARD = "reader-int8.onnx", "tokenizer.json", "reader.json"
LANGS = ("en",)
BATCH = 32
FEEDS = ("input_ids", "attention_mask", "token_type_ids")


class Reader:
    def __init__(self, folder: Path, threads: int = 0):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        folder = Path(folder)
        missing = [name for name in (WEIGHTS, TOKENIZER, CARD) if not (folder / name).is_file()]
        if missing:
            raise ModelNotFound(f"reader files missing in {folder}: {', '.join(missing)}")
        self.card = json.loads((folder / CARD).read_text(encoding="utf-8"))
        self.max_tokens = int(self.card["max_tokens"])
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        # the training tokenizer's pair truncation (transformers' "longest_first"): cut the longer text first
        self.tokenizer.enable_truncation(self.max_tokens, strategy="longest_first")
        self.tokenizer.no_padding()  # logits() pads each batch to its own longest pair
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / WEIGHTS), options, providers=["CPUExecutionProvider"])
        self.inputs = [i.name for i in self.session.get_inputs()]

    @staticmethod
    @lru_cache(maxsize=1)
    def default() -> "Reader | None":
        """The shipped reader, or None (with one log line) when its files are missing or unreadable:
        evidence then falls back to the linear ranker rather than failing the question."""
        try:
            return Reader(FOLDER)
        except (ModelNotFound, OSError, ValueError, KeyError) as exc:
            log.warning("learned reader unavailable (%s); using the linear ranker", exc)
            return None
        except Exception as exc:  # onnxruntime raises its own types for a corrupt graph
            log.warning("learned reader could not load (%s); using the linear ranker", type(exc).__name__)
            return None

    def logits(self, question: str, texts: list[str]) -> np.ndarray:
        """One logit per text. Pairs are batched by length and each batch padded only to its own longest pair:
        on `vital` a question's candidates run from 20 to 96 tokens, and padding every pair to the longest cost
        about a third of the reading time. The graph is dynamically quantized (one activation scale per tensor),
        so a logit moves with its batch ("A graduate of École Centrale …" for "Where did Gustave Eiffel study?":
        1.17 among six candidates, 1.27 alone). Each pair alone took the same time but measured no better (100
        SQuAD / 100 HotpotQA questions, seed 1: containment 0.870 → 0.860, 0.660 → 0.650; the blend was fitted
        on batched logits), so batches stay."""
        out = np.zeros(len(texts), dtype=np.float32)
        encoded = self.tokenizer.encode_batch([(question, t) for t in texts])
        order = np.argsort([len(e.ids) for e in encoded], kind="stable")
        for start in range(0, len(texts), BATCH):
            rows = order[start:start + BATCH]
            width = max(len(encoded[i].ids) for i in rows)
            feeds = {name: np.zeros((len(rows), width), dtype=np.int64) for name in FEEDS}
            feeds["input_ids"][:] = self.pad_id
            for r, i in enumerate(rows):
                e = encoded[i]
                feeds["input_ids"][r, :len(e.ids)] = e.ids
                feeds["attention_mask"][r, :len(e.ids)] = e.attention_mask
                feeds["token_type_ids"][r, :len(e.ids)] = e.type_ids
            out[rows] = self.session.run(None, {k: feeds[k] for k in self.inputs})[0].reshape(-1)
        return out

    def probability(self, question: str, texts: list[str]) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-self.logits(question, texts).astype(float)))

    def blend(self, reader_logit: np.ndarray, ranker_logit: np.ndarray) -> np.ndarray:
        """P(holds the answer) from both scores: a logistic regression over the two logits, fitted by
        eval/export_reader.py on fit questions the reader never trained on (reader.json → "blend"); the reader
        alone when the card has no blend."""
        blend = self.card.get("blend")
        if not blend:
            return 1.0 / (1.0 + np.exp(-np.asarray(reader_logit, dtype=float)))
        z = blend["reader"] * np.asarray(reader_logit, float) + blend["ranker"] * np.asarray(ranker_logit, float)
        return 1.0 / (1.0 + np.exp(-(z + blend["intercept"])))


def reads(lang: str) -> bool:
    return lang in LANGS


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
