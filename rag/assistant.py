"""The Assistant: one retrieval, two answers — ten blue links and a checked, cited overview.

    Assistant.default()            the embedded default: vital corpus, bundled models
    a.search(query)  -> SearchPage ten blue links
    a.answer(query)  -> Overview   links plus the verified overview
    a.stream(query)  -> events     LinksEvent, TokenEvent..., FinalEvent
    a.conversation() -> Conversation   follow-ups in context (rag.chat.conversation)
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import replace

from rag.retrieve import hop
from rag.answer.citations import degenerate
from rag.embed.embedder import PACKAGED, Embedder
from rag.errors import BadQuery, IndexNotFound, RagError
from rag.answer.evidence import select_evidence, split_sentences
from rag.answer.generation import Generator, answer_messages, make_generator
from rag.store.local import Index, load_index
from rag.answer.compose import (ABSTAIN_TEXT, ABSTAIN_TEXT_KO, FOUND_BELOW, MAX_WORDS, compose, compose_yes_no,  # noqa: F401
                       found_only)
from rag.retrieve.retrievers import BM25Retriever, blue_links, make_retriever, query_terms
from rag.schema import (Evidence, FinalEvent, LinksEvent, Overview, Passage, SearchPage, Sentence, Timings, TokenEvent,
                     final_overview)
from rag.settings import Settings
from rag.messages import message
from rag.text import fold_width, jamo_only, lang_of, names, terms
from rag.web.mode import WEB  # the index name that selects web mode

log = logging.getLogger(__name__)

# The end of a first sentence of at least four words, citation marks included: "… Vinci [1]. "
SENTENCE_END = re.compile(r"^\s*\S+(\s+\S+){3,}?[^\s.]{2,}(\s*\[\d+(,\s*\d+)*\])*[.!?](\s*\[\d+(,\s*\d+)*\])*\s")


class Assistant:
    """Cheap to construct; models and indexes load on warm_up() or first use, once per process."""

    def __init__(self, settings: Settings | None = None, embedder: Embedder | None = None,
                 generator: Generator | None = None):
        self.settings = settings or Settings()
        self.embedder = embedder or Embedder.for_settings(self.settings)
        # An index built with a model shipped in a package (rag.embed.embedder.PACKAGED, e.g. a multilingual
        # vital) is read with that model whatever RAG_EMBED_MODEL says: its manifest names it.
        self._embedders: dict[str, Embedder] = {self.embedder.name: self.embedder}
        self.generator = generator or make_generator(self.settings)
        self._indexes: dict[str, tuple[Index, object]] = {}
        self._lock = threading.Lock()
        self.web = None  # rag.web.WebMode, made on the first web query (tests may set their own)
        # The last few web runs, so that the UI's links event and overview event for one question
        # share one search, one fetch and one per-query index instead of doing them twice.
        self._web_runs: OrderedDict[tuple[str, int], tuple[SearchPage, Index]] = OrderedDict()

    @classmethod
    def default(cls, **overrides) -> "Assistant":
        """The embedded default set-up, with RAG_* environment overrides and keyword overrides."""
        return cls(Settings.from_env(**overrides))

    def warm_up(self, index: str | None = None, generator: bool = True) -> None:
        self.embedder.warm_up()
        if (index or self.settings.index) != WEB:  # web mode builds its index per query
            self._loaded(index or self.settings.index)
        if generator and self.settings.generate:
            self.generator.warm_up()

    def loaded_index(self, name: str | None = None) -> Index:
        """The index of that name (default: settings.index), loaded once per process."""
        return self._loaded(name or self.settings.index)[0]

    def _loaded(self, name: str) -> tuple[Index, object]:
        with self._lock:
            if name not in self._indexes:
                idx = load_index(name, self.settings, self.embedder.name)
                s = self.settings
                embedder = self.embedder_for(idx)
                self._indexes[name] = (idx, make_retriever(idx, embedder, s.retriever, s.rrf_k, s.candidates))
            return self._indexes[name]

    def embedder_for(self, idx: Index) -> Embedder:
        """The embedder an index was built with: a packaged model by its name, else the configured one."""
        name = idx.manifest.get("embedding_model", self.embedder.name)
        if name not in PACKAGED:
            return self.embedder
        if name not in self._embedders:
            self._embedders[name] = Embedder(name)
        return self._embedders[name]

    def index_info(self, name: str | None = None) -> dict:
        return dict(self.loaded_index(name or self.settings.index).manifest)

    # -- links ----------------------------------------------------------------------------------

    def clean_query(self, query) -> tuple[str, list[str]]:
        """The query as retrieval sees it, and notices for the user; BadQuery when nothing usable is left.

        First, before anything else reads the text: control characters that are whitespace (tab,
        newline, …) become spaces and the others are dropped, as are lone surrogates (a str may hold
        them, e.g. "\\ud800" from a broken UTF-16 decode, but no tokenizer or encoder accepts them) and
        invisible format characters (bidi overrides, zero-width spaces, BOM) except the zero-width
        joiner and non-joiner, which scripts such as Persian and Hindi, and emoji, need. Then NFC, so
        that "é" typed as e + combining accent matches the "é" in the index. Then single spaces and
        the length limit.
        """
        import unicodedata  # here rather than at the top: this method is the only user

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
        limit = self.settings.max_query_chars
        if len(query) <= limit:
            return query, notices
        cut = query[:limit].rsplit(" ", 1)[0] or query[:limit]
        return cut, notices + [message("query_cut", lang, typed=typed, kept=len(cut))]

    def search(self, query: str, index: str | None = None, k: int | None = None) -> SearchPage:
        return self.search_page(query, index, k)[0]

    def search_page(self, query: str, index: str | None = None, k: int | None = None) -> tuple[SearchPage, Index]:
        """The links page and the index its hits come from (built for this query in web mode)."""
        started = time.perf_counter()
        query, notices = self.clean_query(query)
        k = k or self.settings.links
        if k < 1:
            raise RagError("k must be at least 1")
        if (index or self.settings.index) == WEB:
            return self._web_search(query, k, notices)
        idx, retriever = self._loaded(index or self.settings.index)
        hits = self._for_language(idx, retriever, query).retrieve(query, max(self.settings.candidates, k * 5))
        links = blue_links(idx, hits, query, k)
        unmatched = self.cannot_match(query, idx)
        notices = notices + ([unmatched] if unmatched else [])
        elapsed = (time.perf_counter() - started) * 1000
        return SearchPage(query=query, links=links, timings=Timings(links_ms=elapsed, total_ms=elapsed),
                          notices=notices, hits=hits), idx

    def _web_search(self, query: str, k: int, notices: list[str]) -> tuple[SearchPage, Index]:
        """Web mode (rag.web); when the web gives nothing, the local default index with a notice."""
        from rag.web import WebError, WebMode

        with self._lock:
            if self.web is None:
                self.web = WebMode(self.settings, self.embedder)
            if (query, k) in self._web_runs:
                page, idx = self._web_runs[(query, k)]
                return replace(page, notices=notices + page.notices), idx
        try:
            run = self.web.run(query, k)
        except WebError as exc:
            local = self.settings.index if self.settings.index != WEB else Settings().index
            log.info("web mode failed (%s); answering from the local index %r", exc, local)
            try:
                page, idx = self.search_page(query, local, k)
            except IndexNotFound:
                raise RagError(f"the web could not be used ({exc.reason}) and there is no local index to fall "
                               f"back on — run: rag index build --corpus vital") from None
            fallback = f"The web could not be used ({exc.reason}); these results come from the local index '{local}' instead."
            return replace(page, notices=notices + exc.notices + [fallback] + page.notices), idx
        with self._lock:
            self._web_runs[(query, k)] = (run.page, run.index)
            while len(self._web_runs) > 8:
                self._web_runs.popitem(last=False)
        return replace(run.page, notices=notices + run.page.notices), run.index

    def conversation(self, index: str | None = None, state: dict | None = None):
        """A conversation over this assistant (rag.chat.conversation); `state`: a saved Conversation.to_dict()."""
        from rag.chat.conversation import Conversation

        return Conversation.from_dict(self, state) if state is not None else Conversation(self, index)

    # -- overview -------------------------------------------------------------------------------

    def answer(self, query: str, index: str | None = None) -> Overview:
        return final_overview(self.stream(query, index))

    def stream(self, query: str, index: str | None = None) -> Iterator[LinksEvent | TokenEvent | FinalEvent]:
        started = time.perf_counter()
        page, idx = self.search_page(query, index)
        yield LinksEvent(page)
        passages, evidence = self._read_and_pick(page, idx)
        notices = list(page.notices)
        ms = lambda: (time.perf_counter() - started) * 1000  # noqa: E731
        lang = query_lang(page.query)
        if self.cannot_match(page.query, idx):  # said in the links' notice; nothing here is about the question
            yield FinalEvent(replace(self._abstain(page, [], notices, ms()), passages=passages))
            return
        if (not evidence or max(e.score for e in evidence) < self.settings.abstain_below
                or (lang == idx_lang(idx) and unknown_subject(page.query, idx, passages))):
            yield FinalEvent(replace(self._abstain(page, evidence, notices, ms()), passages=passages))
            return
        compared = compose_yes_no(page.query, passages, idx.documents, lang)
        if compared:  # "Are X and Y both …?": decided by comparing what the two sources say
            sentences, sources, evidence = compared
            yield FinalEvent(self._overview(page, idx, passages, sentences, sources, "", evidence, notices, None, ms()))
            return
        if evidence[0].relevance < FOUND_BELOW:
            sentences, sources = found_only(page.query, evidence, lang)
            yield FinalEvent(self._overview(page, idx, passages, sentences, sources, "", evidence, notices, None, ms()))
            return
        draft, first_token_ms = "", None
        if self.settings.generate and lang in self.settings.writer_langs.split(","):
            draft, first_token_ms = yield from self._draft(page.query, evidence, idx.lang, notices, ms)
        sentences, sources = compose(page.query, draft, evidence, self.embedder_for(idx), idx.lang,
                                     self.settings.abstain_below)
        yield FinalEvent(self._overview(page, idx, passages, sentences, sources, draft, evidence, notices, first_token_ms, ms()))

    def _draft(self, query: str, evidence: list[Evidence], lang: str, notices: list[str], ms):
        """Stream the model's lead sentence; stop at its end, or as soon as the draft is degenerate."""
        draft, first_token_ms = "", None
        try:
            pieces = self.generator.stream(answer_messages(query, evidence), self.settings.max_tokens,
                                           self.settings.temperature)
            for piece in pieces:
                if first_token_ms is None:
                    first_token_ms = ms()
                why = degenerate(draft + piece, lang)
                if why:  # a loop or another language: the user sees no more of it
                    pieces.close()
                    log.info("draft stopped: %s", why)
                    draft += piece
                    break
                draft += piece
                yield TokenEvent(piece)
                if SENTENCE_END.search(draft):  # only the lead sentence is used: stop paying for more
                    pieces.close()
                    break
        except RagError as exc:
            log.warning("generation failed: %s", exc)
            notices.append(f"The language model failed ({exc}); the overview quotes the sources instead.")
        return draft, first_token_ms

    def _overview(self, page, idx, passages, sentences, sources, draft, evidence, notices, first_token_ms,
                  total_ms) -> Overview:
        sources = [replace(s, kind=idx.documents[s.doc_id].meta.get("kind", "page")) for s in sources]
        timings = Timings(links_ms=page.timings.links_ms, first_token_ms=first_token_ms, total_ms=total_ms)
        return Overview(query=page.query, sentences=sentences, sources=sources, links=page.links,
                        timings=timings, draft=draft, evidence=evidence, notices=notices, passages=passages)

    def evidence(self, page: SearchPage, idx: Index) -> list[Evidence]:
        """Read the first hop's top passages and a second hop through bridge entities; pick evidence."""
        return self._read_and_pick(page, idx)[1]

    def _read_and_pick(self, page: SearchPage, idx: Index) -> tuple[list[Passage], list[Evidence]]:
        passages, bridges, vector = self.reading(page, idx)
        titles = {p.hit.chunk.doc_id: (idx.documents[p.hit.chunk.doc_id].title, idx.documents[p.hit.chunk.doc_id].url)
                  for p in passages}
        return passages, select_evidence(page.query, passages, titles, self.embedder_for(idx), self.settings.evidence,
                                         idx.lang, [b.name for b in bridges], vector,
                                         relevant_from=self.settings.abstain_below)

    def reading(self, page: SearchPage, idx: Index) -> tuple[list[Passage], list[hop.Bridge], object]:
        """The passages the overview reads (rag.retrieve.hop), the bridges followed, and the query's vector."""
        s = self.settings
        vector = self.embedder_for(idx).encode_query(page.query)
        retriever = self._for_language(idx, self._retriever(idx), page.query)
        passages, bridges = hop.read(page.query, page.hits, idx, retriever, vector,
                                     query_terms(page.query), lambda text: split_sentences(text, idx.lang),
                                     s.passages, s.bridges)
        return passages, bridges, vector

    def _for_language(self, idx: Index, retriever, query: str):
        """BM25 alone for a Korean question when the embedder does not read Korean: all-MiniLM-L6-v2 ranks
        Korean text by script, and fused with it the kiwi BM25 ranking got worse (KorQuAD-open, 300
        questions: links Recall@10 0.95 and MRR@10 0.40 fused, 0.99 and 0.94 with BM25 alone)."""
        if query_lang(query) == "ko" and idx.analyzer == "kiwi" and not self.embedder_for(idx).multilingual:
            return BM25Retriever(idx)
        return retriever

    def _retriever(self, idx: Index):
        with self._lock:
            for loaded, retriever in self._indexes.values():
                if loaded is idx:
                    return retriever
        s = self.settings  # web mode: an index built for this one query
        return make_retriever(idx, self.embedder, s.retriever, s.rrf_k, s.candidates)

    def cannot_match(self, query: str, idx: Index) -> str:
        """Why this index cannot answer a question in this language at all, or "".

        A Korean question on an index of English text embedded with an English-only model (the default
        vital with all-MiniLM-L6-v2) is matched by script, not meaning: "모나리자를 그린 화가는 누구인가?"
        found Korean language, Hangul and Busan. BM25 finds nothing either (no Korean words in the index).
        """
        if query_lang(query) != "ko" or idx.lang == "ko" or idx.analyzer == "kiwi" or self.embedder_for(idx).multilingual:
            return ""
        corpus = idx.manifest.get("corpus", "CORPUS")
        return message("other_language", "ko", index=idx.name, corpus=corpus)

    def _abstain(self, page: SearchPage, evidence: list[Evidence], notices: list[str], total_ms: float) -> Overview:
        text = message("abstain", query_lang(page.query))
        return Overview(query=page.query, sentences=[Sentence(text, (), "abstain")], sources=[],
                        links=page.links, abstained=True, evidence=evidence, notices=notices,
                        timings=Timings(links_ms=page.timings.links_ms, total_ms=total_ms))


