"""Thumbs up/down on answers (ui.votes Feedback): same store as the votes, old files upgraded in place."""

import sqlite3

import pytest

from eval.votes import summarise_votes
from rag import RagError
from ui.votes import Feedback, SqliteVoteStore


def test_feedback_is_summarised_with_a_wilson_interval_newest_reason_first(tmp_path):
    store = SqliteVoteStore(tmp_path / "votes.sqlite3")
    store.add_feedback(Feedback("Who painted the Mona Lisa?", "up"))
    store.add_feedback(Feedback("When was he born?", "down", "  wrong person  ", "When was Picasso born?", 2))
    store.add_feedback(Feedback("그는 언제 태어났나요?", "down", "답이 틀림"))
    fb = SqliteVoteStore(store.path, create=False).feedback_summary()  # survives reopening, as after a restart
    assert (fb.n, fb.helpful.k) == (3, 1) and 0 < fb.helpful.low < 1 / 3 < fb.helpful.high < 1
    assert fb.reasons == [("down", "그는 언제 태어났나요?", "답이 틀림"), ("down", "When was he born?", "wrong person")]
    report = summarise_votes(store)
    assert "3 ratings, 1 thumbs up / 2 thumbs down" in report and "답이 틀림" in report


def test_a_votes_file_from_before_feedback_gets_the_table_on_first_use(tmp_path):
    path = tmp_path / "old.sqlite3"
    store = SqliteVoteStore(path)
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE feedback")
    old = SqliteVoteStore(path, create=False)
    assert old.feedback_rows() == [] and old.feedback_summary().n == 0
    old.add_feedback(Feedback("q", "up"))
    assert [r["rating"] for r in store.feedback_rows()] == ["up"]


def test_a_rating_is_up_or_down():
    with pytest.raises(RagError, match="thumbs up or down"):
        Feedback("q", "meh")
