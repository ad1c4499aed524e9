"""`Board`: outage banners and helpdesk appointments from the sync server. No Qt.

    board = Board(policy, stats)
    board.available                           # False when the policy names no sync server
    banners = board.announcements()           # [] when unavailable
    board.affected(banners[0]["id"])          # "I'm affected too" instead of a new ticket
    booking = board.book(slot, contact="ext. 4242", topic="new laptop")
    Path("slot.ics").write_text(calendar_event(booking["slot"], "Helpdesk appointment"))
    board.bookings()                          # the ones still to come, kept across restarts
    board.cancel(booking)

Network errors come out as `AssistantError`; call everything off the GUI thread.
"""
from __future__ import annotations

import json
import os
import threading
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from desktop import paths
from desktop.policy import Policy
from desktop.ui.ticketdesk import AssistantError


def _ics_time(value: str) -> str:
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def calendar_event(slot: dict[str, Any], summary: str, description: str = "") -> str:
    """An iCalendar (.ics) event for a booked slot, for the user's calendar."""
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Helpdesk Assistant//EN", "BEGIN:VEVENT",
        f"UID:helpdesk-slot-{slot['id']}-{uuid.uuid4().hex[:8]}@helpdesk-assistant",
        f"DTSTAMP:{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%SZ')}",
        f"DTSTART:{_ics_time(slot['starts_at'])}", f"DTEND:{_ics_time(slot['ends_at'])}",
        f"SUMMARY:{_ics_text(summary)}",
    ]
    if slot.get("location"):
        lines.append(f"LOCATION:{_ics_text(slot['location'])}")
    if description:
        lines.append(f"DESCRIPTION:{_ics_text(description)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(lines) + "\r\n"


BOOKINGS_FILE = "bookings.json"


class Board:
    def __init__(self, policy: Policy, stats: Any = None, client: Any = None, home: Path | None = None):
        self.policy = policy
        self.stats = stats
        self._client = client
        self._install_id = uuid.uuid4().hex
        self._home = home
        self._lock = threading.Lock()

    # -- bookings kept on this computer (the cancel code is needed to cancel) -------------
    def _file(self) -> Path:
        return (self._home or paths.data_home()) / BOOKINGS_FILE

    def _load(self) -> list[dict]:
        try:
            kept = json.loads(self._file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return kept if isinstance(kept, list) else []

    def _save(self, bookings: list[dict]) -> None:
        target = self._file()
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(bookings, indent=1), encoding="utf-8")
        os.replace(tmp, target)

    def bookings(self) -> list[dict]:
        """Booked slots that have not ended yet, soonest first."""
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        with self._lock:
            kept = [b for b in self._load() if _ics_time(b["slot"]["ends_at"]) >= _ics_time(now)]
        return sorted(kept, key=lambda b: b["slot"]["starts_at"])

    @property
    def available(self) -> bool:
        return self._client is not None or bool(self.policy.sync.url)

    def _board(self):
        from desktop.sync import HelpdeskBoard, SyncError  # noqa: PLC0415 - lazy: start-up cost

        try:
            if self._client is None:
                from desktop.sync.service import client_for  # noqa: PLC0415

                self._client = client_for(self.policy)
        except SyncError as exc:
            raise AssistantError(str(exc)) from None
        install_id = self._install_id
        if self.stats is not None and self.stats.enabled:
            install_id = self.stats.install_id()
        return HelpdeskBoard(self._client, install_id)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from desktop.sync import SyncError  # noqa: PLC0415

        try:
            return getattr(self._board(), name)(*args, **kwargs)
        except SyncError as exc:
            raise AssistantError(str(exc)) from None

    def announcements(self) -> list[dict]:
        if not self.available:
            return []
        return self._call("announcements")

    def affected(self, announcement_id: int) -> dict:
        return self._call("affected", announcement_id)

    def slots(self) -> list[dict]:
        if not self.available:
            return []
        return self._call("slots")

    def book(self, slot: dict, contact: str, topic: str = "") -> dict:
        if not contact.strip():
            raise AssistantError("Say how the helpdesk can reach you (phone or e-mail).")
        booking = self._call("book", slot["id"], contact=contact, topic=topic)
        with self._lock:
            self._save([*self._load(), {**booking, "topic": topic}])
        return booking

    def cancel(self, booking: dict) -> dict:
        result = self._call("cancel", booking["booking_id"], booking["cancel_code"])
        with self._lock:
            self._save([b for b in self._load() if b["booking_id"] != booking["booking_id"]])
        return result
