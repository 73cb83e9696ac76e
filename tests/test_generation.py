"""The writer interface, run against both backends: in-process llama.cpp and an OpenAI-compatible
server (llama-cpp-python's own, started here on a loopback port, serving the bundled model)."""

import subprocess
import sys
import time

import httpx
import pytest

from rag import Assistant
from rag.errors import GenerationError, ModelNotFound
from rag.answer.generation import HTTPGenerator, LlamaCppGenerator, bundled_model_path, make_generator
from rag.settings import Settings

from conftest import free_port

MESSAGES = [{"role": "system", "content": "Answer in one short sentence."},
            {"role": "user", "content": "What is the capital of France?"}]


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory):
    port = free_port()
    # The server's log goes to a file: llama.cpp prints enough at load time to fill a pipe and block.
    log = open(tmp_path_factory.mktemp("server") / "llama_server.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
                             "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "2048"],
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"llama_cpp.server exited: {log.read()[-500:]}")
        try:
            if httpx.get(url + "/models", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start in 120 s")
    yield url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(params=["llama.cpp", "http"])
def generator(request, smollm, llm_server):
    return smollm if request.param == "llama.cpp" else HTTPGenerator(llm_server)


def test_every_backend_streams_text(generator):
    pieces = list(generator.stream(MESSAGES, max_tokens=24))
    assert len(pieces) > 1
    assert "".join(pieces).strip()


def test_backends_agree_at_temperature_zero(smollm, llm_server):
    local = smollm.complete(MESSAGES, max_tokens=16)
    remote = HTTPGenerator(llm_server).complete(MESSAGES, max_tokens=16)
    assert local.strip() and remote.strip()
    assert local.split()[:3] == remote.split()[:3]


def test_assistant_over_http(tiny_settings, embedder, llm_server):
    a = Assistant(tiny_settings.replace(llm_url=llm_server), embedder=embedder)
    assert isinstance(a.generator, HTTPGenerator)
    ov = a.answer("Who painted the Mona Lisa?")
    assert ov.draft.strip() and ov.timings.first_token_ms is not None
    assert all(s.citations for s in ov.sentences)


def test_unreachable_server_is_a_clear_error():
    gen = HTTPGenerator(f"http://127.0.0.1:{free_port()}/v1", timeout=2)
    with pytest.raises(GenerationError, match="could not reach the model server"):
        list(gen.stream(MESSAGES))


def test_missing_and_corrupt_gguf(tmp_path):
    with pytest.raises(ModelNotFound, match="does not exist"):
        LlamaCppGenerator(tmp_path / "none.gguf").warm_up()
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF" + b"\x00" * 64)  # right magic, truncated body
    with pytest.raises(ModelNotFound, match="could not load"):
        LlamaCppGenerator(bad).warm_up()


def test_factory_picks_the_backend():
    assert isinstance(make_generator(Settings()), LlamaCppGenerator)
    assert isinstance(make_generator(Settings(llm_url="http://127.0.0.1:1/v1")), HTTPGenerator)


@pytest.mark.network
def test_fetch_a_gguf_by_repo_id():
    try:
        httpx.head("https://huggingface.co", timeout=5)
    except httpx.HTTPError:
        pytest.skip("offline: fetching a model by repo id needs the internet")
    gen = LlamaCppGenerator(repo_id="HuggingFaceTB/SmolLM2-135M-Instruct-GGUF", filename="*q4_k_m.gguf")
    assert "".join(gen.stream(MESSAGES, max_tokens=8)).strip()
