"""Exactly once, also after a crash: against the real Request Tracker, tickets queued
offline are sent by `python -m desktop ticket send`, which is killed (SIGKILL) at a random
moment, often while RT is still working on its bulk request; a new sender starts at once.
Every ticket must end in RT exactly once (checked by its idempotency key).

The settle window (how long a successor waits after an attempt with no known outcome
before it trusts a lookup) is made short here with HELPDESK_ITSM_SETTLE_SECONDS.
"""
from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from bench.crash_soak import rt_key_counts as bench_key_counts
from desktop.itsm import Ticket, TimedOut, Unavailable
from desktop.itsm.outbox import Outbox
from desktop.itsm.sender import WAITING_FOR_EARLIER, OutboxSender
from tests.itsm.conftest import REPO, cli_env, kb_teams, rt_admin_session, rt_url  # noqa: F401
from tests.itsm.fake_backend import MemoryBulkItsm, MemoryItsm

TRIALS = 30
TICKETS_PER_TRIAL = 2
# Longer than RT takes to finish a bulk request of that many: about 2 s a ticket here,
# over 4 s for two under load (a 4 s window let one duplicate through in 30 trials).
SETTLE_SECONDS = 8.0
KILL_WITHIN = 3.5          # seconds after start: start-up (~1 s), then the bulk request


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


class Killed(BaseException):
    """The process dies in the middle of the request (nothing of ours runs after it)."""


class DiesWhileItsmCreates:
    """Wraps a memory ITSM: the request reaches it, then the sender dies before the ITSM
    has committed; `commit()` later makes the tickets appear, as RT does."""

    def __init__(self, itsm: MemoryItsm) -> None:
        self.itsm = itsm
        self.kind = itsm.kind
        self.in_flight: list[tuple[Ticket, str]] = []

    def create_ticket(self, ticket: Ticket, key: str):
        self.in_flight.append((ticket, key))
        raise Killed

    def create_tickets(self, batch):
        self.in_flight += batch
        raise Killed

    def find_by_idempotency_key(self, key):
        return self.itsm.find_by_idempotency_key(key)

    def find_by_idempotency_keys(self, keys):
        return self.itsm.find_by_idempotency_keys(keys)

    def commit(self) -> None:
        for ticket, key in self.in_flight:
            self.itsm.tickets[str(len(self.itsm.tickets) + 100)] = {
                "ticket": ticket, "key": key, "status": "new"}


@pytest.fixture
def outbox(tmp_path):
    box = Outbox.open(tmp_path / "state.sqlite")
    yield box
    box.close()


def _crash_mid_request(outbox, itsm, clock, count: int) -> DiesWhileItsmCreates:
    for n in range(count):
        outbox.add(Ticket(subject=f"Ticket {n}", description="D", queue="Mail"), itsm="memory")
    dying = DiesWhileItsmCreates(itsm)
    first = OutboxSender(outbox, dying, clock=clock, lease_seconds=0, settle_window=300)
    with pytest.raises(Killed):
        first.send_due()
    return dying


@pytest.mark.parametrize("itsm_class, count", [(MemoryItsm, 1), (MemoryBulkItsm, 3)])
def test_after_a_sender_died_mid_request_the_next_waits_out_the_settle_window(
        outbox, itsm_class, count):
    itsm, clock = itsm_class(), Clock()
    _crash_mid_request(outbox, itsm, clock, count)
    clock.now += 1                                 # a new sender at once; the ITSM is slow
    successor = OutboxSender(outbox, itsm, clock=clock, settle_window=300)
    report = successor.send_due()
    assert (report.sent, len(report.waiting), report.errors) == ([], count, {})
    assert itsm.tickets == {}
    assert {(e.state, e.next_attempt_at, e.last_error) for e in outbox.all()} == \
        {("queued", 1_000_000.0 + 300, WAITING_FOR_EARLIER)}
    clock.now += 298                               # "send now" changes nothing
    outbox.retry_now()
    assert successor.send_due().sent == [] and itsm.tickets == {}
    clock.now += 1                                 # settled: the lookup is trusted
    assert len(successor.send_due().sent) == count
    assert sorted(t["key"] for t in itsm.tickets.values()) == sorted(e.key for e in outbox.all())


@pytest.mark.parametrize("itsm_class, count", [(MemoryItsm, 1), (MemoryBulkItsm, 3)])
def test_a_ticket_the_dead_sender_delivered_is_found_without_waiting(outbox, itsm_class, count):
    itsm, clock = itsm_class(), Clock()
    dying = _crash_mid_request(outbox, itsm, clock, count)
    dying.commit()                                 # the ITSM finished the dead request
    clock.now += 1
    report = OutboxSender(outbox, itsm, clock=clock, settle_window=300).send_due()
    assert len(report.sent) == count and len(itsm.tickets) == count
    assert "create" not in itsm.calls and "create_many" not in itsm.calls


