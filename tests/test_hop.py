"""The second retrieval hop, the echo check and the degenerate-draft stop, on the seven-document corpus."""

import pytest

from rag import Assistant, FinalEvent, TokenEvent
from rag.answer.citations import adds_to_question, degenerate
from rag.answer.subject import COMPARES
from rag.retrieve import hop
from rag.retrieve.hop import named_documents, names_in, title_key

from conftest import ScriptedGenerator


def test_names_in_a_sentence_split_at_and_and_drop_openers():
    sentence = ("The film Big Stone Gap was directed by Adriana Trigiani and produced by Donna Gigliotti "
                "at the University of Chicago in 2014.")
    assert names_in(sentence) == ["Big Stone Gap", "Adriana Trigiani", "Donna Gigliotti", "University of Chicago"]


def test_title_key_ignores_disambiguators_and_articles():
    assert title_key("The Beatles (band)") == title_key("the beatles") == "beatles"
    assert title_key("Leonardo da Vinci - Wikipedia") == "leonardo da vinci"


def test_echo_is_rejected_and_an_answer_is_not():
    question = "Who painted the Mona Lisa?"
    source = "The Mona Lisa is a portrait painting by the Italian artist Leonardo da Vinci."
    assert not adds_to_question("The Mona Lisa was painted.", question, source)
    assert adds_to_question("The Mona Lisa was painted by Leonardo da Vinci.", question, source)
    assert not adds_to_question("The Mona Lisa was painted by Picasso.", question, source)  # new, but not in the source


def test_degenerate_drafts():
    assert degenerate("The answer is: The answer is: The answer is: The answer is:")
    assert degenerate("모나리자는 레오나르도 다 빈치가 그린 그림입니다.", "en")
    assert degenerate("The Mona Lisa was painted by Leonardo da Vinci.", "ko")
    assert not degenerate("The Mona Lisa was painted by Leonardo da Vinci, who also painted The Last Supper.")


@pytest.fixture
def one_passage(tiny_settings, embedder):
    def make(*replies, **changes):
        gen = ScriptedGenerator(*replies)
        return Assistant(tiny_settings.replace(passages=1, **changes), embedder=embedder, generator=gen), gen
    return make


def test_second_hop_follows_a_title_named_in_the_first_passage(one_passage):
    a, _ = one_passage()
    page, idx = a.search_page("When was the painter of the Mona Lisa born?")
    assert page.hits[0].chunk.doc_id == "t:0"  # the Mona Lisa, which names the painter
    passages, bridges, _ = a.reading(page, idx)
    read = [(p.hit.chunk.doc_id, p.hop, p.bridge) for p in passages]
    assert read == [("t:0", 1, ""), ("t:1", 2, "Leonardo da Vinci")]
    assert bridges[0].name == "Leonardo da Vinci" and bridges[0].doc_ids == ("t:1",)


def test_no_second_hop_when_bridges_are_off(one_passage):
    a, _ = one_passage(bridges=0)
    page, idx = a.search_page("When was the painter of the Mona Lisa born?")
    passages, bridges, _ = a.reading(page, idx)
    assert [p.hit.chunk.doc_id for p in passages] == ["t:0"] and bridges == []


def test_a_comparison_reads_the_document_of_each_thing_it_names(one_passage):
    a, _ = one_passage(bridges=0, generate=False)
    q = "Which is taller, Mount Everest or the Eiffel Tower?"
    page, idx = a.search_page(q)
    passages, _, _ = a.reading(page, idx)
    assert {(p.hit.chunk.doc_id, p.hop) for p in passages} == {("t:4", 1), ("t:2", 1)}  # one passage each
    page, idx = a.search_page("How tall is Mount Everest, not the Eiffel Tower?")  # names both, compares nothing
    # (read without the retrievers' own first hits: one of them puts the Eiffel Tower first)
    assert not COMPARES.search(page.query)
    assert len(hop.read(page.query, page.hits, idx, None, None, set(), None, 1, 0, compares=False)[0]) == 1
    cited = {s.title for s in a.answer(q).sources}
    assert cited == {"Mount Everest", "Eiffel Tower"}  # both sides quoted, whatever their probability
    # the titles a question names: the longest runs of its words, holding a capitalised word that is no opener
    assert named_documents("Were Python and the Great Wall of China both built in 1991?", idx) == [("t:5",), ("t:6",)]
    assert named_documents("Were python and the great wall both built in 1991?", idx) == []


