"""Zammad REST API, as documented: /api/v1/users/me, tickets created with their first
article, `tickets/search?query=` (list with expand=true), ticket_articles, errors as
`{"error": ..., "error_human": ...}`."""
from __future__ import annotations

import base64
import re

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body

STATE = {"new": "new", "open": "open", "pending": "pending reminder", "resolved": "closed",
         "closed": "closed"}


class ZammadFake(FakeItsm):
    def __init__(self) -> None:
        super().__init__()
        self.tickets: dict[int, dict] = {}

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Token token={TOKEN}"):
            return 401, {"error": "Invalid BasicAuth credentials",
                         "error_human": "Invalid BasicAuth credentials"}, {}
        if path == "/api/v1/users/me":
            return 200, {"id": 3, "login": "jdoe", "email": "jdoe@example.com"}, {}
        if path == "/api/v1/tickets" and method == "POST":
            payload = json_body(body)
            ticket_id = len(self.tickets) + 1
            article = payload.pop("article")
            self.tickets[ticket_id] = {**payload, "id": ticket_id, "state": "new",
                                       "articles": [article]}
            return 201, self._public(ticket_id), {}
        if path == "/api/v1/tickets/search":
            q = query.get("query", "")
            found = list(self.tickets)
            if q.startswith("helpdesk_key:"):
                found = [i for i in found if self.tickets[i].get("helpdesk_key") == q[13:]]
            elif q.startswith("customer.email:"):
                email = q[15:].strip('"')
                found = [i for i in found if self.tickets[i].get("customer_id") == f"guess:{email}"]
            if query.get("order_by") == "desc":
                found.reverse()
            return 200, [self._public(i) for i in found[: int(query.get("limit", 100))]], {}
        match = re.fullmatch(r"/api/v1/tickets/(\d+)", path)
        if match:
            if int(match.group(1)) not in self.tickets:
                return 404, {"error": "Couldn't find Ticket with 'id'=" + match.group(1)}, {}
            return 200, self._public(int(match.group(1))), {}
        if path == "/api/v1/ticket_articles" and method == "POST":
            article = json_body(body)
            ticket = self.tickets.get(article.get("ticket_id"))
            if ticket is None:
                return 422, {"error": "Ticket not found"}, {}
            ticket["articles"].append(article)
            return 201, {"id": 99, "ticket_id": ticket["id"]}, {}
        return 404, {"error": "No route matches"}, {}

    def _public(self, ticket_id: int) -> dict:
        t = self.tickets[ticket_id]
        return {"id": ticket_id, "number": str(31000 + ticket_id), "title": t["title"],
                "group": t["group"], "state": STATE[t["state"]], "updated_at": "2026-11-25T10:00:00Z"}

    def stored(self, ticket_id: str) -> dict:
        t = self.tickets[int(ticket_id)]
        files = {f["filename"]: base64.b64decode(f["data"])
                 for a in t["articles"] for f in a.get("attachments", [])}
        return {"queue": t["group"], "requestor": t.get("customer_id", "").removeprefix("guess:"),
                "subject": t["title"], "body": t["articles"][0]["body"],
                "key": t.get("helpdesk_key"), "attachments": files,
                "replies": [a["body"] for a in t["articles"][1:] if not a.get("attachments")]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.tickets[int(ticket_id)]["state"] = status
