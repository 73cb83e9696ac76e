"""Issue 18: the learned reader's pieces — subject and referents, chunk-cut sentences, the short answer, the
confidence and its report figures. The shipped ONNX reader itself is exercised (slow) at the end."""

import json
import os
import subprocess
import sys
from dataclasses import replace

import numpy as np
import pytest

from eval.calibration import confidence_figures, fit_weights, pick_threshold, separation, spare_threshold
from rag.answer.confidence import Confidence, logit, signals
from rag.answer.sentences import cut_by_chunk
from rag.answer.short import short_answer
from rag.answer.subject import is_person, lacking, named_in, with_referent
from rag.errors import RagError
from rag.schema import Evidence, Sentence, Source


def test_a_quoted_pronoun_gets_its_referent_when_the_document_fits_it():
    assert with_referent("He is best known for the Eiffel Tower.", "Gustave Eiffel", True) == \
        "[Gustave Eiffel] is best known for the Eiffel Tower."
    assert with_referent("His father was a soldier.", "Gustave Eiffel", True).startswith("[Gustave Eiffel]'s father")
    assert with_referent("It was painted between 1503 and 1519.", "Mona Lisa (painting)", False) == \
        "[Mona Lisa] was painted between 1503 and 1519."
    # "he" in a thing's article is someone else; an expletive "it" stands for nothing; a name stays
    assert with_referent("He designed it.", "Eiffel Tower", False) == "He designed it."
    assert with_referent("It is believed that he drew it.", "Mona Lisa", False) == "It is believed that he drew it."
    assert with_referent("Hector was a prince.", "Troy", False) == "Hector was a prince."
    assert with_referent("그는 화가였다.", "레오나르도", True) == "그는 화가였다."
    # the subject pronoun after a fronted phrase is the same pronoun
    assert with_referent("A graduate of École Centrale, he made his name with bridges.", "Gustave Eiffel", True) == \
        "A graduate of École Centrale, [Gustave Eiffel] made his name with bridges."
    assert with_referent("In 1900, it was believed that he drew it.", "Mona Lisa", False) == \
        "In 1900, it was believed that he drew it."
    assert with_referent("When asked, Smith said he was fine.", "Gustave Eiffel", True) == \
        "When asked, Smith said he was fine."


def test_the_subject_is_the_document_the_question_names_longest_first():
    titles = {"a": "Mona Lisa", "b": "Lisa", "c": "Along the River During the Qingming Festival", "d": "Lisa (film)"}
    assert named_in("Who painted the Mona Lisa?", titles)[0] == "a"
    assert named_in("Who designed the Eiffel Tower?", titles) == []
    # a title named only inside a longer one is not named of its own
    towers = {"a": "Tower", "b": "Eiffel Tower", "c": "Eiffel"}
    assert named_in("How tall is the Eiffel Tower?", towers) == ["b"]
    assert named_in("Is the Eiffel Tower a tower?", towers) == ["b", "a"]
    # a Korean name carries its particle; a name inside a longer word is not named
    korean = {"a": "박대성 (1978년)", "b": "한국", "c": "방탄소년단", "d": "별명"}
    assert named_in("박대성의 별명은?", korean) == ["a", "d"]
    assert named_in("방탄소년단이 빌보드 200에 첫 진입한 해는?", korean) == ["c"]
    assert named_in("한국은행의 총재는?", korean) == []
    assert is_person("Leonardo da Vinci (15 April 1452 – 2 May 1519) was an Italian polymath.")
    assert not is_person("The Mona Lisa is a portrait painting. It hangs in the Louvre; its fame is wide.")
    # Korean: a lifespan still open ("1944년 … ~ )"), or 그는/그의 outnumbering 그것
    assert is_person("알렉산더 헤이그(영어: Alexander Haig, 1924년 12월 2일 ~ 2010년 2월 20일)는 미국의 군인이다.")
    assert is_person("김이수는 판사이다. 그는 고창에서 태어났다. 그의 아버지는 농부였다.")
    assert not is_person("금강산은 산이다. 그것은 강원도에 있다. 그것의 봄 이름은 금강이다.")
    # a short summary that says what its titled one was and then "he": a person, given the title
    columbus = ("Christopher Columbus was an Italian explorer and navigator. His expeditions were the first known "
                "European contact with the Caribbean.")
    assert is_person(columbus, "Christopher Columbus") and not is_person(columbus)
    assert not is_person(columbus, "Age of Discovery")  # the opening says what someone else was
    assert not is_person("The New Deal was a series of reforms. His opponents called it radical.", "New Deal")
    assert not is_person("Doctor Who is a television series. It follows a Time Lord. He travels.", "Doctor Who")


@pytest.mark.parametrize("sentence,position,count,start,cut", [
    ("Vasari wrote that although he", 2, 3, 0, True),   # the chunk ended inside the sentence
    ("He painted it in 1503.", 2, 3, 0, False),
    ("painted in 1503 by him.", 0, 3, 120, True),       # the chunk began inside the sentence
    ("Painted in 1503.", 0, 3, 120, False),
    ("only sentence of a short document", 0, 1, 0, False),
    ("그는 “최고”라고 말했다.”", 1, 2, 0, False),
])
def test_sentences_cut_by_a_chunk_boundary_are_not_candidates(sentence, position, count, start, cut):
    assert cut_by_chunk(sentence, position, count, start) is cut


def _short(question, quote, lead=None, decision="compose"):
    return short_answer(question, [Sentence(lead or quote, (1,), "quoted")],
                        [Source(n=1, title="t", url="", quote=quote, doc_id="d")], decision=decision)


def test_a_run_on_is_cut_at_a_clause_and_marked_not_left_hanging():
    from rag.answer.sentences import ELIDED, MAX_CHARS, citable_sentences

    run_on = "Vasari was a painter, " + ", ".join(["an architect of many buildings in Florence"] * 12) + \
        ", including Leonardo da Vinci and Michelangelo, although he wrote little."
    (cut,) = citable_sentences(run_on)
    assert len(cut) <= MAX_CHARS + 2 and cut.endswith(" " + ELIDED) and run_on.startswith(cut[:-2])
    assert cut[:-2].endswith("Florence")  # at a comma, not "… although he"
    assert not cut_by_chunk(cut, 1, 2, 0)  # its own cut, not the chunker's


def ev(title, relevance, hop=1, text="A sentence."):
    return Evidence(text=text, doc_id=f"d:{title}", title=title, url="", score=0.5, relevance=relevance, hop=hop)


