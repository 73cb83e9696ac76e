"""The harness end to end: real index, real embedder, every format, the three outputs.

The in-process tests drive the overview and naive arms with a keyed writer (a deterministic fake:
it answers by question, so exact figures can be asserted); the `slow` CLI test runs the real model.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eval.datasets import load_dataset
from eval.harness import evaluate
from eval.indexes import prepare_index
from eval.report import write_report
from rag import Assistant
from rag.answer.generation import NAIVE_SYSTEM_PROMPT, Generator

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
ISSUE_KEYS = {
    "links": {"recall@1", "recall@10", "mrr@10", "ndcg@10", "answer@10"},
    "overview": {"answer_containment", "citation_precision", "citation_recall", "supported_rate",
                 "abstention_rate", "median_words"},
}


class KeyedGenerator(Generator):
    """Replies chosen by (arm, question); records every prompt. Unknown questions get an empty reply."""

    name = "keyed"

    def __init__(self, replies: dict[tuple[str, str], str]):
        self.replies, self.prompts = replies, []

    def stream(self, messages, max_tokens=96, temperature=0.0):
        self.prompts.append(messages)
        arm = "naive" if messages[0]["content"] == NAIVE_SYSTEM_PROMPT else "overview"
        question = messages[-1]["content"].rsplit("Question: ", 1)[-1]
        for word in self.replies.get((arm, question), "").split():
            yield word + " "


@pytest.fixture(scope="module")
def squad_run(tmp_path_factory, embedder):
    from rag.settings import Settings

    settings = Settings(index_dir=tmp_path_factory.mktemp("eval") / "indexes")
    writer = KeyedGenerator({
        ("overview", "Who painted the Mona Lisa?"): "The Mona Lisa was painted by Leonardo da Vinci [1].",
        ("naive", "Who painted the Mona Lisa?"): "It was painted by Pablo Picasso [2].",
        ("overview", "Who created the Python programming language?"): "Python was made by Pablo Picasso [1].",
    })
    assistant = Assistant(settings, embedder=embedder, generator=writer)
    dataset = load_dataset(f"squad:{FIXTURES / 'tiny-squad.json'}")
    index = prepare_index(dataset, assistant, None, from_dataset=True)
    report = evaluate(assistant, dataset, dataset.sample(None, 0), ["links", "overview", "naive"], index,
                      progress=False)
    return report, writer, assistant, dataset


def by_id(report, qid):
    return next(q for q in report["questions"] if q["id"] == qid)


def test_report_has_the_issue_keys(squad_run):
    report, *_ = squad_run
    assert report["n"] == 5 and report["dataset"] == "squad:tiny-squad"
    for arm, keys in ISSUE_KEYS.items():
        assert keys <= set(report[arm]), arm
    assert ISSUE_KEYS["overview"] <= set(report["naive"])
    assert "overview_fewer_words_share" in report["effort"]
    assert set(report["timings"]) == {"links", "overview", "naive"}
    assert report["timings"]["overview"]["total_ms"]["p50"] > 0


def test_links_find_the_gold_paragraph(squad_run):
    report, *_ = squad_run
    assert report["links"]["recall@10"] == 1.0  # five paragraphs: all are on the page
    mona = by_id(report, "mona0")["links"]
    assert mona["ranked"][0] == "squad:Mona Lisa:0" and mona["gold_ranks"] == [1]
    assert mona["answer_rank"] == 1 and mona["effort_words"] > 0


def test_a_supported_generated_lead_counts_as_an_answer(squad_run):
    report, *_ = squad_run
    ov = by_id(report, "mona0")["overview"]
    assert ov["contains"] and not ov["abstained"]
    assert ov["short_answer"] == "Leonardo da Vinci" and ov["em"] == 1.0
    assert ov["citation_precision"] == 1.0 and ov["cites_gold"]
    assert all(ov["supported"])
    # read down to the answer, as for the links: the bold short answer holds it
    assert ov["effort_words"] == len("Leonardo da Vinci".split()) < ov["words"] < 80


def test_an_invented_lead_is_replaced_and_still_judged_on_gold(squad_run):
    report, *_ = squad_run
    ov = by_id(report, "pyth0")["overview"]
    assert "Picasso" not in ov["text"] and ov["origins"][0] == "quoted"
    assert ov["contains"]  # the quoted evidence names Guido van Rossum
    # the short answer is the overview's own (rag.answer.short), cut from the quoted evidence, not the invention
    assert ov["short_answer"] == "Guido van Rossum" and ov["em"] == 1.0


def test_naive_citations_are_taken_as_given(squad_run):
    report, writer, *_ = squad_run
    naive = by_id(report, "mona0")["naive"]
    assert naive["text"] == "It was painted by Pablo Picasso."
    assert not naive["contains"] and naive["em"] == 0.0
    assert naive["citation_precision"] == 0.0  # passage 2 is another paragraph without the answer
    assert naive["supported"] == [False]  # the project's checker rejects the invented name
    assert naive["miss_reason"] == "model's answer lacks the gold answer"
    naive_prompts = [p for p in writer.prompts if p[0]["content"] == NAIVE_SYSTEM_PROMPT]
    assert len(naive_prompts) == 5 and naive_prompts[0][1]["content"].startswith("Sources:\n[1] Mona Lisa: ")


def test_effort_is_infinite_when_the_answer_is_never_shown(squad_run):
    report, *_ = squad_run
    for q in report["questions"]:
        for arm in ("overview", "naive"):
            assert (q[arm]["effort_words"] == math.inf) == (not q[arm]["contains"])


def test_write_report_outputs(squad_run, tmp_path):
    report, *_ = squad_run
    paths = write_report(report, tmp_path / "out")
    assert {p.name for p in paths} == {"report.json", "report.md", "answer_at_k.png", "effort.png", "latency.png",
                                     "risk_coverage.png"}
    data = json.loads((tmp_path / "out" / "report.json").read_text())  # strict JSON: no Infinity
    assert data["links"]["recall@10"] == 1.0 and len(data["questions"]) == 5
    md = (tmp_path / "out" / "report.md").read_text()
    assert "| Recall@1 |" in md and "answer containment" in md
    for png in paths[2:]:
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_the_dataset_index_is_built_once_and_reused(squad_run):
    _, _, assistant, dataset = squad_run
    root = Path(assistant.settings.index_dir)
    before = (root / "eval-squad-tiny-squad").resolve()
    assert prepare_index(dataset, assistant, None, from_dataset=True) == "eval-squad-tiny-squad"
    assert (root / "eval-squad-tiny-squad").resolve() == before


# -- the command, as a user runs it ----------------------------------------------------------------

def rag_eval(index_dir, *args):
    env = {**os.environ, "RAG_INDEX_DIR": str(index_dir)}
    return subprocess.run([sys.executable, "-m", "rag.cli", "eval", "--no-progress", *args],
                          capture_output=True, text=True, env=env, timeout=600)


def read(out):
    return json.loads((out / "report.json").read_text())


@pytest.mark.slow  # a subprocess that loads MiniLM and builds an index
def test_cli_hotpot_supporting_paragraphs_are_gold(tmp_path):
    r = rag_eval(tmp_path / "idx", "--dataset", f"hotpot:{FIXTURES / 'tiny-hotpot.jsonl'}",
                 "--corpus-from-dataset", "--modes", "links", "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    report = read(tmp_path / "out")
    first = report["questions"][0]["links"]
    assert first["gold"] == ["hotpot:Mona Lisa:0", "hotpot:Leonardo da Vinci:0"]
    assert sorted(first["gold_ranks"]) == sorted(first["ranked"].index(g) + 1 for g in first["gold"])
    assert first["scores"]["recall@1"] == 0.5  # one of two supporting paragraphs can be first
    assert report["links"]["recall@10"] == 1.0
    assert (tmp_path / "out" / "effort.png").is_file()


def test_cli_nq_and_own_jsonl_against_a_named_index(tiny_settings, tmp_path):
    r = rag_eval(tiny_settings.index_dir, "--dataset", f"nq:{FIXTURES / 'tiny-nq.jsonl'}", "--index", "tiny",
                 "--modes", "links", "--out", str(tmp_path / "nq"))
    assert r.returncode == 0, r.stderr
    nq = read(tmp_path / "nq")
    assert nq["questions"][0]["links"]["gold"] == ["t:5"]  # relevant = the document holding the answer
    assert nq["links"]["recall@1"] == 1.0
    r = rag_eval(tiny_settings.index_dir, "--dataset", f"jsonl:{FIXTURES / 'tiny.jsonl'}", "--index", "tiny",
                 "--modes", "links", "--out", str(tmp_path / "own"))
    assert r.returncode == 0, r.stderr
    own = read(tmp_path / "own")
    first = own["questions"][0]["links"]
    assert first["ranked"][0] == "https://en.wikipedia.org/wiki/Mona_Lisa"
    assert first["scores"]["recall@1"] == 0.5 and first["scores"]["recall@10"] == 1.0


@pytest.mark.parametrize("args, fragment", [
    (["--dataset", "trec:x"], "unknown dataset"),
    (["--dataset", f"nq:{FIXTURES / 'tiny-nq.jsonl'}", "--corpus-from-dataset"], "pass --index NAME"),
    (["--dataset", f"nq:{FIXTURES / 'tiny-nq.jsonl'}", "--modes", "links,chat"], "unknown mode chat"),
    (["--dataset", f"nq:{FIXTURES / 'tiny-nq.jsonl'}", "--index", "nope"], "no index 'nope'"),
    ([], "needs --dataset"),
])
def test_cli_errors_are_one_line(tmp_path, monkeypatch, capsys, args, fragment):
    from rag.cli import main

    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "idx"))
    code = main(["eval", "--no-progress", *args])  # in process: every one fails before a model loads
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and fragment in lines[0], err


@pytest.mark.slow
def test_cli_squad_with_the_real_model_is_repeatable(tmp_path):
    runs = []
    for name in ("a", "b"):
        r = rag_eval(tmp_path / "idx", "--dataset", f"squad:{FIXTURES / 'tiny-squad.json'}", "--corpus-from-dataset",
                     "--limit", "3", "--seed", "1", "--modes", "links,overview,naive", "--out", str(tmp_path / name))
        assert r.returncode == 0, r.stderr
        assert "overview" in r.stdout
        runs.append(read(tmp_path / name))
    a, b = runs
    assert [q["id"] for q in a["questions"]] == [q["id"] for q in b["questions"]]
    for arm in ("links", "overview", "naive"):
        assert a[arm] == b[arm], arm  # same seed, same figures (timings are reported apart)
    assert {"report.md", "answer_at_k.png", "latency.png"} <= {p.name for p in (tmp_path / "a").iterdir()}
