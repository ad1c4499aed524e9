"""Rebuilding after a small change embeds only what changed, and gives the same snapshot."""
from __future__ import annotations

import hashlib
import re
import sqlite3

import numpy as np

from kb_snapshots.build import build
from kb_snapshots.vector_cache import CachingEmbedder, VectorCache
from tests.kb_snapshots.kbfactory import article

KB = {f"articles/en/a{n}.md": article(f"Step {n}: open the tool.", id=f"topic-{n}", title=f"Topic number {n}",
                                      lang="en", questions=[f"how do I fix thing {n}?", f"thing {n} is broken"])
      for n in range(6)}


class CountingEmbedder:
    """Deterministic vectors from the text; counts what it was asked to embed."""
    identity, dim = "counting-v1", 384

    def __init__(self) -> None:
        self.texts: list[str] = []

    def embed(self, texts, passages=False):
        self.texts += texts
        rows = [np.random.default_rng(int(hashlib.sha256(f"{passages}{t}".encode()).hexdigest()[:8], 16))
                .standard_normal(self.dim) for t in texts]
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def vectors_of(snapshot) -> list[tuple]:
    with sqlite3.connect(snapshot) as db:
        return db.execute("SELECT original_id, vectors, passages FROM groups ORDER BY original_id").fetchall()


def test_a_rebuild_reuses_every_vector_and_writes_the_same_vectors(make_kb, tmp_path):
    src, cache = make_kb(KB), VectorCache(tmp_path / "cache" / "vectors.sqlite")
    plain = CountingEmbedder()
    build(src, tmp_path / "plain.sqlite", version=1, embedder=plain)
    first = CachingEmbedder(CountingEmbedder(), cache)
    build(src, tmp_path / "first.sqlite", version=1, embedder=first)
    again = CachingEmbedder(CountingEmbedder(), cache)
    build(src, tmp_path / "again.sqlite", version=1, embedder=again)
    assert first.computed == len(plain.texts) and again.computed == 0 and again.reused == len(plain.texts)
    assert vectors_of(tmp_path / "again.sqlite") == vectors_of(tmp_path / "plain.sqlite")


def test_after_one_edit_only_the_edited_texts_are_embedded(make_kb, tmp_path):
    cache = VectorCache(tmp_path / "vectors.sqlite")
    build(make_kb(KB), tmp_path / "v1.sqlite", version=1, embedder=CachingEmbedder(CountingEmbedder(), cache))
    edited = dict(KB)
    edited["articles/en/a3.md"] = article("Step 3: restart the tool first.", id="topic-3", title="Topic number 3",
                                          lang="en", questions=["how do I fix thing 3?", "thing three fails"])
    inner = CountingEmbedder()
    rebuilt = CachingEmbedder(inner, cache)
    build(make_kb(edited), tmp_path / "v2.sqlite", version=2, embedder=rebuilt)
    assert "thing three fails" in inner.texts and "Topic number 3\nStep 3: restart the tool first." in inner.texts
    assert rebuilt.computed == 2 and rebuilt.reused > 10 * rebuilt.computed - 10


def test_another_model_never_reuses_these_vectors(make_kb, tmp_path):
    cache = VectorCache(tmp_path / "vectors.sqlite")
    build(make_kb(KB), tmp_path / "a.sqlite", version=1, embedder=CachingEmbedder(CountingEmbedder(), cache))
    other = CountingEmbedder()
    other.identity = "counting-v2"
    switched = CachingEmbedder(other, cache)
    build(make_kb(KB), tmp_path / "b.sqlite", version=1, embedder=switched)
    assert switched.reused == 0 and switched.computed == len(other.texts)


def test_a_damaged_cache_is_set_aside_and_the_build_still_works(make_kb, tmp_path):
    path = tmp_path / "vectors.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    embedder = CachingEmbedder(CountingEmbedder(), VectorCache(path))
    build(make_kb(KB), tmp_path / "kb.sqlite", version=1, embedder=embedder)
    assert embedder.computed > 0 and (tmp_path / "vectors.sqlite.damaged").exists()
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vector = x'00'")            # wrong sizes are not believed
    again = CachingEmbedder(CountingEmbedder(), VectorCache(path))
    build(make_kb(KB), tmp_path / "kb2.sqlite", version=1, embedder=again)
    assert again.reused == 0


def test_the_real_model_gives_the_same_vector_alone_or_in_a_batch():
    """Reuse is exact only if a text's vector does not depend on what it was embedded with."""
    from desktop.engine.embedder import Embedder

    model = Embedder()
    texts = ["how do I connect to the VPN?", "imprimante bloquée", "Topic number 3"]
    batch = model.embed(texts, passages=True)
    alone = np.vstack([model.embed([t], passages=True) for t in texts])
    assert np.allclose(batch, alone, atol=1e-5)


def test_the_build_command_says_how_many_texts_it_reused(make_kb, tmp_path, monkeypatch):
    from tests.kb_snapshots.conftest import run_cli

    src, env_cache = make_kb(KB), tmp_path / "cli-cache.sqlite"
    monkeypatch.setenv("HELPDESK_VECTOR_CACHE", str(env_cache))
    first = run_cli("build", str(src), "--output", str(tmp_path / "1.sqlite"))
    second = run_cli("build", str(src), "--output", str(tmp_path / "2.sqlite"))
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert " 0 reused" in first.stdout and "0 texts embedded" in second.stdout, second.stdout
    assert re.search(r"\b(\d+)/\1 texts embedded", first.stderr), first.stderr


def test_a_big_build_says_how_far_it_got_and_how_long_is_left(make_kb, tmp_path):
    big = {f"articles/en/b{n}.md": article(f"Step {n}: open the tool.", id=f"big-{n}", title=f"Big topic {n}",
                                           lang="en", questions=[f"question {n} {k}" for k in range(4)])
           for n in range(60)}
    messages: list[str] = []
    build(make_kb(big), tmp_path / "big.sqlite", version=1, embedder=CountingEmbedder(), progress=messages.append)
    total = 60 * 5 + 60      # per article: its title and four questions; and its passage
    assert messages[0].startswith(f"256/{total} texts embedded, about ") and messages[0].endswith(" s left")
    assert f"{total}/{total} texts embedded" in messages


def test_several_threads_give_exactly_the_vectors_of_one():
    """The builder embeds on every core; the snapshot must not depend on how many there are."""
    from desktop.engine.embedder import Embedder

    texts = [f"my {thing} stopped working after the update {n}" for n in range(12)
             for thing in ("printer", "VPN", "laptop")]
    assert np.array_equal(Embedder(workers=3).embed(texts), Embedder(workers=1).embed(texts))