def test_an_overview_saying_the_sources_do_not_answer_gives_no_short_answer():
    """"The sources describe Soviet Union, but do not say what was asked." above a bold "1922" from the quote it cites
    would answer after all: the bold answer comes from a quoted or written lead only."""
    from rag.answer.compose import subject_only

    own = ev("Soviet Union", 0.2, text="The Soviet Union was founded in 1922.")
    sentences, sources = subject_only(1, [own])
    question = "when did the soviet union detonate its first nuclear bomb"
    assert short_answer(question, sentences, sources, decision="found_only") is None
    assert short_answer(question, [Sentence(own.text, (1,), "quoted")], sources).text == "1922"  # quoted, it would


def test_the_subject_own_source_lacking_the_answer_is_said_instead_of_another_lead():
    texts = {"d:Leonardo da Vinci": "Leonardo da Vinci was an Italian polymath.",
             "d:Giorgio Vasari": "Vasari wrote Lives.", "d:Gustave Eiffel": "Eiffel built the Garabit Viaduct."}
    lead, own = ev("Giorgio Vasari", 0.34), ev("Leonardo da Vinci", 0.17)
    assert lacking("When was Leonardo da Vinci born?", [lead, ev("Michelangelo", 0.2), own], texts.__getitem__) == 3
    assert lacking("When was Leonardo da Vinci born?", [ev("Giorgio Vasari", 0.7), own], texts.__getitem__) is None
    assert lacking("When was Leonardo da Vinci born?", [own, lead], texts.__getitem__) is None  # its own leads
    assert lacking("When was Leonardo da Vinci born?", [ev("Giorgio Vasari", 0.3, hop=2), own],
                   texts.__getitem__) is None  # a second hop: the chain's end
    bridge = ev("Garabit Viaduct", 0.3)
    assert lacking("How long is the bridge Gustave Eiffel built?", [bridge, ev("Gustave Eiffel", 0.2)],
                   {"d:Gustave Eiffel": texts["d:Gustave Eiffel"]}.__getitem__) is None  # his text names it
    assert lacking("Who painted it?", [lead, own], texts.__getitem__) is None  # no subject named
    tower = {"d:Eiffel Tower": "The Eiffel Tower is a lattice tower in Paris."}.__getitem__
    assert lacking("How tall is the Eiffel Tower?", [ev("Tower", 0.4), ev("Eiffel Tower", 0.16)], tower) == 2
    vasari = ev("Giorgio Vasari", 0.3)
    assert lacking("Was Leonardo da Vinci born before Giorgio Vasari?", [ev("Raphael", 0.3), own, vasari],
                   texts.__getitem__) is None  # a comparison: either subject may answer
    assert lacking("Who was born first, Leonardo da Vinci or Raphael?", [lead, own], texts.__getitem__) is None
    assert lacking("Which painter of the High Renaissance that worked for the Sforza court was Leonardo da Vinci?",
                   [lead, own], texts.__getitem__) is None  # long: a multi-hop description
    assert lacking("Which painter wrote the biography whose subject was Leonardo da Vinci?", [lead, own],
                   texts.__getitem__) is None  # named inside a description, not the question's subject
    assert lacking("When was Leonardo da Vinci's school founded?", [ev("Leonardo da Vinci School", 0.3), own],
                   texts.__getitem__) is None  # named after the subject


def test_a_person_named_by_the_surname_alone_is_the_subject_whose_own_source_lacks_the_answer():
    """"Where was Shakespeare born?" on `vital` (whose summary gives no birthplace) led with Hamlet's "… a tragedy
    written by William Shakespeare …": the question names him by his surname alone."""
    texts = {"d:William Shakespeare": "William Shakespeare was an English playwright. He is widely regarded as the "
                                      "greatest writer in English. His plays are performed often.",
             "d:Hamlet": "Hamlet is a tragedy written by William Shakespeare. It is his longest play.",
             "d:Shakespeare's sonnets": "William Shakespeare wrote sonnets on a variety of themes.",
             "d:Harriet Beecher Stowe": "Uncle Tom's Cabin is a novel; it was a best seller."}
    lead, own = ev("Hamlet", 0.3), ev("William Shakespeare", 0.2)
    assert lacking("Where was Shakespeare born?", [lead, own], texts.__getitem__) == 2
    assert lacking("where was shakespeare born", [lead, own], texts.__getitem__) == 2
    assert lacking("Where was Shakespeare born?", [ev("Shakespeare's sonnets", 0.3), own],
                   texts.__getitem__) is None  # named after the subject
    assert lacking("Where was Shakespeare born?", [lead, ev("Hamlet", 0.2)], texts.__getitem__) is None  # no person
    assert lacking("Who wrote a novel that Stowe published?", [lead, ev("Harriet Beecher Stowe", 0.2)],
                   texts.__getitem__) is None  # her text does not read as a person's
    ship = {"d:Sinking of the Titanic": "RMS Titanic sank in 1912. She struck an iceberg on her maiden voyage."}
    assert lacking("Who played Jack in Titanic?", [ev("Jack L. Warner", 0.3), ev("Sinking of the Titanic", 0.2)],
                   ship.__getitem__) is None  # the ship is "she", but its title is no person's name
    # `vital`'s two-sentence summaries say "he" once: "Who was Tolstoy married to?" led with Anna Karenina
    short = {"d:Leo Tolstoy": "Count Lev Nikolayevich Tolstoy, usually referred to in English as Leo Tolstoy, was a "
                              "Russian writer. He is regarded as one of the greatest authors of all time.",
             "d:Anna Karenina": "Anna Karenina is a novel by the Russian author Leo Tolstoy."}
    assert lacking("Who was Tolstoy married to?", [ev("Anna Karenina", 0.45), ev("Leo Tolstoy", 0.4)],
                   short.__getitem__) == 2


def test_an_overview_that_never_names_the_question_subject_is_folded(tiny_settings, embedder):
    from rag.answer.abstain import asked_names, off_subject
    from rag.store import open_store

    index = open_store(tiny_settings).load("tiny", embedder.name)
    off = lambda query, evidence: off_subject(asked_names(query, index), evidence)  # noqa: E731
    piercy = ev("Marge Piercy", 0.3, text="Her work includes Woman on the Edge of Time.")
    assert off("What nationality was Arthur Woolf?", [piercy])
    woolf = ev("Arthur Woolf", 0.3, text="He was a Cornish engineer.")
    assert not off("What nationality was Arthur Woolf?", [piercy, woolf])  # his own title names him
    assert not off("What nationality was Arthur Woolf?",
                   [ev("Engines", 0.3, text="Arthur Woolf built engines.")])  # the sentence does
    assert not off("What nationality was he", [piercy])  # no name asked: nothing to miss
    assert not off("What nationality was Arthur Woolf?", [])
    # a name one letter off (a typo, a plural) is named; Korean is not judged (particles, misspellings)
    assert not off("What is a PPP also known as?", [ev("Construction", 0.3, text="PPPs are partnerships.")])
    assert not off("What does the Nederrikn's name change into?",
                   [ev("Rhine", 0.3, text="At Wijk the Nederrijn changes its name.")])
    assert not off("2010년 전지현이 전속 계약을 맺은 회사는 어디인가?", [ev("아스널", 0.3, text="아스널은 승리했다.")])
    # typed in lower case, a question's names are its rarest terms in the index, on an index big enough to tell
    # (a rare word of the seven test documents, or one they never hold); a small one names nothing
    assert asked_names("who designed the getty tower", index) == frozenset()  # seven chunks: too few
    typed = asked_names("who designed the getty tower", index, rare_from=1)
    assert typed == {"getti"}  # held by no chunk, the rarest
    assert off("who designed the getty tower", [ev("Louvre", 0.3, text="The tower was designed by Pei.")]) is False
    assert off_subject(typed, [ev("Louvre", 0.3, text="The tower was designed by Pei.")])
    assert not off_subject(typed, [ev("Getty Center", 0.3, text="It was designed by Richard Meier.")])
    assert asked_names("Who designed the getty museum?", index, rare_from=1) == frozenset()  # written, not typed


