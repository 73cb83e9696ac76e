"""The Evaluate tab's handlers (ui.evaluate) as plain functions, over a real tiny index (real MiniLM, FAISS,
bm25s). The writer model is the scripted one from conftest; the real model runs in the browser test.
"""

import csv
import random

import pytest

from rag import Assistant
from ui import evaluate as ev
from ui.backend import Backend
from ui.questions import Question

from conftest import ScriptedGenerator


@pytest.fixture
def backend(tiny_settings, embedder, tmp_path):
    def make(*replies, generator=None, **kw):
        settings = tiny_settings.replace(data_dir=tmp_path / "data")
        assistant = Assistant(settings, embedder=embedder, generator=generator or ScriptedGenerator(*replies))
        return Backend.create(settings, assistant, **kw)
    return make


QUESTIONS = "Who painted the Mona Lisa?\nHow high is Mount Everest?\nWho created Python?\n" \
            "When was the Eiffel Tower built?\nWhich dynasty built the Great Wall?\nWhat is photosynthesis?"


def start(b, typed=QUESTIONS):
    session, msg = ev.eval_load(None, typed)
    assert "6 questions loaded (typed)." in msg
    return session


def test_a_and_b_hold_both_modes_in_random_order_per_question(backend):
    b = backend(rng=random.Random(3))
    session, modes = start(b), []
    for _ in range(6):
        session, question, a, b_pane = ev.eval_next(b, session, "tiny")
        assert "Question" in question
        panes = {"overview" if "rag-overview" in p else "links" if "rag-links" in p else "?" for p in (a, b_pane)}
        assert panes == {"overview", "links"}
        assert ("rag-overview" in a) == (session.trial.a_mode == "overview")
        assert "AI overview" not in a + b_pane and ">Links<" not in a + b_pane  # nothing says which is which
        modes.append(session.trial.a_mode)
        session = ev.eval_skip(session)
    assert set(modes) == {"overview", "links"}
    assert ev.eval_next(b, session, "tiny")[1].count("All 6 questions done") == 1


def test_vote_is_decoded_stored_and_summarised(backend):
    b = backend()
    session = start(b)
    session, *_ = ev.eval_next(b, session, "tiny")
    a_mode = session.trial.a_mode
    session, msg = ev.eval_vote(b, session, "A", ["B"], " helpful ", "ann")
    assert "Vote saved (A)." in msg and "투표" not in msg and session.trial is None  # the question's language
    row = b.votes.rows()[0]
    assert row["winner"] == a_mode and row["a_mode"] == a_mode
    assert (row["overview_correct"], row["links_correct"]) == ((0, 1) if a_mode == "overview" else (1, 0))
    assert row["question"] == "Who painted the Mona Lisa?" and row["comment"] == "helpful"
    assert row["evaluator"] == "ann" and row["source"] == "tiny" and 0 <= row["decision_ms"] < 60_000
    summary = ev.eval_summary(b)
    assert "1 vote from 1 evaluator · 투표 1개, 평가자 1명" in summary  # tied to no question: both languages
    assert "95% CI" in summary and "Median decision time · 판단 시간 중앙값" in summary


def test_a_vote_needs_a_question_and_a_choice(backend):
    b = backend()
    session = start(b)
    _, msg = ev.eval_vote(b, session, "A", [], "", "")
    assert "no question on screen" in msg
    session, question, a, b_pane = ev.eval_next(b, session, "tiny")
    kept, msg = ev.eval_vote(b, session, None, ["A"], "", "")
    assert "Choose which helped more" in msg and kept.trial is session.trial
    # not voted on: the same question stays, with the same A/B order
    assert ev.eval_next(b, kept, "tiny")[1:] == (question, a, b_pane)
    assert b.votes.rows() == []


def test_no_questions_is_a_message(backend):
    session, msg = ev.eval_load(None, "  \n ")
    assert "No questions" in msg and "질문이 없습니다" in msg
    assert "Load questions first" in ev.eval_next(backend(), session, "tiny")[1]
    session, msg = ev.eval_load("/nonexistent/q.jsonl", "")
    assert "rag-error" in msg and "cannot read q.jsonl" in msg


def test_reference_answers_from_a_squad_file_are_shown(backend, squad_file):
    b = backend()
    session, msg = ev.eval_load(str(squad_file), "")
    assert "3 questions loaded (tiny-squad.json). · 질문 3개를 불러왔습니다 (tiny-squad.json)." in msg
    assert session.questions[0] == Question("Who painted the Mona Lisa?", ("Leonardo da Vinci",))
    question = ev.eval_next(b, session, "tiny")[1]
    assert "Reference answer: Leonardo da Vinci" in question


def test_export_writes_every_vote(backend):
    b = backend()
    session = start(b)
    for choice in ("A", "tie"):
        session, *_ = ev.eval_next(b, session, "tiny")
        session, _ = ev.eval_vote(b, session, choice, [], "", "")
    with open(ev.eval_export(b), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["blind_choice"] for r in rows] == ["A", "tie"]
