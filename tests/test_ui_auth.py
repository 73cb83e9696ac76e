"""The app with its login turned on, through a real server on loopback: Gradio's own client and plain HTTP.

Accounts are made with the same UserStore `rag users add` writes; the writer is scripted (the model is
not what these tests are about), the index, embedder and server are real.
"""

import time

import httpx
import pytest

from rag import Assistant
from ui import app as ui_app
from ui.backend import Backend
from ui.access import Access, UserStore

from conftest import ScriptedGenerator, free_port

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
REPLY = "The Mona Lisa was painted by Leonardo da Vinci [1]."


class Served:
    def __init__(self, url: str, backend, settings):
        self.url, self.backend, self.settings = url, backend, settings

    def client(self, name: str | None = None):
        from gradio_client import Client

        return Client(self.url, auth=(name, PASSWORD) if name else None, verbose=False)

    def login(self, name: str) -> httpx.Client:
        """A plain HTTP session signed in through Gradio's /login form."""
        http = httpx.Client(base_url=self.url, timeout=30)
        assert http.post("login", data={"username": name, "password": PASSWORD}).status_code == 200
        return http


@pytest.fixture
def served(tiny_settings, embedder, tmp_path, request):
    pytest.importorskip("gradio_client")
    overrides = getattr(request, "param", {})
    settings = tiny_settings.replace(data_dir=tmp_path / "data", **overrides)
    users = UserStore.open(settings)
    users.add("ann", PASSWORD, "admin")
    users.add("bob", PASSWORD)
    access = Access.for_host(settings, "127.0.0.1", auth=True)
    assistant = Assistant(settings, embedder=embedder, generator=ScriptedGenerator(*[REPLY] * 20))
    backend = Backend.create(settings, assistant, access=access)
    demo = ui_app.build_app(backend)
    port = free_port()
    ui_app.launch(demo, backend, "127.0.0.1", port, block=False)
    try:
        yield Served(f"http://127.0.0.1:{port}/", backend, settings)
    finally:
        demo.close()


def test_unauthenticated_requests_are_refused(served):
    from gradio_client.exceptions import AuthenticationError

    anonymous = httpx.Client(base_url=served.url, timeout=30)
    assert anonymous.get("config").status_code == 401
    join = anonymous.post("gradio_api/queue/join", json={"data": ["Mona Lisa", "tiny"], "fn_index": 0,
                                                         "session_hash": "x"})
    assert join.status_code == 401
    with pytest.raises(AuthenticationError):
        served.client()
    with pytest.raises(ValueError, match="Could not login"):
        from gradio_client import Client

        Client(served.url, auth=("bob", "not the password"), verbose=False)
    # Signed in, still nothing from the data folder but exports: not the hashes, not the votes database.
    bob = served.login("bob")
    assert bob.get("config").status_code == 200
    for private in (served.backend.access.users.path, served.backend.votes.path):
        response = bob.get(f"gradio_api/file={private}")
        assert response.status_code in (403, 404) and b"argon2" not in response.content


def test_responses_carry_security_headers(served):
    page = httpx.get(served.url, timeout=30)
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"


def test_an_evaluator_cannot_export_and_an_admin_can(served):
    path, message = served.client("bob").predict(api_name="/export_votes")
    assert path is None and "Only an admin can export" in message
    path, message = served.client("ann").predict(api_name="/export_votes")
    assert message == "" and open(path, encoding="utf-8").readline().startswith("id,created,evaluator,")


def test_a_vote_carries_the_login_name_not_the_typed_one(served):
    bob = served.client("bob")
    bob.predict(None, "Who painted the Mona Lisa?", api_name="/load_questions")
    question, pane_a, pane_b = bob.predict("tiny", api_name="/next_question")
    assert "Who painted the Mona Lisa?" in question and "rag-pane" in pane_a
    message = bob.predict("A", ["A"], "clear answer", "mallory", api_name="/save_vote")
    assert "Vote saved" in message
    rows = served.backend.votes.rows()
    assert [r["evaluator"] for r in rows] == ["bob"] and rows[0]["comment"] == "clear answer"
    mine = bob.predict(api_name="/list_votes")
    assert "Your votes" in mine and "clear answer" in mine and "Evaluator" not in mine


