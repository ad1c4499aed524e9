"""Sends outbox entries to the ITSM exactly once, retrying with back-off.

    >>> report = OutboxSender(outbox, backend).send_due()
    >>> report.sent, report.waiting, report.failed

Exactly once: before any request for an entry its attempt counter is committed. Any
attempt after the first asks the ITSM for a ticket carrying the entry's idempotency key
(the process may have died, or the connection dropped, after the ITSM accepted it) and
only creates one if there is none.

A lookup that finds nothing is trusted only when no earlier create request can still be
running in the ITSM. Just before each create request the outbox durably records when it
began (`attempt_started_at`); the mark is cleared when the ITSM answers (created, or
refused) or was never reached. An entry whose last request has no known outcome (its
sender died, timed out, or lost the connection) is created again only after the settle
window since that request began has passed and a lookup then finds nothing; a ticket
found earlier is marked sent at once. The same rule holds for every back-end, single or
bulk. The window (`settle_window`, default 300 s, or HELPDESK_ITSM_SETTLE_SECONDS) must
exceed the time the ITSM can take to finish a request, and its search index to show it.

For crash tests the environment variable HELPDESK_ITSM_CRASH_AT=before_attempt |
before_send | after_send makes the process die on the spot (os._exit, like SIGKILL).
"""
from __future__ import annotations

import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from desktop.itsm.errors import (
    AuthError, ConfigError, Forbidden, ItsmError, NotFound, RateLimited, Rejected, TimedOut,
    Unavailable,
)
from desktop.itsm.outbox import Outbox, OutboxEntry, lease_owner_id
from desktop.itsm.protocol import Backend

