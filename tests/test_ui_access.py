"""The app's access policy without a server: who must log in, sessions, headers, the query log,
and the handlers that depend on who is asking."""

import json

import pytest

from rag.cli import main
from rag.errors import RagError
from rag.settings import Settings
from ui import handlers as h
from ui.access import LOGIN_ATTEMPTS_PER_MINUTE, OPEN_WARNING, QUERY_LOG, Access, Caller, SecurityHeaders, \
    SessionTokens, is_loopback
from ui.users import UserStore
from ui.votes import Vote

PASSWORD = "correct horse battery"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(index_dir=tmp_path / "indexes", data_dir=tmp_path / "data")


@pytest.fixture
def with_users(settings) -> Settings:
    store = UserStore.open(settings)
    store.add("ann", PASSWORD, "admin")
    store.add("bob", PASSWORD)
    return settings


@pytest.mark.parametrize("host, loopback", [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True),
                                            ("[::1]", True), ("localhost", True), ("0.0.0.0", False),
                                            ("::", False), ("192.168.1.20", False), ("myhost.example", False)])
def test_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_beyond_loopback_without_accounts_the_app_refuses_and_says_how(settings):
    with pytest.raises(RagError) as err:
        Access.for_host(settings, "0.0.0.0")
    message = str(err.value)
    assert "rag users add NAME --role admin" in message and "--no-auth" in message and "\n" not in message


def test_beyond_loopback_with_accounts_login_is_on(with_users):
    access = Access.for_host(with_users, "0.0.0.0")
    assert access.login and not access.warning
    assert access.limits.per_minute == with_users.questions_per_minute


def test_no_auth_beyond_loopback_starts_with_a_warning(settings):
    access = Access.for_host(settings, "0.0.0.0", no_auth=True)
    assert not access.login and access.warning == OPEN_WARNING
    assert access.limits.per_minute == settings.questions_per_minute  # counted per client address
    assert "anyone" in OPEN_WARNING and "누구나" in OPEN_WARNING


def test_loopback_has_no_login_unless_asked(with_users, tmp_path):
    owner_alone = Access.for_host(with_users, "127.0.0.1")
    assert not owner_alone.login and not owner_alone.warning  # accounts exist, but `make run` opens at once
    assert owner_alone.limits.per_minute == 0 and owner_alone.limits.max_query_chars == with_users.max_query_chars
    assert Access.for_host(with_users, "127.0.0.1", auth=True).login
    assert Access.for_host(with_users.replace(auth=True), "127.0.0.1").login
    with pytest.raises(RagError, match="--auth or RAG_AUTH=1"):  # asked for, but no accounts
        Access.for_host(with_users.replace(data_dir=tmp_path / "empty"), "127.0.0.1", auth=True)


