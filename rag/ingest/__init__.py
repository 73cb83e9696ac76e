"""Ingest: corpora in (vital, SQuAD/KorQuAD/HotpotQA, a folder of files), Documents and Chunks out.

    sources.load_corpus(spec)          -> [Document]   the corpus named by a spec ("vital", "dir:PATH", ...)
    chunking.chunk_documents(docs,...) -> [Chunk]      LangChain's recursive splitter, offsets kept
"""
