"""The Gradio wiring, through a real server on loopback and Gradio's own client.

The writer here is slow on purpose (a scripted reply, a word every 0.2 s) so the test can watch
what happens while overviews are being written: links for another user still come back at once,
and no two overviews are ever written at the same time.
"""

import threading
import time

import pytest

from rag import Assistant
from rag.answer.generation import Generator
from ui import app as ui_app
from ui.backend import Backend

from conftest import free_port

pytestmark = pytest.mark.slow

REPLY = "The Mona Lisa was painted by Leonardo da Vinci [1]."


class SlowGenerator(Generator):
    """Scripted reply, one word every 0.2 s; records how many streams ran at once."""

    def __init__(self):
        self.active = self.most = 0
        self.started = threading.Event()
        self.lock = threading.Lock()

    def stream(self, messages, max_tokens=96, temperature=0.0):
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)
        self.started.set()
        try:
            for word in REPLY.split():
                time.sleep(0.2)
                yield word + " "
        finally:
            with self.lock:
                self.active -= 1


@pytest.fixture
def served(tiny_settings, embedder, tmp_path):
    gradio_client = pytest.importorskip("gradio_client")
    gen = SlowGenerator()
    settings = tiny_settings.replace(data_dir=tmp_path / "data")
    backend = Backend.create(settings, Assistant(settings, embedder=embedder, generator=gen))
    demo = ui_app.build_app(backend)
    port = free_port()
    ui_app.launch(demo, backend, "127.0.0.1", port, block=False)
    try:
        yield gen, lambda: gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
    finally:
        demo.close()


def test_links_do_not_wait_for_other_users_overviews(served):
    gen, client = served
    users = [client() for _ in range(2)]  # each its own session, so its own thread state
    for user in users:
        user.predict("Who painted the Mona Lisa?", "tiny", api_name="/show_links")
    writers = [user.submit("tiny", api_name="/show_overview") for user in users]
    assert gen.started.wait(60)
    started = time.monotonic()
    links = client().predict("When was the Eiffel Tower built?", "tiny", api_name="/show_links")
    waited = time.monotonic() - started
    assert "Eiffel Tower" in links[0] and links[0].count('class="rag-link"') == 7
    assert not writers[1].done(), f"links took {waited:.1f} s: they waited for the overviews"
    finals = [w.result(timeout=60) for w in writers]
    assert all("rag-chip" in f[0] for f in finals)
    assert gen.most == 1  # the model group runs one overview at a time


def test_empty_query_through_the_server_is_a_message(served):
    _, client = served
    links = client().predict("   ", "tiny", api_name="/show_links")
    assert "query is empty" in links[0] and "Traceback" not in links[0]
