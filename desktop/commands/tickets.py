"""`tickets [--json] [--offline]`: your tickets and their status.

Unless `--offline`, queued tickets are sent first and statuses are refreshed from the ITSM.
"""
from __future__ import annotations

import argparse
import json
import sys
import time

from desktop.commands import open_ticket_service


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tickets", help="list your tickets and their status")
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.add_argument("--offline", action="store_true",
                        help="do not contact the ITSM; show what is stored locally")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from desktop.itsm import ItsmError

    service = open_ticket_service()
    if service is None:
        return 2
    warning = ""
    if not args.offline and service.config.kind:
        try:
            service.send_queued()
            service.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
            service.refresh_status()
        except ItsmError as exc:
            warning = f"could not refresh from the ITSM: {exc.user_message}"
    entries = service.tickets()
    if args.json:
        print(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
    elif not entries:
        print("No tickets yet.")
    else:
        for e in entries:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(e.created_at))
            status = e.remote_status if e.state == "sent" else e.state
            ident = f"#{e.remote_id}" if e.remote_id else f"({e.key[:8]})"
            print(f"{ident:>10}  {status:<9} {when}  {e.ticket.subject}")
    if warning:
        print(f"warning: {warning}", file=sys.stderr)
    return 0
