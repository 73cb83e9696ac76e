import json
import logging
import os
import socket
from pathlib import Path

import pytest

from rag.cli import QUIET_LIBRARIES
from rag.embed.embedder import Embedder
from rag.answer.generation import Generator, LlamaCppGenerator
from rag.store.local import build_index
from rag.settings import Settings

from corpus import documents
from pgfixtures import fresh_schema, pg_server, pg_url  # noqa: F401  (one PostgreSQL per session)


# Fixtures that load a real model or build a real index. A test that uses one (directly or through
# another fixture) is marked slow, so `make check` (-m "not slow ...") stays under a minute; tests that
# are slow for another reason (a subprocess, an index built inline) carry @pytest.mark.slow themselves.
HEAVY_FIXTURES = frozenset({"embedder", "smollm", "tiny_settings", "llm_server"})


def pytest_collection_modifyitems(config, items):
    for item in items:
        if HEAVY_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch):
    """No RAG_* variable from the shell that runs the tests reaches them (nor their subprocesses)."""
    for name in list(os.environ):
        if name.startswith("RAG_"):
            monkeypatch.delenv(name)


@pytest.fixture(autouse=True)
def hermetic_logging():
    """rag.cli.main() run in process installs a stderr handler and sets library log levels: undo both."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    libraries = {name: logging.getLogger(name).level for name in QUIET_LIBRARIES}
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    for name, lib_level in libraries.items():
        logging.getLogger(name).setLevel(lib_level)


class ScriptedGenerator(Generator):
    """A deterministic writer for tests that need an exact draft: replies in order, records prompts."""

    name = "scripted"

    def __init__(self, *replies: str):
        self.replies = list(replies)
        self.prompts: list[list[dict]] = []

    def stream(self, messages, max_tokens=96, temperature=0.0):
        self.prompts.append(messages)
        reply = self.replies.pop(0) if self.replies else ""
        for word in reply.split(" "):
            yield word + " "


@pytest.fixture(scope="session")
def embedder(tmp_path_factory):
    """The embedder the defaults describe (Settings().embed_backend), its ONNX export in a temp folder."""
    e = Embedder(backend=Settings().embed_backend, cache_dir=tmp_path_factory.mktemp("models"))
    e.warm_up()
    return e


@pytest.fixture(scope="session")
def smollm():
    g = LlamaCppGenerator()
    g.warm_up()
    return g


@pytest.fixture(scope="session")
def tiny_settings(tmp_path_factory, embedder) -> Settings:
    """A real index (real MiniLM, FAISS, bm25s) over the seven-document test corpus."""
    root = tmp_path_factory.mktemp("indexes")
    settings = Settings(index_dir=root, index="tiny", data_dir=root.parent / "data")
    build_index(documents(), settings, "tiny", "test:tiny", embedder, progress=False)
    return settings


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(index_dir=tmp_path / "indexes", data_dir=tmp_path / "data")


@pytest.fixture
def squad_file(tmp_path) -> Path:
    data = {"version": "1.1", "data": [
        {"title": "Mona_Lisa", "paragraphs": [
            {"context": "The Mona Lisa is a portrait painting by Leonardo da Vinci. It hangs in the Louvre.",
             "qas": [{"id": "q1", "question": "Who painted the Mona Lisa?",
                      "answers": [{"text": "Leonardo da Vinci", "answer_start": 40}]}]},
            {"context": "The painting was stolen in 1911 and recovered two years later in Florence.",
             "qas": [{"id": "q2", "question": "When was the Mona Lisa stolen?",
                      "answers": [{"text": "1911", "answer_start": 27}]}]}]},
        {"title": "에펠탑", "paragraphs": [
            {"context": "에펠탑은 프랑스 파리의 샹 드 마르스 공원에 있는 철탑이다. 1889년에 완공되었다.",
             "qas": [{"id": "q3", "question": "에펠탑은 언제 완공되었나?",
                      "answers": [{"text": "1889년", "answer_start": 33}]}]}]},
    ]}
    path = tmp_path / "tiny-squad.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
