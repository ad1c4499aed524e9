"""`Board`: outage banners and helpdesk appointments from the sync server. No Qt.

    board = Board(policy)
    board.available                           # False when the policy names no sync server
    banners = board.announcements()           # [] when unavailable
    board.affected(banners[0]["id"])          # "I'm affected too" instead of a new ticket
    booking = board.book(slot, contact="ext. 4242", topic="new laptop")
    Path("slot.ics").write_text(calendar_event(booking["slot"], "Helpdesk appointment"))
    board.bookings()                          # the ones still to come, kept across restarts
    board.cancel(booking)

Network errors come out as `AssistantError`; call everything off the GUI thread. Booking
errors are `BookingError`s, whose `reason` lets the window say what happened in the
user's language (never a status code or a URL).

One place per person and slot: each booking carries a booker key for that slot, derived
from a random key kept in the data folder; the server also allows one place per slot to
each install credential (desktop.sync.credentials). Booking the same slot again — a double
click, a retry after a lost reply — gets the same booking back from the server.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
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
BOOKER_KEY_FILE = "booking-key"

# What each `BookingError.reason` means, in English (the window shows its translation).
BOOKING_MESSAGES = {
    "contact": "Say how the helpdesk can reach you (phone or e-mail).",
    "taken": "This slot was just taken — pick another one.",
    "started": "This slot has already started — pick a later one.",
    "already_booked": "You already have a place in this slot (booked with this phone number or e-mail).",
    "gone": "This slot is no longer offered — pick another one.",
    "limit": "This computer already has three upcoming appointments — cancel one to book another.",
    "unreachable": "The helpdesk's booking service cannot be reached right now; try again in a few minutes.",
    "refused": "The helpdesk's booking service did not accept this computer; please tell IT or call the helpdesk.",
}


class BookingError(AssistantError):
    """A booking, a cancellation or the slot list did not work; `reason` is a key of
    `BOOKING_MESSAGES` and `user_message` its English text."""

    def __init__(self, reason: str) -> None:
        super().__init__(BOOKING_MESSAGES[reason])
        self.reason = reason


def _booking_reason(exc: Exception) -> str:
    from desktop.sync.board import SlotTaken  # noqa: PLC0415 - lazy: start-up cost
    from desktop.sync.client import ServerUnreachable  # noqa: PLC0415

    if isinstance(exc, SlotTaken):
        return exc.reason
    if isinstance(exc, ServerUnreachable):
        return "unreachable"
    return "gone" if getattr(exc, "status", None) == 404 else "refused"


class Board:
    def __init__(self, policy: Policy, client: Any = None, home: Path | None = None):
        self.policy = policy
        self._client = client
        self._reader = None                      # the fleet's client, made on first use
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

    def booker(self, slot_id: int) -> str:
        """This computer's booker key for one slot (the same after a restart)."""
        target = (self._home or paths.data_home()) / BOOKER_KEY_FILE
        with self._lock:
            try:
                secret = target.read_text(encoding="ascii").strip()
            except (OSError, ValueError):
                secret = ""
            if len(secret) < 32:
                secret = secrets.token_hex(32)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".tmp")
                tmp.write_text(secret, encoding="ascii")
                tmp.chmod(0o600)
                os.replace(tmp, target)
        return hmac.new(secret.encode(), f"helpdesk slot {slot_id}".encode(), hashlib.sha256).hexdigest()

    @property
    def available(self) -> bool:
        return self._client is not None or bool(self.policy.sync.url)

    # Reading (banners, slots) uses the fleet's token, so it never waits for an enrolment;
    # what speaks for this install ("affected", bookings) uses its own credential.
    _WRITES = ("affected", "book", "cancel")

    def _board(self, name: str):
        from desktop.sync import HelpdeskBoard, SyncError  # noqa: PLC0415 - lazy: start-up cost

        if self._client is not None:
            return HelpdeskBoard(self._client)
        from desktop.sync.credentials import client_for, install_client  # noqa: PLC0415

        try:
            if name in self._WRITES:
                return HelpdeskBoard(install_client(self.policy))    # kept in memory after the first
            if self._reader is None:
                self._reader = client_for(self.policy)
            return HelpdeskBoard(self._reader)
        except SyncError as exc:
            raise AssistantError(str(exc)) from None

    def _run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """The board call `name`; when the server no longer knows this install's credential
        (revoked, expired), enrol again and try once more."""
        from desktop.sync import ServerRefused  # noqa: PLC0415

        try:
            return getattr(self._board(name), name)(*args, **kwargs)
        except ServerRefused as exc:
            if exc.status != 401 or name not in self._WRITES or self._client is not None:
                raise
        from desktop.sync.credentials import forget_credential  # noqa: PLC0415

        forget_credential(self.policy)
        return getattr(self._board(name), name)(*args, **kwargs)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from desktop.sync import SyncError  # noqa: PLC0415

        try:
            return self._run(name, *args, **kwargs)
        except SyncError as exc:
            raise AssistantError(str(exc)) from None

    def _booking_call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from desktop.sync import SyncError  # noqa: PLC0415

        try:
            return self._run(name, *args, **kwargs)
        except AssistantError:
            raise BookingError("refused") from None
        except SyncError as exc:
            raise BookingError(_booking_reason(exc)) from None

    def announcements(self) -> list[dict]:
        if not self.available:
            return []
        return self._call("announcements")

    def affected(self, announcement_id: int) -> dict:
        return self._call("affected", announcement_id)

    def slots(self) -> list[dict]:
        """Future slots with places left (those this computer booked included)."""
        if not self.available:
            return []
        return self._booking_call("slots")

    def book(self, slot: dict, contact: str, topic: str = "") -> dict:
        """A place in `slot`; booking a slot already booked here returns that booking."""
        if not contact.strip():
            raise BookingError("contact")
        booking = self._booking_call("book", slot["id"], contact=contact.strip(), topic=topic,
                                     booker=self.booker(slot["id"]))
        with self._lock:
            kept = [b for b in self._load() if b["booking_id"] != booking["booking_id"]]
            self._save([*kept, {**booking, "topic": topic, "contact": contact.strip()}])
        return booking

    def cancel(self, booking: dict) -> dict:
        """Cancel; an appointment the server no longer has is simply forgotten here."""
        try:
            result = self._booking_call("cancel", booking["booking_id"], booking["cancel_code"])
        except BookingError as exc:
            if exc.reason != "gone":
                raise
            result = dict(booking["slot"])
        with self._lock:
            self._save([b for b in self._load() if b["booking_id"] != booking["booking_id"]])
        return result
