"""The two tabs in Gradio: each one's layout, then its events wired to the plain handlers.

    search_tab(...)     the thread (ui.search): the top box starts a topic, the follow-up box continues it
    evaluate_tab(...)   the blind comparison (ui.evaluate): questions, A and B, the vote, the summary
    caller_of(...)      who is asking (ui.access), for every event: limits, the login name on votes

Labels are in English and Korean (rag.messages.both): they are read before any question is asked.
Gradio comes in as an argument (ui.app imports it inside its functions, to keep `rag ask` light).
"""

from __future__ import annotations

from types import SimpleNamespace

from rag.messages import both

from . import evaluate, search

# Example questions for the English demo index; they are queries, so they are not translated.
EXAMPLES = ("Who painted the Mona Lisa?", "When was the Eiffel Tower built?",
            "How do plants turn light into energy?", "How high is Mount Everest?")
RELATED_SLOTS = 3  # suggested follow-ups shown as buttons under the latest answer


# -- who is asking (ui.access) ------------------------------------------------------------------------

def with_request(gr):
    """Gradio hands the request to a parameter annotated gr.Request. This module postpones annotations
    and Gradio is not imported at module level, where Gradio could not resolve the string "gr.Request",
    so the decorator sets the real class."""
    def mark(fn):
        fn.__annotations__["request"] = gr.Request
        return fn
    return mark


def caller_of(backend, request):
    client = getattr(request, "client", None)
    return backend.access.caller(getattr(request, "username", None), getattr(client, "host", None),
                                 getattr(request, "session_hash", None))


# -- the search tab -----------------------------------------------------------------------------------

def search_tab(gr, backend, choices, default) -> None:
    """A thread: each turn's overview beside its own links; the top box starts a new topic, the follow-up
    box under the latest answer continues it. Two events per question: links in the "search" group at
    once, then the overview in the "model" group, where it may wait for other users' overviews."""
    c = _search_layout(gr, choices, default)
    show_links, followed, researched, show_overview, rate = _search_events(gr, backend)
    panes = [c.state, c.links, c.links_stats, c.reading, c.overview, c.overview_stats, c.thread, c.searched, c.said,
             *c.related]
    overview_event = dict(fn=show_overview, inputs=[c.state, c.source],
                          outputs=[c.state, c.overview, c.overview_stats, c.reading, *c.related],
                          concurrency_id="model", concurrency_limit=1, show_progress="minimal",
                          show_progress_on=[c.overview])
    links = dict(concurrency_id="search", show_progress="minimal", show_progress_on=[c.links])
    c.query.submit(show_links, [c.state, c.query, c.source], panes, **links).then(**overview_event)
    c.followup.submit(followed, [c.state, c.followup, c.source], panes + [c.followup], **links).then(**overview_event)
    c.again.click(researched, [c.state, c.searched, c.source], panes, **links).then(**overview_event)
    for button in c.examples:
        button.click(lambda text=button.value: text, None, c.query, queue=False, show_progress="hidden") \
              .then(show_links, [c.state, c.query, c.source], panes, **links).then(**overview_event)
    for button in c.related:
        button.click(with_request(gr)(lambda s, q, src, request: followed(s, q, src, request)[:-1]),
                     [c.state, button, c.source], panes, **links) \
              .then(**overview_event)
    c.new.click(lambda: (*search.new_topic(), *_hidden(gr)), None,
                [c.state, c.thread, c.links, c.links_stats, c.reading, c.overview, c.overview_stats, c.searched,
                 c.said, *c.related], queue=False)
    c.up.click(rate, [c.state, c.reason, c.source, gr.State("up")], c.said)
    c.down.click(rate, [c.state, c.reason, c.source, gr.State("down")], c.said)


