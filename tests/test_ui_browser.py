"""End to end in a real headless Chromium: `rag ui` as a subprocess on a free loopback port, driven by
Playwright, over a real tiny index, the real embedder and the real bundled model.

Debian's chromium is used (executable_path); `playwright install` is never run. `make browser`
installs it; where it cannot be had, these tests skip and say so.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from rag.store.local import build_index
from rag.schema import Document
from rag.settings import Settings

from conftest import free_port
from corpus import documents, korean_documents

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT = Path(__file__).resolve().parent.parent / "test-output"
XSS = Document(
    id="t:xss", url="javascript:window.__xss=3",
    title='<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> hostile page',
    text='This hostile page about onerror tricks holds <script>window.__xss=4</script> and '
         '<img src=x onerror="window.__xss=5"> and ${window.__xss=6} inline.')


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, pointed at the system Chromium."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not found — install it with `make browser` (apt-get install chromium); "
                    "the browser tests need it")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


class App:
    """`rag ui` in a subprocess: started, waited for, stopped (by its own pid)."""

    def __init__(self, root: Path, env: dict | None = None, args: tuple[str, ...] = ()):
        self.root, self.port = root, free_port()
        self.env, self.args = env or {}, args  # more RAG_* settings and `rag ui` options
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "App":
        env = {**os.environ, "RAG_DATA_DIR": str(self.root / "data"), "RAG_INDEX": "tiny",
               "GRADIO_TEMP_DIR": str(self.root / "gradio"), "GRADIO_ANALYTICS_ENABLED": "False", **self.env}
        self.log = open(self.root / "app.log", "a")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "--index-dir", str(self.root / "indexes"), "ui", "--port",
             str(self.port), *self.args], cwd=self.root, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"rag ui exited with {self.proc.returncode}:\n{self.output()}")
            try:
                if httpx.get(self.url, timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        pytest.fail(f"rag ui did not answer on {self.url} within 120 s:\n{self.output()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def output(self) -> str:
        self.log.flush()
        return (self.root / "app.log").read_text()[-4000:]


@pytest.fixture(scope="module")
def app(tmp_path_factory, embedder):
    root = tmp_path_factory.mktemp("ui-app")
    build_index(documents() + [XSS], Settings(index_dir=root / "indexes"), "tiny", "test:tiny+xss", embedder,
                progress=False)
    build_index(korean_documents(), Settings(index_dir=root / "indexes"), "tiny-ko", "test:tiny-ko", embedder,
                lang="ko", progress=False)
    app = App(root).start()
    yield app
    app.stop()


def goto(page, url: str) -> None:
    # Generous: on a busy two-core machine the app may still be loading models when the page opens.
    page.goto(url, timeout=90_000)


def ask(page, question: str) -> None:
    box = page.get_by_placeholder("Ask a question")
    box.fill(question)
    box.press("Enter")


def test_search_page_links_overview_chips_and_escaping(page, app):
    from playwright.sync_api import expect

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    goto(page, app.url)
    ask(page, "Who painted the Mona Lisa?")

    links = page.locator("#links .rag-link")
    expect(links).to_have_count(8, timeout=60_000)  # every document in the tiny index, ranked
    expect(links.first.locator(".rag-link-title")).to_have_text("Mona Lisa")
    expect(page.locator("#links-stats")).to_contain_text("8 links in")

    chips = page.locator("#overview .rag-chip")
    expect(chips.first).to_be_visible(timeout=150_000)  # first model load, then generation
    expect(page.locator("#overview .rag-draft")).to_have_count(0)  # the checked version replaced the draft
    expect(page.locator("#overview-stats")).to_contain_text("total")
    expect(page.locator("#links-reading")).to_contain_text("snippet words")

    target = chips.first.get_attribute("href")
    chips.first.click()
    card = page.locator(target)
    expect(card).to_have_class("rag-source")
    expect(card).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target')?.id") == target.lstrip("#")
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-search.png"), full_page=True)

    ask(page, "hostile onerror page")
    hostile = page.locator("#links .rag-link-title", has_text="<script>window.__xss=1</script>")
    expect(hostile).to_be_visible(timeout=60_000)  # the markup is on screen as text
    expect(page.locator("#links .rag-snippet", has_text="<img src=x onerror")).to_have_count(1)
    assert page.locator("#links img, #links script, #overview img, #overview script").count() == 0
    assert page.locator("a[href^='javascript'], a[href^='JAVASCRIPT']").count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("window.__xss") is None and dialogs == []


def test_evaluator_vote_shows_in_summary_and_survives_restart(page, app):
    from playwright.sync_api import expect

    goto(page, app.url)
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#eval-typed textarea").fill("Who painted the Mona Lisa?")
    page.locator("#eval-start").click()
    expect(page.locator("#eval-question")).to_contain_text("Who painted the Mona Lisa?", timeout=150_000)
    expect(page.locator("#pane-a .rag-pane")).to_be_visible()
    expect(page.locator("#pane-b .rag-pane")).to_be_visible()
    page.locator("#eval-choice").get_by_text("A", exact=True).click()
    page.locator("#eval-correct").get_by_text("A", exact=True).click()
    page.locator("#eval-vote").click()
    summary = page.locator("#eval-summary")
    expect(summary).to_contain_text("1 vote", timeout=30_000)
    expect(summary).to_contain_text("95% CI")
    expect(page.locator("#eval-message")).to_contain_text("Vote saved")

    app.stop()
    app.start()
    goto(page, app.url)
    page.get_by_role("tab", name="Evaluate").click()
    expect(page.locator("#eval-summary")).to_contain_text("1 vote", timeout=30_000)


def test_korean_question_gets_a_korean_page(page, app):
    """On the English index: a Korean "not found" and Korean labels; on a Korean index: cited evidence."""
    from playwright.sync_api import expect

    goto(page, app.url)
    ask(page, "모나리자를 그린 화가는 누구인가?")
    expect(page.locator("#links h3")).to_have_text("링크", timeout=60_000)
    expect(page.locator("#links .rag-notice")).to_contain_text("영어 전용")
    overview = page.locator("#overview")
    expect(overview.locator(".rag-abstain")).to_contain_text("찾은 자료에는 이 질문의 답이 없습니다", timeout=150_000)
    expect(overview.locator("h3")).to_have_text("AI 개요")
    expect(page.locator("#links-reading")).to_contain_text("읽을 분량")

    page.locator("#source input").click()
    page.get_by_role("option", name="tiny-ko").click()
    ask(page, "에펠탑은 언제 지어졌나?")
    expect(page.locator("#links .rag-link-title").first).to_have_text("에펠탑", timeout=60_000)
    expect(overview.locator(".rag-chip").first).to_be_visible(timeout=150_000)
    expect(overview.locator(".rag-lead, .rag-points")).not_to_have_count(0)
    expect(overview.locator(".rag-overview")).to_contain_text("1889년")  # the date asked for, quoted
    expect(overview.locator(".rag-draft")).to_have_count(0)  # the bundled model writes no Korean
    expect(page.locator("#overview-stats")).to_contain_text("전체")
    font = page.evaluate("getComputedStyle(document.querySelector('#overview .rag-pane')).fontFamily")
    assert "Noto Sans CJK KR" in font and "Malgun Gothic" in font  # a Korean-capable font stack
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-korean.png"), full_page=True)


def test_thread_follow_up_suggestion_and_feedback_survive_restart(page, app):
    """Ask, follow up with a pronoun, see what was searched and the right links, click a suggested
    question, give a thumbs-down with a reason, restart the app: the feedback is in the summary."""
    from playwright.sync_api import expect

    goto(page, app.url)
    ask(page, "Who painted the Mona Lisa?")
    expect(page.locator("#overview .rag-chip").first).to_be_visible(timeout=150_000)

    follow = page.get_by_placeholder("Ask a follow-up")
    follow.fill("When was he born?")
    follow.press("Enter")
    searched = page.locator("#searched-for input, #searched-for textarea").first
    expect(searched).to_have_value("When was Leonardo da Vinci born?", timeout=60_000)
    expect(page.locator("#links .rag-link-title").first).to_have_text("Leonardo da Vinci")
    expect(page.locator("#thread .rag-turn")).to_have_count(1)  # turn 1 with its own overview and links
    expect(page.locator("#thread .rag-turn .rag-link")).to_have_count(8)
    expect(page.locator("#overview .rag-chip").first).to_be_visible(timeout=150_000)
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=str(OUTPUT / "ui-thread.png"), full_page=True)

    suggestion = page.locator("#related-0")
    expect(suggestion).to_be_visible(timeout=30_000)
    asked = suggestion.inner_text().strip()
    suggestion.click()
    expect(page.locator("#thread .rag-turn")).to_have_count(2, timeout=60_000)
    expect(searched).to_have_value(asked)
    expect(page.locator("#overview .rag-chip").first).to_be_visible(timeout=150_000)

    page.locator("#feedback-reason input, #feedback-reason textarea").first.fill("not what I asked")
    page.locator("#feedback-down").click()
    expect(page.locator("#feedback-message")).to_contain_text("saved", timeout=30_000)

    app.stop()
    app.start()
    goto(page, app.url)
    page.get_by_role("tab", name="Evaluate").click()
    summary = page.locator("#eval-summary")
    expect(summary).to_contain_text("Answer feedback", timeout=30_000)
    expect(summary).to_contain_text("not what I asked")
