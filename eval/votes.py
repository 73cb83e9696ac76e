"""`rag eval --votes PATH`: summarise the evaluator votes the UI collects.

The UI's vote store was not settled when this was written, so this reads the two plain forms a
vote log takes — a SQLite file with a `votes` table, or JSON lines — and counts the value of the
first field named vote / choice / winner / preference, overall and per query when one is given.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

from rag.errors import CorpusError

VOTE_FIELDS = ("vote", "choice", "winner", "preference")


def read_votes(path: Path) -> list[dict]:
    if not path.is_file():
        raise CorpusError(f"votes file {path} does not exist")
    with open(path, "rb") as f:
        is_sqlite = f.read(16).startswith(b"SQLite format 3")
    if is_sqlite:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.row_factory = sqlite3.Row
            try:
                return [dict(row) for row in db.execute("SELECT * FROM votes")]
            except sqlite3.Error as exc:
                raise CorpusError(f"{path} has no readable votes table ({exc})") from None
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise CorpusError(f"{path} line {number} is not JSON — expected JSON lines or a SQLite file") from None
    return rows


def summarise_votes(path: Path) -> str:
    rows = read_votes(Path(path))
    field = next((f for f in VOTE_FIELDS if rows and all(f in r for r in rows)), None)
    if not rows:
        return f"{path}: no votes yet"
    if field is None:
        raise CorpusError(f"{path}: no vote field in the records (looked for {', '.join(VOTE_FIELDS)})")
    counts = Counter(str(r[field]) for r in rows)
    total = sum(counts.values())
    lines = [f"{total} votes in {path}", "", f"| {field} | votes | share |", "|---|---|---|"]
    lines += [f"| {value} | {n} | {n / total:.1%} |" for value, n in counts.most_common()]
    queries = {r.get("query") for r in rows if r.get("query")}
    if queries:
        lines += ["", f"{len(queries)} distinct queries voted on"]
    return "\n".join(lines)
