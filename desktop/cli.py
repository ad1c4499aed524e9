"""The `python -m desktop` command line.

With no verb it starts the tray app. Each verb lives in its own module under
`desktop/commands/` exposing `register(subparsers)`; the module sets `func` on its
parser, which returns the exit code.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from desktop import __version__

# Modules under desktop/commands/, in the order their verbs are listed in --help.
COMMAND_MODULES = ["ask", "login", "ticket", "request", "tickets", "account", "sync", "itsm", "doctor"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m desktop",
        description="Helpdesk Assistant: IT help from the system tray. "
                    "With no command, starts the tray app.",
    )
    parser.add_argument("--version", action="version", version=f"Helpdesk Assistant {__version__}")
    parser.add_argument("--minimised", action="store_true",
                        help="start in the tray without opening a window (used at login)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"desktop.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command != "doctor":          # doctor reports a broken policy as one of its checks
        problem = policy_problem()
        if problem:
            print(f"error: {problem}\nThe policy file is written by IT; `helpdesk-assistant doctor` "
                  "checks the whole installation.", file=sys.stderr)
            return 2
    if args.command is None:
        return _start_app(minimised=args.minimised)
    return int(args.func(args) or 0)


def policy_problem() -> str:
    """The policy file's first error (naming the key), or '' when it is valid or absent."""
    from desktop.policy import PolicyError, load_policy

    try:
        load_policy()
    except PolicyError as exc:
        return str(exc)
    return ""


def _start_app(minimised: bool = False) -> int:
    if _headless():
        from desktop.commands.ask import interactive
        print("No graphical display here (DISPLAY and WAYLAND_DISPLAY are not set): "
              "answering in the terminal instead.", file=sys.stderr)
        return interactive()
    try:
        from desktop.ui.app import run  # noqa: PLC0415 - Qt is only loaded for the tray app
    except ImportError:
        # No tray UI yet in this build: the interactive question loop stands in.
        from desktop.commands.ask import interactive
        return interactive()
    return run(minimised=minimised)


def _headless() -> bool:
    """A Linux session with no screen at all (SSH, CI): the tray app could not start."""
    return (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


if __name__ == "__main__":
    sys.exit(main())
