"""The search tab as a thread (ui.chat): plain handlers over the seven-document index, no server."""

import pytest

from eval.votes import summarise_votes
from rag import Assistant
from ui import chat
from ui import handlers as h

from conftest import ScriptedGenerator


@pytest.fixture
def backend(tiny_settings, embedder, tmp_path):
    settings = tiny_settings.replace(data_dir=tmp_path / "data", generate=False)
    return h.Backend.create(settings, Assistant(settings, embedder=embedder, generator=ScriptedGenerator()))


def turn(backend, state, question, fresh=False):
    out = chat.ask_links(backend, state, question, "tiny", fresh=fresh)
    state = out[0]
    *_, (state, overview, stats, reading, related) = chat.ask_overview(backend, state, "tiny")
    return state, out, overview, related


def test_a_follow_up_is_resolved_and_the_first_turn_moves_into_the_thread(backend):
    state, first, overview, related = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    assert first[7] == "Who painted the Mona Lisa?" and first[6] == ""  # searched for; no thread yet
    assert "rag-chip" in overview and 1 <= len(related) <= 3
    state, second, overview, _ = turn(backend, state, "When was he born?")
    links, thread, searched = second[1], second[6], second[7]
    assert searched == "When was Leonardo da Vinci born?"
    assert links.index("Leonardo da Vinci") < links.index("Mona Lisa")
    # the first turn, in the thread: its own overview beside its own links
    assert thread.count('class="rag-turn"') == 1 and "Who painted the Mona Lisa?" in thread
    assert thread.count('class="rag-link"') == 7 and 'id="t1-src-1"' in thread
    assert 'id="t2-src-1"' in overview  # chips of the latest turn never point into the thread
    assert state["latest"]["resolved"] == "When was Leonardo da Vinci born?" and state["latest"]["turn"] == 2


def test_new_topic_and_the_top_box_forget_the_conversation(backend):
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    assert chat.new_topic()[0] == chat.new_thread()
    out = chat.ask_links(backend, state, "When was he born?", "tiny", fresh=True)
    assert out[7] == "When was he born?" and out[6] == ""


def test_an_edited_search_replaces_the_latest_turn(backend):
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    state, *_ = turn(backend, state, "When was he born?")
    out = chat.search_again(backend, state, "When was the Eiffel Tower built?", "tiny")
    assert out[7] == "When was the Eiffel Tower built?" and out[1].index("Eiffel Tower") < out[1].index("Mona Lisa")
    *_, (state, overview, *_rest) = chat.ask_overview(backend, out[0], "tiny")
    assert state["latest"]["turn"] == 2 and state["latest"]["question"] == "When was he born?"
    assert len(state["conv"]["turns"]) == 2 and out[6].count('class="rag-turn"') == 1


def test_thumbs_down_with_a_reason_is_stored_with_the_votes_and_summarised(backend):
    assert "no answer to rate" in chat.feedback(backend, None, "down", "", "tiny")
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    state, *_ = turn(backend, state, "When was he born?")
    said = chat.feedback(backend, state, "down", "wrong person <b>", "tiny")
    assert "saved" in said
    rows = backend.votes.feedback_rows()
    assert [(r["rating"], r["reason"], r["question"], r["resolved_query"], r["turn"]) for r in rows] == \
        [("down", "wrong person <b>", "When was he born?", "When was Leonardo da Vinci born?", 2)]
    summary = h.eval_summary(backend)
    assert "Answer feedback" in summary and "wrong person &lt;b&gt;" in summary
    report = summarise_votes(backend.votes)
    assert "no votes yet" in report and "1 thumbs down" in report.replace("0 thumbs up / ", "")
