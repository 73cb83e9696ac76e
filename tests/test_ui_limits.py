"""Per-user limits: questions per minute, overviews waiting for the shared model, query and upload sizes."""

import pytest

from ui.access.limits import PLACE_TTL, Limits


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_questions_per_minute_are_counted_per_user():
    limits = Limits(questions_per_minute=2)
    assert limits.admit("ann") is None and limits.admit("ann") is None
    message = limits.admit("ann")
    assert "2 questions in the last minute" in message and "Ask again in" in message and "초 후에" in message
    assert limits.admit("bob") is None  # another user is not slowed


def test_no_limit_when_set_to_zero():
    limits = Limits(questions_per_minute=0, queued_overviews=0)
    assert all(limits.admit("ann") is None for _ in range(100))
    assert all(limits.reserve("ann", "s") is None for _ in range(10))


def test_a_question_past_the_waiting_overviews_gets_links_and_a_message():
    limits = Limits(queued_overviews=2)
    assert limits.reserve("ann", "tab1") is None
    assert limits.reserve("ann", "tab2") is None
    message = limits.reserve("ann", "tab3")
    assert "2 overviews waiting" in message
    assert limits.reserve("bob", "tab9") is None  # bob's place does not depend on ann's
    # The overviews come in the order their searches went: two go ahead, the third shows the message.
    assert limits.overview("ann", "tab1") is None and limits.overview("ann", "tab2") is None
    assert limits.overview("ann", "tab3") == message
    assert limits.waiting("ann") == 2
    limits.done("ann")
    limits.done("ann")
    assert limits.waiting("ann") == 0 and limits.reserve("ann", "tab3") is None


def test_a_refused_question_skips_its_overview_in_silence():
    limits = Limits(queued_overviews=2)
    assert limits.reserve("ann", "tab", refused=True) is None
    assert limits.overview("ann", "tab") == ""  # the links pane already says why
    assert limits.waiting("ann") == 0


def test_an_overview_called_alone_counts_as_a_question_and_takes_a_place():
    limits = Limits(questions_per_minute=1, queued_overviews=1)
    assert limits.overview("ann", "api") is None and limits.waiting("ann") == 1
    limits.done("ann")
    assert "questions in the last minute" in limits.overview("ann", "api")


def test_a_place_whose_overview_never_came_lapses():
    clock = Clock()
    limits = Limits(queued_overviews=1, clock=clock)
    assert limits.reserve("ann", "closed-tab") is None
    assert limits.reserve("ann", "tab") is not None  # full
    clock.now += PLACE_TTL + 1
    assert limits.reserve("ann", "tab") is None


def test_query_length_and_upload_size_are_capped_with_their_sizes(tmp_path):
    limits = Limits(max_query_chars=10, max_upload_bytes=1_000)
    assert limits.check_query("x" * 10) is None
    assert "11 characters long; the limit is 10" in limits.check_query("x" * 11)
    small, big = tmp_path / "small.jsonl", tmp_path / "big.jsonl"
    small.write_text("x" * 1_000)
    big.write_text("x" * 1_001)
    assert limits.check_upload(small) is None and limits.check_upload(None) is None
    assert "The question file is 1,001 bytes; the limit is 1,000 bytes" in limits.check_upload(big)
    assert limits.check_typed("가" * 400) is not None  # bytes, not characters: 1,200 in UTF-8


@pytest.mark.parametrize("query", [None, "", "short"])
def test_check_query_passes_what_the_assistant_will_judge(query):
    assert Limits(max_query_chars=10).check_query(query) is None
