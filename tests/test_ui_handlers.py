"""The app's handlers as plain functions, over a real tiny index (real MiniLM, FAISS, bm25s).

The writer model is the scripted one from conftest: these tests check what the page shows for a
known draft; the real model runs in the browser test.
"""

import csv
import random
import re

import pytest

from rag import Assistant
from rag.errors import GenerationError
from rag.answer.generation import Generator
from ui import handlers as h
from ui.questions import Question

from conftest import ScriptedGenerator


@pytest.fixture
def backend(tiny_settings, embedder, tmp_path):
    def make(*replies, generator=None, **kw):
        settings = tiny_settings.replace(data_dir=tmp_path / "data")
        assistant = Assistant(settings, embedder=embedder, generator=generator or ScriptedGenerator(*replies))
        return h.Backend.create(settings, assistant, **kw)
    return make


def no_traceback(*html: str):
    assert not any("Traceback" in x or 'File "' in x for x in html)


# -- search page ------------------------------------------------------------------------------------------

def test_links_come_back_alone_and_clear_the_old_overview(backend):
    links, stats, reading, ov, ov_stats = h.search_links(backend(), "Who painted the Mona Lisa?", "tiny")
    assert links.count('class="rag-link"') == 7
    assert links.index("Mona Lisa") < links.index("Eiffel Tower")
    assert re.search(r"7 links in [\d.]+ m?s<", stats)  # "35 ms", or "1.2 s" on a busy machine
    assert reading == "" and ov_stats == "" and "Waiting" in ov


def test_overview_streams_links_then_draft_then_the_checked_version(backend):
    b = backend("The Mona Lisa was painted by Leonardo da Vinci [1].")
    frames = list(h.stream_overview(b, "Who painted the Mona Lisa?", "tiny"))
    kinds = ["final" if "rag-chip" in f[0] else "draft" if "rag-draft" in f[0] else "wait" for f in frames]
    assert kinds[0] == "wait" and kinds[-1] == "final"
    assert kinds.count("draft") >= 5 and kinds.count("final") == 1
    assert kinds.index("final") > max(i for i, k in enumerate(kinds) if k == "draft")
    html, stats, reading = frames[-1]
    assert "The Mona Lisa was painted by Leonardo da Vinci." in html and 'href="#ov-src-1"' in html
    assert "rag-draft" not in html  # the checked version replaced the draft
    assert "first token" in stats and "total" in stats and "To read:" in stats
    assert "down to result 1," in reading


def test_unsupported_draft_is_replaced_by_a_quote(backend):
    b = backend("The Mona Lisa was painted by Pablo Picasso [1].")
    html = list(h.stream_overview(b, "Who painted the Mona Lisa?", "tiny"))[-1][0]
    assert "Picasso" not in html and "Leonardo da Vinci" in html and "rag-quoted" in html


def test_abstention_is_plain(backend):
    html = list(h.stream_overview(backend("Made up [1]."), "best banana bread recipe", "tiny"))[-1][0]
    assert "No answer." in html and "rag-chip" not in html


@pytest.mark.parametrize("query", ["", "   ", None])
def test_empty_query_is_a_visible_message(backend, query):
    b = backend()
    links, *rest = h.search_links(b, query, "tiny")
    assert 'class="rag-error"' in links and "query is empty" in links
    assert list(h.stream_overview(b, query, "tiny")) == [("", "", "")]  # said once, beside the links
    no_traceback(links, *rest)


def test_unknown_source_says_how_to_build_it(backend):
    b = backend()
    links = h.search_links(b, "mona lisa", "nope")[0]
    ov = list(h.stream_overview(b, "mona lisa", "nope"))[-1][0]
    for html in (links, ov):
        assert "rag-error" in html and "no index &#x27;nope&#x27;" in html and "rag index build" in html


def test_a_failing_model_still_gives_a_quoted_overview_with_a_notice(backend):
    class Broken(Generator):
        def stream(self, messages, max_tokens=96, temperature=0.0):
            raise GenerationError("the model file is missing")
            yield

    html = list(h.stream_overview(backend(generator=Broken()), "how high is mount everest", "tiny"))[-1][0]
    assert "8,849" in html and "rag-notice" in html and "the model file is missing" in html


def test_an_unexpected_failure_is_a_message_not_a_traceback(backend):
    class Crashing(Generator):
        def stream(self, messages, max_tokens=96, temperature=0.0):
            yield "The Mona"
            raise RuntimeError("llama.cpp exploded")

    b = backend(generator=Crashing())
    frames = list(h.stream_overview(b, "mona lisa", "tiny"))
    assert "rag-draft" in frames[-2][0]
    assert "Something went wrong (RuntimeError: llama.cpp exploded)" in frames[-1][0]
    b.assistant.search = lambda *a, **k: 1 / 0
    links = h.search_links(b, "mona lisa", "tiny")[0]
    assert "Something went wrong (ZeroDivisionError" in links and "server log" in links
    no_traceback(links, frames[-1][0])


