"""`rag index build`, `rag search`, `rag ask`, the app's handlers and its votes, all against a real
PostgreSQL started as `rag pg up` starts it (--pg-url / RAG_PG_URL)."""

import json

import pytest

from rag import Assistant
from rag.cli import main
from ui import evaluate, search
from ui.backend import Backend, source_choices

from conftest import ScriptedGenerator
from test_cli import shared_embedder  # noqa: F401
from test_ui_evaluate import start

pytestmark = pytest.mark.slow  # starts PostgreSQL and embeds with the real MiniLM


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_builds_lists_searches_and_asks_in_postgres(fresh_schema, squad_file, shared_embedder, capsys,
                                                        monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "nothing-here"))  # the local store stays empty
    code, out, err = run(capsys, "--pg-url", fresh_schema, "index", "build", "--corpus", f"squad:{squad_file}",
                         "--name", "sq")
    assert code == 0, err
    assert "built 'sq': 3 documents" in out and "(index sq)" in err
    assert run(capsys, "--pg-url", fresh_schema, "index", "list")[1].startswith("sq\tsquad:")
    code, out, _ = run(capsys, "--pg-url", fresh_schema, "index", "build", "--corpus", f"squad:{squad_file}",
                       "--name", "sq", "--if-missing")
    assert "is ready" in out
    info = json.loads(run(capsys, "--pg-url", fresh_schema, "index", "info", "sq")[1])
    assert info["store"] == "postgresql" and info["documents"] == 3
    monkeypatch.setenv("RAG_PG_URL", fresh_schema)  # the environment variable works as the option does
    page = json.loads(run(capsys, "search", "--index", "sq", "--json", "who painted the mona lisa")[1])
    assert page["links"][0]["title"] == "Mona Lisa"
    monkeypatch.setenv("RAG_GENERATE", "0")
    answer = json.loads(run(capsys, "ask", "--index", "sq", "--json", "Who painted the Mona Lisa?")[1])
    assert "Leonardo da Vinci" in answer["overview"]["text"]
    assert run(capsys, "index", "list")[2] == ""  # --pg-url only once, then RAG_PG_URL: no error
    code, _, err = run(capsys, "search", "--index", "nothere", "who")
    assert code == 2 and "no index 'nothere' in the database" in err and "\n" not in err.strip()


def test_app_handlers_search_and_vote_through_postgres(fresh_schema, tiny_settings, embedder, tmp_path):
    settings = tiny_settings.replace(pg_url=fresh_schema, data_dir=tmp_path / "data")
    from rag.store import open_store
    from corpus import documents

    open_store(settings).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    assistant = Assistant(settings, embedder=embedder, generator=ScriptedGenerator())
    backend = Backend.create(settings, assistant)
    assert source_choices(backend) == [("tiny", "tiny")]
    links = search.ask_links(backend, None, "Who painted the Mona Lisa?", "tiny", fresh=True)[1]
    assert links.count('class="rag-link"') == 7 and links.index("Mona Lisa") < links.index("Eiffel Tower")
    session = start(backend)
    session, *_ = evaluate.eval_next(backend, session, "tiny")
    session, msg = evaluate.eval_vote(backend, session, "A", ["A"], "", "ann")
    assert "Vote saved" in msg
    other_replica = Backend.create(settings, Assistant(settings, embedder=embedder, generator=ScriptedGenerator()))
    assert [r["evaluator"] for r in other_replica.votes.rows()] == ["ann"]
    assert "1 vote" in evaluate.eval_summary(other_replica)


def test_a_conversation_follows_up_on_a_postgresql_index(fresh_schema, tiny_settings, embedder, tmp_path):
    """The follow-up is resolved with the same retrieval fit as on a local index (LoadedIndex.best_lexical)."""
    settings = tiny_settings.replace(pg_url=fresh_schema, data_dir=tmp_path / "data", generate=False)
    from rag.store import open_store
    from corpus import documents

    open_store(settings).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    conv = Assistant(settings, embedder=embedder, generator=ScriptedGenerator()).conversation()
    conv.index = "tiny"
    assert "Leonardo da Vinci" in conv.ask("Who painted the Mona Lisa?").text
    second = conv.ask("When was he born?")
    assert second.resolved_query == "When was Leonardo da Vinci born?"
    assert second.links[0].title == "Leonardo da Vinci"
