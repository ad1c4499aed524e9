"""`ask "text" [--json] [--lang en|fr]`: answer one question from the local snapshot."""
from __future__ import annotations

import argparse
import json
import sys

from desktop import paths


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ask", help="answer a question from the offline knowledge base")
    parser.add_argument("text", help="the question, in your own words")
    parser.add_argument("--lang", choices=["en", "fr"], help="language of the question (default: detect)")
    parser.add_argument("--json", action="store_true", help="print the reply as JSON")
    parser.add_argument("--snapshot", help="snapshot file (default: the installed one)")
    parser.set_defaults(func=run)


def _open(snapshot: str | None):
    from desktop.engine import KnowledgeBase, SnapshotError

    path = snapshot or str(paths.snapshot_path())
    try:
        kb = KnowledgeBase.open(path)
    except SnapshotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    for warning in kb.warnings:        # e.g. vectors from another model: lexical matching only
        print(f"warning: {warning}", file=sys.stderr)
    return kb


def run(args: argparse.Namespace) -> int:
    from desktop.engine import SnapshotError

    kb = _open(args.snapshot)
    if kb is None:
        return 2
    try:
        reply = kb.ask(args.text, lang=args.lang, prefer=session_language())
        output = (json.dumps(reply.to_dict(), ensure_ascii=False, indent=2) if args.json
                  else render_reply(kb, reply))
    except SnapshotError as exc:       # damage found past the metadata, e.g. a page mid-file
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(output)
    return 0


def session_language() -> str:
    """The language the employee uses the app in (as the window does): the setting, else
    the system's. A question too short to tell ("wifi") is answered in it."""
    from desktop.engine.language import system_language
    from desktop.ui.settings import Settings

    try:
        setting = Settings.load(paths.data_home()).language
    except Exception:  # noqa: BLE001 - unreadable settings: the system's language
        setting = ""
    return setting or system_language()


def _variables(kb) -> dict[str, str]:
    """The same values the window fills in: this machine, the account and the policy."""
    from desktop.engine.variables import policy_variables
    from desktop.policy import PolicyError, load_policy

    try:
        policy = load_policy()
    except PolicyError as exc:
        print(f"warning: {exc}", file=sys.stderr)
        policy = None
    return policy_variables(kb, policy)


def render_reply(kb, reply, values: dict[str, str] | None = None) -> str:
    """Plain-text rendering of a reply for the terminal."""
    if reply.kind == "answer":
        hit = reply.hits[0]
        if hit.kind == "article":
            article = kb.article(hit.id)
            body = kb.render(article.body, _variables(kb) if values is None else values, lang=article.lang)
            return f"{article.title}\n{'=' * len(article.title)}\n\n{body}"
        return f"{hit.title}\n(guided troubleshooting: open the assistant to walk through it)"
    if reply.kind == "choose":
        lines = [reply.message]
        lines += [f"  {n}. {hit.title}" for n, hit in enumerate(reply.hits, 1)]
        return "\n".join(lines)
    return reply.message


def interactive() -> int:
    """A question loop on the terminal, for machines without a tray."""
    from desktop.engine import SnapshotError

    kb = _open(None)
    if kb is None:
        return 2
    print(f"{kb.info.name} — ask an IT question (empty line or Ctrl-D to quit).")
    values, prefer = _variables(kb), session_language()
    while True:
        try:
            text = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not text:
            return 0
        try:
            print(render_reply(kb, kb.ask(text, prefer=prefer), values))
        except SnapshotError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print()
