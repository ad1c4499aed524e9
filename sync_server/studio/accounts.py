"""Studio accounts: named admins with a role, their sessions, and the audit log.

    add_user(db, "marie", "publisher", password)       # python -m sync_server studio-user marie --role publisher
    user = sign_in(db, "marie", password)              # None when unknown, disabled or wrong
    session = open_session(db, user)                   # the cookie's value; only its sha256 is stored
    audit(db, user.name, "approved", "printer-jam", "change 12")

Editors write drafts; publishers also review, approve and reject them. Passwords are
kept as scrypt hashes (a random salt each); a wrong password and an unknown name get the
same answer, in the same time.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sync_server.db import Database

ROLES = ("editor", "publisher")
SESSION_COOKIE = "hd_studio"
SESSION_HOURS = 8
MIN_PASSWORD = 12
_SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}
_DUMMY_HASH = "scrypt$" + "00" * 16 + "$" + "00" * 32     # compared against when the name is unknown


@dataclass(frozen=True)
class StudioUser:
    id: int
    name: str
    role: str

    @property
    def publishes(self) -> bool:
        return self.role == "publisher"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def _matches(password: str, stored: str) -> bool:
    try:
        _, salt, digest = stored.split("$")
        expected = hash_password(password, bytes.fromhex(salt)).split("$")[2]
    except ValueError:
        return False
    return hmac.compare_digest(expected, digest)


def add_user(db: Database, name: str, role: str, password: str) -> None:
    """Create the account, or set its role and password (and enable it) when it exists."""
    name = name.strip()
    if role not in ROLES:
        raise ValueError(f"role must be {' or '.join(ROLES)}, not {role!r}")
    if not name or len(name) > 64 or not name.replace(".", "").replace("-", "").replace("_", "").isalnum():
        raise ValueError("a name is 1-64 letters, digits, dots, dashes or underscores")
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    hashed = hash_password(password)
    with db.transaction() as tx:
        if tx.one("SELECT id FROM studio_users WHERE name = ?", (name,)):
            tx.execute("UPDATE studio_users SET role = ?, password_hash = ?, disabled = 0 WHERE name = ?",
                       (role, hashed, name))
        else:
            tx.execute("INSERT INTO studio_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                       (name, role, hashed, _now().isoformat()))
    audit(db, "server console", "account set", name, role)


def disable_user(db: Database, name: str) -> bool:
    with db.transaction() as tx:
        changed = tx.execute("UPDATE studio_users SET disabled = 1 WHERE name = ?", (name,))
        tx.execute("DELETE FROM studio_sessions WHERE user_id IN (SELECT id FROM studio_users WHERE name = ?)", (name,))
    if changed:
        audit(db, "server console", "account disabled", name)
    return bool(changed)


def sign_in(db: Database, name: str, password: str) -> StudioUser | None:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT id, name, role, password_hash FROM studio_users WHERE name = ? AND disabled = 0",
                     (name.strip(),))
    if row is None:
        _matches(password, _DUMMY_HASH)          # the same work as for a real account
        return None
    return StudioUser(row[0], row[1], row[2]) if _matches(password, row[3]) else None


def _digest(session: str) -> str:
    return hashlib.sha256(session.encode()).hexdigest()


def open_session(db: Database, user: StudioUser) -> str:
    session = secrets.token_urlsafe(32)
    with db.transaction() as tx:
        tx.execute("DELETE FROM studio_sessions WHERE expires_at < ?", (_now().isoformat(),))
        tx.execute("INSERT INTO studio_sessions (id_hash, user_id, expires_at) VALUES (?, ?, ?)",
                   (_digest(session), user.id, (_now() + timedelta(hours=SESSION_HOURS)).isoformat()))
    return session


def session_user(db: Database, session: str | None) -> StudioUser | None:
    if not session:
        return None
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT u.id, u.name, u.role FROM studio_sessions s JOIN studio_users u ON u.id = s.user_id "
                     "WHERE s.id_hash = ? AND s.expires_at > ? AND u.disabled = 0",
                     (_digest(session), _now().isoformat()))
    return StudioUser(row[0], row[1], row[2]) if row else None


def close_session(db: Database, session: str) -> None:
    with db.transaction() as tx:
        tx.execute("DELETE FROM studio_sessions WHERE id_hash = ?", (_digest(session),))


def audit(db: Database, actor: str, action: str, target: str, detail: str = "") -> None:
    with db.transaction() as tx:
        tx.execute("INSERT INTO studio_audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)",
                   (_now().isoformat(timespec="seconds"), actor, action, target, detail[:500]))


def audit_log(db: Database, limit: int = 200) -> list[tuple[str, str, str, str, str]]:
    with db.transaction(write=False) as tx:
        return tx.all("SELECT at, actor, action, target, detail FROM studio_audit ORDER BY id DESC LIMIT ?", (limit,))
