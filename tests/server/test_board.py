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
    me, colleague = secrets.token_hex(16), secrets.token_hex(16)
    for install in (me, me, colleague):
        reply = server.client.post(f"/v1/announcements/{now['id']}/affected", json={"install_id": install},
                                   headers=server.device)
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
    booking = server.client.post(f"/v1/slots/{opened['id']}/bookings", headers=server.device,
                                 json={"contact": "ext 4242", "topic": "new laptop"}).json()
    assert booking["slot"]["remaining"] == 1
    wrong = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.device,
                               json={"cancel_code": "not-the-code"})
    assert wrong.status_code == 404
    done = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.device,
                              json={"cancel_code": booking["cancel_code"]})
    assert done.json()["remaining"] == 2
    again = server.client.post(f"/v1/bookings/{booking['booking_id']}/cancel", headers=server.device,
                               json={"cancel_code": booking["cancel_code"]})
    assert again.status_code == 404


def test_a_started_slot_cannot_be_booked(server):
    past = slot(server, capacity=3, start=-1)
    reply = server.client.post(f"/v1/slots/{past['id']}/bookings", headers=server.device, json={"contact": "x"})
    assert reply.status_code == 409 and reply.json()["error"]["code"] == "slot_started"


def test_clients_racing_for_the_last_place_exactly_one_wins(any_server):
    opened = slot(any_server, capacity=1)
    racers = 12
    barrier = threading.Barrier(racers)
    results: list[int] = []

    with LiveServer(any_server) as live:
        def race(n: int) -> None:
            session = requests.Session()
            barrier.wait()
            reply = session.post(f"{live.url}/v1/slots/{opened['id']}/bookings", headers=any_server.device,
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
        board = HelpdeskBoard(SyncClient(live.url, server.device_token), install_id=secrets.token_hex(16))
        assert [s["id"] for s in board.slots()] == [opened["id"]]
        booking = board.book(opened["id"], contact="ext 4242")
        assert board.slots() == []
        with pytest.raises(SlotTaken, match="just taken"):
            board.book(opened["id"], contact="ext 1111")
        board.cancel(booking["booking_id"], booking["cancel_code"])
        assert board.slots()[0]["remaining"] == 1
