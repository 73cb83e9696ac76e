"""Benchmark: what follow-up resolution adds to time-to-links, on the default index. Prints, asserts nothing.

    python bench/chat.py [--rounds 3]

For each two-turn conversation below, turn 1 is asked in full (extractive, RAG_GENERATE is not
needed for links), then for turn 2:
  links     Assistant.search() of the resolved query, as if the user had typed it spelled out (cold:
            the query's vector is not cached yet);
  resolve   Conversation.resolve() of the follow-up as typed (cold too: its own words are embedded
            once for the retrieval fit) — the time a follow-up adds before its search starts.
Target (issue 9): resolution adds at most 20 ms to time-to-links. CPU time is printed beside the wall
time: on a shared machine it shows the cost of the work itself.
"""

from __future__ import annotations

import argparse
import statistics
import time

from rag import Assistant

# (first question, follow-up with a pronoun): what a person asks on the vital corpus
PAIRS = [
    ("Who painted the Mona Lisa?", "When was he born?"),
    ("Where is the Eiffel Tower?", "How tall is it?"),
    ("Who wrote Hamlet?", "Where was he born?"),
    ("Who discovered penicillin?", "Where did he work?"),
    ("What is the capital of Australia?", "How many people live there?"),
    ("Who invented the telephone?", "What else did he invent?"),
    ("Who was the first person on the moon?", "When did he die?"),
    ("Which is the largest ocean on Earth?", "How deep is it?"),
    ("Who founded Microsoft?", "When was it founded?"),
    ("Who developed the theory of relativity?", "Where did he study?"),
    ("What is the tallest mountain in Africa?", "In which country is it?"),
    ("Who composed the Fifth Symphony?", "When did he lose his hearing?"),
    ("Who built the Great Wall of China?", "How long is it?"),
    ("Who was the first emperor of Rome?", "Who succeeded him?"),
    ("What is the longest river in Africa?", "Which countries does it flow through?"),
    ("에펠탑은 어디에 있나요?", "그것은 언제 지어졌나요?"),
]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=3, help="times through the conversations (default 3)")
    args = p.parse_args()

    assistant = Assistant.default(generate=False)
    assistant.warm_up(generator=False)
    assistant.search("warm up")
    links_ms, resolve_ms, links_cpu, resolve_cpu, changed = [], [], [], [], 0
    for round_ in range(args.rounds):
        for first, follow in PAIRS:
            conv = assistant.conversation()
            conv.suggest = False
            conv.ask(first)
            assistant.embedder._queries.clear()  # cold: nothing this turn needs is cached
            started, cpu = time.perf_counter(), time.process_time()
            resolution = conv.resolve(follow)
            resolve_ms.append((time.perf_counter() - started) * 1000)
            resolve_cpu.append((time.process_time() - cpu) * 1000)
            assistant.embedder._queries.clear()
            cpu = time.process_time()
            links_ms.append(assistant.search(resolution.query).timings.links_ms)
            links_cpu.append((time.process_time() - cpu) * 1000)
            if round_ == 0:
                changed += resolution.changed
                print(f"  {follow!r} -> {resolution.query!r}")
    info = assistant.index_info()
    print(f"index {info['name']}: {info['documents']:,} documents; {len(PAIRS)} conversations x {args.rounds}")
    print(f"follow-ups resolved (pronoun replaced): {changed}/{len(PAIRS)}")
    print(f"time to links for the resolved query: p50 {pct(links_ms, .5):.1f} ms, p95 {pct(links_ms, .95):.1f} ms")
    print(f"resolution adds:                      p50 {pct(resolve_ms, .5):.1f} ms, p95 {pct(resolve_ms, .95):.1f} ms "
          f"(mean {statistics.mean(resolve_ms):.1f} ms; target <= 20 ms)")
    # CPU time (all threads of this process): what the work costs even when other processes share the cores
    print(f"CPU time: links p50 {pct(links_cpu, .5):.1f} ms; resolution p50 {pct(resolve_cpu, .5):.1f} ms, "
          f"p95 {pct(resolve_cpu, .95):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
