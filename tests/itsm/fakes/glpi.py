"""GLPI REST API, as documented: initSession (basic auth or `user_token`), Session-Token
on every call, `{"input": {...}}` bodies, errors as `["ERROR_CODE", "message"]`."""
from __future__ import annotations

import json
import re
import uuid

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body, parse_multipart

STATUS = {"new": 1, "open": 2, "pending": 4, "resolved": 5, "closed": 6}


class GlpiFake(FakeItsm):
    def __init__(self) -> None:
        super().__init__()
        self.sessions: set[str] = set()
        self.tickets: dict[int, dict] = {}
        self.logins = 0

    def expire_sessions(self) -> None:
        self.sessions.clear()

    def handle(self, method, path, query, headers, body):
        if not path.startswith("/apirest.php"):
            return 404, ["ERROR_RESOURCE_NOT_FOUND_NOR_COMMONDBTM", "not found"], {}
        path = path[len("/apirest.php"):]
        if path == "/initSession":
            if self.basic_ok(headers) or headers.get("Authorization") == f"user_token {TOKEN}":
                token = uuid.uuid4().hex
                self.sessions.add(token)
                self.logins += 1
                return 200, {"session_token": token}, {}
            return 401, ["ERROR_GLPI_LOGIN", "Incorrect username or password"], {}
        if headers.get("Session-Token") not in self.sessions:
            return 401, ["ERROR_SESSION_TOKEN_INVALID", "session_token seems invalid"], {}
        if path == "/Ticket" and method == "POST":
            fields = json_body(body)["input"]
            ticket_id = len(self.tickets) + 1
            self.tickets[ticket_id] = {**fields, "id": ticket_id, "status": 1, "followups": [],
                                       "documents": {}}
            return 201, {"id": ticket_id, "message": ""}, {}
        if path == "/Ticket" and method == "GET":
            found = list(self.tickets.values())
            wanted = query.get("searchText[externalid]")
            if wanted:
                found = [t for t in found if re.fullmatch(wanted.strip("^$"), t["externalid"])]
            if query.get("order") == "DESC":
                found.reverse()
            return 200, [self._public(t) for t in found], {}
        match = re.fullmatch(r"/Ticket/(\d+)", path)
        if match:
            ticket = self.tickets.get(int(match.group(1)))
            if ticket is None:
                return 404, ["ERROR_ITEM_NOT_FOUND", "Item not found"], {}
            return 200, self._public(ticket), {}
        if path == "/ITILFollowup" and method == "POST":
            fields = json_body(body)["input"]
            self.tickets[fields["items_id"]]["followups"].append(fields["content"])
            return 201, {"id": 1, "message": ""}, {}
        if path == "/Document" and method == "POST":
            parts = parse_multipart(headers, body)
            manifest = json.loads(next(d for n, _, d in parts if n == "uploadManifest"))["input"]
            for name, filename, data in parts:
                if name.startswith("filename"):
                    self.tickets[manifest["items_id"]]["documents"][filename] = data
            return 201, {"id": 1, "message": "Document uploaded"}, {}
        return 400, ["ERROR_BAD_ARRAY", "unsupported"], {}

    @staticmethod
    def _public(ticket: dict) -> dict:
        return {k: v for k, v in ticket.items() if k not in ("followups", "documents")}

    def stored(self, ticket_id: str) -> dict:
        t = self.tickets[int(ticket_id)]
        notif = t.get("_users_id_requester_notif", {}).get("alternative_email", [""])
        return {"queue": str(t.get("_groups_id_assign", "")), "requestor": notif[0],
                "subject": t["name"], "body": t["content"], "key": t["externalid"],
                "attachments": t["documents"], "replies": t["followups"]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.tickets[int(ticket_id)]["status"] = STATUS[status]
