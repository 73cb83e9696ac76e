"""The login in a real headless Chromium: `rag ui --auth` as a subprocess on loopback, accounts made with
`rag users add --password-stdin`, over a real tiny index (RAG_GENERATE=0: the model is not under test).

Two people: bob (evaluator) signs in, votes with a comment and sees his own vote but no Export CSV;
ann (admin) sees bob's vote with his name and comment and exports the CSV.
"""

import os
import subprocess
import sys

import httpx
import pytest

from rag.store.local import build_index
from rag.settings import Settings

from corpus import documents
from test_ui_browser import OUTPUT, App, browser_context_args, browser_type_launch_args, goto  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORDS = {"ann": "ann's long password", "bob": "bob's long password"}


def add_user(root, name: str, role: str) -> None:
    env = {**os.environ, "RAG_DATA_DIR": str(root / "data")}
    done = subprocess.run([sys.executable, "-m", "rag.cli", "users", "add", name, "--role", role, "--password-stdin"],
                          input=PASSWORDS[name] + "\n", env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("ui-auth")
    build_index(documents(), Settings(index_dir=root / "indexes"), "tiny", "test:tiny", embedder, progress=False)
    add_user(root, "ann", "admin")
    add_user(root, "bob", "evaluator")
    users_file = (root / "data" / "users.json").read_text()
    assert "$argon2id$" in users_file and not any(p in users_file for p in PASSWORDS.values())
    app = App(root, env={"RAG_GENERATE": "0"}, args=("--auth",)).start()
    yield app
    app.stop()


def sign_in(page, name: str, password: str) -> None:
    page.get_by_label("username").fill(name)
    page.get_by_label("password").fill(password)
    page.get_by_role("button", name="Login").click()


def test_a_page_without_login_shows_the_login_form_and_refuses_a_wrong_password(page, app):
    from playwright.sync_api import expect

    response = page.goto(app.url, timeout=90_000)
    assert response.headers["x-frame-options"] == "DENY" and response.headers["x-content-type-options"] == "nosniff"
    expect(page.get_by_role("button", name="Login")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("rag users add")).to_be_visible()
    sign_in(page, "bob", "not bob's password")
    expect(page.get_by_text("Incorrect Credentials")).to_be_visible(timeout=30_000)
    expect(page.get_by_placeholder("Ask a question")).to_have_count(0)
    assert httpx.get(app.url + "config", timeout=30).status_code == 401


def test_evaluator_votes_as_himself_and_only_an_admin_exports(page, app):
    from playwright.sync_api import expect

    goto(page, app.url)
    sign_in(page, "bob", PASSWORDS["bob"])
    expect(page.locator("#account")).to_contain_text("Signed in as bob (evaluator)", timeout=60_000)
    page.get_by_placeholder("Ask a question").fill("Who painted the Mona Lisa?")
    page.get_by_placeholder("Ask a question").press("Enter")
    expect(page.locator("#links .rag-link").first).to_be_visible(timeout=60_000)

    page.get_by_role("tab", name="Evaluate").click()
    expect(page.locator("#eval-name")).to_be_hidden()  # the vote carries the login name
    expect(page.locator("#eval-export")).to_be_hidden()
    page.locator("#eval-typed textarea").fill("Who painted the Mona Lisa?")
    page.locator("#eval-start").click()
    expect(page.locator("#eval-question")).to_contain_text("Who painted the Mona Lisa?", timeout=60_000)
    page.locator("#eval-choice").get_by_text("A", exact=True).click()
    page.locator("#eval-comment textarea").fill("bob's comment")
    page.locator("#eval-vote").click()
    mine = page.locator("#eval-votes")
    expect(mine).to_contain_text("Your votes", timeout=30_000)
    expect(mine).to_contain_text("bob's comment")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-auth-evaluator.png"), full_page=True)

    page.locator("#account a", has_text="Sign out").click()
    expect(page.get_by_role("button", name="Login")).to_be_visible(timeout=30_000)
    sign_in(page, "ann", PASSWORDS["ann"])
    expect(page.locator("#account")).to_contain_text("Signed in as ann (admin)", timeout=60_000)
    page.get_by_role("tab", name="Evaluate").click()
    everyone = page.locator("#eval-votes")
    expect(everyone).to_contain_text("All votes", timeout=30_000)
    expect(everyone).to_contain_text("bob's comment")
    expect(everyone.locator("td", has_text="bob").first).to_be_visible()
    page.locator("#eval-export").click()
    expect(page.get_by_text(".csv").first).to_be_visible(timeout=30_000)
