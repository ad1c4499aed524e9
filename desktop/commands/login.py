"""`login --username U --password-stdin`: check a credential with the ITSM, then keep it.

The password or token is read from standard input (never from the command line, where
other users could see it). Wrong credentials: a clear message, exit 1, nothing stored.
"""
from __future__ import annotations

import argparse
import getpass
import sys

from desktop.commands import open_ticket_service


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "login", help="check and store your ITSM user name and password or token",
        description="Check a user name and password (or token) with the ITSM named in the "
                    "policy file, then store it in the OS keyring.")
    parser.add_argument("--username", help="ITSM user name (default: the policy's itsm.username)")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password or token from standard input")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop.itsm import ItsmError

    service = open_ticket_service()
    if service is None:
        return 2
    username = args.username or service.policy.itsm.username
    if not username:
        print("error: give --username (the policy file names no itsm.username)", file=sys.stderr)
        return 2
    if args.password_stdin:
        secret = sys.stdin.readline().rstrip("\r\n")
    else:
        secret = getpass.getpass(f"Password or token for {username}: ")
    try:
        result = service.login(username, secret)
    except ItsmError as exc:
        print(f"error: login failed: {exc.user_message}. Nothing was stored.", file=sys.stderr)
        return 1
    if result.warning:
        print(f"warning: {result.warning}", file=sys.stderr)
        print(f"Logged in to {service.config.url} as {username} (this session only).")
    else:
        print(f"Logged in to {service.config.url} as {username}; "
              "the password is in the system keyring.")
    return 0
