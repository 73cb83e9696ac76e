"""Accounts of the app: the users file, its argon2 hashes, and `rag users`."""

import io
import json
import stat

import pytest

from rag.cli import main
from rag.errors import RagError
from ui.access.users import UserStore

PASSWORD = "correct horse battery"


@pytest.fixture
def store(tmp_path) -> UserStore:
    return UserStore(tmp_path / "data" / "users.json")


def test_the_file_holds_salted_argon2_hashes_and_no_password(store):
    store.add("ann", PASSWORD, "admin")
    store.add("bob", PASSWORD)  # the same password: a different salt, so a different hash
    raw = store.path.read_bytes()
    assert PASSWORD.encode() not in raw and b"correct" not in raw
    users = json.loads(raw)["users"]
    assert users["ann"]["hash"].startswith("$argon2id$") and users["bob"]["hash"].startswith("$argon2id$")
    assert users["ann"]["hash"] != users["bob"]["hash"]
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600  # readable by its owner only


def test_verify_accepts_the_password_only(store):
    store.add("ann", PASSWORD, "admin")
    assert store.verify("ann", PASSWORD).admin
    assert store.verify(" ann ", PASSWORD).name == "ann"  # Gradio's form strips the name; so do we
    assert store.verify("ann", PASSWORD + "x") is None
    assert store.verify("ann", "") is None
    assert store.verify("nobody", PASSWORD) is None
    assert store.role("ann") == "admin" and store.role("nobody") is None


def test_korean_names_work_and_odd_names_are_refused(store):
    store.add("김민지", PASSWORD)
    assert store.verify("김민지", PASSWORD).role == "evaluator"
    for bad in ("", "two words", "a/b", "x" * 65, "tab\tname"):
        with pytest.raises(RagError, match="not allowed"):
            store.add(bad, PASSWORD)


def test_short_password_unknown_role_and_existing_name_are_refused(store):
    with pytest.raises(RagError, match="at least 8"):
        store.add("ann", "short")
    with pytest.raises(RagError, match="evaluator, admin"):
        store.add("ann", PASSWORD, "root")
    store.add("ann", PASSWORD)
    with pytest.raises(RagError, match="--replace"):
        store.add("ann", "another password")
    store.add("ann", "another password", "admin", replace=True)
    assert store.verify("ann", PASSWORD) is None and store.verify("ann", "another password").admin


def test_remove_and_a_change_on_disk_are_seen_at_once(store):
    store.add("ann", PASSWORD)
    other = UserStore(store.path)  # the running app's view of the same file
    assert "ann" in other
    store.remove("ann")
    assert "ann" not in other and other.accounts() == []
    with pytest.raises(RagError, match="rag users list"):
        store.remove("ann")


def test_a_damaged_file_is_a_clear_error(store):
    store.path.parent.mkdir(parents=True)
    store.path.write_text("not json")
    with pytest.raises(RagError, match="not an accounts file written by `rag users`"):
        store.accounts()


def test_cli_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "ann", "--role", "admin", "--password-stdin"]) == 0
    assert "added ann (admin)" in capsys.readouterr().out
    assert UserStore(tmp_path / "data" / "users.json").verify("ann", PASSWORD)  # the newline is not in it

    assert main(["users", "list"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ann\tadmin\t") and "argon2" not in out

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal, and no --password-stdin
    assert main(["users", "add", "bob"]) == 2
    assert "--password-stdin" in capsys.readouterr().err

    assert main(["users", "remove", "ann"]) == 0
    assert main(["users", "remove", "ann"]) == 2
    assert capsys.readouterr().err.count("\n") == 1  # one line, no traceback


def test_users_file_setting_moves_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_USERS_FILE", str(tmp_path / "elsewhere.json"))
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["users", "add", "ann", "--password-stdin"]) == 0
    assert (tmp_path / "elsewhere.json").is_file()
