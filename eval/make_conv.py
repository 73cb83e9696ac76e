"""Two-turn conversations from HotpotQA bridge questions, for `rag eval --dataset conv:PATH`.

    python -m eval.make_conv ../shared/data/hotpotqa/dev-250.jsonl out/conv-hotpot.jsonl
    python -m eval.make_conv ../shared/data/squad/dev-v1.1.json out/conv-squad.jsonl     (eval.conv_squad)

A bridge question names one thing by describing it through another: "The arena where the Lewiston
Maineiacs played their home games can seat how many people?" — the bridge entity is the arena
(Androscoggin Bank Colisée), the title of the supporting paragraph that the question does not name.
The question is split at that description:

    turn 1   asks for the bridge entity:     "What is the arena where the Lewiston Maineiacs played their home games?"
    turn 2   refers back with a pronoun:     "It can seat how many people?"
    ceiling  turn 2 with the entity written: "Androscoggin Bank Colisée can seat how many people?"

Only questions where the description is a clear noun phrase with a relative clause ("the X who/which/
that/where …") at the start or the end of the question are converted; the rest are skipped, and the
script says how many. Each line written:

    {"id", "source": "hotpot:PATH", "turns": [{"question", "answers", "titles"}, {"question", "answers",
     "titles", "spelled_out", "entity"}]}

"titles" are the gold paragraphs' titles (turn 1: the paragraph that names the bridge; turn 2: the
bridge's own paragraph). The output is derived data: regenerate it, do not commit it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from rag.answer.subject import pronoun
from rag.retrieve.hop import PAREN, title_key

AUX = frozenset("is was are were did does do has had can could will would".split())
RELATIVE = frozenset("who whom whose which that where when".split())
PREPOSITIONS = frozenset("of in at by for from with on".split())
DETERMINERS = frozenset("the a an this".split())
# A participle that closes the question's own clause ("Where is the company that … headquartered?"),
# not the description's.
CLOSING = frozenset("born based located headquartered founded built held formed named released published "
                    "established made set buried opened situated".split())
ASKS = re.compile(r"\b(what|which|who|whom|when|where|how|why)\b", re.I)
YES_NO = {"yes", "no"}
WORD = re.compile(r"[\w'’.-]+|[^\w\s]")


def _mention(words: list[str], title: str) -> tuple[int, int] | None:
    """Word positions [i, j) of the first paragraph's title in the question (without "(…)")."""
    target = [w.lower() for w in WORD.findall(PAREN.sub("", title))]
    lower = [w.lower() for w in words]
    for i in range(len(lower) - len(target) + 1):
        if lower[i:i + len(target)] == target:
            return i, i + len(target)
    return None


def split_question(question: str, entity: str, subject: str, named: str) -> dict | None:
    """The three questions, or None when the description cannot be cut out cleanly.

    The description is the noun phrase around the first paragraph's title: from the nearest "the/a/an"
    before it (with a relative word or a preposition in between: "the King who made the 1925 Birthday
    Honours", "the father of Kasper Schmeichel") to the title's end, a relative clause running on to
    the question's auxiliary or end ("the county where East Lempster, New Hampshire is located").
    """
    words = WORD.findall(" ".join(question.split()).rstrip(" ?"))
    found = _mention(words, named)
    if not found:
        return None
    i, j = found
    # the nearest "the/a/an" before the title that opens a description: a relative word or a
    # preposition between it and the title ("the King who made the 1925 …", not "made the 1925 …")
    start = next((k for k in range(i - 1, max(-1, i - 12), -1) if words[k].lower() in DETERMINERS
                  and {w.lower() for w in words[k + 1:i]} & (RELATIVE | PREPOSITIONS)), None)
    if start is None:
        return after_title(words, i, j, entity, subject)
    between = {w.lower() for w in words[start + 1:i]}
    relative = bool(between & RELATIVE)
    end = j
    if relative:  # the clause runs on: to an auxiliary, a closing participle at the very end, or the end
        def runs_on(w: str, last: bool) -> bool:
            return w.lower() not in AUX and (w[:1].islower() or w[:1].isdigit()) and not (last and w.lower() in CLOSING)

        while end < len(words) and runs_on(words[end], end == len(words) - 1):
            end += 1
        if end < len(words) and words[end].lower() in AUX and not ASKS.search(" ".join(words[end:])):
            end = len(words)  # "the county where East Lempster, New Hampshire is located": the clause's own verb
    span = _glue(words[start:end])
    head, rest = _glue(words[:start]), _glue(words[end:])
    if re.search(r",\s*(is|was|are|were)\b", span):
        return None  # "the base, that … is stated at, is named": no clean phrase
    if not rest and head and head.split()[-1].lower() in AUX:
        return None  # "… and was he?": the description was the question's own predicate
    if ASKS.search(span.split(None, 2)[-1] if not relative else re.sub(r"^\S+\s+(\S+\s+){0,3}?(who|whom|whose|which|"
                                                                         r"that|where|when)\b", "", span)) \
            or not ASKS.search(head + " " + rest) or len(span.split()) < 3 or title_key(entity) in span.lower():
        return None
    at_start = start == 0
    after_aux = bool(head) and head.split()[-1].lower() in AUX
    word = subject if at_start or after_aux else {"he": "him", "she": "her", "it": "it"}[subject]
    glue = lambda *parts: re.sub(r"\s+([,.;:!?'’])", r"\1", " ".join(p for p in parts if p)).strip() + "?"  # noqa: E731
    turn2 = glue(head, word.capitalize() if at_start else word, rest)
    ceiling = glue(head, entity, rest)
    ask = "Who" if subject in ("he", "she") else "What"
    be = "was" if re.search(r"\b(was|were|did|had)\b", question, re.I) else "is"
    return {"turn1": f"{ask} {be} {span[0].lower() + span[1:]}?", "turn2": turn2, "ceiling": ceiling}


