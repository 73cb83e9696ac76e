import json

import pytest

from rag.errors import CorpusError
from ui.questions import Question, load_questions, typed_questions


def test_jsonl_with_and_without_answers(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"question": "Who painted the Mona Lisa?", "answers": ["Leonardo da Vinci", "Leonardo"]},
        {"question": " How high is Everest? ", "answer": "8,849 m"},
        {"question": "Who built the Great Wall?"},
    ]) + "\n\n", encoding="utf-8")
    assert load_questions(path) == [
        Question("Who painted the Mona Lisa?", ("Leonardo da Vinci", "Leonardo")),
        Question("How high is Everest?", ("8,849 m",)),
        Question("Who built the Great Wall?"),
    ]


def test_squad_json(squad_file):
    qs = load_questions(squad_file)
    assert [q.text for q in qs] == ["Who painted the Mona Lisa?", "When was the Mona Lisa stolen?",
                                    "에펠탑은 언제 완공되었나?"]
    assert qs[1].answers == ("1911",)


def test_a_single_line_jsonl_is_not_mistaken_for_squad(tmp_path):
    path = tmp_path / "one.jsonl"
    path.write_text('{"question": "Who painted the Mona Lisa?"}', encoding="utf-8")
    assert load_questions(path) == [Question("Who painted the Mona Lisa?")]


@pytest.mark.parametrize("content, message", [
    ('{"question": "ok"}\nnot json\n', "line 2 is not JSON"),
    ('{"question": "ok"}\n{"q": "no field"}\n', "line 2 has no \"question\" field"),
    ("", "holds no questions"),
])
def test_bad_files_say_which_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CorpusError, match=message):
        load_questions(path)


def test_typed_lines():
    assert typed_questions(" a?\n\n b? \n") == [Question("a?"), Question("b?")]
    assert typed_questions(None) == []