def test_a_multi_hop_answer_cites_the_answer_and_the_bridge(one_passage):
    a, _ = one_passage(generate=False)
    ov = a.answer("When was the painter of the Mona Lisa born?")
    assert "1452" in ov.text  # the answer sentence comes from the second hop
    cited = {ov.sources[n - 1].title for s in ov.sentences for n in s.citations}
    assert {"Mona Lisa", "Leonardo da Vinci"} <= cited  # the bridge sentence and the answer sentence


def test_an_echoing_draft_is_replaced_by_a_quote(tiny_settings, embedder):
    a = Assistant(tiny_settings, embedder=embedder, generator=ScriptedGenerator("The Mona Lisa was painted [1]."))
    ov = a.answer("Who painted the Mona Lisa?")
    assert ov.sentences[0].origin == "quoted" and "Leonardo da Vinci" in ov.sentences[0].text


def test_a_looping_draft_stops_streaming_and_is_not_used(tiny_settings, embedder):
    loop = " ".join(["The answer is:"] * 20)
    a = Assistant(tiny_settings, embedder=embedder, generator=ScriptedGenerator(loop))
    events = list(a.stream("Who painted the Mona Lisa?"))
    shown = "".join(e.text for e in events if isinstance(e, TokenEvent))
    assert shown.count("The answer is:") <= 3  # stopped as soon as it looped, not after 20
    final = events[-1]
    assert isinstance(final, FinalEvent) and final.overview.sentences[0].origin == "quoted"


def test_korean_question_streams_no_english_draft(tiny_settings, embedder):
    gen = ScriptedGenerator("Leonardo da Vinci painted it [1].")
    a = Assistant(tiny_settings, embedder=embedder, generator=gen)
    events = list(a.stream("모나리자를 그린 화가는 누구인가?"))
    assert not any(isinstance(e, TokenEvent) for e in events) and gen.prompts == []


def test_says_what_was_found_when_nothing_is_likely_to_answer(tiny_settings, embedder, monkeypatch):
    import rag.answer.overview

    monkeypatch.setattr(rag.answer.overview, "FOUND_BELOW", 1.01)  # no sentence is likely enough
    a = Assistant(tiny_settings, embedder=embedder, generator=ScriptedGenerator("x"))
    ov = a.answer("Who painted the Mona Lisa?")
    lead = ov.sentences[0]
    assert lead.origin == "found" and lead.text.startswith("The sources found are about Mona Lisa")
    assert ov.sentences[0].citations and not ov.abstained


def test_yes_no_comparison_is_answered_only_from_both_sources(tiny_settings, embedder):
    a = Assistant(tiny_settings.replace(generate=False), embedder=embedder)
    ov = a.answer("Are the Mona Lisa and Leonardo da Vinci both Italian?")
    lead = ov.sentences[0]
    assert lead.origin == "compared" and lead.text.startswith("Yes")
    assert {ov.sources[n - 1].title for n in lead.citations} == {"Mona Lisa", "Leonardo da Vinci"}
    # said of one only: "No", citing what each source says
    ov = a.answer("Are the Eiffel Tower and the Great Wall of China both in Paris?")
    lead = ov.sentences[0]
    assert lead.origin == "compared" and lead.text.startswith("No: the sources say it of Eiffel Tower but not of")
    assert {ov.sources[n - 1].title for n in lead.citations} == {"Eiffel Tower", "Great Wall of China"}
    # said of neither: nothing to compare, the ordinary overview instead
    ov = a.answer("Are the Eiffel Tower and the Great Wall of China both in Argentina?")
    assert ov.sentences[0].origin != "compared"


