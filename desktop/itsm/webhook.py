"""A generic JSON webhook, for ITSMs without a back-end of their own.

`POST {url}` with the whole ticket as JSON and an `Idempotency-Key` header; the receiver
answers 200/201/202 with `{"id": ...}`. A receiver that honours the header (as payment
APIs do) makes retries safe; `find_by_idempotency_key` asks `GET {url}?idempotency_key=`
and treats 404/405 as "not supported" (then the receiver's de-duplication is the guard).
Status is read from `GET {url}/{id}` -> `{"status": ...}`. A token, when stored, is sent
as `Authorization: Bearer`.
"""
from __future__ import annotations

from typing import Any

from desktop.itsm.errors import BadResponse, ItsmError, NotFound
from desktop.itsm.http import HttpClient
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef, normalise_status
from desktop.itsm.protocol import BackendConfig, Credential


class WebhookBackend:
    kind = "webhook"
    needs_credential = False

    def __init__(self, config: BackendConfig, credential: Credential | None, session: Any = None):
        self.config = config
        self.credential = credential
        headers = {"Accept": "application/json"}
        if credential is not None:
            headers["Authorization"] = f"Bearer {credential.secret}"
        self.http = HttpClient(config.url, session, timeout=config.timeout,
                               verify=config.verify_tls, headers=headers)

    def check_credentials(self) -> str:
        self.http.json("GET", "", params={"ping": "1"})
        return self.credential.username if self.credential else ""

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        payload = {**ticket.to_dict(), "idempotency_key": idempotency_key, "body": ticket.body()}
        created = self.http.json("POST", "", json=payload,
                                 headers={"Idempotency-Key": idempotency_key})
        if not isinstance(created, dict) or created.get("id") in (None, ""):
            raise BadResponse("the webhook did not answer with an id")
        return TicketRef(str(created["id"]), str(created.get("url", "")))

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        try:
            found = self.http.json("GET", "", params={"idempotency_key": idempotency_key})
        except NotFound:
            return None
        except ItsmError as exc:
            if exc.status == 405:
                return None
            raise
        if isinstance(found, dict) and found.get("id") not in (None, ""):
            return TicketRef(str(found["id"]), str(found.get("url", "")))
        return None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        raw = self.http.json("GET", f"/{ticket_id}")
        if not isinstance(raw, dict) or "status" not in raw:
            raise BadResponse("the webhook's ticket has no status")
        word = str(raw["status"])
        return RemoteTicket(id=ticket_id, subject=str(raw.get("subject", "")),
                            status=normalise_status(word), raw_status=word,
                            queue=str(raw.get("queue", "")))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        found = self.http.json("GET", "", params={"requestor": requestor})
        items = found.get("tickets") if isinstance(found, dict) else None
        if not isinstance(items, list):
            raise BadResponse("the webhook's list has no tickets")
        return [RemoteTicket(str(t["id"]), str(t.get("subject", "")),
                             normalise_status(str(t.get("status", ""))), str(t.get("status", "")))
                for t in items]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("POST", f"/{ticket_id}/replies", json={"text": text})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        self.http.json("POST", f"/{ticket_id}/attachments", json=attachment.to_dict())
