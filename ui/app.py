"""The Gradio app: `rag ui`. The server, the page's frame and its load events; the two tabs' layout and
wiring are in ui.tabs, and what events do in ui.search and ui.evaluate.

Concurrency: Gradio's queue runs events in named groups. "search" (links, up to four at once) and
"model" (overviews and evaluator answers, one at a time) are separate groups, so one user's links
never wait behind another user's overview. The in-process model also holds its own lock, so it is
never entered by two threads even if a group limit is raised.

Gradio is imported inside the functions: rag/cli imports this module for every `rag` command, and
`rag ask` should not pay for loading a web framework.
"""

from __future__ import annotations

import argparse
import sys

SEARCH_CONCURRENCY = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=7860, help="port to listen on (default 7860)")
    parser.add_argument("--index", help="index shown first (default: vital, or RAG_INDEX)")
    parser.add_argument("--model", help="GGUF model file (default: bundled SmolLM2-135M-Instruct)")
    parser.add_argument("--llm-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--web", action="store_true",
                        help="offer live web search as a source (needs the internet and the web extra)")
    parser.add_argument("--auth", action="store_true",
                        help="ask for a login on a loopback address too (any other address always asks)")
    parser.add_argument("--no-auth", action="store_true",
                        help="serve a non-loopback address with no login: anyone who reaches it can use it")
    parser.set_defaults(run=run)


def run(args) -> int:
    from rag.cli.options import settings_from
    from rag.errors import RagError, require

    from .access import Access

    settings = settings_from(args)
    access = Access.for_host(settings, args.host, no_auth=args.no_auth, auth=args.auth)  # before anything loads
    require("gradio", "ui")
    if args.web:
        require("ddgs", "web")
    from .backend import Backend

    if access.warning:
        print(f"warning: {access.warning}", file=sys.stderr, flush=True)
    backend = Backend.create(settings, web=args.web, access=access)
    demo = build_app(backend)
    backend.warmup.start()
    try:
        launch(demo, backend, args.host, args.port, block=False)
    except OSError:  # Gradio's own message names its environment variable, not our options
        raise RagError(f"cannot listen on {args.host}:{args.port} — is another program using that port, or is "
                       "the address not one of this machine's? Pass --port N or --host ADDRESS") from None
    login = f"login required, accounts in {access.users.path}" if access.login else "no login"
    print(f"rag ui: http://{args.host}:{args.port} (index {settings.index}, votes in {backend.votes.where}, "
          f"{login}); Ctrl+C to stop", flush=True)
    demo.block_thread()
    return 0


def launch(demo, backend, host: str, port: int, block: bool = True):
    import gradio as gr

    from starlette.middleware import Middleware

    from .access.login import AUTH_MESSAGE, SecurityHeaders
    from .style import CSS, KOREAN_FONTS, THREAD_CSS

    # System fonts: the default theme asks Google Fonts, which an offline machine cannot reach. The
    # Korean ones come before the generic family so Hangul renders wherever the system has one.
    korean = [f.strip().strip('"') for f in KOREAN_FONTS.split(",")]
    theme = gr.themes.Default(font=["ui-sans-serif", "system-ui", *korean, "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    demo.queue(default_concurrency_limit=SEARCH_CONCURRENCY)
    access = backend.access
    # Only the exports folder is served (Export CSV's files, named with a random part); the votes
    # database and the accounts file beside it never are.
    private = [str(f) for f in backend.votes.files] + ([str(access.users.path)] if access.users else [])
    result = demo.launch(server_name=host, server_port=port, css=CSS + THREAD_CSS, theme=theme, ssr_mode=False,
                         show_error=False, quiet=True, prevent_thread_lock=True,
                         allowed_paths=[str(backend.votes.exports)], blocked_paths=private,
                         auth=access.check_password if access.login else None, auth_message=AUTH_MESSAGE,
                         max_file_size=backend.settings.max_upload_bytes,
                         app_kwargs={"middleware": [Middleware(SecurityHeaders)]})
    access.install_sessions(demo.server_app)
    if block:
        demo.block_thread()
    return result


def build_app(backend):
    import gradio as gr

    from rag.messages import both

    from . import render
    from .backend import default_source, source_choices, status
    from .evaluate import eval_summary
    from .tabs import evaluate_tab, search_tab, with_request

    choices, default = source_choices(backend), default_source(backend)
    with gr.Blocks(title=both("title"), analytics_enabled=False) as demo:
        if backend.access.warning:
            gr.HTML(render.error_html(backend.access.warning), elem_id="open-warning")
        account = gr.HTML(elem_id="account")
        status_line = gr.HTML(elem_id="status")
        with gr.Tab(both("tab_search"), id="search"):
            search_tab(gr, backend, choices, default)
        with gr.Tab(both("tab_evaluate"), id="evaluate"):
            summary = evaluate_tab(gr, backend, choices, default, demo)

        def show_status():  # warm-up progress on every page load, until the models are in
            yield from status(backend)

        demo.load(show_status, None, status_line, concurrency_id="status", concurrency_limit=None,
                  show_progress="hidden")
        demo.load(with_request(gr)(lambda request: account_html(backend, request)), None, account,
                  queue=False, show_progress="hidden")
        demo.load(lambda: eval_summary(backend), None, summary, concurrency_id="search",
                  show_progress="hidden")
    return demo


def account_html(backend, request) -> str:
    """"Signed in as NAME (role) · Sign out" with a login, in both languages; nothing without one."""
    from rag.messages import bilingual, both, message

    from .render import e
    from .tabs import caller_of

    caller = caller_of(backend, request)
    if not caller.signed_in:
        return ""
    role = "role_admin" if caller.admin else "role_evaluator"
    # The catalogue's text is ours; only the values are escaped, so the name can be bold.
    who = bilingual(lambda lang: message("signed_in_as", lang, name=f"<b>{e(caller.name)}</b>",
                                         role=e(message(role, lang))))
    return f'<div class="rag-stats" style="text-align:right">{who} · <a href="logout">{e(both("sign_out"))}</a></div>'
