"""What a user reads, in English and Korean: one small catalogue, chosen by the query's language.

    message(key, lang, **values)   the text for key in lang ("en" or "ko"; anything else reads English)
    error_line(exc, lang)          a RagError as the CLI prints it: for a Korean query, a Korean summary
                                   of the error's kind before the message (commands stay as typed)

A plain dict rather than gettext: two languages, a few dozen strings, no build step, and a test that
checks every key has both.
"""

from __future__ import annotations

from rag.text import hangul_share

MESSAGES: dict[str, dict[str, str]] = {
    # -- the overview ----------------------------------------------------------------------------
    "abstain": {"en": "The sources found do not answer this question.",
                "ko": "찾은 자료에는 이 질문의 답이 없습니다."},
    "found_only": {"en": "The sources found are about {listed}, but none of them says what was asked.",
                   "ko": "찾은 자료는 {listed}에 관한 것이지만, 질문의 답은 없습니다."},
    "other_language": {
        "en": "The index '{index}' holds English documents and was built with an English-only embedding "
              "model, so a question in this language cannot be matched to them. Ask in English, or build a "
              "multilingual index: RAG_EMBED_MODEL=multilingual-e5-small rag index build --corpus {corpus} "
              "--name {index}-multi (make index-multilingual), then choose that index",
        "ko": "'{index}' 색인은 영어 문서를 영어 전용 임베딩 모델로 만든 것이라, 한국어 질문에 맞는 문서를 찾을 수 "
              "없습니다. 영어로 물어보거나, 다국어 색인을 만드세요: RAG_EMBED_MODEL=multilingual-e5-small "
              "rag index build --corpus {corpus} --name {index}-multi (make index-multilingual) "
              "만든 뒤 그 색인을 고르세요"},
    "no_answer": {"en": "No answer.", "ko": "답 없음."},
    "links_still": {"en": "The links are still worth a look.", "ko": "아래 링크는 살펴볼 만합니다."},
    # -- query problems (BadQuery) and notices ------------------------------------------------------
    "query_empty": {"en": "the query is empty — type a question or a few words",
                    "ko": "질문이 비어 있습니다 — 질문이나 낱말 몇 개를 입력하세요"},
    "query_jamo": {"en": "the query holds only loose Korean letters (jamo, such as ㅋㅋ or ㅁㄴㅇㄹ) "
                         "— type whole syllables or words",
                   "ko": "자음·모음 낱자(ㅋㅋ, ㅁㄴㅇㄹ 등)만으로는 찾을 수 없습니다 "
                         "— 완성된 글자나 낱말로 입력하세요"},
    "query_cut": {"en": "Your query was {typed:,} characters long; only the first {kept} were used.",
                  "ko": "질문이 {typed:,}자로 너무 길어 앞의 {kept}자만 사용했습니다."},
    "query_fullwidth": {"en": "Full-width characters were read as ordinary ones ({before} → {after}).",
                        "ko": "전각 문자를 보통 문자로 바꿔 읽었습니다 ({before} → {after})."},
    "model_failed": {"en": "The language model failed ({error}); the overview quotes the sources instead.",
                     "ko": "언어 모델이 실패해서 ({error}) 개요는 자료를 그대로 인용합니다."},
    # -- the app's panes ---------------------------------------------------------------------------
    "links": {"en": "Links", "ko": "링크"},
    "overview": {"en": "AI overview", "ko": "AI 개요"},
    "no_results": {"en": "No results.", "ko": "결과가 없습니다."},
    "note": {"en": "Note", "ko": "참고"},
    "waiting_model": {"en": "Waiting for the language model…", "ko": "언어 모델을 기다리는 중…"},
    "loading_models": {"en": "Loading the models (first start only)…", "ko": "모델을 불러오는 중 (처음 한 번만)…"},
    "reading": {"en": "Reading the sources…", "ko": "자료를 읽는 중…"},
    "draft": {"en": "Draft — checking it against the sources…", "ko": "초안 — 자료와 대조하는 중…"},
    "quoted": {"en": "quoted from the source", "ko": "자료에서 인용"},
    "source_n": {"en": "Source {n}", "ko": "자료 {n}"},
    "links_stats": {"en": "{count} links in {time}", "ko": "링크 {count}개, {time}"},
    "overview_stats": {"en": "Links {links}{first} · total {total} · To read: {words} words",
                       "ko": "링크 {links}{first} · 전체 {total} · 읽을 분량: {words}단어"},
    "first_token": {"en": " · first token {time}", "ko": " · 첫 토큰 {time}"},
    "read_none": {"en": "To read: {n} snippet words (all {count} results; the overview cites nothing)",
                  "ko": "읽을 분량: 스니펫 {n}단어 (결과 {count}개 전부; 개요가 인용한 자료 없음)"},
    "read_missing": {"en": "To read: {n} snippet words (all {count} results; none holds the overview's evidence)",
                     "ko": "읽을 분량: 스니펫 {n}단어 (결과 {count}개 전부; 개요의 근거를 담은 결과 없음)"},
    "read_to": {"en": "To read: {n} snippet words, down to result {rank}, the first holding the overview's evidence",
                "ko": "읽을 분량: 스니펫 {n}단어, 개요의 근거를 처음 담은 {rank}번째 결과까지"},
    "unexpected": {"en": "Something went wrong ({error}). The details are in the server log.",
                   "ko": "문제가 생겼습니다 ({error}). 자세한 내용은 서버 로그에 있습니다."},
}

# A Korean summary of each error kind, put before the (English) message for a Korean query: the
# commands and names in the message are to be typed as they are, so they are not translated.
ERROR_KINDS_KO = {
    "BadQuery": "질문을 쓸 수 없습니다",
    "BadSetting": "설정 값이 잘못되었습니다",
    "IndexNotFound": "색인이 없습니다",
    "IndexCorrupt": "색인이 손상되었습니다",
    "IndexMismatch": "색인이 지금 설정과 다르게 만들어졌습니다",
    "CorpusError": "자료를 읽을 수 없습니다",
    "ModelNotFound": "모델을 찾을 수 없습니다",
    "GenerationError": "언어 모델이 실패했습니다",
    "MissingDependency": "필요한 패키지가 설치되지 않았습니다",
    "RagError": "요청을 처리할 수 없습니다",
}


def message(key: str, lang: str = "en", **values) -> str:
    texts = MESSAGES[key]
    return texts.get(lang, texts["en"]).format(**values)


def error_line(exc: Exception, lang: str = "en") -> str:
    """The one line the CLI prints for a RagError ("error: …"), in the query's language."""
    text = str(exc)
    if lang != "ko" or hangul_share(text) > 0.5:  # not asked in Korean, or already said in Korean
        return f"error: {text}"
    kind = next((ERROR_KINDS_KO[c.__name__] for c in type(exc).__mro__ if c.__name__ in ERROR_KINDS_KO),
                ERROR_KINDS_KO["RagError"])
    return f"오류: {kind} — {text}"
