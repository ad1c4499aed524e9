"""The health checks behind `python -m desktop doctor`: one function per check, no Qt.

    >>> report = run_checks(timeout=5)
    >>> [c.name for c in report if c.status == FAILED]
    ['itsm']

Each check returns a `Check` whose `status` is "ok", "warning", "failed" or "skipped"
(an optional part the policy does not configure) and whose `message` says why, in words
IT can act on. No check raises: whatever goes wrong becomes a "failed" line.
"""
from __future__ import annotations

import os
import platform
import shutil
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from desktop import __version__, paths
from desktop.policy import Policy, PolicyError, load_policy, policy_path

OK, WARNING, FAILED, SKIPPED = "ok", "warning", "failed", "skipped"
DISK_FAILED_BYTES = 50 * 1024 * 1024       # below this the next snapshot cannot be installed
DISK_WARNING_BYTES = 500 * 1024 * 1024
EXPIRY_WARNING = timedelta(days=7)
PROBE_QUESTION = "I forgot my password"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "message": self.message, "details": self.details}


def check_version() -> Check:
    frozen = bool(getattr(sys, "frozen", False))
    where = f"installed bundle {Path(sys.executable).parent}" if frozen else "from source"
    return Check("version", OK, f"Helpdesk Assistant {__version__} ({where}, Python {platform.python_version()})",
                 {"version": __version__, "frozen": frozen, "python": platform.python_version(),
                  "platform": platform.platform()})


def check_policy() -> tuple[Check, Policy | None]:
    """The policy file is valid; the `Policy` is returned for the other checks."""
    path = policy_path()
    try:
        policy = load_policy(path)
    except PolicyError as exc:
        return Check("policy", FAILED, str(exc), {"path": str(path) if path else None}), None
    if path is None:
        return Check("policy", WARNING, "no policy file (/etc/helpdesk-assistant/policy.toml or HELPDESK_POLICY): "
                     "built-in defaults, no ITSM and no sync", {"path": None}), policy
    parts = [f"itsm {policy.itsm.kind} {policy.itsm.url}" if policy.itsm.kind else "no ITSM",
             f"sync {policy.sync.url}" if policy.sync.url else "no sync"]
    return Check("policy", OK, f"{path}: valid ({', '.join(parts)})", {"path": str(path)}), policy


