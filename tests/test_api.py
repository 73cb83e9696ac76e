import rag
from rag import Settings


def test_public_surface_is_pinned():
    assert sorted(rag.__all__) == sorted([
        "Assistant", "Settings", "Conversation", "Reply",
        "Document", "Chunk", "Link", "Evidence", "Source", "Sentence", "Timings",
        "SearchPage", "Overview", "LinksEvent", "TokenEvent", "FinalEvent", "RagError", "BadQuery", "BadSetting",
        "IndexNotFound", "IndexCorrupt", "IndexMismatch", "CorpusError", "ModelNotFound", "GenerationError",
        "MissingDependency",
    ])


def test_settings_environment_overrides():
    s = Settings.from_env({"RAG_LINKS": "5", "RAG_INDEX": "squad", "RAG_GENERATE": "false",
                           "RAG_ABSTAIN_BELOW": "0.5", "RAG_INDEX_DIR": "/tmp/x"}, model="m.gguf", llm_url=None)
    assert (s.links, s.index, s.generate, s.abstain_below, str(s.index_dir), s.model) == \
        (5, "squad", False, 0.5, "/tmp/x", "m.gguf")
    assert s.llm_url == ""


def test_bad_setting_value_is_a_clear_error():
    import pytest

    with pytest.raises(rag.RagError, match="RAG_LINKS='ten' is not a valid int"):
        Settings.from_env({"RAG_LINKS": "ten"})


def test_default_assistant_is_cheap_to_construct():
    a = rag.Assistant.default()
    assert a.embedder._model is None  # nothing loaded until warm_up() or first use
