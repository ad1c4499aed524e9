"""Vectors from earlier builds, reused: a rebuild embeds only the texts that changed.

    embedder = CachingEmbedder(shared_embedder(), VectorCache(default_cache_path()))
    build(src, output, embedder=embedder)         # embedder.computed / embedder.reused

A vector is kept under the sha256 of the model's identity, the kind (question or
passage) and the exact text, so another model, or any change to a text, misses the
cache and is embedded again; a snapshot never mixes vectors of two models. The cache is
one SQLite file on this machine (about 1.6 KB per text), written by the builder only;
a damaged or foreign file is set aside and the build embeds everything.
"""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import numpy as np


def default_cache_path() -> Path:
    """$HELPDESK_VECTOR_CACHE, else $XDG_CACHE_HOME (or ~/.cache)/helpdesk-assistant/vectors.sqlite."""
    if os.environ.get("HELPDESK_VECTOR_CACHE"):
        return Path(os.environ["HELPDESK_VECTOR_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "helpdesk-assistant" / "vectors.sqlite"


class VectorCache:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    def _open(self) -> sqlite3.Connection | None:
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = self._connect()
            except (OSError, sqlite3.Error):
                try:                                  # damaged or not ours: start a new one
                    self.path.replace(self.path.with_name(self.path.name + ".damaged"))
                    self._db = self._connect()
                except (OSError, sqlite3.Error):
                    return None                       # no cache: the build still works
        return self._db

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        db.execute("SELECT COUNT(*) FROM vectors WHERE key = ''").fetchone()
        return db

    def get(self, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        db = self._open()
        if db is None:
            return {}
        found: dict[str, np.ndarray] = {}
        try:
            for start in range(0, len(keys), 500):
                part = keys[start:start + 500]
                rows = db.execute(f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(part))})",
                                  part).fetchall()
                for key, blob in rows:
                    if isinstance(blob, bytes) and len(blob) == dim * 4:
                        found[key] = np.frombuffer(blob, dtype=np.float32)
        except sqlite3.Error:
            return {}
        return found

    def put(self, items: dict[str, np.ndarray]) -> None:
        db = self._open()
        if db is None or not items:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                               [(key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in items.items()])
        except sqlite3.Error:
            pass                                      # a full disk costs only the reuse next time

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


class CachingEmbedder:
    """An embedder that asks `cache` first and embeds only what it lacks."""

    def __init__(self, inner, cache: VectorCache) -> None:
        self.inner, self.cache = inner, cache
        self.identity, self.dim = inner.identity, inner.dim
        self.computed = self.reused = 0

    def _key(self, text: str, passages: bool) -> str:
        kind = "passage" if passages else "query"
        return hashlib.sha256(f"{self.identity}\0{kind}\0{text}".encode("utf-8")).hexdigest()

    def embed(self, texts: list[str], passages: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        keys = [self._key(text, passages) for text in texts]
        found = self.cache.get(list(dict.fromkeys(keys)), self.dim)
        missing = list(dict.fromkeys(text for text, key in zip(texts, keys) if key not in found))
        if missing:
            fresh = self.inner.embed(missing, passages=passages)
            made = {self._key(text, passages): fresh[i] for i, text in enumerate(missing)}
            self.cache.put(made)
            found.update(made)
        self.computed += len(missing)
        self.reused += len(texts) - len(missing)
        return np.stack([found[key] for key in keys]).astype(np.float32)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)
