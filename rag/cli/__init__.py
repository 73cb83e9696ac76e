"""The `rag` command: a thin layer over the Python API. Library errors become one-line messages."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings

log = logging.getLogger("rag")

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


def settings_from(args) -> Settings:
    return Settings.from_env(
        index_dir=getattr(args, "index_dir", None),
        model=getattr(args, "model", None),
        llm_url=getattr(args, "llm_url", None),
        model_repo=getattr(args, "model_repo", None),
        index=getattr(args, "index", None),
        pg_url=getattr(args, "pg_url", None),
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rag", description="Ten blue links beside a grounded, cited AI overview.")
    p.add_argument("--index-dir", type=Path, help="folder of built indexes (default: indexes, or RAG_INDEX_DIR)")
    p.add_argument("--pg-url", help="keep indexes and votes in this PostgreSQL (default: local files, or RAG_PG_URL)")
    p.add_argument("-v", "--verbose", action="store_true", help="also print rag's own progress messages (INFO)")
    p.add_argument("--debug", action="store_true", help="every library's DEBUG logs and full tracebacks")
    sub = p.add_subparsers(metavar="COMMAND")

    idx = sub.add_parser("index", help="build and inspect indexes").add_subparsers(metavar="ACTION")
    b = idx.add_parser("build", help="build an index from a corpus")
    b.add_argument("--corpus", required=True, help="vital | squad:PATH | dir:PATH")
    b.add_argument("--name", help="index name (default: vital, or the corpus file/folder name)")
    b.add_argument("--lang", choices=["en", "ko"], help="language (default: detected)")
    b.add_argument("--if-missing", action="store_true", help="do nothing when the index already loads")
    b.set_defaults(run=cmd_index_build)
    ls = idx.add_parser("list", help="list built indexes")
    ls.set_defaults(run=cmd_index_list)
    push = idx.add_parser("push", help="copy a local index into PostgreSQL (--pg-url) with its vectors, no embedding")
    push.add_argument("name")
    push.set_defaults(run=cmd_index_push)
    info = idx.add_parser("info", help="print an index's manifest")
    info.add_argument("name")
    info.set_defaults(run=cmd_index_info)

    s = sub.add_parser("search", help="ten blue links for a query")
    s.add_argument("query")
    s.add_argument("--index", help="index name (default: vital)")
    s.add_argument("--source", choices=["web"], help="web: live search results and fetched pages (same as --index web)")
    s.add_argument("-k", type=int, default=10, help="number of links (default 10)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(run=cmd_search)

    a = sub.add_parser("ask", help="links and a cited overview for a question")
    a.add_argument("query")
    a.add_argument("--index", help="index name (default: vital)")
    a.add_argument("--source", choices=["web"], help="web: live search results and fetched pages (same as --index web)")
    a.add_argument("--model", help="GGUF model file (default: bundled SmolLM2-135M-Instruct)")
    a.add_argument("--model-repo", help="Hugging Face repo id to fetch a GGUF from (needs the internet)")
    a.add_argument("--llm-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    a.add_argument("--json", action="store_true", help="print one JSON object")
    a.set_defaults(run=cmd_ask)

    _add_optional(sub, "pg", "a development PostgreSQL with pgvector (rag pg up/down)", "rag.store.pgserver")
    _add_optional(sub, "chat", "a conversation: follow-up questions in context", "rag.cli.chat")
    _add_optional(sub, "ui", "the web app", "ui.app")
    _add_optional(sub, "users", "accounts of the web app: add, list, remove", "ui.access.users")
    _add_optional(sub, "eval", "measure links vs overview on a QA dataset", "eval.harness")
    return p


def _add_optional(sub, name: str, help_text: str, module: str) -> None:
    """Commands whose code lives outside rag/ register themselves through add_arguments(parser)."""
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError:
        return
    mod.add_arguments(sub.add_parser(name, help=help_text))


# -- commands -------------------------------------------------------------------------------------

def cmd_index_build(args) -> int:
    from rag.embed.embedder import Embedder
    from rag.errors import IndexCorrupt, IndexMismatch, IndexNotFound
    from rag.ingest.sources import load_corpus
    from rag.store import open_store

    settings = settings_from(args)
    store = open_store(settings)
    name = args.name or _default_name(args.corpus)
    embedder = Embedder.for_settings(settings)
    if args.if_missing:
        try:
            store.load(name, embedder.name)
            print(f"index '{name}' is ready in {store.where(name)}")
            return 0
        except (IndexNotFound, IndexCorrupt, IndexMismatch) as exc:
            print(f"building index '{name}': {exc}", file=sys.stderr)
    docs = load_corpus(args.corpus, args.lang)
    lang = args.lang or _detect_lang(docs)
    print(f"indexing {len(docs):,} documents from {args.corpus} into {store.where(name)} …", file=sys.stderr)
    manifest = store.build(docs, name, args.corpus, embedder, lang=lang, progress=True)
    seconds = manifest["build_seconds"]
    print(f"built '{name}': {manifest['documents']:,} documents, {manifest['chunks']:,} chunks in "
          f"{seconds:.0f} s ({manifest['chunks'] / max(seconds, 1e-9):.0f} chunks/s)")
    return 0


def _default_name(corpus: str) -> str:
    kind, _, arg = corpus.partition(":")
    if not arg:
        return kind
    stem = Path(arg).stem if kind == "squad" else Path(arg).name
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in stem) or kind


def _detect_lang(docs) -> str:
    from rag.text import lang_of

    return lang_of(" ".join(d.text[:200] for d in docs[:50]))


def cmd_index_list(args) -> int:
    from rag.store import open_store

    settings = settings_from(args)
    store = open_store(settings)
    names = store.list()
    if not names:
        print(f"no indexes in {store.where('*')} — run: rag index build --corpus vital")
    for name in names:
        m = store.manifest(name)
        print(f"{name}\t{m.get('corpus')}\t{m.get('documents')} documents\t{m.get('chunks')} chunks\t"
              f"{m.get('created')}")
    return 0


def cmd_index_push(args) -> int:
    from rag.store.local import load_index
    from rag.store.postgres import PgStore

    settings = settings_from(args)
    if not settings.pg_url:
        raise RagError("rag index push copies a local index into PostgreSQL — pass --pg-url URL or set RAG_PG_URL")
    local = load_index(args.name, settings.replace(pg_url=""))
    store = PgStore(settings)
    print(f"copying {settings.index_dir}/{args.name} into {store.where(args.name)} …", file=sys.stderr)
    m = store.copy_from(local, progress=True)
    print(f"pushed '{args.name}': {m['documents']:,} documents, {m['chunks']:,} chunks in {m['build_seconds']:.0f} s")
    return 0


def cmd_index_info(args) -> int:
    from rag.store import open_store

    print(json.dumps(open_store(settings_from(args)).load(args.name).manifest, indent=2, ensure_ascii=False))
    return 0


def cmd_search(args) -> int:
    from rag.assistant import Assistant

    page = Assistant(settings_from(args)).search(args.query, index=args.source, k=args.k)
    if args.json:
        print(json.dumps(page.to_dict(), ensure_ascii=False))
        return 0
    for notice in page.notices:
        print(f"note: {notice}", file=sys.stderr)
    print_links(page.links)
    print(f"\n{len(page.links)} links in {page.timings.links_ms:.0f} ms")
    return 0


def print_links(links) -> None:
    for link in links:
        only = "  (search snippet only)" if link.kind == "snippet" else ""
        print(f"{link.rank:>2}. {link.title}{only}\n    {link.url}\n    {link.snippet}")


def cmd_ask(args) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(settings_from(args))
    if args.json:
        print(json.dumps(assistant.answer(args.query, args.source).to_dict(), ensure_ascii=False))
        return 0
    print_stream(assistant.stream(args.query, args.source), sys.stdout.isatty())
    return 0


def print_stream(events, tty: bool, on_links=None):
    """Links, then the draft as it streams (on a terminal), then the checked overview; returns the overview.
    on_links(page) runs before the links are printed (`rag chat` says what was searched there)."""
    from rag.schema import FinalEvent, LinksEvent, TokenEvent

    final = None
    for event in events:
        if isinstance(event, LinksEvent):
            if on_links:
                on_links(event.page)
            print_links(event.page.links)
            print("\nAI overview (draft): ", end="", flush=True) if tty else None
        elif isinstance(event, TokenEvent) and tty:
            print(event.text, end="", flush=True)
        elif isinstance(event, FinalEvent):
            final = event.overview
            print_overview(final, tty)
    return final


def print_overview(ov, tty: bool) -> None:
    from rag.messages import message
    from rag.text import lang_of

    lang = lang_of(ov.query)
    if tty:
        print("\n")
    heading = message("overview", lang)
    print(f"{heading}:" if not ov.abstained else f"{heading} ({message('no_answer', lang)})")
    for s in ov.sentences:
        marks = "".join(f"[{n}]" for n in s.citations)
        print(f"  {s.text} {marks}".rstrip())
    for src in ov.sources:
        print(f"  [{src.n}] {src.title} — {src.url}\n       “{src.quote}”")
    for notice in ov.notices:
        print(f"{message('note', lang).lower()}: {notice}")
    t = ov.timings
    first = f", first token {t.first_token_ms:.0f} ms" if t.first_token_ms is not None else ""
    print(f"links {t.links_ms:.0f} ms{first}, total {t.total_ms:.0f} ms")


if __name__ == "__main__":
    sys.exit(main())
