"""Zammad REST API (`/api/v1`), basic auth or `Authorization: Token token=...`.

A ticket is created with its first article (`POST /tickets`); a KB team maps to a Zammad
group. Exactly-once needs a ticket object attribute (default `helpdesk_key`, created by
the Zammad admin in Object Manager), found again with
`GET /tickets/search?query=helpdesk_key:key`. Files ride on articles, base64-encoded.
"""
from __future__ import annotations

import base64
from typing import Any

from desktop.itsm.errors import BadResponse
from desktop.itsm.http import authenticated_client
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef, normalise_status
from desktop.itsm.protocol import BackendConfig, Credential

KEY_ATTRIBUTE = "helpdesk_key"


def _files(attachments) -> list[dict[str, str]]:
    return [{"filename": a.filename, "mime-type": a.content_type,
             "data": base64.b64encode(a.data).decode("ascii")} for a in attachments]


class ZammadBackend:
    kind = "zammad"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, "/api/v1", "Token token={token}")

    def check_credentials(self) -> str:
        me = self.http.json("GET", "/users/me")
        if not isinstance(me, dict) or "id" not in me:
            raise BadResponse("Zammad's /users/me answer has no id")
        return str(me.get("login") or me.get("email") or self.credential.username)

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        article: dict[str, Any] = {"subject": ticket.subject, "body": ticket.body(),
                                   "type": "web", "internal": False,
                                   "content_type": "text/plain"}
        if ticket.attachments:
            article["attachments"] = _files(ticket.attachments)
        payload: dict[str, Any] = {"title": ticket.subject, "group": ticket.queue,
                                   "article": article, KEY_ATTRIBUTE: idempotency_key}
        if ticket.kind == "request":                     # ticket object attributes IT created for the catalog
            payload |= self.config.request_fields(ticket)
        if ticket.requestor:
            payload["customer_id"] = f"guess:{ticket.requestor}"
        created = self.http.json("POST", "/tickets", json=payload)
        if not isinstance(created, dict) or "id" not in created:
            raise BadResponse("Zammad did not return the new ticket's id")
        return TicketRef(str(created["id"]), f"{self.config.url}/#ticket/zoom/{created['id']}")

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        found = self.http.json("GET", "/tickets/search", params={
            "query": f"{KEY_ATTRIBUTE}:{idempotency_key}", "limit": 1, "expand": "true"})
        if not isinstance(found, list):
            raise BadResponse("Zammad's search answer is not a list")
        return TicketRef(str(found[0]["id"])) if found else None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        return self._remote(self.http.json("GET", f"/tickets/{int(ticket_id)}",
                                           params={"expand": "true"}))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        found = self.http.json("GET", "/tickets/search", params={
            "query": f'customer.email:"{requestor}"', "sort_by": "created_at",
            "order_by": "desc", "limit": 100, "expand": "true"})
        if not isinstance(found, list):
            raise BadResponse("Zammad's search answer is not a list")
        return [self._remote(t) for t in found]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("POST", "/ticket_articles", json={
            "ticket_id": int(ticket_id), "body": text, "type": "web", "internal": False,
            "content_type": "text/plain"})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        self.http.json("POST", "/ticket_articles", json={
            "ticket_id": int(ticket_id), "body": f"Attached {attachment.filename}",
            "type": "web", "internal": False, "attachments": _files([attachment])})

    @staticmethod
    def _remote(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "id" not in raw:
            raise BadResponse("Zammad's ticket has no id")
        word = str(raw.get("state", ""))
        return RemoteTicket(id=str(raw["id"]), subject=str(raw.get("title", "")),
                            status=normalise_status(word), raw_status=word,
                            queue=str(raw.get("group", "")), updated=str(raw.get("updated_at", "")))
