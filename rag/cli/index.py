"""`rag index build | list | push | info`: build and inspect indexes in the store rag.store.open_store picks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.cli.options import settings_from
from rag.errors import RagError


def add_commands(sub) -> None:
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
    """Both stores are named here rather than chosen by open_store: push always reads the local folder
    and writes PostgreSQL, and copy_from (vectors as they are, no embedding) is PgStore's alone."""
    from rag.store import LocalStore
    from rag.store.postgres import PgStore

    settings = settings_from(args)
    if not settings.pg_url:
        raise RagError("rag index push copies a local index into PostgreSQL — pass --pg-url URL or set RAG_PG_URL")
    source = LocalStore(settings)
    local = source.load(args.name)
    store = PgStore(settings)
    print(f"copying {source.where(args.name)} into {store.where(args.name)} …", file=sys.stderr)
    m = store.copy_from(local, progress=True)
    print(f"pushed '{args.name}': {m['documents']:,} documents, {m['chunks']:,} chunks in {m['build_seconds']:.0f} s")
    return 0


def cmd_index_info(args) -> int:
    from rag.store import open_store

    print(json.dumps(open_store(settings_from(args)).load(args.name).manifest, indent=2, ensure_ascii=False))
    return 0
