"""`request list [--json]` and `request new ITEM --field NAME=VALUE … [--json]`: the service
catalog of the knowledge base, and a request filed from it.

A request names a catalog item (docs/kb-format.md, "Service catalog"); its values are
checked against the item's fields before anything is written: a missing or invalid field
exits 2 naming the field, and nothing is sent. A valid request goes through the outbox like
a ticket (sent now, or queued and sent once the ITSM can be reached), as a request with each
value in its own ITSM field (RT: one ticket custom field each; `itsm prepare` makes them).
"""
from __future__ import annotations

import argparse
import json
import sys

from desktop.commands.ask import _open


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("request", help="the service catalog: list items, file a request")
    verbs = parser.add_subparsers(dest="request_command", metavar="ACTION", required=True)
    listing = verbs.add_parser("list", help="what can be requested, and each item's fields")
    listing.add_argument("--json", action="store_true", help="print the catalog as JSON")
    listing.add_argument("--lang", help="only the items in this language")
    listing.add_argument("--snapshot", help="snapshot file (default: the installed one)")
    listing.set_defaults(func=run_list)
    new = verbs.add_parser("new", help="file a request for a catalog item")
    new.add_argument("item", help="the catalog item's id (see `request list`)")
    new.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help="a field's value (repeat)")
    new.add_argument("--requestor", help="e-mail of the person the request is for (default: you)")
    new.add_argument("--json", action="store_true", help="print the result as JSON")
    new.add_argument("--snapshot", help="snapshot file (default: the installed one)")
    new.set_defaults(func=run_new)


def run_list(args: argparse.Namespace) -> int:
    from desktop.engine.requests import catalog

    kb = _open(args.snapshot)
    if kb is None:
        return 2
    items = [i for i in catalog(kb).values() if not args.lang or i.lang == args.lang]
    if args.json:
        print(json.dumps([i.to_dict() for i in items], ensure_ascii=False))
        return 0
    if not items:
        print("The knowledge base has no service catalog.")
    for item in items:
        print(f"{item.id}  ({item.lang})  {item.title}")
        for f in item.fields:
            extra = f" — one of: {', '.join(f['choices'])}" if f.get("choices") else ""
            when = f" — only when {f['when']['field']} is {' or '.join(f['when']['is'])}" if f.get("when") else ""
            print(f"    {f['name']:<18} {f['type']:<9} {'required' if f['required'] else 'optional'}  "
                  f"{f['label']}{extra}{when}")
    return 0


def _given(pairs: list[str]) -> tuple[dict[str, str], list[str]]:
    given, bad = {}, []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            bad.append(pair)
        else:
            given[name.strip()] = value
    return given, bad


def run_new(args: argparse.Namespace) -> int:
    from desktop.engine.requests import catalog, check_values
    from desktop.itsm import Context, ItsmError, Ticket
    from desktop.itsm.service import TicketService
    from desktop.policy import PolicyError

    kb = _open(args.snapshot)
    if kb is None:
        return 2
    item = catalog(kb).get(args.item)
    if item is None:
        print(f"error: no catalog item '{args.item}' (see `request list`)", file=sys.stderr)
        return 2
    given, bad = _given(args.field)
    if bad:
        print(f"error: --field {bad[0]!r}: write NAME=VALUE", file=sys.stderr)
        return 2
    values, errors = check_values(item, given)
    if errors:
        for name, problem in errors.items():
            print(f"error: field {name}: {problem}", file=sys.stderr)
        if args.json:
            print(json.dumps({"status": "invalid", "errors": errors}, ensure_ascii=False))
        return 2
    labels = {f["name"]: f["label"] for f in item.fields}
    description = "\n".join(f"{labels[name]}: {value}" for name, value in values.items())
    try:
        service = TicketService.from_environment()
        entry = service.submit(Ticket(subject=item.title, description=description, team=item.team,
                                      requestor=args.requestor or "", context=Context.gather(kb_version=str(kb.info.version)),
                                      kind="request", item=item.id, fields=tuple(values.items()),
                                      approval=item.approval))
    except (PolicyError, ItsmError) as exc:
        print(f"error: {getattr(exc, 'user_message', exc)}", file=sys.stderr)
        return 2
    status = "sent" if entry.state == "sent" else entry.state
    if args.json:
        print(json.dumps({"id": entry.remote_id or entry.key, "status": status, "key": entry.key, "item": item.id,
                          "queue": entry.ticket.queue, "fields": values, "error": entry.last_error or None},
                         ensure_ascii=False))
    elif status == "sent":
        print(f"Request {entry.remote_id} filed in {entry.ticket.queue}.")
    elif status == "queued":
        print(f"Request saved and queued ({entry.last_error or 'will be sent shortly'}); it will be sent automatically.")
    else:
        print(f"error: the ITSM refused the request: {entry.last_error}", file=sys.stderr)
        return 1
    return 0 if status in ("sent", "queued") else 1
