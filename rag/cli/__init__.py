"""The `rag` command: a thin layer over the Python API. Library errors become one-line messages.

    rag/cli/__init__.py   main (library errors -> one line), the parser, logging set-up
    rag/cli/options.py    settings_from(args): the command line's options -> Settings, for every command
    rag/cli/index.py      rag index build | list | push | info
    rag/cli/answer.py     rag search | ask, and print_links / print_stream / print_overview
    rag/cli/chat.py       rag chat (registered, like pg, ui, users and eval, through _add_optional)
    rag/cli/__main__.py   python -m rag.cli
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from rag.cli import answer, index
from rag.cli.answer import print_links, print_overview, print_stream
from rag.cli.options import settings_from
from rag.errors import RagError

__all__ = ["main", "build_parser", "configure_logging", "settings_from", "print_links", "print_stream",
           "print_overview", "OWN_LOGGERS", "QUIET_LIBRARIES"]

# Our own code logs under these names; any other logger belongs to a library.
OWN_LOGGERS = ("rag", "ui", "eval")
# Libraries whose warnings are noise to a user (model-loading chatter, a line per HTTP request): errors only.
QUIET_LIBRARIES = ("sentence_transformers", "httpx", "transformers", "faiss", "bm25s", "psycopg")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(verbose=args.verbose, debug=args.debug)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except RagError as exc:
        from rag.messages import error_line
        from rag.text import lang_of

        # a Korean question gets its error in Korean too (the commands in it stay as they are typed)
        query = getattr(args, "query", None)
        print(error_line(exc, lang_of(query) if isinstance(query, str) else "en"), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the promise: no stack traces in front of a user (use --debug to see one)
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (run again with --debug for details)", file=sys.stderr)
        return 1


class _LevelFloor(logging.Filter):
    """Passes a record that reaches the floor for where it comes from: our code, a quiet library, another library.

    The floor sits on the handler rather than on the libraries' loggers because a library may set its
    own logger's level when it is imported, after the CLI has started: bm25s sets DEBUG, which is how
    `DEBUG bm25s: …` lines reached the console of `make run`.
    """

    def __init__(self, own: int, library: int, quiet: int):
        super().__init__()
        self.own, self.library, self.quiet = own, library, quiet

    def filter(self, record: logging.LogRecord) -> bool:
        top = record.name.split(".", 1)[0]
        floor = self.own if top in OWN_LOGGERS else self.quiet if top in QUIET_LIBRARIES else self.library
        return record.levelno >= floor


def configure_logging(verbose: bool = False, debug: bool = False) -> logging.Handler:
    """Only the CLI (and so the app it starts) configures logging: one stderr handler on the root logger.

        default     our warnings and errors, other libraries' warnings, the quiet libraries' errors
        -v          our INFO messages too (fallbacks, cache use); libraries unchanged
        --debug     everything at DEBUG, libraries included
    """
    own = logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING
    library = logging.DEBUG if debug else logging.WARNING
    quiet = logging.DEBUG if debug else logging.ERROR
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "rag_cli", False)]:
        root.removeHandler(old)  # main() may run more than once in one process (the tests do)
    handler = logging.StreamHandler()  # sys.stderr as it is now
    handler.rag_cli = True
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_LevelFloor(own, library, quiet))
    root.addHandler(handler)
    root.setLevel(min(own, library))
    for name in QUIET_LIBRARIES:  # also for the libraries that print through handlers of their own
        logging.getLogger(name).setLevel(quiet)
    return handler


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="Ten blue links beside a grounded, cited AI overview.")
    p.add_argument("--index-dir", type=Path, help="folder of built indexes (default: indexes, or RAG_INDEX_DIR)")
    p.add_argument("--pg-url", help="keep indexes and votes in this PostgreSQL (default: local files, or RAG_PG_URL)")
    p.add_argument("-v", "--verbose", action="store_true", help="also print rag's own progress messages (INFO)")
    p.add_argument("--debug", action="store_true", help="every library's DEBUG logs and full tracebacks")
    sub = p.add_subparsers(metavar="COMMAND")

    index.add_commands(sub)
    answer.add_commands(sub)

    _add_optional(sub, "pg", "a development PostgreSQL with pgvector (rag pg up/down)", "rag.store.pgserver")
    _add_optional(sub, "chat", "a conversation: follow-up questions in context", "rag.cli.chat")
    _add_optional(sub, "ui", "the web app", "ui.app")
    _add_optional(sub, "users", "accounts of the web app: add, list, remove", "ui.access.users")
    _add_optional(sub, "eval", "measure links vs overview on a QA dataset", "eval.harness")
    return p


def _add_optional(sub, name: str, help_text: str, module: str) -> None:
    """Commands in modules of their own register themselves through add_arguments(parser); a command whose
    module cannot be imported (an extra not installed, e.g. gradio for ui) is left out of the parser."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    mod.add_arguments(sub.add_parser(name, help=help_text))

