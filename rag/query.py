"""The query as retrieval sees it: cleaned, normalised and cut to the length limit, with notices for the user."""

from __future__ import annotations

import re
import unicodedata

from rag.errors import BadQuery
from rag.messages import message
from rag.text import fold_width, jamo_only, lang_of


def clean_query(query, limit: int) -> tuple[str, list[str]]:
    """The query as retrieval sees it, and notices for the user; BadQuery when nothing usable is left.

    First, before anything else reads the text: control characters that are whitespace (tab,
    newline, …) become spaces and the others are dropped, as are lone surrogates (a str may hold
    them, e.g. "\\ud800" from a broken UTF-16 decode, but no tokenizer or encoder accepts them) and
    invisible format characters (bidi overrides, zero-width spaces, BOM) except the zero-width
    joiner and non-joiner, which scripts such as Persian and Hindi, and emoji, need. Then NFC, so
    that "é" typed as e + combining accent matches the "é" in the index. Then single spaces and
    the length limit (`limit` characters, settings.max_query_chars).
    """
    if not isinstance(query, str):
        raise BadQuery(message("query_empty"))
    typed = len(query)
    kept = []
    for ch in query:
        kind = unicodedata.category(ch)
        if kind == "Cc":
            kept.append(" " if ch.isspace() else "")
        elif kind == "Cs" or (kind == "Cf" and ch not in "\u200c\u200d"):
            continue
        else:
            kept.append(ch)
    typed_text = " ".join(unicodedata.normalize("NFC", "".join(kept)).split())
    query = " ".join(fold_width(typed_text).split())
    lang = lang_of(query)
    notices = []
    if query != typed_text:
        wide = re.search(r"[\uff01-\uff5e][\uff01-\uff5e\u3000]*", typed_text)
        before = wide.group().strip("\u3000")[:20] if wide else typed_text[:20]
        notices.append(message("query_fullwidth", lang, before=before, after=fold_width(before)))
    if not query:
        raise BadQuery(message("query_empty"))
    if jamo_only(query):  # "ㅋㅋㅋ", "ㅁㄴㅇㄹ": no syllable, so nothing any tokenizer can match
        raise BadQuery(message("query_jamo", "ko"))
    if len(query) <= limit:
        return query, notices
    cut = query[:limit].rsplit(" ", 1)[0] or query[:limit]
    return cut, notices + [message("query_cut", lang, typed=typed, kept=len(cut))]
