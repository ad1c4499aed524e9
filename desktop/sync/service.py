"""Sync as the app runs it: from the policy file, once or periodically.

    result = sync_once(load_policy())              # UpdateResult, or raises SyncError
    Scheduler(policy).run(stop_event)              # every interval, with jitter and back-off

Snapshots are fetched with the fleet's enrolment token; statistics go with this
install's own credential, obtained with it (both in desktop.sync.credentials). Periodic
sync spreads clients over the interval (±20 % jitter) and backs off exponentially after
failures (honouring the server's Retry-After), so a server outage does not end in a
thundering herd.
"""
from __future__ import annotations

import logging
import random
import threading
from datetime import datetime
from typing import Callable

import requests

from desktop import paths
from desktop.policy import Policy
import desktop.sync.manifest as mf
from desktop.sync.client import ServerRefused, ServerUnreachable, SyncError
from desktop.sync.credentials import call_as_install, client_for, device_token
from desktop.sync.installer import SnapshotInstaller, UpdateResult, app_check

log = logging.getLogger("desktop.sync")
MIN_RETRY_SECONDS = 30.0


def trusted_keys(policy: Policy) -> list:
    keys = [k for k in policy.sync.public_key.split(",") if k.strip()]
    if not keys:
        raise ServerRefused("sync.public_key is empty: nothing can be verified, so nothing is installed")
    try:
        return [mf.load_public_key(k) for k in keys]
    except mf.ManifestError as exc:
        raise ServerRefused(f"sync.public_key: {exc}") from None


def sync_once(policy: Policy, session: requests.Session | None = None, now: datetime | None = None,
              installer: SnapshotInstaller | None = None) -> UpdateResult:
    """Fetch, verify and install the newest snapshot; raises `SyncError` saying why not."""
    installer = installer or SnapshotInstaller(paths.installed_snapshot(), check=app_check)
    when = datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        client = client_for(policy, session)
        if not policy.sync.kb:
            raise ServerRefused("sync.kb is empty: name the knowledge base to follow in the policy file")
        result = installer.update(client, policy.sync.kb, trusted_keys(policy), now=now)
    except SyncError as exc:
        installer.save_state(last_attempt=when, last_error=str(exc))
        raise
    installer.save_state(last_attempt=when, last_success=when, last_error="", last_result=result.message)
    return result


def upload_stats(policy: Policy, session: requests.Session | None = None) -> str:
    """Send pending usage statistics if the policy allows; a line for people. Never raises:
    statistics must not fail a sync."""
    if not policy.privacy.stats or not policy.sync.url:
        return ""
    from desktop.sync.stats import UsageStats

    try:
        sent = call_as_install(policy, UsageStats(paths.state_db()).upload, session)
    except Exception as exc:  # noqa: BLE001 - reported, retried next cycle
        return f"statistics not sent: {exc}"
    return f"{sent} statistics batch(es) sent"


def run_cycle(policy: Policy, session: requests.Session | None = None) -> UpdateResult:
    """What the app does every interval: update the snapshot, then send statistics
    (also when the update failed: they do not depend on it)."""
    try:
        return sync_once(policy, session)
    finally:
        note = upload_stats(policy, session)
        if note:
            log.info("%s", note)


def health(policy: Policy, installer: SnapshotInstaller | None = None,
           now: datetime | None = None) -> list[str]:
    """What is wrong with sync on this machine, for `doctor`: [] when all is well."""
    if not policy.sync.url:
        return []                                     # sync not deployed: nothing to check
    installer = installer or SnapshotInstaller(paths.installed_snapshot())
    now = now or datetime.now().astimezone()
    problems = []
    if not policy.sync.public_key.strip():
        problems.append("sync.public_key is empty: no snapshot can be verified, so none is installed")
    if not policy.sync.kb:
        problems.append("sync.kb is empty: name the knowledge base to follow")
    if not device_token():
        problems.append("no enrolment token: run `python -m desktop sync --enrol`")
    installed = installer.installed()
    if installed and mf.parse_time(installed.expires) <= now:
        problems.append(f"the installed knowledge base expired at {installed.expires}")
    state = installer.state()
    if state.get("last_error"):
        last = state.get("last_success") or "never"
        stale = not state.get("last_success") or (
            now - datetime.fromisoformat(state["last_success"])).total_seconds() > 3 * 60 * policy.sync.interval_minutes
        if stale:
            problems.append(f"last successful sync: {last}; last error: {state['last_error']}")
    return problems


def next_delay(interval: float, failures: int, rng: random.Random, retry_after: float | None = None) -> float:
    """Seconds to wait: the interval ±20 % after success; after n failures an
    exponential back-off (30 s, 60 s, … capped at the interval) with full jitter."""
    if failures <= 0:
        return interval * rng.uniform(0.8, 1.2)
    backoff = min(interval, MIN_RETRY_SECONDS * 2 ** (failures - 1))
    delay = rng.uniform(backoff / 2, backoff)
    return max(delay, retry_after or 0.0)


class Scheduler:
    """Runs `job` (default: `run_cycle`) until `stop` is set."""

    def __init__(self, policy: Policy, job: Callable[[], object] | None = None,
                 rng: random.Random | None = None,
                 on_update: Callable[[UpdateResult], None] | None = None) -> None:
        """`on_update(result)` runs (on the scheduler's thread) after a new snapshot was
        installed: the UI re-opens the knowledge base there, through a signal."""
        self.policy = policy
        self.job = job or (lambda: run_cycle(policy))
        self.on_update = on_update
        self.rng = rng or random.Random()
        self.failures = 0

    def step(self) -> float:
        """Run the job once; returns the seconds to wait before the next run."""
        retry_after = None
        try:
            result = self.job()
            self.failures = 0
            if self.on_update and isinstance(result, UpdateResult) and result.changed:
                self.on_update(result)
        except ServerUnreachable as exc:
            self.failures += 1
            retry_after = exc.retry_after
            log.info("sync failed (%s); retrying later", exc)
        except SyncError as exc:
            self.failures += 1
            log.warning("sync failed: %s", exc)
        except Exception:  # noqa: BLE001 - a bug or a hostile reply must not end the sync thread
            self.failures += 1
            log.exception("sync failed unexpectedly; retrying later")
        return next_delay(self.policy.sync.interval_minutes * 60, self.failures, self.rng, retry_after)

    def run(self, stop: threading.Event) -> None:
        # First run spread over a minute so a fleet booting at 9:00 does not arrive at once.
        if stop.wait(self.rng.uniform(0, 60)):
            return
        while not stop.is_set():
            if stop.wait(self.step()):
                return
