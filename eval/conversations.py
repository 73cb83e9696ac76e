"""`rag eval --dataset conv:PATH`: conversations, measured turn by turn through Assistant.conversation().

    conv:PATH   JSON Lines, one conversation a line: {"turns": [{"question", "answers"}, ...]}; a turn may
                also give "titles" (its gold paragraphs' titles) and "spelled_out" (the same question with
                the entity it points back at written out: the ceiling). `python -m eval.make_conv` writes
                such a file from HotpotQA bridge questions, with "source": "hotpot:PATH" on each line so
                that --corpus-from-dataset finds (or builds) the index of that set's paragraphs.

For each turn after the first it reports Recall@10 (a gold title among the ten links) and answer
containment for the query the conversation resolved, for the ceiling, and for the question searched
as typed (links only) — what resolution adds, and how far it is from writing the entity out.
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from rag.errors import CorpusError, RagError
from rag.retrieve.hop import title_key
from rag.text import lang_of

from .indexes import prepare_index
from .metrics import contains_answer


@dataclass(frozen=True)
class ConvTurn:
    question: str
    answers: tuple[str, ...]
    titles: tuple[str, ...] = ()
    spelled_out: str = ""
    entity: str = ""


@dataclass(frozen=True)
class ConvCase:
    id: str
    turns: tuple[ConvTurn, ...]
    source: str = ""
    part: str = ""  # "fit" / "heldout" when the file says (eval.conv_squad: by article), else by id


@dataclass
class ConvSet:
    name: str
    spec: str
    cases: list[ConvCase] = field(default_factory=list)


def load_conversations(spec: str) -> ConvSet:
    path = Path(spec.partition(":")[2]).expanduser().resolve()
    if not path.is_file():
        raise CorpusError(f"conversation file {path} does not exist — make one with: python -m eval.make_conv "
                          "../shared/data/hotpotqa/dev-250.jsonl out/conv-hotpot.jsonl")
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            turns = tuple(ConvTurn(str(t["question"]), tuple(str(a) for a in t.get("answers") or ()),
                                   tuple(str(x) for x in t.get("titles") or ()), str(t.get("spelled_out") or ""),
                                   str(t.get("entity") or "")) for t in row["turns"])
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{path.name} line {number} is not JSON ({exc.msg})") from None
        except (KeyError, TypeError, AttributeError):
            raise CorpusError(f"{path.name} line {number} is not {{\"turns\": [{{\"question\", \"answers\"}}, …]}}") \
                from None
        if turns:
            cases.append(ConvCase(str(row.get("id", number)), turns, str(row.get("source", "")),
                                  str(row.get("part") or "")))
    if not cases:
        raise CorpusError(f"{path.name} holds no conversations")
    return ConvSet(f"conv:{path.stem}", f"conv:{path}", cases)


def recall(links, titles: tuple[str, ...]) -> float | None:
    """1 when a gold paragraph's title is among the links, None when the turn names no gold title."""
    if not titles:
        return None
    return float(any(link.title in titles for link in links))


def contained(overview, answers, question: str = "") -> bool:
    """The answer in the overview's answering sentences, matched as the question's language needs (Korean by
    characters: "1889년에" holds 1889)."""
    if overview.abstained:
        return False
    text = " ".join(s.text for s in overview.sentences if s.origin != "found")
    return contains_answer(text, answers, lang_of(question) if question else "en")


