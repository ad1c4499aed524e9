"""`itsm prepare` for Request Tracker: the custom fields the service catalog needs, each
applied to the queue of every item that uses it. Run once by IT with an RT admin account;
running it again changes nothing.

    done = prepare_rt("https://rt.example.com", "root", password, items, queue_for)
    # ["created custom field needed_by", "applied needed_by to queue Workplace", …]

RT's REST2 creates custom fields (`POST /customfield`) but cannot apply one to a queue, so
that one step goes through RT's own admin page (`/Admin/CustomFields/Objects.html`), signed
in with the same account, as an administrator would click it.
"""
from __future__ import annotations

from typing import Callable, Iterable
from urllib.parse import urlsplit

import requests

from desktop.itsm.errors import AuthError, BadResponse, Unavailable
from desktop.itsm.rt import CATALOG_ITEM_FIELD

LOOKUP = "RT::Queue-RT::Ticket"
TIMEOUT = 30


def _needed(items: Iterable, queue_for: Callable[[str | None], str]) -> dict[str, tuple[str, str, set[str]]]:
    """custom field name -> (RT type, description, queues)."""
    needed: dict[str, tuple[str, str, set[str]]] = {}
    for item in items:
        queue = queue_for(item.team)
        fields = [{"name": CATALOG_ITEM_FIELD, "label": "Service catalog item", "type": "text"}, *item.fields]
        for field in fields:
            kind = "Text" if field["type"] == "long_text" else "Freeform"
            _, description, queues = needed.setdefault(field["name"], (kind, field["label"], set()))
            queues.add(queue)
    return needed


def prepare_rt(url: str, username: str, password: str, items: Iterable,
               queue_for: Callable[[str | None], str], session: requests.Session | None = None) -> list[str]:
    base = url.rstrip("/")
    http = session or requests.Session()
    rest = f"{base}/REST/2.0"
    auth = (username, password)

    def call(method: str, path: str, **options) -> requests.Response:
        try:
            reply = http.request(method, f"{rest}{path}", auth=auth, timeout=TIMEOUT, **options)
        except requests.RequestException as exc:
            raise Unavailable(f"Request Tracker at {base} does not answer ({exc.__class__.__name__})") from None
        if reply.status_code in (401, 403):
            raise AuthError(f"Request Tracker refused {username}: an RT administrator's account is needed")
        return reply

    done: list[str] = []
    queues: dict[str, dict] = {}
    for name, (kind, description, wanted) in sorted(_needed(items, queue_for).items()):
        found = call("POST", "/customfields", json=[{"field": "Name", "value": name},
                                                    {"field": "LookupType", "value": LOOKUP}]).json()
        hits = found.get("items") if isinstance(found, dict) else None
        if hits:
            cf_id = int(hits[0]["id"])
        else:
            made = call("POST", "/customfield", json={"Name": name, "Type": kind, "MaxValues": 1, "LookupType": LOOKUP,
                                                      "Description": description[:250]})
            if made.status_code != 201:
                raise BadResponse(f"RT did not create the custom field {name}: {made.text[:200]}")
            cf_id = int(made.json()["id"])
            done.append(f"created custom field {name}")
        for queue in sorted(wanted):
            if queue not in queues:
                reply = call("GET", f"/queue/{requests.utils.quote(queue, safe='')}")
                if reply.status_code != 200:
                    raise BadResponse(f"RT has no queue named {queue!r} (the policy's [itsm.teams] names it)")
                queues[queue] = reply.json()
            applied = {int(cf["id"]) for cf in queues[queue].get("TicketCustomFields") or [] if str(cf.get("id", "")).isdigit()}
            if cf_id in applied:
                continue
            _apply(http, base, auth, cf_id, int(queues[queue]["id"]))
            queues[queue].setdefault("TicketCustomFields", []).append({"id": str(cf_id)})
            done.append(f"applied {name} to queue {queue}")
    return done


def _apply(http: requests.Session, base: str, auth: tuple[str, str], cf_id: int, queue_id: int) -> None:
    """Apply a custom field to a queue through RT's admin page, signed in as `auth`."""
    http.post(f"{base}/", data={"user": auth[0], "pass": auth[1]}, timeout=TIMEOUT, headers={"Referer": f"{base}/"})
    session = next((c for c in http.cookies if c.name.startswith("RT_SID")), None)
    if session is None:
        raise AuthError(f"Request Tracker's web sign-in refused {auth[0]}")
    parts = urlsplit(base)
    web = f"{parts.scheme}://{parts.netloc}{(session.path or '/').rstrip('/')}"     # RT's WebPath
    # RT normally serves its pages under its WebPath; some set-ups serve it at the REST address
    # while the cookie names the WebPath: the cookie is then given by hand.
    for root in dict.fromkeys((web, base)):
        page = f"{root}/Admin/CustomFields/Objects.html"
        reply = http.post(page, timeout=TIMEOUT, allow_redirects=False,
                          headers={"Referer": f"{page}?id={cf_id}", "Cookie": f"{session.name}={session.value}"},
                          data={"id": cf_id, "UpdateObjs": 1, f"AddCustomField-{cf_id}": queue_id})
        if reply.status_code == 200:
            return
    raise BadResponse(f"RT did not apply custom field {cf_id} to queue {queue_id} (HTTP {reply.status_code})")
