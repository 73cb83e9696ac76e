"""An on-disk cache of search results and fetched pages, with expiry, so a repeated query costs no network.

diskcache (SQLite underneath) with its JSON disk: values are stored as JSON, never pickled, so a
cache folder cannot run code when it is read back. Keys hold only what left the machine (the
masked query) and page URLs.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from pathlib import Path

from rag.errors import require
from rag.settings import Settings
from rag.web.fetch import Page
from rag.web.search import SearchResult

log = logging.getLogger(__name__)

# A failed fetch is remembered briefly: long enough that a repeated query does not wait for the
# same slow page again, short enough that a page that was down comes back soon.
FAILURE_TTL = 600


class WebCache:
    """Cheap to construct; the cache folder opens on first use. ttl 0 turns caching off."""

    def __init__(self, settings: Settings):
        self.folder = Path(settings.data_dir) / "web-cache"
        self.ttl = settings.web_cache_ttl
        self._cache = None

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    def _open(self):
        if self._cache is None:
            diskcache = require("diskcache", "web")
            self.folder.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(self.folder), disk=diskcache.JSONDisk)
        return self._cache

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def get_results(self, backend: str, query: str, n: int) -> list[SearchResult] | None:
        rows = self._get(["search", backend, query, n])
        return None if rows is None else [SearchResult(**r) for r in rows]

    def put_results(self, backend: str, query: str, n: int, results: list[SearchResult]) -> None:
        self._put(["search", backend, query, n], [asdict(r) for r in results], self.ttl)

    def get_page(self, url: str) -> Page | None:
        row = self._get(["page", url])
        return None if row is None else Page(**row)

    def put_page(self, page: Page) -> None:
        self._put(["page", page.url], asdict(page), self.ttl if page.ok else min(self.ttl, FAILURE_TTL))

    def _get(self, key: list):
        if not self.enabled:
            return None
        try:
            return self._open().get(key)
        except Exception as exc:  # a broken cache costs speed, never the answer
            log.warning("web cache unreadable (%s); going to the network", exc)
            return None

    def _put(self, key: list, value, ttl: int) -> None:
        if not self.enabled:
            return
        try:
            self._open().set(key, value, expire=ttl)
        except Exception as exc:
            log.warning("web cache not written (%s)", exc)
