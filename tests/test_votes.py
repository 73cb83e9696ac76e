import csv
import multiprocessing
import threading

import pytest

from rag.errors import RagError
from rag.settings import Settings
from ui.votes import COLUMNS, FEEDBACK_COLUMNS, Feedback, SqliteVoteStore, Vote, VoteStore, open_votes, wilson
from ui.votes.model import feedback_row, vote_row
from ui.votes.schema import FEEDBACK, POSTGRES, SQLITE, VOTES


def vote(choice="A", a_mode="overview", ov_ok=True, links_ok=False, ms=1000, **kw) -> Vote:
    return Vote(question=kw.pop("question", "Who painted the Mona Lisa?"), a_mode=a_mode, choice=choice,
                overview_correct=ov_ok, links_correct=links_ok, decision_ms=ms, **kw)


@pytest.fixture
def store(tmp_path) -> VoteStore:
    return open_votes(Settings(data_dir=tmp_path / "data"))


def test_database_lives_under_the_data_dir_in_wal_mode(tmp_path, store):
    assert store.path == tmp_path / "data" / "votes.sqlite3"
    assert store.journal_mode() == "wal"
    assert store.where == str(store.path) and store.files == (store.path,)  # for messages; never served
    assert store.exports == tmp_path / "data" / "exports"  # Export CSV's folder, the one the app serves


def test_the_exports_folder_is_its_own_setting(tmp_path):
    store = SqliteVoteStore(tmp_path / "votes.sqlite3", exports=tmp_path / "elsewhere")
    assert store.exports == tmp_path / "elsewhere" and store.path == tmp_path / "votes.sqlite3"


def test_one_row_definition_and_one_schema_for_both_backends():
    assert tuple(VOTES) == COLUMNS[1:] and tuple(vote_row(vote())) == COLUMNS[1:]
    assert tuple(FEEDBACK) == FEEDBACK_COLUMNS[1:]
    assert tuple(feedback_row(Feedback("q", "up"))) == FEEDBACK_COLUMNS[1:]
    for dialect, table in ((SQLITE, "votes"), (POSTGRES, "rag_votes")):
        assert dialect.create("votes").startswith(f"CREATE TABLE IF NOT EXISTS {table} (\n    id ")


def test_the_package_keeps_the_names_the_app_imports():
    import ui.votes

    assert {"Vote", "Feedback", "VoteStore", "wilson", "open_votes"} <= set(ui.votes.__all__)
    assert all(hasattr(ui.votes, name) for name in ui.votes.__all__)
    with pytest.raises(TypeError):
        VoteStore("nowhere", "exports")  # the contract alone stores nothing: a backend supplies the SQL


@pytest.mark.parametrize("a_mode, choice, winner", [
    ("overview", "A", "overview"), ("overview", "B", "links"),
    ("links", "A", "links"), ("links", "B", "overview"),
    ("links", "tie", "tie"), ("overview", "neither", "neither"),
])
def test_blinded_choice_is_decoded_to_the_winning_mode(store, a_mode, choice, winner):
    store.add(vote(choice, a_mode))
    row = store.rows()[0]
    assert (row["a_mode"], row["blind_choice"], row["winner"]) == (a_mode, choice, winner)


def test_bad_choice_is_refused_with_a_message():
    with pytest.raises(RagError, match="A, B, tie or neither"):
        vote("C")


def test_wilson_interval_matches_the_published_formula():
    # Wilson (1927): 7 of 10 at 95% -> 0.3968 .. 0.8922; at 0 of 10 the interval still has width.
    r = wilson(7, 10)
    assert (round(r.low, 4), round(r.high, 4)) == (0.3968, 0.8922)
    zero = wilson(0, 10)
    assert zero.low == pytest.approx(0, abs=1e-12) and round(zero.high, 4) == 0.2775
    assert wilson(0, 0).value is None


def test_summary_counts_rates_and_median(store):
    store.add(vote("A", "overview", ov_ok=True, links_ok=False, ms=2000, evaluator="ann"))  # overview wins
    store.add(vote("A", "links", ov_ok=True, links_ok=True, ms=4000, evaluator="bob"))  # links win
    store.add(vote("B", "links", ov_ok=False, links_ok=True, ms=6000, evaluator="ann"))  # overview wins
    store.add(vote("tie", "overview", ov_ok=True, links_ok=True, ms=10000))
    s = store.summary()
    assert s.votes == 4 and s.evaluators == 3
    assert (s.wins["overview"].k, s.wins["links"].k, s.wins["tie"].k, s.wins["neither"].k) == (2, 1, 1, 0)
    assert s.wins["overview"].value == 0.5
    assert s.wins["overview"].low < 0.5 < s.wins["overview"].high
    assert (s.correct["overview"].k, s.correct["links"].k) == (3, 3)
    assert s.median_decision_s == 5.0


def test_empty_summary(store):
    assert store.summary().votes == 0


def test_votes_survive_reopening(tmp_path, store):
    store.add(vote(comment="clear answer", answers=("Leonardo da Vinci",)))
    again = open_votes(Settings(data_dir=tmp_path / "data"))
    row = again.rows()[0]
    assert row["comment"] == "clear answer" and row["answers"] == '["Leonardo da Vinci"]'


def test_concurrent_writers_lose_nothing(store):
    def write(i):
        for j in range(25):
            store.add(vote(question=f"q{i}-{j}"))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    with multiprocessing.get_context("spawn").Pool(2) as pool:  # other processes, as with two app servers
        pool.starmap(_write_from_process, [(str(store.path), p) for p in range(2)])
    for t in threads:
        t.join()
    questions = [r["question"] for r in store.rows()]
    assert len(questions) == 150 and len(set(questions)) == 150


def _write_from_process(path: str, p: int) -> None:
    s = SqliteVoteStore(path)
    for j in range(25):
        s.add(vote(question=f"p{p}-{j}"))


def test_csv_export_has_every_vote(tmp_path, store):
    store.add(vote("A", "overview", comment='says "Leonardo", quotes, commas'))
    store.add(vote("neither", "links"))
    path = store.export_csv(tmp_path / "out" / "votes.csv")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["winner"] for r in rows] == ["overview", "neither"]
    assert rows[0]["comment"] == 'says "Leonardo", quotes, commas'
    assert set(rows[0]) >= {"question", "a_mode", "blind_choice", "overview_correct", "links_correct", "decision_ms"}


def test_unopenable_database_is_a_clear_error(tmp_path):
    (tmp_path / "votes.sqlite3").mkdir()  # a folder where the file should be
    with pytest.raises(RagError, match="cannot open the votes database .* check RAG_DATA_DIR"):
        SqliteVoteStore(tmp_path / "votes.sqlite3")


def test_an_existing_store_opens_without_create(tmp_path, store):
    store.add(vote())
    assert SqliteVoteStore(store.path, create=False).rows() == store.rows()
    with pytest.raises(RagError, match="no votes database at"):
        SqliteVoteStore(tmp_path / "elsewhere.sqlite3", create=False)
    assert not (tmp_path / "elsewhere.sqlite3").exists()


def test_rates_are_labelled_in_the_order_shown(store):
    assert store.summary().rates() == []
    store.add(vote("B", "overview", ov_ok=True, links_ok=True))
    rates = store.summary().rates()
    assert [label for label, _ in rates] == ["Overview preferred", "Links preferred", "Tie", "Neither helped",
                                             "Overview answered correctly", "Links answered correctly"]
    assert [(r.k, r.n) for _, r in rates] == [(0, 1), (1, 1), (0, 1), (0, 1), (1, 1), (1, 1)]
