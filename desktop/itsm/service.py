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
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.itsm.credentials import CredentialStore
from desktop.itsm.errors import AuthError, ConfigError, ItsmError
from desktop.itsm.model import Ticket
from desktop.itsm.outbox import Outbox, OutboxEntry
from desktop.itsm.protocol import Backend, BackendConfig, Credential
from desktop.itsm.registry import make_backend
from desktop.itsm.sender import OutboxSender, SendReport
from desktop.itsm.watcher import StatusChange, StatusWatcher
from desktop.policy import Policy, load_policy

log = logging.getLogger(__name__)
ACCOUNT_FILE = "itsm_account.json"   # the user name last logged in; never a secret


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
        return OutboxSender(self.outbox, backend).send_due()

    def refresh_status(self) -> list[StatusChange]:
        return StatusWatcher(self.outbox, self.backend()).poll_due()

    def tickets(self) -> list[OutboxEntry]:
        return self.outbox.all()


def _with_requestor(ticket: Ticket, requestor: str) -> Ticket:
    from dataclasses import replace

    return replace(ticket, requestor=requestor)
