"""The Gradio app: `rag ui`. Layout and event wiring only; what events do lives in ui.handlers.

Concurrency: Gradio's queue runs events in named groups. "search" (links, up to four at once) and
"model" (overviews and evaluator answers, one at a time) are separate groups, so one user's links
never wait behind another user's overview. The in-process model also holds its own lock, so it is
never entered by two threads even if a group limit is raised.

Gradio is imported inside the functions: rag/cli.py imports this module for every `rag` command, and
`rag ask` should not pay for loading a web framework.
"""

from __future__ import annotations

import argparse

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
    parser.set_defaults(run=run)


def run(args) -> int:
    from rag.cli import settings_from
    from rag.errors import RagError, require

    require("gradio", "ui")
    if args.web:
        require("ddgs", "web")
    from .handlers import Backend

    settings = settings_from(args)
    backend = Backend.create(settings, web=args.web)
    demo = build_app(backend)
    backend.warmup.start()
    try:
        launch(demo, backend, args.host, args.port, block=False)
    except OSError:  # Gradio's own message names its environment variable, not our options
        raise RagError(f"cannot listen on {args.host}:{args.port} — is another program using that port, or is "
                       "the address not one of this machine's? Pass --port N or --host ADDRESS") from None
    print(f"rag ui: http://{args.host}:{args.port} (index {settings.index}, votes in {backend.votes.path}); "
          "Ctrl+C to stop", flush=True)
    demo.block_thread()
    return 0


def launch(demo, backend, host: str, port: int, block: bool = True):
    import gradio as gr

    from .render import CSS

    # System fonts: the default theme asks Google Fonts, which an offline machine cannot reach.
    theme = gr.themes.Default(font=["ui-sans-serif", "system-ui", "sans-serif"],
                              font_mono=["ui-monospace", "monospace"])
    demo.queue(default_concurrency_limit=SEARCH_CONCURRENCY)
    from .chat import THREAD_CSS

    return demo.launch(server_name=host, server_port=port, css=CSS + THREAD_CSS, theme=theme, ssr_mode=False,
                       show_error=False, quiet=True, prevent_thread_lock=not block,
                       allowed_paths=[str(backend.votes.path.parent)])


def build_app(backend):
    import gradio as gr

    from . import handlers as h

    choices, default = h.source_choices(backend), h.default_source(backend)
    with gr.Blocks(title="rag — ten blue links beside an AI overview", analytics_enabled=False) as demo:
        status = gr.HTML(elem_id="status")
        with gr.Tab("Search", id="search"):
            search_tab(gr, h, backend, choices, default)
        with gr.Tab("Evaluate", id="evaluate"):
            summary = evaluate_tab(gr, h, backend, choices, default)

        def show_status():  # warm-up progress on every page load, until the models are in
            yield from h.status(backend)

        demo.load(show_status, None, status, concurrency_id="status", concurrency_limit=None,
                  show_progress="hidden")
        demo.load(lambda: h.eval_summary(backend), None, summary, concurrency_id="search",
                  show_progress="hidden")
    return demo


def search_tab(gr, h, backend, choices, default) -> None:
    """A thread: each turn's overview beside its own links (ui.chat); the top box starts a new topic,
    the follow-up box under the latest answer continues it."""
    from . import chat

    state = gr.State(None)
    with gr.Row(equal_height=True):
        query = gr.Textbox(show_label=False, placeholder="Ask a question, or type a few words…", lines=1,
                           max_lines=1, submit_btn="Search", autofocus=True, scale=6, elem_id="query")
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

    def show_links(s, q, src):  # the top box: a new topic
        return (*chat.ask_links(backend, s, q, src, fresh=True), *hidden)

    def followed(s, q, src):  # the follow-up box and the suggestions: in context
        return (*chat.ask_links(backend, s, q, src), *hidden, "")

    def researched(s, text, src):
        return (*chat.search_again(backend, s, text, src), *hidden)

    def show_overview(s, src):
        for st, ov, ov_stats, read, questions in chat.ask_overview(backend, s, src):
            yield st, ov, ov_stats, read, *buttons(questions)

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
        button.click(lambda s, q, src: followed(s, q, src)[:-1], [state, button, source], pane_outputs, **search) \
              .then(**overview_event)
    new.click(lambda: (*chat.new_topic(), *hidden), None,
              [state, thread, links, links_stats, reading, overview, overview_stats, searched, said, *related],
              queue=False)
    up.click(lambda s, why, src: chat.feedback(backend, s, "up", why, src), [state, reason, source], said)
    down.click(lambda s, why, src: chat.feedback(backend, s, "down", why, src), [state, reason, source], said)


def evaluate_tab(gr, h, backend, choices, default):
    session = gr.State(h.EvalSession())
    gr.Markdown(EVAL_HELP)
    with gr.Row(equal_height=True):
        qfile = gr.File(label="Questions file (.jsonl or SQuAD .json)", file_types=[".jsonl", ".json"],
                        type="filepath", scale=1)
        typed = gr.Textbox(label="…or type questions, one per line", lines=4, scale=1, elem_id="eval-typed")
    with gr.Row(equal_height=True):
        evaluator = gr.Textbox(label="Your name (optional)", scale=2, elem_id="eval-name")
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
    with gr.Row():
        refresh = gr.Button("Refresh summary", size="sm")
        export = gr.Button("Export CSV", size="sm", elem_id="eval-export")
    csv_file = gr.File(label="CSV export", interactive=False, height=100)

    def next_question(s, src):
        return h.eval_next(backend, s, src)

    def show_next(event):
        return event.then(next_question, [session, source], [session, question, pane_a, pane_b],
                          concurrency_id="model", concurrency_limit=1, show_progress="minimal")

    def clear(s):  # after a saved vote only; a refused vote keeps what the evaluator ticked
        return (gr.skip(),) * 3 if s.trial is not None else (None, [], "")

    show_next(start.click(h.eval_load, [qfile, typed], [session, loaded]))
    saved = vote.click(lambda s, c, ok, text, who: h.eval_vote(backend, s, c, ok, text, who),
                       [session, choice, correct, comment, evaluator], [session, message])
    saved = saved.then(lambda: h.eval_summary(backend), None, summary)
    show_next(saved.then(clear, session, [choice, correct, comment]))
    show_next(skip.click(h.eval_skip, session, session).then(clear, session, [choice, correct, comment]))
    refresh.click(lambda: h.eval_summary(backend), None, summary)
    export.click(lambda: h.eval_export(backend), None, csv_file)
    return summary
