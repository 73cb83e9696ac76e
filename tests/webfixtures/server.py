"""A small fixture web on 127.0.0.1 for the web-mode tests, and a search backend that points at it.

The server is real (http.server in a thread): fetching, redirects, timeouts, size caps and the
address checks all run for real against it. Only the search engine is stood in for, because the
real one cannot be reached from here; FixtureBackend implements the same SearchBackend interface.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag.web.search import SearchBackend, SearchResult, WebError

HERE = Path(__file__).parent
# The tests' web_timeout: generous for loopback, because on two cores shared with other jobs a 1 s timeout once
# failed a redirect chain and a plain page that needed no time at all; the slow page outlasts it by far.
TIMEOUT = 3.0
SLOW_SECONDS = 10.0
HUGE_BYTES = 3_000_000  # larger than the tests' web_max_bytes (200 kB)
FILES = {"/millau.html": ("millau.html", "text/html; charset=utf-8"),
         "/injection.html": ("injection.html", "text/html; charset=utf-8"),
         "/notes.txt": ("notes.txt", "text/plain; charset=utf-8")}
REDIRECTS = {"/loop": "/loop2", "/loop2": "/loop",
             "/to-private": "http://10.0.0.1/secret",  # blocked before any connection is tried
             "/to-link-local": "http://169.254.169.254/latest/meta-data/",
             "/to-millau": "/millau.html"}


class FixtureWeb:
    def __init__(self):
        self.hits: Counter[str] = Counter()
        self.lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with web.lock:
                    web.hits[self.path] += 1
                web.serve(self)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if path in FILES:
            name, ctype = FILES[path]
            return _send(h, 200, ctype, (HERE / name).read_bytes())
        if path in REDIRECTS:
            h.send_response(302)
            h.send_header("Location", REDIRECTS[path])
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if path == "/slow.html":
            time.sleep(SLOW_SECONDS)
            return _send(h, 200, "text/html", b"<html><body><p>Too late to matter.</p></body></html>")
        if path == "/huge.html":  # declares its size
            return _send(h, 200, "text/html", b"<p>" + b"bridge " * (HUGE_BYTES // 7) + b"</p>")
        if path == "/huge-undeclared.html":  # no Content-Length: the cap must hold while reading
            h.send_response(200)
            h.send_header("Content-Type", "text/html")
            h.end_headers()
            try:
                for _ in range(HUGE_BYTES // 65536):
                    h.wfile.write(b"bridge " * 9362)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        if path == "/file.bin":
            return _send(h, 200, "application/octet-stream", bytes(range(256)) * 64)
        return _send(h, 404, "text/html", b"<html><body>not found</body></html>")

    def __enter__(self) -> "FixtureWeb":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default backlog of 5 can hold back connections when eight pages are fetched at once


def _send(h: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    try:
        h.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):  # the client stopped reading (size cap, timeout)
        pass


class FixtureBackend(SearchBackend):
    """Returns fixed results (title, url, snippet) in order; counts calls; can fail like an engine does."""

    name = "fixture"

    def __init__(self, results: list[tuple[str, str, str]], error: WebError | None = None):
        self.results, self.error, self.calls = results, error, []

    def search(self, query: str, n: int, timeout: float) -> list[SearchResult]:
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        return [SearchResult(rank=i, title=t, url=u, snippet=s) for i, (t, u, s) in enumerate(self.results[:n], 1)]


@pytest.fixture(scope="module")
def fixture_web():
    with FixtureWeb() as web:
        yield web


@pytest.fixture
def web(fixture_web):
    fixture_web.hits.clear()
    return fixture_web
