"""ServiceNow Table API: incidents (`/api/now/table/incident`), basic auth or bearer.

The ticket's id is the incident's `sys_id`. Exactly-once uses `correlation_id`, found
again with `sysparm_query=correlation_id=key`. Routing: a KB team maps to an assignment
group name (sent as a display value). Replies are `comments` (customer-visible work
notes); files go through the Attachment API.

A service request goes through the Service Catalog API: `POST /api/sn_sc/servicecatalog/
items/{sys_id}/order_now` with the item's variables (the catalog item's sys_id comes from
the policy's `[itsm.catalog]`), which makes a request (`sc_request`); the request is then
marked with the correlation key, and its id is `sc_request/<sys_id>`. Its status follows
`request_state`, and `approval` = requested reads as waiting (for approval).
"""
from __future__ import annotations

from typing import Any

from desktop.itsm.errors import AuthError, BadResponse, ConfigError
from desktop.itsm.http import authenticated_client
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef
from desktop.itsm.protocol import BackendConfig, Credential

STATES = {"1": "new", "2": "open", "3": "pending", "6": "resolved", "7": "closed", "8": "rejected"}
REQUEST = "sc_request/"
REQUEST_STATES = {"requested": "new", "in_process": "open", "closed_complete": "resolved",
                  "closed_incomplete": "closed", "closed_cancelled": "rejected", "closed_rejected": "rejected"}


class ServiceNowBackend:
    kind = "servicenow"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, "/api/now", "Bearer {token}")
        self.catalog = authenticated_client(config, credential, session, "/api/sn_sc", "Bearer {token}")

    def check_credentials(self) -> str:
        found = self._result(self.http.json("GET", "/table/sys_user", params={
            "sysparm_query": f"user_name={self.credential.username}", "sysparm_limit": 1,
            "sysparm_fields": "user_name,name"}))
        if self.config.auth != "token" and not found:
            raise AuthError(f"ServiceNow has no user {self.credential.username!r}")
        return self.credential.username

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        if ticket.kind == "request":
            return self._order(ticket, idempotency_key)
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

    def _order(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        item = dict(self.config.catalog).get(ticket.item)
        if not item:
            raise ConfigError(f"the policy's [itsm.catalog] names no ServiceNow catalog item for '{ticket.item}'")
        ordered = self._result(self.catalog.json("POST", f"/servicecatalog/items/{item}/order_now", json={
            "sysparm_quantity": "1", "variables": dict(ticket.fields)}))
        request_id = ordered.get("sys_id") or ordered.get("request_id") if isinstance(ordered, dict) else None
        if not request_id:
            raise BadResponse("ServiceNow did not return the request's sys_id")
        self.http.json("PATCH", f"/table/sc_request/{request_id}", json={
            "correlation_id": idempotency_key, "correlation_display": "Helpdesk Assistant", "description": ticket.body()})
        return TicketRef(f"{REQUEST}{request_id}", ordered.get("number") or ordered.get("request_number", ""))

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        for table, prefix in (("incident", ""), ("sc_request", REQUEST)):
            found = self._result(self.http.json("GET", f"/table/{table}", params={
                "sysparm_query": f"correlation_id={idempotency_key}", "sysparm_limit": 1}))
            if found:
                return TicketRef(f"{prefix}{found[0]['sys_id']}", found[0].get("number", ""))
        return None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        if ticket_id.startswith(REQUEST):
            return self._request(self._result(self.http.json("GET", f"/table/{ticket_id}")))
        return self._remote(self._result(self.http.json("GET", f"/table/incident/{ticket_id}")))

    @staticmethod
    def _request(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "sys_id" not in raw:
            raise BadResponse("ServiceNow's request has no sys_id")
        state, approval = str(raw.get("request_state", "")), str(raw.get("approval", ""))
        waiting = approval == "requested" and state == "requested"
        return RemoteTicket(id=f"{REQUEST}{raw['sys_id']}", subject=str(raw.get("short_description", "")),
                            status="pending" if waiting else REQUEST_STATES.get(state, "open"),
                            raw_status="waiting for approval" if waiting else state,
                            updated=str(raw.get("sys_updated_on", "")))

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
