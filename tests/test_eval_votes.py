"""`rag eval --votes`: counts from a SQLite votes table or JSON lines; unreadable input is one error."""

import json
import sqlite3

import pytest

from eval.votes import summarise_votes
from rag.errors import CorpusError


def test_jsonl_votes(tmp_path):
    path = tmp_path / "votes.jsonl"
    rows = [{"query": "q1", "vote": "overview"}, {"query": "q1", "vote": "links"}, {"query": "q2", "vote": "overview"}]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    text = summarise_votes(path)
    assert "3 votes" in text and "| overview | 2 | 66.7% |" in text and "2 distinct queries" in text


def test_sqlite_votes(tmp_path):
    path = tmp_path / "votes.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE votes (query TEXT, choice TEXT)")
        db.executemany("INSERT INTO votes VALUES (?, ?)", [("a", "links"), ("b", "links")])
    assert "| links | 2 | 100.0% |" in summarise_votes(path)


def test_no_vote_field(tmp_path):
    path = tmp_path / "votes.jsonl"
    path.write_text(json.dumps({"query": "q"}))
    with pytest.raises(CorpusError, match="no vote field"):
        summarise_votes(path)
