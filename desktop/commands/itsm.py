"""`itsm prepare --username ADMIN --password-stdin`: create in the ITSM what the service
catalog needs (for Request Tracker: a custom field per catalog field, applied to each
item's queue). Run once by IT; running it again changes nothing."""
from __future__ import annotations

import argparse
import getpass
import sys

from desktop.commands.ask import _open


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("itsm", help="IT's set-up of the ITSM for the service catalog")
    verbs = parser.add_subparsers(dest="itsm_command", metavar="ACTION", required=True)
    prepare = verbs.add_parser("prepare", help="create the fields the service catalog needs (idempotent)")
    prepare.add_argument("--username", required=True, help="an ITSM administrator")
    prepare.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    prepare.add_argument("--snapshot", help="snapshot file (default: the installed one)")
    prepare.set_defaults(func=run_prepare)


def run_prepare(args: argparse.Namespace) -> int:
    from desktop.engine.requests import catalog
    from desktop.itsm import ItsmError
    from desktop.policy import PolicyError, load_policy

    try:
        policy = load_policy()
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if policy.itsm.kind != "rt":
        print(f"error: `itsm prepare` knows Request Tracker; the policy names {policy.itsm.kind or 'no ITSM'}",
              file=sys.stderr)
        return 2
    kb = _open(args.snapshot)
    if kb is None:
        return 2
    password = sys.stdin.readline().rstrip("\r\n") if args.password_stdin else getpass.getpass("Password: ")
    from desktop.itsm.rt_prepare import prepare_rt

    try:
        done = prepare_rt(policy.itsm.url, args.username, password, catalog(kb).values(), policy.queue_for)
    except ItsmError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        return 1
    for line in done:
        print(line)
    print("nothing to do: the ITSM already has what the catalog needs" if not done else f"{len(done)} change(s)")
    return 0
