"""rag: for any question, ten blue links and a grounded, cited AI overview from the same retrieval."""

from rag.assistant import Assistant
from rag.chat.conversation import Conversation, Reply
from rag.errors import (BadQuery, BadSetting, CorpusError, GenerationError, IndexCorrupt, IndexMismatch,
                     IndexNotFound, MissingDependency, ModelNotFound, RagError)
from rag.schema import (Chunk, Document, Evidence, FinalEvent, Link, LinksEvent, Overview, SearchPage, Sentence,
                     Source, Timings, TokenEvent)
from rag.settings import Settings

__all__ = [
    "Assistant", "Settings", "Conversation", "Reply",
    "Document", "Chunk", "Link", "Evidence", "Source", "Sentence", "Timings", "SearchPage", "Overview",
    "LinksEvent", "TokenEvent", "FinalEvent",
    "RagError", "BadQuery", "BadSetting", "IndexNotFound", "IndexCorrupt", "IndexMismatch", "CorpusError",
    "ModelNotFound", "GenerationError", "MissingDependency",
]
