"""Large generated knowledge bases, for measuring speed at 500 and 20,000 articles.

Articles are recombined from the sample KB's own titles, questions and bodies, so
words, lengths and vocabulary look real. Building 20,000 articles with the real model
would take hours on this machine, so their vectors come from `SpeedOnlyEmbedder`
(deterministic random unit vectors under the real model's identity): the search does
exactly the same arithmetic on them, which is what a speed measurement needs. The
question being asked is always embedded by the real model. Comprehension is measured
on the real sample KB only.
"""
from __future__ import annotations

import hashlib
import random
from pathlib import Path

import numpy as np
import yaml

from desktop.engine import KnowledgeBase
from desktop.engine.embedder import DIM, IDENTITY
from desktop.engine.snapshot import SCHEMA_VERSION
from kb_snapshots.build import build


class SpeedOnlyEmbedder:
    identity = IDENTITY
    dim = DIM

    def embed(self, texts: list[str], passages: bool = False) -> np.ndarray:
        out = np.empty((len(texts), DIM), dtype=np.float32)
        for i, text in enumerate(texts):
            seed = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")
            v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
            out[i] = v / np.linalg.norm(v)
        return out


def generate(sample: KnowledgeBase, articles: int, folder: Path, seed: int = 7) -> Path:
    """Write a KB source folder with `articles` English articles; returns the folder."""
    rng = random.Random(seed)
    entries = [e for e in sample.entries() if e.kind == "article" and e.lang == "en"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kb.yaml").write_text(yaml.safe_dump({
        "name": f"Generated {articles}", "default_lang": "en", "languages": ["en"],
        "teams": {team: team for team in sample.info.teams}}))
    out = folder / "articles"
    out.mkdir(exist_ok=True)
    for n in range(articles):
        base, other = rng.choice(entries), rng.choice(entries)
        questions = rng.sample(base.questions, min(4, len(base.questions)))
        questions += rng.sample(other.questions, min(2, len(other.questions)))
        front = {"id": f"gen-{n:05d}", "title": f"{base.title} ({other.title.split()[0]} {n})",
                 "lang": "en", "team": base.team, "keywords": base.keywords[:5] + other.keywords[:2],
                 "questions": [f"{q} #{n}" for q in questions]}
        body = f"{base.body}\n\n{other.body[:400]}"
        (out / f"gen-{n:05d}.md").write_text(f"---\n{yaml.safe_dump(front, allow_unicode=True)}---\n{body}\n",
                                             encoding="utf-8")
    return folder


def build_generated(sample: KnowledgeBase, articles: int, workdir: Path) -> Path:
    """A snapshot with `articles` generated articles, built once and cached in `workdir`."""
    snapshot = workdir / f"generated-{articles}-schema{SCHEMA_VERSION}.sqlite"
    if not snapshot.exists():
        source = generate(sample, articles, workdir / f"generated-{articles}")
        build(source, snapshot, version=1, embedder=SpeedOnlyEmbedder())
    return snapshot
