"""QA datasets for evaluation: one loader per format, all returning the same Dataset.

    squad:PATH    SQuAD v1 JSON (SQuAD 1.1, KorQuAD 1.0); the gold paragraph is the relevant document
    hotpot:PATH   HotpotQA, processed JSONL (question_text, answers_objects[].spans, contexts[]);
                  the corpus is the union of all contexts, the supporting paragraphs are gold
    nq:PATH       NQ-open JSONL (question, answer list); no gold documents — a document is relevant
                  when it contains a gold answer string; needs a named index
    jsonl:PATH    the project's own format: question, answers, optional relevant_urls
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import CorpusError
from rag.schema import Document
from rag.ingest.sources import iter_squad, wiki_url
from rag.text import iter_jsonl, lang_of

FORMATS = ("squad", "hotpot", "nq", "jsonl")


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    answers: tuple[str, ...]
    # gold documents, as doc ids (squad, hotpot) or urls (jsonl); empty for nq
    relevant: tuple[str, ...] = ()
    lang: str = "en"


@dataclass
class Dataset:
    name: str  # e.g. "squad:dev-v1.1"
    spec: str  # FORMAT:ABSOLUTE_PATH, recorded in the index manifest
    questions: list[Question]
    documents: list[Document] = field(default_factory=list)  # empty when the format has no corpus
    # what Question.relevant holds: "doc_id", "url", or "answer" (relevance = contains a gold answer)
    relevance: str = "doc_id"

    @property
    def lang(self) -> str:
        langs = [q.lang for q in self.questions]
        return max(set(langs), key=langs.count) if langs else "en"

    def sample(self, limit: int | None, seed: int) -> list[Question]:
        """The same seed gives the same questions in the same order."""
        if not limit or limit >= len(self.questions):
            return list(self.questions)
        return random.Random(seed).sample(self.questions, limit)


def load_dataset(spec: str) -> Dataset:
    kind, _, arg = spec.partition(":")
    if kind not in FORMATS or not arg:
        raise CorpusError(f"unknown dataset {spec!r} — use FORMAT:PATH with FORMAT one of {', '.join(FORMATS)}")
    path = Path(arg).expanduser().resolve()
    if not path.is_file():
        raise CorpusError(f"dataset file {arg} does not exist")
    dataset = LOADERS[kind](path)
    if not dataset.questions:
        raise CorpusError(f"{arg} holds no questions with answers — is it really {kind} format?")
    return dataset


def _lang(text: str) -> str:
    return lang_of(text)


def load_squad(path: Path) -> Dataset:
    documents, questions = [], []
    for doc, qas in iter_squad(path):
        documents.append(doc)
        for qa in qas:
            answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a.get("text")))
            if answers and qa.get("question"):
                questions.append(Question(id=str(qa.get("id", len(questions))), question=qa["question"],
                                          answers=answers, relevant=(doc.id,), lang=doc.meta["lang"]))
    return Dataset(f"squad:{path.stem}", f"squad:{path}", questions, documents, "doc_id")


def _jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [row for _, row in iter_jsonl(f, path.name)]


def _require(row: dict, key: str, path: Path, number: int):
    if key not in row:
        raise CorpusError(f"{path.name} record {number} has no {key!r} field")
    return row[key]


def load_hotpot(path: Path) -> Dataset:
    # The same title can come with different paragraph text in different questions, so a
    # document is a (title, text) pair; its id numbers the variants of a title.
    ids: dict[tuple[str, str], str] = {}
    variants: dict[str, int] = {}
    documents, questions = [], []
    for number, row in enumerate(_jsonl(path), start=1):
        question = str(_require(row, "question_text", path, number))
        answers = tuple(dict.fromkeys(str(s) for a in _require(row, "answers_objects", path, number)
                                      for s in a.get("spans", []) if str(s).strip()))
        gold = []
        for ctx in _require(row, "contexts", path, number):
            title, text = str(ctx.get("title", "")), str(ctx.get("paragraph_text", ""))
            if not text.strip():
                continue
            key = (title, text)
            if key not in ids:
                n = variants[title] = variants.get(title, -1) + 1
                ids[key] = f"hotpot:{title}:{n}"
                documents.append(Document(id=ids[key], title=title, url=wiki_url(title) + (f"#{n}" if n else ""),
                                          text=text, meta={"article": title}))
            if ctx.get("is_supporting"):
                gold.append(ids[key])
        if answers:
            questions.append(Question(id=str(row.get("question_id", number)), question=question, answers=answers,
                                      relevant=tuple(dict.fromkeys(gold)), lang=_lang(question)))
    return Dataset(f"hotpot:{path.stem}", f"hotpot:{path}", questions, documents, "doc_id")


def _answers(row: dict, key: str, path: Path, number: int) -> tuple[str, ...]:
    """A row's gold answers as a tuple of distinct strings (a single answer may be given bare)."""
    answers = _require(row, key, path, number)
    return tuple(dict.fromkeys(str(a) for a in (answers if isinstance(answers, list) else [answers])))


def load_nq(path: Path) -> Dataset:
    questions = []
    for number, row in enumerate(_jsonl(path), start=1):
        answers = _answers(row, "answer", path, number)
        question = str(_require(row, "question", path, number))
        if answers:
            questions.append(Question(id=str(row.get("id", number)), question=question, answers=answers,
                                      lang=_lang(question)))
    return Dataset(f"nq:{path.stem}", f"nq:{path}", questions, [], "answer")


def load_jsonl(path: Path) -> Dataset:
    questions = []
    for number, row in enumerate(_jsonl(path), start=1):
        answers = _answers(row, "answers", path, number)
        question = str(_require(row, "question", path, number))
        urls = tuple(str(u) for u in row.get("relevant_urls") or ())
        if answers:
            questions.append(Question(id=str(row.get("id", number)), question=question, answers=answers,
                                      relevant=urls, lang=_lang(question)))
    relevance = "url" if any(q.relevant for q in questions) else "answer"
    return Dataset(f"jsonl:{path.stem}", f"jsonl:{path}", questions, [], relevance)


LOADERS = {"squad": load_squad, "hotpot": load_hotpot, "nq": load_nq, "jsonl": load_jsonl}
