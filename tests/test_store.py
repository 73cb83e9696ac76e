"""The index store interface: one contract run against the local folder and PostgreSQL, then what only the
shared store promises (atomic swap while reading, resuming a killed build, surviving a database restart)."""

import numpy as np
import pytest

from rag.store import pgserver as pg
from rag.store import pgbuild
from rag.assistant import Assistant
from rag.errors import IndexMismatch, IndexNotFound, StoreUnavailable
from rag.text import bm25_tokens
from rag.settings import Settings
from rag.store import LoadedIndex, LocalStore, open_store
from rag.ingest.chunking import index_text
from rag.answer.abstain import unknown_subject
from rag.chat.entities import kind_of
from rag.chat.choose import _fit
from rag.chat.entities import Entity

from corpus import QUERIES, documents
from pgfixtures import start_server

pytestmark = pytest.mark.slow  # starts PostgreSQL and embeds with the real MiniLM


@pytest.fixture(params=["local", "postgresql"])
def store_settings(request, tmp_path, embedder) -> Settings:
    """Settings for an empty store of each kind, the tiny corpus built into it as 'tiny'."""
    settings = Settings(index_dir=tmp_path / "indexes", data_dir=tmp_path / "data", index="tiny", generate=False)
    if request.param == "postgresql":
        settings = settings.replace(pg_url=request.getfixturevalue("fresh_schema"))
    open_store(settings).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    return settings


def test_contract_build_list_manifest_load(store_settings, embedder):
    store = open_store(store_settings)
    assert isinstance(store, LocalStore) == (not store_settings.pg_url)
    assert store.list() == ["tiny"]
    manifest = store.manifest("tiny")
    assert (manifest["documents"], manifest["chunks"], manifest["corpus"]) == (7, 7, "test:tiny")
    index = store.load("tiny", embedder.name)
    assert len(index.documents) == 7 and len(index.chunks) == 7
    assert index.title_of(index.chunks[0]) == documents()[0].title
    assert isinstance(index, LoadedIndex)


def test_contract_what_readers_ask_of_a_loaded_index(store_settings, embedder):
    """The vocabulary, per-document BM25, stored vectors and chunks of a document: the same on both stores."""
    index = open_store(store_settings).load("tiny", embedder.name)
    first = documents()[0]
    assert index.chunk_ids_of(first.id) == [0] and index.chunk_ids_of("no-such-doc") == []
    vectors = index.vectors([2, 0])
    assert vectors.shape == (2, embedder.dimension)
    assert np.allclose(vectors[1], embedder.encode([index_text(index.chunks[0], first.title)])[0], atol=1e-4)
    word = bm25_tokens([first.title], index.analyzer)[0][0]
    assert index.knows(word) and not index.knows("zzyzxqq")
    # the share of chunks holding a term: the title word in its own chunk (and maybe others), the unknown in none
    assert 1 / 7 <= index.share(word) <= 1 and index.share("zzyzxqq") == 0.0
    best = index.best_lexical(bm25_tokens([first.title], index.analyzer)[0], [d.id for d in documents()[:3]])
    assert max(best, key=best.get) == first.id and best[first.id] > 0
    assert index.memo("k", lambda: [1]) is index.memo("k", lambda: [2])
    assert index.document_text(first.id) == first.text


def test_contract_unknown_subject_and_follow_up_fit_work_on_both_stores(store_settings, embedder):
    """What used to be probed with getattr (and silently off on PostgreSQL): the vocabulary check behind the
    unknown-subject abstention, and the BM25 fit that ranks a follow-up's candidates."""
    assistant = Assistant(store_settings, embedder=embedder)
    index = assistant.loaded_index("tiny")
    page = assistant.search("What is the capital of Wakanda?")
    passages, _, _ = assistant.reading(page, index)
    assert unknown_subject("What is the capital of Wakanda?", index, passages)
    assert not unknown_subject("Who painted the Mona Lisa?", index, passages)
    entities = [Entity("Leonardo da Vinci", "answer", ("t:1",)), Entity("Mount Everest", "link", ("t:4",))]
    assert _fit(entities, index, "When was born painter") == [1.0, 0.0]
    assert [kind_of(e, index) for e in entities] == ["person", "place"]


def test_contract_exact_links_for_the_test_questions(store_settings, embedder):
    assistant = Assistant(store_settings, embedder=embedder)
    for question, top in QUERIES.items():
        assert assistant.search(question).links[0].doc_id == top, question


def test_contract_manifest_checked_on_load(store_settings, embedder):
    other = store_settings.replace(chunk_size=500)
    with pytest.raises(IndexMismatch, match="chunk_size: index has 1000, settings say 500"):
        open_store(other).load("tiny", embedder.name)
    with pytest.raises(IndexNotFound, match="rag .*index build"):
        open_store(store_settings).load("nothere", embedder.name)


def test_same_links_scores_and_overview_on_both_stores(tmp_path, fresh_schema, embedder):
    """Store parity: the tiny corpus gives the same ten links (ids, order, snippets) from both stores."""
    local = Settings(index_dir=tmp_path / "indexes", index="tiny", generate=False)
    shared = local.replace(pg_url=fresh_schema)
    for s in (local, shared):
        open_store(s).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    a, b = Assistant(local, embedder=embedder), Assistant(shared, embedder=embedder)
    questions = list(QUERIES) + ["eiffel tower paris iron", "a question about nothing in particular"]
    for q in questions:
        left, right = a.search(q).links, b.search(q).links
        assert [(l.doc_id, l.snippet) for l in left] == [(l.doc_id, l.snippet) for l in right], q
        assert [l.score for l in left] == pytest.approx([l.score for l in right], abs=1e-4), q
    assert a.answer(questions[0]).text == b.answer(questions[0]).text


