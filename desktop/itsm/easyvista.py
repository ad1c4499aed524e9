"""EasyVista Service Manager REST API (`/api/v1/{account}`), basic auth or bearer token.

Create: `POST /requests` with `{"requests": [{Catalog_Code | Catalog_GUID, Title,
Description, Requestor_Mail, External_reference}]}`; the answer's HREF ends with the
ticket's RFC number. Exactly-once uses `External_reference`, found again with
`GET /requests?search=external_reference:"key"`. Routing: a KB team maps to a catalog
code (or a catalog GUID, written `guid:{...}`) in [itsm.teams]. EasyVista answers 590
when its back end fails: like a 5xx, retried later.
"""
from __future__ import annotations

from typing import Any

from desktop.itsm.errors import BadResponse, ConfigError
from desktop.itsm.http import authenticated_client
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef, normalise_status
from desktop.itsm.protocol import BackendConfig, Credential


class EasyVistaBackend:
    kind = "easyvista"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        if not config.account:
            raise ConfigError("EasyVista needs itsm.account (the number in /api/v1/{account})")
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, f"/api/v1/{config.account}",
                                         "Bearer {token}")

    def check_credentials(self) -> str:
        self.http.json("GET", "/employees", params={"max_rows": 1})
        return self.credential.username

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        request: dict[str, Any] = {
            "Title": ticket.subject,
            "Description": ticket.body(),
            "Requestor_Mail": ticket.requestor,
            "External_reference": idempotency_key,
            "Origin": "Helpdesk Assistant",
        }
        queue = self.config.catalog_id(ticket.item, ticket.queue or "") if ticket.kind == "request" else ticket.queue or ""
        if queue.startswith("guid:"):
            request["Catalog_GUID"] = queue[5:]
        else:
            request["Catalog_Code"] = queue
        created = self.http.json("POST", "/requests", json={"requests": [request]})
        href = created.get("HREF", "") if isinstance(created, dict) else ""
        rfc = href.rstrip("/").rsplit("/", 1)[-1]
        if not href or not rfc:
            raise BadResponse("EasyVista did not return the new request's HREF")
        ref = TicketRef(rfc, href)
        for attachment in ticket.attachments:
            self.attach_file(rfc, attachment)
        return ref

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        records = self._records(self.http.json(
            "GET", "/requests", params={"search": f'external_reference:"{idempotency_key}"'}))
        if not records:
            return None
        return TicketRef(str(records[0]["RFC_NUMBER"]), records[0].get("HREF", ""))

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        return self._remote(self.http.json("GET", f"/requests/{ticket_id}"))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        records = self._records(self.http.json("GET", "/requests", params={
            "search": f'requestor.e_mail:"{requestor}"', "sort": "submit_date_ut desc",
            "max_rows": 100}))
        return [self._remote(r) for r in records]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("PUT", f"/requests/{ticket_id}", json={"comment": text})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        self.http.json("POST", f"/requests/{ticket_id}/documents",
                       files={"file": (attachment.filename, attachment.data,
                                       attachment.content_type)})

    @staticmethod
    def _records(found: Any) -> list[dict[str, Any]]:
        if not isinstance(found, dict) or not isinstance(found.get("records", []), list):
            raise BadResponse("EasyVista's search answer has no records list")
        return found.get("records", [])

    @staticmethod
    def _remote(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "RFC_NUMBER" not in raw:
            raise BadResponse("EasyVista's request has no RFC_NUMBER")
        status = raw.get("STATUS") or {}
        word = status.get("STATUS_EN", "") if isinstance(status, dict) else str(status)
        return RemoteTicket(id=str(raw["RFC_NUMBER"]), subject=str(raw.get("TITLE", "")),
                            status=normalise_status(word), raw_status=word,
                            queue=str((raw.get("CATALOG_REQUEST") or {}).get("CODE", "")),
                            updated=str(raw.get("LAST_UPDATE", "")))
