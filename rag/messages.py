"""What a user reads, in English and Korean: one small catalogue, and two ways to say a key.

    message(key, lang, **values)   the text for key in lang ("en" or "ko"; anything else reads English):
                                   for what answers one question, in that question's language
    both(key, **values)            "English · 한국어": for a label or a notice tied to no question (a button,
                                   a placeholder, a limit), where the reader's language is not known
    bilingual(say)                 the same for a text made of several keys: say(lang), for each language
    error_line(exc, lang)          a RagError as the CLI prints it: for a Korean query, a Korean summary
                                   of the error's kind before the message (commands stay as typed)

An English text may be a pair (one, other), chosen by the value `n` as gettext's ngettext does; Korean
has no plural. Numbers, units and notation (ms, s, 95% CI, A and B) are not words and stay outside.

A plain dict rather than gettext: two languages, a few dozen strings, no build step, and tests that
check every key has both languages with the same fields, and that every key is used
(tests/test_messages.py, which also fails on a Hangul string written anywhere in ui/ or rag/cli/).
"""

from __future__ import annotations

from collections.abc import Callable

from rag.text import hangul_share

LANGS = ("en", "ko")
SEP = " · "  # between the two languages of both()

MESSAGES: dict[str, dict[str, str | tuple[str, str]]] = {
    # -- the overview ----------------------------------------------------------------------------
    "abstain": {"en": "The sources found do not answer this question.",
                "ko": "찾은 자료에는 이 질문의 답이 없습니다."},
    "found_only": {"en": "The sources found are about {listed}, but none of them says what was asked.",
                   "ko": "찾은 자료는 {listed}에 관한 것이지만, 질문의 답은 없습니다."},
    "subject_only": {"en": "The sources describe {subject}, but do not say what was asked.",
                     "ko": "찾은 자료에 {subject}에 대한 설명은 있지만, 질문의 답은 없습니다."},
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
    "links_better": {"en": "The links may answer this better", "ko": "링크가 더 나은 답일 수 있습니다"},
    "confidence": {"en": "confidence {percent}%", "ko": "신뢰도 {percent}%"},
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
    "web_fallback": {"en": "The web could not be used ({reason}); these results come from the local index '{index}' "
                           "instead.",
                     "ko": "웹을 쓸 수 없어서 ({reason}) 이 결과는 대신 로컬 색인 '{index}'에서 찾았습니다."},
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
    "local_file": {"en": "local file", "ko": "로컬 파일"},
    # -- the search page's labels (both languages) ---------------------------------------------------
    "title": {"en": "rag — ten blue links beside an AI overview", "ko": "rag — 링크 열 개와 AI 개요"},
    "tab_search": {"en": "Search", "ko": "검색"},
    "tab_evaluate": {"en": "Evaluate", "ko": "평가"},
    "ask_placeholder": {"en": "Ask a question, or type a few words…", "ko": "질문을 입력하세요…"},
    "search_button": {"en": "Search", "ko": "검색"},
    "source": {"en": "Source", "ko": "자료"},
    "follow_up_placeholder": {"en": "Ask a follow-up…", "ko": "이어서 질문하기…"},
    "ask_button": {"en": "Ask", "ko": "질문"},
    "new_topic": {"en": "New topic", "ko": "새 주제"},
    "searched_for": {"en": "Searched for", "ko": "검색어"},
    "search_again": {"en": "Search again", "ko": "다시 검색"},
    "related_questions": {"en": "Related questions", "ko": "관련 질문"},
    "reason_placeholder": {"en": "Why? (optional)", "ko": "이유 (선택)"},
    "helpful": {"en": "👍 Helpful", "ko": "도움됨"},
    "not_helpful": {"en": "👎 Not helpful", "ko": "도움 안 됨"},
    "thanks": {"en": "Thanks — saved {thumb}", "ko": "저장했습니다 {thumb}"},
    "nothing_to_rate": {"en": "There is no answer to rate yet.", "ko": "평가할 답이 아직 없습니다."},
    "feedback_not_saved": {"en": "The feedback was not saved", "ko": "의견을 저장하지 못했습니다"},
    "warming_up": {"en": "{stage}… ({seconds} s, first start only)", "ko": "{stage}… ({seconds}초, 처음 한 번만)"},
    "loading_index": {"en": "Loading the embedding model and the index", "ko": "임베딩 모델과 색인을 불러오는 중"},
    "loading_llm": {"en": "Loading the language model", "ko": "언어 모델을 불러오는 중"},
    "stage_failed": {"en": "{stage} failed", "ko": "{stage}: 실패"},
    # -- who may ask, and how much (ui.access) ------------------------------------------------------
    "sign_in": {"en": "Sign in with the account the app's owner made for you.",
                "ko": "앱 관리자가 만들어 준 계정으로 로그인하세요."},
    "open_warning": {"en": "This app has no login (--no-auth): anyone who can reach it can ask questions, vote under "
                           "any name and export every vote.",
                     "ko": "로그인이 꺼져 있습니다 (--no-auth): 이 주소에 접속하는 누구나 질문하고, 아무 이름으로 "
                           "투표하고, 모든 투표를 내려받을 수 있습니다."},
    "signed_in_as": {"en": "Signed in as {name} ({role})", "ko": "{name} ({role}) 로그인함"},
    "role_admin": {"en": "admin", "ko": "관리자"},
    "role_evaluator": {"en": "evaluator", "ko": "평가자"},
    "sign_out": {"en": "Sign out", "ko": "로그아웃"},
    "query_too_long": {"en": "Your question is {n:,} characters long; the limit is {limit:,}. Shorten it and ask "
                             "again.",
                       "ko": "질문이 너무 깁니다: {n:,}자, 최대 {limit:,}자입니다. 줄여서 다시 질문하세요."},
    "too_many_questions": {"en": "You have asked {n} questions in the last minute, the most one person may while "
                                 "others share this app. Ask again in {wait} s.",
                           "ko": "1분 질문 한도({n}개)를 넘었습니다. {wait}초 후에 다시 질문하세요."},
    "overviews_waiting": {"en": ("You already have {n} overview waiting for the shared model, so this question gets "
                                 "its links only. Ask again when it is done.",
                                 "You already have {n} overviews waiting for the shared model, so this question "
                                 "gets its links only. Ask again when they are done."),
                          "ko": "AI 개요 대기 한도({n}개)를 넘어 이 질문에는 링크만 보여 줍니다. 앞의 개요가 끝난 뒤 "
                                "다시 질문하세요."},
    "file_too_big": {"en": "The question file is {size}; the limit is {limit}. Split it into smaller files.",
                     "ko": "질문 파일이 너무 큽니다: {size}, 최대 {limit}. 더 작은 파일로 나누세요."},
    "typed_too_big": {"en": "The typed questions are {size}; the limit is {limit}.",
                      "ko": "입력한 질문이 너무 깁니다: {size}, 최대 {limit}."},
    # -- the Evaluate tab ------------------------------------------------------------------------------
    "eval_help": {"en": "Compare the two modes blind. Load questions (a JSONL file with `question` and optional "
                        "`answers`, a SQuAD JSON file, or typed lines), then for each question say which of **A** "
                        "and **B** helped more and which answered it correctly. The order of the two is random for "
                        "every question.",
                  "ko": "두 방식을 가리고 비교합니다. 질문을 불러온 뒤(`question`과 선택 항목 `answers`가 있는 JSONL "
                        "파일, SQuAD JSON 파일, 또는 직접 입력) 질문마다 **A**와 **B** 중 어느 쪽이 더 도움이 되었고 "
                        "어느 쪽이 바르게 답했는지 고르세요. 두 쪽의 순서는 질문마다 무작위입니다."},
    "questions_file": {"en": "Questions file (.jsonl or SQuAD .json)", "ko": "질문 파일 (.jsonl 또는 SQuAD .json)"},
    "typed_questions": {"en": "…or type questions, one per line", "ko": "…또는 질문을 한 줄에 하나씩 입력"},
    "your_name": {"en": "Your name (optional)", "ko": "이름 (선택)"},
    "start": {"en": "Start", "ko": "시작"},
    "which_helped": {"en": "Which helped more?", "ko": "어느 쪽이 더 도움이 되었나요?"},
    "which_correct": {"en": "Which answered the question correctly?", "ko": "어느 쪽이 질문에 바르게 답했나요?"},
    "tie": {"en": "tie", "ko": "비김"},
    "neither": {"en": "neither", "ko": "둘 다 아님"},
    "comment": {"en": "Comment (optional)", "ko": "의견 (선택)"},
    "save_vote": {"en": "Save vote, next question", "ko": "투표 저장, 다음 질문"},
    "skip": {"en": "Skip", "ko": "건너뛰기"},
    "summary": {"en": "Summary", "ko": "요약"},
    "refresh_summary": {"en": "Refresh summary", "ko": "요약 새로 고침"},
    "export_csv": {"en": "Export CSV", "ko": "CSV 내보내기"},
    "csv_file": {"en": "CSV export", "ko": "내보낸 CSV"},
    "no_questions": {"en": "No questions: upload a .jsonl or SQuAD .json file, or type questions, one per line.",
                     "ko": "질문이 없습니다: .jsonl 또는 SQuAD .json 파일을 올리거나, 질문을 한 줄에 하나씩 "
                           "입력하세요."},
    "questions_loaded": {"en": ("{n} question loaded ({name}).", "{n} questions loaded ({name})."),
                         "ko": "질문 {n}개를 불러왔습니다 ({name})."},
    "typed": {"en": "typed", "ko": "직접 입력"},
    "load_first": {"en": "Load questions first.", "ko": "먼저 질문을 불러오세요."},
    "all_done": {"en": ("{n} question done — thank you.", "All {n} questions done — thank you."),
                 "ko": "질문 {n}개를 모두 마쳤습니다 — 고맙습니다."},
    "skipped": {"en": "Skipped “{question}”", "ko": "“{question}” 건너뜀"},
    "no_trial": {"en": "There is no question on screen to vote on — press Start.",
                 "ko": "투표할 질문이 화면에 없습니다 — 시작을 누르세요."},
    "choose_first": {"en": "Choose which helped more: A, B, tie or neither.",
                     "ko": "어느 쪽이 더 도움이 되었는지 고르세요: A, B, 비김, 둘 다 아님."},
    "vote_saved": {"en": "Vote saved ({choice}).", "ko": "투표를 저장했습니다 ({choice})."},
    "vote_not_saved": {"en": "The vote was not saved", "ko": "투표를 저장하지 못했습니다"},
    "admins_export": {"en": "Only an admin can export the votes; ask the app's owner.",
                      "ko": "투표 내보내기는 관리자만 할 수 있습니다. 앱 관리자에게 요청하세요."},
    "not_exported": {"en": "The votes were not exported", "ko": "투표를 내보내지 못했습니다"},
    "question_n": {"en": "Question {position} of {total}", "ko": "질문 {position}/{total}"},
    "reference_answer": {"en": "Reference answer", "ko": "참고 답"},
    "no_votes": {"en": "No votes yet.", "ko": "아직 투표가 없습니다."},
    "vote_count": {"en": ("{n} vote", "{n} votes"), "ko": "투표 {n}개"},
    "from_evaluators": {"en": (" from {n} evaluator", " from {n} evaluators"), "ko": ", 평가자 {n}명"},
    "median_decision": {"en": "Median decision time", "ko": "판단 시간 중앙값"},
    "all_votes": {"en": "All votes", "ko": "모든 투표"},
    "your_votes": {"en": "Your votes", "ko": "내 투표"},
    "none_yet": {"en": "none yet", "ko": "아직 없음"},
    "latest_of": {"en": "latest {shown} of {total}", "ko": "최근 {shown}개 / 전체 {total}개"},
    "col_when": {"en": "When (UTC)", "ko": "시각 (UTC)"},
    "col_evaluator": {"en": "Evaluator", "ko": "평가자"},
    "col_question": {"en": "Question", "ko": "질문"},
    "col_preferred": {"en": "Preferred", "ko": "선택"},
    "col_correct": {"en": "Correct", "ko": "정답"},
    "col_comment": {"en": "Comment", "ko": "의견"},
    "answer_feedback": {"en": ("Answer feedback: {n} rating — {up} 👍 / {down} 👎, helpful {helpful}",
                               "Answer feedback: {n} ratings — {up} 👍 / {down} 👎, helpful {helpful}"),
                        "ko": "답변 평가: {n}건 — {up} 👍 / {down} 👎, 도움됨 {helpful}"},
    # -- `rag chat` ------------------------------------------------------------------------------------
    "chat_help": {"en": "Ask a question; follow-ups may say \"he\", \"it\", \"there\". Type a suggestion's number to "
                        "ask it, /new for a new topic, /quit to stop.",
                  "ko": "질문하세요. 이어지는 질문에는 \"그는\", \"그것\", \"거기\"라고 써도 됩니다. "
                        "제안된 질문의 번호를 입력하면 그 질문을 하고, /새주제는 새 주제, /종료는 끝냅니다."},
    "chat_new": {"en": "/new", "ko": "/새주제"},  # the command itself, typed in either language
    "chat_quit": {"en": "/quit", "ko": "/종료"},
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
    text = texts.get(lang, texts["en"])
    if isinstance(text, tuple):  # (one, other), by the count n
        text = text[0] if values["n"] == 1 else text[1]
    return text.format(**values)


def both(key: str, sep: str = SEP, **values) -> str:
    """The text in English and in Korean, "English · 한국어", for what is read before any question is asked."""
    return bilingual(lambda lang: message(key, lang, **values), sep)


def bilingual(say: Callable[[str], str], sep: str = SEP) -> str:
    """both() for a text composed of several keys, e.g. a stage inside a progress line: say(lang), joined."""
    return sep.join(say(lang) for lang in LANGS)


def error_line(exc: Exception, lang: str = "en") -> str:
    """The one line the CLI prints for a RagError ("error: …"), in the query's language."""
    text = str(exc)
    if lang != "ko" or hangul_share(text) > 0.5:  # not asked in Korean, or already said in Korean
        return f"error: {text}"
    kind = next((ERROR_KINDS_KO[c.__name__] for c in type(exc).__mro__ if c.__name__ in ERROR_KINDS_KO),
                ERROR_KINDS_KO["RagError"])
    return f"오류: {kind} — {text}"
