"""The outbox: durable before sending, retried with back-off, sent exactly once."""
from __future__ import annotations

import queue
import sqlite3

import pytest

from desktop.itsm import RateLimited, Rejected, Ticket, Unavailable
from desktop.itsm import migrations
from desktop.itsm.outbox import Outbox
from desktop.itsm.sender import OutboxSender, backoff_delay
from desktop.itsm.watcher import StatusWatcher
from tests.itsm.fake_backend import MemoryItsm


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "state.sqlite"


@pytest.fixture
def outbox(db_path):
    box = Outbox.open(db_path)
    yield box
    box.close()


def _ticket(n: int = 1) -> Ticket:
    return Ticket(subject=f"Ticket {n}", description="Outlook asks for my password", queue="Mail")


def test_migrations_are_named_recorded_and_applied_once(db_path):
    Outbox.open(db_path).close()
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert migrations.applied(conn) == [name for name, _ in migrations.MIGRATIONS]
    assert migrations.migrate(conn) == []


def test_a_failing_migration_leaves_nothing_behind(db_path, monkeypatch):
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS + [
        ("0099_broken", "CREATE TABLE itsm_half_done (x); INSERT INTO no_such_table VALUES (1)")])
    with pytest.raises(sqlite3.OperationalError):
        Outbox.open(db_path)
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert "0099_broken" not in migrations.applied(conn)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "itsm_half_done" not in tables and "itsm_outbox" in tables


def test_a_ticket_is_on_disk_before_anything_is_sent(outbox, db_path):
    entry = outbox.add(_ticket(), itsm="memory")
    other = Outbox.open(db_path)                       # as if after a restart
    stored = other.get(entry.key)
    assert (stored.state, stored.attempts, stored.ticket.subject) == ("queued", 0, "Ticket 1")
    assert len(entry.key) == 32


def test_unreachable_itsm_keeps_tickets_queued_with_growing_back_off(outbox):
    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, base_delay=10, max_delay=100, clock=clock, rng=lambda: 1.0)
    entry = outbox.add(_ticket(), itsm="memory")
    waits = []
    for _ in range(5):
        itsm.fail_next = [Unavailable("connection refused")]
        report = sender.send_due()
        assert report.sent == [] and [e.key for e in report.waiting] == [entry.key]
        waits.append(outbox.get(entry.key).next_attempt_at - clock.now)
        assert sender.send_due().waiting == []        # not due again before its back-off
        clock.now += waits[-1]
    assert waits == [10, 20, 40, 80, 100]
    assert outbox.get(entry.key).last_error == "connection refused"
    assert sender.send_due().sent[0].remote_id == "1"
    assert len(itsm.tickets) == 1


def test_rate_limit_waits_at_least_retry_after(outbox):
    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, base_delay=1, clock=clock, rng=lambda: 0.0)
    entry = outbox.add(_ticket(), itsm="memory")
    itsm.fail_next = [RateLimited("slow down", retry_after=120)]
    sender.send_due()
    assert outbox.get(entry.key).next_attempt_at == clock.now + 120


def test_connection_dropped_after_itsm_accepted_sends_exactly_once(outbox):
    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, clock=clock)
    entry = outbox.add(_ticket(), itsm="memory")
    itsm.accept_then_fail = Unavailable("connection reset")
    sender.send_due()
    assert outbox.get(entry.key).state == "queued"
    clock.now += 10_000
    report = sender.send_due()
    assert [e.remote_id for e in report.sent] == ["1"]
    assert len(itsm.tickets) == 1
    assert itsm.calls == ["create", "find"]


def test_itsm_down_postpones_the_whole_queue_without_counting_attempts(outbox):
    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, clock=clock)
    keys = [outbox.add(_ticket(n), itsm="memory").key for n in range(5)]
    itsm.fail_next = [Unavailable("down")]
    sender.send_due()
    assert [outbox.get(k).attempts for k in keys] == [1, 0, 0, 0, 0]
    assert outbox.due(clock.now) == []
    clock.now += 10_000
    assert len(sender.send_due().sent) == 5 and len(itsm.tickets) == 5


