"""The in-memory search index of a snapshot: what `KnowledgeBase.ask` searches.

Assembled once from the snapshot's per-group rows: example and passage vectors
(float16 on disk, float32 in memory), the BM25 index, the vocabulary and synonyms for
query analysis, the per-language word counts for language guessing, and which entry
of each translation group is in which language.
"""
from __future__ import annotations

import ctypes
import sys

import numpy as np

from desktop.engine.decision import Calibration, Head
from desktop.engine.embedder import Embedder
from desktop.engine.language import LanguageGuesser
from desktop.engine.lexical import LexicalIndex, QueryAnalyser


def release_free_memory() -> None:
    """Hand the heap's free pages back to the system (glibc). Building the index reads
    every group's rows at once; once they are parsed the space is free but would stay
    counted in the app's resident size (about 5 MB on the sample KB)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):     # not glibc (musl): nothing to do
        pass


def _starts(counts: list[int]) -> np.ndarray:
    """Start offset of each group's rows in a concatenated matrix."""
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64) if counts else np.zeros(0, np.int64)


def _matrix(blobs: list[bytes], dim: int) -> np.ndarray:
    return np.frombuffer(b"".join(blobs), dtype=np.float16).reshape(-1, dim).astype(np.float32)


class SearchIndex:
    """What `ask` needs in memory, built once from the snapshot."""

    def __init__(self, db, embedder: Embedder, model: str):
        rows = db.execute("SELECT grp, original_id, vectors, doc_count, passages, passage_count, "
                          "term_hashes, term_weights FROM groups ORDER BY grp").fetchall()
        self.group_ids = [row[1] for row in rows]
        self.starts = _starts([row[3] for row in rows])
        self.doc_groups = np.repeat(np.arange(len(rows), dtype=np.int64), [row[3] for row in rows])
        self.passage_starts = _starts([row[5] for row in rows])
        self.semantic = model == embedder.identity and bool(rows)
        if self.semantic:
            self.vectors = _matrix([row[2] for row in rows], embedder.dim)
            self.passages = _matrix([row[4] for row in rows], embedder.dim)
        self.lexical = LexicalIndex([(row[6], row[7]) for row in rows])
        vocabulary = dict(db.execute("SELECT word, frequency FROM vocabulary"))
        synonyms: dict[str, dict[str, str]] = {}
        for lang, phrase, canonical in db.execute("SELECT lang, phrase, canonical FROM synonyms"):
            synonyms.setdefault(lang, {})[phrase] = canonical
        self.analyser = QueryAnalyser(vocabulary, synonyms)
        counts: dict[str, dict[str, int]] = {}
        for lang, word, frequency in db.execute("SELECT lang, word, frequency FROM language_words"):
            counts.setdefault(lang, {})[word] = frequency
        self.languages = LanguageGuesser(counts)
        self.members: dict[int, dict[str, str]] = {}
        for entry_id, lang, grp in db.execute("SELECT id, lang, grp FROM entries"):
            self.members.setdefault(grp, {})[lang] = entry_id
        self.head, self.calibration = _head(db, len(rows), embedder.dim) if self.semantic else (None, None)


def _head(db, n_groups: int, dim: int) -> tuple[Head | None, Calibration | None]:
    """The classifier and calibration the builder learned; (None, None) in a snapshot made
    before builders learned them. A malformed one raises ValueError (a damaged snapshot)."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    meta = db.execute("SELECT value FROM meta WHERE key = 'calibration'").fetchone()
    if "head" not in tables or not meta:
        return None, None
    calibration = Calibration.from_json(meta[0])
    rows = db.execute("SELECT grp, weights, bias, centroid FROM head ORDER BY grp").fetchall()
    if [row[0] for row in rows] != list(range(n_groups)):
        raise ValueError("the classifier does not cover every topic")
    weights = _matrix([row[1] for row in rows], dim).T.copy() if rows else np.zeros((dim, 0), np.float32)
    centroids = _matrix([row[3] for row in rows], dim)
    bias = np.array([float(row[2]) for row in rows], dtype=np.float32)
    if not np.isfinite(weights).all() or not np.isfinite(bias).all() or not np.isfinite(centroids).all():
        raise ValueError("the classifier holds numbers that are not finite")
    return Head(weights, bias, centroids), calibration
