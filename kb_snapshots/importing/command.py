"""`python -m kb_snapshots import SOURCE … --output DIR`: existing knowledge brought in as
draft articles of a KB source tree (docs/kb-format.md), which `build` accepts.

    import folder PATH [--base-url URL]                  HTML, Markdown, .docx, .txt files
    import rt --url URL --username U --password-stdin    Request Tracker's Articles (REST2)
    import servicenow --url URL --username U --password-stdin   Table API kb_knowledge
    import zammad --url URL (--username U --password-stdin | --token-stdin)   knowledge base API
    import glpi --url URL (--username U --password-stdin | --token-stdin) [--app-token-stdin]

Secrets are read from standard input, never from the command line (which other users of
the machine can see). Each source lives in its own module and returns `Draft`s;
`draft.write_source` writes them.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from kb_snapshots.importing.draft import write_source

# source -> (module, function, needs a URL, help)
SOURCES = {
    "folder": ("kb_snapshots.importing.folder", "read_folder", False,
               "a folder of HTML, Markdown, Word (.docx) and text files"),
    "rt": ("kb_snapshots.importing.rt", "read_rt", True, "Request Tracker's Articles (REST2)"),
    "servicenow": ("kb_snapshots.importing.servicenow", "read_servicenow", True,
                   "ServiceNow knowledge articles (Table API kb_knowledge), published only"),
    "zammad": ("kb_snapshots.importing.zammad", "read_zammad", True,
               "Zammad knowledge base answers, published only"),
    "glpi": ("kb_snapshots.importing.glpi", "read_glpi", True, "GLPI knowledge base items (KnowbaseItem)"),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="bring existing knowledge in as draft articles")
    sources = p.add_subparsers(dest="source", metavar="SOURCE", required=True)
    for name, (_, _, remote, description) in SOURCES.items():
        s = sources.add_parser(name, help=description, description=description)
        if remote:
            s.add_argument("--url", required=True, help="the server's address, e.g. https://rt.example.com")
            s.add_argument("--username", "-u", help="an account that may read the knowledge base")
            s.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
            s.add_argument("--token-stdin", action="store_true", help="read an API token from standard input")
            if name == "glpi":
                s.add_argument("--app-token-stdin", action="store_true",
                               help="GLPI's App-Token, if the API client needs one: the next line of standard input")
        else:
            s.add_argument("path", type=Path, help="the folder to import")
            s.add_argument("--base-url", default="", help="where the folder was published (https://intranet/it/): "
                                                          "relative links are made absolute against it")
        s.add_argument("--output", "-o", type=Path, required=True,
                       help="KB source folder to write the drafts into (made if missing)")
        s.set_defaults(func=run_import)


def _credentials(args: argparse.Namespace, secrets: list[str]) -> tuple[dict, str]:
    """The reader's keyword arguments from the options and standard input (one secret a
    line: the password or token, then GLPI's App-Token), or what is wrong with them."""
    if args.password_stdin and args.token_stdin:
        return {}, "give --password-stdin or --token-stdin, not both"
    if args.password_stdin and not args.username:
        return {}, "--password-stdin needs --username"
    if args.username and not args.password_stdin:
        return {}, "--username needs --password-stdin (the password is read from standard input)"
    lines = 1 if (args.password_stdin or args.token_stdin) else 0
    lines += 1 if getattr(args, "app_token_stdin", False) else 0
    secrets += [sys.stdin.readline().rstrip("\r\n") for _ in range(lines)]
    if not all(secrets):
        return {}, f"expected {lines} line(s) on standard input (the secrets), got fewer"
    options: dict = {}
    if args.token_stdin:
        options["token"] = secrets[0]
    elif args.password_stdin:
        options["auth"] = (args.username, secrets[0])
    if getattr(args, "app_token_stdin", False):
        options["app_token"] = secrets[-1]
    return options, ""


def run_import(args: argparse.Namespace) -> int:
    module_name, function, remote, _ = SOURCES[args.source]
    reader = getattr(importlib.import_module(module_name), function)
    skipped: list[str] = []
    secrets: list[str] = []
    try:
        if remote:
            options, problem = _credentials(args, secrets)
            if problem:
                print(f"error: {problem}", file=sys.stderr)
                return 2
            drafts = reader(args.url, **options)
        else:
            if not args.path.is_dir():
                print(f"error: {args.path} is not a folder", file=sys.stderr)
                return 1
            drafts, skipped = reader(args.path, base_url=args.base_url)
    except Exception as exc:  # noqa: BLE001 - every failure of a source is told in one line
        from desktop.itsm.errors import ItsmError  # noqa: PLC0415

        if not isinstance(exc, (ItsmError, OSError, ValueError)):
            raise
        message = str(exc)
        for secret in secrets:
            message = message.replace(secret, "***")
        print(f"error: {message}; nothing was written", file=sys.stderr)
        return 1
    for line in skipped:
        print(f"skipped {line}", file=sys.stderr)
    if not drafts:
        print(f"nothing to import from {getattr(args, 'url', None) or args.path}", file=sys.stderr)
        return 1
    written = write_source(drafts, args.output)
    print(f"wrote {len(written)} draft article(s) to {args.output}; read them, then remove "
          "'status: draft' from each one ready for employees")
    return 0
