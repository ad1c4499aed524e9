"""`account unlock [--login L]` and `account new-password [--login L]`: the self-service
actions, when IT runs them next to the sync server. A one-time code is mailed to the
address the directory holds for the account; typed here (or read from standard input, one
line, then the new password twice), it unlocks the account or sets the new password,
which is checked against the directory's rules and never shown, logged or stored."""
from __future__ import annotations

import argparse
import getpass
import json
import os
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("account", help="unlock your account or choose a new password yourself")
    verbs = parser.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    for name, action, text in (("unlock", "unlock", "unlock your directory account"),
                               ("new-password", "reset_password", "choose a new password"),
                               ("join-group", "add_to_group", "join a group or distribution list IT allows")):
        verb = verbs.add_parser(name, help=text)
        if action == "add_to_group":
            verb.add_argument("group", help="the group's name")
        verb.add_argument("--login", default="", help="the account (default: yours on this computer)")
        verb.add_argument("--json", action="store_true", help="print the result as JSON")
        verb.set_defaults(func=run, action=action)


def _ask(prompt: str, secret: bool = False) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(prompt) if secret else input(prompt)
    return sys.stdin.readline().rstrip("\r\n")


def run(args: argparse.Namespace) -> int:
    from desktop.policy import PolicyError, load_policy
    from desktop.sync.actions import ActionRefused, SelfService
    from desktop.sync.client import SyncError
    from desktop.sync.credentials import call_as_install

    try:
        policy = load_policy()
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not policy.sync.url:
        print("error: self-service actions go through the helpdesk server, and the policy names none ([sync] url)",
              file=sys.stderr)
        return 2
    login = args.login or os.environ.get("LOGNAME") or getpass.getuser()
    try:
        group = getattr(args, "group", "")
        started = call_as_install(policy, lambda client: SelfService(client).start(args.action, login, group))
        where = started.get("sent_to") or "the e-mail address the directory holds for this account (if it exists)"
        print(f"A code was sent to {where}. It is valid for {int(started.get('expires_in', 600)) // 60} minutes.",
              file=sys.stderr)
        password = ""
        code = _ask("Code: ")
        if args.action == "reset_password":
            password = _ask("New password: ", secret=True)
            if _ask("The same again: ", secret=True) != password:
                print("error: the two passwords differ; nothing was changed", file=sys.stderr)
                return 1
        done = call_as_install(policy, lambda client: SelfService(client).answer(started.get("challenge", ""), code,
                                                                                 password))
    except ActionRefused as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if args.json:
            print(json.dumps({"status": "refused", "message": exc.message, "http": exc.status}))
        return 1
    except SyncError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"status": "done", **done}) if args.json else done.get("message", "Done."))
    return 0