def _read(*docs: tuple[str, str]):
    """Passages and titles for yes_no from (title, text) pairs."""
    from rag.schema import Chunk, Hit, Passage

    passages = [Passage(Hit(Chunk(i, f"d{i}", text, 0), 1.0), i) for i, (_, text) in enumerate(docs)]
    return passages, {f"d{i}": title for i, (title, _) in enumerate(docs)}


@pytest.mark.parametrize("question, docs, lead", [
    ("Are Mauritz Stiller and Johannes Grenzfurthner of the same nationality?",
     [("Mauritz Stiller", "Mauritz Stiller was a Finnish-Swedish film director."),
      ("Johannes Grenzfurthner", "Johannes Grenzfurthner is an award-winning Austrian artist.")],
     "No: Mauritz Stiller is Finnish-Swedish, Johannes Grenzfurthner is Austrian."),
    ("Are the flowering plants Ecballium and Elatostema in the same family?",
     [("Ecballium", "Ecballium is a genus of flowering plants in the family Cucurbitaceae."),
      ("Elatostema", "Elatostema is a genus in the nettle family Urticaceae.")],
     "No: Ecballium is Cucurbitaceae, Elatostema is Urticaceae."),
    ("Are both Dictyosperma and Huernia described as a genus?",  # "described" need not be repeated
     [("Dictyosperma", "Dictyosperma is a monotypic genus of palm."),
      ("Huernia", "The genus Huernia consists of stem succulents.")],
     "Yes: the sources say it of both Dictyosperma and Huernia."),
    ("Are Scott Derrickson and Ed Wood both American?",  # the person, not the film of his name
     [("Scott Derrickson", "Scott Derrickson is an American director."),
      ("Ed Wood (film)", "Ed Wood is a 1994 biographical film."),
      ("Ed Wood", "Ed Wood was an American filmmaker.")],
     "Yes: the sources say it of both Scott Derrickson and Ed Wood."),
    ("Are Jim McBride and Neil Jordan both American?",
     [("Jim McBride", "Jim McBride is an American film director."),
      ("Neil Jordan", "Neil Jordan is an Irish film director.")],
     "No: the sources say it of Jim McBride but not of Neil Jordan."),
    ("Were The Bomb and Rolling Papers released in the same year?",  # the first year each first sentence gives
     [("The Bomb", "The Bomb is a 2015 documentary film."), ("Rolling Papers", "Rolling Papers is a 2015 film.")],
     "Yes: 2015 for The Bomb, 2015 for Rolling Papers (as each source gives them)."),
    ("Were both the Battle of Stones River and the Battle of Bull Run fought in the 20th century?",
     [("Battle of Stones River", "The Battle of Stones River was fought from December 31, 1862."),
      ("Battle of Bull Run", "The Battle of Bull Run was fought on July 21, 1861.")],
     "No: 1862 for Battle of Stones River, 1861 for Battle of Bull Run (as each source gives them)."),
    ("Were Lit and Adorable both formed before 1993?",
     [("Lit", "Lit is an American rock band, formed in 1995."), ("Adorable", "Adorable were a band formed in 1990.")],
     "No: 1995 for Lit, 1990 for Adorable (as each source gives them)."),
    ("Did Lit and Adorable win a prize in the same year?",  # a first year says when it began, not a prize
     [("Lit", "Lit is an American rock band, formed in 1995."), ("Adorable", "Adorable were a band formed in 1995.")],
     None),
    ("Do the operas Vanessa and Le roi malgré lui have the same number of acts?",
     [("Vanessa", "Vanessa is an American opera. It is in three acts."),
      ("Le roi malgré lui", "Le roi malgré lui is an opéra-comique in 3 acts.")],
     "Yes: three acts for Vanessa, 3 acts for Le roi malgré lui (as each source gives them)."),
    ("Do the operas Vanessa and Le roi malgré lui have the same number of acts?",  # two counts: which is meant?
     [("Vanessa", "Vanessa is an opera in four acts. Barber revised it in 1964 to three acts."),
      ("Le roi malgré lui", "Le roi malgré lui is an opéra-comique in 3 acts.")], None),
    ("Are Out of Place and The Mosuo Sisters by the same director?",
     [("Out of Place", "Out of Place is a documentary directed by Jane Doe."),
      ("The Mosuo Sisters", "The Mosuo Sisters is a 2012 documentary film written and directed by Marlo Poras.")],
     "No: Jane Doe for Out of Place, Marlo Poras for The Mosuo Sisters (as each source gives them)."),
    ("Are Jaws and Duel by the same director?",  # a surname is the same name; a sentence's end is not a name
     [("Jaws", "Jaws is a 1975 film directed by Steven Spielberg. It stars Roy Scheider."),
      ("Duel", "Duel is a 1971 film directed by Spielberg. The TV film stars Dennis Weaver.")],
     "Yes: Steven Spielberg for Jaws, Spielberg for Duel (as each source gives them)."),
    ("Are Peter Balakian and James Der Derian both teachers?",  # said of neither: not decided
     [("Peter Balakian", "Peter Balakian is an Armenian American poet."),
      ("James Der Derian", "James Der Derian is a professor of international studies.")],
     None),
])
def test_yes_no_decides_from_what_each_source_says(question, docs, lead):
    from rag.answer.yesno import yes_no

    passages, titles = _read(*docs)
    decided = yes_no(question, passages, titles)
    assert (decided[0] if decided else None) == lead


