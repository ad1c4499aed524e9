"""`tickets [--json] [--offline]`: your tickets and their status.

Unless `--offline`, queued tickets are sent first and statuses are refreshed from the ITSM.
The status words and the "last update" (the ITSM's own time) are the ones My tickets
shows. When the ITSM cannot be reached, the list is the stored one and says so:
"as of HH:MM (helpdesk unreachable)". Fetching here never uses up a tray notification:
the app still tells the user about a change this command saw first.
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop.commands import open_ticket_service


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tickets", help="list your tickets and their status")
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.add_argument("--offline", action="store_true",
                        help="do not contact the ITSM; show what is stored locally")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop.itsm import ItsmError
    from desktop.itsm.model import status_words
    from desktop.itsm.times import as_of_text, last_update

    service = open_ticket_service()
    if service is None:
        return 2
    warning = ""
    if not args.offline and service.config.kind:
        try:
            service.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
            service.refresh()
        except ItsmError as exc:
            warning = f"could not refresh from the ITSM: {exc.user_message}"
    freshness = service.freshness()
    as_of = "" if freshness.reachable else as_of_text(freshness.as_of) or "never"
    entries = service.tickets()
    if args.json:
        print(json.dumps([{**e.to_dict(), "status_text": status_words(e.status),
                           "last_update": last_update(e)} for e in entries], ensure_ascii=False))
    elif not entries:
        print("No tickets yet.")
    else:
        if as_of:
            print(f"as of {as_of} (helpdesk unreachable)")
        for e in entries:
            ident = f"#{e.remote_id}" if e.remote_id else f"({e.key[:8]})"
            print(f"{ident:>10}  {status_words(e.status):<21} {last_update(e)}  {e.ticket.subject}")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
