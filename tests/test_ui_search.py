"""The search tab as the app serves it (ui.search, a thread): plain handlers over the seven-document index,
no server. The writer is the scripted one from conftest: these tests check what the page shows for a known
draft; the real model runs in the browser test."""

import re

import pytest

from eval.votes import summarise_votes
from rag import Assistant
from rag.answer.generation import Generator
from rag.errors import GenerationError
from rag.store.local import build_index
from ui import search
from ui.backend import Backend, Warmup, default_source, source_choices, status
from ui.evaluate import eval_summary

from conftest import ScriptedGenerator
from corpus import korean_documents


@pytest.fixture
def backend(tiny_settings, embedder, tmp_path):
    settings = tiny_settings.replace(data_dir=tmp_path / "data", generate=False)
    return Backend.create(settings, Assistant(settings, embedder=embedder, generator=ScriptedGenerator()))


@pytest.fixture
def writing(tiny_settings, embedder, tmp_path):
    """A backend whose model writes the given drafts (or is the given generator)."""
    def make(*replies, generator=None, **kw):
        settings = tiny_settings.replace(data_dir=tmp_path / "data")
        assistant = Assistant(settings, embedder=embedder, generator=generator or ScriptedGenerator(*replies))
        return Backend.create(settings, assistant, **kw)
    return make


def turn(backend, state, question, fresh=False, source="tiny"):
    out = search.ask_links(backend, state, question, source, fresh=fresh)
    frames = list(search.ask_overview(backend, out[0], source))
    state, overview, stats, reading, related = frames[-1]
    return state, out, overview, related


def overview_frames(backend, question, source="tiny"):
    """The overview pane's frames for a new topic: (overview, overview stats, reading stats) each."""
    out = search.ask_links(backend, None, question, source, fresh=True)
    return out, [f[1:4] for f in search.ask_overview(backend, out[0], source)]


def no_traceback(*html: str):
    assert not any("Traceback" in x or 'File "' in x for x in html)


# -- one question ---------------------------------------------------------------------------------------

def test_links_come_back_alone_and_clear_the_old_overview(backend):
    state, links, stats, reading, ov, ov_stats, thread, searched, said = \
        search.ask_links(backend, None, "Who painted the Mona Lisa?", "tiny", fresh=True)
    assert links.count('class="rag-link"') == 7
    assert links.index("Mona Lisa") < links.index("Eiffel Tower")
    assert re.search(r"7 links in [\d.]+ m?s<", stats)  # "35 ms", or "1.2 s" on a busy machine
    assert reading == "" and ov_stats == "" and "Waiting for the language model" in ov
    assert state["pending"] == {"question": "Who painted the Mona Lisa?", "resolved": "Who painted the Mona Lisa?"}


def test_overview_streams_reading_then_draft_then_the_checked_version(writing):
    _, frames = overview_frames(writing("The Mona Lisa was painted by Leonardo da Vinci [1]."),
                                "Who painted the Mona Lisa?")
    kinds = ["final" if "rag-chip" in f[0] else "draft" if "rag-draft" in f[0] else "wait" for f in frames]
    assert kinds[0] == "wait" and "Reading the sources" in frames[0][0] and kinds[-1] == "final"
    assert kinds.count("draft") >= 5 and kinds.count("final") == 1
    assert kinds.index("final") > max(i for i, k in enumerate(kinds) if k == "draft")
    html, stats, reading = frames[-1]
    assert "The Mona Lisa was painted by Leonardo da Vinci." in html and 'href="#t1-src-1"' in html
    assert "rag-draft" not in html  # the checked version replaced the draft
    assert "first token" in stats and "total" in stats and "To read:" in stats
    assert "down to result 1," in reading


@pytest.fixture(scope="module")
def korean_settings(tiny_settings, embedder, tmp_path_factory):
    settings = tiny_settings.replace(index_dir=tmp_path_factory.mktemp("ko-indexes"), index="tiny-ko")
    build_index(korean_documents(), settings, "tiny-ko", "test:tiny-ko", embedder, lang="ko", progress=False)
    return settings


def test_a_korean_question_gets_its_panes_and_draft_in_korean(korean_settings, embedder, tmp_path):
    settings = korean_settings.replace(data_dir=tmp_path / "data", writer_langs="en,ko")  # let the model write
    writer = ScriptedGenerator("모나리자는 레오나르도 다 빈치가 그린 초상화이다 [1].")
    b = Backend.create(settings, Assistant(settings, embedder=embedder, generator=writer))
    out, frames = overview_frames(b, "모나리자를 그린 화가는 누구인가?", "tiny-ko")
    assert "<h3>링크</h3>" in out[1] and "언어 모델을 기다리는 중" in out[4] and re.search(r"링크 \d+개, ", out[2])
    drafts = [f[0] for f in frames if "rag-draft" in f[0]]
    assert drafts and all("초안" in d and "AI 개요" in d and "Draft" not in d for d in drafts)
    assert "레오나르도 다 빈치" in frames[-1][0] and "rag-chip" in frames[-1][0]


def test_unsupported_draft_is_replaced_by_a_quote(writing):
    _, frames = overview_frames(writing("The Mona Lisa was painted by Pablo Picasso [1]."),
                                "Who painted the Mona Lisa?")
    html = frames[-1][0]
    assert "Picasso" not in html and "Leonardo da Vinci" in html and "rag-quoted" in html


