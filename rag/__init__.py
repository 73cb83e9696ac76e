"""rag: for any question, ten blue links and a grounded, cited AI overview from the same retrieval."""

from .assistant import Assistant
from .conversation import Conversation, Reply
from .errors import (BadQuery, BadSetting, CorpusError, GenerationError, IndexCorrupt, IndexMismatch,
                     IndexNotFound, MissingDependency, ModelNotFound, RagError)
from .schema import (Chunk, Document, Evidence, FinalEvent, Link, LinksEvent, Overview, SearchPage, Sentence,
                     Source, Timings, TokenEvent)
from .settings import Settings

__all__ = [
    "Assistant", "Settings", "Conversation", "Reply",
    "Document", "Chunk", "Link", "Evidence", "Source", "Sentence", "Timings", "SearchPage", "Overview",
    "LinksEvent", "TokenEvent", "FinalEvent",
    "RagError", "BadQuery", "BadSetting", "IndexNotFound", "IndexCorrupt", "IndexMismatch", "CorpusError",
    "ModelNotFound", "GenerationError", "MissingDependency",
]