def test_a_timed_out_create_waits_out_the_window_from_when_it_began(outbox):
    itsm, clock = MemoryItsm(), Clock()
    entry = outbox.add(Ticket(subject="S", description="D", queue="Mail"), itsm="memory")
    sender = OutboxSender(outbox, itsm, clock=clock, base_delay=1, settle_window=300)
    itsm.fail_next = [TimedOut("no answer within 15 s")]
    sender.send_due()
    assert outbox.get(entry.key).attempt_started_at == clock.now
    clock.now += 299
    outbox.retry_now()
    assert sender.send_due().sent == [] and "create" not in itsm.calls[1:]
    clock.now += 1
    assert len(sender.send_due().sent) == 1 and len(itsm.tickets) == 1


def _refused() -> Unavailable:
    from urllib3.exceptions import NewConnectionError

    try:
        raise NewConnectionError(None, "Connection refused")
    except NewConnectionError:
        try:
            raise Unavailable("POST /ticket: cannot connect to the ITSM") from None
        except Unavailable as exc:
            return exc


def test_a_refused_connection_created_nothing_so_the_retry_does_not_wait(outbox):
    itsm, clock = MemoryItsm(), Clock()
    entry = outbox.add(Ticket(subject="S", description="D", queue="Mail"), itsm="memory")
    sender = OutboxSender(outbox, itsm, clock=clock, base_delay=1, settle_window=300)
    itsm.fail_next = [_refused()]
    sender.send_due()
    assert outbox.get(entry.key).attempt_started_at == 0
    clock.now += 5                                 # the ITSM is back
    assert len(sender.send_due().sent) == 1


def test_the_http_layer_tells_a_refused_connection_from_a_dropped_one_or_a_timeout():
    """Only a connection never made proves nothing was created (real sockets, loopback)."""
    import socket
    import threading

    from desktop.itsm.errors import ItsmError
    from desktop.itsm.http import HttpClient
    from desktop.itsm.sender import created_nothing

    def outcome(url: str, timeout: float = 5.0) -> tuple[str, bool]:
        with pytest.raises(ItsmError) as caught:
            HttpClient(url, timeout=timeout).json("POST", "/ticket", json={"Subject": "S"})
        return type(caught.value).__name__, created_nothing(caught.value)

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    refused_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    closed.close()
    with socket.socket() as dropping, socket.socket() as silent:
        for server in (dropping, silent):
            server.bind(("127.0.0.1", 0))
            server.listen()

        def read_then_hang_up() -> None:
            connection, _ = dropping.accept()
            connection.recv(65536)
            connection.close()

        threading.Thread(target=read_then_hang_up, daemon=True).start()
        assert outcome(refused_url) == ("Unavailable", True)
        assert outcome(f"http://127.0.0.1:{dropping.getsockname()[1]}") == ("Unavailable", False)
        assert outcome(f"http://127.0.0.1:{silent.getsockname()[1]}", 0.5) == ("TimedOut", False)


class DropsConnection(DiesWhileItsmCreates):
    """The request reaches the ITSM, then the connection drops before any answer."""

    def create_ticket(self, ticket: Ticket, key: str):
        self.in_flight.append((ticket, key))
        raise Unavailable("POST /ticket: cannot connect to the ITSM")


def test_a_dropped_connection_leaves_the_outcome_unknown(outbox):
    itsm, clock = MemoryItsm(), Clock()
    dropping = DropsConnection(itsm)
    entry = outbox.add(Ticket(subject="S", description="D", queue="Mail"), itsm="memory")
    sender = OutboxSender(outbox, dropping, clock=clock, base_delay=1, settle_window=300)
    sender.send_due()
    clock.now += 5                                 # back-off over: found nothing yet, waits
    assert sender.send_due().sent == []
    assert outbox.get(entry.key).next_attempt_at == 1_000_000.0 + 300
    dropping.commit()                              # the ITSM finished the request after all
    clock.now += 295
    assert len(sender.send_due().sent) == 1 and len(itsm.tickets) == 1


def test_an_attempt_an_older_version_left_unfinished_counts_as_started_at_the_upgrade(
        tmp_path, monkeypatch):
    import sqlite3

    from desktop.itsm import migrations

    conn = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:5])
    migrations.migrate(conn)
    for key, attempts, state in (("tried", 1, "queued"), ("fresh", 0, "queued"), ("done", 1, "sent")):
        conn.execute("INSERT INTO itsm_outbox (key, created_at, itsm, payload, attempts, state) "
                     "VALUES (?, 0, 'rt', '{}', ?, ?)", (key, attempts, state))
    monkeypatch.undo()
    before = time.time()
    assert migrations.migrate(conn) == ["0006_attempt_started"]
    started = dict(conn.execute("SELECT key, attempt_started_at FROM itsm_outbox"))
    assert started["fresh"] == started["done"] == 0
    assert before - 1 <= started["tried"] <= time.time() + 1