def test_abstention_is_plain(writing):
    _, frames = overview_frames(writing("Made up [1]."), "best banana bread recipe")
    assert "No answer." in frames[-1][0] and "rag-chip" not in frames[-1][0]


@pytest.mark.parametrize("query", ["", "   ", None])
def test_empty_query_is_a_visible_message(backend, query):
    out = search.ask_links(backend, None, query, "tiny", fresh=True)
    assert 'class="rag-error"' in out[1] and "query is empty" in out[1]
    assert out[0]["pending"] is None
    frames = list(search.ask_overview(backend, out[0], "tiny"))
    assert [f[1:] for f in frames] == [("", "", "", [])]  # said once, beside the links
    no_traceback(*out[1:7])


def test_unknown_source_says_how_to_build_it(backend):
    links = search.ask_links(backend, None, "mona lisa", "nope", fresh=True)[1]
    assert "rag-error" in links and "no index &#x27;nope&#x27;" in links and "rag index build" in links


def test_a_failing_model_still_gives_a_quoted_overview_with_a_notice(writing):
    class Broken(Generator):
        def stream(self, messages, max_tokens=96, temperature=0.0):
            raise GenerationError("the model file is missing")
            yield

    _, frames = overview_frames(writing(generator=Broken()), "how high is mount everest")
    html = frames[-1][0]
    assert "8,849" in html and "rag-notice" in html and "the model file is missing" in html


def test_an_unexpected_failure_is_a_message_in_the_question_language_not_a_traceback(writing):
    class Crashing(Generator):
        def stream(self, messages, max_tokens=96, temperature=0.0):
            yield "The Mona"
            raise RuntimeError("llama.cpp exploded")

    b = writing(generator=Crashing())
    _, frames = overview_frames(b, "mona lisa")
    assert "rag-draft" in frames[-2][0]
    assert "Something went wrong (RuntimeError: llama.cpp exploded)" in frames[-1][0]
    b.assistant.search = lambda *a, **k: 1 / 0
    links = search.ask_links(b, None, "mona lisa", "tiny", fresh=True)[1]
    assert "Something went wrong (ZeroDivisionError" in links and "server log" in links
    korean = search.ask_links(b, None, "모나리자", "tiny", fresh=True)[1]
    assert "문제가 생겼습니다 (ZeroDivisionError" in korean and "Something went wrong" not in korean
    no_traceback(links, korean, frames[-1][0])


# -- the backend both tabs share ------------------------------------------------------------------------

def test_sources_list_built_indexes_and_web_only_when_it_works(writing):
    assert source_choices(writing()) == [("tiny", "tiny")]
    assert default_source(writing()) == "tiny"
    assert source_choices(writing(web=True))[-1] == ("Web", "web")


def test_warm_up_reports_progress_then_problems(writing, tiny_settings, embedder):
    b = writing()
    b.warmup.start()
    assert list(status(b))[-1] == ""  # ready, nothing to report
    missing = Assistant(tiny_settings.replace(index="gone"), embedder=embedder, generator=ScriptedGenerator())
    w = Warmup(missing).start()
    w.wait(60)
    assert "no index &#x27;gone&#x27;" in w.status() and "rag-error" in w.status()


# -- the thread -----------------------------------------------------------------------------------------

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
    state, third, *_ = turn(backend, state, "Where is the Eiffel Tower?")
    assert "Searched for · 검색어: When was Leonardo da Vinci born?" in third[6]  # turn 2, resolved, in the thread


def test_new_topic_and_the_top_box_forget_the_conversation(backend):
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    assert search.new_topic()[0] == search.new_thread()
    out = search.ask_links(backend, state, "When was he born?", "tiny", fresh=True)
    assert out[7] == "When was he born?" and out[6] == ""


def test_an_edited_search_replaces_the_latest_turn(backend):
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    state, *_ = turn(backend, state, "When was he born?")
    out = search.search_again(backend, state, "When was the Eiffel Tower built?", "tiny")
    assert out[7] == "When was the Eiffel Tower built?" and out[1].index("Eiffel Tower") < out[1].index("Mona Lisa")
    *_, (state, overview, *_rest) = search.ask_overview(backend, out[0], "tiny")
    assert state["latest"]["turn"] == 2 and state["latest"]["question"] == "When was he born?"
    assert len(state["conv"]["turns"]) == 2 and out[6].count('class="rag-turn"') == 1


def test_thumbs_down_with_a_reason_is_stored_with_the_votes_and_summarised(backend):
    assert "no answer to rate" in search.feedback(backend, None, "down", "", "tiny")
    state, *_ = turn(backend, None, "Who painted the Mona Lisa?", fresh=True)
    state, *_ = turn(backend, state, "When was he born?")
    said = search.feedback(backend, state, "down", "wrong person <b>", "tiny")
    assert "Thanks — saved 👎" in said and "저장했습니다" not in said  # in the question's language
    rows = backend.votes.feedback_rows()
    assert [(r["rating"], r["reason"], r["question"], r["resolved_query"], r["turn"]) for r in rows] == \
        [("down", "wrong person <b>", "When was he born?", "When was Leonardo da Vinci born?", 2)]
    summary = eval_summary(backend)
    assert "Answer feedback: 1 rating — 0 👍 / 1 👎" in summary and "wrong person &lt;b&gt;" in summary
    report = summarise_votes(backend.votes)
    assert "no votes yet" in report and "1 thumbs down" in report.replace("0 thumbs up / ", "")
