"""Credentials for the sync server: the fleet's enrolment token, and this install's own
credential obtained with it.

    client = client_for(policy)         # the fleet's token: snapshots, announcements, slots
    client = install_client(policy)     # a SyncClient speaking for this install
    call_as_install(policy, lambda client: stats.upload(client))   # enrols anew once on a 401

The fleet's enrolment token is read from `HELPDESK_SYNC_TOKEN` or the OS keyring
(service "helpdesk-assistant-sync", account "enrolment"), stored there by
`python -m desktop sync --enrol`. It identifies the fleet, never the machine: it reads snapshots,
announcements and slots. Statistics, "I'm affected too" and bookings need a credential
of this install, which the server hands out once per enrolment (POST /v1/enrolments)
and limits per address and per hour. It is kept in the OS keyring (service
"helpdesk-assistant-sync", one entry per server address) and renewed after
`RENEW_DAYS`, so the server cannot link an install's figures over months. Without a
keyring it is kept in memory for the life of the process, never in a file.
"""
from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timedelta, timezone
from typing import Callable, TypeVar

import requests

from desktop.policy import Policy
from desktop.sync.client import ServerRefused, SyncClient, VerificationFailed

KEYRING_SERVICE = "helpdesk-assistant-sync"
T = TypeVar("T")
RENEW_DAYS = 30
_memory: dict[str, dict] = {}          # server address -> credential, when there is no keyring
_lock = threading.Lock()


def device_token() -> str:
    """The enrolment token from the environment or the keyring; '' when none."""
    token = os.environ.get("HELPDESK_SYNC_TOKEN", "").strip()
    if token:
        return token
    try:
        import keyring
        return keyring.get_password(KEYRING_SERVICE, "enrolment") or ""
    except Exception:  # noqa: BLE001 - no keyring back-end: same as no token
        return ""


def store_device_token(token: str) -> None:
    import keyring
    keyring.set_password(KEYRING_SERVICE, "enrolment", token)


def client_for(policy: Policy, session: requests.Session | None = None) -> SyncClient:
    if not policy.sync.url:
        raise ServerRefused("sync is not configured: the policy file has no sync.url")
    token = device_token()
    if not token:
        raise ServerRefused("no enrolment token: run `python -m desktop sync --enrol` "
                            "(or set HELPDESK_SYNC_TOKEN)")
    return SyncClient(policy.sync.url, token, session=session)


def _account(url: str) -> str:
    return "install " + url.rstrip("/")


def _load(url: str) -> dict | None:
    """The stored credential: what this process already read or enrolled, else the keyring's."""
    if url in _memory:
        return _memory[url]
    try:
        import keyring

        raw = keyring.get_password(KEYRING_SERVICE, _account(url))
        stored = json.loads(raw) if raw else None
    except Exception:  # noqa: BLE001 - no keyring back-end, or not ours: enrol
        return None
    if not isinstance(stored, dict) or not isinstance(stored.get("credential"), str):
        return None
    _memory[url] = stored
    return stored


def _save(url: str, stored: dict) -> None:
    _memory[url] = stored
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, _account(url), json.dumps(stored))
    except Exception:  # noqa: BLE001 - kept in memory only: enrol again after a restart
        pass


def enrolled_at(policy: Policy) -> str | None:
    """When this install enrolled with the policy's server (ISO 8601), or None: no network."""
    stored = _load(policy.sync.url)
    return stored.get("enrolled_at") if stored else None


def forget_credential(policy: Policy) -> None:
    url = policy.sync.url
    with _lock:
        _memory.pop(url, None)
        try:
            import keyring

            keyring.delete_password(KEYRING_SERVICE, _account(url))
        except Exception:  # noqa: BLE001 - nothing stored, or no keyring
            pass


def _fresh(stored: dict | None, now: datetime) -> bool:
    try:
        enrolled = datetime.fromisoformat(stored["enrolled_at"]) if stored else None
    except (KeyError, TypeError, ValueError):
        return False
    return enrolled is not None and enrolled.tzinfo is not None and \
        now - timedelta(days=RENEW_DAYS) < enrolled <= now + timedelta(days=1)


def install_client(policy: Policy, session: requests.Session | None = None,
                   now: datetime | None = None) -> SyncClient:
    """A client carrying this install's credential; enrols first when there is none (or it
    is due for renewal). Raises `SyncError`: ServerUnreachable (429 with Retry-After when
    the server limits enrolments) or ServerRefused (no or wrong fleet token)."""
    now = now or datetime.now(timezone.utc)
    url = policy.sync.url
    with _lock:
        stored = _load(url) if url else None
        if not _fresh(stored, now):
            stored = _enrol(client_for(policy, session), now)     # says why when sync is not set up
            _save(url, stored)
    return SyncClient(url, stored["credential"], session=session)


def _enrol(fleet: SyncClient, now: datetime) -> dict:
    try:
        reply = fleet.post_json("/v1/enrolments", {})
    except ServerRefused as exc:
        if exc.status == 404:
            raise ServerRefused("this sync server is older than the app: it cannot enrol installs, so "
                                "statistics and bookings wait until it is upgraded", 404) from None
        raise
    credential = reply.get("credential") if isinstance(reply, dict) else None
    if not isinstance(credential, str) or not 8 <= len(credential) <= 200 or not credential.isprintable():
        raise VerificationFailed("the sync server's enrolment reply has no usable credential")
    return {"credential": credential, "enrolled_at": now.isoformat()}


def call_as_install(policy: Policy, call: Callable[[SyncClient], T], session: requests.Session | None = None) -> T:
    """`call(client)` with this install's credential; when the server no longer knows it
    (revoked, expired, the server's database made anew), enrol again and call once more."""
    try:
        return call(install_client(policy, session))
    except ServerRefused as exc:
        if exc.status != 401:
            raise
    forget_credential(policy)
    return call(install_client(policy, session))