def test_a_typed_question_needs_each_of_its_uncommon_words_held(tiny_settings, embedder):
    from rag.answer.abstain import asked_names, asked_phrase, asked_words, never_mentioned, off_subject
    from rag.store import open_store

    index = open_store(tiny_settings).load("tiny", embedder.name)
    typed = "who was ghost in ant man and wasp"
    words = asked_words(typed, index, rare_from=1)
    assert words == {"ghost", "ant", "wasp"}  # "man": common in English, not a name
    insect = [ev("Wasp", 0.3, text="A wasp is an insect.")]
    assert not off_subject(asked_names(typed, index, rare_from=1), insect)  # the rarest is held ...
    assert off_subject(asked_names(typed, index, rare_from=1), insect, words)  # ... but not "ghost" or "ant"
    film = [ev("Ant-Man and the Wasp", 0.3, text="Hannah John-Kamen plays Ghost.")]
    assert not off_subject(asked_names(typed, index, rare_from=1), film, words)
    # a word the index never mentions folds an overview lacking it however sure it is (rag.answer.overview)
    assert never_mentioned(words, index) and not never_mentioned(asked_words("who painted the mona lisa", index,
                                                                             rare_from=1), index)
    assert not never_mentioned(asked_words("who painted the mona lisa in ww1", index, rare_from=1), index)  # "WWI"
    # the thing a typed question asks about something in or on must be held as written
    asked = "name of the bird in the lion king"
    assert asked_phrase(asked, index, rare_from=1) == "lion king"
    lion = [ev("Lion", 0.3, text="The lion is a large cat; a king of beasts.")]
    assert off_subject(frozenset(), lion, phrase="lion king")
    assert not off_subject(frozenset(), [ev("The Lion King", 0.3, text="Zazu is a hornbill.")], phrase="lion king")
    assert asked_phrase("cities in ohio that start with a d", index, rare_from=1) == ""  # no thing named
    assert asked_phrase("who painted the mona lisa", index, rare_from=1) == ""
    assert asked_phrase("Name of the bird in The Lion King?", index, rare_from=1) == ""  # written, not typed
    # a word people type but an encyclopedia seldom says is rare in the index, not a name
    assert asked_words("where does our garlic come from", index, rare_from=1) == {"garlic"}
    assert asked_words(typed, index) == frozenset()  # seven chunks: too few to tell rare from common
    assert asked_words("Who plays Ghost in Ant-Man and the Wasp?", index, rare_from=1) == frozenset()  # written
    assert asked_words("고스트를 연기한 배우는?", index, rare_from=1) == frozenset()


def test_the_chain_a_lead_starts_is_kept_under_the_floor():
    from rag.answer.compose import chain_of

    lead = ev("Farrukhzad Khosrau V", 0.84, text="Farrukhzad Khosrau V was briefly king of the Sasanian Empire.")
    nxt = ev("Sasanian Empire", 0.39, hop=2, text="The Sasanian Empire succeeded the Parthian Empire.")
    other = ev("Samo's Empire", 0.19, hop=2, text="Samo's Empire was a Slavic union.")
    assert chain_of([lead, other, nxt], lead) == 3
    # a first-hop document the lead names: next to it (where rag.answer.evidence._keep_next puts the reader's choice)
    assert chain_of([lead, replace(nxt, hop=1)], lead) == 2
    assert chain_of([lead, other, replace(nxt, hop=1)], lead) is None  # elsewhere: no chain followed
    assert chain_of([lead, other], lead) is None  # a second hop the lead does not name


def test_a_first_hop_lead_naming_a_bridge_brings_the_bridge_likeliest_sentence():
    from rag.answer.candidates import Candidates
    from rag.answer.evidence import _keep_next
    from rag.answer.ranker import FEATURES
    from rag.schema import Chunk, Hit, Passage

    rows = [("Columba de Dunbar", "Columba de Dunbar died at Spynie Palace near Elgin.", 1, ""),
            ("Elgin", "Elgin is a cathedral city.", 1, ""),
            ("Spynie Palace", "Spynie Palace was the seat of the Bishops of Moray.", 2, "Spynie Palace"),
            ("Spynie Palace", "The founding of the palace dates back to the late 12th Century.", 2, "Spynie Palace"),
            ("Moray", "Moray is a council area of Scotland.", 2, "Moray")]
    passages = [Passage(Hit(Chunk(i, f"d:{t}", s, 0), 1.0), i, hop, b) for i, (t, s, hop, b) in enumerate(rows)]
    found = Candidates([r[1] for r in rows], passages, np.zeros((5, len(FEATURES))), np.eye(5), [r[3] for r in rows],
                       [0] * 5)  # one passage a sentence
    probability = np.array([0.8, 0.3, 0.1, 0.2, 0.4])
    assert _keep_next([0, 1], probability, found, 4) == [0, 1, 3]  # the palace's likeliest, not Moray (unnamed)
    assert _keep_next([0, 1, 4, 2], probability, found, 4) == [0, 1, 4, 2]  # one of its sentences is picked already
    assert _keep_next([1, 0], probability, found, 4) == [1, 0]  # the lead names no bridge
    assert _keep_next([3, 0], probability, found, 4) == [3, 0]  # a second-hop lead: _keep_bridge's case
    assert _keep_next([0, 1, 4], np.array([0.8, 0.3, 0.0, 0.0, 0.4]), found, 4) == [0, 1, 4]  # unrelated: 0


