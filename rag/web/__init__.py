"""Web mode: live search results, fetched pages and a per-query index (needs the `web` extra).

    mode.py      WebMode(settings, embedder).run(query, k) -> WebRun(page, index, retriever)
    search.py    SearchBackend interface, DDGSBackend, retries with bounded backoff
    fetch.py     safe concurrent page fetching (address checks on every hop) and text extraction
    cache.py     on-disk cache of results and pages, with expiry
    privacy.py   masking personal data in the query before it leaves the machine

Errors (all RagError; on any of them the Assistant answers from the local index with a notice):

    WebError                the web gave nothing usable; .notices carries what to tell the user
    ├── WebUnreachable      no network, DNS failure, refused connection
    ├── WebTimeout          the search engine did not answer in time
    ├── WebRateLimited      the search engine refused more queries for now
    └── NoResults           no results, or none with any text
"""

from rag.web.fetch import Fetcher, Page
from rag.web.mode import WEB, WebMode, WebRun
from rag.web.privacy import Masked, mask_query
from rag.web.search import (BACKENDS, DDGSBackend, NoResults, SearchBackend, SearchResult, WebError, WebRateLimited,
                     WebTimeout, WebUnreachable, make_backend)

__all__ = [
    "WEB", "WebMode", "WebRun", "SearchBackend", "DDGSBackend", "SearchResult", "BACKENDS", "make_backend",
    "Fetcher", "Page", "Masked", "mask_query",
    "WebError", "WebUnreachable", "WebTimeout", "WebRateLimited", "NoResults",
]
