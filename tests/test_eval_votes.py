"""`rag eval --votes PATH`: the app's own votes file, summarised by the app's own summariser, as Markdown."""

import json
import sqlite3

import pytest

from eval.votes import summarise_votes
from rag.cli import main
from rag.errors import RagError
from ui.votes import Vote, VoteStore


def vote(choice, a_mode, ov_ok, links_ok, ms, evaluator=""):
    return Vote(question="Who painted the Mona Lisa?", a_mode=a_mode, choice=choice, overview_correct=ov_ok,
                links_correct=links_ok, decision_ms=ms, evaluator=evaluator)


@pytest.fixture
def votes(tmp_path):
    """The file the app writes, with four votes: overview wins twice, links once, one tie."""
    store = VoteStore(tmp_path / "data" / "votes.sqlite3")
    store.add(vote("A", "overview", True, False, 2000, "ann"))
    store.add(vote("A", "links", True, True, 4000, "bob"))
    store.add(vote("B", "links", False, True, 6000, "ann"))
    store.add(vote("tie", "overview", True, True, 10000))
    return store.path


def test_the_apps_votes_as_a_markdown_table(votes):
    lines = summarise_votes(votes).splitlines()
    assert lines[0] == f"4 votes from 3 evaluators in {votes}"
    assert lines[2:4] == ["| | rate | 95% CI | count |", "|---|---|---|---|"]
    assert lines[4] == "| Overview preferred | 50.0% | 15.0%–85.0% | 2/4 |"  # Wilson, 2 of 4
    assert [line.split(" | ")[0] for line in lines[5:10]] == [
        "| Links preferred", "| Tie", "| Neither helped", "| Overview answered correctly", "| Links answered correctly"]
    assert lines[8].endswith("| 3/4 |") and lines[9].endswith("| 3/4 |")
    assert lines[-1] == "median decision time 5.0 s"


def test_the_same_figures_as_the_app(votes):
    summary = VoteStore(votes).summary()  # what the Evaluate tab shows
    text = summarise_votes(votes)
    for label, rate in summary.rates():
        assert f"| {label} | {rate.value:.1%} | {rate.low:.1%}–{rate.high:.1%} | {rate.k}/{rate.n} |" in text


def test_no_votes_yet(tmp_path):
    path = VoteStore(tmp_path / "votes.sqlite3").path
    assert summarise_votes(path) == f"{path}: no votes yet"


def test_a_missing_file_is_not_created(tmp_path):
    with pytest.raises(RagError, match="no votes database at .*none.sqlite3 — the app keeps its votes in"):
        summarise_votes(tmp_path / "none.sqlite3")
    assert not (tmp_path / "none.sqlite3").exists()


def test_another_programs_database_is_refused_and_left_unchanged(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE votes (query TEXT, choice TEXT)")
        db.execute("INSERT INTO votes VALUES ('a', 'links')")
    db.close()
    before = path.read_bytes()
    with pytest.raises(RagError, match="is not a votes database written by `rag ui`"):
        summarise_votes(path)
    assert path.read_bytes() == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "votes.jsonl"
    path.write_text(json.dumps({"query": "q", "vote": "overview"}))
    with pytest.raises(RagError, match="is not a votes database written by `rag ui`"):
        summarise_votes(path)


def test_the_command(votes, tmp_path, capsys):
    assert main(["eval", "--votes", str(votes)]) == 0
    assert "| Overview preferred | 50.0% |" in capsys.readouterr().out
    assert main(["eval", "--votes", str(tmp_path / "none.sqlite3")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no votes database at") and len(err.strip().splitlines()) == 1
