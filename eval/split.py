"""Which part of a development set a question belongs to: "fit" (the ranker learns from it) or "heldout".

The split is a hash, not a sample, so it is the same on every machine and for every run: SQuAD and
KorQuAD questions by article (a held-out article's paragraphs are never seen while fitting), every
other format by question id.
"""

from __future__ import annotations

import zlib

PARTS = ("fit", "heldout")


def split_key(q, dataset) -> str:
    if dataset.spec.startswith("squad:") and q.relevant:
        return q.relevant[0].split(":", 1)[1].rsplit(":", 1)[0]  # squad:<article>:<paragraph>
    return q.id


def part(q, dataset) -> str:
    return PARTS[zlib.crc32(split_key(q, dataset).encode("utf-8")) % 2]


def fit_slice(q, dataset) -> str:
    """Within the fit part, a second hash halves the questions (by the same key): "train" (the reader learns
    from them) and "calibrate" (the reader never sees them; its confidence is calibrated there, so the
    calibration is not fooled by the reader's in-sample certainty)."""
    return ("train", "calibrate")[zlib.crc32(f"{split_key(q, dataset)}:slice".encode("utf-8")) % 2]
