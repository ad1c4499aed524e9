"""Sends outbox entries to the ITSM exactly once, retrying with back-off.

    >>> report = OutboxSender(outbox, backend).send_due()
    >>> report.sent, report.waiting, report.failed

Exactly once: before any request for an entry its attempt counter is committed. Any
attempt after the first asks the ITSM for a ticket carrying the entry's idempotency key
(the process may have died, or the connection dropped, after the ITSM accepted it) and
only creates one if there is none.

For crash tests the environment variable HELPDESK_ITSM_CRASH_AT=before_attempt |
before_send | after_send makes the process die on the spot (os._exit, like SIGKILL).
"""
from __future__ import annotations

import logging
import os
import random
import time
from dataclasses import dataclass, field
from typing import Callable

from desktop.itsm.errors import (
    AuthError, ConfigError, Forbidden, ItsmError, NotFound, RateLimited, Rejected,
)
from desktop.itsm.outbox import Outbox, OutboxEntry
from desktop.itsm.protocol import Backend

log = logging.getLogger(__name__)
CRASH_ENV = "HELPDESK_ITSM_CRASH_AT"
PERMANENT = (Rejected, Forbidden, NotFound, ConfigError)


@dataclass
class SendReport:
    sent: list[OutboxEntry] = field(default_factory=list)
    waiting: list[OutboxEntry] = field(default_factory=list)
    failed: list[OutboxEntry] = field(default_factory=list)
    errors: dict[str, ItsmError] = field(default_factory=dict)


def backoff_delay(attempts: int, base: float, cap: float, jitter: float) -> float:
    """Exponential back-off with jitter in [0.5, 1) of the step: base, 2*base, 4*base, ..."""
    step = min(cap, base * (2 ** max(0, attempts - 1)))
    return step * (0.5 + jitter / 2)


class OutboxSender:
    def __init__(self, outbox: Outbox, backend: Backend, *, base_delay: float = 5.0,
                 max_delay: float = 900.0, clock: Callable[[], float] = time.time,
                 rng: Callable[[], float] = random.random):
        self.outbox = outbox
        self.backend = backend
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.rng = rng

    def send_due(self, limit: int = 100) -> SendReport:
        """Try every queued entry whose back-off is over. Stops early (everything left
        waits) when the ITSM is unreachable or refuses the credentials."""
        report = SendReport()
        for entry in self.outbox.due(self.clock(), limit):
            try:
                self.send(entry)
            except ItsmError as exc:
                report.errors[entry.key] = exc
                updated = self.outbox.get(entry.key)
                (report.failed if updated.state == "failed" else report.waiting).append(updated)
                if not isinstance(exc, PERMANENT):
                    self._postpone_rest(exc, report)
                    break
            else:
                report.sent.append(self.outbox.get(entry.key))
        return report

    def send(self, entry: OutboxEntry) -> str:
        """Send one entry; return the ITSM's id. On error the entry is postponed (or
        failed, for errors a retry cannot fix) and the error re-raised."""
        try:
            _crash_point("before_attempt")
            self.outbox.record_attempt(entry.key)
            if entry.attempts > 0:  # an earlier attempt may have reached the ITSM
                found = self.backend.find_by_idempotency_key(entry.key)
                if found is not None:
                    log.info("outbox %s: already in the ITSM as %s", entry.key, found.id)
                    self.outbox.mark_sent(entry.key, found.id, found.url)
                    return found.id
            _crash_point("before_send")
            ref = self.backend.create_ticket(entry.ticket, entry.key)
            _crash_point("after_send")
            self.outbox.mark_sent(entry.key, ref.id, ref.url)
            log.info("outbox %s: sent as %s", entry.key, ref.id)
            return ref.id
        except PERMANENT as exc:
            self.outbox.mark_failed(entry.key, exc.user_message)
            raise
        except ItsmError as exc:
            self._postpone(entry.key, exc)
            raise

    def _postpone(self, key: str, exc: ItsmError) -> None:
        attempts = self.outbox.get(key).attempts
        delay = backoff_delay(max(1, attempts), self.base_delay, self.max_delay, self.rng())
        if isinstance(exc, RateLimited) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        if isinstance(exc, AuthError):
            delay = max(delay, 60.0)
        self.outbox.mark_retry(key, exc.user_message, self.clock() + delay)
        log.info("outbox %s: will retry in %.0f s (%s)", key, delay, type(exc).__name__)

    def _postpone_rest(self, exc: ItsmError, report: SendReport) -> None:
        """The ITSM is down or refuses us: everything else due waits as long."""
        failed_key = next(reversed(report.errors))
        until = self.outbox.get(failed_key).next_attempt_at
        self.outbox.postpone_queued(until, exc.user_message, self.clock())


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(137)
