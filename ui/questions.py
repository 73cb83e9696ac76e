"""Questions for the evaluator: a JSONL file, a SQuAD v1 JSON file, or typed lines.

    JSONL   one object a line: {"question": "...", "answers": ["...", ...]}  (answers optional;
            a single string is accepted too)
    SQuAD   {"data": [{"title": ..., "paragraphs": [{"context": ..., "qas": [...]}]}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.errors import CorpusError
from rag.ingest.sources import iter_squad
from rag.text import iter_jsonl


@dataclass(frozen=True)
class Question:
    text: str
    answers: tuple[str, ...] = ()


def load_questions(path: str | Path) -> list[Question]:
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path.name} ({exc}) — give a UTF-8 .jsonl or SQuAD .json file") from None
    if _is_squad(raw):
        questions = _squad(path)
    else:
        questions = _jsonl(raw, path.name)
    if not questions:
        raise CorpusError(f"{path.name} holds no questions — expected JSONL lines with a \"question\" field "
                          "or SQuAD v1 JSON")
    return questions


def typed_questions(text: str) -> list[Question]:
    return [Question(line.strip()) for line in (text or "").splitlines() if line.strip()]


def _is_squad(raw: str) -> bool:
    try:
        data = json.loads(raw)
    except ValueError:
        return False  # JSONL with more than one line is not one JSON document
    return isinstance(data, dict) and "data" in data


def _squad(path: Path) -> list[Question]:
    return [Question(str(qa["question"]).strip(), _answers([a.get("text") for a in qa.get("answers", [])]))
            for _, qas in iter_squad(path) for qa in qas if str(qa.get("question", "")).strip()]


def _jsonl(raw: str, name: str) -> list[Question]:
    questions = []
    try:
        rows = list(iter_jsonl(raw.splitlines(), name))
    except CorpusError as exc:
        raise CorpusError(f"{exc} — each line must be {{\"question\": \"...\", \"answers\": [...]}}") from None
    for number, row in rows:
        if not str(row.get("question", "")).strip():
            raise CorpusError(f"{name} line {number} has no \"question\" field")
        answers = row.get("answers", row.get("answer", []))
        questions.append(Question(str(row["question"]).strip(),
                                  _answers([answers] if isinstance(answers, str) else answers)))
    return questions


def _answers(values) -> tuple[str, ...]:
    if not isinstance(values, list):
        return ()
    return tuple(dict.fromkeys(str(v).strip() for v in values if v is not None and str(v).strip()))
