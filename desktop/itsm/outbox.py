"""The durable outbox: every ticket is written here, with its idempotency key, before
anything is sent.

    >>> outbox = Outbox.open(paths.state_db())
    >>> entry = outbox.add(ticket, itsm="rt https://rt.example.com")
    >>> entry.key, entry.state                      # ('3f2a…', 'queued')
    >>> outbox.due()                                 # queued entries whose back-off is over

`OutboxSender` moves entries from queued to sent; this module only stores them. Writes
are single SQLite transactions in WAL mode with synchronous=FULL: once `add` returns, the
ticket survives a crash or a power cut.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from desktop.itsm.migrations import migrate
from desktop.itsm.model import Ticket


@dataclass(frozen=True)
class OutboxEntry:
    key: str
    created_at: float
    itsm: str
    ticket: Ticket
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str
    remote_id: str | None
    remote_url: str
    remote_status: str
    next_poll_at: float
    poll_interval: float
    remote_version: str = ""          # the ITSM's ETag for the ticket, when it has one
    status_checked_at: float = 0.0
    remote_updated: str = ""          # the ITSM's own last-update time (ISO 8601)
    helpdesk_replies: int = 0         # replies from the helpdesk seen in the conversation
    last_reply: str = ""              # the latest of them, for the notification
    notified_status: str = ""         # what the user was last told (tray notification)
    notified_replies: int = 0
    attempt_started_at: float = 0.0   # a create request began then, outcome unknown (0: none)

    @property
    def status(self) -> str:
        """The ITSM's status once sent, else the outbox state (queued, failed)."""
        return (self.remote_status or "new") if self.state == "sent" else self.state

    def to_dict(self) -> dict:
        return {"key": self.key, "id": self.remote_id, "status": self.state,
                "subject": self.ticket.subject, "queue": self.ticket.queue,
                "team": self.ticket.team, "created_at": self.created_at,
                "attempts": self.attempts, "last_error": self.last_error,
                "remote_status": self.remote_status, "url": self.remote_url,
                "updated": self.remote_updated, "helpdesk_replies": self.helpdesk_replies}


