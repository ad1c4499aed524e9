"""`TicketService`: the one object the UI and the command line use for tickets.

    >>> service = TicketService.from_environment()        # policy, keyring, state.sqlite
    >>> service.login("jdoe", "s3cret")                   # checked with the ITSM, then stored
    >>> entry = service.submit(Ticket(subject=..., description=..., team="printing"))
    >>> entry.state                                        # 'sent', or 'queued' if offline

Only `ItsmError` (and `PolicyError` when the policy file is broken) come out of it.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.itsm.credentials import CredentialStore
from desktop.itsm.errors import AuthError, ConfigError, ItsmError, Unavailable
from desktop.itsm.model import Message, Ticket
from desktop.itsm.outbox import Outbox, OutboxEntry
from desktop.itsm.protocol import Backend, BackendConfig, Credential
from desktop.itsm.registry import make_backend
from desktop.itsm.sender import OutboxSender, SendReport
from desktop.itsm.watcher import StatusChange, StatusWatcher
from desktop.policy import Policy, load_policy

log = logging.getLogger(__name__)
ACCOUNT_FILE = "itsm_account.json"   # the user name last logged in; never a secret
PROBE_AFTER_OUTAGE = 60.0            # seconds: how soon after a failed contact to try again


@dataclass(frozen=True)
class Notice:
    """Something to tell the user once: a new status, or a new reply from the helpdesk."""

    key: str
    ticket_id: str
    subject: str
    kind: str           # "status" | "reply"
    new: str            # the new status (normalised), also for a reply
    text: str = ""      # the reply's text


@dataclass(frozen=True)
class Freshness:
    """How current the stored ticket list is: `reachable` False means the ITSM could not
    be reached at the last try, and the list is what it said at `as_of` (0: never)."""

    reachable: bool
    as_of: float
    error: str = ""


@dataclass(frozen=True)
class LoginResult:
    username: str
    stored: bool          # False: no secure keyring, kept for this session only
    warning: str = ""


class TicketService:
    def __init__(self, policy: Policy, outbox: Outbox, store: CredentialStore,
                 home: Path, session=None):
        self.policy = policy
        self.outbox = outbox
        self.store = store
        self.home = home
        self.session = session
        self.config = BackendConfig.from_policy(policy)

    @classmethod
    def from_environment(cls, session=None) -> TicketService:
        home = paths.data_home()
        return cls(load_policy(), Outbox.open(paths.state_db()), CredentialStore(), home, session)

    @property
    def itsm_label(self) -> str:
        return f"{self.config.kind} {self.config.url}".strip()

    def username(self) -> str:
        if self.policy.itsm.username:
            return self.policy.itsm.username
        try:
            account = json.loads((self.home / ACCOUNT_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ""
        return account.get("username", "") if account.get("url") == self.config.url else ""

    def login(self, username: str, secret: str) -> LoginResult:
        """Check the credential with the ITSM, then store it; AuthError stores nothing."""
        if not self.config.kind:
            raise ConfigError("no ITSM is configured: ask IT to set [itsm] kind and url "
                              "in the policy file")
        if not username or not secret:
            raise AuthError("a user name and a password or token are both needed")
        credential = Credential(username, secret)
        make_backend(self.config, credential, self.session).check_credentials()
        self.store.save(self.config.url, credential)
        (self.home / ACCOUNT_FILE).write_text(
            json.dumps({"url": self.config.url, "username": username}), encoding="utf-8")
        return LoginResult(username, self.store.secure, self.store.warning)

    def backend(self) -> Backend:
        username = self.username()
        credential = self.store.load(self.config.url, username) if username else None
        return make_backend(self.config, credential, self.session)

    def route(self, ticket: Ticket) -> Ticket:
        """Set the queue from the ticket's KB team ([itsm.teams], else default_queue)."""
        if ticket.team and ticket.team not in self.policy.teams:
            log.info("team %r has no queue in the policy; using the default", ticket.team)
        requestor = ticket.requestor or self.username()
        ticket = ticket.routed(ticket.queue or self.policy.queue_for(ticket.team))
        return ticket if ticket.requestor == requestor else _with_requestor(ticket, requestor)

    def submit(self, ticket: Ticket, send: bool = True) -> OutboxEntry:
        """Write the ticket to the outbox, then (with `send`) try to send what is due."""
        if not self.config.kind:
            raise ConfigError("no ITSM is configured: ask IT to set [itsm] kind and url "
                              "in the policy file")
        entry = self.outbox.add(self.route(ticket), itsm=self.itsm_label)
        if send:
            self.send_queued()
        return self.outbox.get(entry.key)

    def send_queued(self) -> SendReport:
        """Send every due queued ticket; an ITSM that cannot be reached leaves them queued."""
        if not self.outbox.due():
            return SendReport()
        try:
            backend = self.backend()
        except ItsmError as exc:
            report = SendReport()
            for entry in self.outbox.due():
                report.waiting.append(entry)
                report.errors[entry.key] = exc
                self.outbox.mark_retry(entry.key, exc.user_message, 0)
            return report
        report = OutboxSender(self.outbox, backend).send_due()
        unreachable = [e for e in report.errors.values() if isinstance(e, (Unavailable, AuthError))]
        if unreachable:
            self.outbox.record_contact(unreachable[0].user_message)
        elif report.sent:
            self.outbox.record_contact("")
        return report

    def refresh_status(self) -> list[StatusChange]:
        """Poll the statuses that are due; raises the error when the ITSM cannot be
        reached or refuses the credential (what could be read is kept)."""
        watcher = StatusWatcher(self.outbox, self.backend())
        changes = watcher.poll_due()
        if watcher.contact_error is not None:
            raise watcher.contact_error
        return changes

    def refresh(self) -> None:
        """Send what is queued, then poll statuses. Raises the error when the ITSM cannot
        be reached or refuses the credential, also while waiting out an earlier outage's
        back-off (`Unavailable` with the stored reason)."""
        report = self.send_queued()
        unreachable = [e for e in report.errors.values() if isinstance(e, (Unavailable, AuthError))]
        if unreachable:
            raise unreachable[0]
        ok_at, failed_at, _ = self.outbox.contact()
        if failed_at > ok_at and failed_at < time.time() - PROBE_AFTER_OUTAGE:
            # After an outage, one ticket is asked again at once (not when its back-off
            # ends): the list stops saying "unreachable" soon after the ITSM is back.
            self.outbox.conn.execute(
                "UPDATE itsm_outbox SET next_poll_at = 0 WHERE key = (SELECT key FROM itsm_outbox "
                "WHERE state = 'sent' AND remote_status NOT IN ('resolved', 'closed', 'rejected', "
                "'deleted') ORDER BY next_poll_at LIMIT 1)")
        self.refresh_status()
        freshness = self.freshness()
        if not freshness.reachable:
            raise Unavailable(freshness.error or "the ITSM could not be reached at the last try")

    def freshness(self) -> Freshness:
        ok_at, failed_at, error = self.outbox.contact()
        if failed_at > ok_at:
            sent = [e.status_checked_at or e.created_at for e in self.outbox.all()]
            return Freshness(False, ok_at or max(sent, default=0.0), error)
        return Freshness(True, ok_at)

    def notices(self) -> list[Notice]:
        """What changed since the user was last told (whoever fetched it: the app or the
        `tickets` command). Call `mark_notified` once they have been told."""
        notices = []
        for entry in self.outbox.to_notify():
            ident = entry.remote_id or ""
            if entry.helpdesk_replies > entry.notified_replies:
                notices.append(Notice(entry.key, ident, entry.ticket.subject, "reply",
                                      entry.remote_status, entry.last_reply))
            if entry.remote_status != entry.notified_status:
                notices.append(Notice(entry.key, ident, entry.ticket.subject, "status",
                                      entry.remote_status))
        return notices

    def mark_notified(self, notices: list[Notice]) -> None:
        for key in {n.key for n in notices}:
            entry = self.outbox.get(key)
            self.outbox.mark_notified(key, entry.remote_status, entry.helpdesk_replies)

    def conversation(self, key: str) -> list[Message]:
        """The ticket's messages with the helpdesk, oldest first ([] where the ITSM shows
        none through its API); the helpdesk's replies seen are counted as read."""
        entry = self.outbox.get(key)
        backend = self.backend()
        reader = getattr(backend, "conversation", None)
        if reader is None or not entry.remote_id:
            return []
        messages = reader(entry.remote_id)
        replies = [m for m in messages if m.from_helpdesk]
        if len(replies) != entry.helpdesk_replies:
            self.outbox.record_replies(key, len(replies), replies[-1].text if replies else "")
        return messages

    def tickets(self) -> list[OutboxEntry]:
        return self.outbox.all()


def _with_requestor(ticket: Ticket, requestor: str) -> Ticket:
    from dataclasses import replace

    return replace(ticket, requestor=requestor)