def test_a_comparison_keeps_the_best_sentence_of_each_side():
    from rag.answer.compose import sides_of
    from rag.answer.evidence import _keep_sides
    from rag.answer.subject import sides

    titles = {"a": "Letters to Cleo", "b": "Screaming Trees", "c": "Cleo (band)", "d": "Grunge"}
    q = "Which band, Letters to Cleo or Screaming Trees, had more members?"
    assert sides(q, titles) == ["a", "b"]  # in the question's order; "Cleo" only inside "Letters to Cleo"
    assert sides("Which band had more members than Letters to Cleo?", titles) == []  # one thing named
    assert sides("Who founded Letters to Cleo and Screaming Trees?", titles) == []  # named, not compared
    assert sides("Are Grunge and Screaming Trees both from Seattle?", titles) == ["d", "b"]
    # initials and apostrophes: "H. L. Mencken", "P. J. O'Rourke" are found as the question spells them
    people = {"m": "H. L. Mencken", "c": "Albert Camus", "o": "P. J. O'Rourke"}
    assert sides("What profession does H. L. Mencken and Albert Camus have in common?", people) == ["m", "c"]
    assert sides("Who was born first, P. J. O'Rourke or Albert Camus?", people) == ["o", "c"]
    found, titles = _found([("Letters to Cleo", "The band's members are Kay Hanley and five others.", 1),
                            ("Grunge", "Grunge is a rock genre.", 1),
                            ("Grunge", "Grunge grew in Seattle.", 1),
                            ("Screaming Trees", "Screaming Trees was formed in 1985.", 1),
                            ("Screaming Trees", "Screaming Trees had four members.", 1)])
    probability = np.array([0.6, 0.3, 0.2, 0.05, 0.1])
    # the other side's likeliest sentence takes the place of the last pick from neither side
    assert _keep_sides([0, 1, 2], probability, found, q, titles, 3) == [0, 1, 4]
    assert _keep_sides([0, 1], probability, found, q, titles, 4) == [0, 1, 4]
    assert _keep_sides([0, 3, 1], probability, found, q, titles, 4) == [0, 3, 1]  # both sides picked already
    assert _keep_sides([0, 1], probability, found, "Who had more members?", titles, 4) == [0, 1]
    # no side to add: a pick beyond k (the lead's next sentence, _keep_following) stays
    assert _keep_sides([0, 1, 2, 3, 4], probability, found, "Who had more members?", titles, 4) == [0, 1, 2, 3, 4]
    # compose keeps each side's best evidence but the lead's, whatever its probability
    evidence = [ev("Letters to Cleo", 0.6), ev("Grunge", 0.3), ev("Screaming Trees", 0.05)]
    assert sides_of(evidence, q, evidence[0]) == [3]
    assert sides_of(evidence, "Who had more members?", evidence[0]) == []


def test_the_lead_brings_its_neighbour_sentences_quoted_last_when_there_is_room(embedder):
    from rag.answer.candidates import Candidates
    from rag.answer.compose import compose, following_of
    from rag.answer.evidence import _keep_following
    from rag.answer.ranker import FEATURES
    from rag.schema import Chunk, Hit, Passage

    one, other = Passage(Hit(Chunk(0, "d:a", "", 0), 1.0), 0, 1), Passage(Hit(Chunk(1, "d:b", "", 0), 1.0), 1, 1)
    found = Candidates(["A.", "B.", "C.", "D."], [one, one, one, other], np.zeros((4, len(FEATURES))), np.eye(4),
                       [""] * 4, [0, 1, 3, 0])  # "C." is not next to "B." (a cut sentence between them)
    assert _keep_following([0, 3], found, 2) == [0, 3, 1]  # beyond k: no pick gives way
    assert _keep_following([1, 0], found, 4) == [1, 0]  # "C." does not follow "B."
    assert _keep_following([3, 0], found, 4) == [3, 0]  # the last sentence read
    assert _keep_following([1, 3], found, 2) == [1, 3, 0]  # "A." comes before "B."
    lead = Evidence(text="Richard Allen and Absalom Jones became the first African Americans ordained by the "
                    "Methodist Church.", doc_id="d:a", title="Allen", url="", score=0.6, chunk_id=7, relevance=0.8,
                    position=2)
    nxt = replace(lead, text="They were licensed by St. George's Church in 1784.", relevance=0.1, position=3)
    far = replace(nxt, position=4)
    assert following_of([lead, far, nxt], lead) == 3 and following_of([lead, far], lead) is None
    before = replace(nxt, text="Allen was born into slavery in Philadelphia.", position=1)
    assert following_of([lead, far, before], lead, -1) == 3 and following_of([lead, nxt], lead, -1) is None
    sentences, _ = compose("Richard Allen and Absalom Jones were licensed by what church?", "", [lead, nxt], embedder)
    assert [s.text for s in sentences] == [lead.text, nxt.text]  # under the floor (0.1 < 0.4), still quoted
    sentences, _ = compose("Richard Allen and Absalom Jones were licensed by what church?", "",
                           [lead, nxt, before], embedder)
    assert [s.text for s in sentences] == [lead.text, nxt.text, before.text]
    long = replace(nxt, text=" ".join(["word"] * 70) + ".")
    assert len(compose("Who licensed them?", "", [lead, long], embedder)[0]) == 1  # the word budget holds
    # a neighbour too long for what the budget leaves is quoted up to the end of a clause that fits, as a snippet
    clauses = replace(nxt, text="They were licensed by St. George's Church in 1784, two years after " + " ".join(
        ["the long dispute"] * 20) + ".")
    sentences, _ = compose("Richard Allen and Absalom Jones were licensed by what church?", "", [lead, clauses],
                           embedder)
    assert sentences[1].text.startswith("They were licensed by St. George's Church in 1784 …")
    assert sum(len(s.text.split()) for s in sentences) <= 80
    # a referent put in for "She" counts: 40 + 40 words would be 82 with "[Ann Lee Smith]"; cut at its clause
    person = replace(lead, text=" ".join(["Ann Lee Smith painted"] * 10) + ".", doc_id="d:p", title="Ann Lee Smith")
    she = replace(person, text="She painted the river and the hills in spring, " + " ".join(["the river"] * 15) + ".",
                  relevance=0.1, position=3)
    sentences, _ = compose("Who was Ann Lee Smith?", "", [person, she], embedder, persons=frozenset({"d:p"}))
    assert [s.text for s in sentences][1:] == ["[Ann Lee Smith] painted the river and the hills in spring …"]


