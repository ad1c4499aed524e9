"""Announcements and helpdesk appointments, for the UI (no Qt; call off the GUI thread).

    board = HelpdeskBoard(install_client(policy))   # this install's credential (desktop.sync.credentials)
    for banner in board.announcements(team="network"): ...   # outage banners active now
    board.affected(banner["id"])            # "I'm affected too": counted once per install
    slots = board.slots()                   # future slots with places left
    booking = board.book(slots[0]["id"], contact="ext. 4242", topic="new laptop", booker=key)
    board.cancel(booking["booking_id"], booking["cancel_code"])

`booker` is the caller's own secret key for that slot: booking again with it returns the
same booking (`already_booked` true) instead of a second place. A slot that cannot be
booked raises `SlotTaken` (a `ServerRefused`) whose `reason` says why, so the UI can
offer another one:

    "taken"            someone booked the last place first
    "started"          the slot has started
    "already_booked"   this contact already has a place in the slot
    "limit"            this install already has its upcoming appointments (3)
"""
from __future__ import annotations

from desktop.sync.client import ServerRefused, SyncClient

# The sync server's 409 messages (sync_server/routes_board.py), by reason.
_REFUSALS = {"already has a place": "already_booked", "already started": "started", "just taken": "taken",
             "upcoming appointments": "limit"}


class SlotTaken(ServerRefused):
    """The slot cannot be booked: `reason` is "taken", "started", "already_booked" or "limit"."""

    def __init__(self, message: str, reason: str = "taken") -> None:
        super().__init__(message, 409)
        self.reason = reason


class HelpdeskBoard:
    def __init__(self, client: SyncClient) -> None:
        self.client = client

    def announcements(self, team: str = "") -> list[dict]:
        return self.client.get_json("/v1/announcements" + (f"?team={team}" if team else ""))

    def affected(self, announcement_id: int) -> dict:
        return self.client.post_json(f"/v1/announcements/{announcement_id}/affected", {})

    def slots(self, team: str = "") -> list[dict]:
        return [s for s in self.client.get_json("/v1/slots" + (f"?team={team}" if team else "")) if s["remaining"] > 0]

    def book(self, slot_id: int, contact: str, topic: str = "", booker: str = "") -> dict:
        payload = {"contact": contact, "topic": topic, **({"booker": booker} if booker else {})}
        try:
            return self.client.post_json(f"/v1/slots/{slot_id}/bookings", payload)
        except ServerRefused as exc:
            if getattr(exc, "status", None) == 409:
                reason = next((r for text, r in _REFUSALS.items() if text in str(exc)), "taken")
                raise SlotTaken(str(exc), reason) from None
            raise

    def cancel(self, booking_id: int, cancel_code: str) -> dict:
        return self.client.post_json(f"/v1/bookings/{booking_id}/cancel", {"cancel_code": cancel_code})
