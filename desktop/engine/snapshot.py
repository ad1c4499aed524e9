"""Opening a snapshot file safely.

A snapshot is a SQLite file written by `python -m kb_snapshots build`. It is opened
read-only (and immutable, so no journal or lock files are created next to it). A file
that is not SQLite, is truncated, comes from another program or from a newer schema,
or whose metadata is not of the expected types, raises `SnapshotError` with a sentence
saying which. (Pages damaged further in are found by `KnowledgeBase` before its first
answer.)
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
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
            path=path, name=_text(meta, "kb_name", "Knowledge base"), version=int(meta.get("kb_version", "0")),
            content_hash=_text(meta, "content_hash"), schema_version=schema,
            languages=_json(meta, "languages", '["en"]', list), default_lang=_text(meta, "default_lang", "en"),
            teams=_json(meta, "teams", "{}", dict), model=_text(meta, "model"),
            built_at=_text(meta, "built_at"), variables=_json(meta, "variables", "{}", dict),
        )
        if not info.languages or not all(isinstance(lang, str) for lang in info.languages):
            raise ValueError("languages is not a list of language codes")
        if not all(isinstance(v, str) for v in [*info.teams, *info.teams.values(),
                                                *info.variables, *info.variables.values()]):
            raise ValueError("teams and variables must map text to text")
    except sqlite3.DatabaseError as exc:
        raise SnapshotError(f"{path}: damaged snapshot ({exc})") from None
    except (ValueError, TypeError, RecursionError) as exc:
        raise SnapshotError(f"{path}: damaged snapshot metadata ({exc})") from None
    return db, info


def _text(meta: dict, key: str, default: str = "") -> str:
    value = meta.get(key, default)
    if not isinstance(value, str):
        raise ValueError(f"{key} is not text")
    return value


def _json(meta: dict, key: str, default: str, kind: type) -> Any:
    """A JSON value of the metadata, of `kind` (list or dict), else ValueError."""
    value = json.loads(_text(meta, key, default))
    if not isinstance(value, kind):
        raise ValueError(f"{key} is not a JSON {kind.__name__}")
    return value