def test_a_ticket_the_itsm_refuses_is_failed_not_retried_forever(outbox):
    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, clock=clock)
    entry = outbox.add(_ticket(), itsm="memory")
    itsm.fail_next = [Rejected("Queue 'Mail' does not exist")]
    report = sender.send_due()
    assert [e.key for e in report.failed] == [entry.key]
    assert outbox.get(entry.key).state == "failed"
    clock.now += 10_000
    assert sender.send_due().sent == []


@pytest.mark.parametrize("attempts, expected", [(1, 5), (2, 10), (3, 20), (10, 900), (40, 900)])
def test_backoff_doubles_up_to_the_cap(attempts, expected):
    assert backoff_delay(attempts, base=5, cap=900, jitter=1.0) == expected


def test_status_watcher_emits_changes_and_slows_down_while_nothing_changes(outbox):
    itsm, clock = MemoryItsm(), Clock()
    entry = outbox.add(_ticket(), itsm="memory")
    OutboxSender(outbox, itsm, clock=clock).send_due()
    events: queue.Queue = queue.Queue()
    seen = []
    watcher = StatusWatcher(outbox, itsm, min_interval=60, max_interval=600, events=events,
                            clock=clock)
    watcher.subscribe(seen.append)
    intervals = []
    for _ in range(5):
        watcher.poll_due()
        intervals.append(outbox.get(entry.key).poll_interval)
        clock.now += intervals[-1]
    assert intervals == [120, 240, 480, 600, 600] and seen == []

    itsm.tickets["1"]["status"] = "open"
    watcher.poll_due()
    assert [(c.old, c.new) for c in seen] == [("new", "open")]
    assert events.get_nowait() == seen[0]
    assert outbox.get(entry.key).poll_interval == 60

    itsm.tickets["1"]["status"] = "resolved"
    clock.now += 60
    watcher.poll_due()
    clock.now += 10_000
    assert watcher.poll_due() == [] and outbox.to_poll(clock.now) == []   # final: no more polls
    assert [c.new for c in seen] == ["open", "resolved"]


def test_status_watcher_respects_retry_after(outbox):
    itsm, clock = MemoryItsm(), Clock()
    entry = outbox.add(_ticket(), itsm="memory")
    OutboxSender(outbox, itsm, clock=clock).send_due()
    itsm.fail_next = [RateLimited("slow", retry_after=900)]
    StatusWatcher(outbox, itsm, min_interval=60, clock=clock).poll_due()
    assert outbox.get(entry.key).next_poll_at == clock.now + 900


def test_an_entry_leased_by_a_live_sender_is_left_alone(outbox):
    import os
    import socket

    itsm = MemoryItsm()
    entry = outbox.add(_ticket(), itsm="memory")
    other_sender = f"{socket.gethostname()}:{os.getpid()}:12345"
    assert outbox.claim(entry.key, other_sender, lease_seconds=60, now=Clock()()) is not None
    assert OutboxSender(outbox, itsm, clock=Clock()).send(outbox.get(entry.key)) is None
    assert itsm.calls == []


def test_a_lease_held_by_a_crashed_process_is_taken_over_at_once(outbox):
    import socket
    import subprocess
    import sys

    itsm, clock = MemoryItsm(), Clock()
    entry = outbox.add(_ticket(), itsm="memory")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    outbox.claim(entry.key, f"{socket.gethostname()}:{dead}:1", lease_seconds=3600, now=clock())
    assert OutboxSender(outbox, itsm, clock=clock).send(outbox.get(entry.key)) == "1"
    assert itsm.calls == ["find", "create"]          # the dead sender may have got through


