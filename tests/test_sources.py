import pytest

from rag.errors import CorpusError
from rag.ingest.sources import iter_squad, load_corpus, vital_documents, wiki_url


def test_vital_corpus_is_the_embedded_default():
    docs = list(vital_documents())
    assert len(docs) == 10033
    assert len({d.id for d in docs}) == len(docs)
    mona = next(d for d in docs if d.title == "Mona Lisa")
    assert mona.url == "https://en.wikipedia.org/wiki/Mona_Lisa"
    assert "Leonardo" in mona.text


def test_squad_one_document_per_paragraph(squad_file):
    docs = load_corpus(f"squad:{squad_file}")
    assert [d.id for d in docs] == ["squad:Mona Lisa:0", "squad:Mona Lisa:1", "squad:에펠탑:0"]
    assert docs[0].url == "https://en.wikipedia.org/wiki/Mona_Lisa"
    assert docs[2].url.startswith("https://ko.wikipedia.org/wiki/")
    assert docs[1].meta == {"article": "Mona Lisa", "paragraph": 1, "lang": "en"}
    pairs = list(iter_squad(squad_file))
    assert pairs[0][1][0]["question"] == "Who painted the Mona Lisa?"


def test_squad_lang_option_wins(squad_file):
    assert all(d.url.startswith("https://ko.") for d in load_corpus(f"squad:{squad_file}", lang="ko"))


def test_dir_corpus(tmp_path):
    (tmp_path / "a.md").write_text("# Alpha notes\n\nAlpha is the first letter.")
    (tmp_path / "b.txt").write_text("Beta is the second letter.")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.html").write_text(
        "<html><head><title>Gamma page</title><script>var x=1;</script></head>"
        "<body><p>Gamma is third.</p></body></html>")
    (tmp_path / "ignored.bin").write_bytes(b"\x00\x01")
    docs = load_corpus(f"dir:{tmp_path}")
    assert [(d.id, d.title) for d in docs] == [
        ("dir:a.md", "Alpha notes"), ("dir:b.txt", "b"), ("dir:sub/c.html", "Gamma page")]
    assert docs[2].url.startswith("file://") and "var x" not in docs[2].text and "Gamma is third." in docs[2].text


@pytest.mark.parametrize("spec,message", [
    ("web", "unknown corpus"), ("squad:/nonexistent.json", "does not exist"), ("dir:/nonexistent", "not a folder"),
])
def test_bad_corpus_specs(spec, message):
    with pytest.raises(CorpusError, match=message):
        load_corpus(spec)


def test_not_squad(tmp_path):
    p = tmp_path / "x.json"
    p.write_text('{"a": 1}')
    with pytest.raises(CorpusError, match="not SQuAD"):
        load_corpus(f"squad:{p}")


def test_wiki_url_escapes():
    assert wiki_url("Python (programming language)") == "https://en.wikipedia.org/wiki/Python_(programming_language)"
    assert wiki_url("AT&T") == "https://en.wikipedia.org/wiki/AT%26T"
