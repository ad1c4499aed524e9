"""The fleet's enrolment token in one employee's hands cannot speak for many installs.

Every employee can read the fleet's token from their keyring. With it alone one person
booked a whole slot, said "I'm affected too" 300 times and pushed any text past the
"5 installs" threshold with invented install ids. Now the token is exchanged for an
install credential (rate-limited), and counts, votes and places are kept per credential.
"""
from __future__ import annotations

import secrets
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from tests.security.test_server_inputs import batch, post, report
from tests.server.conftest import any_server, database_url, server  # noqa: F401 - fixtures
from tests.server.harness import LiveServer, make_harness
from tests.server.test_board import announce, slot
from tests.server.test_error_shape import assert_error


@pytest.fixture
def strict(tmp_path):
    """A server with the default enrolment limits (3 per address and day)."""
    harness = make_harness(f"sqlite:///{tmp_path / 'strict.sqlite'}", tmp_path / "storage", rate=0,
                           enrolments_per_address=3)
    yield harness
    harness.db.close()


def enrol(harness, headers: dict | None = None):
    return harness.client.post("/v1/enrolments", headers=harness.device if headers is None else headers)


# -- the fleet's token alone counts nothing, books nothing, votes nothing ------------------------------------

def test_the_fleets_token_reads_but_cannot_count_book_or_vote(server):
    banner, opened = announce(server, -1, 2), slot(server, capacity=5)
    assert server.client.get("/v1/announcements", headers=server.device).status_code == 200
    assert server.client.get("/v1/slots", headers=server.device).status_code == 200
    for path, body in (("/v1/stats/batches", batch(counters={"dialogue_started": {"": 1}})),
                       (f"/v1/announcements/{banner['id']}/affected", {"install_id": secrets.token_hex(16)}),
                       (f"/v1/slots/{opened['id']}/bookings", {"contact": "ext 4242"}),
                       ("/v1/bookings/1/cancel", {"cancel_code": "whatever-code"})):
        reply = server.client.post(path, json=body, headers=server.device)
        assert_error(reply, 403, "enrol_first", "enrol this install first")
    assert report(server)["totals"]["dialogues"] == 0


