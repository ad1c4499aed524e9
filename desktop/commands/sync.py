"""`sync [--status] [--enrol] [--json]`: bring the knowledge base up to date now.

    python -m desktop sync             # fetch, verify, install; exit 0, or 1 with the reason
    python -m desktop sync --status    # installed version, expiry, last attempt and error
    python -m desktop sync --enrol < token.txt   # store the fleet's enrolment token

Statistics (when the policy allows them) are uploaded in the same run.
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop import paths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("sync", help="update the offline knowledge base from the sync server now")
    parser.add_argument("--status", action="store_true", help="show what is installed and the last sync result")
    parser.add_argument("--enrol", action="store_true",
                        help="read the device enrolment token from standard input and store it in the keyring")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop.policy import PolicyError, load_policy
    from desktop.sync.client import SyncError
    from desktop.sync.installer import SnapshotInstaller, app_check
    from desktop.sync.credentials import store_device_token
    from desktop.sync.service import sync_once, upload_stats

    if args.enrol:
        token = sys.stdin.readline().strip()
        if not token:
            print("error: no token on standard input", file=sys.stderr)
            return 2
        try:
            store_device_token(token)
        except Exception as exc:  # noqa: BLE001 - any keyring failure is reported as is
            print(f"error: cannot store the token in the OS keyring: {exc}", file=sys.stderr)
            return 1
        print("enrolment token stored in the keyring")
        return 0
    installer = SnapshotInstaller(paths.installed_snapshot(), check=app_check)
    if args.status:
        return _status(installer, args.json)
    try:
        policy = load_policy()
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report: dict = {}
    code = 0
    try:
        result = sync_once(policy, installer=installer)
        report.update(status="updated" if result.changed else "unchanged", version=result.version,
                      message=result.message, bytes=result.bytes_received)
    except SyncError as exc:
        installed = installer.installed()
        report.update(status="failed", message=str(exc), version=installed.version if installed else None)
        code = 1
    stats = upload_stats(policy)
    if stats:
        report["stats"] = stats
    if args.json:
        print(json.dumps(report, indent=2))
    elif code:
        print(f"sync failed: {report['message']}\nthe installed knowledge base stays in use", file=sys.stderr)
    else:
        print(report["message"])
    return code


def _status(installer, as_json: bool) -> int:
    installed = installer.installed()
    state = installer.state()
    info = {"installed_version": installed.version if installed else None,
            "expires": installed.expires if installed else None,
            "kb": installed.kb if installed else None,
            "path": str(installer.target),
            "last_attempt": state.get("last_attempt"), "last_success": state.get("last_success"),
            "last_error": state.get("last_error", "")}
    if as_json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key.replace('_', ' ')}: {value if value not in (None, '') else '-'}")
    return 0
