"""What a ticket is, on its way to the ITSM and on its way back.

    >>> ticket = Ticket(subject="Printer jams", description="Paper stuck on floor 2",
    ...                 team="workplace", requestor="jdoe@example.com",
    ...                 origin=Origin("tree", "printer-jam", "Printer jams"),
    ...                 dialogue=[("user", "printer jams"), ("assistant", "Open tray 2...")],
    ...                 context=Context.gather(kb_version="2026.11.3").without("ip"))
    >>> ticket.body()        # the plain-text description every back-end sends
"""
from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from typing import Any

from desktop.itsm.context import Context
from desktop.plaintext import plain_text  # noqa: F401 - also this module's name for it

FINAL_STATUSES = frozenset({"resolved", "closed", "rejected", "deleted"})

# The one vocabulary for a ticket's status, in the window and on the command line: the
# normalised status (or the outbox state while it is not sent) -> the words people read.
STATUS_WORDS = {
    "queued": "queued — will be sent",
    "failed": "refused",
    "new": "new",
    "open": "in progress",
    "pending": "waiting",
    "resolved": "resolved",
    "closed": "closed",
    "rejected": "rejected",
    "deleted": "deleted",
}


def status_words(status: str) -> str:
    """What a person reads for a status: `status_words("open") == "in progress"`."""
    return STATUS_WORDS.get(status, status)


@dataclass(frozen=True)
class Origin:
    """The knowledge-base article or decision tree that led to the ticket."""

    kind: str  # "article" | "tree"
    id: str
    title: str = ""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes

    def to_dict(self) -> dict[str, str]:
        return {"filename": self.filename, "content_type": self.content_type,
                "data": base64.b64encode(self.data).decode("ascii")}

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> Attachment:
        return cls(raw["filename"], raw["content_type"], base64.b64decode(raw["data"]))


@dataclass(frozen=True)
class Ticket:
    """A ticket as the user sees it before sending; `queue` is set by routing."""

    subject: str
    description: str
    team: str | None = None
    queue: str | None = None
    requestor: str = ""
    origin: Origin | None = None
    dialogue: tuple[tuple[str, str], ...] = ()
    context: Context = field(default_factory=Context)
    attachments: tuple[Attachment, ...] = ()
    kind: str = "incident"                           # incident | request (a service catalog item)
    item: str = ""                                   # the catalog item's id, for a request
    fields: tuple[tuple[str, str], ...] = ()         # a request's values: (field name, value)
    approval: str = ""                               # none | manager | group:NAME, for a request

    def __post_init__(self) -> None:
        if not self.subject.strip():
            raise ValueError("a ticket needs a subject")
        object.__setattr__(self, "dialogue", tuple(tuple(turn) for turn in self.dialogue))
        object.__setattr__(self, "attachments", tuple(self.attachments))
        object.__setattr__(self, "fields", tuple((str(k), str(v)) for k, v in self.fields))
        if self.kind not in ("incident", "request"):
            raise ValueError(f"a ticket is an incident or a request, not {self.kind!r}")

    def routed(self, queue: str) -> Ticket:
        return replace(self, queue=queue)

    def body(self) -> str:
        """Description, then where it came from, what was tried, and the context block."""
        parts = [plain_text(self.description.strip())]
        if self.origin:
            label = {"tree": "Decision tree", "request": "Service catalog item"}.get(self.origin.kind, "Article")
            parts.append(f"{label} that led here: {self.origin.title or self.origin.id} "
                         f"({self.origin.id})")
        if self.dialogue:
            lines = [f"{who}: {plain_text(text)}" for who, text in self.dialogue]
            parts.append("What the user already tried:\n" + "\n".join(lines))
        if self.context.items:
            parts.append("Context:\n" + self.context.render())
        return "\n\n".join(part for part in parts if part)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subject": self.subject, "description": self.description, "team": self.team,
            "queue": self.queue, "requestor": self.requestor,
            "origin": None if self.origin is None else vars(self.origin).copy(),
            "dialogue": [list(turn) for turn in self.dialogue],
            "context": self.context.to_dict(),
            "attachments": [a.to_dict() for a in self.attachments],
            "kind": self.kind, "item": self.item, "fields": [list(f) for f in self.fields], "approval": self.approval,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Ticket:
        origin = raw.get("origin")
        return cls(
            subject=raw["subject"], description=raw.get("description", ""),
            team=raw.get("team"), queue=raw.get("queue"), requestor=raw.get("requestor", ""),
            origin=Origin(**origin) if origin else None,
            dialogue=tuple(tuple(turn) for turn in raw.get("dialogue", ())),
            context=Context.from_dict(raw.get("context", {})),
            attachments=tuple(Attachment.from_dict(a) for a in raw.get("attachments", ())),
            kind=raw.get("kind", "incident"), item=raw.get("item", ""),
            fields=tuple(tuple(f) for f in raw.get("fields", ())), approval=raw.get("approval", ""),
        )


@dataclass(frozen=True)
class TicketRef:
    """What the ITSM gave back for a created ticket."""

    id: str
    url: str = ""


@dataclass(frozen=True)
class RemoteTicket:
    """A ticket as the ITSM shows it now. `status` is normalised (new, open, pending,
    resolved, closed, rejected); `raw_status` is the ITSM's own word."""

    id: str
    subject: str
    status: str
    raw_status: str = ""
    queue: str = ""
    updated: str = ""
    version: str = ""      # opaque tag (HTTP ETag) that changes whenever the ticket does

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True)
class Message:
    """One message of a ticket's conversation: the ticket's first text, a reply from the
    helpdesk (`from_helpdesk`) or one of the user's own replies. `when` is ISO 8601 UTC."""

    author: str
    when: str
    text: str
    from_helpdesk: bool


def normalise_status(raw: str) -> str:
    """Map an ITSM's own status word to new, open, pending, resolved, closed or rejected."""
    word = raw.strip().lower()
    for needle, status in (("clos", "closed"), ("resol", "resolved"), ("solved", "resolved"),
                           ("cancel", "rejected"), ("reject", "rejected"), ("wait", "pending"),
                           ("pending", "pending"), ("hold", "pending"), ("suspend", "pending"),
                           ("stalled", "pending"), ("new", "new"), ("submit", "new"),
                           ("open", "open"), ("progress", "open"), ("assign", "open"),
                           ("processing", "open"), ("done", "resolved")):
        if needle in word:
            return status
    return word or "open"
