"""eval.reader_data: the reader's training rows are the candidates the ranker sees, labelled by the eval's own test."""

import json
from pathlib import Path

import pytest

from eval.datasets import load_dataset
from eval.indexes import prepare_index
from eval.reader_data import candidates, main, mark_bridges
from rag import Assistant
from rag.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


def test_rows_are_the_sentences_read_and_the_answer_sentence_is_the_positive(tmp_path, embedder):
    assistant = Assistant(Settings(index_dir=tmp_path / "indexes", generate=False), embedder=embedder)
    dataset = load_dataset(f"squad:{FIXTURES / 'tiny-squad.json'}")
    index = prepare_index(dataset, assistant, None, from_dataset=True)
    q = next(q for q in dataset.questions if q.question == "Who painted the Mona Lisa?")
    query, rows = candidates(assistant, q, index, baseline=True)
    assert query == "Who painted the Mona Lisa?"
    best = max(rows, key=lambda r: r["ranker"])  # today's linear ranker, on the same rows
    assert best["label"] == 1
    positives = [r for r in rows if r["label"]]
    assert positives and all("Leonardo da Vinci" in r["sentence"] for r in positives)
    assert positives[0]["title"] == "Mona Lisa" and positives[0]["gold_doc"]
    assert len({r["sentence"] for r in rows}) == len(rows) and any(not r["label"] for r in rows)


def test_a_supporting_sentence_naming_the_other_supporting_title_is_a_bridge():
    rows = [{"doc_id": "a", "title": "Mona Lisa", "gold_doc": True, "sentence": "It is by Leonardo da Vinci."},
            {"doc_id": "b", "title": "Leonardo da Vinci", "gold_doc": True, "sentence": "He painted it."},
            {"doc_id": "c", "title": "Louvre", "gold_doc": False, "sentence": "Leonardo da Vinci was here."}]
    mark_bridges(rows, ("a", "b"))
    assert [r["bridge"] for r in rows] == [1, 0, 0]


def test_both_parts_together_hold_every_question_once_with_counts(tmp_path, monkeypatch, embedder):
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "indexes"))
    spec = f"squad:{FIXTURES / 'tiny-squad.json'}"
    for which in ("fit", "heldout"):
        assert main(["--dataset", spec, "--part", which, "--out", str(tmp_path / "out")]) == 0
    counts = [json.loads((tmp_path / "out" / f"counts-{w}.json").read_text())["sets"][spec] for w in ("fit", "heldout")]
    assert sum(c["questions"] for c in counts) == len(load_dataset(spec).questions)
    lines = [json.loads(x) for w in ("fit", "heldout")
             for x in (tmp_path / "out" / f"squad-tiny-squad-{w}.jsonl").read_text().splitlines()]
    assert len(lines) == sum(c["sentences"] for c in counts)
    assert sum(r["label"] for r in lines) == sum(c["positives"] for c in counts) > 0
    assert {r["part"] for r in lines} <= {"fit", "heldout"}


@pytest.mark.slow  # loads the bundled MiniLM through transformers and trains two steps
def test_the_reader_trains_saves_loads_and_is_scored_against_the_ranker_on_the_same_rows(tmp_path):
    """A few steps on made-up rows: the pairs, the saved model, and the held-out comparison's arithmetic."""
    from eval.train_reader import Reader, evaluate, pairs, train

    rows = [{"set": "s", "qid": str(i), "question": f"Who painted picture {i}?", "title": "Mona Lisa",
             "sentence": text, "label": label, "ranker": ranker}
            for i in range(3) for text, label, ranker in (("It was painted by Leonardo da Vinci.", 1, 0.2),
                                                          ("It hangs in the Louvre in Paris.", 0, 0.9))]
    grouped = {}
    for r in rows:
        grouped.setdefault((r["set"], r["qid"]), []).append(r)
    data = pairs(grouped, seed=0)
    assert len(data) == 6 and sum(y for _, _, y in data) == 3
    reader = Reader()
    assert train(reader, data, minutes=5, max_steps=2)["steps"] == 2
    reader.save(tmp_path / "model")
    figures = evaluate(Reader(tmp_path / "model"), grouped)["s"]
    assert figures["questions"] == 3 and figures["ranker_top1"] == 0.0  # the ranker prefers the Louvre sentence
    assert 0.0 <= figures["reader_top1"] <= 1.0


