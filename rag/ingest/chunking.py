"""Split documents into passages with LangChain's recursive character splitter."""

from __future__ import annotations

from collections.abc import Iterable

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.schema import Chunk, Document


def chunk_documents(docs: Iterable[Document], size: int, overlap: int) -> list[Chunk]:
    splitter = RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap, add_start_index=True)
    chunks: list[Chunk] = []
    for doc in docs:
        for piece in splitter.create_documents([doc.text]):
            chunks.append(Chunk(id=len(chunks), doc_id=doc.id, text=piece.page_content,
                                start=int(piece.metadata.get("start_index", 0))))
    return chunks


def index_text(chunk: Chunk, title: str) -> str:
    """What gets embedded and BM25-indexed: the title carries much of a summary's topic."""
    return f"{title}\n{chunk.text}"