def test_a_sentence_of_the_lead_passage_needs_half_the_floor(embedder):
    from rag.answer.compose import compose

    lead = Evidence(text="The Command Module was the conical crew cabin, designed to carry three astronauts.",
                    doc_id="d:a", title="Apollo", url="", score=0.6, chunk_id=7, relevance=0.4, position=0)
    own = replace(lead, text="Parachutes were carried to slow its descent to splashdown.", relevance=0.12, position=3)
    other = replace(own, doc_id="d:b", title="Geology", chunk_id=8, text="This theory states that slow geological "
                    "processes have occurred throughout the Earth's history.")
    quoted = [s.text for s in compose("What slowed the Command Module's descent?", "", [lead, other, own], embedder)[0]]
    assert quoted == [lead.text, own.text]  # 0.12 is under the floor (0.2), over half of it; the other passage's not


def test_a_clause_prefix_ends_a_clause_and_fits():
    from rag.answer.compose import clause_prefix

    text = "Simpson's first score was Planet of Giants (1964) and he went on to write music, ending with Nimon."
    assert clause_prefix(text, 30) == text
    assert clause_prefix(text, 17) == text.split(",")[0] + " …"
    assert clause_prefix(text, 16).endswith("music …") and clause_prefix(text, 15) == ""  # 15 words and the mark
    assert clause_prefix("One, two three four five six seven eight nine ten.", 5) == ""  # too short to stand
    assert clause_prefix(text, 0) == "" and clause_prefix(text, -3) == ""  # no room left


def _found(rows):
    """Candidates from (title, sentence, hop) rows, as rag.answer.candidates builds them."""
    from rag.answer.candidates import Candidates
    from rag.answer.ranker import FEATURES
    from rag.schema import Chunk, Hit, Passage

    passages = [Passage(Hit(Chunk(i, f"d:{t}", s, 0), 1.0), i, hop) for i, (t, s, hop) in enumerate(rows)]
    return Candidates([s for _, s, _ in rows], passages, np.zeros((len(rows), len(FEATURES))),
                      np.eye(len(rows)), [""] * len(rows), [0] * len(rows)), {f"d:{t}": (t, "") for t, _, _ in rows}


def test_the_reader_brings_the_subject_own_sentence_first_for_a_short_question():
    from rag.answer.evidence import _subject_first

    found, titles = _found([("Statue of Liberty", "Its framework was built by Gustave Eiffel.", 2),
                            ("Gustave Eiffel", "Alexandre Gustave Eiffel was a French civil engineer.", 1),
                            ("Gustave Eiffel", "A graduate of École Centrale, he built bridges.", 1)])
    probability, judged = np.array([0.43, 0.31, 0.17]), np.array([0.8, 1.6, 1.7])
    q = "Where did Gustave Eiffel study?"
    assert _subject_first([0, 1, 2], probability, found, q, titles, 4, judged) == [2, 0, 1]
    # ... unless the blend finds it far less likely than the lead (under READ_RATIO of it)
    assert _subject_first([0, 1, 2], np.array([0.43, 0.05, 0.03]), found, q, titles, 4, judged) == [0, 1, 2]
    # without the reader, a second-hop lead stays (a multi-hop chain's end), as does a lead the reader prefers
    assert _subject_first([0, 1, 2], probability, found, q, titles, 4) == [0, 1, 2]
    assert _subject_first([0, 1, 2], probability, found, q, titles, 4, np.array([2.0, 1.6, 1.7])) == [0, 1, 2]
    # a question about a date: the subject's sentence must hold one; a long multi-hop question is not judged so
    assert _subject_first([0, 1, 2], probability, found, "When did Gustave Eiffel study?", titles, 4,
                          judged) == [0, 1, 2]
    assert _subject_first([0, 1, 2], probability, found, "Where did the engineer who built the framework of "
                          "the statue by Gustave Eiffel study?", titles, 4, judged) == [0, 1, 2]
    # the subject's likeliest sentence leads when it is likely enough, though the reader prefers another of its own
    found, titles = _found([("Old Kingdom of Egypt", "It is known as the Age of the Pyramid Builders.", 1),
                            ("Great Pyramid of Giza", "Great Pyramid of Giza was built c. 2600 BC.", 1),
                            ("Great Pyramid of Giza", "It is the largest of the Egyptian pyramids.", 1)])
    probability, judged = np.array([0.15, 0.07, 0.11]), np.array([-1.77, -2.17, -4.57])
    q = "what culture built the great pyramid of giza"
    assert _subject_first([0, 1, 2], probability, found, q, titles, 4, judged) == [2, 0, 1]
    assert _subject_first([0, 1, 2], np.array([0.15, 0.07, 0.09]), found, q, titles, 4, judged) == [0, 1, 2]


def test_the_subject_own_sentence_does_not_displace_a_lead_holding_the_kind_asked_by_one_holding_none():
    from rag.answer.evidence import _subject_first

    found, titles = _found([("Alexander Fleming", "He shared the 1945 Nobel Prize with Howard Florey and Ernst Chain "
                             "for the discovery of penicillin.", 1),
                            ("Penicillin", "A number of natural penicillins have been discovered.", 1)])
    probability, judged = np.array([0.587, 0.586]), np.array([9.5, 8.1])
    assert _subject_first([0, 1], probability, found, "Who discovered penicillin?", titles, 4, judged) == [0, 1]
    # a question asking for no kind of thing, or a lead holding none either: the subject's sentence leads
    assert _subject_first([0, 1], probability, found, "Why was penicillin discovered?", titles, 4, judged) == [1, 0]
    found.sentences[0] = "He shared the prize for the discovery of penicillin."
    assert _subject_first([0, 1], probability, found, "Who discovered penicillin?", titles, 4, judged) == [1, 0]


def test_a_lead_from_a_namesake_gives_way_to_the_subject_own_sentence():
    from rag.answer.evidence import _subject_first

    found, titles = _found([("2001: A Space Odyssey", "It is a 1968 film directed by Stanley Kubrick, who co-wrote "
                             "the screenplay with Arthur C. Clarke.", 1),
                            ("Odyssey", "The Odyssey is one of two major Greek epics attributed to Homer.", 1),
                            ("Odyssey", "Like the Iliad, it is divided into 24 books.", 1)])
    probability, judged = np.array([0.79, 0.14, 0.13]), np.array([10.6, -0.3, -0.1])
    assert _subject_first([0, 1, 2], probability, found, "Who wrote the Odyssey?", titles, 4, judged) == [1, 0, 2]
    # not without the reader (a long multi-hop question), nor when the question names more of the name
    assert _subject_first([0, 1, 2], probability, found, "Who wrote the Odyssey?", titles, 4) == [0, 1, 2]
    assert _subject_first([0, 1, 2], probability, found, "Who wrote the 2001 Odyssey?", titles, 4,
                          judged) == [0, 1, 2]
    # typed in lower case, a name is known by how its own sentences write it: "the Odyssey", not "a song"
    assert _subject_first([0, 1, 2], probability, found, "who wrote the odyssey", titles, 4, judged) == [1, 0, 2]
    found, titles = _found([("Protest song", "It is a song associated with a movement for social change.", 1),
                            ("Song", "A song is a musical composition performed by the human voice.", 1),
                            ("Song", "The Song dynasty's and other songs were sung.", 1)])
    assert _subject_first([0, 1, 2], probability, found, "what is the first part of a song", titles, 4,
                          judged) == [0, 1, 2]
    # a question asking no kind of thing cannot be checked against the subject's sentence: no namesake
    found, titles = _found([("Internal structure of Earth", "The primary structure is a series of layers.", 1),
                            ("Earth", "Earth is the third planet from the Sun.", 1),
                            ("Earth", "Earth is an ocean world with liquid surface water.", 1)])
    assert _subject_first([0, 1, 2], probability, found, "What are the liquid layers of the Earth?", titles, 4,
                          judged) == [0, 1, 2]


