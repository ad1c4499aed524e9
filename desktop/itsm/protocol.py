"""The one protocol every ITSM back-end follows, and what it is built from.

A back-end is constructed as `Backend(config, credential, session=None)`: `session` is a
`requests.Session` (or anything with the same `request` method), injectable so tests can
use recorded replies or a local server. All methods raise only `ItsmError` subclasses.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from desktop.itsm.model import Attachment, RemoteTicket, Ticket, TicketRef

DEFAULT_IDEMPOTENCY_FIELD = "HelpdeskIdempotencyKey"


@dataclass(frozen=True)
class BackendConfig:
    kind: str
    url: str
    auth: str = "basic"                # basic | token
    account: str = ""                  # EasyVista account, JSM service desk id, ...
    timeout: float = 15.0
    verify_tls: bool = True
    idempotency_field: str = DEFAULT_IDEMPOTENCY_FIELD
    catalog: tuple[tuple[str, str], ...] = ()        # request item -> the ITSM's catalog id ([itsm.catalog])

    def catalog_id(self, key: str, default: str = "") -> str:
        """The ITSM's id for a catalog item ("new-laptop") or one of its fields
        ("new-laptop.model"), from the policy's [itsm.catalog]; `default` when not mapped."""
        return dict(self.catalog).get(key, default)

    def request_fields(self, ticket) -> dict[str, str]:
        """A request's values by the ITSM's field names ([itsm.catalog] "item.field" = name)."""
        return {self.catalog_id(f"{ticket.item}.{name}", name): value for name, value in ticket.fields}

    @classmethod
    def from_policy(cls, policy) -> BackendConfig:
        itsm = policy.itsm
        return cls(kind=itsm.kind, url=itsm.url.rstrip("/"), auth=itsm.auth,
                   account=itsm.account, timeout=float(itsm.timeout_seconds),
                   verify_tls=itsm.verify_tls,
                   idempotency_field=itsm.values.get("idempotency_field")
                   or DEFAULT_IDEMPOTENCY_FIELD, catalog=tuple(sorted(getattr(policy, "catalog", {}).items())))


@dataclass(frozen=True)
class Credential:
    """A user name and its password or token. `repr` never shows the secret."""

    username: str
    secret: str

    def __repr__(self) -> str:
        return f"Credential(username={self.username!r}, secret=<hidden>)"


@runtime_checkable
class Backend(Protocol):
    kind: str

    def check_credentials(self) -> str:
        """Return the ITSM's name for the authenticated user; AuthError if refused."""

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        """Create the ticket in `ticket.queue`, recording `idempotency_key` with it."""

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        """Return the ticket created with this key, or None if there is none."""

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        """The ticket as the ITSM shows it now; NotFound if it does not exist."""

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        """The requestor's tickets, newest first."""

    def add_reply(self, ticket_id: str, text: str) -> None:
        """Add the user's reply to the ticket's conversation."""

    def attach_file(self, ticket_id: str, attachment: Attachment) -> None:
        """Attach a file (log, screenshot) to an existing ticket."""
