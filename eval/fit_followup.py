"""Fit the follow-up resolution's weights (rag/chat/followup.json) on two-turn conversations.

    python -m eval.make_conv ../shared/data/hotpotqa/dev-250.jsonl out/conv-hotpot.jsonl     (and SQuAD, KorQuAD)
    RAG_GENERATE=0 python -m eval.fit_followup out/conv-hotpot.jsonl out/conv-squad.jsonl out/conv-korquad.jsonl \
        --rows out/followup-rows.jsonl [--write]

For every conversation: turn 1 is asked through a real Conversation on the set's own index (built once, as
`rag eval --corpus-from-dataset` does), then the candidates for turn 2's pronoun get their rag.chat.choose
feature rows, labelled by whether the candidate is the entity the conversation means. A logistic regression
per variant ("plain": no reader feature; "reader": with it, English only) is fitted on the conversations'
fit part; the report gives, per set and part, how often the gold entity is among the candidates and how
often it is chosen — by the hand weights and by the fitted ones. The reader's weights are kept only when
they choose better than the plain ones on the English held-out conversations (else null: the reader is not
read, it costs a read per shortlisted candidate before the search). --write stores the fitted weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from rag.chat import choose, followup
from rag.retrieve.hop import title_key

from .conversations import load_conversations
from .datasets import load_dataset
from .indexes import prepare_index

C = 1.0  # the regression's regularisation (sklearn's default): a few thousand rows, five features


def collect(assistant, path: Path) -> list[dict]:
    """One record per conversation: its part and its candidates' feature rows and labels."""
    from tqdm import tqdm

    convs = load_conversations(f"conv:{path}")
    index = prepare_index(load_dataset(convs.cases[0].source), assistant, None, True)
    idx = assistant.loaded_index(index)
    reader = assistant.reader_for(idx)
    out = []
    for case in tqdm(convs.cases, desc=path.stem, unit="conv", file=sys.stderr):
        conv = assistant.conversation(index)
        conv.suggest = False
        conv.ask(case.turns[0].question)
        second = case.turns[1]
        anaphor = followup.find_anaphor(second.question)
        pool, rows = followup.scored_candidates(second.question, anaphor, conv.turns, idx, reader) if anaphor \
            else ([], None)
        if not pool:
            out.append({"set": path.stem, "id": case.id, "part": _part(case, convs), "labels": [], "rows": []})
            continue
        labels = [int(title_key(followup.display_name(e.name)) == title_key(second.entity)) for e, _ in pool]
        out.append({"set": path.stem, "id": case.id, "part": _part(case, convs), "reader": reader is not None,
                    "names": [e.name for e, _ in pool], "labels": labels, "rows": rows.round(4).tolist()})
    return out


def _part(case, convs) -> str:
    from types import SimpleNamespace

    from .split import part

    return case.part or part(SimpleNamespace(id=case.id), SimpleNamespace(spec=convs.spec))


def fit(records: list[dict], columns: list[int]) -> np.ndarray:
    from sklearn.linear_model import LogisticRegression

    rows = [(row, label) for r in records if r["part"] == "fit" and any(r["labels"])
            for row, label in zip(r["rows"], r["labels"])]
    X = np.array([[row[c] for c in columns] for row, _ in rows])
    y = np.array([label for _, label in rows])
    return LogisticRegression(C=C, max_iter=2000).fit(X, y).coef_[0]


def accuracy(records: list[dict], weights: dict[str, float], with_reader: bool) -> dict:
    """Share of conversations with the gold entity among the candidates, and chosen."""
    # (a record read with the reader has its column filled; without the reader its weight is 0)
    w = weights if with_reader else {f: v for f, v in weights.items() if f != "reader"}
    chosen = [bool(r["labels"][int(np.argmax(choose.weigh(np.array(r["rows"]), w)))]) if r["labels"] else False
              for r in records]
    return {"n": len(records), "in_pool": round(float(np.mean([any(r["labels"]) for r in records])), 3),
            "chosen": round(float(np.mean(chosen)), 3)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("conversations", nargs="+", type=Path, help="files written by python -m eval.make_conv")
    p.add_argument("--rows", type=Path, required=True, help="feature rows (JSON Lines): written, or read with --reuse")
    p.add_argument("--reuse", action="store_true", help="fit on --rows as they are (no conversations asked)")
    p.add_argument("--write", action="store_true", help=f"store the fitted weights in {choose.WEIGHTS_FILE}")
    args = p.parse_args(argv)
    if not args.reuse:
        from rag import Assistant, Settings

        assistant = Assistant(Settings.from_env())
        records = [r for path in args.conversations for r in collect(assistant, path)]
        args.rows.parent.mkdir(parents=True, exist_ok=True)
        args.rows.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    records = [json.loads(line) for line in args.rows.read_text(encoding="utf-8").splitlines() if line.strip()]
    plain = dict(zip(choose.FEATURES[:4], fit(records, [0, 1, 2, 3]).round(4).tolist()))
    with_reader = dict(zip(choose.FEATURES, fit([r for r in records if r.get("reader")], [0, 1, 2, 3, 4])
                           .round(4).tolist()))
    english = [r for r in records if r.get("reader") and r["part"] == "heldout"]
    gain = accuracy(english, with_reader, True)["chosen"] - accuracy(english, plain, False)["chosen"] if english else 0
    # the reader costs a read per shortlisted candidate before the search: kept only when it resolves better
    fitted = {"plain": plain, "reader": with_reader if gain > 0 else None}
    print(f"reader on English held-out conversations: {gain:+.3f} chosen "
          f"({'kept' if gain > 0 else 'not read: no gain'})")
    table = []
    for name in sorted({r["set"] for r in records}):
        for part in ("fit", "heldout"):
            some = [r for r in records if r["set"] == name and r["part"] == part]
            reader = bool(some) and all(r.get("reader") for r in some if r["labels"])
            reader = reader and fitted["reader"] is not None
            row = {"set": name, "part": part, "reader": reader,
                   "hand": accuracy(some, choose.HAND, False),
                   "fitted": accuracy(some, fitted["reader" if reader else "plain"], reader)}
            table.append(row)
            print(f"{name:10s} {part:8s} n={row['hand']['n']:4d} gold among candidates {row['hand']['in_pool']:.3f}  "
                  f"chosen: hand {row['hand']['chosen']:.3f}  fitted ({'reader' if reader else 'plain'}) "
                  f"{row['fitted']['chosen']:.3f}")
    print(json.dumps(fitted))
    if args.write:
        card = {"weights": fitted, "command": "python -m eval.fit_followup " + " ".join(sys.argv[1:]),
                "conversations": {n: sum(r["set"] == n for r in records) for n in sorted({r["set"] for r in records})},
                "accuracy": table}
        choose.WEIGHTS_FILE.write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {choose.WEIGHTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
