"""One-time codes: six digits sent by e-mail, kept only as a keyed hash, valid a few
minutes, and a few wrong tries block the action for that account for a while.

    challenge_id, code = issue(db, "jdoe", "unlock", minutes=10)
    verdict = check(db, challenge_id, "123456", max_attempts=3, block_minutes=15)
    verdict.ok / verdict.left / verdict.blocked_until / verdict.reason

A block is per account and action, so asking for a new code does not reset the count of
wrong ones; the employee is told when they may try again.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

MAX_OPEN_PER_HOUR = 5


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""                       # expired, wrong, blocked, used, unknown
    left: int = 0                          # tries left after a wrong code
    blocked_until: datetime | None = None
    login: str = ""
    action: str = ""
    target: str = ""                       # the group, for add_to_group


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _hash(challenge_id: str, code: str) -> str:
    return hmac.new(challenge_id.encode(), code.encode(), hashlib.sha256).hexdigest()


def blocked_until(db, login: str, action: str) -> datetime | None:
    with db.transaction(write=False) as tx:
        row = tx.one("SELECT until FROM action_blocks WHERE login = ? AND action = ?", (login, action))
    until = datetime.fromisoformat(row[0]) if row else None
    return until if until and until > _now() else None


def issue(db, login: str, action: str, minutes: int, target: str = "") -> tuple[str, str] | None:
    """A new challenge and its code; None when this account asked too often this hour."""
    since = (_now() - timedelta(hours=1)).isoformat()
    with db.transaction() as tx:
        recent = tx.one("SELECT COUNT(*) FROM action_challenges WHERE login = ? AND action = ? AND created_at >= ?",
                        (login, action, since))[0]
        if recent >= MAX_OPEN_PER_HOUR:
            return None
        challenge_id, code = secrets.token_urlsafe(24), f"{secrets.randbelow(10 ** 6):06d}"
        tx.execute("INSERT INTO action_challenges (id, login, action, code_hash, created_at, expires_at, target) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", (challenge_id, login, action, _hash(challenge_id, code),
                                                    _now().isoformat(), (_now() + timedelta(minutes=minutes)).isoformat(),
                                                    target))
    return challenge_id, code


def reopen(db, challenge_id: str) -> None:
    """Let a used code be given once more (the action it allowed could not be done)."""
    with db.transaction() as tx:
        tx.execute("UPDATE action_challenges SET done_at = NULL WHERE id = ?", (challenge_id,))


def check(db, challenge_id: str, code: str, max_attempts: int, block_minutes: int) -> Verdict:
    with db.transaction() as tx:
        row = tx.one("SELECT login, action, code_hash, expires_at, attempts, done_at, target FROM action_challenges "
                     "WHERE id = ?", (challenge_id,))
        if row is None:
            return Verdict(False, "unknown")
        login, action, code_hash, expires_at, attempts, done_at, target = row
        block = tx.one("SELECT until FROM action_blocks WHERE login = ? AND action = ?", (login, action))
        if block and datetime.fromisoformat(block[0]) > _now():
            return Verdict(False, "blocked", blocked_until=datetime.fromisoformat(block[0]), login=login, action=action)
        if done_at:
            return Verdict(False, "used", login=login, action=action)
        if datetime.fromisoformat(expires_at) <= _now():
            return Verdict(False, "expired", login=login, action=action)
        if hmac.compare_digest(code_hash, _hash(challenge_id, code.strip())):
            tx.execute("UPDATE action_challenges SET done_at = ? WHERE id = ?", (_now().isoformat(), challenge_id))
            return Verdict(True, login=login, action=action, target=target)
        wrong = tx.one("SELECT COALESCE(SUM(attempts), 0) FROM action_challenges WHERE login = ? AND action = ? "
                       "AND created_at >= ?", (login, action, (_now() - timedelta(minutes=block_minutes)).isoformat()))[0]
        tx.execute("UPDATE action_challenges SET attempts = attempts + 1 WHERE id = ?", (challenge_id,))
        if wrong + 1 >= max_attempts:
            until = _now() + timedelta(minutes=block_minutes)
            tx.execute("DELETE FROM action_blocks WHERE login = ? AND action = ?", (login, action))
            tx.execute("INSERT INTO action_blocks (login, action, until) VALUES (?, ?, ?)",
                       (login, action, until.isoformat()))
            return Verdict(False, "blocked", blocked_until=until, login=login, action=action)
        return Verdict(False, "wrong", left=max_attempts - wrong - 1, login=login, action=action)
