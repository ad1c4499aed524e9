"""Outage banners with "I'm affected too", and appointment slots that never overbook."""
from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta, timezone

import pytest
import requests

from desktop.sync.board import HelpdeskBoard, SlotTaken
from desktop.sync.client import SyncClient
from tests.server.harness import LiveServer


def at(hours: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(hours=hours)).isoformat()


def announce(harness, start: float, end: float, teams=()) -> dict:
    reply = harness.client.post("/v1/admin/announcements", headers=harness.admin, json={
        "title": "Mail is down", "body": "We are on it.", "starts_at": at(start), "ends_at": at(end),
        "teams": list(teams)})
    assert reply.status_code == 201, reply.text
    return reply.json()


def slot(harness, capacity: int, start: float = 24) -> dict:
    reply = harness.client.post("/v1/admin/slots", headers=harness.admin, json={
        "starts_at": at(start), "ends_at": at(start + 0.5), "capacity": capacity, "team": "workplace",
        "location": "Desk 2"})
    assert reply.status_code == 201, reply.text
    return reply.json()


def test_only_current_banners_are_shown_and_each_install_counts_once(server):
    now = announce(server, -1, 2, teams=["messaging"])
    announce(server, 5, 6)                                   # not yet
    announce(server, -3, -2)                                 # over
    banners = server.client.get("/v1/announcements", headers=server.device).json()
    assert [b["id"] for b in banners] == [now["id"]]
    assert server.client.get("/v1/announcements?team=printing", headers=server.device).json() == []
    me, colleague = server.enrol(), server.enrol()
    for install in (me, me, colleague):
        reply = server.client.post(f"/v1/announcements/{now['id']}/affected", json={}, headers=install)
    assert reply.json()["affected"] == 2
    server.client.delete(f"/v1/admin/announcements/{now['id']}", headers=server.admin)
    assert server.client.get("/v1/announcements", headers=server.device).json() == []


@pytest.mark.parametrize("change, message", [
    ({"ends_at": at(-5)}, "ends_at must be after starts_at"),
    ({"starts_at": "2026-11-25T09:00:00"}, "time zone"),
    ({"title": ""}, "title"),
])
def test_bad_announcements_are_refused_naming_the_problem(server, change, message):
    body = {"title": "Mail", "starts_at": at(0), "ends_at": at(1), **change}
    reply = server.client.post("/v1/admin/announcements", headers=server.admin, json=body)
    assert reply.status_code == 422 and message in reply.json()["error"]["message"]


def test_booking_and_cancelling_move_the_places_left(server):
    opened = slot(server, capacity=2)
    booking = server.client.post(f"/v1/slots/{opened['id']}/bookings", headers=server.install,
                                 json={"contact": "ext 4242", "topic": "new laptop"}).json()
    assert booking["slot"]["remaining"] == 1
    wrong = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.install,
                               json={"cancel_code": "not-the-code"})
    assert wrong.status_code == 404
    done = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.install,
                              json={"cancel_code": booking["cancel_code"]})
    assert done.json()["remaining"] == 2
    again = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.install,
                               json={"cancel_code": booking["cancel_code"]})
    assert again.status_code == 404


def test_a_started_slot_cannot_be_booked(server):
    past = slot(server, capacity=3, start=-1)
    reply = server.client.post(f"/v1/slots/{past['id']}/bookings", headers=server.install, json={"contact": "x"})
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "slot_started"


