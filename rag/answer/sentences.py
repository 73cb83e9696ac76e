"""What may be quoted: the citable sentences of a passage, and passages grown to whole sentences.

    citable_sentences(text, lang)     fragments dropped, run-ons cut short and marked
    cut_by_chunk(sentence, …)         a sentence the chunker cut ("… although he"): never quoted
    widened(passages, document_text)  chunks grown to whole sentences from their document's text
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.schema import Passage
from rag.text import has_hangul
from rag.text import split_sentences as sentences_of

MIN_WORDS = 4  # fragments ("See also.", "Born 1452.") carry too little to cite
MAX_CHARS = 400  # a "sentence" longer than this is a run-on list; cut it for the prompt
ELIDED = "…"  # ends a run-on cut short


def citable_sentences(text: str, lang: str = "en") -> list[str]:
    """The sentences (rag.text.split_sentences) worth citing: fragments dropped, run-ons cut at their last
    clause (or word) before MAX_CHARS and marked " …" — not "… although he", which reads as a broken quote."""
    out = []
    for s in sentences_of(text, lang):
        if len(s.split()) >= MIN_WORDS or (has_hangul(s) and len(s) >= 10):
            head = s[:MAX_CHARS]
            cut = max(head.rfind(", "), head.rfind("; "))
            cut = cut if cut > MAX_CHARS // 2 else head.rfind(" ") if head.rfind(" ") > 0 else MAX_CHARS
            out.append(s if len(s) <= MAX_CHARS else head[:cut].rstrip(",; ") + " " + ELIDED)
    return out


# A sentence ends on one of these (closing quotes and brackets allowed after it): "… Vinci." / "…다." / "…”)"
CLOSE = r"[.!?。！？]['\"’”)\]]*"
ENDED = re.compile(CLOSE + "$")  # a text that ends a sentence
SENTENCE_END = re.compile(CLOSE + r"(?=\s|$)")  # a sentence's end inside a text


def cut_by_chunk(sentence: str, position: int, count: int, start: int) -> bool:
    """A sentence the chunker cut (it splits on spaces, not sentences): the last of several that does not
    end as a sentence ends ("… although he"), or the first of a chunk starting inside its document that
    opens in lower case ("painted in 1503 …"). Its whole version is in the neighbouring chunk."""
    # (a sentence ending ELIDED is a run-on citable_sentences cut itself, not the chunker)
    if position == count - 1 and count > 1 and not sentence.endswith(ELIDED) and not ENDED.search(sentence.rstrip()):
        return True
    return position == 0 and start > 0 and sentence[:1].islower()


REACH = 400  # characters a chunk may grow by at either end to hold its first and last sentences whole


def widened(passages: list[Passage], document_text) -> list[Passage]:
    """The passages with their chunks grown to whole sentences from the document's text (the chunker cuts on
    spaces: "… although he" ends one chunk, "painted it in 1503 …" opens the next). A chunk whose text is not
    found at its offset (a store that normalised it) stays as it is; cut_by_chunk then drops its ragged ends."""
    out = []
    for p in passages:
        chunk = p.hit.chunk
        try:
            doc = document_text(chunk.doc_id)
        except KeyError:
            out.append(p)
            continue
        start, end = chunk.start, chunk.start + len(chunk.text)
        if doc[start:end] != chunk.text:
            out.append(p)
            continue
        if not ENDED.search(chunk.text.rstrip()) and (stop := SENTENCE_END.search(doc, end, end + REACH)):
            end = stop.end()
        if start > 0 and (not doc[start - 1].isspace() or chunk.text[:1].islower()):
            before = list(SENTENCE_END.finditer(doc, max(0, start - REACH), start))
            if before:
                start = before[-1].end()
            elif start <= REACH:
                start = 0
            while start < len(doc) and doc[start].isspace():
                start += 1
        grown = replace(chunk, text=doc[start:end], start=start)
        out.append(replace(p, hit=replace(p.hit, chunk=grown)))
    return out
