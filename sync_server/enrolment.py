"""Enrolment: the fleet's token is exchanged once per install for a credential of that install.

    POST /v1/enrolments            device   a new install credential (201), shown once

The fleet's enrolment token is on every employee's machine, so anyone can read it: it
may read snapshots, announcements and slots, and enrol. Everything that counts, books or
speaks for an install (statistics, "I'm affected too", bookings) needs an install
credential, so one person cannot invent installs: thresholds count installs the server
enrolled, and quotas apply per install. The server learns nothing about who holds a
credential; the client enrols again every month and drops the old one, so even an
install's figures cannot be linked over months.

Enrolments are rate-limited, atomically in the database (so every replica shares the
limits): `per_address` per client address and UTC day (an employee's machine enrols
about once a month), and `per_hour` per fleet token (a fleet deployed at once enrols
over some hours; reading snapshots does not wait for it). Addresses are kept only as a
keyed hash that changes every day, and only for two days.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from sync_server.auth import INSTALL_SCOPE, create_token, require
from sync_server.db import Database
from sync_server.errors import ApiError

router = APIRouter(tags=["enrolment"])
INSTALL_DAYS = 45                 # a credential's life; clients renew after 30 days
_SECRET_NAME = "enrolment_address_key"


class Enrolment(BaseModel):
    credential: str = Field(description="this install's credential (Authorization: Bearer …); shown once")
    expires_at: str = Field(description="UTC; enrol again before then")


def _address_key(tx) -> bytes:
    tx.execute("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
               (_SECRET_NAME, secrets.token_hex(32)))
    return bytes.fromhex(tx.one("SELECT value FROM server_secrets WHERE name = ?", (_SECRET_NAME,))[0])


def _take(tx, window: str, subject: str, limit: int) -> bool:
    """Count one enrolment of `subject` in `window`; False (nothing counted) at `limit`."""
    return bool(tx.execute(
        "INSERT INTO enrolment_counts (time_window, subject, count) VALUES (?, ?, 1) "
        "ON CONFLICT (time_window, subject) DO UPDATE SET count = enrolment_counts.count + 1 "
        "WHERE enrolment_counts.count < ?", (window, subject, limit)))


def _seconds_until(moment: datetime, now: datetime) -> str:
    return str(max(1, int((moment - now).total_seconds()) + 1))


@router.post("/v1/enrolments", status_code=201,
             responses={429: {"description": "too many enrolments from this address today, or from this "
                                             "fleet this hour; Retry-After says when to try again"}})
def enrol(request: Request) -> Enrolment:
    fleet = require(request, "device")
    if fleet.kind != "device":
        raise ApiError(403, "forbidden", "enrol with the fleet's enrolment token, not an install credential")
    settings = request.app.state.settings
    now = datetime.now(timezone.utc)
    day, hour = now.strftime("%Y-%m-%d"), now.strftime("%Y-%m-%dT%H")
    address = request.client.host if request.client else ""
    db: Database = request.app.state.db
    with db.transaction() as tx:
        subject = hmac.new(_address_key(tx), f"{day} {address}".encode(), hashlib.sha256).hexdigest()
        if not _take(tx, f"{day} address", subject, settings.enrolments_per_address):
            tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
            raise ApiError(429, "too_many_enrolments", "this computer's address has enrolled "
                           f"{settings.enrolments_per_address} times today; try again tomorrow",
                           {"Retry-After": _seconds_until(tomorrow, now)})
        if not _take(tx, f"{hour} fleet", str(fleet.token_id), settings.enrolments_per_hour):
            next_hour = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
            raise ApiError(429, "too_many_enrolments", f"token '{fleet.label}' has enrolled "
                           f"{settings.enrolments_per_hour} installs this hour; try again later",
                           {"Retry-After": _seconds_until(next_hour, now)})
    expires = now + timedelta(days=INSTALL_DAYS)
    credential = create_token(db, "install", [INSTALL_SCOPE], label=f"install via {fleet.label}"[:200],
                              expires_at=expires.isoformat(), enrolled_by=fleet.token_id)
    prune(db, now)
    return Enrolment(credential=credential, expires_at=expires.replace(microsecond=0).isoformat())


def prune(db: Database, now: datetime | None = None) -> None:
    """Forget enrolment counts older than two days and install credentials that expired."""
    now = now or datetime.now(timezone.utc)
    old = (now - timedelta(days=2)).strftime("%Y-%m-%d")
    with db.transaction() as tx:
        tx.execute("DELETE FROM enrolment_counts WHERE substr(time_window, 1, 10) < ?", (old,))
        tx.execute("DELETE FROM tokens WHERE kind = 'install' AND expires_at < ?", (now.isoformat(),))


def installs_by_day(db: Database, days: int = 14) -> list[tuple[str, int]]:
    """(UTC day, installs enrolled that day and still valid) for the last `days` days."""
    since = (datetime.now(timezone.utc) - timedelta(days=days)).strftime("%Y-%m-%d")
    with db.transaction(write=False) as tx:
        return [(row[0], row[1]) for row in tx.all(
            "SELECT substr(created_at, 1, 10) AS day, COUNT(*) FROM tokens WHERE kind = 'install' AND revoked = 0 "
            "AND substr(created_at, 1, 10) >= ? GROUP BY day ORDER BY day", (since,))]


def revoke_installs(db: Database, since: str, until: str | None = None) -> int:
    """Revoke the install credentials enrolled between two UTC times (ISO 8601)."""
    with db.transaction() as tx:
        return tx.execute("UPDATE tokens SET revoked = 1 WHERE kind = 'install' AND created_at >= ? "
                          "AND created_at < ?", (since, until or "9999"))