def _search_layout(gr, choices, default) -> SimpleNamespace:
    c = SimpleNamespace(state=gr.State(None))
    with gr.Row(equal_height=True):
        c.query = gr.Textbox(show_label=False, placeholder=both("ask_placeholder"), lines=1, max_lines=1,
                             submit_btn=both("search_button"), autofocus=True, scale=6, elem_id="query")
        c.source = gr.Dropdown(choices=choices, value=default, label=both("source"), scale=1, min_width=150,
                               elem_id="source")
    with gr.Row():
        c.examples = [gr.Button(q, size="sm", variant="secondary", min_width=60) for q in EXAMPLES]
    c.thread = gr.HTML(elem_id="thread")
    with gr.Row(equal_height=True):
        c.searched = gr.Textbox(label=both("searched_for"), lines=1, max_lines=1, scale=6, elem_id="searched-for")
        c.again = gr.Button(both("search_again"), size="sm", scale=1, elem_id="search-again")
    with gr.Row(equal_height=False):
        with gr.Column():
            c.overview = gr.HTML(elem_id="overview")
            c.overview_stats = gr.HTML(elem_id="overview-stats")
            with gr.Row(equal_height=True):
                c.up = gr.Button(both("helpful"), size="sm", min_width=60, scale=1, elem_id="feedback-up")
                c.down = gr.Button(both("not_helpful"), size="sm", min_width=60, scale=1, elem_id="feedback-down")
                c.reason = gr.Textbox(show_label=False, placeholder=both("reason_placeholder"), lines=1,
                                      max_lines=1, scale=3, elem_id="feedback-reason")
            c.said = gr.HTML(elem_id="feedback-message")
        with gr.Column():
            c.links = gr.HTML(elem_id="links")
            c.links_stats = gr.HTML(elem_id="links-stats")
            c.reading = gr.HTML(elem_id="links-reading")
    gr.Markdown(f"**{both('related_questions')}**", elem_id="related-heading")
    with gr.Row():
        c.related = [gr.Button("", visible=False, size="sm", elem_id=f"related-{i}") for i in range(RELATED_SLOTS)]
    with gr.Row(equal_height=True):
        c.followup = gr.Textbox(show_label=False, placeholder=both("follow_up_placeholder"), lines=1, max_lines=1,
                                submit_btn=both("ask_button"), scale=6, elem_id="followup")
        c.new = gr.Button(both("new_topic"), scale=1, elem_id="new-topic")
    return c


def _hidden(gr) -> list:
    return [gr.update(visible=False)] * RELATED_SLOTS


def _search_events(gr, backend):
    """The tab's event functions, named as the API names them (/show_links, /show_overview: bench and tests
    call them). Every one knows who asks: the login name for limits and feedback."""
    def buttons(questions):
        questions = list(questions or [])[:RELATED_SLOTS]
        return [gr.update(value=q, visible=True) for q in questions] + \
            [gr.update(value="", visible=False)] * (RELATED_SLOTS - len(questions))

    @with_request(gr)
    def show_links(s, q, src, request):  # the top box: a new topic
        return (*search.ask_links(backend, s, q, src, fresh=True, caller=caller_of(backend, request)), *_hidden(gr))

    @with_request(gr)
    def followed(s, q, src, request):  # the follow-up box and the suggestions: in context
        return (*search.ask_links(backend, s, q, src, caller=caller_of(backend, request)), *_hidden(gr), "")

    @with_request(gr)
    def researched(s, text, src, request):
        return (*search.search_again(backend, s, text, src, caller=caller_of(backend, request)), *_hidden(gr))

    @with_request(gr)
    def show_overview(s, src, request):
        for st, ov, ov_stats, read, questions in search.ask_overview(backend, s, src, caller_of(backend, request)):
            yield st, ov, ov_stats, read, *buttons(questions)

    @with_request(gr)
    def rate(s, why, src, rating, request):
        return search.feedback(backend, s, rating, why, src, evaluator=caller_of(backend, request).name)

    return show_links, followed, researched, show_overview, rate


# -- the evaluate tab ---------------------------------------------------------------------------------

