"""rag.messages: one catalogue, English and Korean, chosen by the query's language or given in both."""

import ast
import re
from pathlib import Path

from rag.errors import BadQuery, IndexNotFound
from rag.messages import ERROR_KINDS_KO, MESSAGES, bilingual, both, error_line, message


def test_every_message_has_english_and_korean_with_the_same_fields():
    import string

    for key, texts in MESSAGES.items():
        assert set(texts) == {"en", "ko"}, key
        forms = [t for text in texts.values() for t in (text if isinstance(text, tuple) else (text,))]
        fields = [{f for _, f, _, _ in string.Formatter().parse(t) if f} for t in forms]
        assert all(f == fields[0] for f in fields), key
        assert not isinstance(texts["ko"], tuple), key  # Korean has no plural
        assert not isinstance(texts["en"], tuple) or "n" in fields[0], key  # the count that picks the form


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


def test_both_gives_english_then_korean_and_english_counts_in_the_plural():
    assert both("new_topic") == "New topic · 새 주제"
    assert both("sign_in", sep="<br>") == "Sign in with the account the app's owner made for you.<br>" \
        "앱 관리자가 만들어 준 계정으로 로그인하세요."
    assert message("vote_count", "en", n=1) == "1 vote" and message("vote_count", "en", n=2) == "2 votes"
    assert message("vote_count", "ko", n=2) == "투표 2개"
    assert bilingual(lambda lang: message("stage_failed", lang, stage=message("loading_llm", lang))) == \
        "Loading the language model failed · 언어 모델을 불러오는 중: 실패"


# -- every string the user reads is in the catalogue, and every catalogue entry is read ------------------

ROOT = Path(__file__).resolve().parent.parent
USER_FACING = ("ui", "rag/cli")  # the app and the command line
# Keys the assistant will say (the web-fallback and model-failure notices) once rag/assistant.py calls the
# catalogue for them; until then only this list uses them. Remove a key here when code uses it.
USED_BY_ASSISTANT = {"web_fallback", "model_failed"}
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def hangul_literals(source: str) -> list[str]:
    """The string literals in Python source that hold Hangul, docstrings excepted (they explain, in English,
    what Korean text does; comments are not literals at all)."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and HANGUL.search(node.value)]


def test_the_hangul_check_sees_literals_and_f_strings_but_not_docstrings():
    source = '"""모듈 설명."""\ndef f():\n    """함수 설명."""\n    return "검색" + f"{1}개"  # 주석\n'
    assert hangul_literals(source) == ["검색", "개"]


def test_no_korean_text_is_written_outside_the_catalogue():
    files = [p for folder in USER_FACING for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(files) > 10
    strays = {str(p.relative_to(ROOT)): found for p in files if (found := hangul_literals(p.read_text("utf-8")))}
    assert strays == {}, "put these in rag/messages.py and use message() or both()"


def catalogue_keys_used(code: str) -> set[str]:
    """Keys passed to message(), m() or both() by name, or, for a key looked up indirectly (a warm-up stage,
    a role, a table column), written as a quoted literal; those keys hold an underscore, so a plain word in
    quotes ("source", "links", "tie") never counts as a use of the catalogue."""
    called = set(re.findall(r"""\b(?:message|both|m)\(\s*["']([a-z_]+)["']""", code))
    quoted = {key for key in MESSAGES if "_" in key and re.search(rf"""["']{key}["']""", code)}
    return called | quoted


def test_the_key_check_sees_calls_and_prefixed_keys_only():
    assert catalogue_keys_used('both("tie") + m( "links", lang) + x["source"] + ("role_admin" if a else "")') == \
        {"tie", "links", "role_admin"}


def test_every_catalogue_key_is_used():
    code = "\n".join(p.read_text("utf-8") for folder in ("rag", "ui") for p in sorted((ROOT / folder).rglob("*.py"))
                     if p != ROOT / "rag" / "messages.py")
    assert set(MESSAGES) - catalogue_keys_used(code) - USED_BY_ASSISTANT == set()
