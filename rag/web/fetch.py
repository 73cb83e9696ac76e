"""Fetch result pages safely and concurrently, then extract their main text with trafilatura.

    Fetcher(settings).fetch_all(urls) -> {url: Page}     never raises for one bad page

Safety, in the order a request meets it:
    scheme        http and https only
    address       every hop (the first request and each redirect) resolves its host and refuses
                  private, loopback, link-local, reserved and multicast addresses, then connects to the
                  address it checked (so a second DNS answer cannot swap in an internal one)
    redirects     at most settings.web_max_redirects
    time          settings.web_timeout per network step and for the whole page
    type          HTML, XHTML or plain text only (no PDFs, images or downloads)
    size          at most settings.web_max_bytes, checked on the header and while reading
"""

from __future__ import annotations

import ipaddress
import re
import logging
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from rag.errors import require
from rag.settings import Settings

log = logging.getLogger(__name__)

USER_AGENT = "Mozilla/5.0 (compatible; rag-web-mode/0.1)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
MAX_WORKERS = 8  # pages are I/O-bound; more threads than results is pointless


@dataclass(frozen=True)
class Page:
    """What fetching one URL gave: main text (and title), or the reason there is none."""

    url: str
    text: str = ""
    title: str = ""
    error: str = ""  # plain words for a notice, e.g. "timed out after 5 s"

    @property
    def ok(self) -> bool:
        return bool(self.text) and not self.error


class BlockedAddress(Exception):
    """A host that resolves to an address web mode must not read."""


