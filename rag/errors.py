"""The errors `rag` raises on purpose. Every message says what to do next.

    RagError                      base: the CLI prints its message on one line, exit code 2
    ├── BadQuery                  empty or unusable query
    ├── BadSetting                a Settings value (or its RAG_* variable) out of range or not a choice
    ├── IndexNotFound             no index folder by that name
    ├── IndexCorrupt              folder exists but a file is missing or unreadable
    ├── IndexMismatch             index built with other settings (model, dimension, chunking)
    ├── CorpusError               a corpus spec or file that cannot be read
    ├── ModelNotFound             embedding or GGUF model missing or unreadable
    ├── GenerationError           the language model (local or HTTP) failed
    ├── StoreUnavailable          the shared database (RAG_PG_URL) cannot be reached right now
    └── MissingDependency         an optional extra is not installed (ImportError too)
"""

from __future__ import annotations


class RagError(Exception):
    """Base class of every error `rag` raises on purpose."""


class BadQuery(RagError, ValueError):
    pass


class BadSetting(RagError, ValueError):
    pass


class IndexNotFound(RagError):
    pass


class IndexCorrupt(RagError):
    pass


class IndexMismatch(RagError):
    pass


class CorpusError(RagError):
    pass


class ModelNotFound(RagError):
    pass


class GenerationError(RagError):
    pass


class StoreUnavailable(RagError):
    pass


class MissingDependency(RagError, ImportError):
    pass


def require(module: str, extra: str):
    """Import an optional dependency or raise MissingDependency naming the extra to install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingDependency(
            f"{module} is not installed — run: pip install 'rag[{extra}]' (or make test)"
        ) from exc
