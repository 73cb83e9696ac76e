"""One Settings object: documented defaults, overridable by RAG_* environment variables.

Nothing else in the package reads os.environ; settings are passed, not looked up globally.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field, fields
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    # Where built indexes live (one folder per index name).  RAG_INDEX_DIR
    index_dir: Path = Path("indexes")
    # Where the app keeps its own data (votes database, caches).  RAG_DATA_DIR
    data_dir: Path = Path("data")
    # Index used when none is named.  RAG_INDEX
    index: str = "vital"
    # Embedding model: a local sentence-transformers folder; empty = the bundled all-MiniLM-L6-v2.
    embed_model: str = ""  # RAG_EMBED_MODEL
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
    # Whether to run the writer model at all ("extractive" overviews when off).  RAG_GENERATE
    generate: bool = True
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


def _convert(f: dataclasses.Field, raw: str):
    kind = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", str(f.type))
    try:
        if kind == "bool":
            return raw.strip().lower() in {"1", "true", "yes", "on"}
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
    except ValueError:
        from .errors import RagError

        raise RagError(f"RAG_{f.name.upper()}={raw!r} is not a valid {kind}") from None
    return raw
