"""`doctor [--json] [--timeout S]`: check this installation and say what is wrong.

    helpdesk-assistant doctor            # one line per check: ok / warning / failed / skipped
    helpdesk-assistant doctor --json     # the same, machine-readable, for IT to collect

Exit 0 when no check failed (warnings and skipped parts included), 1 when one did; the
last line (or "failed" in the JSON) names the failed checks. The checks themselves live
in `desktop/doctor.py`.
"""
from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone

MARKS = {"ok": "ok", "warning": "WARNING", "failed": "FAILED", "skipped": "skipped"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="check the installation (policy, keyring, snapshot, sync, ITSM, disk)",
        description="Check this installation and print one line per part. Exits 1 when a check "
                    "failed, naming it; unconfigured optional parts are 'skipped'.")
    parser.add_argument("--json", action="store_true", help="print a machine-readable report")
    parser.add_argument("--timeout", type=float, default=5.0,
                        help="seconds to wait for the sync server and the ITSM (default: 5)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop import __version__
    from desktop.doctor import FAILED, WARNING, run_checks

    checks = run_checks(timeout=args.timeout, extra=_extra_checks())
    failed = [c.name for c in checks if c.status == FAILED]
    warnings = [c.name for c in checks if c.status == WARNING]
    overall = "failed" if failed else "warning" if warnings else "ok"
    if args.json:
        print(json.dumps({
            "app": "helpdesk-assistant", "version": __version__,
            "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "status": overall, "failed": failed, "warnings": warnings,
            "checks": [c.to_dict() for c in checks],
        }, indent=2, ensure_ascii=False))
    else:
        width = max(len(c.name) for c in checks)
        for check in checks:
            print(f"{MARKS[check.status]:<8} {check.name:<{width}}  {check.message}")
        if failed:
            print(f"\n{len(failed)} check(s) failed: {', '.join(failed)}")
        else:
            print(f"\nall checks passed{f' ({len(warnings)} warning(s))' if warnings else ''}")
    return 1 if failed else 0


def _extra_checks() -> list:
    """Checks that live beside their feature (the app-update notice) when present."""
    try:
        from desktop.app_update import check_app_update
    except ImportError:
        return []
    return [check_app_update]
