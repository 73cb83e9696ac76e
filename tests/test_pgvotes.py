"""Votes in PostgreSQL: the vote store contract on both backends, and several replicas writing at once."""

import csv
import multiprocessing
import threading

import psycopg
import pytest

from rag.settings import Settings
from ui.pgvotes import PgVoteStore
from ui.votes import Feedback, VoteStore

from test_votes import vote

pytestmark = pytest.mark.slow  # starts PostgreSQL


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    return s.replace(pg_url=request.getfixturevalue("fresh_schema")) if request.param == "postgresql" else s


def test_open_picks_the_backend_from_the_settings(settings):
    store = VoteStore.open(settings)
    assert isinstance(store, PgVoteStore) == bool(settings.pg_url)


def test_contract_decoding_summary_reopen_and_export(settings, tmp_path):
    store = VoteStore.open(settings)
    store.add(vote("A", "overview", ov_ok=True, links_ok=False, ms=1000, evaluator="ann",
                   comment='says "Leonardo", quotes', answers=("Leonardo da Vinci",)))
    store.add(vote("A", "links", ov_ok=False, links_ok=True, ms=3000, evaluator="bo"))
    store.add(vote("tie", "links", ms=2000, evaluator="ann"))
    again = VoteStore.open(settings)
    rows = again.rows()
    assert [r["winner"] for r in rows] == ["overview", "links", "tie"]
    assert rows[0]["answers"] == '["Leonardo da Vinci"]' and rows[0]["overview_correct"] == 1
    assert again.rows(limit=1) == rows[:1]
    s = again.summary()
    assert (s.votes, s.evaluators, s.median_decision_s) == (3, 2, 2.0)
    assert (s.wins["overview"].k, s.wins["links"].k, s.correct["links"].k) == (1, 1, 1)
    with open(again.export_csv(tmp_path / "out.csv"), encoding="utf-8") as f:
        exported = list(csv.DictReader(f))
    assert [r["comment"] for r in exported] == ['says "Leonardo", quotes', "", ""]


def test_own_votes_and_answer_feedback_on_both_stores(settings):
    store = VoteStore.open(settings)
    store.add(vote("A", "overview", evaluator="ann"))
    store.add(vote("B", "overview", evaluator="bo"))
    assert [r["evaluator"] for r in store.rows(evaluator="ann")] == ["ann"]  # a signed-in user's own
    store.add_feedback(Feedback(question="When was he born?", rating="down", reason="wrong person",
                                resolved_query="When was Leonardo da Vinci born?", turn=2, evaluator="ann"))
    store.add_feedback(Feedback(question="Who painted the Mona Lisa?", rating="up"))
    rows = VoteStore.open(settings).feedback_rows()
    assert [(r["rating"], r["turn"], r["resolved_query"]) for r in rows] == [
        ("down", 2, "When was Leonardo da Vinci born?"), ("up", 1, "")]
    summary = store.feedback_summary()
    assert (summary.n, summary.helpful.k) == (2, 1)
    assert summary.reasons == [("down", "When was he born?", "wrong person")]


def test_two_replicas_and_threads_lose_no_vote(fresh_schema, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", pg_url=fresh_schema)
    store = VoteStore.open(settings)

    def write(i):
        for j in range(25):
            store.add(vote(question=f"q{i}-{j}"))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    with multiprocessing.get_context("spawn").Pool(2) as pool:  # other processes, as two app replicas are
        pool.starmap(_write_from_process, [(fresh_schema, str(tmp_path), p) for p in range(2)])
    for t in threads:
        t.join()
    with psycopg.connect(fresh_schema) as conn:
        questions = [r[0] for r in conn.execute("SELECT question FROM rag_votes")]
    assert len(questions) == 150 and len(set(questions)) == 150


def _write_from_process(url: str, tmp: str, p: int) -> None:
    s = VoteStore.open(Settings(data_dir=tmp, pg_url=url))
    for j in range(25):
        s.add(vote(question=f"p{p}-{j}"))
