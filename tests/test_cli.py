"""The CLI contract, run as a user runs it: a subprocess, JSON out, one-line errors."""

import json
import os
import subprocess
import sys

import pytest


def rag(settings, *args, env=None):
    full_env = {**os.environ, "RAG_INDEX_DIR": str(settings.index_dir), "RAG_INDEX": "tiny", **(env or {})}
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True,
                          env=full_env, timeout=300)


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_search_json(tiny_settings):
    r = rag(tiny_settings, "search", "--json", "who painted the mona lisa")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"query", "links", "timings"}
    assert out["links"][0]["title"] == "Mona Lisa"
    assert set(out["links"][0]) >= {"rank", "title", "url", "snippet", "score"}
    assert [l["rank"] for l in out["links"]] == list(range(1, 8))


def test_search_k(tiny_settings):
    out = json.loads(rag(tiny_settings, "search", "--json", "-k", "3", "paris").stdout)
    assert len(out["links"]) == 3


def test_ask_json_contract(tiny_settings):
    r = rag(tiny_settings, "ask", "--json", "Who painted the Mona Lisa?")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) >= {"query", "links", "overview", "timings"}
    ov = out["overview"]
    assert set(ov) >= {"text", "sentences", "sources", "abstained"}
    assert set(out["timings"]) == {"links_ms", "first_token_ms", "total_ms"}
    assert not ov["abstained"]
    numbers = {s["n"] for s in ov["sources"]}
    for s in ov["sentences"]:
        assert s["citations"] and set(s["citations"]) <= numbers
    assert any(s["title"] in ("Mona Lisa", "Leonardo da Vinci") for s in ov["sources"])
    for s in ov["sources"]:
        assert set(s) >= {"n", "title", "url", "quote"}


def test_human_output(tiny_settings):
    r = rag(tiny_settings, "ask", "how high is mount everest")
    assert r.returncode == 0, r.stderr
    assert " 1. Mount Everest" in r.stdout and "AI overview" in r.stdout and "8,849" in r.stdout


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_query(tiny_settings, query):
    assert_one_line_error(rag(tiny_settings, "search", query), "empty")


def test_huge_query_is_answered_with_a_notice(tiny_settings):
    r = rag(tiny_settings, "search", "--json", "x" * 10_000)
    assert r.returncode == 0, r.stderr
    assert "10,000 characters" in json.loads(r.stdout)["notices"][0]


def test_unknown_index(tiny_settings):
    assert_one_line_error(rag(tiny_settings, "search", "--index", "nope", "x"), "no index 'nope'", "rag index build")


def test_missing_model_file(tiny_settings, tmp_path):
    r = rag(tiny_settings, "ask", "--model", str(tmp_path / "none.gguf"), "who painted the mona lisa")
    assert r.returncode == 0, r.stderr  # degrade visibly: links and a quoted overview, with a note
    assert "does not exist" in r.stdout and "Mona Lisa" in r.stdout


def test_corrupt_model_file(tiny_settings, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all")
    r = rag(tiny_settings, "ask", "--json", "--model", str(bad), "who painted the mona lisa")
    out = json.loads(r.stdout)
    assert any("not a GGUF model file" in n for n in out["notices"])
    assert out["overview"]["sentences"][0]["origin"] == "quoted"


def test_corrupt_index_folder(tiny_settings, tmp_path):
    (tmp_path / "broken").mkdir()
    r = rag(tiny_settings, "search", "--index", "broken", "x", env={"RAG_INDEX_DIR": str(tmp_path)})
    assert_one_line_error(r, "no manifest.json", "rebuild")


def test_index_build_and_list(tmp_path, squad_file):
    settings = type("S", (), {"index_dir": tmp_path / "ix"})
    r = rag(settings, "index", "build", "--corpus", f"squad:{squad_file}", "--name", "sq")
    assert r.returncode == 0, r.stderr
    assert "built 'sq': 3 documents" in r.stdout
    listing = rag(settings, "index", "list").stdout
    assert listing.startswith("sq\t")
    again = rag(settings, "index", "build", "--corpus", f"squad:{squad_file}", "--name", "sq", "--if-missing")
    assert "is ready" in again.stdout


def test_unknown_corpus(tmp_path):
    settings = type("S", (), {"index_dir": tmp_path / "ix"})
    assert_one_line_error(rag(settings, "index", "build", "--corpus", "nonsense"), "unknown corpus")