@pytest.mark.parametrize("question,quote,expected", [
    ("Who painted the Mona Lisa?", "The Mona Lisa is a portrait by Italian artist Leonardo da Vinci.",
     "Leonardo da Vinci"),
    ("When was Leonardo da Vinci born?", "Leonardo da Vinci (15 April 1452 – 2 May 1519) was a polymath.",
     "15 April 1452"),
    ("How high is Mount Everest?", "Its elevation of 8,848.86 m was established in 2020.", "8,848.86 m"),
    ("세종대왕은 언제 태어났나?", "세종은 1397년 5월 15일 한양에서 태어났다.", "1397년 5월 15일"),
    ("Why is the sky blue?", "Rayleigh scattering makes the sky blue.", None),  # no kind asked: no guess
    ("When was the Mona Lisa painted?", "The Mona Lisa is a famous portrait.", None),  # no date in the source
    # a question offering two: the answer is one of them, not another name in the sentence
    ("Who was born first, Leonardo da Vinci or Michelangelo?",
     "Vasari wrote Lives of the Most Excellent Painters, on Leonardo da Vinci and Michelangelo.", None),
    # where: a place, not the birth date beside it
    ("Where was Napoleon born?", "Napoleon was born on 15 August 1769 in Ajaccio, Corsica.", "Ajaccio"),
    ("Where was Napoleon born?", "Napoleon was Emperor of the French from 18 May 1804.", None),
    # how many: the number counting what is asked, nearest before it; a measurement beside it is no count
    ("How many players are on a soccer team?", "It is played between two teams of 11 players.", "11"),
    ("How many moons does Mars have?", "Mars's mean diameter, 6,779 km, is about half the Earth's.", None),
    ("How many touchdowns did he score?", "He scored six touchdowns in 13 games.", "six"),
    ("How many people live in Tokyo?", "The area has 33 million residents as of 2025.", "33 million"),
    ("노르드어에는 몇 개의 파열음이 있나?", "노르드어에는 6개의 파열음이 있다.", "6개"),
    ("그의 등번호는 몇인가?", "그는 1998년부터 등번호 10을 달았다.", "10"),  # 몇인가: no counter ("10을", not "인")
    ("시리아는 몇년 만에 해제되었는가?", "1963년 선포된 비상사태는 43년 만에 해제되었다.", "43년"),
    # how much: money, or none ("how much higher" is no amount of money)
    ("How much did the bridge cost?", "Built in 1932, it cost $4.2 million.", "$4.2 million"),
    ("How much higher was the figure?", "The figure was 42% in 2000.", None),
    ("How much does an elephant weigh?", "Adult males weigh up to 6,000 kg.", "6,000 kg"),
    ("The lander weighed how much in kgs?", "It weighed 33,300 pounds (15,100 kg).", "15,100 kg"),  # the unit asked
    # "what is the <quantity> of …" asks for a number as "how fast" does; a rate keeps what its unit is per
    ("what is the speed of light", "It is exactly equal to 299792458 m⋅s−1.", "299792458 m⋅s−1"),
    ("What is the average width of the Rhine?", "The Rhine is 400 m (1,300 ft) wide there.", "400 m"),
    ("what is the boiling point of water", "At sea level water boils at 100 °C (212 °F).", "100 °C"),
    # a name the question says, or an initial before one, is no answer; a possessive is not part of a name
    ("Who discovered penicillin?",
     "A number are known, but two are in use: penicillin G and penicillin V. Penicillins were among the first drugs.",
     None),
    ("Who did Luther say grants forgiveness?", "Luther said that it was God's alone.", "God"),
    # the date beside the question's words; a year asked for is the year alone
    ("When did the Berlin Wall fall?", "He led the GDR from 1971 until the fall of the Berlin Wall in November 1989.",
     "November 1989"),
    ("In what year was it declared?", "It was declared on June 4, 2014.", "2014"),
    ("When was Picasso born?", "Les Demoiselles d'Avignon is an oil painting created in 1907 by Pablo Picasso.",
     None),  # a birth date only from a sentence saying the birth
    ("When was Picasso born?", "Pablo Picasso (25 October 1881 – 8 April 1973) was a Spanish painter.",
     "25 October 1881"),
    ("Where was Gandhi born?", "He led the campaign for India's independence from British rule.", None),
    ("Where was Hitler born?", "He was dictator of Germany in the Nazi era from 1933 until 1945.", None),
    ("when did lincoln die", "Abraham Lincoln was the 16th president of the United States, serving from 1861 until "
     "his assassination in 1865.", "1865"),  # the date beside how the sentence says he died
    ("When did Mozart die?", "The work premiered on 30 September 1791, just two months before Mozart's death.",
     None),  # a date said relative to the death is not its date
    ("When was the palace founded at which Columba de Dunbar died in 1435?", "Columba de Dunbar (1386 – 1435) was "
     "Bishop of Moray until his death at Spynie Palace sometime before 7 November 1435.", None),  # its year is asked
    # "who" and a verb: the agent a passive names, not a longer name in the title
    ("Who wrote Hamlet?", "The Tragedy of Hamlet, Prince of Denmark, is a tragedy written by William Shakespeare.",
     "William Shakespeare"),
    # … or the one that does what is asked, before a longer title
    ("who wrote romeo and juliet", "Shakespeare wrote and included them in the plays Romeo and Juliet, Henry V and "
     "Love's Labour's Lost.", "Shakespeare"),
    # a nationality said of something is no name, nor (asked "who") is where a group was formed
    ("who were the original members of the beatles", "The Beatles were an English rock band formed in Liverpool.",
     None),
    ("who sampled the song", "MC Hammer, an American rapper, sampled it.", "MC Hammer"),
    # "who … with": the one named beside the asked one
    ("Who did Marx write with?", "The Communist Manifesto, originally the Manifesto of the Communist Party, is a "
     "pamphlet written by Karl Marx and Friedrich Engels.", "Friedrich Engels"),
    # nor, asked "who", a numbered thing or someone's thing
    ("Who was the first man on the Moon?", "Apollo 11 was the American spaceflight that first landed humans on the "
     "Moon, and the fifth crewed mission of NASA's Apollo program.", None),
    ("who issued the declaration of the rights of man", "The Declaration of the Rights of Man and of the Citizen, set "
     "by France's National Constituent Assembly in 1789, is a human and civil rights document.",
     "France's National Constituent Assembly"),
    ("Who designed the Sage Gateshead music center?", "It is in the Norman Foster designed Sage Gateshead.",
     "Norman Foster"),
    ("who painted the mona lisa", "It was painted by the Italian artist Leonardo da Vinci.", "Leonardo da Vinci"),
    # a year is no label's number ("Resolution 217") and no part of a larger number ("372,624")
    ("when did the un adopt the declaration", "It was adopted as Resolution 217 on 10 December 1948.",
     "10 December 1948"),
    ("when did the browns last win", "Its population was 372,624 at the census.", None),
    ("When did Columbus sail?", "In 1492 Columbus sailed the ocean.", "1492"),
])
def test_the_short_answer_is_a_verbatim_span_of_the_kind_asked(question, quote, expected):
    found = _short(question, quote)
    assert (found.text if found else None) == expected
    if found:
        assert found.text in quote and found.citation == 1


