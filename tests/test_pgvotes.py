"""Votes in PostgreSQL: the vote store contract on both backends, and several replicas writing at once."""

import csv
import multiprocessing
import threading

import psycopg
import pytest

from rag.errors import RagError
from rag.settings import Settings
from ui.votes import Feedback, PgVoteStore, SqliteVoteStore, open_votes

from pgfixtures import drop_rag_tables

from test_votes import vote

pytestmark = pytest.mark.slow  # starts PostgreSQL


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path) -> Settings:
    s = Settings(data_dir=tmp_path / "data")
    return s.replace(pg_url=request.getfixturevalue("fresh_schema")) if request.param == "postgresql" else s


def test_open_picks_the_backend_from_the_settings(settings):
    store = open_votes(settings)
    assert type(store) is (PgVoteStore if settings.pg_url else SqliteVoteStore)
    assert store.exports == settings.data_dir / "exports"  # where Export CSV writes, on either backend
    if settings.pg_url:
        assert store.where.startswith("PostgreSQL postgresql://") and store.files == ()
    else:
        assert store.where == str(settings.data_dir / "votes.sqlite3") and store.files == (store.path,)


def test_contract_decoding_summary_reopen_and_export(settings, tmp_path):
    store = open_votes(settings)
    store.add(vote("A", "overview", ov_ok=True, links_ok=False, ms=1000, evaluator="ann",
                   comment='says "Leonardo", quotes', answers=("Leonardo da Vinci",)))
    store.add(vote("A", "links", ov_ok=False, links_ok=True, ms=3000, evaluator="bo"))
    store.add(vote("tie", "links", ms=2000, evaluator="ann"))
    again = open_votes(settings)
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
    store = open_votes(settings)
    store.add(vote("A", "overview", evaluator="ann"))
    store.add(vote("B", "overview", evaluator="bo"))
    assert [r["evaluator"] for r in store.rows(evaluator="ann")] == ["ann"]  # a signed-in user's own
    store.add_feedback(Feedback(question="When was he born?", rating="down", reason="wrong person",
                                resolved_query="When was Leonardo da Vinci born?", turn=2, evaluator="ann"))
    store.add_feedback(Feedback(question="Who painted the Mona Lisa?", rating="up"))
    rows = open_votes(settings).feedback_rows()
    assert [(r["rating"], r["turn"], r["resolved_query"]) for r in rows] == [
        ("down", 2, "When was Leonardo da Vinci born?"), ("up", 1, "")]
    summary = store.feedback_summary()
    assert (summary.n, summary.helpful.k) == (2, 1)
    assert summary.reasons == [("down", "When was he born?", "wrong person")]


def test_two_replicas_and_threads_lose_no_vote(fresh_schema, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", pg_url=fresh_schema)
    store = open_votes(settings)

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
    s = open_votes(Settings(data_dir=tmp, pg_url=url))
    for j in range(25):
        s.add(vote(question=f"p{p}-{j}"))


def test_reading_without_create_changes_nothing_and_says_what_is_missing(fresh_schema, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", pg_url=fresh_schema)
    with pytest.raises(RagError, match="no votes in PostgreSQL .* the app creates it when it first starts"):
        open_votes(settings, create=False)
    with psycopg.connect(fresh_schema) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'rag%'").fetchone()[0] == 0
    open_votes(settings).add(vote())
    assert len(open_votes(settings, create=False).rows()) == 1


def test_the_fixture_drops_every_rag_table_and_nothing_else(fresh_schema, tmp_path):
    store = open_votes(Settings(data_dir=tmp_path / "data", pg_url=fresh_schema))
    store.add(vote())
    store.add_feedback(Feedback("q", "up"))
    with psycopg.connect(fresh_schema, autocommit=True) as conn:
        conn.execute("CREATE TABLE rag_next_feature (x int)")  # a rag table this fixture has never heard of
        conn.execute("CREATE SCHEMA rag_0123 CREATE TABLE chunks (x int)")  # as a build's schema
        conn.execute("CREATE TABLE not_ours (x int)")
        try:
            drop_rag_tables(fresh_schema)
            tables = {t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            schemas = {s for (s,) in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rag%'")}
        finally:
            conn.execute("DROP TABLE IF EXISTS not_ours")
    assert not {t for t in tables if t.startswith("rag")} and "not_ours" in tables and schemas == set()