class Outbox:
    def __init__(self, conn: sqlite3.Connection, path: Path | str = ""):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: Path | str) -> Outbox:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=30000")
        migrate(conn)
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def add(self, ticket: Ticket, itsm: str, key: str | None = None) -> OutboxEntry:
        """Write the ticket durably with a new idempotency key; it is then 'queued'."""
        key = key or uuid.uuid4().hex
        self.conn.execute(
            "INSERT INTO itsm_outbox (key, created_at, itsm, payload) VALUES (?, ?, ?, ?)",
            (key, time.time(), itsm, json.dumps(ticket.to_dict(), ensure_ascii=False)))
        return self.get(key)

    def get(self, key: str) -> OutboxEntry:
        row = self.conn.execute("SELECT * FROM itsm_outbox WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(f"no ticket {key} in the outbox")
        return _entry(row)

    def find(self, ref: str) -> OutboxEntry | None:
        """An entry by its key, a unique key prefix, or its ITSM id."""
        rows = self.conn.execute(
            "SELECT * FROM itsm_outbox WHERE key LIKE ? || '%' OR remote_id = ? "
            "ORDER BY created_at DESC", (ref, ref)).fetchall()
        return _entry(rows[0]) if len(rows) == 1 else None

    def all(self) -> list[OutboxEntry]:
        return [_entry(r) for r in self.conn.execute(
            "SELECT * FROM itsm_outbox ORDER BY created_at DESC, key")]

    def due(self, now: float | None = None, limit: int = 100) -> list[OutboxEntry]:
        now = time.time() if now is None else now
        return [_entry(r) for r in self.conn.execute(
            "SELECT * FROM itsm_outbox WHERE state = 'queued' AND next_attempt_at <= ? "
            "ORDER BY created_at, key LIMIT ?", (now, limit))]

    def counts(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT state, count(*) FROM itsm_outbox GROUP BY state"))

    def claim(self, key: str, owner: str, lease_seconds: float, now: float) -> OutboxEntry | None:
        """Take the right to send a queued entry, counting the attempt, in one transaction.
        Returns the entry as it was before (its `attempts` tell whether an earlier attempt
        may have reached the ITSM), or None if it is sent, failed, or leased by a live
        sender (another thread or process)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            row = self.conn.execute("SELECT * FROM itsm_outbox WHERE key = ?", (key,)).fetchone()
            if row is None or row["state"] != "queued" or (
                    row["lease_owner"] and row["lease_until"] > now
                    and _owner_alive(row["lease_owner"])):
                self.conn.execute("COMMIT")
                return None
            self.conn.execute("UPDATE itsm_outbox SET attempts = attempts + 1, lease_owner = ?, "
                              "lease_until = ? WHERE key = ?", (owner, now + lease_seconds, key))
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        return _entry(row)

    def record_attempt(self, key: str) -> None:
        """Durably note that a send is about to start: after a crash the next attempt
        searches the ITSM for the key before creating anything."""
        self.conn.execute("UPDATE itsm_outbox SET attempts = attempts + 1 WHERE key = ?", (key,))

    def start_request(self, keys: list[str], now: float) -> None:
        """Durably note, just before a create request, that it begins at `now`: until its
        outcome is known, a successor (after a crash, a timeout, a dropped connection)
        waits out the settle window before it trusts a lookup that finds nothing."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.conn.executemany("UPDATE itsm_outbox SET attempt_started_at = ? WHERE key = ?",
                                  [(now, key) for key in keys])
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise

    def end_request(self, keys: list[str]) -> None:
        """The ITSM answered that it created nothing (refused, rate-limited, or it was
        never reached): the next attempt need not wait."""
        self.conn.executemany("UPDATE itsm_outbox SET attempt_started_at = 0 WHERE key = ?",
                              [(key,) for key in keys])

    def mark_sent(self, key: str, remote_id: str, remote_url: str = "") -> None:
        self.conn.execute(
            "UPDATE itsm_outbox SET state = 'sent', remote_id = ?, remote_url = ?, sent_at = ?, "
            "lease_owner = '', attempt_started_at = 0, "
            "last_error = '', remote_status = CASE remote_status WHEN '' THEN 'new' "
            "ELSE remote_status END, notified_status = CASE notified_status WHEN '' THEN 'new' "
            "ELSE notified_status END WHERE key = ?", (remote_id, remote_url, time.time(), key))

    def mark_retry(self, key: str, error: str, next_attempt_at: float) -> None:
        self.conn.execute("UPDATE itsm_outbox SET last_error = ?, next_attempt_at = ?, "
                          "lease_owner = '' WHERE key = ?", (error, next_attempt_at, key))

    def mark_failed(self, key: str, error: str) -> None:
        self.conn.execute("UPDATE itsm_outbox SET state = 'failed', last_error = ?, lease_owner = '' "
                          "WHERE key = ?",
                          (error, key))

    def postpone_queued(self, until: float, error: str, now: float) -> None:
        """Push every due queued entry back to `until` without counting an attempt."""
        self.conn.execute("UPDATE itsm_outbox SET next_attempt_at = ?, last_error = ? "
                          "WHERE state = 'queued' AND next_attempt_at <= ?", (until, error, now))

    def retry_now(self) -> int:
        """Make every queued entry due now (the user pressed "send now")."""
        return self.conn.execute("UPDATE itsm_outbox SET next_attempt_at = 0 "
                                 "WHERE state = 'queued'").rowcount

    def to_poll(self, now: float | None = None) -> list[OutboxEntry]:
        now = time.time() if now is None else now
        return [_entry(r) for r in self.conn.execute(
            "SELECT * FROM itsm_outbox WHERE state = 'sent' AND next_poll_at <= ? AND "
            "remote_status NOT IN ('resolved', 'closed', 'rejected', 'deleted') "
            "ORDER BY next_poll_at", (now,))]

    def record_status(self, key: str, status: str, next_poll_at: float, interval: float,
                      version: str | None = None, updated: str | None = None) -> None:
        """Note the status read from the ITSM (and its version tag and last-update time,
        if it gave them)."""
        self.conn.execute(
            "UPDATE itsm_outbox SET remote_status = ?, status_checked_at = ?, next_poll_at = ?, "
            "poll_interval = ?, remote_version = coalesce(?, remote_version), "
            "remote_updated = coalesce(nullif(?, ''), remote_updated) WHERE key = ?",
            (status, time.time(), next_poll_at, interval, version, updated, key))

    def postpone_poll(self, key: str, next_poll_at: float, interval: float) -> None:
        """The status could not be read: try again later, changing nothing else."""
        self.conn.execute("UPDATE itsm_outbox SET next_poll_at = ?, poll_interval = ? WHERE key = ?",
                          (next_poll_at, interval, key))

    def record_replies(self, key: str, count: int, last_reply: str) -> None:
        """Note how many replies from the helpdesk the conversation holds, and the latest."""
        self.conn.execute("UPDATE itsm_outbox SET helpdesk_replies = ?, last_reply = ? WHERE key = ?",
                          (count, last_reply, key))

    def to_notify(self) -> list[OutboxEntry]:
        """Sent tickets whose status or replies changed since the user was last told."""
        return [_entry(r) for r in self.conn.execute(
            "SELECT * FROM itsm_outbox WHERE state = 'sent' AND (remote_status != notified_status "
            "OR helpdesk_replies > notified_replies) ORDER BY created_at, key")]

    def mark_notified(self, key: str, status: str, replies: int) -> None:
        self.conn.execute("UPDATE itsm_outbox SET notified_status = ?, notified_replies = ? "
                          "WHERE key = ?", (status, replies, key))

    def record_contact(self, error: str = "", now: float | None = None) -> None:
        """Note that the ITSM answered (`error` empty) or could not be reached."""
        now = time.time() if now is None else now
        self.conn.execute("INSERT OR IGNORE INTO itsm_contact (id) VALUES (1)")
        if error:
            self.conn.execute("UPDATE itsm_contact SET failed_at = ?, error = ? WHERE id = 1",
                              (now, error))
        else:
            self.conn.execute("UPDATE itsm_contact SET ok_at = ?, error = '' WHERE id = 1", (now,))

    def contact(self) -> tuple[float, float, str]:
        """(last time the ITSM answered, last time it could not be reached, why), 0 = never."""
        row = self.conn.execute("SELECT ok_at, failed_at, error FROM itsm_contact").fetchone()
        return (row[0], row[1], row[2]) if row else (0.0, 0.0, "")


def lease_owner_id(thread_id: int) -> str:
    """Who holds a send lease: this host, process and thread."""
    return f"{socket.gethostname()}:{os.getpid()}:{thread_id}"


def _owner_alive(owner: str) -> bool:
    """False when the lease holder was a process on this host that no longer runs (it
    crashed): its lease can be taken over at once instead of waiting for it to expire."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _entry(row: sqlite3.Row) -> OutboxEntry:
    return OutboxEntry(
        key=row["key"], created_at=row["created_at"], itsm=row["itsm"],
        ticket=Ticket.from_dict(json.loads(row["payload"])), state=row["state"],
        attempts=row["attempts"], next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"], remote_id=row["remote_id"], remote_url=row["remote_url"],
        remote_status=row["remote_status"], next_poll_at=row["next_poll_at"],
        poll_interval=row["poll_interval"], remote_version=row["remote_version"],
        status_checked_at=row["status_checked_at"], remote_updated=row["remote_updated"],
        helpdesk_replies=row["helpdesk_replies"], last_reply=row["last_reply"],
        notified_status=row["notified_status"], notified_replies=row["notified_replies"],
        attempt_started_at=row["attempt_started_at"])