@pytest.mark.slow  # imports torch
def test_the_listwise_loss_is_minus_the_log_softmax_share_of_each_questions_answer_sentences():
    import math

    import torch

    from eval.train_reader import groups, listwise_loss

    logits, labels = torch.tensor([2.0, 0.0, 0.0, 0.0, 1.0, 1.0]), torch.tensor([1.0, 0, 0, 0, 1, 1])
    expected = ((math.log(math.exp(2) + 2) - 2) + (math.log(1 + 2 * math.e) - math.log(2 * math.e))) / 2
    assert float(listwise_loss(logits, labels, [3, 3])) == pytest.approx(expected, rel=1e-5)
    rows = {("s", "1"): [{"question": "q", "title": "t", "sentence": f"s{i}", "label": int(i == 0)} for i in range(3)],
            ("s", "2"): [{"question": "q", "title": "t", "sentence": "s", "label": 0}]}  # no answer: left out
    assert [sorted(y for _, _, y, _ in g) for g in groups(rows, seed=0)] == [[0.0, 0.0, 1.0]]


def test_hard_negatives_come_from_the_rows_the_ranker_would_show_the_reader():
    from rag.answer.evidence import READ_AT_MOST

    from eval.reader_groups import NEGATIVES, groups

    rows = [{"question": "q", "title": "t", "sentence": f"s{i}", "label": int(i == 0), "ranker": 1.0 - i / 100}
            for i in range(40)]  # s1 … s{READ_AT_MOST - 1} are the negatives the ranker shows
    shown = {f"t: s{i}" for i in range(1, READ_AT_MOST)}
    for seed in range(5):
        [group] = groups({("s", "1"): rows}, seed=seed, hard=True)
        negatives = [s for _, s, y, _ in group if not y]
        assert len(negatives) == NEGATIVES and set(negatives) <= shown
    many = [{**r, "label": int(i < READ_AT_MOST - 2)} for i, r in enumerate(rows)]  # two shown negatives
    [group] = groups({("s", "1"): many}, seed=0, hard=True)
    negatives = [s for _, s, y, _ in group if not y]
    shown_negatives = {f"t: s{i}" for i in (READ_AT_MOST - 2, READ_AT_MOST - 1)}
    assert len(negatives) == NEGATIVES and shown_negatives <= set(negatives)


def test_swapped_titles_put_the_answer_sentence_under_another_document_read():
    from eval.reader_groups import NEGATIVES, groups

    rows = [{"question": "Who painted the Mona Lisa?", "title": "Mona Lisa", "sentence": "Leonardo painted it.",
             "label": 1, "gold_doc": True}]
    rows += [{"question": rows[0]["question"], "title": "Mona Lisa", "sentence": f"s{i}", "label": 0,
              "gold_doc": True} for i in range(10)]
    rows += [{"question": rows[0]["question"], "title": title, "sentence": f"o{i}", "label": 0, "gold_doc": False}
             for i, title in enumerate(["Along the River", "Louvre"])]
    for seed in range(5):
        [group] = groups({("s", "1"): rows}, seed=seed, swaps=1, cross=2)
        texts = [s for _, s, y, _ in group if not y]
        assert len(texts) == NEGATIVES + 1  # the swapped sentence joins the negatives
        assert sum(t.endswith(": Leonardo painted it.") for t in texts) == 1
        assert [s for _, s, y, _ in group if y] == ["Mona Lisa: Leonardo painted it."]
        assert {"Along the River: o0", "Louvre: o1"} <= set(texts)  # the other documents first
        swapped = next(t for t in texts if t.endswith("Leonardo painted it."))
        assert swapped.split(":")[0] in {"Along the River", "Louvre"}
    alone = [r for r in rows if r["gold_doc"]]  # nothing else read: nothing to swap with, plain negatives
    [group] = groups({("s", "1"): alone}, seed=0, swaps=1, cross=2)
    assert len([s for _, s, y, _ in group if not y]) == NEGATIVES and all("Mona Lisa:" in s for _, s, _, _ in group)


