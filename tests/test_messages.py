"""rag.messages: one catalogue, English and Korean, chosen by the query's language."""

from rag.errors import BadQuery, IndexNotFound
from rag.messages import ERROR_KINDS_KO, MESSAGES, error_line, message


def test_every_message_has_english_and_korean_with_the_same_fields():
    import string

    for key, texts in MESSAGES.items():
        assert set(texts) == {"en", "ko"}, key
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in texts.values()]
        assert fields[0] == fields[1], key


def test_message_follows_the_language():
    assert message("abstain", "ko") == "찾은 자료에는 이 질문의 답이 없습니다."
    assert message("abstain", "en") == message("abstain", "fr") == "The sources found do not answer this question."
    assert message("links_stats", "ko", count=3, time="9 ms") == "링크 3개, 9 ms"


def test_cli_error_line_in_the_query_language():
    exc = IndexNotFound("no index 'vital' under indexes/ — run: rag index build --corpus vital")
    assert error_line(exc, "en") == f"error: {exc}"
    assert error_line(exc, "ko") == f"오류: {ERROR_KINDS_KO['IndexNotFound']} — {exc}"
    already = BadQuery(message("query_jamo", "ko"))
    assert error_line(already, "ko") == f"error: {already}"  # said in Korean already: not said twice
