"""Announcements and helpdesk appointments, for the UI (no Qt; call off the GUI thread).

    board = HelpdeskBoard(client, install_id=stats.install_id())
    for banner in board.announcements(team="network"): ...   # outage banners active now
    board.affected(banner["id"])            # "I'm affected too": counted once per install
    slots = board.slots()                   # future slots with places left
    booking = board.book(slots[0]["id"], contact="ext. 4242", topic="new laptop")
    board.cancel(booking["booking_id"], booking["cancel_code"])

A full slot raises `SlotTaken` (a `ServerRefused`), so the UI can offer another one.
"""
from __future__ import annotations

from desktop.sync.client import ServerRefused, SyncClient


class SlotTaken(ServerRefused):
    """Someone booked the last place first, or the slot has started."""


class HelpdeskBoard:
    def __init__(self, client: SyncClient, install_id: str) -> None:
        self.client = client
        self.install_id = install_id

    def announcements(self, team: str = "") -> list[dict]:
        return self.client.get_json("/v1/announcements" + (f"?team={team}" if team else ""))

    def affected(self, announcement_id: int) -> dict:
        return self.client.post_json(f"/v1/announcements/{announcement_id}/affected", {"install_id": self.install_id})

    def slots(self, team: str = "") -> list[dict]:
        return [s for s in self.client.get_json("/v1/slots" + (f"?team={team}" if team else "")) if s["remaining"] > 0]

    def book(self, slot_id: int, contact: str, topic: str = "") -> dict:
        try:
            return self.client.post_json(f"/v1/slots/{slot_id}/bookings", {"contact": contact, "topic": topic})
        except ServerRefused as exc:
            if " 409 " in str(exc):
                raise SlotTaken(str(exc)) from None
            raise

    def cancel(self, booking_id: int, cancel_code: str) -> dict:
        return self.client.post_json(f"/v1/bookings/{booking_id}/cancel", {"cancel_code": cancel_code})
