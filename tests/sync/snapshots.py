"""Snapshot-like SQLite files for sync tests: the engine's format marker, schema
version and required tables (empty), plus articles and an FTS5 index, built
deterministically from a seed so two versions differ only where a test changes them.
Building real snapshots takes minutes (embeddings); sync treats them as bytes."""
from __future__ import annotations

import random
import sqlite3
from pathlib import Path

WORDS = ("printer vpn password reset outlook teams wifi laptop screen keyboard badge access "
         "share drive backup update install license account locked token phone mail calendar "
         "meeting room projector docking station monitor sound camera microphone browser").split()


def article_text(index: int, words: int = 220, salt: str = "") -> str:
    rng = random.Random(f"{index}{salt}")
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_snapshot(path: Path, articles: int = 300, changed: dict[int, str] | None = None,
                  kb_version: str = "1", schema_version: int | None = None) -> Path:
    """Write a snapshot with `articles` articles; `changed` replaces some bodies."""
    from desktop.engine.snapshot import SCHEMA_VERSION

    changed = changed or {}
    schema_version = SCHEMA_VERSION if schema_version is None else schema_version
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE articles (id TEXT PRIMARY KEY, title TEXT, body TEXT);
        CREATE VIRTUAL TABLE articles_fts USING fts5(title, body);
    """)
    from desktop.engine.snapshot import FORMAT, REQUIRED_TABLES

    for table in sorted(REQUIRED_TABLES - {"meta"}):
        db.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY)")
    db.executemany("INSERT INTO meta VALUES (?, ?)",
                   [("format", FORMAT), ("schema_version", str(schema_version)), ("kb_version", kb_version),
                    ("name", "acme-it")])
    for i in range(articles):
        body = changed.get(i, article_text(i))
        db.execute("INSERT INTO articles VALUES (?, ?, ?)", (f"a{i:05d}", f"Article {i}", body))
        db.execute("INSERT INTO articles_fts VALUES (?, ?)", (f"Article {i}", body))
    db.commit()
    db.execute("VACUUM")
    db.close()
    return path