def test_a_short_answer_may_be_the_referent_the_lead_put_for_a_pronoun():
    quote = "He co-founded the software company Microsoft in 1975 with his childhood friend Paul Allen."
    found = _short("Who founded Microsoft?", quote, lead=quote.replace("He", "[Bill Gates]"))
    assert (found.text, found.citation) == ("Bill Gates", 1)
    # without the referent "he" is the answer, and no other name in the sentence is
    assert _short("Who founded Microsoft?", quote) is None
    assert _short("When was Microsoft founded?", quote).text == "1975"


@pytest.mark.slow  # each process loads kiwi
def test_a_korean_short_answer_is_the_same_whatever_the_hash_seed():
    pytest.importorskip("kiwipiepy")
    code = ("from rag.answer.short import _kind_span; print(_kind_span('2010년 전지현은 문화창고와 전속 계약을 맺었고, "
            "이전에는 제이앤코 소속이었다.', '2010년 전지현이 전속 계약을 맺은 회사는 어디인가?', 'place'))")
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in range(4)}
    assert seen == {"문화창고"}  # of two four-syllable names, the first in the sentence


def test_a_yes_no_comparison_gives_yes_or_no():
    assert _short("Are both X and Y in France?", "Yes, both are in France.", decision="compared").text == "Yes"
    lead = "No: the sources say it of X but not of Y."  # as rag.answer.yesno writes it
    assert _short("Are both X and Y in France?", "X is in France.", lead=lead, decision="compared").text == "No"
    first = "Adorable: 1990, against 1995 for Lit (as the first sentence of each source gives them)."
    found = _short("Which band was formed first, Lit or Adorable?", "Adorable were an English band formed in 1990.",
                   lead=first, decision="compared")
    assert (found.text, found.citation) == ("Adorable", 1)


def test_confidence_is_a_calibrated_curve_with_a_threshold(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"curves": {"reader": {"a": 1.0, "b": 0.0}}, "threshold": 0.4}))
    c = Confidence.load(path)
    ev = [Evidence(text="x", doc_id="d", title="t", url="", score=0.5, relevance=0.8)]
    read = signals("Who?", ev, [], "compose", True, False)
    assert c.of(read, "reader") == pytest.approx(0.8, abs=1e-3)  # the one-signal curve: a · logit(best) + b
    assert c.of(read, "ranker") is None and c.of(signals("Who?", [], [], "compose", True, False), "reader") is None
    path.write_text(json.dumps({"curves": {"reader": {"weights": {"best": 1.0, "short": 2.0}, "intercept": -1.0}},
                                "threshold": 0.4}))
    c = Confidence.load(path)
    assert c.of(read, "reader") < c.of({**read, "short": 1.0}, "reader")  # every signal read, by its weight
    assert c.collapsed(0.3) and not c.collapsed(0.5) and not c.collapsed(None)
    path.write_text("{}")
    with pytest.raises(RagError, match="fit_confidence"):
        Confidence.load(path)


def test_fit_curve_and_threshold_follow_the_data():
    rng = np.random.default_rng(0)
    scores = rng.uniform(0.01, 0.99, 400)
    labels = [bool(rng.random() < s) for s in scores]  # already calibrated: slope near 1, intercept near 0
    noise = rng.normal(0, 1, 400)  # a signal that says nothing gets (almost) no weight
    curve = fit_weights([{"best": logit(s), "gap": n} for s, n in zip(scores, noise)], labels, ("best", "gap"))
    assert 0.6 < curve["weights"]["best"] < 1.6 and abs(curve["intercept"]) < 0.4 and abs(curve["weights"]["gap"]) < 0.2
    assert separation(list(zip(scores, labels)))["auroc"] > 0.7
    chosen = pick_threshold({"s": list(zip(scores, labels))}, target=0.9)
    above = [y for p, y in zip(scores, labels) if p >= chosen["threshold"]]
    assert sum(above) / len(above) >= 0.9 and 0 < chosen["coverage"]["s"] < 0.5


def test_the_spared_threshold_folds_at_most_the_given_share_of_the_rows_to_spare():
    # (confidence, holds the answer); the answer is in a passage read for all but the 0.05 row
    rows = [(0.05, False), (0.1, False), (0.2, True), (0.3, False)] + [(0.5 + 0.01 * i, True) for i in range(16)]
    answerable = [(p, p != 0.05) for p, _ in rows]
    right_only = spare_threshold({"s": rows}, most=0.06)  # 1 of 17 right overviews may fold
    assert right_only["threshold"] == 0.5 and right_only["sets"]["s"]["coverage"] == 0.8
    spared = spare_threshold({"s": rows}, most=0.06, spared={"s": answerable})  # 1 of 19 answerable
    assert spared["threshold"] == 0.2 and spared["sets"]["s"]["coverage"] == 0.9


def test_report_figures_rank_by_confidence():
    arm = [{"confidence": c, "contains": y, "abstained": False, "collapsed": c < 0.5}
           for c, y in [(0.9, True), (0.8, True), (0.6, False), (0.3, False), (0.2, True)]]
    arm.append({"confidence": None, "contains": False, "abstained": True})
    f = confidence_figures(arm)
    assert f["risk_coverage"][0] == {"coverage": 0.1, "containment": 1.0}
    assert f["risk_coverage"][-1]["coverage"] == 1.0 and f["risk_coverage"][-1]["containment"] == pytest.approx(0.5)
    assert f["open_coverage"] == pytest.approx(0.5) and f["open_containment"] == pytest.approx(2 / 3, abs=1e-3)
    assert sum(row["n"] for row in f["calibration"]) == 5
    assert confidence_figures([dict(a, confidence=None) for a in arm]) is None


