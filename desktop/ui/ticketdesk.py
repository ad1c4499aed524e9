"""`TicketDesk`: tickets as the tray app shows them: draft, send, list, reply. No Qt.

    desk = TicketDesk.from_environment(policy, settings, kb)
    draft = desk.draft("Printer does not print", "", "workplace", ("tree", "printer", "Printer"),
                       ["Asked: printer broken"], fields, {"printer": "PRN-3A"})
    outcome = desk.send(draft.without("ip"))   # SendOutcome("sent", "1234") or ("queued", ...)
    rows = desk.tickets(); desk.unread_count(); desk.mark_read()
    desk.conversation(rows[0].key)     # [Message(author, when, text, from_helpdesk), ...]
    desk.reply(rows[0].key, "Still broken after the restart")

Only `AssistantError` leaves this module; its `user_message` is what the UI shows: plain
words for an employee (never a URL, a status code or a command to type).
"""
from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

from desktop import paths
from desktop.engine.dialogue import asked_question
from desktop.itsm import Attachment, Context, ItsmError, Ticket
from desktop.itsm.context import LABELS
from desktop.itsm.credentials import CredentialStore
from desktop.itsm.errors import NotSignedIn
from desktop.itsm.times import as_of_text, last_update
from desktop.itsm.model import Message, Origin
from desktop.itsm.outbox import Outbox
from desktop.itsm.service import TicketService
from desktop.policy import Policy

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


class AssistantError(RuntimeError):
    """Something the user should read; `user_message` says what happened and what to do.
    `needs_sign_in` is True when signing in to the helpdesk (Settings) is the way out."""

    def __init__(self, user_message: str, needs_sign_in: bool = False):
        super().__init__(user_message)
        self.user_message = user_message
        self.needs_sign_in = needs_sign_in

    @classmethod
    def from_itsm(cls, exc: ItsmError) -> AssistantError:
        return cls(exc.employee_message, needs_sign_in=isinstance(exc, NotSignedIn))


@dataclass(frozen=True)
class Draft:
    """A ticket as shown in the summary before sending; the user may remove context items."""

    subject: str
    description: str
    team: str | None
    origin: tuple[str, str, str] | None
    transcript: tuple[str, ...]
    context: dict[str, str]
    attachments: tuple[Path, ...] = ()
    form_lines: tuple[str, ...] = ()
    request: tuple | None = None         # a service request: (item id, ((field, value), ...), approval)

    def without(self, *keys: str) -> Draft:
        return replace(self, context={k: v for k, v in self.context.items() if k not in keys})

    def context_labels(self) -> list[tuple[str, str, str]]:
        """(key, label, value) for each context item, in order."""
        return [(k, LABELS.get(k, k), v) for k, v in self.context.items()]

    def full_description(self) -> str:
        return "\n".join(part for part in (self.description.strip(), "\n".join(self.form_lines)) if part)

    def to_ticket(self) -> Ticket:
        dialogue = []
        for line in self.transcript:
            question = asked_question(line)            # "Asked: …", "Question : …"
            dialogue.append(("user", question) if question is not None else ("assistant", line))
        attachments = []
        for path in self.attachments:
            size = path.stat().st_size
            if size > MAX_ATTACHMENT_BYTES:
                raise AssistantError(f"{path.name} is too big to attach ({size // 1_000_000} MB; "
                                     f"at most {MAX_ATTACHMENT_BYTES // 1_000_000} MB)")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            attachments.append(Attachment(path.name, kind, path.read_bytes()))
        origin = Origin(*self.origin) if self.origin else None
        request = {"kind": "request", "item": self.request[0], "fields": self.request[1],
                   "approval": self.request[2]} if self.request else {}
        return Ticket(subject=self.subject, description=self.full_description() or self.subject,
                      team=self.team, origin=origin, dialogue=tuple(dialogue),
                      context=Context(dict(self.context)), attachments=tuple(attachments), **request)


@dataclass(frozen=True)
class SendOutcome:
    status: str                 # sent | queued | failed
    ticket_id: str = ""
    key: str = ""
    message: str = ""


@dataclass(frozen=True)
class TicketRow:
    key: str
    ticket_id: str              # the ITSM's number, "" while queued
    subject: str
    status: str                 # the ITSM's status, or queued / failed
    updated: str                # the ITSM's last update (local "YYYY-MM-DD HH:MM")
    unread: bool = False
    as_of: str = ""             # "HH:MM" of the stored list when the helpdesk is unreachable
    approval: str = ""          # a request still waiting for its approval: "manager" or "group:NAME"


def refusal_reason(error: str) -> str:
    """Why the ITSM refused a ticket, for an employee: its own words, without the HTTP
    status or a URL ("the ITSM refused the request (422): Invalid queue" -> "Invalid queue")."""
    detail = error.split("): ", 1)[1] if "): " in error else ""
    detail = re.sub(r"https?://\S+", "", detail).strip(" :")
    return detail or "please tell IT."


def _seen_token(entry) -> str:
    """What the user has seen of a ticket: its status, and the helpdesk replies if any."""
    return entry.status if not entry.helpdesk_replies else f"{entry.status}+{entry.helpdesk_replies}"


