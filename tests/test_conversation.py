"""Conversations: follow-up resolution (rag.chat.followup), suggestions (rag.chat.related), save and restore.

The first tests need no model or index (fast tier); the rest run over the seven-document corpus with
the real embedder, FAISS and bm25s, and a scripted writer.
"""

import json

import numpy as np
import pytest

from rag import Assistant, Conversation, FinalEvent, LinksEvent, RagError, Reply
from rag.chat.entities import Entity
from rag.chat import choose
from rag.chat.followup import fill_ellipsis, find_anaphor, names_own_antecedent, resolve, rewrite

from conftest import ScriptedGenerator


class T:  # a turn as rag.chat.followup reads it
    def __init__(self, resolved_query, *entities):
        self.resolved_query, self.entities = resolved_query, list(entities)


# -- the anaphor and the rewrite, with no index -----------------------------------------------------------

@pytest.mark.parametrize("question, word", [
    ("When was he born?", "he"), ("What is its height?", "its"), ("Who lived there?", "there"),
    ("When was that built?", "that"), ("Where did she study?", "she"), ("What did they build?", "they"),
    ("그는 언제 태어났나요?", "그"), ("거기에는 무엇이 있나요?", "거기"), ("그것은 얼마나 높나요?", "그것"),
])
def test_pronouns_that_point_back_are_found(question, word):
    assert find_anaphor(question).word == word


@pytest.mark.parametrize("question", [
    "Is there a tower in Paris?", "There are many towers.", "Who painted that portrait?", "그리고 에펠탑은?",
    "그 건물은 언제 지어졌나요?", "Who painted the Mona Lisa?",
])
def test_words_that_do_not_point_back_are_left(question):
    assert find_anaphor(question) is None


@pytest.mark.parametrize("question, name, expected", [
    ("When was he born?", "Leonardo da Vinci", "When was Leonardo da Vinci born?"),
    ("What is its height?", "Mount Everest", "What is Mount Everest's height?"),
    ("Who lived there?", "Paris", "Who lived in Paris?"),
    ("What is the weather in there?", "Paris", "What is the weather in Paris?"),
    ("Where did his students work?", "Socrates", "Where did Socrates' students work?"),
    ("그는 언제 태어났나요?", "레오나르도 다빈치", "레오나르도 다빈치는 언제 태어났나요?"),
    ("그것은 얼마나 높나요?", "에펠탑", "에펠탑은 얼마나 높나요?"),
    ("거기에는 무엇이 있나요?", "서울", "서울에는 무엇이 있나요?"),
    ("그가 그린 그림은?", "Alien (film)", "Alien이 그린 그림은?"),
])
def test_rewrite_puts_the_name_in_place_of_the_pronoun(question, name, expected):
    assert rewrite(question, find_anaphor(question), name) == expected


def test_an_ellipsis_takes_the_place_of_the_same_kind_of_thing():
    assert fill_ellipsis("What was the population of Paris in 1800?", "in 1900", "Paris") == \
        "What was the population of Paris in 1900?"
    assert fill_ellipsis("Who painted the Mona Lisa?", "The Last Supper", "Mona Lisa") == "Who painted the Last Supper?"
    assert fill_ellipsis("How tall is the Eiffel Tower?", "in winter", "Eiffel Tower") == \
        "How tall is the Eiffel Tower in winter?"


def test_resolution_prefers_the_answer_after_a_who_question_and_the_topic_after_a_where_question():
    who = T("Who painted the Mona Lisa?", Entity("Mona Lisa", "topic"), Entity("Leonardo da Vinci", "answer"))
    assert resolve("When was he born?", [who]).query == "When was Leonardo da Vinci born?"
    where = T("Where is the Eiffel Tower?", Entity("Eiffel Tower", "topic"), Entity("Champ de Mars", "answer"))
    assert resolve("How tall is it?", [where]).query == "How tall is Eiffel Tower?"


def test_a_self_contained_follow_up_is_left_as_it_is():
    turns = [T("Who painted the Mona Lisa?", Entity("Leonardo da Vinci", "answer"))]
    for question in ("When was the Eiffel Tower built?", "Where did Picasso live and what did he paint?"):
        r = resolve(question, turns)
        assert (r.query, r.changed) == (question, False)
    assert resolve("When was he born?", []).changed is False  # nothing to lean on yet


# -- a real conversation over the seven-document corpus ------------------------------------------------

def make(tiny_settings, embedder, *replies) -> Assistant:
    return Assistant(tiny_settings.replace(generate=bool(replies)), embedder=embedder,
                     generator=ScriptedGenerator(*replies))