def test_sources_list_built_indexes_and_web_only_when_it_works(backend):
    assert h.source_choices(backend()) == [("tiny", "tiny")]
    assert h.default_source(backend()) == "tiny"
    assert h.source_choices(backend(web=True))[-1] == ("Web", "web")


def test_warm_up_reports_progress_then_problems(backend, tiny_settings, embedder, tmp_path):
    b = backend()
    b.warmup.start()
    assert list(h.status(b))[-1] == ""  # ready, nothing to report
    missing = Assistant(tiny_settings.replace(index="gone"), embedder=embedder, generator=ScriptedGenerator())
    w = h.Warmup(missing).start()
    w.wait(60)
    assert "no index &#x27;gone&#x27;" in w.status() and "rag-error" in w.status()


# -- evaluator --------------------------------------------------------------------------------------------

QUESTIONS = "Who painted the Mona Lisa?\nHow high is Mount Everest?\nWho created Python?\n" \
            "When was the Eiffel Tower built?\nWhich dynasty built the Great Wall?\nWhat is photosynthesis?"


def start(b, typed=QUESTIONS):
    session, msg = h.eval_load(None, typed)
    assert "6 questions loaded" in msg
    return session


def test_a_and_b_hold_both_modes_in_random_order_per_question(backend):
    b = backend(rng=random.Random(3))
    session, modes = start(b), []
    for _ in range(6):
        session, question, a, b_pane = h.eval_next(b, session, "tiny")
        assert "Question" in question
        panes = {"overview" if "rag-overview" in p else "links" if "rag-links" in p else "?" for p in (a, b_pane)}
        assert panes == {"overview", "links"}
        assert ("rag-overview" in a) == (session.trial.a_mode == "overview")
        assert "AI overview" not in a + b_pane and ">Links<" not in a + b_pane  # nothing says which is which
        modes.append(session.trial.a_mode)
        session = h.eval_skip(session)
    assert set(modes) == {"overview", "links"}
    assert h.eval_next(b, session, "tiny")[1].count("All 6 questions done") == 1


def test_vote_is_decoded_stored_and_summarised(backend):
    b = backend()
    session = start(b)
    session, *_ = h.eval_next(b, session, "tiny")
    a_mode = session.trial.a_mode
    session, msg = h.eval_vote(b, session, "A", ["B"], " helpful ", "ann")
    assert "Vote saved" in msg and session.trial is None
    row = b.votes.rows()[0]
    assert row["winner"] == a_mode and row["a_mode"] == a_mode
    assert (row["overview_correct"], row["links_correct"]) == ((0, 1) if a_mode == "overview" else (1, 0))
    assert row["question"] == "Who painted the Mona Lisa?" and row["comment"] == "helpful"
    assert row["evaluator"] == "ann" and row["source"] == "tiny" and 0 <= row["decision_ms"] < 60_000
    summary = h.eval_summary(b)
    assert "1 vote" in summary and "95% CI" in summary and "Median decision time" in summary


def test_a_vote_needs_a_question_and_a_choice(backend):
    b = backend()
    session = start(b)
    _, msg = h.eval_vote(b, session, "A", [], "", "")
    assert "no question on screen" in msg
    session, question, a, b_pane = h.eval_next(b, session, "tiny")
    kept, msg = h.eval_vote(b, session, None, ["A"], "", "")
    assert "Choose which helped more" in msg and kept.trial is session.trial
    # not voted on: the same question stays, with the same A/B order
    assert h.eval_next(b, kept, "tiny")[1:] == (question, a, b_pane)
    assert b.votes.rows() == []


def test_no_questions_is_a_message(backend):
    session, msg = h.eval_load(None, "  \n ")
    assert "No questions" in msg
    assert "Load questions first" in h.eval_next(backend(), session, "tiny")[1]
    session, msg = h.eval_load("/nonexistent/q.jsonl", "")
    assert "rag-error" in msg and "cannot read q.jsonl" in msg


def test_reference_answers_from_a_squad_file_are_shown(backend, squad_file):
    b = backend()
    session, msg = h.eval_load(str(squad_file), "")
    assert "3 questions loaded (tiny-squad.json)" in msg
    assert session.questions[0] == Question("Who painted the Mona Lisa?", ("Leonardo da Vinci",))
    question = h.eval_next(b, session, "tiny")[1]
    assert "Reference answer: Leonardo da Vinci" in question


def test_export_writes_every_vote(backend):
    b = backend()
    session = start(b)
    for choice in ("A", "tie"):
        session, *_ = h.eval_next(b, session, "tiny")
        session, _ = h.eval_vote(b, session, choice, [], "", "")
    with open(h.eval_export(b), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["blind_choice"] for r in rows] == ["A", "tie"]
