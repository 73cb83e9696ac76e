"""The app's access policy without a server: who must log in, sessions, headers, the query log,
and the handlers that depend on who is asking (the search thread and the Evaluate tab, as the app serves them)."""

import json

import pytest

from rag.cli import main
from rag.errors import RagError
from rag.settings import Settings
from ui import evaluate, search
from ui.access import Access, Caller, UserStore
from ui.access.login import LOGIN_ATTEMPTS_PER_MINUTE, OPEN_WARNING, QUERY_LOG, SecurityHeaders, SessionTokens, \
    is_loopback
from ui.backend import Backend
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
    assert OPEN_WARNING.startswith("This app has no login (--no-auth): anyone") and " · 로그인이 꺼져" in OPEN_WARNING


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


def ask(backend, question, caller=Caller(key="k", name="ann"), source="none"):
    """One question as the search page asks it: the links event, then the overview event's last frame.
    The source "none" is no index: the search fails at once, after the limits and the query log."""
    out = search.ask_links(backend, None, question, source, fresh=True, caller=caller)
    frames = list(search.ask_overview(backend, out[0], source, caller))
    return out, frames[-1][1]


def test_questions_are_logged_only_when_the_owner_turns_it_on(settings):
    backend = Backend.create(settings, access=Access.local(settings))
    ask(backend, "who painted the mona lisa")
    assert not (settings.data_dir / QUERY_LOG).exists()

    on = settings.replace(log_queries=True)
    backend = Backend.create(on, access=Access.local(on))
    ask(backend, "who painted the mona lisa")
    search.ask_links(backend, search.new_thread(), "when was he born", "none", caller=Caller(key="k", name="ann"))
    ask(backend, "x" * (on.max_query_chars + 1))  # refused: not asked, so not logged
    lines = [json.loads(line) for line in (settings.data_dir / QUERY_LOG).read_text(encoding="utf-8").splitlines()]
    assert [(x["user"], x["question"], x["source"]) for x in lines] == \
        [("ann", "who painted the mona lisa", "none"), ("ann", "when was he born", "none")]  # a follow-up too


def _vote(evaluator: str, comment: str) -> Vote:
    return Vote(question="q", a_mode="overview", choice="A", overview_correct=True, links_correct=False,
                decision_ms=1000, evaluator=evaluator, comment=comment)


def test_only_admins_export_and_read_other_users_comments(with_users):
    access = Access.for_host(with_users, "0.0.0.0")
    backend = Backend.create(with_users, access=access)
    backend.votes.add(_vote("ann", "ann's note"))
    backend.votes.add(_vote("bob", "bob's note"))
    ann, bob = access.caller("ann"), access.caller("bob")

    path, message = evaluate.export_votes(backend, bob)
    assert path is None and "Only an admin" in message and "관리자만" in message
    path, message = evaluate.export_votes(backend, ann)
    assert message == "" and "bob&#x27;s note" not in open(path, encoding="utf-8").read()  # plain CSV
    assert "bob's note" in open(path, encoding="utf-8").read()

    mine = evaluate.votes_table(backend, bob)
    assert "Your votes" in mine and "bob&#x27;s note" in mine and "ann&#x27;s note" not in mine
    everyone = evaluate.votes_table(backend, ann)
    assert "All votes" in everyone and "bob&#x27;s note" in everyone and "ann&#x27;s note" in everyone
    assert evaluate.votes_table(backend, Access.local(with_users).caller(None)) == ""  # no login: Export CSV has them


def test_a_too_long_question_is_refused_with_its_length_in_its_language(settings):
    backend = Backend.create(settings.replace(max_query_chars=20))
    (state, links, *_, overview, _, thread, searched, _), final = ask(backend, "x" * 21)
    assert "Your question is 21 characters long; the limit is 20." in links and "질문" not in links
    assert overview == "" and final == "" and state["pending"] is None  # the links pane said it, once
    korean = ask(backend, "가" * 21)[0][1]
    assert "질문이 너무 깁니다: 21자, 최대 20자입니다." in korean and "characters" not in korean


def test_the_search_page_keeps_each_callers_limits(settings):
    shared = settings.replace(questions_per_minute=2, queued_overviews=1)
    backend = Backend.create(shared, access=Access.local(shared, shared=True))
    ann, bob = Caller(key="ann", session="tab"), Caller(key="bob", session="tab")
    # Ann asks three questions before any overview comes: the second finds her one place for an overview
    # taken, the third is past her questions per minute.
    asked = [search.ask_links(backend, None, "mona lisa", "none", fresh=True, caller=ann) for _ in range(3)]
    assert "You have asked 2 questions in the last minute" in asked[2][1] and "초 후에 다시 질문하세요" in asked[2][1]
    assert "questions in the last minute" not in search.ask_links(backend, None, "q", "none", caller=bob)[1]
    overviews = [list(search.ask_overview(backend, out[0], "none", ann))[-1][1] for out in asked]
    assert "You already have 1 overview waiting" in overviews[1] and "대기 한도" in overviews[1]
    assert overviews[0] == "" and overviews[2] == ""  # the first found no index; the third was refused
    assert backend.access.limits.waiting("ann") == 0  # every place was given back


def test_an_oversized_question_file_is_refused(settings, tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text('{"question": "q"}\n' * 100)
    backend = Backend.create(settings.replace(max_upload_bytes=1_000))
    session, message = evaluate.eval_load(str(big), "", backend.access.limits)
    assert not session.questions and "The question file is 1,800 bytes; the limit is 1,000 bytes" in message
    assert "질문 파일이 너무 큽니다: 1,800 bytes, 최대 1,000 bytes" in message  # tied to no question: both