def test_follow_up_with_a_pronoun_searches_for_the_answer_entity(tiny_settings, embedder):
    conv = make(tiny_settings, embedder).conversation()
    first = conv.ask("Who painted the Mona Lisa?")
    assert isinstance(first, Reply) and first.turn == 1 and first.resolved_query == "Who painted the Mona Lisa?"
    second = conv.ask("When was he born?")
    assert second.turn == 2 and second.question == "When was he born?"
    assert second.resolved_query == "When was Leonardo da Vinci born?"
    assert second.links[0].title == "Leonardo da Vinci"
    assert "1452" in second.text
    third = conv.ask("Where is his mural The Last Supper?")
    assert third.resolved_query == "Where is Leonardo da Vinci's mural The Last Supper?"
    assert third.links[0].title == "Leonardo da Vinci"


def test_the_reader_reads_the_likeliest_candidates_against_their_own_sentences(tiny_settings, embedder,
                                                                              monkeypatch):
    monkeypatch.setattr(choose, "SHORTLIST", 2)
    # the shipped weights leave the reader out (it did not pay, rag/chat/followup.json); here it is weighed in
    monkeypatch.setattr(choose, "weights", lambda: {"plain": choose.HAND, "reader": {**choose.HAND, "reader": 1.0}})
    conv = make(tiny_settings, embedder).conversation()
    conv.ask("Who painted the Mona Lisa?")
    idx = conv.assistant.loaded_index()
    reader = conv.assistant.reader_for(idx)
    assert reader is not None
    question = "When was he born?"
    anaphor = find_anaphor(question)
    pool = choose.candidates(conv.turns)
    names = [e.name for e, _ in pool]
    assert "Leonardo da Vinci" in names and len(pool) > choose.SHORTLIST
    assert not any("Vinci Mona" in n for n in names)  # "… da Vinci. [Mona Lisa] has …": two names, not one
    rows = choose.features("When was born?", anaphor.kind, pool, idx, lambda n: rewrite(question, anaphor, n), reader)
    read = rows[:, choose.FEATURES.index("reader")]
    plain = choose.scores(rows, with_reader=False)
    # the two best by the other features among those with a document of their own (a name without one has no
    # sentences to read)
    shortlisted = [r for r in np.argsort(-plain, kind="stable") if pool[r][0].doc_ids][:2]
    assert names.index("Leonardo da Vinci") in shortlisted  # a person for "he", the name the answer added
    rest = [r for r in range(len(pool)) if r not in shortlisted]
    assert all(read[r] == min(read[shortlisted]) - 1 for r in rest)  # the unread rank below all read
    scores = resolve(question, conv.turns, idx, reader).scores
    assert max(scores, key=scores.get) == "Leonardo da Vinci"


def test_a_name_in_the_question_is_the_antecedent_only_when_its_kind_fits(tiny_settings, embedder):
    idx = make(tiny_settings, embedder).loaded_index()

    def own(question):
        return names_own_antecedent(question, find_anaphor(question), idx)

    assert own("Where did Leonardo da Vinci live and what did he paint?")
    assert own("When was the Eiffel Tower built and who designed it?")
    assert own("Where did John Smith live and what did he paint?")  # a name with no document: a person's
    assert not own("Where did Leonardo da Vinci paint it?")  # "it" is not the painter: the conversation's
    assert not own("How old was Newton during it?")  # no document, and "it" is no person


def test_the_shipped_follow_up_weights_are_fitted_and_say_how():
    card = json.loads(choose.WEIGHTS_FILE.read_text(encoding="utf-8"))
    assert set(card["weights"]["plain"]) == set(choose.FEATURES[:4]) and "eval.fit_followup" in card["command"]
    assert card["weights"]["reader"] is None or set(card["weights"]["reader"]) == set(choose.FEATURES)
    held_out = [row for row in card["accuracy"] if row["part"] == "heldout"]
    assert {row["set"] for row in held_out} == {"hotpot", "squad", "korquad"}


def test_it_after_a_where_question_is_the_topic(tiny_settings, embedder):
    conv = make(tiny_settings, embedder).conversation()
    conv.ask("Where is the Eiffel Tower?")
    assert conv.ask("When was it built?").links[0].title == "Eiffel Tower"
    assert conv.turns[-1].resolved_query == "When was Eiffel Tower built?"


def test_korean_follow_up_is_resolved(tiny_settings, embedder):
    conv = make(tiny_settings, embedder).conversation()
    conv.ask("Who painted the Mona Lisa?")
    r = conv.ask("그는 언제 태어났나요?")
    assert r.resolved_query == "Leonardo da Vinci는 언제 태어났나요?"
    assert r.links[0].title == "Leonardo da Vinci"