def test_the_calibrate_rest_never_holds_the_blends_or_the_confidences_questions(monkeypatch):
    from eval import reader_groups
    from eval.harness import in_part
    from eval.reader_groups import calibrating, training_questions

    monkeypatch.setattr(reader_groups, "BLEND_ROWS", 1)  # the fixture's calibrate slice holds two questions
    monkeypatch.setattr(reader_groups, "CONFIDENCE_RUN", 1)

    spec = f"squad:{FIXTURES / 'tiny-squad.json'}"
    dataset = load_dataset(spec)
    spared = calibrating(dataset)
    keep = {qid for _, qid in training_questions([spec], calibrate_rest=True)}
    calibrate = {q.id for q in in_part(dataset, "calibrate")}
    assert spared < calibrate and not keep & spared
    assert keep == {qid for _, qid in training_questions([spec])} | (calibrate - spared)


def _one_row(folder):
    """A reader_data folder holding one fit row, without the ranker's probability."""
    row = {"set": "s", "qid": "1", "question": "q", "title": "t", "sentence": "s", "label": 1, "lang": "en"}
    (folder / "s-fit.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")


def test_hard_negatives_asked_of_rows_without_the_rankers_probability_is_a_one_line_error(tmp_path, capsys):
    from eval.train_reader import main as train_main

    _one_row(tmp_path)
    with pytest.raises(SystemExit):
        train_main(["--data", str(tmp_path), "--loss", "listwise", "--hard", "--out", str(tmp_path / "m")])
    assert "--hard needs rows written with eval.reader_data --baseline" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()


def test_swapped_titles_with_hard_negatives_is_a_one_line_error(tmp_path, capsys):
    from eval.train_reader import main as train_main

    _one_row(tmp_path)
    with pytest.raises(SystemExit):
        train_main(["--data", str(tmp_path), "--loss", "listwise", "--hard", "--swap-titles", "1",
                    "--out", str(tmp_path / "m")])
    assert "leave out --hard" in capsys.readouterr().err and not (tmp_path / "m").exists()


def test_a_repeated_set_is_drawn_that_many_times_a_pass_with_fresh_negatives():
    from eval.train_reader import groups

    def rows(name, qid):
        return [{"question": f"{name}{qid}", "title": "t", "sentence": f"s{i}", "label": int(i == 0)}
                for i in range(30)]

    grouped = {("small", "1"): rows("small", "1"), ("big", "1"): rows("big", "1"), ("big", "2"): rows("big", "2")}
    drawn = groups(grouped, seed=0, repeat={"small": 3})
    small = [g for g in drawn if g[0][0] == "small1"]
    assert len(drawn) == 5 and len(small) == 3
    assert len({tuple(sorted(s for _, s, _, _ in g)) for g in small}) > 1  # each draw picks its own negatives


def test_a_repeat_without_a_count_is_a_one_line_error(tmp_path, capsys):
    from eval.train_reader import main as train_main

    _one_row(tmp_path)
    with pytest.raises(SystemExit):
        train_main(["--data", str(tmp_path), "--loss", "listwise", "--repeat", "s", "--out", str(tmp_path / "m")])
    assert "--repeat takes SET=N" in capsys.readouterr().err