def idx_lang(idx: Index) -> str:
    return idx.lang


def unknown_subject(query: str, idx: Index, passages: list[Passage] = ()) -> bool:
    """Does the question name something the index never mentions ("the capital of Wakanda")? Then
    whatever the evidence says is about something else, however close its embedding (Abuja, the capital
    of Nigeria): an overview from it would be off-topic. Judged on the names the question holds (every
    one absent from the BM25 vocabulary), in the index's own analyzer; not for indexes of the old
    "plain" analyzer, whose vocabulary is whole Korean words with their particles.

    An earlier check (no evidence sentence holds a name of the question) abstained wrongly on 3 of 100
    SQuAD questions ("… schools in the US", "FtsZ1"): the vocabulary is the whole corpus, not 4 sentences.
    A name one letter (or Korean jamo) off a word of the passages read is a typo, not another subject:
    KorQuAD asks about "흥신학원" where the passage says 홍신학원, and about "히데카" for 히데코.
    """
    # A PostgreSQL index (rag.store.postgres) keeps its vocabulary in the database, not as a bm25s model: no check there.
    vocab = getattr(getattr(idx, "bm25", None), "vocab_dict", None)
    if not vocab or idx.analyzer == "plain":
        return False
    asked = names(query)
    if not asked or any(n in vocab for n in asked):
        return False
    read = set().union(*(terms(p.hit.chunk.text) for p in passages))
    return not any(_near(n, read) for n in asked)


def _near(name: str, words: set[str]) -> bool:
    """Is a word of `words` the name with about one letter or jamo changed? difflib on the decomposed
    (NFD) forms, where 흥 and 홍 differ by one vowel jamo; a hand-made edit distance would be no shorter."""
    import difflib
    import unicodedata

    decomposed = unicodedata.normalize("NFD", name)
    # a word, or its start as long as the name: kiwi may keep the compound 홍신학원 whole
    for word in {w for word in words for w in (word, word[:len(name)]) if abs(len(w) - len(name)) <= 2}:
        matcher = difflib.SequenceMatcher(None, decomposed, unicodedata.normalize("NFD", word))
        if matcher.quick_ratio() >= 0.8 and matcher.ratio() >= 0.8:
            return True
    return False


def query_lang(query: str) -> str:
    """The language a reader of this query expects (our users write Korean or English)."""
    return lang_of(query)