def rt_key_counts(url: str, prefix: str) -> Counter:
    """How many RT tickets carry each idempotency key starting with `prefix`."""
    return bench_key_counts(url, prefix, rt_admin_session(), timeout=60)


def queue_offline(home, url: str, prefix: str, count: int) -> list[str]:
    """Tickets written to the outbox as `ticket new` does while the ITSM is unreachable."""
    outbox = Outbox.open(home / "state.sqlite")
    try:
        keys = []
        for n in range(count):
            ticket = Ticket(subject=f"Soak {prefix} #{n}: VPN drops", description="Every hour.",
                            team="network", queue=kb_teams()["network"], requestor="root")
            keys.append(outbox.add(ticket, itsm=f"rt {url}", key=f"{prefix}{n:04d}").key)
        return keys
    finally:
        outbox.close()


def signed_in_env(home, tmp_path, url: str, settle: float) -> dict[str, str]:
    policy = tmp_path / "policy.toml"
    teams = "\n".join(f'"{k}" = "{v}"' for k, v in kb_teams().items())
    policy.write_text(f'[itsm]\nkind = "rt"\nurl = "{url}"\n[itsm.teams]\n{teams}\n',
                      encoding="utf-8")
    (tmp_path / "test-keyring.json").write_text(
        json.dumps({f"helpdesk-assistant:{url}\nroot": "password"}), encoding="utf-8")
    (home / "itsm_account.json").write_text(json.dumps({"url": url, "username": "root"}),
                                            encoding="utf-8")
    return cli_env(home, tmp_path, HELPDESK_POLICY=str(policy),
                   HELPDESK_ITSM_SETTLE_SECONDS=str(settle))


def crash_trial(url: str, home, env: dict[str, str], count: int, rng: random.Random,
                kill_within: float, settle: float) -> tuple[str, list[str], bool]:
    """Queue, start `ticket send`, SIGKILL it at a random moment, start another at once,
    then send until the queue is empty. Returns (key prefix, keys, whether the kill hit
    a running sender)."""
    prefix = uuid.uuid4().hex[:12]
    keys = queue_offline(home, url, prefix, count)
    command = [sys.executable, "-m", "desktop", "ticket", "send"]
    sender = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    time.sleep(rng.uniform(0.0, kill_within))
    killed = sender.poll() is None
    sender.send_signal(signal.SIGKILL)
    sender.wait()
    subprocess.run(command, env=env, cwd=REPO, capture_output=True, timeout=120)
    drain(home, url, settle)
    return prefix, keys, killed


def drain(home, url: str, settle: float, limit: float = 120.0) -> None:
    """Send in this process until nothing is queued (entries wait out their settle)."""
    from desktop.itsm import BackendConfig, Credential
    from desktop.itsm.rt import RtBackend

    outbox = Outbox.open(home / "state.sqlite")
    sender = OutboxSender(outbox, RtBackend(BackendConfig("rt", url), Credential("root", "password")),
                          settle_window=settle, base_delay=0.2, max_delay=1.0)
    deadline = time.monotonic() + limit
    try:
        while outbox.counts().get("queued"):
            assert time.monotonic() < deadline, "the queue did not drain in time"
            sender.send_due(limit=1000)
            due = [e.next_attempt_at for e in outbox.all() if e.state == "queued"]
            if due:
                time.sleep(min(max(0.05, min(due) - time.time()), 5.0))
    finally:
        outbox.close()


@pytest.mark.parametrize("trial", range(TRIALS))
def test_sender_killed_at_a_random_moment_then_restarted_creates_each_ticket_once(
        rt_url, tmp_path, trial):  # noqa: F811
    home = tmp_path / "home"
    home.mkdir()
    env = signed_in_env(home, tmp_path, rt_url, SETTLE_SECONDS)
    prefix, keys, _ = crash_trial(rt_url, home, env, TICKETS_PER_TRIAL,
                                  random.Random(f"soak-{trial}"), KILL_WITHIN, SETTLE_SECONDS)
    counts = rt_key_counts(rt_url, prefix)
    lost = [k for k in keys if counts[k] == 0]
    duplicated = {k: n for k, n in counts.items() if n > 1}
    assert (lost, duplicated) == ([], {})
    outbox = Outbox.open(home / "state.sqlite")
    try:
        assert {e.key: e.state for e in outbox.all()} == {k: "sent" for k in keys}
    finally:
        outbox.close()

