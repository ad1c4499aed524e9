"""Follows sent tickets' status in the ITSM and turns changes into events.

    >>> watcher = StatusWatcher(outbox, backend)
    >>> watcher.subscribe(lambda change: notify(f"{change.subject}: {change.new}"))
    >>> watcher.poll_due()            # or watcher.run(stop_event) in a worker thread

Each ticket is polled with its own back-off: `min_interval` after a change, doubling up
to `max_interval` while nothing changes; a 429's Retry-After is respected. Where the
back-end supports it (RT), a poll is a conditional request (If-None-Match) answered
304 when nothing changed. Tickets in a final status (resolved, closed, rejected) are no
longer polled. Plain callbacks and an optional `queue.Queue`.

Each read also keeps the ITSM's own last-update time and, for back-ends that show the
conversation (`conversation(ticket_id)`, RT), how many replies the helpdesk wrote. The
outbox notes whether the ITSM answered (`Outbox.contact()`); when it cannot be reached
or refuses the credential, polling stops for this round and `contact_error` says why.
What the user is told is decided elsewhere (`TicketService.notices`), from what is stored:
a change fetched first by the `tickets` command is still notified by the app.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass
from typing import Callable

from desktop.itsm.errors import AuthError, ItsmError, RateLimited, Unavailable
from desktop.itsm.model import RemoteTicket
from desktop.itsm.outbox import Outbox
from desktop.itsm.protocol import Backend

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusChange:
    key: str
    ticket_id: str
    subject: str
    old: str
    new: str


class StatusWatcher:
    def __init__(self, outbox: Outbox, backend: Backend, *, min_interval: float = 60.0,
                 max_interval: float = 3600.0, events: queue.Queue | None = None,
                 clock: Callable[[], float] = time.time):
        self.outbox = outbox
        self.backend = backend
        self.min_interval = min_interval
        self.max_interval = max_interval
        self.events = events
        self.clock = clock
        self._callbacks: list[Callable[[StatusChange], None]] = []
        self.contact_error: ItsmError | None = None

    def subscribe(self, callback: Callable[[StatusChange], None]) -> None:
        self._callbacks.append(callback)

    def poll_due(self) -> list[StatusChange]:
        changes = []
        self.contact_error = None
        answered = False
        for entry in self.outbox.to_poll(self.clock()):
            interval = entry.poll_interval or self.min_interval
            try:
                remote = self._read(entry)
            except ItsmError as exc:
                wait = min(self.max_interval, interval * 2)
                if isinstance(exc, RateLimited) and exc.retry_after:
                    wait = max(wait, exc.retry_after)
                self.outbox.postpone_poll(entry.key, self.clock() + wait, wait)
                log.info("status of %s not read (%s); next try in %.0f s",
                         entry.remote_id, type(exc).__name__, wait)
                if isinstance(exc, (Unavailable, AuthError)):
                    self.contact_error = exc          # the others would fail the same way
                    break
                continue
            answered = True
            if remote is None:                # 304 Not Modified: nothing changed
                interval = min(self.max_interval, interval * 2)
                self.outbox.record_status(entry.key, entry.remote_status,
                                          self.clock() + interval, interval)
                continue
            self._read_replies(entry)
            if remote.status != entry.remote_status:
                interval = self.min_interval
                change = StatusChange(entry.key, entry.remote_id or "", entry.ticket.subject,
                                      entry.remote_status, remote.status)
                changes.append(change)
            else:
                interval = min(self.max_interval, interval * 2)
            self.outbox.record_status(entry.key, remote.status, self.clock() + interval, interval,
                                      remote.version or None, remote.updated)
        if self.contact_error is not None:
            self.outbox.record_contact(self.contact_error.user_message, self.clock())
        elif answered:
            self.outbox.record_contact("", self.clock())
        for change in changes:
            self._emit(change)
        return changes

    def _read_replies(self, entry) -> None:
        """The ticket changed: count the helpdesk's replies (back-ends that show them)."""
        conversation = getattr(self.backend, "conversation", None)
        if conversation is None:
            return
        try:
            messages = conversation(entry.remote_id or "")
        except ItsmError as exc:
            log.info("conversation of %s not read (%s)", entry.remote_id, type(exc).__name__)
            return
        replies = [m for m in messages if m.from_helpdesk]
        if len(replies) != entry.helpdesk_replies:
            self.outbox.record_replies(entry.key, len(replies), replies[-1].text if replies else "")

    def _read(self, entry) -> RemoteTicket | None:
        """The ticket now, or None when the ITSM says it has not changed since we last
        read it (back-ends with `get_ticket_if_changed`: RT answers If-None-Match 304)."""
        conditional = getattr(self.backend, "get_ticket_if_changed", None)
        if conditional is not None and entry.remote_version:
            return conditional(entry.remote_id or "", entry.remote_version)
        return self.backend.get_ticket(entry.remote_id or "")

    def run(self, stop: threading.Event, tick: float = 5.0) -> None:
        """Poll until `stop` is set; meant for a worker thread."""
        while not stop.is_set():
            try:
                self.poll_due()
            except Exception:  # noqa: BLE001 - a bug or a hostile reply must not end the status thread
                log.exception("ticket status poll failed; trying again in %.0f s", tick)
            stop.wait(tick)

    def _emit(self, change: StatusChange) -> None:
        if self.events is not None:
            self.events.put(change)
        for callback in self._callbacks:
            try:
                callback(change)
            except Exception:  # noqa: BLE001 - one broken subscriber must not stop polling
                log.exception("status-change subscriber failed")

