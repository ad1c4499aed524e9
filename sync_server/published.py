"""The ids statistics may name: entries and teams of the snapshots this server published.

    record_published(db, store)          # after a publish, and at start-up for older ones
    known_ids(tx, "entry", {"printer-jam", "=HYPERLINK(…)"})   # -> {"printer-jam"}

A counter key (article, tree or team id) from a device is kept only if it is one of
these, so nobody can put text of their choosing in "Top articles". Each published
snapshot is rebuilt from its stored chunks once, opened in memory as SQLite, and its
`entries.id`, `entries.team` and the teams in `meta` are recorded; ids of earlier
versions stay valid (installs update at their own pace). Each entry's title, kind,
language and translation group are kept too (`published_entries`, the newest version's),
so the dashboard counts a translated article once and shows its title.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
from datetime import datetime, timezone
from typing import Iterable

from desktop.sync import chunking
from desktop.sync import manifest as mf
from sync_server.db import Database
from sync_server.storage import ChunkStore

log = logging.getLogger("sync_server.published")
ENTRY, TEAM = "entry", "team"
MAX_ID = 64                      # the longest counter key a batch may carry
MAX_TITLE = 200
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def rebuild(store: ChunkStore, envelope: bytes) -> tuple[mf.Manifest, bytes]:
    """The manifest and the snapshot bytes its stored chunks rebuild (checked by sha256)."""
    manifest, _ = mf.parse(envelope)
    index = mf.parse_chunk_index(store.path(manifest.index_sha256, "indexes").read_bytes(), manifest)
    data = b"".join(chunking.decompress(store.path(c.sha256).read_bytes(), c.size) for c in index)
    if hashlib.sha256(data).hexdigest() != manifest.sha256:
        raise mf.BadManifest(f"stored chunks do not rebuild snapshot {manifest.sha256[:12]}…")
    return manifest, data


def snapshot_ids(data: bytes) -> set[tuple[str, str]]:
    """(kind, id) of every entry and team in a snapshot file's bytes."""
    found: set[tuple[str, str]] = set()
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(entries)")}
        for entry_id, team in conn.execute("SELECT id, " + ("team" if "team" in columns else "NULL") + " FROM entries"):
            found.add((ENTRY, str(entry_id)))
            if team:
                found.add((TEAM, str(team)))
        row = conn.execute("SELECT value FROM meta WHERE key = 'teams'").fetchone() if "meta" in _tables(conn) else None
        teams = json.loads(row[0]) if row else {}
        if isinstance(teams, dict):
            found |= {(TEAM, str(team)) for team in teams}
    finally:
        conn.close()
    return {(kind, value) for kind, value in found if value and len(value) <= MAX_ID and not _CONTROLS.search(value)}


def snapshot_entries(data: bytes) -> list[tuple[str, str, str, str, str]]:
    """(id, group, kind, lang, title) of every entry in a snapshot file's bytes; the group
    is the original's id (a translation's `translation_of`)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        columns = {row[1] for row in conn.execute("PRAGMA table_info(entries)")}
        if not {"id", "kind", "lang", "title"} <= columns:
            return []
        group = "translation_of" if "translation_of" in columns else "NULL"
        rows = conn.execute(f"SELECT id, {group}, kind, lang, title FROM entries").fetchall()
    finally:
        conn.close()
    found = []
    for entry_id, original, kind, lang, title in rows:
        entry_id, original = str(entry_id), str(original or entry_id)
        if not entry_id or len(entry_id) > MAX_ID or _CONTROLS.search(entry_id) or len(original) > MAX_ID:
            continue
        title = " ".join(_CONTROLS.sub(" ", str(title or entry_id)).split())[:MAX_TITLE]
        found.append((entry_id, original, "tree" if kind == "tree" else "article", str(lang)[:8], title))
    return found


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def record_published(db: Database, store: ChunkStore) -> int:
    """Read the ids of every published snapshot not read yet; returns how many snapshots."""
    with db.transaction(write=False) as tx:
        pending = tx.all("SELECT m.sha256, MAX(m.version) FROM manifests m WHERE NOT EXISTS "
                         "(SELECT 1 FROM published_scanned s WHERE s.sha256 = m.sha256) GROUP BY m.sha256")
    done = 0
    for sha, _ in sorted(pending, key=lambda row: row[1]):
        with db.transaction(write=False) as tx:
            row = tx.one("SELECT envelope FROM manifests WHERE sha256 = ? LIMIT 1", (sha,))
        entries: list[tuple] = []
        version = 0
        try:
            manifest, data = rebuild(store, bytes(row[0]))
            ids, entries, version = snapshot_ids(data), snapshot_entries(data), manifest.version
        except FileNotFoundError:
            log.warning("snapshot %s: chunks not in storage; its ids are not known yet", sha[:12])
            continue
        except (sqlite3.Error, mf.ManifestError, ValueError) as exc:
            log.warning("snapshot %s is not a readable snapshot (%s): statistics will not name its ids", sha[:12], exc)
            ids = set()
        with db.transaction() as tx:
            tx.execute_many("INSERT INTO published_ids (kind, id) VALUES (?, ?) ON CONFLICT (kind, id) DO NOTHING",
                            sorted(ids))
            tx.execute_many("INSERT INTO published_entries (id, grp, kind, lang, title, version) VALUES "
                            "(?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET grp = excluded.grp, kind = "
                            "excluded.kind, lang = excluded.lang, title = excluded.title, version = excluded.version "
                            "WHERE excluded.version >= published_entries.version",
                            [(*entry, version) for entry in sorted(entries)])
            tx.execute("INSERT INTO published_scanned (sha256, ids, scanned_at) VALUES (?, ?, ?) "
                       "ON CONFLICT (sha256) DO NOTHING", (sha, len(ids), datetime.now(timezone.utc).isoformat()))
        done += 1
    return done


def known_ids(tx, kind: str, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that a published snapshot has, as `kind` (ENTRY or TEAM)."""
    wanted = sorted({i for i in ids if i and len(i) <= MAX_ID and not _CONTROLS.search(i)})   # never ids
    found: set[str] = set()
    for start in range(0, len(wanted), 400):
        part = wanted[start:start + 400]
        rows = tx.all(f"SELECT id FROM published_ids WHERE kind = ? AND id IN ({', '.join('?' * len(part))})",
                      (kind, *part))
        found |= {row[0] for row in rows}
    return found
