"""A generic JSON webhook receiver that de-duplicates on the Idempotency-Key header."""
from __future__ import annotations

import base64
import re

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body


class WebhookFake(FakeItsm):
    def __init__(self, require_token: bool = False) -> None:
        super().__init__()
        self.require_token = require_token
        self.tickets: dict[str, dict] = {}

    def handle(self, method, path, query, headers, body):
        if self.require_token and headers.get("Authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "bad token"}, {}
        if path in ("", "/") and method == "POST":
            key = headers.get("Idempotency-Key", "")
            for ticket_id, t in self.tickets.items():
                if key and t["key"] == key:
                    return 200, {"id": ticket_id, "url": f"{self.url}/{ticket_id}"}, {}
            ticket_id = f"W{len(self.tickets) + 1}"
            self.tickets[ticket_id] = {"payload": json_body(body), "key": key, "status": "new",
                                       "replies": [], "attachments": {}}
            return 201, {"id": ticket_id, "url": f"{self.url}/{ticket_id}"}, {}
        if path in ("", "/") and method == "GET":
            if "idempotency_key" in query:
                found = [i for i, t in self.tickets.items() if t["key"] == query["idempotency_key"]]
                return (200, {"id": found[0]}, {}) if found else (404, {"error": "none"}, {})
            if "requestor" in query:
                return 200, {"tickets": [
                    {"id": i, "subject": t["payload"]["subject"], "status": t["status"]}
                    for i, t in reversed(self.tickets.items())
                    if t["payload"]["requestor"] == query["requestor"]]}, {}
            return 200, {"ok": True}, {}
        match = re.fullmatch(r"/(W\d+)(/replies|/attachments)?", path)
        if not match or match.group(1) not in self.tickets:
            return 404, {"error": "no such ticket"}, {}
        t = self.tickets[match.group(1)]
        if match.group(2) == "/replies":
            t["replies"].append(json_body(body)["text"])
            return 201, {}, {}
        if match.group(2) == "/attachments":
            a = json_body(body)
            t["attachments"][a["filename"]] = base64.b64decode(a["data"])
            return 201, {}, {}
        return 200, {"id": match.group(1), "subject": t["payload"]["subject"],
                     "status": t["status"]}, {}

    def stored(self, ticket_id: str) -> dict:
        t = self.tickets[ticket_id]
        p = t["payload"]
        files = {a["filename"]: base64.b64decode(a["data"]) for a in p.get("attachments", [])}
        return {"queue": p["queue"], "requestor": p["requestor"], "subject": p["subject"],
                "body": p["body"], "key": p["idempotency_key"],
                "attachments": {**files, **t["attachments"]}, "replies": t["replies"]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.tickets[ticket_id]["status"] = status
