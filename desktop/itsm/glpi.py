"""GLPI REST API (`/apirest.php`): `initSession` with basic auth or a `user_token`, then
every call carries `Session-Token` (and `App-Token` when itsm.account holds one).

Exactly-once uses the ticket's `externalid`, found again with
`GET /Ticket?searchText[externalid]=^key$`. Routing: a KB team maps to the id of the GLPI
group the ticket is assigned to (`_groups_id_assign`). An expired session (401
ERROR_SESSION_TOKEN_INVALID) is renewed once, transparently.
"""
from __future__ import annotations

import json
from typing import Any

from desktop.itsm.errors import AuthError, BadResponse
from desktop.itsm.http import HttpClient
from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef
from desktop.itsm.protocol import BackendConfig, Credential

STATUSES = {1: "new", 2: "open", 3: "open", 4: "pending", 5: "resolved", 6: "closed"}


class GlpiBackend:
    kind = "glpi"

    def __init__(self, config: BackendConfig, credential: Credential, session: Any = None):
        self.config = config
        self.credential = credential
        headers = {"Accept": "application/json"}
        if config.account:
            headers["App-Token"] = config.account
        self.http = HttpClient(f"{config.url}/apirest.php", session, timeout=config.timeout,
                               verify=config.verify_tls, headers=headers)
        self.session_token = ""

    def _login(self) -> None:
        if self.config.auth == "token":
            kwargs: dict[str, Any] = {
                "headers": {"Authorization": f"user_token {self.credential.secret}"}}
        else:
            kwargs = {"auth": (self.credential.username, self.credential.secret)}
        body = self.http.json("GET", "/initSession", **kwargs)
        if not isinstance(body, dict) or not body.get("session_token"):
            raise BadResponse("GLPI's initSession answer has no session_token")
        self.session_token = body["session_token"]

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        if not self.session_token:
            self._login()
        for attempt in (1, 2):
            headers = {**kwargs.pop("headers", {}), "Session-Token": self.session_token}
            try:
                return self.http.json(method, path, headers=headers, **kwargs)
            except AuthError:
                if attempt == 2:
                    raise
                self._login()           # the session expired: one new session, one retry

    def check_credentials(self) -> str:
        self._login()
        return self.credential.username

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        fields: dict[str, Any] = {"name": ticket.subject, "content": ticket.body(),
                                  "externalid": idempotency_key, "type": 2 if ticket.kind == "request" else 1}
        category = dict(self.config.catalog).get(ticket.item) if ticket.kind == "request" else None
        if category and category.isdigit():
            fields["itilcategories_id"] = int(category)          # the request's ITIL category ([itsm.catalog])
        if ticket.queue and ticket.queue.isdigit():
            fields["_groups_id_assign"] = int(ticket.queue)
        if ticket.requestor:
            fields["_users_id_requester_notif"] = {"use_notification": 1,
                                                   "alternative_email": [ticket.requestor]}
        created = self._call("POST", "/Ticket", json={"input": fields})
        if not isinstance(created, dict) or "id" not in created:
            raise BadResponse("GLPI did not return the new ticket's id")
        ticket_id = str(created["id"])
        for attachment in ticket.attachments:
            self.attach_file(ticket_id, attachment)
        return TicketRef(ticket_id, f"{self.config.url}/front/ticket.form.php?id={ticket_id}")

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        found = self._call("GET", "/Ticket", params={
            "searchText[externalid]": f"^{idempotency_key}$", "range": "0-0"})
        if not isinstance(found, list):
            raise BadResponse("GLPI's ticket list is not a list")
        return TicketRef(str(found[0]["id"])) if found else None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        return self._remote(self._call("GET", f"/Ticket/{int(ticket_id)}"))

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        found = self._call("GET", "/Ticket", params={"sort": "date_creation", "order": "DESC",
                                                     "range": "0-99"})
        if not isinstance(found, list):
            raise BadResponse("GLPI's ticket list is not a list")
        return [self._remote(t) for t in found]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self._call("POST", "/ITILFollowup", json={"input": {
            "itemtype": "Ticket", "items_id": int(ticket_id), "content": text}})

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        manifest = {"input": {"name": attachment.filename, "_filename": [attachment.filename],
                              "itemtype": "Ticket", "items_id": int(ticket_id)}}
        self._call("POST", "/Document", files={
            "uploadManifest": (None, json.dumps(manifest), "application/json"),
            "filename[0]": (attachment.filename, attachment.data, attachment.content_type)})

    @staticmethod
    def _remote(raw: Any) -> RemoteTicket:
        if not isinstance(raw, dict) or "id" not in raw:
            raise BadResponse("GLPI's ticket has no id")
        code = raw.get("status")
        return RemoteTicket(id=str(raw["id"]), subject=str(raw.get("name", "")),
                            status=STATUSES.get(code, "open") if isinstance(code, int) else "open",
                            raw_status=str(code), updated=str(raw.get("date_mod", "")))