@pytest.mark.parametrize("question, docs, lead", [
    ("Which band was formed first, Lit or Adorable?",
     [("Lit (band)", "Lit is an American rock band, formed in 1995 in Fullerton."),
      ("Adorable", "Adorable were an English band formed in 1990 in Coventry.")],
     "Adorable: 1990, against 1995 for Lit (as the first sentence of each source gives them)."),
    ("Who is younger, John Newcombe or Květa Peschke?",
     [("John Newcombe", "John Newcombe (born 23 May 1944) is an Australian former tennis player."),
      ("Květa Peschke", "Květa Peschke (born 9 July 1975) is a Czech tennis player.")],
     "Květa Peschke: 1975, against 1944 for John Newcombe (as the first sentence of each source gives them)."),
    ("Which film was released first, Charley and the Angel or The Boatniks?",  # "Angel" is inside a title
     [("Angel", "Angel is a 1982 film."), ("Charley and the Angel", "Charley and the Angel is a 1973 film."),
      ("The Boatniks", "The Boatniks is a 1970 American comedy film.")],
     "The Boatniks: 1970, against 1973 for Charley and the Angel (as the first sentence of each source gives them)."),
    ("Who died first, Mauritz Stiller or Greta Garbo?",  # a death: the lifespan's second year
     [("Mauritz Stiller", "Mauritz Stiller (17 July 1883 – 18 November 1928) was a film director."),
      ("Greta Garbo", "Greta Garbo (18 September 1905 – 15 April 1990) was an actress.")],
     "Mauritz Stiller: 1928, against 1990 for Greta Garbo (as the first sentence of each source gives them)."),
    ("Who was the first to fly, Lit or Adorable?",  # "the first …": not a race of dates
     [("Lit", "Lit is a band formed in 1995."), ("Adorable", "Adorable is a band formed in 1990.")], None),
    ("Which is larger, Lit or Adorable?",  # no way to compare by a year
     [("Lit", "Lit is a band formed in 1995."), ("Adorable", "Adorable is a band formed in 1990.")], None),
])
def test_which_came_first_is_decided_by_the_first_year_each_source_gives(question, docs, lead):
    from rag.answer.yesno import which_first

    passages, titles = _read(*docs)
    decided = which_first(question, passages, titles)
    assert (decided[0] if decided else None) == lead