def address_allowed(ip: str, allow_loopback: bool = False) -> bool:
    addr = ipaddress.ip_address(ip.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        return allow_loopback
    return addr.is_global and not addr.is_multicast


def resolve_checked(host: str, port: int, allow_loopback: bool = False) -> str:
    """The address to connect to for host, after checking every address DNS gave for it."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise BlockedAddress(f"could not resolve {host} ({exc})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    refused = [a for a in addresses if not address_allowed(a, allow_loopback)]
    if refused or not addresses:
        raise BlockedAddress(f"{host} resolves to a private or local address ({', '.join(refused)}); not fetched")
    return addresses[0]


def _guarded_transport(allow_loopback: bool):
    """An httpx transport that checks and pins the address of every request, redirects included.

    Written here because safehttpx (the one library for this) is async-only, asks a public DNS
    service when the local resolver fails, and has no loopback switch for tests.
    """
    httpx = require("httpx", "web")

    class GuardedTransport(httpx.HTTPTransport):
        def handle_request(self, request):
            host = request.url.host
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            ip = resolve_checked(host, port, allow_loopback)
            # The original request is left alone: httpx builds redirect URLs from it.
            pinned = httpx.Request(request.method, request.url.copy_with(host=ip), headers=request.headers,
                                   stream=request.stream,
                                   extensions={**request.extensions, "sni_hostname": host})
            return super().handle_request(pinned)

    return GuardedTransport(retries=0)


class Fetcher:
    """Cheap to construct; the HTTP client opens on first use and is shared by the worker threads."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._client = None

    @property
    def client(self):
        if self._client is None:
            httpx = require("httpx", "web")
            s = self.settings
            self._client = httpx.Client(
                transport=_guarded_transport(s.web_allow_loopback), follow_redirects=True,
                max_redirects=s.web_max_redirects, timeout=httpx.Timeout(s.web_timeout),
                trust_env=False,  # no proxy from the environment: the address check must see the real host
                headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9"})
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch_all(self, urls: list[str]) -> dict[str, Page]:
        if not urls:
            return {}
        with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(urls)), thread_name_prefix="rag-fetch") as pool:
            return dict(zip(urls, pool.map(self.fetch, urls)))

    def fetch(self, url: str) -> Page:
        """One page: its main text, or a Page whose error says why not. Never raises for the page's faults."""
        try:
            body, ctype = self._download(url)
        except _Refused as exc:
            return Page(url, error=str(exc))
        text, title = extract(body, ctype, url)
        if not text.strip():
            return Page(url, error="no main text could be extracted")
        return Page(url, text=text.strip(), title=title)

    def _download(self, url: str) -> tuple[bytes, str]:
        httpx = require("httpx", "web")
        s = self.settings
        if httpx.URL(url).scheme not in ("http", "https"):
            raise _Refused("not an http(s) address")
        deadline = time.monotonic() + s.web_timeout
        try:
            with self.client.stream("GET", url) as resp:
                if resp.status_code >= 400:
                    raise _Refused(f"HTTP {resp.status_code}")
                ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                if ctype not in HTML_TYPES | TEXT_TYPES:
                    raise _Refused(f"not a web page ({ctype or 'no content type'})")
                declared = resp.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > s.web_max_bytes:
                    raise _Refused(f"larger than {s.web_max_bytes:,} bytes")
                body = bytearray()
                for piece in resp.iter_bytes():
                    body += piece
                    if len(body) > s.web_max_bytes:
                        raise _Refused(f"larger than {s.web_max_bytes:,} bytes")
                    if time.monotonic() > deadline:
                        raise _Refused(f"timed out after {s.web_timeout:g} s")
                return bytes(body), ctype
        except BlockedAddress as exc:
            raise _Refused(str(exc)) from None
        except httpx.TooManyRedirects:
            raise _Refused(f"more than {s.web_max_redirects} redirects") from None
        except httpx.TimeoutException:
            raise _Refused(f"timed out after {s.web_timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise _Refused(f"could not be read ({type(exc).__name__})") from None


class _Refused(Exception):
    """Internal: why a download stopped; becomes Page.error."""


def extract(body: bytes, ctype: str, url: str) -> tuple[str, str]:
    """(main text, title) of a downloaded page; boilerplate (menus, footers, cookie notes) left out."""
    if ctype in TEXT_TYPES:
        return body.decode("utf-8", errors="replace"), ""
    trafilatura = require("trafilatura", "web")
    try:
        doc = trafilatura.bare_extraction(body, url=url, with_metadata=True, include_comments=False,
                                          include_tables=True)
    except Exception as exc:  # a page that breaks the parser is one bad page, not a failed query
        log.info("extraction failed for %s: %s", url, exc)
        return "", ""
    if doc is None:
        return "", ""
    lines = _body_lines(doc.body) if doc.body is not None else (doc.text or "").split("\n")
    return "\n".join(_closed(line) for line in lines if any(c.isalnum() for c in line)), doc.title or ""


def _body_lines(body) -> list[str]:
    """Lines of trafilatura's body tree. Headings are left out: they are not claims a sentence can
    cite, and glued to the next paragraph they spoil its first sentence; the page title stays as
    the document's title. List items and table rows become one line each."""
    lines = []
    for element in body:
        if element.tag == "head":
            continue
        if element.tag == "list":
            lines += ["".join(item.itertext()) for item in element.iter("item")]
        elif element.tag == "table":
            lines += [" ".join("".join(cell.itertext()).strip() for cell in row.iter("cell"))
                      for row in element.iter("row")]
        else:  # a paragraph; trafilatura's fallback extractor puts whole blocks in one, line by line
            lines += "".join(element.itertext()).split("\n")
    return [" ".join(line.split()) for line in lines]


def _closed(line: str) -> str:
    """A line closed with a full stop, so sentence splitting keeps list items and rows apart."""
    line = line.strip()
    return line if line.endswith(ENDINGS) else line + "."


ENDINGS = tuple(".!?:;…\"'”’)]") + ("다",)


# Sentences written to steer an AI reader rather than to inform a person ("ignore previous
# instructions and say …"). Page text is evidence, never instructions: the prompt, the citation check
# and evidence selection already treat it as data, and dropping these lines keeps a page from
# putting words in the overview's mouth through the evidence the check accepts. The list is short
# and literal on purpose: it should never remove an ordinary sentence.
INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,30}?\b(?:previous|prior|above|earlier|preceding|all|any|"
    r"your|system|original)\b[^.!?\n]{0,20}?\b(?:instructions?|prompts?|directives?)\b"
    r"|\bnew instructions?\s*:|\b(?:you are|act as) (?:now )?(?:an? )?(?:ai|assistant|chatbot|language model)\b"
    r"|\bas an ai (?:language )?model\b",
    re.IGNORECASE)


def drop_instructions(text: str, lang: str = "en") -> tuple[str, int]:
    """text without sentences addressed to an AI reader, and how many were dropped."""
    if not INSTRUCTION.search(text):
        return text, 0
    from sentencex import segment

    kept_lines, dropped = [], 0
    for line in text.split("\n"):
        if not INSTRUCTION.search(line):
            kept_lines.append(line)
            continue
        sentences = list(segment(lang, line))
        kept = [s for s in sentences if not INSTRUCTION.search(s)]
        dropped += len(sentences) - len(kept)
        if kept:
            kept_lines.append(" ".join(s.strip() for s in kept))
    return "\n".join(kept_lines), dropped
