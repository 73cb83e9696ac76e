"""The Gradio app: `rag ui`. Layout and event wiring only; what events do lives in ui.handlers.

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

EXAMPLES = ("Who painted the Mona Lisa?", "When was the Eiffel Tower built?",
            "How do plants turn light into energy?", "How high is Mount Everest?")
SEARCH_CONCURRENCY = 4
EVAL_HELP = """Compare the two modes blind. Load questions (a JSONL file with `question` and optional
`answers`, a SQuAD JSON file, or typed lines), then for each question say which of **A** and **B**
helped more and which answered it correctly. The order of the two is random for every question."""


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
    from .handlers import Backend

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

    from .access import AUTH_MESSAGE, SecurityHeaders
    from .render import CSS, KOREAN_FONTS

    # System fonts: the default theme asks Google Fonts, which an offline machine cannot reach. The
    # Korean ones come before the generic family so Hangul renders wherever the system has one.
    korean = [f.strip().strip('"') for f in KOREAN_FONTS.split(",")]
    theme = gr.themes.Default(font=["ui-sans-serif", "system-ui", *korean, "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    demo.queue(default_concurrency_limit=SEARCH_CONCURRENCY)
    from .chat import THREAD_CSS

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

    from . import handlers as h
    from . import render

    choices, default = h.source_choices(backend), h.default_source(backend)
    with gr.Blocks(title="rag — ten blue links beside an AI overview", analytics_enabled=False) as demo:
        if backend.access.warning:
            gr.HTML(render.error_html(backend.access.warning), elem_id="open-warning")
        account = gr.HTML(elem_id="account")
        status = gr.HTML(elem_id="status")
        with gr.Tab("Search", id="search"):
            search_tab(gr, h, backend, choices, default)
        with gr.Tab("Evaluate", id="evaluate"):
            summary = evaluate_tab(gr, h, backend, choices, default, demo)

        def show_status():  # warm-up progress on every page load, until the models are in
            yield from h.status(backend)

        demo.load(show_status, None, status, concurrency_id="status", concurrency_limit=None,
                  show_progress="hidden")
        demo.load(with_request(gr)(lambda request: account_html(backend, request)), None, account,
                  queue=False, show_progress="hidden")
        demo.load(lambda: h.eval_summary(backend), None, summary, concurrency_id="search",
                  show_progress="hidden")
    return demo


def search_tab(gr, h, backend, choices, default) -> None:
    """A thread: each turn's overview beside its own links (ui.chat); the top box starts a new topic,
    the follow-up box under the latest answer continues it."""
    from . import chat

    state = gr.State(None)
    with gr.Row(equal_height=True):
        query = gr.Textbox(show_label=False, placeholder="Ask a question, or type a few words… · 질문을 입력하세요…",
                           lines=1, max_lines=1, submit_btn="Search", autofocus=True, scale=6, elem_id="query")
        source = gr.Dropdown(choices=choices, value=default, label="Source", scale=1, min_width=150,
                             elem_id="source")
    with gr.Row():
        examples = [gr.Button(q, size="sm", variant="secondary", min_width=60) for q in EXAMPLES]
    thread = gr.HTML(elem_id="thread")
    with gr.Row(equal_height=True):
        searched = gr.Textbox(label=chat.SEARCHED_FOR, lines=1, max_lines=1, scale=6, elem_id="searched-for")
        again = gr.Button(chat.SEARCH_AGAIN, size="sm", scale=1, elem_id="search-again")
    with gr.Row(equal_height=False):
        with gr.Column():
            overview = gr.HTML(elem_id="overview")
            overview_stats = gr.HTML(elem_id="overview-stats")
            with gr.Row(equal_height=True):
                up = gr.Button(chat.HELPFUL, size="sm", min_width=60, scale=1, elem_id="feedback-up")
                down = gr.Button(chat.NOT_HELPFUL, size="sm", min_width=60, scale=1, elem_id="feedback-down")
                reason = gr.Textbox(show_label=False, placeholder=chat.REASON_PLACEHOLDER, lines=1, max_lines=1,
                                    scale=3, elem_id="feedback-reason")
            said = gr.HTML(elem_id="feedback-message")
        with gr.Column():
            links = gr.HTML(elem_id="links")
            links_stats = gr.HTML(elem_id="links-stats")
            reading = gr.HTML(elem_id="links-reading")
    gr.Markdown(f"**{chat.SUGGESTIONS}**", elem_id="related-heading")
    with gr.Row():
        related = [gr.Button("", visible=False, size="sm", elem_id=f"related-{i}") for i in range(chat.RELATED_SLOTS)]
    with gr.Row(equal_height=True):
        followup = gr.Textbox(show_label=False, placeholder=chat.FOLLOW_UP_PLACEHOLDER, lines=1, max_lines=1,
                              submit_btn="Ask", scale=6, elem_id="followup")
        new = gr.Button(chat.NEW_TOPIC, scale=1, elem_id="new-topic")

    def buttons(questions):
        questions = list(questions or [])[: chat.RELATED_SLOTS]
        return [gr.update(value=q, visible=True) for q in questions] + \
            [gr.update(value="", visible=False)] * (chat.RELATED_SLOTS - len(questions))

    hidden = [gr.update(visible=False)] * chat.RELATED_SLOTS
    pane_outputs = [state, links, links_stats, reading, overview, overview_stats, thread, searched, said, *related]

    # Every event knows who asks (ui.access): the login name for limits and feedback, as in the Evaluate tab.
    @with_request(gr)
    def show_links(s, q, src, request):  # the top box: a new topic
        return (*chat.ask_links(backend, s, q, src, fresh=True, caller=caller_of(backend, request)), *hidden)

    @with_request(gr)
    def followed(s, q, src, request):  # the follow-up box and the suggestions: in context
        return (*chat.ask_links(backend, s, q, src, caller=caller_of(backend, request)), *hidden, "")

    @with_request(gr)
    def researched(s, text, src, request):
        return (*chat.search_again(backend, s, text, src, caller=caller_of(backend, request)), *hidden)

    @with_request(gr)
    def show_overview(s, src, request):
        for st, ov, ov_stats, read, questions in chat.ask_overview(backend, s, src, caller_of(backend, request)):
            yield st, ov, ov_stats, read, *buttons(questions)

    @with_request(gr)
    def rate(s, why, src, rating, request):
        return chat.feedback(backend, s, rating, why, src, evaluator=caller_of(backend, request).name)

    # Two events per question, as before: links in the "search" group at once, then the overview in the
    # "model" group, where it may wait for other users' overviews.
    overview_event = dict(fn=show_overview, inputs=[state, source],
                          outputs=[state, overview, overview_stats, reading, *related], concurrency_id="model",
                          concurrency_limit=1, show_progress="minimal", show_progress_on=[overview])
    search = dict(concurrency_id="search", show_progress="minimal", show_progress_on=[links])
    query.submit(show_links, [state, query, source], pane_outputs, **search).then(**overview_event)
    followup.submit(followed, [state, followup, source], pane_outputs + [followup], **search).then(**overview_event)
    again.click(researched, [state, searched, source], pane_outputs, **search).then(**overview_event)
    for button in examples:
        button.click(lambda text=button.value: text, None, query, queue=False, show_progress="hidden") \
              .then(show_links, [state, query, source], pane_outputs, **search).then(**overview_event)
    for button in related:
        button.click(with_request(gr)(lambda s, q, src, request: followed(s, q, src, request)[:-1]),
                     [state, button, source], pane_outputs, **search) \
              .then(**overview_event)
    new.click(lambda: (*chat.new_topic(), *hidden), None,
              [state, thread, links, links_stats, reading, overview, overview_stats, searched, said, *related],
              queue=False)
    up.click(rate, [state, reason, source, gr.State("up")], said)
    down.click(rate, [state, reason, source, gr.State("down")], said)


def evaluate_tab(gr, h, backend, choices, default, demo=None):
    session = gr.State(h.EvalSession())
    gr.Markdown(EVAL_HELP)
    with gr.Row(equal_height=True):
        qfile = gr.File(label="Questions file (.jsonl or SQuAD .json)", file_types=[".jsonl", ".json"],
                        type="filepath", scale=1)
        typed = gr.Textbox(label="…or type questions, one per line", lines=4, scale=1, elem_id="eval-typed")
    with gr.Row(equal_height=True):
        # With a login, the vote carries the login name; the free-text name is for an app with none.
        evaluator = gr.Textbox(label="Your name (optional)", scale=2, elem_id="eval-name",
                               visible=not backend.access.login)
        source = gr.Dropdown(choices=choices, value=default, label="Source", scale=1, min_width=150)
        start = gr.Button("Start", variant="primary", scale=1, elem_id="eval-start")
    loaded = gr.HTML()
    question = gr.HTML(elem_id="eval-question")
    with gr.Row(equal_height=False):
        with gr.Column():
            gr.Markdown("### A")
            pane_a = gr.HTML(elem_id="pane-a")
        with gr.Column():
            gr.Markdown("### B")
            pane_b = gr.HTML(elem_id="pane-b")
    choice = gr.Radio(["A", "B", "tie", "neither"], label="Which helped more?", elem_id="eval-choice")
    correct = gr.CheckboxGroup(["A", "B"], label="Which answered the question correctly?", elem_id="eval-correct")
    comment = gr.Textbox(label="Comment (optional)", elem_id="eval-comment")
    with gr.Row():
        vote = gr.Button("Save vote, next question", variant="primary", elem_id="eval-vote")
        skip = gr.Button("Skip", elem_id="eval-skip")
    message = gr.HTML(elem_id="eval-message")
    gr.Markdown("### Summary")
    summary = gr.HTML(elem_id="eval-summary")
    mine = gr.HTML(elem_id="eval-votes")
    with gr.Row():
        refresh = gr.Button("Refresh summary", size="sm")
        export = gr.Button("Export CSV", size="sm", elem_id="eval-export")
    export_message = gr.HTML(elem_id="eval-export-message")
    csv_file = gr.File(label="CSV export", interactive=False, height=100)

    @with_request(gr)
    def next_question(s, src, request):
        return h.eval_next(backend, s, src, caller_of(backend, request))

    @with_request(gr)
    def save_vote(s, c, ok, text, typed_name, request):
        caller = caller_of(backend, request)
        return h.eval_vote(backend, s, c, ok, text, caller.name if caller.signed_in else typed_name)

    @with_request(gr)
    def export_votes(request):
        return h.export_votes(backend, caller_of(backend, request))

    @with_request(gr)
    def list_votes(request):
        return h.votes_table(backend, caller_of(backend, request))

    @with_request(gr)
    def show_export(request):  # the button and file only for those allowed; export_votes checks again
        admin = caller_of(backend, request).admin
        return gr.update(visible=admin), gr.update(visible=admin)

    def show_next(event):
        return event.then(next_question, [session, source], [session, question, pane_a, pane_b],
                          concurrency_id="model", concurrency_limit=1, show_progress="minimal")

    def clear(s):  # after a saved vote only; a refused vote keeps what the evaluator ticked
        return (gr.skip(),) * 3 if s.trial is not None else (None, [], "")

    def load_questions(file_path, text):
        return h.eval_load(file_path, text, backend.access.limits)

    show_next(start.click(load_questions, [qfile, typed], [session, loaded]))
    saved = vote.click(save_vote, [session, choice, correct, comment, evaluator], [session, message])
    saved = saved.then(lambda: h.eval_summary(backend), None, summary).then(list_votes, None, mine)
    show_next(saved.then(clear, session, [choice, correct, comment]))
    show_next(skip.click(h.eval_skip, session, session).then(clear, session, [choice, correct, comment]))
    refresh.click(lambda: h.eval_summary(backend), None, summary).then(list_votes, None, mine)
    export.click(export_votes, None, [csv_file, export_message])
    if demo is not None:  # what this user may see: their votes (all, for an admin), the export button
        demo.load(list_votes, None, mine, show_progress="hidden") \
            .then(show_export, None, [export, csv_file], queue=False)
    return summary


# -- who is asking (ui.access) ------------------------------------------------------------------------

def with_request(gr):
    """Gradio hands the request to a parameter annotated gr.Request. This module postpones annotations
    and imports Gradio inside functions, where Gradio could not resolve the string "gr.Request", so
    the decorator sets the real class."""
    def mark(fn):
        fn.__annotations__["request"] = gr.Request
        return fn
    return mark


def caller_of(backend, request):
    client = getattr(request, "client", None)
    return backend.access.caller(getattr(request, "username", None), getattr(client, "host", None),
                                 getattr(request, "session_hash", None))


def account_html(backend, request) -> str:
    """"Signed in as NAME (role) · Sign out" with a login; nothing without one."""
    from . import render

    caller = caller_of(backend, request)
    if not caller.signed_in:
        return ""
    role = "admin" if caller.admin else "evaluator"
    return (f'<div class="rag-stats" style="text-align:right">Signed in as <b>{render.e(caller.name)}</b> '
            f'({role}) · <a href="logout">Sign out</a></div>')
