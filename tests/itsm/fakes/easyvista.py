"""EasyVista Service Manager REST API, as documented: /api/v1/{account}/requests, search
with `search=field:"value"`, RFC numbers like I251125_000001, 401 `{"error": ...}`."""
from __future__ import annotations

import re

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body, not_found, parse_multipart

ACCOUNT = "50004"
STATUS_EN = {"new": "New", "open": "In progress", "pending": "Waiting for user",
             "resolved": "Resolved", "closed": "Closed"}


class EasyVistaFake(FakeItsm):
    account = ACCOUNT

    def __init__(self) -> None:
        super().__init__()
        self.tickets: dict[str, dict] = {}

    def authorized(self, headers) -> bool:
        return self.basic_ok(headers) or headers.get("Authorization") == f"Bearer {TOKEN}"

    def handle(self, method, path, query, headers, body):
        prefix = f"/api/v1/{ACCOUNT}"
        if not path.startswith(prefix):
            return 404, {"error": "Incorrect Service Manager account"}, {}
        if not self.authorized(headers):
            return 401, {"error": "Invalid Login / Password"}, {}
        path = path[len(prefix):]
        if method == "GET" and path == "/employees":
            return 200, {"record_count": "1", "records": [{"E_MAIL": "jdoe@example.com"}]}, {}
        if method == "POST" and path == "/requests":
            request = json_body(body)["requests"][0]
            rfc = f"I251125_{len(self.tickets) + 1:06d}"
            self.tickets[rfc] = {"request": request, "status": "new", "comments": [], "docs": []}
            return 201, {"HREF": f"{self.url}{prefix}/requests/{rfc}"}, {}
        if method == "GET" and path == "/requests":
            field, _, value = query.get("search", "").partition(":")
            value = value.strip('"')
            keys = {"external_reference": "External_reference", "requestor.e_mail": "Requestor_Mail"}
            found = [rfc for rfc, t in self.tickets.items()
                     if t["request"].get(keys.get(field, field)) == value]
            if "desc" in query.get("sort", ""):
                found.reverse()
            records = [self._record(rfc) for rfc in found]
            return 200, {"record_count": str(len(records)),
                         "total_record_count": str(len(records)), "records": records}, {}
        match = re.fullmatch(r"/requests/([A-Z0-9_]+)(/documents)?", path)
        if not match or match.group(1) not in self.tickets:
            return not_found()
        ticket = self.tickets[match.group(1)]
        if match.group(2) and method == "POST":
            ticket["docs"] += [(f, d) for _, f, d in parse_multipart(headers, body)]
            return 201, {"HREF": f"{self.url}{prefix}/documents/1"}, {}
        if method == "PUT":
            ticket["comments"].append(json_body(body)["comment"])
            return 200, {"HREF": f"{self.url}{prefix}{path}"}, {}
        return 200, self._record(match.group(1)), {}

    def _record(self, rfc: str) -> dict:
        t = self.tickets[rfc]
        return {"HREF": f"{self.url}/api/v1/{ACCOUNT}/requests/{rfc}", "RFC_NUMBER": rfc,
                "TITLE": t["request"].get("Title", ""),
                "STATUS": {"STATUS_EN": STATUS_EN[t["status"]]},
                "CATALOG_REQUEST": {"CODE": t["request"].get("Catalog_Code", "")}}

    def stored(self, ticket_id: str) -> dict:
        t = self.tickets[ticket_id]
        r = t["request"]
        return {"queue": r.get("Catalog_Code"), "requestor": r.get("Requestor_Mail"),
                "subject": r.get("Title"), "body": r.get("Description"),
                "key": r.get("External_reference"), "attachments": dict(t["docs"]),
                "replies": t["comments"]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.tickets[ticket_id]["status"] = status