def test_answer_feedback_carries_the_login_name(served):
    bob = served.client("bob")
    bob.predict("Who painted the Mona Lisa?", "tiny", api_name="/show_links")
    assert "rag-chip" in bob.predict("tiny", api_name="/show_overview")[0]
    said = bob.predict("not what I asked", "tiny", api_name="/rate_1")  # the thumbs-down button
    assert "feedback-saved" in said
    rows = served.backend.votes.feedback_rows()
    assert [(r["evaluator"], r["rating"], r["reason"]) for r in rows] == [("bob", "down", "not what I asked")]


@pytest.mark.parametrize("served", [{"questions_per_minute": 2}], indirect=True)
def test_a_user_over_the_rate_limit_gets_the_message_and_another_user_does_not(served):
    bob, ann = served.client("bob"), served.client("ann")
    for _ in range(2):
        links = bob.predict("When was the Eiffel Tower built?", "tiny", api_name="/show_links")
        assert 'class="rag-link"' in links[0]
    refused = bob.predict("When was the Eiffel Tower built?", "tiny", api_name="/show_links")
    assert "2 questions in the last minute" in refused[0] and 'class="rag-link"' not in refused[0]
    links = ann.predict("When was the Eiffel Tower built?", "tiny", api_name="/show_links")
    assert "Eiffel Tower" in links[0] and links[0].count('class="rag-link"') == 7


@pytest.mark.parametrize("served", [{"session_hours": 3 / 3600}], indirect=True)
def test_a_login_expires(served):
    bob = served.login("bob")
    assert bob.get("config").status_code == 200
    time.sleep(3.5)
    assert bob.get("config").status_code == 401
    assert served.login("bob").get("config").status_code == 200  # signing in again works


@pytest.mark.parametrize("served", [{"queued_overviews": 2}], indirect=True)
def test_past_two_waiting_overviews_a_question_gets_links_and_a_message(served):
    bob = served.client("bob")  # one client: one session, asking in order as a browser tab does
    panes = [bob.predict("Who painted the Mona Lisa?", "tiny", api_name="/show_links") for _ in range(3)]
    assert all("Mona Lisa" in links for links, *_ in panes)
    assert ["overviews waiting" in p[3] for p in panes] == [False, False, True]
    # The search page is a thread (ui.search): the overview event answers the latest question asked, once;
    # the places are taken in order, so the third overview event gets the message, and each gives its place back.
    overviews = [bob.predict("tiny", api_name="/show_overview")[0] for _ in range(3)]
    assert ["rag-chip" in o for o in overviews] == [True, False, False]
    assert "overviews waiting" in overviews[2]
    ann = served.client("ann")  # not held back by bob's queue
    assert "overviews waiting" not in ann.predict("Who painted the Mona Lisa?", "tiny", api_name="/show_links")[3]
    assert served.backend.access.limits.waiting("bob") == 0  # every place was given back


def test_an_app_opened_with_no_auth_says_so_on_the_page(tiny_settings, embedder, tmp_path):
    settings = tiny_settings.replace(data_dir=tmp_path / "data")
    access = Access.for_host(settings, "0.0.0.0", no_auth=True)  # the policy of --host 0.0.0.0 --no-auth
    backend = Backend.create(settings, Assistant(settings, embedder=embedder, generator=ScriptedGenerator()),
                               access=access)
    demo = ui_app.build_app(backend)
    port = free_port()
    ui_app.launch(demo, backend, "127.0.0.1", port, block=False)  # served on loopback all the same
    try:
        config = httpx.get(f"http://127.0.0.1:{port}/config", timeout=30)
        assert config.status_code == 200  # no login
        assert "anyone who can reach it can ask questions" in config.text and "open-warning" in config.text
    finally:
        demo.close()
