"""Opening a snapshot file safely.

A snapshot is a SQLite file written by `python -m kb_snapshots build`. It is opened
read-only (and immutable, so no journal or lock files are created next to it). A file
that is not SQLite, is truncated, comes from another program or from a newer schema
raises `SnapshotError` with a sentence saying which.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

FORMAT = "helpdesk-assistant-snapshot"
SCHEMA_VERSION = 2
REQUIRED_TABLES = {"meta", "entries", "groups", "docs", "vocabulary", "language_words", "synonyms"}


class SnapshotError(Exception):
    """The snapshot cannot be used; the message says why, naming the file."""


@dataclass(frozen=True)
class SnapshotInfo:
    path: Path
    name: str
    version: int
    content_hash: str
    schema_version: int
    languages: list[str]
    default_lang: str
    teams: dict[str, str]
    model: str
    built_at: str
    variables: dict[str, str] = field(default_factory=dict)   # kb.yaml defaults, e.g. the portal


def connect(path: str | Path) -> tuple[sqlite3.Connection, SnapshotInfo]:
    """Open `path` read-only and check it is a snapshot this app understands."""
    path = Path(path)
    if not path.exists():
        raise SnapshotError(f"{path}: no such snapshot file")
    if path.is_dir():
        raise SnapshotError(f"{path}: is a folder, not a snapshot file")
    try:
        with path.open("rb") as handle:
            header = handle.read(16)
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.strerror})") from None
    if header != b"SQLite format 3\x00":
        raise SnapshotError(f"{path}: not a knowledge-base snapshot (not an SQLite file)")
    uri = f"file:{quote(str(path.resolve()))}?mode=ro&immutable=1"
    try:
        db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            raise SnapshotError(f"{path}: an SQLite file, but not a knowledge-base snapshot (no meta table)")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("format") != FORMAT:
            raise SnapshotError(f"{path}: an SQLite file, but not a knowledge-base snapshot")
        schema = int(meta.get("schema_version", "0"))
        if schema > SCHEMA_VERSION:
            raise SnapshotError(f"{path}: built for a newer app (snapshot schema {schema}, "
                                f"this app reads {SCHEMA_VERSION}); update the app")
        if schema < SCHEMA_VERSION:
            raise SnapshotError(f"{path}: snapshot schema {schema} is too old; rebuild it")
        missing = REQUIRED_TABLES - tables
        if missing:
            raise SnapshotError(f"{path}: damaged snapshot (missing {', '.join(sorted(missing))})")
        info = SnapshotInfo(
            path=path, name=meta.get("kb_name", "Knowledge base"), version=int(meta.get("kb_version", "0")),
            content_hash=meta.get("content_hash", ""), schema_version=schema,
            languages=json.loads(meta.get("languages", '["en"]')), default_lang=meta.get("default_lang", "en"),
            teams=json.loads(meta.get("teams", "{}")), model=meta.get("model", ""),
            built_at=meta.get("built_at", ""), variables=json.loads(meta.get("variables", "{}")),
        )
    except sqlite3.DatabaseError as exc:
        raise SnapshotError(f"{path}: damaged snapshot ({exc})") from None
    except (ValueError, json.JSONDecodeError) as exc:
        raise SnapshotError(f"{path}: damaged snapshot metadata ({exc})") from None
    return db, info
