"""`rag chat`: the interactive prompt and `--json` (JSON Lines), in process over the seven-document index."""

import io
import json

from test_cli import assert_one_line_error, cli, shared_embedder, tiny  # noqa: F401  (fixtures)


def test_chat_json_lines_contract(tiny, monkeypatch, tmp_path):
    saved = tmp_path / "conv.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("Who painted the Mona Lisa?\n\nWhen was he born?\n/new\n"
                                                 "When was he born?\n"))
    r = tiny("chat", "--json", "--save", str(saved), RAG_GENERATE="0")
    assert r.code == 0, r.err
    turns = [json.loads(line) for line in r.out.splitlines()]
    assert len(turns) == 3
    for t in turns:  # the `rag ask --json` contract, plus the turn's own fields
        assert set(t) >= {"query", "links", "overview", "timings", "notices", "turn", "question", "resolved_query",
                          "related"}
    assert [t["turn"] for t in turns] == [1, 2, 1]  # /new started a new topic
    assert turns[1]["resolved_query"] == "When was Leonardo da Vinci born?"
    assert turns[1]["links"][0]["title"] == "Leonardo da Vinci"
    assert turns[2]["resolved_query"] == "When was he born?"
    assert isinstance(turns[0]["related"], list) and len(turns[0]["related"]) <= 3
    state = json.loads(saved.read_text())
    assert [t["question"] for t in state["turns"]] == ["When was he born?"]


def test_chat_continues_a_saved_conversation(tiny, monkeypatch, tmp_path):
    saved = tmp_path / "conv.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("Who painted the Mona Lisa?\n"))
    assert tiny("chat", "--json", "--save", str(saved), RAG_GENERATE="0").code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("When was he born?\n"))
    r = tiny("chat", "--json", "--save", str(saved), RAG_GENERATE="0")
    turn = json.loads(r.out)
    assert (turn["turn"], turn["resolved_query"]) == (2, "When was Leonardo da Vinci born?")


def test_chat_bad_saved_file_is_a_one_line_error(tiny, tmp_path):
    saved = tmp_path / "conv.json"
    saved.write_text("{not json")
    assert_one_line_error(tiny("chat", "--json", "--save", str(saved), RAG_GENERATE="0"), "saved conversation")


def test_interactive_chat_shows_the_resolved_query_and_numbered_suggestions(tiny, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Who painted the Mona Lisa?\nWhen was he born?\n1\n/quit\n"))
    r = tiny("chat", RAG_GENERATE="0")
    assert r.code == 0, r.err
    assert "Searched for · 검색어: When was Leonardo da Vinci born?" in r.out
    assert " 1. Leonardo da Vinci" in r.out and "AI overview" in r.out
    assert "  (1) " in r.out  # suggestions, numbered; "1" then asked the first one
    firsts = [part.splitlines()[0] for part in r.out.split("  (1) ")[1:]]
    assert len(firsts) == 3 and f"? {firsts[1]}" in r.out  # turn 2's first suggestion was asked as turn 3