def judge(assistant, case: ConvCase, index: str) -> dict:
    """Every turn of one conversation, asked in order in one Conversation."""
    conv = assistant.conversation(index)
    conv.suggest = False  # suggestions do not change what later turns search for; they cost searches
    turns = []
    for n, turn in enumerate(case.turns, start=1):
        reply = conv.ask(turn.question)
        record = {"turn": n, "question": turn.question, "resolved_query": reply.resolved_query,
                  "recall@10": recall(reply.links, turn.titles),
                  "contains": contained(reply, turn.answers, turn.question),
                  "resolve_ms": round(reply.resolve_ms, 2), "links_ms": round(reply.timings.links_ms, 1)}
        if turn.entity:
            record["entity_put_in"] = title_key(turn.entity) in reply.resolved_query.lower()
        if turn.spelled_out:
            ceiling = assistant.answer(turn.spelled_out, index)
            typed = assistant.search(turn.question, index)
            record.update({"ceiling_recall@10": recall(ceiling.links, turn.titles),
                           "ceiling_contains": contained(ceiling, turn.answers, turn.question),
                           "typed_recall@10": recall(typed.links, turn.titles)})
        turns.append(record)
    return {"id": case.id, "turns": turns}


def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    return round(sum(values) / len(values), 3) if values else None


def summarise(records: list[dict]) -> dict:
    later = [t for r in records for t in r["turns"] if t["turn"] > 1]
    return {"conversations": len(records), "later_turns": len(later),
            "recall@10": _mean(t["recall@10"] for t in later),
            "ceiling_recall@10": _mean(t.get("ceiling_recall@10") for t in later),
            "typed_recall@10": _mean(t.get("typed_recall@10") for t in later),
            "containment": _mean(t["contains"] for t in later),
            "ceiling_containment": _mean(t.get("ceiling_contains") for t in later),
            "entity_put_in": _mean(t.get("entity_put_in") for t in later),
            "resolve_ms_p50": round(statistics.median(t["resolve_ms"] for t in later), 2) if later else None}


def markdown(report: dict) -> str:
    lines = [f"{report['dataset']} against index '{report['index']}': {report['all']['conversations']} conversations",
             "", "| later turns | n | Recall@10 resolved / ceiling / as typed | containment resolved / ceiling | "
             "entity put in | resolve p50 |", "|---|---|---|---|---|---|"]
    for part in ("all", "fit", "heldout"):
        s = report.get(part)
        if not s or not s["later_turns"]:
            continue
        lines.append(f"| {part} | {s['later_turns']} | {s['recall@10']} / {s['ceiling_recall@10']} / "
                     f"{s['typed_recall@10']} | {s['containment']} / {s['ceiling_containment']} | "
                     f"{s['entity_put_in']} | {s['resolve_ms_p50']} ms |")
    return "\n".join(lines)


def run_conversations(args) -> int:
    """The conv: branch of `rag eval` (eval.harness.run hands it over)."""
    from rag import Assistant
    from rag.cli.options import settings_from
    from tqdm import tqdm

    from .datasets import load_dataset
    from .split import part

    convs = load_conversations(args.dataset)
    assistant = Assistant(settings_from(args))
    if args.corpus_from_dataset:
        sources = {c.source for c in convs.cases if c.source}
        if len(sources) != 1:
            raise RagError("--corpus-from-dataset needs the conversations' \"source\" (one dataset, e.g. "
                           "hotpot:PATH, as eval.make_conv writes it) — or pass --index NAME")
        index = prepare_index(load_dataset(sources.pop()), assistant, None, True)
    else:
        index = prepare_index(None, assistant, args.index, False)
    cases = convs.cases if not args.limit else convs.cases[: args.limit]
    assistant.warm_up(index)
    print(f"evaluating {len(cases)} conversations from {convs.name} against index '{index}'", file=sys.stderr)
    records = []
    for case in tqdm(cases, desc="conv", unit="conv", disable=args.no_progress, file=sys.stderr):
        record = judge(assistant, case, index)
        record["part"] = case.part or part(SimpleNamespace(id=case.id), SimpleNamespace(spec=convs.spec))
        records.append(record)
    report = {"dataset": convs.name, "index": index, "command": "rag eval " + " ".join(sys.argv[2:]),
              "generate": assistant.settings.generate, "all": summarise(records),
              **{p: summarise([r for r in records if r["part"] == p]) for p in ("fit", "heldout")},
              "records": records}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "conv-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "conv-report.md").write_text(markdown(report) + "\n", encoding="utf-8")
    print(markdown(report))
    return 0
