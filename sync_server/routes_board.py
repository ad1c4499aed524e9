"""Announcements (outage banners, "I'm affected too") and helpdesk appointment slots.

    POST /v1/admin/announcements            manage  publish a banner for a time window
    DELETE /v1/admin/announcements/{id}     manage  end it now
    GET  /v1/announcements                  device  banners active now (?team=…)
    POST /v1/announcements/{id}/affected    install count this install once
    POST /v1/admin/slots                    manage  open a slot with a capacity
    GET  /v1/slots                          device  future slots and places left
    POST /v1/slots/{id}/bookings            install book a place (201); the same booker again: the
                                                    same booking (200); 409 when full, started,
                                                    or that contact or install already has a place
    POST /v1/bookings/{id}/cancel           install cancel with the code given at booking
    GET  /v1/admin/slots/{id}/bookings      manage  who booked

Booking is one conditional UPDATE (`booked < capacity`) in a transaction, so when
clients race for the last place exactly one wins, on SQLite and PostgreSQL alike.

One person, one place per slot. A client sends `booker`, a secret key of its own for
that slot (the desktop derives it from a random key kept on the computer, never the
statistics install id): booking again with it returns the same booking and the same
cancel code, which is derived from the key, so a retry after a lost reply or a double
click never takes a second place. Only the hash of the key is stored. A second booking
for a contact that already has a place (spelled with other spaces or capitals too) is
refused with 409 `already_booked`. Both rules are unique indexes, so racing requests
of one person cannot both win either.

Per install (the credential's, sync_server/enrolment.py; never an id the client names):
one "I'm affected too" per announcement, one place per slot, and at most
`MAX_UPCOMING_BOOKINGS` places in slots that have not started, so the fleet's token in
one person's hands cannot fill a slot or inflate a count.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import datetime, timezone

from typing import Annotated

from fastapi import APIRouter, Request, Response
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, model_validator

from sync_server.auth import require
from sync_server.db import IntegrityError
from sync_server.errors import ApiError
from sync_server.inputs import Line, Prose

router = APIRouter(tags=["announcements and appointments"])
RowId = Annotated[int, PathParam(ge=1, le=2**62)]
MAX_UPCOMING_BOOKINGS = 3


def _utc(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("times need a time zone, e.g. 2026-11-25T09:00:00Z")
    if not 2000 <= value.year <= 2200:
        raise ValueError("times must fall between the years 2000 and 2200")
    return value.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _now() -> str:
    return _utc(datetime.now(timezone.utc))


class Window(BaseModel):
    starts_at: datetime
    ends_at: datetime

    @model_validator(mode="after")
    def _ordered(self) -> "Window":
        _utc(self.starts_at), _utc(self.ends_at)
        if self.ends_at <= self.starts_at:
            raise ValueError("ends_at must be after starts_at")
        return self


class NewAnnouncement(Window):
    title: Line = Field(min_length=1, max_length=120)
    body: Prose = Field(default="", max_length=2000)
    teams: list[Annotated[Line, Field(max_length=64)]] = Field(default_factory=list, max_length=20, description="affected KB teams; empty: everyone")


class Announcement(NewAnnouncement):
    id: int
    affected: int = 0


class Affected(BaseModel):
    install_id: str = Field("", pattern=r"^([0-9a-f]{32})?$",
                            description="ignored (older clients): the install is the credential's")


class NewSlot(Window):
    capacity: int = Field(ge=1, le=500)
    team: Line = Field(default="", max_length=64)
    location: Line = Field(default="", max_length=200, description="room, phone bridge or video link")


class Slot(NewSlot):
    id: int
    booked: int
    remaining: int


class NewBooking(BaseModel):
    contact: Line = Field(min_length=1, max_length=200, description="how the helpdesk reaches the person")
    topic: Prose = Field(default="", max_length=500)
    booker: str = Field(default="", pattern=r"^([0-9a-f]{32,128})?$",
                        description="the booker's own secret key for this slot: booking again with it "
                                    "returns the same booking")


class Booking(BaseModel):
    booking_id: int
    cancel_code: str
    slot: Slot
    already_booked: bool = Field(default=False, description="true: this booker's earlier booking, no new place")


class Cancel(BaseModel):
    cancel_code: str = Field(min_length=8, max_length=100)


def _announcement(row: tuple) -> Announcement:
    return Announcement(id=row[0], title=row[1], body=row[2], starts_at=row[3], ends_at=row[4],
                        teams=json.loads(row[5]), affected=row[6])


_ANNOUNCEMENTS = ("SELECT a.id, a.title, a.body, a.starts_at, a.ends_at, a.teams, "
                  "(SELECT COUNT(*) FROM announcement_affected f WHERE f.announcement_id = a.id) FROM announcements a ")


@router.post("/v1/admin/announcements", status_code=201)
def create_announcement(new: NewAnnouncement, request: Request) -> Announcement:
    require(request, "manage")
    with request.app.state.db.transaction() as tx:
        new_id = tx.insert_id("INSERT INTO announcements (title, body, starts_at, ends_at, teams, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?)", (new.title, new.body, _utc(new.starts_at),
                                                            _utc(new.ends_at), json.dumps(new.teams), _now()))
    return Announcement(id=new_id, **new.model_dump())


@router.delete("/v1/admin/announcements/{announcement_id}")
def end_announcement(announcement_id: RowId, request: Request) -> dict:
    require(request, "manage")
    with request.app.state.db.transaction() as tx:
        if not tx.execute("UPDATE announcements SET ends_at = ? WHERE id = ?", (_now(), announcement_id)):
            raise ApiError(404, "not_found", f"no announcement {announcement_id}")
    return {"id": announcement_id, "ended": True}


@router.get("/v1/announcements")
def active_announcements(request: Request, team: str = "") -> list[Announcement]:
    require(request, "device")
    now = _now()
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all(_ANNOUNCEMENTS + "WHERE a.starts_at <= ? AND a.ends_at > ? ORDER BY a.starts_at DESC", (now, now))
    found = [_announcement(r) for r in rows]
    return [a for a in found if not team or not a.teams or team in a.teams]


@router.post("/v1/announcements/{announcement_id}/affected")
def affected_too(announcement_id: RowId, request: Request, body: Affected | None = None) -> Announcement:
    install = require(request, "install").install_ref
    db = request.app.state.db
    with db.transaction() as tx:
        if tx.one("SELECT id FROM announcements WHERE id = ?", (announcement_id,)) is None:
            raise ApiError(404, "not_found", f"no announcement {announcement_id}")
        tx.execute("INSERT INTO announcement_affected (announcement_id, install_id, at) VALUES (?, ?, ?) "
                   "ON CONFLICT (announcement_id, install_id) DO NOTHING", (announcement_id, install, _now()))
        return _announcement(tx.one(_ANNOUNCEMENTS + "WHERE a.id = ?", (announcement_id,)))


_SLOTS = "SELECT id, starts_at, ends_at, capacity, team, location, booked FROM slots "


def _slot(row: tuple) -> Slot:
    return Slot(id=row[0], starts_at=row[1], ends_at=row[2], capacity=row[3], team=row[4], location=row[5],
                booked=row[6], remaining=row[3] - row[6])


@router.post("/v1/admin/slots", status_code=201)
def create_slot(new: NewSlot, request: Request) -> Slot:
    require(request, "manage")
    with request.app.state.db.transaction() as tx:
        new_id = tx.insert_id("INSERT INTO slots (starts_at, ends_at, team, location, capacity, booked) "
                              "VALUES (?, ?, ?, ?, ?, 0)", (_utc(new.starts_at), _utc(new.ends_at), new.team,
                                                            new.location, new.capacity))
    return Slot(id=new_id, booked=0, remaining=new.capacity, **new.model_dump())


@router.get("/v1/slots")
def open_slots(request: Request, team: str = "") -> list[Slot]:
    require(request, "device")
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all(_SLOTS + "WHERE starts_at > ? ORDER BY starts_at, id LIMIT 200", (_now(),))
    return [_slot(r) for r in rows if not team or not r[4] or r[4] == team]


def contact_key(contact: str) -> str:
    """The contact as compared for "one place per person": an e-mail address without
    spaces or capitals; a phone number or extension by its letters and digits only."""
    folded = "".join(contact.split()).casefold()
    return folded if "@" in folded else "".join(c for c in folded if c.isalnum())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _cancel_code(booker: str, booking_id: int) -> str:
    mac = hmac.new(booker.encode(), f"cancel booking {booking_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode()


@router.post("/v1/slots/{slot_id}/bookings", status_code=201,
             responses={200: {"description": "this booker already has a place: the same booking again"},
                        409: {"description": "the slot is full or has started, or the contact already has a place"}})
def book(slot_id: RowId, new: NewBooking, request: Request, response: Response) -> Booking:
    install = require(request, "install").install_ref
    db = request.app.state.db
    try:
        with db.transaction() as tx:
            booking = _book(tx, slot_id, new, install)
    except IntegrityError:            # the same person's other request won the race: answer with it
        with db.transaction() as tx:
            booking = _book(tx, slot_id, new, install)
    if booking.already_booked:
        response.status_code = 200
    return booking


def _held(tx, slot_id: int, booker_hash: str, key: str, install: str = "") -> list[tuple]:
    """(id, booker_hash) of the live bookings of this booker, contact or install in the slot."""
    if not (booker_hash or key or install):
        return []
    return tx.all("SELECT id, booker_hash FROM bookings WHERE slot_id = ? AND cancelled_at IS NULL "
                  "AND ((booker_hash = ? AND booker_hash <> '') OR (contact_key = ? AND contact_key <> '') "
                  "OR (install_ref = ? AND install_ref <> ''))", (slot_id, booker_hash, key, install))


def _again(tx, slot_id: int, new: NewBooking, booking_id: int) -> Booking:
    return Booking(booking_id=booking_id, cancel_code=_cancel_code(new.booker, booking_id), already_booked=True,
                   slot=_slot(tx.one(_SLOTS + "WHERE id = ?", (slot_id,))))


def _book(tx, slot_id: int, new: NewBooking, install: str) -> Booking:
    booker_hash, key = (_digest(new.booker) if new.booker else ""), contact_key(new.contact)
    # One statement for the checks, so a booking the same person's other request committed
    # in between is seen as theirs (200, the same booking), not as another person's contact.
    held = _held(tx, slot_id, booker_hash, key, install)
    mine = next((row[0] for row in held if booker_hash and row[1] == booker_hash), None)
    if mine is not None:
        return _again(tx, slot_id, new, mine)
    if held:
        raise ApiError(409, "already_booked", "this contact already has a place in this slot")
    upcoming = tx.one("SELECT COUNT(*) FROM bookings b JOIN slots s ON s.id = b.slot_id WHERE b.install_ref = ? "
                      "AND b.cancelled_at IS NULL AND s.starts_at > ?", (install, _now()))[0]
    if upcoming >= MAX_UPCOMING_BOOKINGS:
        raise ApiError(409, "too_many_bookings", f"this computer already has {upcoming} upcoming appointments; "
                       "cancel one to book another")
    taken = tx.execute("UPDATE slots SET booked = booked + 1 WHERE id = ? AND booked < capacity AND starts_at > ?",
                       (slot_id, _now()))
    if not taken:
        # Waiting on the slot's row may have let the same person's other request take the
        # last place: that is their booking, not a full slot.
        mine = next((row[0] for row in _held(tx, slot_id, booker_hash, "") if booker_hash), None)
        if mine is not None:
            return _again(tx, slot_id, new, mine)
        row = tx.one(_SLOTS + "WHERE id = ?", (slot_id,))
        if row is None:
            raise ApiError(404, "not_found", f"no slot {slot_id}")
        if row[1] <= _now():
            raise ApiError(409, "slot_started", "this slot has already started; pick a later one")
        raise ApiError(409, "slot_full", "this slot was just taken; pick another one")
    code = secrets.token_urlsafe(12)
    booking_id = tx.insert_id("INSERT INTO bookings (slot_id, cancel_hash, contact, topic, created_at, booker_hash, "
                              "contact_key, install_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              (slot_id, _digest(code), new.contact, new.topic, _now(), booker_hash, key, install))
    if new.booker:
        code = _cancel_code(new.booker, booking_id)
        tx.execute("UPDATE bookings SET cancel_hash = ? WHERE id = ?", (_digest(code), booking_id))
    return Booking(booking_id=booking_id, cancel_code=code, slot=_slot(tx.one(_SLOTS + "WHERE id = ?", (slot_id,))))


@router.post("/v1/bookings/{booking_id}/cancel")
def cancel(booking_id: RowId, body: Cancel, request: Request) -> Slot:
    require(request, "install")
    with request.app.state.db.transaction() as tx:
        if not tx.execute("UPDATE bookings SET cancelled_at = ? WHERE id = ? AND cancel_hash = ? AND cancelled_at IS NULL",
                          (_now(), booking_id, hashlib.sha256(body.cancel_code.encode()).hexdigest())):
            raise ApiError(404, "not_found", f"no active booking {booking_id} with that cancel code")
        row = tx.one("SELECT slot_id FROM bookings WHERE id = ?", (booking_id,))
        tx.execute("UPDATE slots SET booked = booked - 1 WHERE id = ?", (row[0],))
        return _slot(tx.one(_SLOTS + "WHERE id = ?", (row[0],)))


@router.get("/v1/admin/slots/{slot_id}/bookings")
def slot_bookings(slot_id: RowId, request: Request) -> list[dict]:
    require(request, "manage")
    with request.app.state.db.transaction(write=False) as tx:
        rows = tx.all("SELECT id, contact, topic, created_at FROM bookings WHERE slot_id = ? AND cancelled_at IS NULL "
                      "ORDER BY id", (slot_id,))
    return [{"booking_id": r[0], "contact": r[1], "topic": r[2], "booked_at": r[3]} for r in rows]
