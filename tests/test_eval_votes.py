"""`rag eval --votes [PATH]`: the app's own votes (a SQLite file, or PostgreSQL), summarised by the app's own
summariser, as Markdown."""

import json
import sqlite3

import pytest

from eval.votes import summarise_votes, votes_report
from rag.cli import main
from rag.errors import RagError
from rag.settings import Settings
from ui.votes import Feedback, SqliteVoteStore, Vote, open_votes


def vote(choice, a_mode, ov_ok, links_ok, ms, evaluator=""):
    return Vote(question="Who painted the Mona Lisa?", a_mode=a_mode, choice=choice, overview_correct=ov_ok,
                links_correct=links_ok, decision_ms=ms, evaluator=evaluator)


def add_four_votes(store):
    """Overview wins twice, links once, one tie."""
    store.add(vote("A", "overview", True, False, 2000, "ann"))
    store.add(vote("A", "links", True, True, 4000, "bob"))
    store.add(vote("B", "links", False, True, 6000, "ann"))
    store.add(vote("tie", "overview", True, True, 10000))
    store.add_feedback(Feedback("When was he born?", "down", "wrong person"))


@pytest.fixture
def votes(tmp_path):
    """The file the app writes, with four votes and one thumbs down."""
    store = open_votes(Settings(data_dir=tmp_path / "data"))
    add_four_votes(store)
    return store.path


def test_the_apps_votes_as_a_markdown_table(votes):
    lines = votes_report(Settings(), votes).splitlines()
    assert lines[0] == f"4 votes from 3 evaluators in {votes}"
    assert lines[2:4] == ["| | rate | 95% CI | count |", "|---|---|---|---|"]
    assert lines[4] == "| Overview preferred | 50.0% | 15.0%–85.0% | 2/4 |"  # Wilson, 2 of 4
    assert [line.split(" | ")[0] for line in lines[5:10]] == [
        "| Links preferred", "| Tie", "| Neither helped", "| Overview answered correctly", "| Links answered correctly"]
    assert lines[8].endswith("| 3/4 |") and lines[9].endswith("| 3/4 |")
    assert lines[11] == "median decision time 5.0 s"
    assert lines[13].startswith("answer feedback: 1 rating, 0 thumbs up / 1 thumbs down")
    assert lines[-1] == "- 👎 “When was he born?”: wrong person"


def test_the_same_figures_as_the_app(votes):
    summary = SqliteVoteStore(votes).summary()  # what the Evaluate tab shows
    text = votes_report(Settings(), votes)
    for label, rate in summary.rates():
        assert f"| {label} | {rate.value:.1%} | {rate.low:.1%}–{rate.high:.1%} | {rate.k}/{rate.n} |" in text


def test_no_votes_yet(tmp_path):
    store = SqliteVoteStore(tmp_path / "votes.sqlite3")
    assert summarise_votes(store) == f"{store.path}: no votes yet"


def test_a_missing_file_is_not_created(tmp_path):
    with pytest.raises(RagError, match="no votes database at .*none.sqlite3 — the app keeps its votes in"):
        votes_report(Settings(), tmp_path / "none.sqlite3")
    assert not (tmp_path / "none.sqlite3").exists()


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE votes (query TEXT, choice TEXT)")
        db.execute("INSERT INTO votes VALUES ('a', 'links')")
    db.close()
    before = path.read_bytes()
    with pytest.raises(RagError, match="is not a votes database written by `rag ui`"):
        votes_report(Settings(), path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "votes.jsonl"
    path.write_text(json.dumps({"query": "q", "vote": "overview"}))
    with pytest.raises(RagError, match="is not a votes database written by `rag ui`"):
        votes_report(Settings(), path)


def test_the_command(votes, tmp_path, capsys, monkeypatch):
    assert main(["eval", "--votes", str(votes)]) == 0
    out = capsys.readouterr().out
    assert "| Overview preferred | 50.0% |" in out
    monkeypatch.setenv("RAG_DATA_DIR", str(votes.parent))  # no PATH: the app's own file under the data folder
    assert main(["eval", "--votes"]) == 0
    assert capsys.readouterr().out == out
    assert main(["eval", "--votes", str(tmp_path / "none.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no votes database at") and len(err.strip().splitlines()) == 1


def test_a_file_and_a_database_at_once_is_refused(votes, capsys):
    code = main(["eval", "--votes", str(votes), "--pg-url", "postgresql://nobody@127.0.0.1:9/none"])
    assert code == 2
    err = capsys.readouterr().err
    assert "is a SQLite votes file, but --pg-url / RAG_PG_URL names a PostgreSQL database" in err


@pytest.mark.slow  # starts PostgreSQL
def test_the_command_reads_the_votes_from_postgresql(fresh_schema, votes, tmp_path, capsys, monkeypatch):
    app = open_votes(Settings(data_dir=tmp_path / "app", pg_url=fresh_schema))  # as `rag ui --pg-url` keeps them
    add_four_votes(app)
    assert main(["eval", "--votes", "--pg-url", fresh_schema]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"4 votes from 3 evaluators in {app.where}" and "PostgreSQL" in lines[0]
    assert lines[1:] == votes_report(Settings(), votes).splitlines()[1:]  # the same figures as from the file
    monkeypatch.setenv("RAG_PG_URL", fresh_schema)  # the environment variable works as the option does
    assert main(["eval", "--votes"]) == 0 and capsys.readouterr().out.splitlines() == lines
    monkeypatch.delenv("RAG_PG_URL")
    assert main(["--pg-url", fresh_schema, "eval", "--votes"]) == 0  # the option before the command, too
    assert capsys.readouterr().out.splitlines() == lines


@pytest.mark.slow  # starts PostgreSQL
def test_a_database_without_votes_is_an_error_and_left_unchanged(fresh_schema, capsys):
    import psycopg

    assert main(["eval", "--votes", "--pg-url", fresh_schema]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no votes in PostgreSQL") and len(err.strip().splitlines()) == 1
    with psycopg.connect(fresh_schema) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'rag%'").fetchone()[0] == 0
