"""Jira Service Management (`/rest/servicedeskapi`), basic auth (e-mail + API token) or a
bearer personal access token.

itsm.account is the service desk id; a KB team maps to a request type id. The requestor
is set with `raiseOnBehalfOf`. JSM has no external-reference field, so exactly-once puts
the key in a label (`helpdesk-<key>`) and finds it again with JQL through
`/rest/api/2/search`. Status categories NEW / INDETERMINATE / DONE map to new / open /
resolved.
"""
from __future__ import annotations

from typing import Any

from desktop.itsm.errors import BadResponse, ConfigError
from desktop.itsm.http import authenticated_client
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef, normalise_status
from desktop.itsm.protocol import BackendConfig, Credential

CATEGORIES = {"NEW": "new", "INDETERMINATE": "open", "DONE": "resolved"}


def label_for(key: str) -> str:
    return f"helpdesk-{key}"


class JsmBackend:
    kind = "jsm"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        if not config.account:
            raise ConfigError("Jira Service Management needs itsm.account (the service desk id)")
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, "/rest", "Bearer {token}")

    def check_credentials(self) -> str:
        me = self.http.json("GET", "/api/2/myself")
        if not isinstance(me, dict):
            raise BadResponse("Jira's /myself answer is not an object")
        return str(me.get("emailAddress") or me.get("displayName") or self.credential.username)

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        request_type = self.config.catalog_id(ticket.item, ticket.queue or "") if ticket.kind == "request" \
            else ticket.queue or ""
        if not request_type.isdigit():
            raise ConfigError(f"[itsm.teams] (or [itsm.catalog] for a request) must map {ticket.item or ticket.team or 'the team'} "
                              f"to a JSM request type id, not {request_type!r}")
        payload: dict[str, Any] = {
            "serviceDeskId": self.config.account, "requestTypeId": request_type,
            "requestFieldValues": {"summary": ticket.subject, "description": ticket.body(),
                                   "labels": [label_for(idempotency_key)]}}
        if ticket.kind == "request":                     # the request type's own fields
            payload["requestFieldValues"] |= self.config.request_fields(ticket)
        if ticket.requestor:
            payload["raiseOnBehalfOf"] = ticket.requestor
        created = self.http.json("POST", "/servicedeskapi/request", json=payload)
        if not isinstance(created, dict) or not created.get("issueKey"):
            raise BadResponse("JSM did not return the new request's issueKey")
        for attachment in ticket.attachments:
            self.attach_file(created["issueKey"], attachment)
        return TicketRef(created["issueKey"], (created.get("_links") or {}).get("web", ""))

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        found = self.http.json("GET", "/api/2/search", params={
            "jql": f'labels = "{label_for(idempotency_key)}"', "fields": "summary",
            "maxResults": 1})
        if not isinstance(found, dict) or not isinstance(found.get("issues"), list):
            raise BadResponse("Jira's search answer has no issues list")
        return TicketRef(found["issues"][0]["key"]) if found["issues"] else None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        return self._remote(self.http.json("GET", f"/servicedeskapi/request/{ticket_id}"))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        found = self.http.json("GET", "/servicedeskapi/request", params={
            "requestOwnership": "OWNED_REQUESTS", "serviceDeskId": self.config.account,
            "limit": 100})
        if not isinstance(found, dict) or not isinstance(found.get("values"), list):
            raise BadResponse("JSM's request list has no values")
        return [self._remote(r) for r in found["values"]]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("POST", f"/servicedeskapi/request/{ticket_id}/comment",
                       json={"body": text, "public": True})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        temporary = self.http.json(
            "POST", f"/servicedeskapi/servicedesk/{self.config.account}/attachTemporaryFile",
            headers={"X-ExperimentalApi": "opt-in", "X-Atlassian-Token": "no-check"},
            files={"file": (attachment.filename, attachment.data, attachment.content_type)})
        try:
            ids = [t["temporaryAttachmentId"] for t in temporary["temporaryAttachments"]]
        except (TypeError, KeyError):
            raise BadResponse("JSM did not return a temporaryAttachmentId") from None
        self.http.json("POST", f"/servicedeskapi/request/{ticket_id}/attachment",
                       json={"temporaryAttachmentIds": ids, "public": True})

    @staticmethod
    def _remote(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "issueKey" not in raw:
            raise BadResponse("JSM's request has no issueKey")
        current = raw.get("currentStatus") or {}
        word = str(current.get("status", ""))
        category = current.get("statusCategory", "")
        status = CATEGORIES.get(category, normalise_status(word))
        if category == "DONE" and normalise_status(word) in ("closed", "rejected"):
            status = normalise_status(word)
        elif category == "INDETERMINATE" and "customer" in word.lower():
            status = "pending"          # "Waiting for customer"; "for support" stays open
        fields = {f.get("fieldId"): f.get("value") for f in raw.get("requestFieldValues", [])
                  if isinstance(f, dict)}
        return RemoteTicket(id=raw["issueKey"], subject=str(fields.get("summary", "")),
                            status=status, raw_status=word,
                            queue=str(raw.get("requestTypeId", "")))
