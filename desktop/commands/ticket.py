"""`ticket new --subject S --description D [--team T] [--json]`: file a ticket.

The ticket is written to the outbox first, then sent; if the ITSM cannot be reached it
stays queued and is sent later, exactly once. `ticket send` retries queued tickets now.
Its context records the version of the knowledge base in use, as the window does.
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop.policy import PolicyError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("ticket", help="open a ticket with the helpdesk")
    verbs = parser.add_subparsers(dest="ticket_command", metavar="ACTION", required=True)
    new = verbs.add_parser("new", help="file a new ticket (queued if the ITSM is unreachable)")
    new.add_argument("--subject", required=True, help="one line saying what is wrong")
    new.add_argument("--description", required=True, help="what happened, in your words")
    new.add_argument("--team", help="knowledge-base team the problem belongs to "
                                    "(routes it to that team's queue)")
    new.add_argument("--requestor", help="e-mail of the person the ticket is for "
                                         "(default: your ITSM user)")
    new.add_argument("--no-context", action="append", default=[], metavar="ITEM",
                     help="leave out a context item (hostname, os, ip, free_disk, uptime, "
                          "app_version, kb_version); repeatable")
    new.add_argument("--attach", action="append", default=[], metavar="FILE",
                     help="attach a file (a log, a screenshot); repeatable")
    new.add_argument("--json", action="store_true", help="print the result as JSON")
    new.set_defaults(func=run_new)
    send = verbs.add_parser("send", help="send queued tickets now")
    send.add_argument("--json", action="store_true", help="print the result as JSON")
    send.set_defaults(func=run_send)


def run_new(args: argparse.Namespace) -> int:
    from desktop.itsm import Context, ItsmError, Ticket
    from desktop.itsm.service import TicketService

    if not args.subject.strip():
        print("error: --subject is empty", file=sys.stderr)
        return 2
    try:
        context = Context.gather(kb_version=knowledge_base_version()).without(*args.no_context)
    except KeyError as exc:
        print(f"error: --no-context: {exc.args[0]}", file=sys.stderr)
        return 2
    try:
        attachments = [_read_attachment(path) for path in args.attach]
    except OSError as exc:
        print(f"error: --attach: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        service = TicketService.from_environment()
        entry = service.submit(Ticket(subject=args.subject, description=args.description,
                                      team=args.team, requestor=args.requestor or "",
                                      context=context, attachments=attachments))
    except (PolicyError, ItsmError) as exc:
        print(f"error: {getattr(exc, 'user_message', exc)}", file=sys.stderr)
        return 2
    status = "sent" if entry.state == "sent" else entry.state
    if args.json:
        print(json.dumps({"id": entry.remote_id, "status": status, "key": entry.key,
                          "queue": entry.ticket.queue, "url": entry.remote_url,
                          "error": entry.last_error or None}))
    elif status == "sent":
        print(f"Ticket {entry.remote_id} filed in {entry.ticket.queue}.")
    elif status == "queued":
        print(f"Ticket saved and queued ({entry.last_error or 'will be sent shortly'}); "
              "it will be sent automatically.")
    else:
        print(f"error: the ITSM refused the ticket: {entry.last_error}", file=sys.stderr)
        return 1
    return 0


def knowledge_base_version() -> str:
    """The version of the snapshot the app answers from (as `kb.info.version` in the
    window), or "" when there is none or it cannot be read."""
    from desktop import paths
    from desktop.engine.snapshot import SnapshotError, connect

    try:
        db, info = connect(paths.snapshot_path())
    except (SnapshotError, OSError):
        return ""
    db.close()
    return str(info.version)


def _read_attachment(path: str):
    import mimetypes
    from pathlib import Path

    from desktop.itsm import Attachment

    file = Path(path)
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return Attachment(file.name, kind, file.read_bytes())


def run_send(args: argparse.Namespace) -> int:
    from desktop.itsm import ItsmError
    from desktop.itsm.service import TicketService

    try:
        service = TicketService.from_environment()
        service.outbox.retry_now()
        report = service.send_queued()
    except (PolicyError, ItsmError) as exc:
        print(f"error: {getattr(exc, 'user_message', exc)}", file=sys.stderr)
        return 2
    counts = service.outbox.counts()
    errors = sorted({exc.user_message for exc in report.errors.values()})
    if args.json:
        print(json.dumps({"sent": [e.remote_id for e in report.sent],
                          "queued": counts.get("queued", 0), "failed": counts.get("failed", 0),
                          "errors": errors}))
    else:
        print(f"{len(report.sent)} sent, {counts.get('queued', 0)} still queued, "
              f"{counts.get('failed', 0)} refused by the ITSM.")
        for error in errors:
            print(f"  {error}")
    return 0 if not counts.get("queued") else 1
