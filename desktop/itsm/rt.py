"""Request Tracker 5 through REST2 (`/REST/2.0`), basic or token authentication.

Exactly-once needs a ticket custom field (default name `HelpdeskIdempotencyKey`, created
by `rt_initialdata.pm`): the key is stored in it at creation, and a retry first asks
TicketSQL `'CF.{HelpdeskIdempotencyKey}' = 'key'` for a ticket already created.
Queues are support teams; RT statuses map to the common ones (stalled -> pending).

The conversation is the ticket's history (`/ticket/{id}/history`): its Create and
Correspond transactions, each with the text of its attachments (`/ticket/{id}/attachments`,
text/plain preferred, else text/html made plain). A message is the helpdesk's when
someone other than the signed-in user wrote it. Comments are internal and never shown.
"""
from __future__ import annotations

import base64
import binascii
import html
import re
from dataclasses import replace
from typing import Any

from desktop.itsm.errors import BadResponse, ConfigError, ItsmError, NotFound, Rejected
from desktop.itsm.http import authenticated_client, parse_json
from desktop.itsm.model import Attachment, Message, RemoteTicket, Ticket, TicketRef
from desktop.itsm.protocol import BackendConfig, Credential

CATALOG_ITEM_FIELD = "HelpdeskCatalogItem"     # which service catalog item a request is (itsm prepare)
STATUSES = {"new": "new", "open": "open", "stalled": "pending", "resolved": "resolved",
            "rejected": "rejected", "deleted": "deleted"}


def _sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _attachment_json(attachment: Attachment) -> dict[str, str]:
    return {"FileName": attachment.filename, "FileType": attachment.content_type,
            "FileContent": base64.b64encode(attachment.data).decode("ascii")}


