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
        self.orders: dict[str, dict] = {}   # sc_request records, by sys_id
        self.catalog_items = {"a1b2c3laptop": "Standard laptop"}       # sys_id -> name

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Bearer {TOKEN}"):
            return failure(401, "User Not Authenticated")
        if path == "/api/now/table/sys_user":
            users = [{"user_name": USER, "name": "Jane Doe"}]
            wanted = query.get("sysparm_query", "").removeprefix("user_name=")
            return 200, {"result": [u for u in users if u["user_name"] == wanted]}, {}
        match = re.fullmatch(r"/api/sn_sc/servicecatalog/items/(\w+)/order_now", path)
        if match and method == "POST":
            if match.group(1) not in self.catalog_items:
                return failure(404, "Catalog item not found")
            order = json_body(body)
            sys_id = uuid.uuid4().hex
            number = f"REQ{len(self.orders) + 10001:07d}"
            self.orders[sys_id] = {"sys_id": sys_id, "number": number, "request_state": "requested",
                                     "approval": "requested", "variables": dict(order.get("variables") or {}),
                                     "cat_item": match.group(1), "short_description": self.catalog_items[match.group(1)]}
            return 200, {"result": {"sys_id": sys_id, "number": number, "request_number": number,
                                    "request_id": sys_id, "table": "sc_request"}}, {}
        match = re.fullmatch(r"/api/now/table/sc_request(?:/(\w+))?", path)
        if match:
            if match.group(1):
                record = self.orders.get(match.group(1))
                if record is None:
                    return failure(404, "No Record found")
                if method == "PATCH":
                    record.update(json_body(body))
                return 200, {"result": {k: v for k, v in record.items() if k != "variables"}}, {}
            wanted = query.get("sysparm_query", "").removeprefix("correlation_id=")
            return 200, {"result": [r for r in self.orders.values() if r.get("correlation_id") == wanted]}, {}
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