@pytest.mark.slow
def test_the_shipped_reader_prefers_the_answering_sentence():
    from rag.answer.reader import FOLDER, Reader, sha256

    reader = Reader.default()
    assert reader is not None, "rag/answer/reader/ is missing its files"
    assert sha256(FOLDER / "reader-int8.onnx") == reader.card["weights"]["sha256"]
    texts = ["Along the River During the Qingming Festival: It has been called China's Mona Lisa.",
             "Mona Lisa: The Mona Lisa is a half-length portrait painting by Italian artist Leonardo da Vinci.",
             "Mona Lisa: It is one of the most valuable paintings in the world."]
    p = reader.probability("Who painted the Mona Lisa?", texts)
    assert int(np.argmax(p)) == 1 and 0 <= p.min() and p.max() <= 1
    blended = reader.blend(reader.logits("Who painted the Mona Lisa?", texts), np.zeros(3))
    assert int(np.argmax(blended)) == 1


def test_a_missing_reader_falls_back_to_the_ranker(tmp_path):
    from rag.answer.reader import Reader
    from rag.errors import ModelNotFound

    with pytest.raises(ModelNotFound, match="reader files missing"):
        Reader(tmp_path)


def test_a_chunk_grows_to_whole_sentences_from_its_document():
    from rag.answer.sentences import widened
    from rag.schema import Chunk, Hit, Passage

    doc = "The Mona Lisa is a painting. Vasari wrote that although he worked on it for years, he never finished it."
    cut = Chunk(0, "d", doc[45:90], 45)  # "t although he worked …" — starts and ends inside words
    grown = widened([Passage(Hit(cut, 1.0), 0)], lambda _: doc)[0].hit.chunk
    assert grown.text == "Vasari wrote that although he worked on it for years, he never finished it."
    assert doc[grown.start:grown.start + len(grown.text)] == grown.text
    moved = Chunk(0, "d", "not the document's text", 3)  # a store that normalised the text: left alone
    assert widened([Passage(Hit(moved, 1.0), 0)], lambda _: doc)[0].hit.chunk == moved


def _run(folder, rng, n=200, dataset="squad:dev"):
    """A rag eval --out folder holding what fit_confidence reads: answered overviews with their signals."""
    questions = []
    for i in range(n):
        best, typed = rng.uniform(-3, 3), float(rng.random() < 0.5)
        contains = bool(rng.random() < 1 / (1 + np.exp(-(best - 1.5 * typed))))
        questions.append({"part": ("fit", "heldout")[i % 2], "overview": {
            "abstained": False, "contains": contains, "answer_in_passages": contains or rng.random() < 0.5,
            "found_only": False,
            "scorer": "reader", "signals": {"best": best, "typed": typed, "gap": rng.normal()}}})
    folder.mkdir()
    report = {"dataset": dataset, "command": "rag eval …", "questions": questions}
    (folder / "report.json").write_text(json.dumps(report))
    return folder


def test_fit_confidence_fits_the_signals_asked_and_compares_them_on_held_out_runs(tmp_path):
    from eval import fit_confidence

    rng = np.random.default_rng(1)
    fit_run, held = _run(tmp_path / "fit", rng), _run(tmp_path / "held", rng, dataset="hotpot:dev")
    out = tmp_path / "confidence.json"
    assert fit_confidence.main(["--run", str(fit_run), "--heldout", str(held), "--report", str(held),
                                "--signals", "best,typed", "--spare-answerable", "--out", str(out)]) == 0
    c = Confidence.load(out)
    weights = c.curves["reader"]["weights"]
    assert set(weights) == {"best", "typed"} and weights["best"] > 0 > weights["typed"]  # the data's own signs
    fitted = json.loads(out.read_text())["fitted"]
    report = fitted["heldout"]["hotpot:dev (held)"]
    assert set(report) == {"best + typed", "best probability alone"}
    assert report["best + typed"]["auroc"] > report["best probability alone"]["auroc"]  # typed tells more here
    everything = fitted["reported"]["hotpot:dev (held)"]["best + typed"]
    assert everything["n"] == 2 * report["best + typed"]["n"] and 0 <= everything["missing_folded_or_said"] <= 1
    with pytest.raises(SystemExit):
        fit_confidence.main(["--run", str(fit_run), "--signals", "best,colour", "--out", str(out)])


def test_signals_read_a_decided_comparison_as_sure_not_infinitely_sure():
    ev = [Evidence(text="x", doc_id="a", title="A", url="", score=0.6, relevance=1.0),
          Evidence(text="y", doc_id="b", title="B", url="", score=0.5, relevance=1.0, hop=2)]
    read = signals("Are A and B both rivers?", ev, [], "compared", False, True)
    assert read["best"] == pytest.approx(logit(0.99)) and read["rival_gap"] == 0.0 and read["compared"] == 1.0
    assert read["second_hop"] == 1.0 and read["short"] == 1.0 and read["typed"] == 0.0

@pytest.mark.parametrize("question, keys", [
    ("What is DNA?", ("dna",)),
    ("what are vitamins", ("vitamins", "vitamin")),
    ("Who was the Beatles?", ("beatles", "beatle")),
    ("who is taylor swift", ("taylor swift",)),
    ("What is DNA made of?", ("dna made of",)),  # no title is so named: nothing is described
    ("When was DNA discovered?", ()),
    ("define democracy", ("democracy",)),
    ("dna meaning", ("dna",)),
    ("What is the meaning of DNA?", ("dna",)),
    ("photosynthesis definition", ("photosynthesis", "photosynthesi")),  # (a plural s tried off too)
    ("What does NATO stand for?", ("nato",)),
    ("Which is taller?", ()),
])
def test_the_thing_a_what_is_question_asks_to_have_described(question, keys):
    from rag.answer.subject import described
    from rag.retrieve.hop import defined_keys

    assert defined_keys(question) == keys
    titles = {"d:0": "Chromosome", "d:1": "DNA", "d:2": "Vitamin", "d:3": "The Beatles"}
    assert described(question, titles) == {"dna": "d:1", "vitamins": "d:2", "beatles": "d:3"}.get(keys[:1] and keys[0])


def test_an_opening_it_is_also_stands_for_its_title_unless_it_is_expletive():
    assert with_referent("It is also the world's fifth-largest country by area.", "Brazil", False) == \
        "[Brazil] is also the world's fifth-largest country by area."
    assert with_referent("It is also believed that the war ended.", "Brazil", None) == \
        "It is also believed that the war ended."