@pytest.mark.parametrize("question, docs, lead", [
    ("Which genus has more species, Apium or Elodea?",
     [("Apium", "Apium is a genus of about 20 species of flowering plants."),
      ("Elodea", "Elodea is a genus of six species of aquatic plants.")],
     "Apium: 20 species, against six species for Elodea (as each source gives them)."),
    ("Which magazine is published more often, Shonen Jump or Rolling Stone?",
     [("Shonen Jump", "Shonen Jump, based on Weekly Shōnen Jump, was a monthly manga anthology."),
      ("Rolling Stone", "Rolling Stone is a biweekly American magazine.")],
     "Rolling Stone: biweekly, against monthly for Shonen Jump (as each source gives them)."),
    ("Which genus has more species, Apium or Elodea?",  # "1,200" is one number, not "200"
     [("Apium", "Apium is a genus of about 1,200 species."), ("Elodea", "Elodea is a genus of 300 species.")],
     "Apium: 1,200 species, against 300 species for Elodea (as each source gives them)."),
    ("Which genus has fewer species, Apium or Elodea?",
     [("Apium", "Apium is a genus of about 20 species."), ("Elodea", "Elodea is a genus of 6 species.")],
     "Elodea: 6 species, against 20 species for Apium (as each source gives them)."),
    ("Which magazine is published more often, Shonen Jump or Rolling Stone?",  # two frequencies: which is meant?
     [("Shonen Jump", "Shonen Jump changed from a weekly publication to a monthly one."),
      ("Rolling Stone", "Rolling Stone is a biweekly American magazine.")], None),
    ("Which band has more members, Lit or Adorable?",  # no count given: not decided
     [("Lit", "Lit is an American rock band."), ("Adorable", "Adorable were an English band.")], None),
])
def test_which_has_more_is_decided_by_the_count_or_frequency_each_source_gives(question, docs, lead):
    from rag.answer.yesno import which_more

    passages, titles = _read(*docs)
    decided = which_more(question, passages, titles)
    assert (decided[0] if decided else None) == lead


def test_a_long_question_reads_more_passages(one_passage):
    from rag.assistant import LONG_EXTRA

    a, _ = one_passage(bridges=0, generate=False)
    short = "When was the painter of the Mona Lisa born?"
    long = "In which year was the Italian painter of the famous portrait called the Mona Lisa born?"  # 16 words
    assert len(a.reading(*a.search_page(short))[0]) == 1
    assert len(a.reading(*a.search_page(long))[0]) == 1 + LONG_EXTRA  # a description: its answer may lie further


def test_a_retrievers_own_first_hit_is_read_when_fusion_sinks_it(one_passage):
    a, _ = one_passage(bridges=0, generate=False)
    page, idx = a.search_page("When was the painter of the Mona Lisa born?")
    first, other = page.hits[0], next(h for h in page.hits if h.chunk.doc_id != page.hits[0].chunk.doc_id)
    read = lambda leaders: [(p.hit.chunk.id, p.hop, p.rank) for p in hop.read(  # noqa: E731
        page.query, page.hits, idx, None, None, set(), None, 1, 0, leaders=leaders)[0]]
    assert read([]) == [(first.chunk.id, 1, 0)]
    # a leader already read is not read twice; one fusion left out is read after the first hop's passages
    assert read([first, other]) == [(first.chunk.id, 1, 0), (other.chunk.id, 1, 1)]


@pytest.mark.parametrize("question, title, opening", [
    ("Who was Leonardo da Vinci?", "Leonardo da Vinci", "Leonardo da Vinci (1452–1519) was an Italian polymath"),
    ("what is python", "Python (programming language)", "Python is a high-level, general-purpose"),
    ("What are photosyntheses?", "Photosynthesis", "Photosynthesis is a process used by plants"),
])
def test_what_is_x_is_answered_by_the_opening_of_xs_article_without_a_bold_answer(one_passage, question, title,
                                                                                   opening):
    a, _ = one_passage(bridges=0, generate=False)
    ov = a.answer(question)
    assert ov.sentences[0].text.startswith(opening)
    assert ov.sources[ov.sentences[0].citations[0] - 1].title == title
    assert ov.short_answer is None  # a description, not one word
