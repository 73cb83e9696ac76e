import pytest

from rag.answer.citations import attribute, check, strip_citations
from rag.schema import Evidence

EVIDENCE = [
    Evidence("The Mona Lisa is a half-length portrait painting by the Italian artist Leonardo da Vinci.",
             "t:0", "Mona Lisa", "u0", 0.8),
    Evidence("The tower was constructed from 1887 to 1889 as the centrepiece of the 1889 World's Fair.",
             "t:2", "Eiffel Tower", "u2", 0.5),
]


@pytest.fixture(scope="module")
def vectors(embedder):
    return embedder.encode([e.text for e in EVIDENCE])


def test_strip_citations():
    assert strip_citations("Leonardo painted it [1][2].") == ("Leonardo painted it.", [1, 2])
    assert strip_citations("It was built in 1889 [2, 3]") == ("It was built in 1889", [2, 3])


@pytest.mark.parametrize("sentence,cited,expected", [
    ("The Mona Lisa was painted by Leonardo da Vinci.", [1], [1]),  # right citation kept
    ("Leonardo da Vinci", [], [1]),  # short extractive answer, citation added
    ("The Mona Lisa was painted by Leonardo da Vinci.", [2], [1]),  # wrong citation moved
    ("The tower was built from 1887 to 1889.", [2], [2]),
    ("The tower was built in 1925.", [2], []),  # invented number
    ("The Mona Lisa was painted by Pablo Picasso.", [1], []),  # invented name
    ("Bananas are a good source of potassium for athletes.", [1], []),  # unrelated
])
def test_attribute(embedder, vectors, sentence, cited, expected):
    got, verdict = attribute(sentence, cited, EVIDENCE, embedder, vectors)
    assert got == expected, verdict.reason


def test_out_of_range_citation_is_never_kept(embedder, vectors):
    got, _ = attribute("The Mona Lisa was painted by Leonardo da Vinci.", [7], EVIDENCE, embedder, vectors)
    assert got == [1]


def test_check_reports_why(embedder, vectors):
    v = embedder.encode(["It was finished in 1925."])[0]
    verdict = check("It was finished in 1925.", EVIDENCE[1], v, vectors[1])
    assert not verdict.supported and "1925" in verdict.reason


@pytest.mark.parametrize("text", [
    "Earth's atmosphere is mostly nitrogen and oxygen.",
    "The Anglo-Saxon kingdoms were united under Alfred's grandson.",
])
def test_a_sentence_is_supported_by_itself(embedder, text):
    e = Evidence(text, "d", "Title", "u", 0.5)
    v = embedder.encode([text])[0]
    assert check(text, e, v, v).supported