class RtBackend:
    kind = "rt"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        self.config = config
        self.credential = credential
        self.http = authenticated_client(config, credential, session, "/REST/2.0", "token {token}")

    def check_credentials(self) -> str:
        info = self.http.json("GET", "/rt")
        if not isinstance(info, dict) or "Version" not in info:
            raise BadResponse(f"{self.config.url} does not look like Request Tracker REST2")
        return self.credential.username

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        created = self.http.json("POST", "/ticket",
                                 json=self._create_payload(ticket, idempotency_key))
        return self._ref(created)

    def _create_payload(self, ticket: Ticket, idempotency_key: str) -> dict[str, Any]:
        if not ticket.queue:
            raise ConfigError("the ticket has no queue: set itsm.default_queue in the policy")
        payload: dict[str, Any] = {
            "Queue": ticket.queue,
            "Subject": ticket.subject,
            "Content": ticket.body(),
            "ContentType": "text/plain",
            "CustomFields": {self.config.idempotency_field: idempotency_key},
        }
        if ticket.kind == "request":                   # each value in its own custom field (itsm prepare)
            payload["CustomFields"] |= {CATALOG_ITEM_FIELD: ticket.item, **dict(ticket.fields)}
        if ticket.requestor:
            payload["Requestor"] = ticket.requestor
        if ticket.attachments:
            payload["Attachments"] = [_attachment_json(a) for a in ticket.attachments]
        return payload

    def create_tickets(self, batch: list[tuple[Ticket, str]]) -> list[TicketRef | ItsmError]:
        """Create several tickets in one request (`POST /tickets/bulk`): RT checks the
        password once instead of once per ticket. One result per ticket, in order: its
        reference, or the error RT gave for that ticket alone."""
        payload = [self._create_payload(ticket, key) for ticket, key in batch]
        # RT creates them one after the other: each ticket gets the usual time.
        answers = self.http.json("POST", "/tickets/bulk", json=payload,
                                 timeout=self.config.timeout * len(batch))
        if not isinstance(answers, list) or len(answers) != len(batch):
            raise BadResponse("RT's bulk answer does not have one result per ticket")
        results: list[TicketRef | ItsmError] = []
        for answer in answers:
            if isinstance(answer, dict) and str(answer.get("id", "")).isdigit():
                results.append(self._ref(answer))
            else:
                message = answer.get("message", "") if isinstance(answer, dict) else str(answer)
                error_type = Rejected if "permission" in message or "queue" in message.lower() \
                    else BadResponse
                results.append(error_type(f"RT refused the ticket: {message}"))
        return results

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        query = f"'CF.{{{self.config.idempotency_field}}}' = {_sql_string(idempotency_key)}"
        found = self.http.json("GET", "/tickets", params={"query": query, "orderby": "id"})
        items = _items(found)
        return self._ref(items[0]) if items else None

    def find_by_idempotency_keys(self, keys: list[str]) -> dict[str, TicketRef]:
        """The tickets created with any of these keys, in one search: {key: ref}."""
        field = self.config.idempotency_field
        query = " OR ".join(f"'CF.{{{field}}}' = {_sql_string(k)}" for k in keys)
        found = self.http.json("GET", "/tickets", params={
            "query": query, "orderby": "id", "per_page": 100, "fields": "CustomFields"})
        refs: dict[str, TicketRef] = {}
        for item in _items(found):
            for custom in item.get("CustomFields") or []:
                if custom.get("name") == field:
                    for value in custom.get("values") or []:
                        refs.setdefault(value, self._ref(item))
        return {k: refs[k] for k in keys if k in refs}

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        ticket = self._read_ticket(ticket_id, {})
        if ticket is None:
            raise BadResponse(f"RT ticket {ticket_id}: 304 to an unconditional request")
        return ticket

    def get_ticket_if_changed(self, ticket_id: str, version: str) -> RemoteTicket | None:
        """Like get_ticket, but None if RT answers 304 to If-None-Match: `version` (the
        ETag of our last read). RT 5.0.3 fails (500) on If-Modified-Since, so not that."""
        return self._read_ticket(ticket_id, {"If-None-Match": version})

    def _read_ticket(self, ticket_id: str, headers: dict[str, str]) -> RemoteTicket | None:
        path = f"/ticket/{int(ticket_id)}"
        response = self.http.request("GET", path, params={"fields[Queue]": "Name"},
                                     headers=headers)
        if response.status_code == 304:
            return None
        raw = parse_json(response, "GET", path)
        if not isinstance(raw, dict) or "Status" not in raw:
            raise BadResponse(f"RT ticket {ticket_id}: the answer has no Status")
        return replace(self._remote(raw), version=response.headers.get("ETag", ""))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        who = _sql_string(requestor)
        query = f"Requestor.EmailAddress = {who} OR Requestor.Name = {who}"
        found = self.http.json("GET", "/tickets", params={
            "query": query, "orderby": ["Created", "id"], "order": ["DESC", "DESC"], "per_page": 100,
            "fields": "Subject,Status,Queue,LastUpdated", "fields[Queue]": "Name"})
        return [self._remote(item) for item in _items(found)]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self.http.json("POST", f"/ticket/{int(ticket_id)}/correspond",
                       json={"Content": text, "ContentType": "text/plain"})

    def conversation(self, ticket_id: str) -> list[Message]:
        """The messages between the user and the helpdesk, oldest first, as plain text."""
        number = int(ticket_id)
        history = self.http.json("GET", f"/ticket/{number}/history", params={
            "fields": "Type,Creator,Created", "fields[Creator]": "Name,RealName,EmailAddress",
            "per_page": 100})
        transactions = [t for t in _items(history) if t.get("Type") in ("Create", "Correspond")]
        if not transactions:
            return []
        parts = self.http.json("GET", f"/ticket/{number}/attachments", params={
            "fields": "TransactionId,ContentType,Content,Filename", "per_page": 100})
        texts: dict[str, dict[str, str]] = {}
        for part in _items(parts):
            kind = str(part.get("ContentType", "")).split(";")[0].strip().lower()
            if part.get("Filename") or kind not in ("text/plain", "text/html"):
                continue
            content = _attachment_text(part.get("Content"))
            if content.strip():
                texts.setdefault(str(part.get("TransactionId", "")), {}).setdefault(kind, content)
        me = self.credential.username.lower()
        messages = []
        for transaction in transactions:
            found = texts.get(str(transaction.get("id", "")), {})
            text = found.get("text/plain") or _html_as_text(found.get("text/html", ""))
            creator = transaction.get("Creator") if isinstance(transaction.get("Creator"), dict) else {}
            names = {str(creator.get(k, "")).lower() for k in ("id", "Name", "EmailAddress")}
            author = str(creator.get("RealName") or creator.get("Name") or creator.get("id") or "")
            messages.append(Message(author=author, when=str(transaction.get("Created", "")),
                                    text=text.strip(),
                                    from_helpdesk=transaction.get("Type") != "Create" and me not in names))
        return messages

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        self.http.json("POST", f"/ticket/{int(ticket_id)}/comment",
                       json={"Content": f"Attached {attachment.filename}",
                             "ContentType": "text/plain",
                             "Attachments": [_attachment_json(attachment)]})

    def _ref(self, raw: Any) -> TicketRef:
        if not isinstance(raw, dict) or not str(raw.get("id", "")).isdigit():
            raise BadResponse("RT did not return a ticket id")
        return TicketRef(id=str(raw["id"]), url=f"{self.config.url}/Ticket/Display.html?id={raw['id']}")

    def _remote(self, raw: dict[str, Any]) -> RemoteTicket:
        queue = raw.get("Queue")
        raw_status = str(raw.get("Status", ""))
        return RemoteTicket(
            id=str(raw.get("id", "")), subject=str(raw.get("Subject", "")),
            status=STATUSES.get(raw_status, raw_status), raw_status=raw_status,
            queue=str(queue.get("Name", queue.get("id", ""))) if isinstance(queue, dict) else "",
            updated=str(raw.get("LastUpdated", "")),
        )


def _attachment_text(content: Any) -> str:
    """An attachment's Content: RT 5.0.3 gives text, later versions base64."""
    text = str(content or "")
    if text and re.fullmatch(r"[A-Za-z0-9+/=\s]+", text) and len(text.replace("\n", "")) % 4 == 0 \
            and " " not in text.strip():
        try:
            return base64.b64decode(text, validate=False).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            pass
    return text


def _html_as_text(markup: str) -> str:
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", markup)
    text = re.sub(r"<[^>]+>", "", text)
    return html.unescape(re.sub(r"\n{3,}", "\n\n", text))


def _items(found: Any) -> list[dict[str, Any]]:
    if not isinstance(found, dict) or not isinstance(found.get("items"), list):
        raise BadResponse("RT's search answer has no items list")
    if not found["items"] and found.get("total") not in (0, None):
        raise NotFound("RT found tickets but shows none: the account cannot see them")
    return found["items"]
