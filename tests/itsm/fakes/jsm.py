"""Jira Service Management, as documented: /rest/servicedeskapi/request (create, get,
list, comment, attachment via attachTemporaryFile) and /rest/api/2 (myself, JQL search)."""
from __future__ import annotations

import re

from tests.itsm.fakes.base import FakeItsm, TOKEN, json_body, parse_multipart

DESK = "3"
STATUS = {"new": ("Waiting for support", "NEW"), "open": ("In progress", "INDETERMINATE"),
          "pending": ("Waiting for customer", "INDETERMINATE"), "resolved": ("Resolved", "DONE"),
          "closed": ("Closed", "DONE")}


class JsmFake(FakeItsm):
    account = DESK

    def __init__(self) -> None:
        super().__init__()
        self.requests_by_key: dict[str, dict] = {}
        self.temporary: dict[str, tuple[str, bytes]] = {}

    def handle(self, method, path, query, headers, body):
        if not (self.basic_ok(headers) or headers.get("Authorization") == f"Bearer {TOKEN}"):
            return 401, {"errorMessage": "Client must be authenticated", "i18nErrorMessage": {}}, {}
        if path == "/rest/api/2/myself":
            return 200, {"accountId": "5b10a", "displayName": "Jane Doe",
                         "emailAddress": "jdoe@example.com"}, {}
        if path == "/rest/servicedeskapi/request" and method == "POST":
            payload = json_body(body)
            if payload.get("serviceDeskId") != DESK:
                return 404, {"errorMessage": "Service desk does not exist"}, {}
            key = f"HELP-{len(self.requests_by_key) + 1}"
            self.requests_by_key[key] = {"payload": payload, "status": "new", "comments": [],
                                         "attachments": {}}
            return 201, self._public(key), {}
        if path == "/rest/servicedeskapi/request" and method == "GET":
            keys = list(reversed(self.requests_by_key))
            return 200, {"size": len(keys), "start": 0, "limit": 100, "isLastPage": True,
                         "values": [self._public(k) for k in keys]}, {}
        if path == "/rest/api/2/search":
            label = re.search(r'labels = "([^"]+)"', query.get("jql", ""))
            found = [k for k, r in self.requests_by_key.items() if label and label.group(1)
                     in r["payload"]["requestFieldValues"].get("labels", [])]
            return 200, {"startAt": 0, "maxResults": 1, "total": len(found),
                         "issues": [{"key": k, "id": k.split("-")[1]} for k in found]}, {}
        if path == f"/rest/servicedeskapi/servicedesk/{DESK}/attachTemporaryFile":
            if headers.get("X-Atlassian-Token") != "no-check":
                return 403, {"errorMessage": "XSRF check failed"}, {}
            ids = []
            for _, filename, data in parse_multipart(headers, body):
                ids.append(f"temp{len(self.temporary) + 1}")
                self.temporary[ids[-1]] = (filename, data)
            return 201, {"temporaryAttachments": [{"temporaryAttachmentId": i} for i in ids]}, {}
        match = re.fullmatch(r"/rest/servicedeskapi/request/([A-Z]+-\d+)(/comment|/attachment)?", path)
        if not match or match.group(1) not in self.requests_by_key:
            return 404, {"errorMessage": "Request does not exist"}, {}
        request = self.requests_by_key[match.group(1)]
        if match.group(2) == "/comment":
            request["comments"].append(json_body(body)["body"])
            return 201, {"id": "1", "body": json_body(body)["body"], "public": True}, {}
        if match.group(2) == "/attachment":
            for temp in json_body(body)["temporaryAttachmentIds"]:
                filename, data = self.temporary.pop(temp)
                request["attachments"][filename] = data
            return 201, {"attachments": {"size": 1}}, {}
        return 200, self._public(match.group(1)), {}

    def _public(self, key: str) -> dict:
        request = self.requests_by_key[key]
        word, category = STATUS[request["status"]]
        fields = request["payload"]["requestFieldValues"]
        return {"issueId": key.split("-")[1], "issueKey": key,
                "requestTypeId": request["payload"]["requestTypeId"], "serviceDeskId": DESK,
                "currentStatus": {"status": word, "statusCategory": category},
                "requestFieldValues": [{"fieldId": "summary", "value": fields["summary"]}],
                "_links": {"web": f"{self.url}/servicedesk/customer/portal/{DESK}/{key}"}}

    def stored(self, ticket_id: str) -> dict:
        r = self.requests_by_key[ticket_id]
        fields = r["payload"]["requestFieldValues"]
        labels = fields.get("labels", [])
        return {"queue": r["payload"]["requestTypeId"],
                "requestor": r["payload"].get("raiseOnBehalfOf"), "subject": fields["summary"],
                "body": fields["description"],
                "key": labels[0].removeprefix("helpdesk-") if labels else None,
                "attachments": r["attachments"], "replies": r["comments"]}

    def set_status(self, ticket_id: str, status: str) -> None:
        self.requests_by_key[ticket_id]["status"] = status
