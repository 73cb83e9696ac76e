"""`rag chat`: a conversation at the terminal, or JSON Lines in and out (`rag chat --json`).

    rag chat                       a prompt with readline history: links, then the overview, per turn;
                                   "Searched for: …" when the follow-up was resolved; numbered suggestions
                                   (type the number to ask one); /new starts a new topic, /quit or Ctrl+D ends
    rag chat --json < questions    one question per input line, one JSON object per turn: the `rag ask
                                   --json` contract plus "turn", "question", "resolved_query" and "related"
    rag chat --save conv.json      continue the conversation saved there, and save it after every turn
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rag.errors import RagError
from rag.messages import LANGS, both, error_line, message
from rag.text import lang_of

PROMPT = "? "
# The commands are typed in either language: /new and /새주제 alike.
NEW_TOPIC = ("/reset", *(message("chat_new", lang) for lang in LANGS))
QUIT = ("/exit", "/q", *(message("chat_quit", lang) for lang in LANGS))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--index", help="index name (default: vital)")
    parser.add_argument("--source", choices=["web"], help="web: live search results (same as --index web)")
    parser.add_argument("--model", help="GGUF model file (default: bundled SmolLM2-135M-Instruct)")
    parser.add_argument("--llm-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--json", action="store_true",
                        help="read one question per line from standard input, print one JSON object per turn")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="continue the conversation saved in FILE (if it exists) and save it after every turn")
    parser.set_defaults(run=run)


def run(args) -> int:
    from rag.assistant import Assistant
    from rag.cli.options import settings_from

    assistant = Assistant(settings_from(args))
    conv = assistant.conversation(index=args.source)
    if args.save and args.save.exists():
        try:
            state = json.loads(args.save.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RagError(f"cannot read the saved conversation {args.save} ({exc}) — "
                           "pass another --save FILE or delete this one") from None
        conv = assistant.conversation(state=state)
        conv.index = args.source or conv.index
    return json_lines(conv, sys.stdin, args.save) if args.json else interactive(conv, args.save)


def save(conv, path: Path | None) -> None:
    if path is not None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(conv.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a crash mid-write leaves the previous save


def json_lines(conv, lines, path: Path | None) -> int:
    """One JSON object per non-empty input line; a question that fails gets {"turn", "question", "error"}."""
    failed = 0
    for line in lines:
        question = line.strip()
        if not question:
            continue
        if question in NEW_TOPIC:
            conv.reset()
            save(conv, path)
            continue
        try:
            out = conv.ask(question).to_dict()
        except RagError as exc:
            failed += 1
            out = {"turn": len(conv.turns) + 1, "question": question, "error": str(exc)}
        print(json.dumps(out, ensure_ascii=False), flush=True)
        save(conv, path)
    return 2 if failed else 0


def interactive(conv, path: Path | None) -> int:
    from rag.cli.answer import print_stream

    _readline()
    tty = sys.stdout.isatty()
    print(both("chat_help", sep="\n"))
    related: list[str] = []
    while True:
        try:
            question = input(PROMPT).strip()
        except EOFError:
            print()
            return 0
        if not question:
            continue
        if question in QUIT:
            return 0
        if question in NEW_TOPIC:
            conv.reset()
            save(conv, path)
            related = []
            print(both("new_topic"))
            continue
        if question.isdigit() and 1 <= int(question) <= len(related):
            question = related[int(question) - 1]
            print(f"{PROMPT}{question}")
        try:
            def searched(page, question=question):
                if page.query != question:
                    print(f"{both('searched_for')}: {page.query}")

            reply = print_stream(conv.stream(question), tty, on_links=searched)
            if reply is not None:
                related = reply.related
                for n, text in enumerate(related, start=1):
                    print(f"  ({n}) {text}")
        except RagError as exc:  # one question failing does not end the conversation
            print(error_line(exc, lang_of(question)), file=sys.stderr)
            continue
        save(conv, path)


def _readline() -> None:
    """Line editing and up-arrow history for input(), where the platform has readline."""
    try:
        import readline  # noqa: F401  (importing it is what turns it on for input())
    except ImportError:
        pass