@pytest.mark.parametrize("workers", [1, 4])
def test_senders_racing_on_the_same_outbox_create_each_ticket_once(db_path, workers):
    import threading

    itsm = MemoryItsm(delay=0.01)
    setup = Outbox.open(db_path)
    keys = {setup.add(_ticket(n), itsm="memory").key for n in range(40)}

    def drain():
        box = Outbox.open(db_path)
        OutboxSender(box, itsm, workers=workers, backend_factory=lambda: itsm).send_due()
        box.close()

    racers = [threading.Thread(target=drain) for _ in range(3)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    created = [stored["key"] for stored in itsm.tickets.values()]
    assert sorted(created) == sorted(keys)            # none lost, none twice
    assert setup.counts() == {"sent": 40}


def test_status_watcher_thread_reports_changes_until_stopped(outbox):
    import threading

    itsm = MemoryItsm()
    outbox.add(_ticket(), itsm="memory")
    OutboxSender(outbox, itsm).send_due()
    events: queue.Queue = queue.Queue()
    watcher = StatusWatcher(outbox, itsm, min_interval=0.01, max_interval=0.02, events=events)
    stop = threading.Event()
    worker = threading.Thread(target=watcher.run, args=(stop, 0.01))
    worker.start()
    itsm.tickets["1"]["status"] = "resolved"
    change = events.get(timeout=5)
    stop.set()
    worker.join(timeout=5)
    assert (change.old, change.new) == ("new", "resolved") and not worker.is_alive()


def test_batch_whose_answer_was_lost_is_found_with_one_search_and_never_duplicated(outbox):
    from tests.itsm.fake_backend import MemoryBulkItsm

    itsm, clock = MemoryBulkItsm(), Clock()
    sender = OutboxSender(outbox, itsm, clock=clock, batch_size=10)
    keys = [outbox.add(_ticket(n), itsm="memory").key for n in range(10)]
    keys.append(outbox.add(_ticket(10), itsm="memory").key)      # second batch: one ticket
    itsm.accept_then_fail = Unavailable("connection reset")
    sender.send_due()
    assert len(itsm.tickets) == 10 and outbox.counts() == {"queued": 11}
    clock.now += 10_000
    report = sender.send_due()
    assert len(report.sent) == 11
    assert sorted(s["key"] for s in itsm.tickets.values()) == sorted(keys)
    assert itsm.calls == ["create_many", "find_many", "create"]   # 11th: never attempted


def test_itsm_down_costs_one_request_not_one_per_worker(outbox):
    from tests.itsm.fake_backend import MemoryBulkItsm

    itsm, clock = MemoryBulkItsm(), Clock()
    for n in range(50):
        outbox.add(_ticket(n), itsm="memory")
    itsm.fail_next = [Unavailable("refused")] * 10
    sender = OutboxSender(outbox, itsm, clock=clock, workers=4, backend_factory=lambda: itsm)
    sender.send_due()
    assert itsm.calls == ["create_many"]
    assert sum(e.attempts for e in outbox.all()) == 10 and outbox.due(clock.now) == []


def test_a_long_outage_costs_a_few_probes_that_grow_further_apart(outbox):
    from tests.itsm.fake_backend import MemoryBulkItsm

    itsm, clock = MemoryBulkItsm(), Clock()
    for n in range(200):
        outbox.add(_ticket(n), itsm="memory")
    sender = OutboxSender(outbox, itsm, clock=clock, base_delay=1, max_delay=64, rng=lambda: 1.0)
    probes = []
    while clock.now < 1_000_000 + 300:               # five minutes of outage
        itsm.fail_next = [Unavailable("refused")]
        if sender.send_due(limit=500).errors:
            probes.append(clock.now)
        clock.now = min(e.next_attempt_at for e in outbox.all())
    gaps = [b - a for a, b in zip(probes, probes[1:])]
    assert gaps == sorted(gaps) and gaps[-1] == 64
    assert len(probes) <= 12
    assert sum(e.attempts for e in outbox.all()) <= 10 * len(probes)
    itsm.fail_next = []
    clock.now += 100
    while outbox.counts().get("queued"):
        sender.send_due(limit=500)
        clock.now += 100
    assert len(itsm.tickets) == 200


def test_after_a_timeout_the_lookup_waits_until_the_itsm_has_surely_finished(outbox):
    from desktop.itsm import TimedOut

    itsm, clock = MemoryItsm(), Clock()
    sender = OutboxSender(outbox, itsm, clock=clock, base_delay=1, settle_after_timeout=300)
    entry = outbox.add(_ticket(), itsm="memory")
    itsm.accept_then_fail = TimedOut("no answer within 15 s")   # RT still creating it
    sender.send_due()
    assert outbox.get(entry.key).next_attempt_at == clock.now + 300
    clock.now += 299
    assert sender.send_due().sent == []
    clock.now += 1
    assert len(sender.send_due().sent) == 1 and len(itsm.tickets) == 1
