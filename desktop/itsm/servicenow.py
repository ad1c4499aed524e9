"""ServiceNow Table API: incidents (`/api/now/table/incident`), basic auth or bearer.

The ticket's id is the incident's `sys_id`. Exactly-once uses `correlation_id`, found
again with `sysparm_query=correlation_id=key`. Routing: a KB team maps to an assignment
group name (sent as a display value). Replies are `comments` (customer-visible work
notes); files go through the Attachment API.
"""
from __future__ import annotations

from typing import Any

from desktop.itsm.errors import AuthError, BadResponse
from desktop.itsm.http import authenticated_client
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef
from desktop.itsm.protocol import BackendConfig, Credential

STATES = {"1": "new", "2": "open", "3": "pending", "6": "resolved", "7": "closed", "8": "rejected"}


class ServiceNowBackend:
    kind = "servicenow"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, "/api/now", "Bearer {token}")

    def check_credentials(self) -> str:
        found = self._result(self.http.json("GET", "/table/sys_user", params={
            "sysparm_query": f"user_name={self.credential.username}", "sysparm_limit": 1,
            "sysparm_fields": "user_name,name"}))
        if self.config.auth != "token" and not found:
            raise AuthError(f"ServiceNow has no user {self.credential.username!r}")
        return self.credential.username

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        record = {"short_description": ticket.subject, "description": ticket.body(),
                  "caller_id": ticket.requestor, "correlation_id": idempotency_key,
                  "correlation_display": "Helpdesk Assistant", "contact_type": "self-service"}
        if ticket.queue:
            record["assignment_group"] = ticket.queue
        created = self._result(self.http.json(
            "POST", "/table/incident", json=record,
            params={"sysparm_input_display_value": "true"}))
        if not isinstance(created, dict) or not created.get("sys_id"):
            raise BadResponse("ServiceNow did not return the incident's sys_id")
        for attachment in ticket.attachments:
            self.attach_file(created["sys_id"], attachment)
        return TicketRef(created["sys_id"], created.get("number", ""))

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        found = self._result(self.http.json("GET", "/table/incident", params={
            "sysparm_query": f"correlation_id={idempotency_key}", "sysparm_limit": 1}))
        if not found:
            return None
        return TicketRef(found[0]["sys_id"], found[0].get("number", ""))

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        return self._remote(self._result(self.http.json("GET", f"/table/incident/{ticket_id}")))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        found = self._result(self.http.json("GET", "/table/incident", params={
            "sysparm_query": f"caller_id.email={requestor}^ORDERBYDESCsys_created_on",
            "sysparm_limit": 100}))
        return [self._remote(r) for r in found]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("PATCH", f"/table/incident/{ticket_id}", json={"comments": text})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        self.http.json("POST", "/attachment/file", data=attachment.data,
                       headers={"Content-Type": attachment.content_type},
                       params={"table_name": "incident", "table_sys_id": ticket_id,
                               "file_name": attachment.filename})

    @staticmethod
    def _result(body: Any) -> Any:
        if not isinstance(body, dict) or "result" not in body:
            raise BadResponse("ServiceNow's answer has no result")
        return body["result"]

    @staticmethod
    def _remote(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "sys_id" not in raw:
            raise BadResponse("ServiceNow's incident has no sys_id")
        state = str(raw.get("state", ""))
        group = raw.get("assignment_group")
        return RemoteTicket(id=raw["sys_id"], subject=str(raw.get("short_description", "")),
                            status=STATES.get(state, "open"), raw_status=state,
                            queue=group.get("display_value", "") if isinstance(group, dict)
                            else str(group or ""), updated=str(raw.get("sys_updated_on", "")))