def test_bm25_in_sql_scores_as_bm25s_does(tmp_path, fresh_schema, embedder):
    local = Settings(index_dir=tmp_path / "indexes")
    shared = local.replace(pg_url=fresh_schema)
    for s in (local, shared):
        open_store(s).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    li, pi = open_store(local).load("tiny"), open_store(shared).load("tiny")
    query = "the tower tower built in paris by gustave eiffel"  # a repeated term counts twice in bm25s
    expected = li.bm25.get_scores(bm25_tokens([query], li.analyzer)[0])
    got = {h.chunk.id: h.score for h in pi.retrievers(embedder)[0].retrieve(query, 10)}
    assert got and got == {i: pytest.approx(float(expected[i]), rel=1e-5) for i in np.flatnonzero(expected)}


class FailingAfter:
    """The real embedder, failing on its n-th batch (what a kill does to a build, minus the process)."""

    def __init__(self, embedder, n: int, check=None):
        self.embedder, self.n, self.calls, self.check = embedder, n, 0, check
        self.name, self.dimension = embedder.name, embedder.dimension
        self.backend, self.precision = embedder.backend, embedder.precision

    def encode(self, texts, **kwargs):
        self.calls += 1
        if self.check:
            self.check()
        if self.calls == self.n:
            raise KeyboardInterrupt("killed")
        return self.embedder.encode(texts, **kwargs)


def test_swap_is_atomic_and_a_killed_build_resumes(fresh_schema, embedder, monkeypatch):
    monkeypatch.setattr(pgbuild, "BATCH", 2)  # the 7 chunks in four batches
    settings = Settings(pg_url=fresh_schema, index="tiny", generate=False)
    store = open_store(settings)
    docs = documents()
    store.build(docs[:3], "tiny", "v1", embedder, progress=False)
    seen = []

    def reader():  # runs at every batch of the next build: readers still get the whole first build
        index = store.load("tiny", embedder.name)
        seen.append((index.manifest["corpus"], len(index.documents)))

    with pytest.raises(KeyboardInterrupt):
        store.build(docs, "tiny", "v2", FailingAfter(embedder, 3, reader), progress=False)
    assert seen == [("v1", 3)] * 3
    assert Assistant(settings, embedder=embedder).search("who painted the mona lisa").links[0].doc_id == "t:0"

    manifest = store.build(docs, "tiny", "v2", FailingAfter(embedder, 0, reader), progress=False)
    assert manifest["resumed_at_chunk"] == 4  # two whole batches were kept; the third rolled back
    assert seen[-1] == ("v1", 3)  # still the old build until the swap
    assert (store.manifest("tiny")["corpus"], len(store.load("tiny").documents)) == ("v2", 7)
    fresh = Settings(pg_url=fresh_schema, generate=False)
    open_store(fresh).build(docs, "whole", "v2", embedder, progress=False)
    for q in QUERIES:
        assert [l.doc_id for l in Assistant(settings, embedder=embedder).search(q, index="tiny").links] == \
               [l.doc_id for l in Assistant(fresh, embedder=embedder).search(q, index="whole").links]


def test_old_builds_are_dropped_after_two_swaps(fresh_schema, embedder):
    import psycopg

    store = open_store(Settings(pg_url=fresh_schema))
    for corpus in ("a", "b", "c"):
        store.build(documents()[:2], "tiny", corpus, embedder, progress=False)
    with psycopg.connect(fresh_schema) as conn:
        builds = conn.execute("SELECT count(*) FROM rag_builds").fetchone()[0]
        schemas = conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'rag\\_%'").fetchone()[0]
    assert (builds, schemas) == (2, 2)  # the current build and the one before it, for replicas that loaded it


def test_a_replica_survives_a_database_restart(tmp_path, embedder):
    directory = tmp_path / "db"
    url = start_server(directory)
    try:
        settings = Settings(pg_url=url, index="tiny", generate=False)
        open_store(settings).build(documents(), "tiny", "test:tiny", embedder, progress=False)
        assistant = Assistant(settings, embedder=embedder)
        before = [l.doc_id for l in assistant.search("Who painted the Mona Lisa?").links]
        pg.down(directory)
        with pytest.raises(StoreUnavailable, match="not reachable.*this request failed; try again") as err:
            assistant.search("How tall is the Millau Viaduct?")
        assert "\n" not in str(err.value)
        pg.up(directory)
        assert [l.doc_id for l in assistant.search("Who painted the Mona Lisa?").links] == before
    finally:
        pg.close_pools()
        pg.down(directory)


def test_a_local_index_pushed_to_postgres_gives_the_same_links(tmp_path, fresh_schema, embedder, capsys):
    from rag.cli import main

    local = Settings(index_dir=tmp_path / "indexes", index="tiny", generate=False)
    open_store(local).build(documents(), "tiny", "test:tiny", embedder, progress=False)
    assert main(["--index-dir", str(tmp_path / "indexes"), "--pg-url", fresh_schema, "index", "push", "tiny"]) == 0
    assert "pushed 'tiny': 7 documents, 7 chunks" in capsys.readouterr().out
    shared = local.replace(pg_url=fresh_schema)
    assert open_store(shared).manifest("tiny")["copied_from"]["path"].endswith("tiny")
    a, b = Assistant(local, embedder=embedder), Assistant(shared, embedder=embedder)
    for q in QUERIES:
        assert [(l.doc_id, l.score) for l in a.search(q).links] == \
               [(l.doc_id, pytest.approx(l.score, abs=1e-4)) for l in b.search(q).links]
    assert main(["--index-dir", str(tmp_path / "indexes"), "index", "push", "tiny"]) == 2  # no database named
