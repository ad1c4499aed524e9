"""Named schema migrations, each applied once, in a transaction, and recorded.

    applied = migrate(db)        # names applied now; [] when the schema is current

The `_migrations` table records every applied name with its time. Migrations are
append-only: never edit one that has shipped, add a new one. `{id}` and `{blob}` are
spelled per database.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sync_server.db import Database

MIGRATIONS: list[tuple[str, list[str]]] = [
    ("0001_tokens_and_keys", [
        """CREATE TABLE tokens (id {id}, token_hash TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
           scopes TEXT NOT NULL, label TEXT NOT NULL, created_at TEXT NOT NULL,
           revoked INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE trusted_keys (keyid TEXT PRIMARY KEY, public_key TEXT NOT NULL,
           label TEXT NOT NULL, added_at TEXT NOT NULL)""",
        """CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, token_id BIGINT NOT NULL,
           expires_at TEXT NOT NULL)""",
    ]),
    ("0002_manifests", [
        """CREATE TABLE manifests (kb TEXT NOT NULL, version BIGINT NOT NULL, sha256 TEXT NOT NULL,
           size BIGINT NOT NULL, envelope {blob} NOT NULL, published_at TEXT NOT NULL,
           PRIMARY KEY (kb, version))""",
    ]),
    ("0003_statistics", [
        """CREATE TABLE stats_batches (batch_id TEXT PRIMARY KEY, install_id TEXT NOT NULL,
           received_at TEXT NOT NULL)""",
        """CREATE TABLE stats_daily (day TEXT NOT NULL, metric TEXT NOT NULL, key TEXT NOT NULL,
           count BIGINT NOT NULL, PRIMARY KEY (day, metric, key))""",
        """CREATE TABLE stats_questions (day TEXT NOT NULL, text TEXT NOT NULL,
           install_id TEXT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (day, text, install_id))""",
    ]),
    ("0004_announcements_and_slots", [
        """CREATE TABLE announcements (id {id}, title TEXT NOT NULL, body TEXT NOT NULL,
           starts_at TEXT NOT NULL, ends_at TEXT NOT NULL, teams TEXT NOT NULL, created_at TEXT NOT NULL)""",
        """CREATE TABLE announcement_affected (announcement_id BIGINT NOT NULL, install_id TEXT NOT NULL,
           at TEXT NOT NULL, PRIMARY KEY (announcement_id, install_id))""",
        """CREATE TABLE slots (id {id}, starts_at TEXT NOT NULL, ends_at TEXT NOT NULL,
           team TEXT NOT NULL, location TEXT NOT NULL, capacity INTEGER NOT NULL,
           booked INTEGER NOT NULL DEFAULT 0, CHECK (booked >= 0 AND booked <= capacity))""",
        """CREATE TABLE bookings (id {id}, slot_id BIGINT NOT NULL REFERENCES slots(id),
           cancel_hash TEXT NOT NULL, contact TEXT NOT NULL, topic TEXT NOT NULL,
           created_at TEXT NOT NULL, cancelled_at TEXT)""",
    ]),
    ("0005_server_patches", [
        """CREATE TABLE patches (kb TEXT NOT NULL, from_sha256 TEXT NOT NULL, to_sha256 TEXT NOT NULL,
           delta_sha256 TEXT NOT NULL, size BIGINT NOT NULL, created_at TEXT NOT NULL,
           PRIMARY KEY (kb, from_sha256, to_sha256))""",
    ]),
    # One place per person and slot: who booked (a hash of the install's per-slot booker key)
    # and the contact as typed, normalised. Earlier bookings keep '' and block nothing.
    ("0006_one_booking_per_person", [
        "ALTER TABLE bookings ADD COLUMN booker_hash TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE bookings ADD COLUMN contact_key TEXT NOT NULL DEFAULT ''",
        """CREATE UNIQUE INDEX bookings_one_per_booker ON bookings (slot_id, booker_hash)
           WHERE cancelled_at IS NULL AND booker_hash <> ''""",
        """CREATE UNIQUE INDEX bookings_one_per_contact ON bookings (slot_id, contact_key)
           WHERE cancelled_at IS NULL AND contact_key <> ''""",
    ]),
    # Ids a statistics batch may count: entry ids and teams of every published snapshot, and
    # which published snapshots were read for them (see sync_server/published.py).
    ("0007_published_ids", [
        """CREATE TABLE published_ids (kind TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (kind, id))""",
        """CREATE TABLE published_scanned (sha256 TEXT PRIMARY KEY, ids BIGINT NOT NULL, scanned_at TEXT NOT NULL)""",
    ]),
    # Per-install credentials (sync_server/enrolment.py): an install token expires and names
    # the fleet token it was enrolled with; enrolments are counted per address and per fleet;
    # a booking names the install that holds it (one place per install and slot).
    ("0008_install_credentials", [
        "ALTER TABLE tokens ADD COLUMN expires_at TEXT",
        "ALTER TABLE tokens ADD COLUMN enrolled_by BIGINT",
        "CREATE INDEX tokens_by_kind ON tokens (kind, expires_at)",
        """CREATE TABLE enrolment_counts (time_window TEXT NOT NULL, subject TEXT NOT NULL,
           count INTEGER NOT NULL, PRIMARY KEY (time_window, subject))""",
        "CREATE TABLE server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
        "ALTER TABLE bookings ADD COLUMN install_ref TEXT NOT NULL DEFAULT ''",
        """CREATE UNIQUE INDEX bookings_one_per_install ON bookings (slot_id, install_ref)
           WHERE cancelled_at IS NULL AND install_ref <> ''""",
        "CREATE INDEX stats_batches_by_install ON stats_batches (install_id, received_at)",
    ]),
    # What the dashboard names: each published entry's title, kind, language and translation
    # group (its original's id), from the newest snapshot that has it. Snapshots already read
    # are read again once to fill it (sync_server/published.py).
    ("0009_published_entries", [
        """CREATE TABLE published_entries (id TEXT PRIMARY KEY, grp TEXT NOT NULL, kind TEXT NOT NULL,
           lang TEXT NOT NULL, title TEXT NOT NULL, version BIGINT NOT NULL)""",
        "DELETE FROM published_scanned",
    ]),
    # KB Studio (sync_server/studio): named admins with a role, their sessions, the changes
    # waiting for review, and who did what.
    ("0010_studio", [
        """CREATE TABLE studio_users (id {id}, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,
           password_hash TEXT NOT NULL, created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)""",
        """CREATE TABLE studio_sessions (id_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL, expires_at TEXT NOT NULL)""",
        """CREATE TABLE studio_changes (id {id}, path TEXT NOT NULL, entry_id TEXT NOT NULL,
           base_sha256 TEXT NOT NULL, text TEXT NOT NULL, author TEXT NOT NULL, created_at TEXT NOT NULL,
           status TEXT NOT NULL, reviewer TEXT NOT NULL DEFAULT '', reviewed_at TEXT, note TEXT NOT NULL DEFAULT '',
           before_text TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX studio_changes_by_entry ON studio_changes (entry_id, status)",
        """CREATE TABLE studio_audit (id {id}, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
           target TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
    ]),
    # A release: the KB source built on the server, compared with what is published, then
    # signed by a publisher in the browser (the server never holds the key) and published.
    # `sources` is the source tree it was built from (zlib JSON), for rollback and history.
    ("0011_studio_releases", [
        """CREATE TABLE studio_releases (id {id}, kb TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 0,
           status TEXT NOT NULL, rollback_of BIGINT, created_by TEXT NOT NULL, created_at TEXT NOT NULL,
           progress TEXT NOT NULL DEFAULT '', problems TEXT NOT NULL DEFAULT '',
           snapshot_sha256 TEXT NOT NULL DEFAULT '', size BIGINT NOT NULL DEFAULT 0,
           signed_body TEXT NOT NULL DEFAULT '', report TEXT NOT NULL DEFAULT '',
           regressions INTEGER NOT NULL DEFAULT 0, override_reason TEXT NOT NULL DEFAULT '',
           published_by TEXT NOT NULL DEFAULT '', published_at TEXT, sources {blob})""",
    ]),
    # Self-service actions: one-time codes (only a hash of each), the blocks after wrong
    # codes, and what was done (sync_server/actions).
    ("0012_actions", [
        """CREATE TABLE action_challenges (id TEXT PRIMARY KEY, login TEXT NOT NULL, action TEXT NOT NULL,
           code_hash TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,
           attempts INTEGER NOT NULL DEFAULT 0, done_at TEXT, target TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX action_challenges_by_login ON action_challenges (login, action, created_at)",
        """CREATE TABLE action_blocks (login TEXT NOT NULL, action TEXT NOT NULL, until TEXT NOT NULL,
           PRIMARY KEY (login, action))""",
        """CREATE TABLE action_audit (id {id}, at TEXT NOT NULL, login TEXT NOT NULL, action TEXT NOT NULL,
           outcome TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '')""",
    ]),
    ("0013_handoff", [
        """CREATE TABLE agents (id {id}, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
           teams TEXT NOT NULL, supervisor INTEGER NOT NULL DEFAULT 0, disabled INTEGER NOT NULL DEFAULT 0,
           available INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, seen_at TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE agent_sessions (id_hash TEXT PRIMARY KEY, agent_id BIGINT NOT NULL,
           expires_at TEXT NOT NULL)""",
        """CREATE TABLE conversations (id TEXT PRIMARY KEY, install_ref TEXT NOT NULL, team TEXT NOT NULL,
           lang TEXT NOT NULL, question TEXT NOT NULL, context TEXT NOT NULL, ticket_ref TEXT NOT NULL DEFAULT '',
           state TEXT NOT NULL, agent_id BIGINT, last_seq BIGINT NOT NULL DEFAULT 0,
           created_at TEXT NOT NULL, queued_at TEXT NOT NULL, taken_at TEXT, ended_at TEXT,
           ended_by TEXT NOT NULL DEFAULT '', transcript_state TEXT NOT NULL DEFAULT '',
           transcript_claimed_at TEXT NOT NULL DEFAULT '', transcript_ticket TEXT NOT NULL DEFAULT '',
           outcome TEXT NOT NULL DEFAULT '')""",
        "CREATE INDEX conversations_by_state ON conversations (state, team, queued_at)",
        "CREATE INDEX conversations_by_agent ON conversations (agent_id, state)",
        "CREATE INDEX conversations_by_install ON conversations (install_ref, state)",
        """CREATE TABLE chat_messages (conversation_id TEXT NOT NULL, seq BIGINT NOT NULL, sender TEXT NOT NULL,
           author TEXT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '',
           client_key TEXT, at TEXT NOT NULL, PRIMARY KEY (conversation_id, seq))""",
        "CREATE UNIQUE INDEX chat_messages_once ON chat_messages (conversation_id, client_key)",
    ]),
]

_SPELLING = {
    "sqlite": {"id": "INTEGER PRIMARY KEY AUTOINCREMENT", "blob": "BLOB"},
    "postgresql": {"id": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA"},
}


def applied_migrations(db: Database) -> list[str]:
    with db.transaction() as tx:
        tx.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        return [row[0] for row in tx.all("SELECT name FROM _migrations ORDER BY name")]


def migrate(db: Database) -> list[str]:
    """Apply the migrations not yet recorded; returns their names."""
    done = set(applied_migrations(db))
    applied = []
    for name, statements in MIGRATIONS:
        if name in done:
            continue
        with db.transaction() as tx:
            if db.dialect == "postgresql":
                tx.one("SELECT pg_advisory_xact_lock(1212501072)")  # one replica migrates at a time
            if tx.one("SELECT name FROM _migrations WHERE name = ?", (name,)):
                continue  # another replica applied it meanwhile
            for sql in statements:
                tx.execute(sql.format(**_SPELLING[db.dialect]))
            tx.execute("INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                       (name, datetime.now(timezone.utc).isoformat()))
        applied.append(name)
    return applied
