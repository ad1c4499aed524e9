"""ServiceNow Table API and Attachment API, as documented: `{"result": ...}` envelopes,
`sysparm_query` encoded queries, numeric incident states, `{"error": {"message", "detail"},
"status": "failure"}` on errors."""
from __future__ import annotations

import re
import uuid

from tests.itsm.fakes.base import FakeItsm, TOKEN, USER, json_body

STATE = {"new": "1", "open": "2", "pending": "3", "resolved": "6", "closed": "7"}


def failure(status: int, message: str):
    return status, {"error": {"message": message, "detail": ""}, "status": "failure"}, {}


class ServiceNowFake(FakeItsm):
    def __init__(self) -> None:
        super().__init__()
        self.incidents: dict[str, dict] = {}

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Bearer {TOKEN}"):
            return failure(401, "User Not Authenticated")
        if path == "/api/now/table/sys_user":
            users = [{"user_name": USER, "name": "Jane Doe"}]
            wanted = query.get("sysparm_query", "").removeprefix("user_name=")
            return 200, {"result": [u for u in users if u["user_name"] == wanted]}, {}
        if path == "/api/now/table/incident" and method == "POST":
            record = json_body(body)
            sys_id = uuid.uuid4().hex
            record.update(sys_id=sys_id, number=f"INC{len(self.incidents) + 10001:07d}",
                          state="1", comments_log=[], attachments={})
            self.incidents[sys_id] = record
            return 201, {"result": self._public(record)}, {}
        if path == "/api/now/table/incident" and method == "GET":
            conditions = query.get("sysparm_query", "").split("^")
            found = list(self.incidents.values())
            for condition in conditions:
                if condition.startswith("correlation_id="):
                    found = [r for r in found if r["correlation_id"] == condition[15:]]
                elif condition.startswith("caller_id.email="):
                    found = [r for r in found if r["caller_id"] == condition[16:]]
                elif condition == "ORDERBYDESCsys_created_on":
                    found.reverse()
            limit = int(query.get("sysparm_limit", 10000))
            return 200, {"result": [self._public(r) for r in found[:limit]]}, {}
        match = re.fullmatch(r"/api/now/table/incident/(\w+)", path)
        if match:
            record = self.incidents.get(match.group(1))
            if record is None:
                return failure(404, "No Record found")
            if method == "PATCH":
                record["comments_log"].append(json_body(body)["comments"])
            return 200, {"result": self._public(record)}, {}
        if path == "/api/now/attachment/file" and method == "POST":
            record = self.incidents.get(query.get("table_sys_id", ""))
            if record is None:
                return failure(400, "Invalid table or record")
            record["attachments"][query["file_name"]] = body
            return 201, {"result": {"sys_id": uuid.uuid4().hex, "file_name": query["file_name"]}}, {}
        return failure(400, "Requested URI does not represent any resource")

    @staticmethod
    def _public(record: dict) -> dict:
        shown = {k: v for k, v in record.items() if k not in ("comments_log", "attachments")}
        shown["assignment_group"] = {"display_value": record.get("assignment_group", "")}
        return shown

    def stored(self, ticket_id: str) -> dict:
        r = self.incidents[ticket_id]
        return {"queue": r.get("assignment_group"), "requestor": r.get("caller_id"),
                "subject": r.get("short_description"), "body": r.get("description"),
                "key": r.get("correlation_id"), "attachments": r["attachments"],
                "replies": r["comments_log"]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.incidents[ticket_id]["state"] = STATE[status]