def _glue(words: list[str]) -> str:
    """Words back into text: no space before punctuation, none inside quotes."""
    text = re.sub(r"\s+([,.;:!?'’])", r"\1", " ".join(words))
    return re.sub(r'"\s*([^"]*?)\s*"', r'"\1"', text)


def after_title(words: list[str], i: int, j: int, entity: str, subject: str) -> dict | None:
    """The description follows the title and holds the question's ask: "Seven Brief Lessons on Physics
    was written by an Italian physicist that has worked in France since what year?" becomes
    "… was written by which Italian physicist?" and "He has worked in France since what year?"."""
    text = _glue(words)
    m = re.match(r"^(?P<pre>.+?)\s+(?:a|an|the|another)\s+(?P<noun>(?:(?!(?:a|an|the|of|in|at|on|for|by)\s)[\w'-]+\s+)"
                 r"{1,4}?)(?:that|who|which)\s+"
                 r"(?P<rest>.+)$", text)
    if not m or not ASKS.search(m.group("rest")) or ASKS.search(m.group("pre")) or not m.group("noun").strip():
        return None
    title_end = len(" ".join(words[:j]))
    if title_end > len(m.group("pre")):
        return None  # the title must stand before the description
    glue = lambda *parts: re.sub(r"\s+([,.;:!?'’])", r"\1", " ".join(p for p in parts if p)).strip() + "?"  # noqa: E731
    rest = m.group("rest")
    return {"turn1": glue(m.group("pre"), "which", m.group("noun").strip()),
            "turn2": glue(subject.capitalize(), rest), "ceiling": glue(entity, rest)}


def convert(row: dict, source: str) -> dict | None:
    question = str(row.get("question_text", ""))
    answers = [s for a in row.get("answers_objects", []) for s in a.get("spans", []) if str(s).strip()]
    support = [c for c in row.get("contexts", []) if c.get("is_supporting")]
    if not answers or len(support) != 2 or answers[0].lower() in YES_NO:
        return None
    asked = question.lower()
    named = [c for c in support if title_key(c["title"]) in asked]
    unnamed = [c for c in support if title_key(c["title"]) not in asked]
    if len(unnamed) != 1:
        return None
    bridge = unnamed[0]
    first = named[0] if named else None
    entity = PAREN.sub("", bridge["title"]).strip()
    if first is None or title_key(entity) in " ".join(answers).lower() or \
            title_key(entity) not in first["paragraph_text"].lower():
        return None  # the answer is the bridge itself, or the first paragraph does not name it
    if not named:
        return None
    parts = split_question(question, entity, pronoun(bridge["paragraph_text"]), first["title"])
    if parts is None:
        return None
    return {"id": str(row.get("question_id")), "source": source, "turns": [
        {"question": parts["turn1"], "answers": [entity], "titles": [first["title"]]},
        {"question": parts["turn2"], "answers": answers, "titles": [bridge["title"]],
         "spelled_out": parts["ceiling"], "entity": entity},
    ]}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", type=Path, help="HotpotQA JSONL (bridge conversations) or SQuAD / KorQuAD JSON "
                                           "(subject conversations, eval.conv_squad)")
    p.add_argument("out", type=Path, help="where to write the conversations (JSON Lines)")
    p.add_argument("--per-article", type=int, default=6, help="SQuAD / KorQuAD: conversations per article at most")
    args = p.parse_args(argv)
    if args.data.suffix == ".json":
        from .conv_squad import squad_conversations

        conversations, looked = squad_conversations(args.data, f"squad:{args.data.resolve()}", args.per_article)
        why = "no title in the question, or no pronoun fits"
    else:
        rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
        conversations, looked = [c for c in (convert(r, f"hotpot:{args.data.resolve()}") for r in rows) if c], len(rows)
        why = "comparison, yes/no, answer = bridge, or no clean description to cut out"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        for c in conversations:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"{len(conversations)} two-turn conversations from {looked} questions (the rest skipped: {why}) "
          f"-> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