def test_reset_forgets_and_a_new_topic_is_not_rewritten(tiny_settings, embedder):
    conv = make(tiny_settings, embedder).conversation()
    conv.ask("Who painted the Mona Lisa?")
    conv.reset()
    assert conv.turns == [] and conv.ask("When was he born?").resolved_query == "When was he born?"


def test_search_for_overrides_the_resolution_and_undo_drops_the_turn(tiny_settings, embedder):
    conv = make(tiny_settings, embedder).conversation()
    conv.ask("Who painted the Mona Lisa?")
    conv.ask("When was he born?")
    dropped = conv.undo()
    assert dropped.resolved_query == "When was Leonardo da Vinci born?" and len(conv.turns) == 1
    r = conv.ask("When was he born?", search_for="When was Gustave Eiffel born?")
    assert (r.question, r.resolved_query, r.turn) == ("When was he born?", "When was Gustave Eiffel born?", 2)
    assert r.links[0].title == "Eiffel Tower"


def test_stream_yields_links_then_a_reply(tiny_settings, embedder):
    conv = make(tiny_settings, embedder, "Leonardo da Vinci was born in 1452 [1].").conversation()
    conv.ask("Who painted the Mona Lisa?")
    events = list(conv.stream("When was he born?"))
    assert isinstance(events[0], LinksEvent) and events[0].page.query == "When was Leonardo da Vinci born?"
    assert isinstance(events[-1], FinalEvent) and events[-1].overview.turn == 2


def test_saved_conversation_restores_and_resolves_the_same(tiny_settings, embedder):
    a = make(tiny_settings, embedder)
    conv = a.conversation()
    conv.ask("Who painted the Mona Lisa?")
    saved = json.loads(json.dumps(conv.to_dict()))
    restored = a.conversation(state=saved)
    assert isinstance(restored, Conversation) and len(restored.turns) == 1
    assert restored.resolve("When was he born?").query == conv.resolve("When was he born?").query == \
        "When was Leonardo da Vinci born?"
    assert restored.to_dict() == saved


@pytest.mark.parametrize("bad, message", [
    ([], "JSON object"), ({"turns": "x"}, "JSON object"), ({"format": 99, "turns": []}, "format 99"),
    ({"turns": [{"answer": "no question"}]}, "needs at least"),
])
def test_a_bad_saved_conversation_is_a_clear_error(bad, message):
    with pytest.raises(RagError, match=message):
        Conversation.from_dict(Assistant(), bad)


def test_related_questions_are_checked_against_the_index(tiny_settings, embedder):
    a = make(tiny_settings, embedder)
    r = a.conversation().ask("Who painted the Mona Lisa?")
    assert 1 <= len(r.related) <= 3
    assert len(set(r.related)) == len(r.related)
    for question in r.related:
        assert question != "Who painted the Mona Lisa?"
        # its subject is a document title, and that document is among the question's top three links
        page = a.search(question, k=3)
        assert any(l.title in question for l in page.links), (question, [l.title for l in page.links])
    data = r.to_dict()
    assert data["turn"] == 1 and data["resolved_query"] == "Who painted the Mona Lisa?" and data["related"] == r.related


def test_the_short_answer_is_the_first_entity_and_names_its_source_when_that_is_its_own_document():
    """"Who was the first person to walk on the Moon?" → "Where was he born?" searched "Where was Apollo program
    born?": the bold answer "Neil Alden Armstrong" had no document (the article is titled "Neil Armstrong")."""
    from types import SimpleNamespace

    from rag.chat.entities import entities_of
    from rag.schema import Sentence, ShortAnswer, Source

    lead = "Neil Alden Armstrong was an American astronaut who became the first person to walk on the Moon."
    sources = [Source(1, "Neil Armstrong", "u1", lead, "vital:Neil Armstrong"),
               Source(2, "Apollo program", "u2", "The Apollo program landed humans.", "vital:Apollo program")]
    overview = SimpleNamespace(sentences=[Sentence(lead, (1,), "quoted")], sources=sources, passages=[], links=[],
                               short_answer=ShortAnswer("Neil Alden Armstrong", 1))
    first = entities_of("Who was the first person to walk on the Moon?", overview, None)[0]
    assert first == Entity("Neil Alden Armstrong", "answer", ("vital:Neil Armstrong",))
    # a name its source is not titled by gets no document of it
    overview.short_answer = ShortAnswer("Buzz Aldrin", 2)
    assert entities_of("Who was second on the Moon?", overview, None)[0] == Entity("Buzz Aldrin", "answer", ())
