"""`rag search` and `rag ask`, and the printing of their links, streams and overviews (`rag chat` prints
through print_stream too)."""

from __future__ import annotations

import json
import sys

from rag.cli.options import settings_from


def add_commands(sub) -> None:
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


def cmd_ask(args) -> int:
    from rag.assistant import Assistant

    assistant = Assistant(settings_from(args))
    if args.json:
        print(json.dumps(assistant.answer(args.query, args.source).to_dict(), ensure_ascii=False))
        return 0
    print_stream(assistant.stream(args.query, args.source), sys.stdout.isatty())
    return 0


def print_links(links) -> None:
    for link in links:
        only = "  (search snippet only)" if link.kind == "snippet" else ""
        print(f"{link.rank:>2}. {link.title}{only}\n    {link.url}\n    {link.snippet}")


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
    if ov.collapsed:  # the app folds it away; the terminal says why before printing it
        sure = message("confidence", lang, percent=round(100 * (ov.confidence or 0)))
        heading = f"{heading} — {message('links_better', lang)} ({sure})"
    print(f"{heading}:" if not ov.abstained else f"{heading} ({message('no_answer', lang)})")
    if ov.short_answer:  # bold on a terminal
        bold = ("\033[1m", "\033[0m") if tty else ("", "")
        print(f"  {bold[0]}{ov.short_answer.text}{bold[1]} [{ov.short_answer.citation}]")
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