def evaluate_tab(gr, backend, choices, default, demo=None):
    """The layout and its events; returns the summary pane (the page fills it on load)."""
    c = _evaluate_layout(gr, backend, choices, default)
    next_question, save_vote, export_votes, list_votes, show_export = _evaluate_events(gr, backend)

    def show_next(event):
        return event.then(next_question, [c.session, c.source], [c.session, c.question, c.pane_a, c.pane_b],
                          concurrency_id="model", concurrency_limit=1, show_progress="minimal")

    def clear(s):  # after a saved vote only; a refused vote keeps what the evaluator ticked
        return (gr.skip(),) * 3 if s.trial is not None else (None, [], "")

    def summary():
        return evaluate.eval_summary(backend)

    def load_questions(file_path, text):
        return evaluate.eval_load(file_path, text, backend.access.limits)

    ticked = [c.choice, c.correct, c.comment]
    show_next(c.start.click(load_questions, [c.qfile, c.typed], [c.session, c.loaded]))
    saved = c.vote.click(save_vote, [c.session, *ticked, c.evaluator], [c.session, c.message])
    saved = saved.then(summary, None, c.summary).then(list_votes, None, c.mine)
    show_next(saved.then(clear, c.session, ticked))
    show_next(c.skip.click(evaluate.eval_skip, c.session, c.session).then(clear, c.session, ticked))
    c.refresh.click(summary, None, c.summary).then(list_votes, None, c.mine)
    c.export.click(export_votes, None, [c.csv_file, c.export_message])
    if demo is not None:  # what this user may see: their votes (all, for an admin), the export button
        demo.load(list_votes, None, c.mine, show_progress="hidden") \
            .then(show_export, None, [c.export, c.csv_file], queue=False)
    return c.summary


def _evaluate_layout(gr, backend, choices, default) -> SimpleNamespace:
    c = SimpleNamespace(session=gr.State(evaluate.EvalSession()))
    gr.Markdown(both("eval_help", sep="\n\n"))
    with gr.Row(equal_height=True):
        c.qfile = gr.File(label=both("questions_file"), file_types=[".jsonl", ".json"], type="filepath", scale=1)
        c.typed = gr.Textbox(label=both("typed_questions"), lines=4, scale=1, elem_id="eval-typed")
    with gr.Row(equal_height=True):
        # With a login, the vote carries the login name; the free-text name is for an app with none.
        c.evaluator = gr.Textbox(label=both("your_name"), scale=2, elem_id="eval-name",
                                 visible=not backend.access.login)
        c.source = gr.Dropdown(choices=choices, value=default, label=both("source"), scale=1, min_width=150)
        c.start = gr.Button(both("start"), variant="primary", scale=1, elem_id="eval-start")
    c.loaded = gr.HTML()
    c.question = gr.HTML(elem_id="eval-question")
    with gr.Row(equal_height=False):
        with gr.Column():
            gr.Markdown("### A")
            c.pane_a = gr.HTML(elem_id="pane-a")
        with gr.Column():
            gr.Markdown("### B")
            c.pane_b = gr.HTML(elem_id="pane-b")
    choices = [("A", "A"), ("B", "B"), (both("tie"), "tie"), (both("neither"), "neither")]  # label, stored value
    c.choice = gr.Radio(choices, label=both("which_helped"), elem_id="eval-choice")
    c.correct = gr.CheckboxGroup(["A", "B"], label=both("which_correct"), elem_id="eval-correct")
    c.comment = gr.Textbox(label=both("comment"), elem_id="eval-comment")
    with gr.Row():
        c.vote = gr.Button(both("save_vote"), variant="primary", elem_id="eval-vote")
        c.skip = gr.Button(both("skip"), elem_id="eval-skip")
    c.message = gr.HTML(elem_id="eval-message")
    gr.Markdown(f"### {both('summary')}")
    c.summary = gr.HTML(elem_id="eval-summary")
    c.mine = gr.HTML(elem_id="eval-votes")
    with gr.Row():
        c.refresh = gr.Button(both("refresh_summary"), size="sm")
        c.export = gr.Button(both("export_csv"), size="sm", elem_id="eval-export")
    c.export_message = gr.HTML(elem_id="eval-export-message")
    c.csv_file = gr.File(label=both("csv_file"), interactive=False, height=100)
    return c


def _evaluate_events(gr, backend):
    @with_request(gr)
    def next_question(s, src, request):
        return evaluate.eval_next(backend, s, src, caller_of(backend, request))

    @with_request(gr)
    def save_vote(s, c, ok, text, typed_name, request):
        caller = caller_of(backend, request)
        return evaluate.eval_vote(backend, s, c, ok, text, caller.name if caller.signed_in else typed_name)

    @with_request(gr)
    def export_votes(request):
        return evaluate.export_votes(backend, caller_of(backend, request))

    @with_request(gr)
    def list_votes(request):
        return evaluate.votes_table(backend, caller_of(backend, request))

    @with_request(gr)
    def show_export(request):  # the button and file only for those allowed; export_votes checks again
        admin = caller_of(backend, request).admin
        return gr.update(visible=admin), gr.update(visible=admin)

    return next_question, save_vote, export_votes, list_votes, show_export
