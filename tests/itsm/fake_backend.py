"""An in-memory ITSM back-end for outbox and watcher tests (the real ones are tested
against RT and the vendor fakes)."""
from __future__ import annotations

import itertools

from desktop.itsm import RemoteTicket, Ticket, TicketRef, TimedOut, Unavailable


class MemoryItsm:
    kind = "memory"

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay                        # seconds each create takes, for races
        self.tickets: dict[str, dict] = {}
        self.fail_next: list[Exception] = []      # raised by the next calls, in order
        self.accept_then_fail: Exception | None = None
        self.calls: list[str] = []
        self._ids = itertools.count(1)

    def _maybe_fail(self, call: str) -> None:
        """`fail_next` errors happen before the ITSM sees the call: an `Unavailable` one
        is raised as the HTTP layer raises a refused connection (a timeout stays one)."""
        self.calls.append(call)
        if self.fail_next:
            error = self.fail_next.pop(0)
            if isinstance(error, Unavailable) and not isinstance(error, TimedOut):
                _raise_refused(error)
            raise error

    def check_credentials(self) -> str:
        self._maybe_fail("check")
        return "tester"

    def create_ticket(self, ticket: Ticket, idempotency_key: str) -> TicketRef:
        self._maybe_fail("create")
        if self.delay:
            import time

            time.sleep(self.delay)
        ticket_id = str(next(self._ids))
        self.tickets[ticket_id] = {"ticket": ticket, "key": idempotency_key, "status": "new"}
        if self.accept_then_fail is not None:
            error, self.accept_then_fail = self.accept_then_fail, None
            raise error
        return TicketRef(ticket_id)

    def find_by_idempotency_key(self, idempotency_key: str) -> TicketRef | None:
        self._maybe_fail("find")
        for ticket_id, stored in self.tickets.items():
            if stored["key"] == idempotency_key:
                return TicketRef(ticket_id)
        return None

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        self._maybe_fail("get")
        stored = self.tickets[ticket_id]
        return RemoteTicket(ticket_id, stored["ticket"].subject, stored["status"])

    def list_tickets(self, requestor: str) -> list[RemoteTicket]:
        return [self.get_ticket(i) for i in reversed(self.tickets)]

    def add_reply(self, ticket_id: str, text: str) -> None:
        self._maybe_fail("reply")

    def attach_file(self, ticket_id: str, attachment) -> None:
        self._maybe_fail("attach")


class MemoryBulkItsm(MemoryItsm):
    """Also searches several keys and creates several tickets per request, like RT."""

    def find_by_idempotency_keys(self, keys: list[str]) -> dict[str, TicketRef]:
        self._maybe_fail("find_many")
        return {stored["key"]: TicketRef(ticket_id) for ticket_id, stored in self.tickets.items()
                if stored["key"] in keys}

    def create_tickets(self, batch: list[tuple[Ticket, str]]) -> list[TicketRef]:
        self._maybe_fail("create_many")
        refs = []
        for ticket, key in batch:
            ticket_id = str(next(self._ids))
            self.tickets[ticket_id] = {"ticket": ticket, "key": key, "status": "new"}
            refs.append(TicketRef(ticket_id))
        if self.accept_then_fail is not None:
            error, self.accept_then_fail = self.accept_then_fail, None
            raise error
        return refs


def _raise_refused(error: Unavailable) -> None:
    from urllib3.exceptions import NewConnectionError

    try:
        raise NewConnectionError(None, "Connection refused")
    except NewConnectionError:
        raise error from None
