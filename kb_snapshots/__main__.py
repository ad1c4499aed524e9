"""`python -m kb_snapshots VERB ...`: the knowledge-base admin's command line.

    build SRC --output FILE.sqlite    validate and write a snapshot
    lint SRC                          warnings that do not block a build
    eval SNAPSHOT TESTS.jsonl         run a test file of questions -> expected ids
    stats SNAPSHOT                    what a snapshot holds
    import SOURCE … --output DIR      existing knowledge as draft articles (docs/kb-format.md)

Each verb exits 0 on success and non-zero with `file:line: what is wrong` messages.
Further verbs (keygen, sign, publish) are registered by their own modules.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from kb_snapshots import commands

# Optional verb modules, each exposing register(subparsers); absent ones are skipped.
EXTRA_VERB_MODULES = ["kb_snapshots.signing", "kb_snapshots.browser_key", "kb_snapshots.publish",
                      "kb_snapshots.importing.command"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m kb_snapshots",
                                     description="Build, check and publish Helpdesk Assistant knowledge bases.")
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    commands.register(subparsers)
    for name in EXTRA_VERB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