def itsm_username(policy: Policy) -> str:
    """The ITSM user doctor checks: the policy's, else the one last logged in."""
    import json

    if policy.itsm.username:
        return policy.itsm.username
    try:
        account = json.loads((paths.data_home() / "itsm_account.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    return account.get("username", "") if account.get("url") == policy.itsm.url.rstrip("/") else ""


class TimedOut(Exception):
    """A call that did not return in time (e.g. a locked keyring waiting for a prompt)."""


def within(seconds: float, fn: Callable[[], Any]) -> Any:
    """`fn()` in a daemon thread; TimedOut if it takes longer than `seconds`. A keyring
    that wants to show an unlock prompt must not hang a doctor run remotely."""
    import threading

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller
            result["error"] = exc

    worker = threading.Thread(target=run, daemon=True, name="doctor-call")
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise TimedOut(f"no answer within {seconds:g} s")
    if "error" in result:
        raise result["error"]
    return result.get("value")


def check_keyring(policy: Policy, timeout: float = 5.0) -> Check:
    import keyring

    from desktop.itsm.credentials import CredentialStore
    from desktop.itsm.errors import LOGIN_COMMAND

    try:
        store = CredentialStore(keyring.get_keyring())
    except Exception as exc:  # noqa: BLE001 - a broken keyring set-up is a finding, not a crash
        return Check("keyring", FAILED, f"the keyring cannot be used: {type(exc).__name__}: {exc}")
    backend = type(store.backend)
    details: dict[str, Any] = {"backend": f"{backend.__module__}.{backend.__name__}", "secure": store.secure}
    name = details["backend"]
    if not store.secure:
        return Check("keyring", WARNING, f"{name} is not a secure keyring: passwords are kept for the session only "
                     "(install/unlock a Secret Service, Keychain or Credential Manager)", details)
    if not policy.itsm.kind or getattr(_backend_class(policy), "needs_credential", True) is False:
        return Check("keyring", OK, f"{name} (secure)", details)
    username = itsm_username(policy)
    details["username"] = username or None
    if not username:
        return Check("keyring", WARNING, f"{name} (secure); nobody has logged in to the ITSM yet: "
                     f"run `{LOGIN_COMMAND}`", details)
    try:
        stored = within(timeout, lambda: store.load(policy.itsm.url.rstrip("/"), username)) is not None
    except TimedOut as exc:
        return Check("keyring", WARNING, f"{name}: {exc} (locked, waiting for the user to unlock it?)", details)
    except Exception as exc:  # noqa: BLE001 - CredentialStoreError or a backend failure
        return Check("keyring", FAILED, f"{name}: cannot be read: {exc}", details)
    details["credential_stored"] = stored
    if not stored:
        return Check("keyring", WARNING, f"{name} (secure); no credential stored for {username}: "
                     f"run `{LOGIN_COMMAND}`", details)
    return Check("keyring", OK, f"{name} (secure); a credential is stored for {username}", details)


def _backend_class(policy: Policy):
    from desktop.itsm.registry import BACKENDS

    return BACKENDS.get(policy.itsm.kind)


def check_ui() -> Check:
    """The tray app's modules import (Qt and its libraries, every window)."""
    try:
        from desktop.ui.app import WINDOW_MODULES, import_windows
        import_windows()
    except Exception as exc:  # noqa: BLE001 - ImportError, OSError from a missing Qt library...
        return Check("ui", FAILED, f"the tray app cannot start: {type(exc).__name__}: {exc}")
    return Check("ui", OK, f"the tray app's {len(WINDOW_MODULES)} window modules import",
                 {"modules": list(WINDOW_MODULES)})


def check_snapshot(policy: Policy, now: datetime | None = None) -> Check:
    """The snapshot in use opens; if sync installed it, its signed manifest still verifies."""
    from desktop.engine import KnowledgeBase, SnapshotError

    now = now or datetime.now(timezone.utc)
    path = paths.snapshot_path()
    source = ("HELPDESK_SNAPSHOT" if os.environ.get("HELPDESK_SNAPSHOT") else
              "installed by sync" if path == paths.installed_snapshot() else "bundled with the app")
    details: dict[str, Any] = {"path": str(path), "source": source}
    try:
        kb = KnowledgeBase.open(path)
        kb.ask(PROBE_QUESTION)                 # loads the indexes and the model: proves the engine works
    except SnapshotError as exc:
        return Check("snapshot", FAILED, str(exc), details)
    except Exception as exc:  # noqa: BLE001 - e.g. the model's engine library is missing from a bundle
        return Check("snapshot", FAILED, f"{path}: the engine cannot answer: {type(exc).__name__}: {exc}", details)
    info = kb.info
    details.update(name=info.name, kb_version=info.version, built_at=info.built_at, model=info.model)
    problems: list[str] = list(kb.warnings)
    status = OK
    if source == "installed by sync":
        status, note = _verify_installed(policy, path, details, now)
        problems.insert(0, note) if status != OK else None
    elif source == "bundled with the app" and policy.sync.url:
        problems.append("sync is configured but has not installed a snapshot yet (the bundled sample is in use)")
    if problems and status == OK:
        status = WARNING
    summary = f"{info.name} version {info.version}, built {info.built_at or 'at an unknown time'} ({source})"
    if "expires" in details:
        summary += f", expires {details['expires']}"
    return Check("snapshot", status, summary + ("; " + "; ".join(problems) if problems else ""), details)


def _verify_installed(policy: Policy, path: Path, details: dict, now: datetime) -> tuple[str, str]:
    from desktop.sync import manifest as mf
    from desktop.sync.installer import SnapshotInstaller

    installer = SnapshotInstaller(path)
    installed = installer.installed()
    if installed is None:
        return FAILED, "it matches no signed manifest (altered or damaged since it was installed)"
    details.update(signed_version=installed.version, expires=installed.expires, sha256=installed.sha256)
    keys = [k for k in policy.sync.public_key.split(",") if k.strip()]
    if not keys:
        return WARNING, "sync.public_key is empty: the signature cannot be checked"
    try:
        trusted = [mf.load_public_key(k) for k in keys]
        envelope = (installer.manifests / f"{installed.sha256}.json").read_bytes()
        mf.verify(envelope, trusted, now=datetime(1970, 1, 1, tzinfo=timezone.utc))   # signature only
    except (OSError, mf.ManifestError) as exc:
        return FAILED, f"signature check failed: {exc}"
    details["signature"] = "verified"
    expires = mf.parse_time(installed.expires)
    if expires <= now:
        return FAILED, f"expired at {installed.expires}: sync has not brought a newer one (see the sync line)"
    if expires - now < EXPIRY_WARNING:
        return WARNING, f"expires soon ({installed.expires}): check that sync works"
    return OK, ""


def check_sync(policy: Policy, timeout: float = 5.0) -> Check:
    if not policy.sync.url:
        return Check("sync", SKIPPED, "no sync server configured (sync.url)")
    import requests

    from desktop.sync.installer import SnapshotInstaller
    from desktop.sync.credentials import device_token
    from desktop.sync.service import health

    url = policy.sync.url.rstrip("/")
    state = SnapshotInstaller(paths.installed_snapshot()).state()
    details = {"url": url, "last_success": state.get("last_success"), "last_error": state.get("last_error") or None}
    try:
        reply = requests.get(f"{url}/healthz", timeout=timeout)
    except requests.RequestException as exc:
        return Check("sync", FAILED, f"cannot reach the sync server {url} within {timeout:g} s: "
                     f"{type(exc).__name__}", details)
    if reply.status_code != 200:
        return Check("sync", FAILED, f"sync server {url} answered {reply.status_code} to /healthz", details)
    try:
        token = within(timeout, device_token)
    except TimedOut as exc:
        return Check("sync", WARNING, f"{url} reachable; the keyring holding the enrolment token gave {exc}", details)
    if not token:
        return Check("sync", WARNING, f"{url} reachable, but no enrolment token: run "
                     "`helpdesk-assistant sync --enrol`", details)
    from desktop.sync.credentials import enrolled_at

    try:        # statistics and bookings use this install's credential (enrolled at first use)
        details["install_enrolled_at"] = within(timeout, lambda: enrolled_at(policy))
    except TimedOut:
        details["install_enrolled_at"] = None
    if policy.sync.kb:
        from desktop.sync.client import SyncClient, SyncError

        try:
            SyncClient(url, token, timeout=timeout).manifest(policy.sync.kb)
        except SyncError as exc:
            return Check("sync", FAILED, f"{url} reachable, but: {exc}", details)
    problems = health(policy)               # the sync client's own list: stale for 3 intervals, expired, …
    if problems:
        return Check("sync", WARNING, f"{url} reachable, token accepted; " + "; ".join(problems), details)
    return Check("sync", OK, f"{url} reachable, token accepted; last sync {details['last_success'] or 'never'}",
                 details)


def check_itsm(policy: Policy, timeout: float = 5.0) -> Check:
    if not policy.itsm.kind:
        return Check("itsm", SKIPPED, "no ITSM configured (itsm.kind)")
    from dataclasses import replace

    from desktop.itsm import AuthError, ItsmError, make_backend
    from desktop.itsm.credentials import CredentialStore
    from desktop.itsm.http import HttpClient
    from desktop.itsm.protocol import BackendConfig

    config = replace(BackendConfig.from_policy(policy), timeout=min(timeout, float(policy.itsm.timeout_seconds)))
    label = f"{config.kind} {config.url}"
    details = {"kind": config.kind, "url": config.url}
    try:
        HttpClient(config.url, timeout=config.timeout, verify=config.verify_tls).request("GET", "")
    except AuthError:
        pass                                    # it answered: reachable
    except ItsmError as exc:
        if exc.status is None or exc.status >= 500:
            return Check("itsm", FAILED, f"cannot reach the ITSM {label}: {exc}", details)
    username = itsm_username(policy)
    try:
        credential = within(timeout, lambda: CredentialStore().load(config.url, username)) if username else None
    except TimedOut as exc:
        return Check("itsm", WARNING, f"{label} reachable; credentials not checked: the keyring gave {exc}", details)
    except ItsmError as exc:                       # CredentialStoreError: the keyring failed
        return Check("itsm", FAILED, f"{label} reachable; {exc}", details)
    try:
        who = make_backend(config, credential).check_credentials()
    except AuthError as exc:
        status = FAILED if username and credential else WARNING
        return Check("itsm", status, f"{label} reachable; {exc}", details)
    except ItsmError as exc:
        return Check("itsm", FAILED, f"{label}: {exc}", details)
    details["user"] = who or username or None
    return Check("itsm", OK, f"{label} reachable, credentials accepted{f' for {who}' if who else ''}", details)


def check_disk() -> Check:
    home = paths.data_home()
    try:
        free = shutil.disk_usage(home).free
        probe = home / ".doctor-write-test"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return Check("disk", FAILED, f"{home}: cannot write: {exc.strerror or exc}", {"path": str(home)})
    details = {"path": str(home), "free_bytes": free}
    text = f"{home}: {free / 2**30:.1f} GiB free"
    if free < DISK_FAILED_BYTES:
        return Check("disk", FAILED, text + ": too little to install the next snapshot", details)
    if free < DISK_WARNING_BYTES:
        return Check("disk", WARNING, text + ": running low", details)
    return Check("disk", OK, text, details)


def run_checks(timeout: float = 5.0, extra: list[Callable[[Policy], Check]] | None = None) -> list[Check]:
    """Every check, in report order. `extra` checks run after the built-in ones."""
    checks = [check_version()]
    policy_check, policy = check_policy()
    checks.append(policy_check)
    if policy is None:
        from desktop.policy import parse_policy

        policy = parse_policy({})   # go on with the defaults so the other parts are still checked
    steps: list[tuple[str, Callable[[], Check]]] = [
        ("keyring", lambda: check_keyring(policy, timeout)), ("ui", check_ui),
        ("snapshot", lambda: check_snapshot(policy)),
        ("sync", lambda: check_sync(policy, timeout)), ("itsm", lambda: check_itsm(policy, timeout)),
        ("disk", check_disk),
    ] + [(fn.__name__.removeprefix("check_"), lambda fn=fn: fn(policy)) for fn in extra or []]
    for name, step in steps:
        try:
            checks.append(step())
        except Exception as exc:  # noqa: BLE001 - a check that crashes is itself a finding
            checks.append(Check(name, FAILED, f"the check crashed: {type(exc).__name__}: {exc}"))
    return checks