@pytest.mark.slow  # trains two steps of the bundled MiniLM, exports and quantizes it (about half a minute)
def test_bf16_training_keeps_frozen_word_pieces_and_a_weight_only_export_reads_alike_in_any_batch(tmp_path):
    import numpy as np
    import torch

    from eval.export_reader import export
    from eval.train_reader import Reader, groups, train
    from rag.answer.reader import TOKENIZER, WEIGHTS
    from rag.answer.reader import Reader as OnnxReader

    rows = {("s", str(i)): [{"question": f"Who painted picture {i}?", "title": "Mona Lisa", "sentence": text,
                             "label": label} for text, label in (("It was painted by Leonardo da Vinci.", 1),
                                                                 ("It hangs in the Louvre in Paris.", 0))]
            for i in range(4)}
    reader = Reader()
    table = reader.encoder.embeddings.word_embeddings.weight.detach().clone()
    layer = reader.encoder.encoder.layer[0].attention.self.query.weight.detach().clone()
    assert train(reader, groups(rows, seed=0), minutes=5, max_steps=2, bf16=True, freeze_embeddings=True)["steps"] == 2
    assert torch.equal(reader.encoder.embeddings.word_embeddings.weight, table)
    assert not torch.equal(reader.encoder.encoder.layer[0].attention.self.query.weight, layer)
    reader.save(tmp_path / "model")

    folder = tmp_path / "export"
    folder.mkdir()
    export(tmp_path / "model", folder / WEIGHTS, weight_only=True)
    (tmp_path / "model" / TOKENIZER).rename(folder / TOKENIZER)
    (folder / "reader.json").write_text(json.dumps({"max_tokens": 96}), encoding="utf-8")
    assert (folder / WEIGHTS).stat().st_size < 25_000_000  # the limit on the shipped weights
    onnx_reader = OnnxReader(folder)
    texts = ["Mona Lisa: It was painted by Leonardo da Vinci.", "Mona Lisa: It hangs in the Louvre in Paris.",
             "Louvre: The Louvre is the world's most-visited museum, and a historic landmark in Paris, France."]
    together = onnx_reader.logits("Who painted the Mona Lisa?", texts)
    alone = np.array([onnx_reader.logits("Who painted the Mona Lisa?", [t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-4)
    with torch.no_grad():
        reader.encoder.eval()
        expected = reader.logits(["Who painted the Mona Lisa?"] * 3, texts).numpy()
    assert np.allclose(together, expected, atol=0.1)  # int8 weights, float arithmetic: close to the torch model


@pytest.mark.slow  # imports torch and trains the bundled MiniLM a few steps
def test_the_span_loss_points_at_the_answer_in_the_sentence_never_in_the_title_and_falls_with_training():
    from eval.reader_groups import answer_span, groups
    from eval.train_reader import Reader, train

    answer = {"question": "Who painted the Mona Lisa?", "title": "Leonardo da Vinci", "label": 1,
              "sentence": "The Mona Lisa was painted by Leonardo da Vinci.", "answer": "leonardo da vinci"}
    other = {"question": "Who painted the Mona Lisa?", "title": "Louvre", "label": 0,
             "sentence": "The Louvre shows the Mona Lisa.", "answer": "Louvre"}  # a negative has no span
    start, end = answer_span(answer)
    assert f"{answer['title']}: {answer['sentence']}"[start:end] == "Leonardo da Vinci"
    [group] = groups({("s", "1"): [answer, other]}, seed=0)
    assert sorted(bool(g[3]) for g in group) == [False, True]

    reader = Reader()
    _, before = reader.both([g[0] for g in group], [g[1] for g in group], [g[3] for g in group])
    _, none = reader.both([g[0] for g in group], [g[1] for g in group], [None] * len(group))
    assert float(before.detach()) > 0 and float(none.detach()) == 0
    train(reader, [group] * 8, minutes=5, max_steps=8, span=1.0)
    _, after = reader.both([g[0] for g in group], [g[1] for g in group], [g[3] for g in group])
    assert float(after.detach()) < float(before.detach())
