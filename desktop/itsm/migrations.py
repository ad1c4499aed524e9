"""Named schema migrations for the ITSM tables in state.sqlite, each applied once, in a
transaction, and recorded in `itsm_migrations` (name, applied_at).

Append new migrations to MIGRATIONS; never edit or reorder one that has shipped.
"""
from __future__ import annotations

import sqlite3
import time

MIGRATIONS: list[tuple[str, str]] = [
    ("0001_outbox", """
        CREATE TABLE itsm_outbox (
            key             TEXT PRIMARY KEY,      -- client-generated idempotency key
            created_at      REAL NOT NULL,
            itsm            TEXT NOT NULL,         -- kind + url the ticket is meant for
            payload         TEXT NOT NULL,         -- Ticket.to_dict() as JSON
            state           TEXT NOT NULL DEFAULT 'queued'
                            CHECK (state IN ('queued', 'sent', 'failed')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL DEFAULT 0,
            last_error      TEXT NOT NULL DEFAULT '',
            remote_id       TEXT,
            remote_url      TEXT NOT NULL DEFAULT '',
            sent_at         REAL
        );
        CREATE INDEX itsm_outbox_due ON itsm_outbox (state, next_attempt_at);
    """),
    ("0002_status", """
        ALTER TABLE itsm_outbox ADD COLUMN remote_status TEXT NOT NULL DEFAULT '';
        ALTER TABLE itsm_outbox ADD COLUMN status_checked_at REAL NOT NULL DEFAULT 0;
        ALTER TABLE itsm_outbox ADD COLUMN next_poll_at REAL NOT NULL DEFAULT 0;
        ALTER TABLE itsm_outbox ADD COLUMN poll_interval REAL NOT NULL DEFAULT 0;
    """),
    ("0003_send_lease", """
        ALTER TABLE itsm_outbox ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
        ALTER TABLE itsm_outbox ADD COLUMN lease_until REAL NOT NULL DEFAULT 0;
    """),
    ("0004_remote_version", """
        ALTER TABLE itsm_outbox ADD COLUMN remote_version TEXT NOT NULL DEFAULT '';  -- ETag
    """),
    # What the ITSM says (its own last-update time, how many helpdesk replies) is kept
    # apart from what the user was told (notified_*): whoever fetches a change first (the
    # app or the `tickets` command), the tray still tells it once.
    ("0005_replies_and_notices", """
        ALTER TABLE itsm_outbox ADD COLUMN remote_updated TEXT NOT NULL DEFAULT '';
        ALTER TABLE itsm_outbox ADD COLUMN helpdesk_replies INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE itsm_outbox ADD COLUMN last_reply TEXT NOT NULL DEFAULT '';
        ALTER TABLE itsm_outbox ADD COLUMN notified_status TEXT NOT NULL DEFAULT '';
        ALTER TABLE itsm_outbox ADD COLUMN notified_replies INTEGER NOT NULL DEFAULT 0;
        UPDATE itsm_outbox SET notified_status = remote_status;
        CREATE TABLE itsm_contact (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            ok_at       REAL NOT NULL DEFAULT 0,   -- last time the ITSM answered
            failed_at   REAL NOT NULL DEFAULT 0,   -- last time it could not be reached
            error       TEXT NOT NULL DEFAULT ''
        );
    """),
    # When the latest create request for the entry began, while its outcome is unknown
    # (0: none pending). A successor trusts a "not found" lookup only once the settle
    # window after it has passed. Entries an older version may have been sending when it
    # stopped count as started now.
    ("0006_attempt_started", """
        ALTER TABLE itsm_outbox ADD COLUMN attempt_started_at REAL NOT NULL DEFAULT 0;
        UPDATE itsm_outbox SET attempt_started_at = (julianday('now') - 2440587.5) * 86400.0
            WHERE state = 'queued' AND attempts > 0;
    """),
]


def applied(conn: sqlite3.Connection) -> list[str]:
    conn.execute("CREATE TABLE IF NOT EXISTS itsm_migrations "
                 "(name TEXT PRIMARY KEY, applied_at REAL NOT NULL)")
    return [row[0] for row in conn.execute("SELECT name FROM itsm_migrations ORDER BY name")]


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply the missing migrations; return their names. The connection must be in
    autocommit mode (isolation_level=None): each migration is its own transaction."""
    done = set(applied(conn))
    new = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-check inside the lock: another process may have just applied it.
            if conn.execute("SELECT 1 FROM itsm_migrations WHERE name = ?", (name,)).fetchone():
                conn.execute("ROLLBACK")
                continue
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement)
            conn.execute("INSERT INTO itsm_migrations (name, applied_at) VALUES (?, ?)",
                         (name, time.time()))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        new.append(name)
    return new