def test_rag_ui_on_all_addresses_without_auth_exits_2_with_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    assert main(["ui", "--host", "0.0.0.0", "--port", "7"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: rag ui on 0.0.0.0 asks for a login") and err.count("\n") == 1
    assert "rag users add NAME --role admin" in err


def test_callers_come_from_the_login(with_users):
    access = Access.for_host(with_users, "0.0.0.0")
    assert access.caller("ann", "10.0.0.1", "s1") == Caller(key="ann", name="ann", admin=True, session="s1")
    assert not access.caller("bob").admin and access.caller("bob").signed_in
    with pytest.raises(RagError, match="not signed in"):
        access.caller(None)
    open_app = Access.for_host(with_users, "127.0.0.1")
    assert open_app.caller(None, "127.0.0.1").key == "address 127.0.0.1" and open_app.caller(None).admin


def test_password_guessing_is_throttled_per_name(with_users):
    access = Access.for_host(with_users, "0.0.0.0")
    assert access.verify_login("bob", PASSWORD)
    for _ in range(LOGIN_ATTEMPTS_PER_MINUTE - 1):
        assert not access.verify_login("bob", "guess")
    assert not access.verify_login("bob", PASSWORD)  # right, but past the attempts of this minute
    assert access.verify_login("ann", PASSWORD)  # another name is not locked out


def test_sessions_expire_and_end_when_the_user_is_removed():
    clock = [0.0]
    valid = {"ann", "bob"}
    tokens = SessionTokens(ttl=3600, still_valid=lambda name: name in valid, timer=lambda: clock[0])
    tokens["t1"], tokens["t2"] = "ann", "bob"
    assert tokens.get("t1") == "ann" and "t2" in tokens and sorted(tokens.keys()) == ["t1", "t2"]
    valid.discard("bob")
    assert tokens.get("t2") is None and "t2" not in tokens
    clock[0] = 3599
    assert tokens.get("t1") == "ann"
    clock[0] = 3601
    assert tokens.get("t1") is None and len(tokens) == 0
    assert tokens.get(None) is None  # a request with no cookie


def test_security_headers_are_added_to_every_response():
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    app = Starlette(routes=[Route("/", lambda r: PlainTextResponse("hi", headers={"X-Frame-Options": "SAMEORIGIN"}))],
                    middleware=[Middleware(SecurityHeaders)])
    response = TestClient(app).get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers.get_list("x-frame-options") == ["SAMEORIGIN"]  # the app's own value is kept


def test_questions_are_logged_only_when_the_owner_turns_it_on(settings):
    backend = h.Backend.create(settings, access=Access.local(settings))
    h.search_links(backend, "who painted the mona lisa", "none", Caller(key="k", name="ann"))
    assert not (settings.data_dir / QUERY_LOG).exists()

    on = settings.replace(log_queries=True)
    backend = h.Backend.create(on, access=Access.local(on))
    h.search_links(backend, "who painted the mona lisa", "none", Caller(key="k", name="ann"))
    line = json.loads((settings.data_dir / QUERY_LOG).read_text(encoding="utf-8").splitlines()[-1])
    assert line["user"] == "ann" and line["question"] == "who painted the mona lisa" and line["source"] == "none"


def _vote(evaluator: str, comment: str) -> Vote:
    return Vote(question="q", a_mode="overview", choice="A", overview_correct=True, links_correct=False,
                decision_ms=1000, evaluator=evaluator, comment=comment)


def test_only_admins_export_and_read_other_users_comments(with_users):
    access = Access.for_host(with_users, "0.0.0.0")
    backend = h.Backend.create(with_users, access=access)
    backend.votes.add(_vote("ann", "ann's note"))
    backend.votes.add(_vote("bob", "bob's note"))
    ann, bob = access.caller("ann"), access.caller("bob")

    path, message = h.export_votes(backend, bob)
    assert path is None and "Only an admin" in message
    path, message = h.export_votes(backend, ann)
    assert message == "" and "bob&#x27;s note" not in open(path, encoding="utf-8").read()  # plain CSV
    assert "bob's note" in open(path, encoding="utf-8").read()

    mine = h.votes_table(backend, bob)
    assert "Your votes" in mine and "bob&#x27;s note" in mine and "ann&#x27;s note" not in mine
    everyone = h.votes_table(backend, ann)
    assert "All votes" in everyone and "bob&#x27;s note" in everyone and "ann&#x27;s note" in everyone
    assert h.votes_table(backend, Access.local(with_users).caller(None)) == ""  # no login: Export CSV has them


def test_a_too_long_question_is_refused_with_its_length(settings):
    backend = h.Backend.create(settings.replace(max_query_chars=20))
    links, *_, overview, _ = h.search_links(backend, "x" * 21, "tiny")
    assert "21 characters long; the limit is 20" in links and overview == ""
    assert list(h.stream_overview(backend, "x" * 21, "tiny")) == [("", "", "")]  # the links pane said it


def test_an_oversized_question_file_is_refused(settings, tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text('{"question": "q"}\n' * 100)
    backend = h.Backend.create(settings.replace(max_upload_bytes=1_000))
    session, message = h.eval_load(str(big), "", backend.access.limits)
    assert not session.questions and "The question file is 1,800 bytes; the limit is 1,000 bytes" in message