log = logging.getLogger(__name__)
CRASH_ENV = "HELPDESK_ITSM_CRASH_AT"
SETTLE_ENV = "HELPDESK_ITSM_SETTLE_SECONDS"
DEFAULT_SETTLE_WINDOW = 300.0
WAITING_FOR_EARLIER = "waiting for the ITSM to finish an earlier attempt before sending again"
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
    """`workers` > 1 sends in parallel threads, each with its own outbox connection and
    its own back-end from `backend_factory` (sessions are not shared between threads)."""

    def __init__(self, outbox: Outbox, backend: Backend, *, base_delay: float = 5.0,
                 max_delay: float = 900.0, clock: Callable[[], float] = time.time,
                 rng: Callable[[], float] = random.random, workers: int = 1,
                 backend_factory: Callable[[], Backend] | None = None,
                 lease_seconds: float = 120.0, batch_size: int = 10,
                 settle_window: float | None = None,
                 settle_after_timeout: float | None = None):
        self.outbox = outbox
        self.backend = backend
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.clock = clock
        self.rng = rng
        self.workers = workers if backend_factory is not None else 1
        self.backend_factory = backend_factory
        self.lease_seconds = lease_seconds
        self._outage_rounds = 0
        # After a request with no known outcome the ITSM may still create the ticket:
        # "not found" is trusted only this long after the request began.
        # (`settle_after_timeout` is the older name of the same setting.)
        self.settle_window = settle_window if settle_window is not None else \
            settle_after_timeout if settle_after_timeout is not None else settle_from_environment()
        # Back-ends that can search several keys and create several tickets per request
        # (RT) get tickets in batches.
        batched = hasattr(backend, "create_tickets") and hasattr(backend, "find_by_idempotency_keys")
        self.batch_size = batch_size if batched else 1

    def send_due(self, limit: int = 100) -> SendReport:
        """Try every queued entry whose back-off is over. Stops early (everything left
        waits) when the ITSM is unreachable or refuses the credentials."""
        entries = self.outbox.due(self.clock(), limit)
        units = [entries[i:i + self.batch_size] for i in range(0, len(entries), self.batch_size)]
        report = SendReport()
        if self.workers > 1 and len(units) > 1:
            # One unit first: if the ITSM is down, that is one failed request, not one per
            # worker, and the rest of the queue is postponed untouched.
            if self._send_unit(units[0], self.outbox, self.backend, report):
                self._send_parallel(units[1:], report)
        else:
            for unit in units:
                if not self._send_unit(unit, self.outbox, self.backend, report):
                    break
        if report.errors and any(not isinstance(e, PERMANENT) for e in report.errors.values()):
            self._postpone_rest(report)
        elif report.sent:
            self._outage_rounds = 0
        return report

    def _send_parallel(self, units: list[list[OutboxEntry]], report: SendReport) -> None:
        pending = iter(units)
        lock = threading.Lock()
        stop = threading.Event()

        def work() -> None:
            outbox = Outbox.open(self.outbox.path)
            backend = self.backend_factory()
            try:
                while not stop.is_set():
                    with lock:
                        unit = next(pending, None)
                    if unit is None:
                        return
                    if not self._send_unit(unit, outbox, backend, report, lock):
                        stop.set()
            finally:
                outbox.close()

        threads = [threading.Thread(target=work, name=f"outbox-{n}")
                   for n in range(min(self.workers, len(units)))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _send_unit(self, unit: list[OutboxEntry], outbox: Outbox, backend: Backend,
                   report: SendReport, lock: threading.Lock | None = None) -> bool:
        """Send one entry or one batch and note the outcomes in `report`; False means
        "stop: the ITSM is down or refuses us"."""
        lock = lock or _NO_LOCK
        claimed = []
        for entry in unit:
            _crash_point("before_attempt")
            taken = outbox.claim(entry.key, lease_owner_id(threading.get_ident()),
                                 self.lease_seconds, self.clock())
            if taken is not None:
                claimed.append(taken)
        results: dict[str, str | ItsmError | None] = {}
        if len(claimed) > 1 and self.batch_size > 1:
            results = self._deliver_many(claimed, outbox, backend)
        else:
            down: ItsmError | None = None   # once the ITSM is down, the rest of the unit waits
            for entry in claimed:
                if down is not None:
                    self._settle_error(outbox, entry.key, down)
                    results[entry.key] = down
                    continue
                try:
                    results[entry.key] = self._deliver(entry, outbox, backend)
                except ItsmError as exc:
                    results[entry.key] = exc
                    down = None if isinstance(exc, PERMANENT) else exc
        keep_going = True
        for key, result in results.items():
            with lock:
                if isinstance(result, ItsmError):
                    report.errors[key] = result
                    updated = outbox.get(key)
                    (report.failed if updated.state == "failed" else report.waiting).append(updated)
                    keep_going = keep_going and isinstance(result, PERMANENT)
                elif result is not None:
                    report.sent.append(outbox.get(key))
                else:                            # an earlier attempt has not settled yet
                    report.waiting.append(outbox.get(key))
        return keep_going

    def _deliver_many(self, claimed: list[OutboxEntry], outbox: Outbox,
                      backend: Backend) -> dict[str, str | ItsmError | None]:
        """Several claimed entries: one search for those an earlier attempt may have
        delivered, then one bulk create for the rest whose earlier attempts have settled
        (None for those that wait)."""
        results: dict[str, str | ItsmError | None] = {}
        earlier = [c for c in claimed if c.attempts > 0]
        try:
            found = backend.find_by_idempotency_keys([c.key for c in earlier]) if earlier else {}
        except ItsmError as exc:
            for entry in claimed:
                self._settle_error(outbox, entry.key, exc)
                results[entry.key] = exc
            return results
        for entry in earlier:
            if entry.key in found:
                outbox.mark_sent(entry.key, found[entry.key].id, found[entry.key].url)
                results[entry.key] = found[entry.key].id
        to_create = []
        for entry in claimed:
            if entry.key in results:
                continue
            if self._wait_for_earlier(entry, outbox):
                results[entry.key] = None
            else:
                to_create.append(entry)
        if to_create:
            results.update(self._deliver_batch(to_create, outbox, backend))
        return results

    def _deliver_batch(self, fresh: list[OutboxEntry], outbox: Outbox,
                       backend: Backend) -> dict[str, str | ItsmError]:
        """Tickets not in the ITSM yet, in one bulk request."""
        _crash_point("before_send")
        keys = [e.key for e in fresh]
        outbox.start_request(keys, self.clock())
        try:
            answers = backend.create_tickets([(e.ticket, e.key) for e in fresh])
        except ItsmError as exc:
            if created_nothing(exc):
                outbox.end_request(keys)
            for entry in fresh:
                self._settle_error(outbox, entry.key, exc)
            return {entry.key: exc for entry in fresh}
        _crash_point("after_send")
        results: dict[str, str | ItsmError] = {}
        for entry, answer in zip(fresh, answers):
            if isinstance(answer, ItsmError):
                if isinstance(answer, Rejected):     # RT refused this one: nothing created
                    outbox.end_request([entry.key])
                self._settle_error(outbox, entry.key, answer)
                results[entry.key] = answer
            else:
                outbox.mark_sent(entry.key, answer.id, answer.url)
                results[entry.key] = answer.id
        return results

    def send(self, entry: OutboxEntry) -> str | None:
        """Send one entry; return the ITSM's id, or None if another sender holds it or an
        earlier attempt's outcome is not settled yet (the entry then waits). On
        error the entry is postponed (or failed, for errors a retry cannot fix) and the
        error re-raised."""
        return self._send(entry, self.outbox, self.backend)

    def _send(self, entry: OutboxEntry, outbox: Outbox, backend: Backend) -> str | None:
        _crash_point("before_attempt")
        claimed = outbox.claim(entry.key, lease_owner_id(threading.get_ident()),
                               self.lease_seconds, self.clock())
        return None if claimed is None else self._deliver(claimed, outbox, backend)

    def _deliver(self, claimed: OutboxEntry, outbox: Outbox, backend: Backend) -> str | None:
        """Send a claimed entry (`attempts` as before the claim); errors are settled on
        the entry (postponed or failed) and re-raised. None: an earlier attempt may still
        be creating it, and the entry waits until that has settled."""
        key = claimed.key
        try:
            if claimed.attempts > 0:  # an earlier attempt may have reached the ITSM
                found = backend.find_by_idempotency_key(key)
                if found is not None:
                    log.info("outbox %s: already in the ITSM as %s", key, found.id)
                    outbox.mark_sent(key, found.id, found.url)
                    return found.id
            if self._wait_for_earlier(claimed, outbox):
                return None
            _crash_point("before_send")
            outbox.start_request([key], self.clock())
            try:
                ref = backend.create_ticket(claimed.ticket, key)
            except ItsmError as exc:
                if created_nothing(exc):
                    outbox.end_request([key])
                raise
            _crash_point("after_send")
            outbox.mark_sent(key, ref.id, ref.url)
            log.info("outbox %s: sent as %s", key, ref.id)
            return ref.id
        except ItsmError as exc:
            self._settle_error(outbox, key, exc)
            raise

    def _wait_for_earlier(self, claimed: OutboxEntry, outbox: Outbox) -> bool:
        """True (and the entry postponed until then) while an earlier create request with
        no known outcome may still be running in the ITSM: a lookup that found nothing
        proves nothing yet."""
        settles_at = claimed.attempt_started_at + self.settle_window
        if not claimed.attempt_started_at or self.clock() >= settles_at:
            return False
        outbox.mark_retry(claimed.key, WAITING_FOR_EARLIER, settles_at)
        log.info("outbox %s: an earlier attempt has no known outcome; looking again in %.0f s",
                 claimed.key, settles_at - self.clock())
        return True

    def _settle_error(self, outbox: Outbox, key: str, exc: ItsmError) -> None:
        if isinstance(exc, PERMANENT):
            outbox.mark_failed(key, exc.user_message)
        else:
            self._postpone(outbox, key, exc)

    def _postpone(self, outbox: Outbox, key: str, exc: ItsmError) -> None:
        attempts = outbox.get(key).attempts
        delay = backoff_delay(max(1, attempts), self.base_delay, self.max_delay, self.rng())
        if isinstance(exc, RateLimited) and exc.retry_after:
            delay = max(delay, exc.retry_after)
        if isinstance(exc, AuthError):
            delay = max(delay, 60.0)
        if isinstance(exc, TimedOut):
            delay = max(delay, self.settle_window)
        outbox.mark_retry(key, exc.user_message, self.clock() + delay)
        log.info("outbox %s: will retry in %.0f s (%s)", key, delay, type(exc).__name__)

    def _postpone_rest(self, report: SendReport) -> None:
        """The ITSM is down or refuses us: everything else due waits as long, and longer
        after each consecutive failed round (the outage back-off), so that an outage costs
        a few probes rather than one failed batch per round."""
        key, exc = next((k, e) for k, e in report.errors.items() if not isinstance(e, PERMANENT))
        self._outage_rounds += 1
        delay = backoff_delay(self._outage_rounds, self.base_delay, self.max_delay, self.rng())
        until = max(self.outbox.get(key).next_attempt_at, self.clock() + delay)
        self.outbox.postpone_queued(until, exc.user_message, self.clock())


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


_NO_LOCK = _NoLock()


def settle_from_environment() -> float:
    """HELPDESK_ITSM_SETTLE_SECONDS (tests make it short), else 300 s."""
    try:
        return max(0.0, float(os.environ.get(SETTLE_ENV, "")))
    except ValueError:
        return DEFAULT_SETTLE_WINDOW


def created_nothing(exc: ItsmError) -> bool:
    """Whether a create request that failed with `exc` surely created nothing: the ITSM
    answered with a refusal, or the connection was never made. A timeout, a dropped
    connection, a 5xx or an answer we cannot read leave the outcome unknown."""
    if isinstance(exc, (AuthError, RateLimited, Rejected, NotFound, ConfigError)):
        return True
    return isinstance(exc, Unavailable) and not isinstance(exc, TimedOut) \
        and _never_connected(exc)


def _never_connected(exc: BaseException) -> bool:
    """The HTTP layer's cause (kept as the context of the ItsmError) is a refused or
    timed-out TCP connect or an unknown host name: no byte of the request left."""
    from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

    seen: set[int] = set()
    pending: list[object] = [exc.__cause__, exc.__context__]
    while pending:
        cause = pending.pop()
        if not isinstance(cause, BaseException) or id(cause) in seen:
            continue
        seen.add(id(cause))
        if isinstance(cause, (NewConnectionError, ConnectTimeoutError)):
            return True
        pending += [cause.__cause__, cause.__context__, getattr(cause, "reason", None),
                    *cause.args]
    return False


def _crash_point(name: str) -> None:
    if os.environ.get(CRASH_ENV) == name:
        os._exit(137)
