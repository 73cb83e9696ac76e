"""The CLI contract: argv in; links, overviews or JSON out; one-line errors with exit code 2.

Most tests call rag.cli.main(argv) in this process with the output captured: the CLI is a thin layer
over the Python API, and an in-process run can share the session's loaded MiniLM instead of loading it
once per command. Two tests run `python -m rag.cli` as a user does, to check the real entry point.
"""

import json
import logging
import os
import subprocess
import sys
from dataclasses import dataclass

import pytest

import rag.assistant
import rag.embed.embedder
from rag.cli import configure_logging, main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(monkeypatch, capsys, tmp_path):
    """run(*argv, **env) -> Run. RAG_INDEX_DIR is an empty temp folder unless a test sets it."""
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "indexes"))

    def run(*args: str, **env: str) -> Run:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


@pytest.fixture
def shared_embedder(monkeypatch, embedder):
    """Every Embedder the CLI makes for the default model is the session's, already loaded."""
    real = rag.embed.embedder.Embedder

    class Shared:
        @staticmethod
        def for_settings(settings):
            return embedder if not settings.embed_model else real.for_settings(settings)

    monkeypatch.setattr(rag.assistant, "Embedder", Shared)
    monkeypatch.setattr(rag.embed.embedder, "Embedder", Shared)  # rag index build imports it at call time


@pytest.fixture
def tiny(cli, tiny_settings, shared_embedder):
    """The CLI over the seven-document index, as `RAG_INDEX_DIR=… RAG_INDEX=tiny rag …` would run."""

    def run(*args: str, **env: str) -> Run:
        return cli(*args, **{"RAG_INDEX_DIR": str(tiny_settings.index_dir), "RAG_INDEX": "tiny", **env})

    return run


def assert_one_line_error(result, *fragments):
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    for fragment in fragments:
        assert fragment in lines[0]


# -- links and overviews ---------------------------------------------------------------------------

def test_search_json(tiny):
    r = tiny("search", "--json", "who painted the mona lisa")
    assert r.code == 0, r.err
    out = json.loads(r.out)
    assert set(out) >= {"query", "links", "timings"}
    assert out["links"][0]["title"] == "Mona Lisa"
    assert set(out["links"][0]) >= {"rank", "title", "url", "snippet", "score"}
    assert [link["rank"] for link in out["links"]] == list(range(1, 8))


def test_search_k(tiny):
    out = json.loads(tiny("search", "--json", "-k", "3", "paris").out)
    assert len(out["links"]) == 3


def test_ask_json_contract(tiny):
    r = tiny("ask", "--json", "Who painted the Mona Lisa?")
    assert r.code == 0, r.err
    out = json.loads(r.out)
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


def test_human_output(tiny):
    r = tiny("ask", "how high is mount everest")
    assert r.code == 0, r.err
    assert " 1. Mount Everest" in r.out and "AI overview" in r.out and "8,849" in r.out


def test_huge_query_is_answered_with_a_notice(tiny):
    r = tiny("search", "--json", "x" * 10_000)
    assert r.code == 0, r.err
    assert "10,000 characters" in json.loads(r.out)["notices"][0]


def test_missing_model_file(tiny, tmp_path):
    r = tiny("ask", "--model", str(tmp_path / "none.gguf"), "who painted the mona lisa")
    assert r.code == 0, r.err  # degrade visibly: links and a quoted overview, with a note
    assert "does not exist" in r.out and "Mona Lisa" in r.out


