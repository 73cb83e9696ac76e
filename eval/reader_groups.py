"""Which rows the reader trains on (eval.train_reader): the fit questions kept, and per question its answer
sentences against negatives drawn from the candidates our retrieval read (eval.reader_data's rows)."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path

POSITIVES, NEGATIVES = 2, 6  # per question: the answer sentences are few, the negatives many and easy
BLEND_ROWS, CONFIDENCE_RUN = 600, 300  # calibrate-slice questions kept from training (see `calibrating`)


def questions(paths: list[Path], langs: tuple[str, ...] = ("en", "ko"),
              keep: set[tuple[str, str]] | None = None) -> dict[tuple[str, str], list[dict]]:
    """(set, question id) -> its candidate rows, in reading order; only questions in `langs` (and in `keep`)."""
    grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                key = (row["set"], row["qid"])
                if row["lang"] in langs and (keep is None or key in keep):
                    grouped[key].append(row)
    return grouped


def training_questions(specs: list[str], calibrate_rest: bool = False) -> set[tuple[str, str]]:
    """The fit questions of the "train" slice (eval.split.fit_slice): SQuAD's other half is kept for
    calibrating the confidence; HotpotQA's fit part is small, so all of it trains. With `calibrate_rest`, the
    calibrate slice trains too, all but the questions the blend and the confidence are fitted on (`calibrating`)."""
    from .datasets import load_dataset
    from .split import fit_slice, part

    keep = set()
    for spec in specs:
        dataset = load_dataset(spec)
        spared = calibrating(dataset) if calibrate_rest else set()
        keep |= {(dataset.name, q.id) for q in dataset.questions if part(q, dataset) == "fit"
                 and (spec.startswith("hotpot:") or fit_slice(q, dataset) == "train"
                      or (calibrate_rest and q.id not in spared))}
    return keep


def calibrating(dataset) -> set[str]:
    """Ids of the calibrate-slice questions the reader must never see: the blend's rows (eval.reader_data
    --slice calibrate --limit BLEND_ROWS) and the confidence's run (rag eval --part calibrate --limit
    CONFIDENCE_RUN), both with seed 0 — the same draws those commands make."""
    from .datasets import Dataset
    from .harness import in_part
    from .reader_data import written

    run = Dataset(dataset.name, dataset.spec, in_part(dataset, "calibrate")).sample(CONFIDENCE_RUN, 0)
    return {q.id for q in written(dataset, "fit", BLEND_ROWS, 0, "calibrate")} | {q.id for q in run}


def elsewhere(rows: list[dict], title: str) -> list[dict]:
    """The question's candidate rows from documents other than `title`'s that do not answer it: the other
    articles its words matched (retrieval read them), which the reader must learn to tell from its subject's."""
    return [r for r in rows if not r["label"] and not r.get("gold_doc") and r["title"] != title]


def swapped(positives: list[dict], rows: list[dict], n: int, rng: random.Random) -> list[dict]:
    """Up to `n` answer sentences put under the title of another document read for the same question, as
    negatives: the same words about the wrong subject. 76% of SQuAD's negatives share their positive's title,
    and the reader trained without these does not read it (a held-out answer sentence scores higher under its
    own title than under another document's read for 34 of 90 HotpotQA and 42 of 85 SQuAD questions)."""
    out = []
    for positive in rng.sample(positives, min(n, len(positives))):
        others = sorted({r["title"] for r in elsewhere(rows, positive["title"])})
        if others:
            out.append({**positive, "title": rng.choice(others), "label": 0})
    return out


def groups(grouped: dict, seed: int, hard: bool = False, repeat: dict[str, int] | None = None,
           swaps: int = 0, cross: int = 0) -> list[list[tuple[str, str, float]]]:
    """Per question, the same rows as `pairs` (up to POSITIVES answer sentences, NEGATIVES others) kept
    together, for the listwise loss: the question's answer sentences against its own other candidates,
    which is what the reader decides at run time (the best of one question's sentences). With `hard`, the
    negatives come first from the linear ranker's best READ_AT_MOST rows (the `ranker` field of reader_data
    --baseline): at run time the reader only ever reads those. `repeat`: set name -> times its questions are
    drawn (fresh negatives each time), to keep a small set's share of the steps. `swaps`: up to that many
    answer sentences under another document's title (`swapped`) join the NEGATIVES; `cross`: up to that many of
    the NEGATIVES are drawn first from other documents read (`elsewhere`). Both leave `hard` draws as they are.
    Each row is (question, "title: sentence", label, span): an answer sentence's span is where its answer lies
    (`answer_span`, for eval.train_reader --span), None for the others."""
    from rag.answer.evidence import READ_AT_MOST

    rng = random.Random(seed)
    out = []
    for rows in [rows for (name, _), rows in grouped.items() for _ in range((repeat or {}).get(name, 1))]:
        positives = [r for r in rows if r["label"]]
        negatives = [r for r in rows if not r["label"]]
        if not positives or not negatives:
            continue
        if hard and all("ranker" in r for r in rows):
            shown = {id(r) for r in sorted(rows, key=lambda r: -r["ranker"])[:READ_AT_MOST]}
            read = [r for r in negatives if id(r) in shown]
            first = rng.sample(read, min(NEGATIVES, len(read)))
            rest = [r for r in negatives if id(r) not in shown]
            chosen_negatives = first + rng.sample(rest, min(NEGATIVES - len(first), len(rest)))
        else:
            fake = swapped(positives, rows, swaps, rng)
            other = elsewhere(rows, positives[0]["title"])
            first = rng.sample(other, min(cross, len(other)))
            taken = {id(r) for r in first}
            rest = [r for r in negatives if id(r) not in taken]
            room = NEGATIVES - len(first)
            chosen_negatives = fake + first + rng.sample(rest, max(0, min(room, len(rest))))
        chosen = rng.sample(positives, min(POSITIVES, len(positives))) + chosen_negatives
        out.append([(r["question"], f"{r['title']}: {r['sentence']}", float(r["label"]),
                     answer_span(r) if r["label"] else None)
                    for r in chosen])
    rng.shuffle(out)
    return out


def answer_span(row: dict) -> tuple[int, int] | None:
    """Where the row's `answer` (eval.train_reader.answers_of) lies in "title: sentence", by characters: the
    first place in the sentence, never in the title."""
    answer = row.get("answer")
    at = row["sentence"].lower().find(answer.lower()) if answer else -1
    if at < 0:
        return None
    start = len(row["title"]) + 2 + at
    return start, start + len(answer)


def pairs(grouped: dict, seed: int) -> list[tuple[str, str, float]]:
    """Training pairs (question, "title: sentence", label), shuffled; questions with no answer sentence teach
    nothing about which sentence answers and are left out."""
    rng = random.Random(seed)
    out = []
    for rows in grouped.values():
        positives = [r for r in rows if r["label"]]
        if not positives:
            continue
        negatives = [r for r in rows if not r["label"]]
        chosen = rng.sample(positives, min(POSITIVES, len(positives))) + \
            rng.sample(negatives, min(NEGATIVES, len(negatives)))
        out += [(r["question"], f"{r['title']}: {r['sentence']}", float(r["label"])) for r in chosen]
    rng.shuffle(out)
    return out