class TicketDesk:
    def __init__(self, service: TicketService, settings, kb_version: str = "",
                 context_probe=Context.gather):
        self.service = service
        self.settings = settings
        self.kb_version = kb_version
        self.context_probe = context_probe

    @classmethod
    def from_environment(cls, policy: Policy, settings, kb=None) -> TicketDesk:
        service = TicketService(policy, Outbox.open(paths.state_db()), CredentialStore(),
                                paths.data_home())
        return cls(service, settings, str(kb.info.version) if kb is not None else "")

    @property
    def configured(self) -> bool:
        return bool(self.service.config.kind)

    def username(self) -> str:
        return self.service.username()

    def login(self, username: str, secret: str) -> str:
        """Check and store the credential; returns a warning ("" when kept in the keyring)."""
        try:
            return self.service.login(username, secret).warning
        except ItsmError as exc:
            raise AssistantError.from_itsm(exc) from None

    def signed_in_as(self) -> str:
        """The user name whose password or token is stored (keyring or this session), or ""."""
        username = self.username()
        if not username or not self.configured:
            return ""
        try:
            stored = self.service.store.load(self.service.config.url, username)
        except ItsmError:
            return ""
        return username if stored is not None else ""

    def draft(self, subject: str, description: str, team: str | None, origin,
              transcript: Sequence[str], fields: Sequence = (), values: dict[str, Any] | None = None) -> Draft:
        values = values or {}
        lines, files = [], []
        for f in fields:
            value = values.get(f.id)
            if value in (None, ""):
                continue
            if f.type in ("file", "screenshot"):
                files.append(Path(str(value)))
            else:
                sep = " " if f.label.rstrip().endswith(("?", ":")) else ": "
                lines.append(f"{f.label}{sep}{value}")
        context = self.context_probe(kb_version=self.kb_version).to_dict()
        return Draft(subject, description, team, origin, tuple(transcript), context,
                     tuple(files), tuple(lines))

    def send(self, draft: Draft) -> SendOutcome:
        """Write to the outbox, then try to send; offline it stays queued."""
        ticket = draft.to_ticket()
        try:
            entry = self.service.submit(ticket)
        except ItsmError as exc:
            raise AssistantError.from_itsm(exc) from None
        self._see(entry.key, _seen_token(entry))
        if entry.state == "sent":
            return SendOutcome("sent", entry.remote_id or "", entry.key)
        if entry.state == "queued":
            return SendOutcome("queued", "", entry.key, entry.last_error)
        return SendOutcome("failed", "", entry.key, refusal_reason(entry.last_error))

    def refresh(self) -> list:
        """Send what is queued and poll statuses; returns what to tell the user once (new
        statuses, new replies from the helpdesk: `Notice`s with .subject, .kind, .new,
        .text), also when the `tickets` command fetched them first."""
        if not self.configured:
            return []
        try:
            self.service.backend()                      # NotSignedIn before anything else
            self.service.refresh()
        except ItsmError as exc:
            raise AssistantError.from_itsm(exc) from None
        notices = self.service.notices()
        self.service.mark_notified(notices)
        return notices

    def tickets(self) -> list[TicketRow]:
        seen = dict(self.settings.seen_statuses)
        freshness = self.service.freshness()
        as_of = "" if freshness.reachable else (as_of_text(freshness.as_of) or "—")
        rows, changed = [], False
        for e in sorted(self.service.tickets(), key=lambda e: e.created_at, reverse=True):
            token = _seen_token(e)
            if e.key not in seen:
                seen[e.key], changed = token, True
            waiting = e.ticket.kind == "request" and e.ticket.approval not in ("", "none") and \
                e.status in ("queued", "new")
            rows.append(TicketRow(e.key, e.remote_id or "", e.ticket.subject, e.status, last_update(e),
                                  unread=seen[e.key] != token, as_of=as_of,
                                  approval=e.ticket.approval if waiting else ""))
        if changed:
            self.settings.update(seen_statuses=seen)
        return rows

    def unread_count(self) -> int:
        return sum(row.unread for row in self.tickets())

    def mark_read(self) -> None:
        self.settings.update(seen_statuses={e.key: _seen_token(e) for e in self.service.tickets()})

    def conversation(self, key: str) -> list[Message]:
        """The selected ticket's messages with the helpdesk, oldest first."""
        try:
            return self.service.conversation(key)
        except ItsmError as exc:
            raise AssistantError.from_itsm(exc) from None

    def _see(self, key: str, status: str) -> None:
        self.settings.update(seen_statuses={**self.settings.seen_statuses, key: status or "new"})

    def reply(self, key: str, text: str) -> None:
        if not text.strip():
            raise AssistantError("The reply is empty.")
        entry = self.service.outbox.get(key)
        if not entry.remote_id:
            raise AssistantError("This ticket has not reached the helpdesk yet; "
                                 "you can reply once it has a number.")
        try:
            self.service.backend().add_reply(entry.remote_id, text)
        except ItsmError as exc:
            raise AssistantError.from_itsm(exc) from None
