"""Drafts and review: an edit is kept as a change until a publisher approves it.

    change_id = propose(db, article, new_text, "marie")          # status "pending"
    approve(db, tree, change_id, reviewer)   # written to the file, or Conflict if it changed since
    reject(db, change_id, reviewer, "the steps are for Windows 10")
    history(db, "printer-jam")               # the approved changes, newest first: each one can be restored

A change remembers the file's sha256 it was written against: two people editing the same
article never overwrite each other; the second is told about the first, and a change
whose file moved on since cannot be approved (its author redoes it on the new text).
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timezone

from sync_server.db import Database
from sync_server.studio.accounts import StudioUser, audit
from sync_server.studio.source import Article, SourceTree

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True)
class Change:
    id: int
    path: str
    entry_id: str
    base_sha256: str
    text: str
    author: str
    created_at: str
    status: str
    reviewer: str
    note: str
    reviewed_at: str | None = None
    before_text: str = ""          # the file's text it replaced (approved changes)


_COLUMNS = "id, path, entry_id, base_sha256, text, author, created_at, status, reviewer, note, reviewed_at, before_text"


def _change(row) -> Change:
    return Change(int(row[0]), *row[1:])


def propose(db: Database, article: Article, text: str, author: StudioUser) -> int:
    with db.transaction() as tx:
        tx.execute("INSERT INTO studio_changes (path, entry_id, base_sha256, text, author, created_at, status) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (article.path, article.id, article.sha256, text, author.name,
                                                    datetime.now(timezone.utc).isoformat(timespec="seconds"), PENDING))
        change_id = tx.one("SELECT MAX(id) FROM studio_changes WHERE author = ? AND entry_id = ?",
                           (author.name, article.id))[0]
    audit(db, author.name, "draft saved", article.id, f"change {change_id}")
    return int(change_id)


def revise(db: Database, change: Change, text: str, author: StudioUser) -> None:
    """Replace the text of the author's own waiting change (a tree edited node by node)."""
    with db.transaction() as tx:
        tx.execute("UPDATE studio_changes SET text = ?, created_at = ? WHERE id = ? AND status = ? AND author = ?",
                   (text, datetime.now(timezone.utc).isoformat(timespec="seconds"), change.id, PENDING, author.name))
    audit(db, author.name, "draft saved", change.entry_id, f"change {change.id}")


def get(db: Database, change_id: int) -> Change | None:
    with db.transaction(write=False) as tx:
        row = tx.one(f"SELECT {_COLUMNS} FROM studio_changes WHERE id = ?", (change_id,))
    return _change(row) if row else None


def pending(db: Database, entry_id: str | None = None) -> list[Change]:
    where, params = ("AND entry_id = ?", (PENDING, entry_id)) if entry_id else ("", (PENDING,))
    with db.transaction(write=False) as tx:
        rows = tx.all(f"SELECT {_COLUMNS} FROM studio_changes WHERE status = ? {where} ORDER BY id", params)
    return [_change(row) for row in rows]


def diff(before: str, after: str, path: str) -> list[str]:
    return list(difflib.unified_diff(before.splitlines(), after.splitlines(), f"{path} (published)",
                                     f"{path} (draft)", lineterm="", n=2))


def history(db: Database, entry_id: str) -> list[Change]:
    with db.transaction(write=False) as tx:
        rows = tx.all(f"SELECT {_COLUMNS} FROM studio_changes WHERE entry_id = ? AND status = ? ORDER BY id DESC",
                      (entry_id, APPROVED))
    return [_change(row) for row in rows]


def approve(db: Database, tree: SourceTree, change: Change, reviewer: StudioUser) -> None:
    """Write the change to its file (Conflict when the file changed since it was written)."""
    before = tree.write(change.path, change.text, base=change.base_sha256)
    _close(db, change, reviewer, APPROVED, "")
    with db.transaction() as tx:
        tx.execute("UPDATE studio_changes SET before_text = ? WHERE id = ?", (before, change.id))
    audit(db, reviewer.name, "approved", change.entry_id, f"change {change.id} by {change.author}")


def reject(db: Database, change: Change, reviewer: StudioUser, reason: str) -> None:
    _close(db, change, reviewer, REJECTED, reason)
    audit(db, reviewer.name, "rejected", change.entry_id, f"change {change.id} by {change.author}: {reason}")


def _close(db: Database, change: Change, reviewer: StudioUser, status: str, note: str) -> None:
    with db.transaction() as tx:
        tx.execute("UPDATE studio_changes SET status = ?, reviewer = ?, reviewed_at = ?, note = ? WHERE id = ? "
                   "AND status = ?", (status, reviewer.name, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                      note[:500], change.id, PENDING))