def test_an_install_credential_cannot_enrol_more_installs_or_sign_in(server):
    assert_error(enrol(server, server.install), 403, "forbidden", "fleet's enrolment token")
    assert server.client.post("/admin/login", content=f"token={server.install_token}", follow_redirects=False,
                              headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 401
    assert server.client.get("/v1/admin/stats", headers=server.install).status_code == 403


def test_invented_install_ids_do_not_push_a_question_past_the_threshold(any_server):
    """One credential posting with five invented install ids is one install."""
    for _ in range(5):
        body = batch(counters={"question_not_understood": {"": 1}}, unanswered={"wire 500 EUR to acme-evil": 1})
        body["install_id"] = secrets.token_hex(16)
        assert post(any_server, body).status_code == 200
    figures = report(any_server)
    assert figures["gaps"] == [] and figures["gaps_hidden"] == 1


def test_one_address_enrols_three_installs_a_day_so_five_fakes_need_days(strict):
    credentials = [enrol(strict) for _ in range(3)]
    assert [r.status_code for r in credentials] == [201, 201, 201]
    assert len({r.json()["credential"] for r in credentials}) == 3
    fourth = enrol(strict)
    assert_error(fourth, 429, "too_many_enrolments", "tomorrow")
    assert 0 < int(fourth.headers["Retry-After"]) <= 86_401
    for reply in credentials:                        # three fakes are still under the threshold of five
        install = {"Authorization": f"Bearer {reply.json()['credential']}"}
        assert post(strict, batch(counters={"question_not_understood": {"": 1}},
                                  unanswered={"click evil.example to fix vpn": 1}), install).status_code == 200
    assert report(strict)["gaps"] == []


def test_racing_enrolments_from_one_address_get_exactly_the_limit(database_url, tmp_path):
    harness = make_harness(database_url, tmp_path / "storage", rate=0, enrolments_per_address=3)
    racers = 10
    barrier, statuses = threading.Barrier(racers), []
    with LiveServer(harness) as live:
        def race() -> None:
            barrier.wait()
            statuses.append(requests.post(f"{live.url}/v1/enrolments", headers=harness.device, timeout=30).status_code)

        threads = [threading.Thread(target=race) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    harness.db.close()
    assert sorted(statuses) == [201] * 3 + [429] * (racers - 3)


def test_a_fleet_token_enrols_at_most_its_hourly_number_of_installs(tmp_path):
    harness = make_harness(f"sqlite:///{tmp_path / 'h.sqlite'}", tmp_path / "storage", rate=0,
                           enrolments_per_hour=4)
    assert [enrol(harness).status_code for _ in range(5)] == [201] * 4 + [429]
    assert_error(enrol(harness), 429, "too_many_enrolments", "this hour")
    harness.db.close()


# -- quotas per install ------------------------------------------------------------------------------------

def test_one_install_cannot_fill_a_slot(server):
    """The attack booked 100 of 100 places in 2.4 s with invented contacts and booker keys."""
    opened = slot(server, capacity=100)
    statuses = [server.client.post(f"/v1/slots/{opened['id']}/bookings", headers=server.install,
                                   json={"contact": f"ext {4000 + n}", "booker": secrets.token_hex(32)}).status_code
                for n in range(20)]
    assert statuses == [201] + [409] * 19
    remaining = next(s["remaining"] for s in server.client.get("/v1/slots", headers=server.device).json())
    assert remaining == 99
    colleague = server.client.post(f"/v1/slots/{opened['id']}/bookings", headers=server.enrol(),
                                   json={"contact": "ext 1234"})
    assert colleague.status_code == 201


def test_one_install_holds_at_most_three_upcoming_appointments(server):
    slots = [slot(server, capacity=5, start=24 + n) for n in range(4)]
    codes = [server.client.post(f"/v1/slots/{s['id']}/bookings", headers=server.install,
                                json={"contact": "ext 4242"}) for s in slots]
    assert [c.status_code for c in codes] == [201, 201, 201, 409]
    assert_error(codes[3], 409, "too_many_bookings", "cancel one")
    first = codes[0].json()
    server.client.post(f"/v1/bookings/{first['booking_id']}/cancel", headers=server.install,
                       json={"cancel_code": first["cancel_code"]})
    again = server.client.post(f"/v1/slots/{slots[3]['id']}/bookings", headers=server.install,
                               json={"contact": "ext 4242"})
    assert again.status_code == 201


def test_three_hundred_affected_from_one_install_count_once(server):
    banner = announce(server, -1, 2)
    for _ in range(300):
        reply = server.client.post(f"/v1/announcements/{banner['id']}/affected", headers=server.install,
                                   json={"install_id": secrets.token_hex(16)})
    assert reply.json()["affected"] == 1
    reply = server.client.post(f"/v1/announcements/{banner['id']}/affected", headers=server.enrol(), json={})
    assert reply.json()["affected"] == 2


def test_one_install_sends_a_bounded_number_of_batches_a_day(server, monkeypatch):
    from sync_server import routes_stats

    monkeypatch.setattr(routes_stats, "MAX_BATCHES_PER_DAY", 3)
    sent = [post(server, batch(counters={"dialogue_started": {"": 1}})) for _ in range(4)]
    assert [r.status_code for r in sent] == [200, 200, 200, 429]
    assert_error(sent[3], 429, "rate_limited", "tomorrow")
    assert int(sent[3].headers["Retry-After"]) <= 86_401
    again = batch(counters={"dialogue_started": {"": 1}})
    again["batch_id"] = sent[0].json()["batch_id"]
    assert post(server, again).json()["duplicate"] is True          # a retry of a sent batch is still fine
    assert post(server, batch(counters={"dialogue_started": {"": 1}}), server.enrol()).status_code == 200
    assert report(server)["totals"]["dialogues"] == 4


# -- credentials expire and can be revoked; the desktop enrols again ------------------------------------------

def test_an_expired_or_revoked_credential_is_refused(server):
    assert post(server, batch(counters={"dialogue_started": {"": 1}})).status_code == 200
    with server.db.transaction() as tx:
        tx.execute("UPDATE tokens SET expires_at = ? WHERE kind = 'install'",
                   ((datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat(),))
    server.app.app.state.tokens._entries.clear()            # the 30 s lookup cache, for the test
    assert post(server, batch(counters={"dialogue_started": {"": 1}})).status_code == 401
    fresh = server.enrol()
    assert post(server, batch(counters={"dialogue_started": {"": 1}}), fresh).status_code == 200
    from sync_server.enrolment import revoke_installs

    assert report(server)["totals"]["dialogues"] == 2
    assert revoke_installs(server.db, (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()) == 1  # the expired one was pruned
    server.app.app.state.tokens._entries.clear()            # the 30 s lookup cache, for the test
    assert post(server, batch(counters={"dialogue_started": {"": 1}}), fresh).status_code == 401


def test_installs_command_lists_and_revokes_enrolments(tmp_path):
    harness = make_harness(f"sqlite:///{tmp_path / 'cli.sqlite'}", tmp_path / "storage", rate=0)
    for _ in range(3):
        harness.enrol()
    harness.db.close()
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "sync_server", "installs", "--database-url", url, *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    assert f"{today}       3" in cli() and "3 install(s) enrolled" in cli()
    since = (datetime.now(timezone.utc) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    assert "revoked 3 install(s)" in cli("--revoke-since", since)
    assert "0 install(s) enrolled" in cli()


@pytest.fixture
def keyring_backend():
    import keyring

    from tests.itsm.keyrings import MemoryKeyring

    previous, backend = keyring.get_keyring(), MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _policy(url: str):
    from desktop.policy import parse_policy

    return parse_policy({"sync": {"url": url, "kb": "acme-it", "public_key": ""}})


def test_the_desktop_enrols_once_keeps_the_credential_in_the_keyring_and_renews_it(
        server, keyring_backend, monkeypatch, tmp_path):
    from desktop.sync import credentials
    from desktop.sync.stats import UsageStats

    monkeypatch.setattr(credentials, "_memory", {})
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", server.device_token)
    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    with LiveServer(server) as live:
        policy = _policy(live.url)
        for _ in range(3):
            stats.dialogue_started()
            assert credentials.call_as_install(policy, stats.upload) == 1
        stored = keyring_backend.get_password(credentials.KEYRING_SERVICE, f"install {live.url}")
        assert stored and "hdi_" in stored and server.device_token not in stored
        with server.db.transaction(write=False) as tx:
            assert tx.one("SELECT COUNT(*) FROM tokens WHERE kind = 'install'")[0] == 1   # enrolled once
        monkeypatch.setattr(credentials, "_memory", {})
        later = datetime.now(timezone.utc) + timedelta(days=credentials.RENEW_DAYS + 1)
        renewed = credentials.install_client(policy, now=later)
        assert renewed.headers["Authorization"] not in stored      # a new credential each month
    assert report(server)["totals"]["dialogues"] == 3
    assert not any("hdi_" in p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file())


def test_the_desktop_enrols_again_when_the_server_forgot_its_credential(server, keyring_backend, monkeypatch,
                                                                          tmp_path):
    from desktop.sync import credentials
    from desktop.sync.stats import UsageStats

    monkeypatch.setattr(credentials, "_memory", {})
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", server.device_token)
    stats = UsageStats(tmp_path / "state.sqlite", names=[])
    with LiveServer(server) as live:
        policy = _policy(live.url)
        stats.dialogue_started()
        assert credentials.call_as_install(policy, stats.upload) == 1
        with server.db.transaction() as tx:
            tx.execute("DELETE FROM tokens WHERE kind = 'install'")        # e.g. the database was made anew
        server.app.app.state.tokens._entries.clear()
        stats.dialogue_started()
        assert credentials.call_as_install(policy, stats.upload) == 1
    assert report(server)["totals"]["dialogues"] == 2


def test_statistics_wait_in_the_outbox_while_enrolment_is_refused(strict, monkeypatch, tmp_path):
    from desktop import paths
    from desktop.sync import credentials, service
    from desktop.sync.stats import UsageStats

    monkeypatch.setattr(credentials, "_memory", {})
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", strict.device_token)
    monkeypatch.setattr(paths, "state_db", lambda: tmp_path / "state.sqlite")
    UsageStats(tmp_path / "state.sqlite", names=[]).dialogue_started()
    with LiveServer(strict) as live:
        for _ in range(3):                              # this address has used today's enrolments
            assert requests.post(f"{live.url}/v1/enrolments", headers=strict.device, timeout=30).status_code == 201
        note = service.upload_stats(_policy(live.url))
    assert note.startswith("statistics not sent") and "429" in note
    kept = UsageStats(tmp_path / "state.sqlite", names=[])
    assert kept.seal_batch() is not None and len(kept.pending()) == 1      # nothing counted was lost


def test_the_desktop_board_says_when_this_computer_has_all_its_appointments(server):
    from desktop.sync.board import HelpdeskBoard, SlotTaken
    from desktop.sync.client import SyncClient

    slots = [slot(server, capacity=5, start=24 + n) for n in range(4)]
    with LiveServer(server) as live:
        board = HelpdeskBoard(SyncClient(live.url, server.install_token))
        for opened in slots[:3]:
            board.book(opened["id"], contact="ext 4242", booker=secrets.token_hex(32))
        with pytest.raises(SlotTaken) as refused:
            board.book(slots[3]["id"], contact="ext 4242", booker=secrets.token_hex(32))
    assert refused.value.reason == "limit"