def test_corrupt_model_file(tiny, tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a model at all")
    out = json.loads(tiny("ask", "--json", "--model", str(bad), "who painted the mona lisa").out)
    assert any("not a GGUF model file" in n for n in out["notices"])
    assert out["overview"]["sentences"][0]["origin"] == "quoted"


def test_index_build_and_list(cli, squad_file, shared_embedder):
    r = cli("index", "build", "--corpus", f"squad:{squad_file}", "--name", "sq")
    assert r.code == 0, r.err
    assert "built 'sq': 3 documents" in r.out
    assert cli("index", "list").out.startswith("sq\t")
    again = cli("index", "build", "--corpus", f"squad:{squad_file}", "--name", "sq", "--if-missing")
    assert "is ready" in again.out


# -- bad input: one line, exit code 2, before any model loads ----------------------------------------

@pytest.mark.parametrize("query", ["", "   ", "\x00\x07\ud800"])
def test_empty_query(cli, query):
    assert_one_line_error(cli("search", query), "empty")


def test_unknown_index(cli):
    assert_one_line_error(cli("search", "--index", "nope", "x"), "no index 'nope'", "rag index build")


def test_corrupt_index_folder(cli, tmp_path):
    (tmp_path / "broken").mkdir()
    r = cli("search", "--index", "broken", "x", RAG_INDEX_DIR=str(tmp_path))
    assert_one_line_error(r, "no manifest.json", "rebuild")


def test_unknown_corpus(cli):
    assert_one_line_error(cli("index", "build", "--corpus", "nonsense"), "unknown corpus")


def test_misspelt_retriever_names_the_choices(cli):
    # RAG_RETRIEVER=rff once reached the fusion code and failed there with an UnboundLocalError.
    assert_one_line_error(cli("search", "x", RAG_RETRIEVER="rff"), "retriever='rff'", "rrf, norm, bm25, dense",
                          "RAG_RETRIEVER")


@pytest.mark.parametrize("name, value, fragment", [
    ("RAG_LINKS", "0", "links=0 must be at least 1"),
    ("RAG_LINKS", "ten", "RAG_LINKS='ten' is not a valid int"),
    ("RAG_GENERATE", "maybe", "RAG_GENERATE='maybe' is not a valid bool"),
    ("RAG_CHUNK_OVERLAP", "2000", "must be smaller than chunk_size (1000)"),
])
def test_bad_setting_in_the_environment(cli, name, value, fragment):
    assert_one_line_error(cli("index", "list", **{name: value}), fragment)


def test_usage_errors_exit_2(cli):
    r = cli("search")  # no query: argparse prints its usage line and exits
    assert r.code == 2 and "the following arguments are required: query" in r.err


def test_no_command_prints_help(cli):
    r = cli()
    assert r.code == 2 and "usage: rag" in r.out


# -- logging: libraries stay quiet unless asked ------------------------------------------------------

def test_library_debug_logs_stay_off_the_console(capsys):
    configure_logging()
    bm25s = logging.getLogger("bm25s")
    bm25s.setLevel(logging.DEBUG)  # what `import bm25s` does, after the CLI has configured logging
    bm25s.debug("Building index from IDs objects")
    logging.getLogger("numba.core").info("compiling")
    logging.getLogger("rag.web.mode").info("answering from the local index")
    logging.getLogger("some.library").warning("disk almost full")
    logging.getLogger("rag.store.local").warning("index is old")
    assert capsys.readouterr().err.splitlines() == ["WARNING some.library: disk almost full",
                                                    "WARNING rag.store.local: index is old"]


def test_verbose_shows_our_info_but_not_library_debug(capsys):
    configure_logging(verbose=True)
    logging.getLogger("bm25s").setLevel(logging.DEBUG)
    logging.getLogger("bm25s").debug("Building index from IDs objects")
    logging.getLogger("httpx").info("HTTP Request: GET …")
    logging.getLogger("rag.web.mode").info("answering from the local index")
    assert capsys.readouterr().err.splitlines() == ["INFO rag.web.mode: answering from the local index"]


def test_debug_shows_everything(capsys):
    configure_logging(debug=True)
    logging.getLogger("bm25s").debug("Building index from IDs objects")
    assert "DEBUG bm25s: Building index from IDs objects" in capsys.readouterr().err


# -- the package's shape ----------------------------------------------------------------------------

def test_names_other_code_imports_stay_in_rag_cli():
    import rag.cli

    for name in rag.cli.__all__:
        assert getattr(rag.cli, name) is not None, name
    assert {"main", "settings_from", "print_stream", "configure_logging", "QUIET_LIBRARIES"} <= set(rag.cli.__all__)


def test_no_cli_submodule_imports_the_package_that_imports_it():
    """rag.cli imports its submodules (some only through _add_optional's strings), so a submodule that imports
    rag.cli back, even inside a function, would make a cycle: shared helpers live in rag.cli.options / .answer."""
    import ast
    from pathlib import Path

    import rag.cli

    folder = Path(rag.cli.__file__).parent
    back = []
    for path in sorted(folder.glob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):  # __main__ runs the package; nothing imports it
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) else []
            back += [f"{path.name}:{node.lineno}" for n in names if n == "rag.cli"]
    assert back == []
    assert {p.name for p in folder.glob("*.py")} >= {"options.py", "index.py", "answer.py", "chat.py"}


# -- the real entry point ----------------------------------------------------------------------------

def run_entry_point(*args, env):
    return subprocess.run([sys.executable, "-m", "rag.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


@pytest.mark.slow
def test_entry_point_builds_and_searches_without_log_noise(tmp_path, squad_file):
    env = {**os.environ, "RAG_INDEX_DIR": str(tmp_path / "indexes")}
    built = run_entry_point("index", "build", "--corpus", f"squad:{squad_file}", "--name", "sq", env=env)
    assert built.returncode == 0, built.stderr
    r = run_entry_point("search", "--json", "--index", "sq", "who painted the mona lisa", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["links"][0]["title"] == "Mona Lisa"
    # bm25s logs "Building index from IDs objects" at DEBUG, with its logger set to DEBUG on import
    for stderr in (built.stderr, r.stderr):
        assert not [line for line in stderr.splitlines() if line.startswith(("DEBUG", "INFO"))], stderr


@pytest.mark.slow
def test_entry_point_error_is_one_line(tmp_path):
    r = run_entry_point("search", "who painted the mona lisa", env={**os.environ, "RAG_INDEX_DIR": str(tmp_path)})
    assert_one_line_error(Run(r.returncode, r.stdout, r.stderr), "no index 'vital'", "rag index build")