def test_clients_racing_for_the_last_place_exactly_one_wins(any_server):
    opened = slot(any_server, capacity=1)
    racers = 12
    barrier = threading.Barrier(racers)
    results: list[int] = []
    installs = [any_server.enrol() for _ in range(racers)]          # twelve computers

    with LiveServer(any_server) as live:
        def race(n: int) -> None:
            session = requests.Session()
            barrier.wait()
            reply = session.post(f"{live.url}/v1/slots/{opened['id']}/bookings", headers=installs[n],
                                 json={"contact": f"racer {n}"}, timeout=30)
            results.append(reply.status_code)

        threads = [threading.Thread(target=race, args=(n,)) for n in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == [201] + [409] * (racers - 1)
    bookings = any_server.client.get(f"/v1/admin/slots/{opened['id']}/bookings", headers=any_server.admin).json()
    assert len(bookings) == 1


def test_desktop_board_books_and_reports_a_taken_slot(server):
    opened = slot(server, capacity=1)
    with LiveServer(server) as live:
        board = HelpdeskBoard(SyncClient(live.url, server.install_token))
        colleague = HelpdeskBoard(SyncClient(live.url, server.enrol()["Authorization"][7:]))
        assert [s["id"] for s in board.slots()] == [opened["id"]]
        booking = board.book(opened["id"], contact="ext 4242")
        assert board.slots() == []
        with pytest.raises(SlotTaken, match="just taken") as refused:
            colleague.book(opened["id"], contact="ext 1111")
        assert refused.value.reason == "taken"
        board.cancel(booking["booking_id"], booking["cancel_code"])
        assert board.slots()[0]["remaining"] == 1


def book(harness, slot_id: int, contact: str = "ext 4242", booker: str = "", install: dict | None = None):
    return harness.client.post(f"/v1/slots/{slot_id}/bookings", headers=install or harness.install,
                               json={"contact": contact, **({"booker": booker} if booker else {})})


def places_left(harness, slot_id: int) -> int:
    return next(s["remaining"] for s in harness.client.get("/v1/slots", headers=harness.device).json()
                if s["id"] == slot_id)


def test_booking_again_with_the_same_booker_returns_the_same_place(any_server):
    opened, booker = slot(any_server, capacity=3), secrets.token_hex(32)
    first = book(any_server, opened["id"], booker=booker)
    again = book(any_server, opened["id"], contact="jo@example.com", booker=booker)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["already_booked"] is True and first.json()["already_booked"] is False
    assert again.json()["booking_id"] == first.json()["booking_id"]
    assert again.json()["cancel_code"] == first.json()["cancel_code"]
    assert places_left(any_server, opened["id"]) == 2 and again.json()["slot"]["remaining"] == 2
    bookings = any_server.client.get(f"/v1/admin/slots/{opened['id']}/bookings", headers=any_server.admin).json()
    assert [b["contact"] for b in bookings] == ["ext 4242"]
    cancelled = any_server.client.post(f"/v1/bookings/{first.json()['booking_id']}/cancel",
                                       headers=any_server.install, json={"cancel_code": again.json()["cancel_code"]})
    assert cancelled.json()["remaining"] == 3
    rebooked = book(any_server, opened["id"], booker=booker)       # cancelled: a new place may be taken
    assert rebooked.status_code == 201 and rebooked.json()["booking_id"] != first.json()["booking_id"]
    assert places_left(any_server, opened["id"]) == 2


@pytest.mark.parametrize("first, second", [
    ("ext 4242", "EXT. 42-42"),
    ("Jo.Doe@Example.com", " jo.doe@example.COM "),
    ("+33 1 23 45 67 89", "+33123456789"),
])
def test_a_contact_that_has_a_place_cannot_take_a_second_one(server, first, second):
    opened = slot(server, capacity=3)
    assert book(server, opened["id"], contact=first).status_code == 201
    for booker in ("", secrets.token_hex(32)):                     # with or without a booker key
        refused = book(server, opened["id"], contact=second, booker=booker, install=server.enrol())
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "already_booked"
    assert places_left(server, opened["id"]) == 2
    someone_else = book(server, opened["id"], contact="ext 1111", install=server.enrol())
    assert someone_else.status_code == 201                          # someone else still can
    assert places_left(server, opened["id"]) == 1


def test_one_persons_racing_requests_take_one_place(any_server):
    opened, booker = slot(any_server, capacity=5), secrets.token_hex(32)
    racers = 6
    barrier = threading.Barrier(racers)
    replies: list[tuple[int, int]] = []
    mine = any_server.install                                   # one computer, six requests at once

    with LiveServer(any_server) as live:
        def race() -> None:
            session = requests.Session()
            barrier.wait()
            reply = session.post(f"{live.url}/v1/slots/{opened['id']}/bookings", headers=mine,
                                 json={"contact": "ext 4242", "booker": booker}, timeout=30)
            replies.append((reply.status_code, reply.json().get("booking_id")))

        threads = [threading.Thread(target=race) for _ in range(racers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(status for status, _ in replies) == [200] * (racers - 1) + [201]
    assert len({booking_id for _, booking_id in replies}) == 1
    assert places_left(any_server, opened["id"]) == 4


def test_a_bad_booker_key_is_refused_naming_the_field(server):
    opened = slot(server, capacity=1)
    reply = book(server, opened["id"], booker="not hex")
    assert reply.status_code == 422 and "booker" in reply.json()["error"]["message"]
    assert places_left(server, opened["id"]) == 1


def test_desktop_board_tells_why_a_slot_cannot_be_booked(server):
    opened, started = slot(server, capacity=2), slot(server, capacity=2, start=-0.1)
    with LiveServer(server) as live:
        board = HelpdeskBoard(SyncClient(live.url, server.install_token))
        booker = secrets.token_hex(32)
        first = board.book(opened["id"], contact="ext 4242", booker=booker)
        again = board.book(opened["id"], contact="ext 4242", booker=booker)
        assert again["booking_id"] == first["booking_id"] and again["already_booked"]
        with pytest.raises(SlotTaken) as refused:
            board.book(opened["id"], contact="ext 4242")
        assert refused.value.reason == "already_booked"
        with pytest.raises(SlotTaken) as refused:
            board.book(started["id"], contact="ext 4242")
        assert refused.value.reason == "started"
        assert [s["remaining"] for s in board.slots()] == [1]
