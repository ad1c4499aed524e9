"""Booking a helpdesk appointment as an employee does: the slot list says when (start and
end, time zone), where and how many places are left; a double click books one place; a
booked slot is shown as booked, not offered again, also after a restart; errors are in
plain words; "Add to calendar" opens the .ics or says where it is saved."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt


def _open(qtbot, app, topic="printer"):
    window = app.show_booking(topic)
    qtbot.waitUntil(lambda: window.list.count() >= 1 and window.status.text() != "Loading free slots…",
                    timeout=10_000)
    return window


def test_a_slot_says_when_where_and_how_many_places_are_left(qtbot, start_app):
    from desktop.ui.booking_view import time_zone_name

    window = _open(qtbot, start_app())
    label = window.list.item(0).text()
    assert re.search(r"\d\d:\d\d–\d\d:\d\d", label), label            # start and end
    assert f"({time_zone_name()})" in label and "Desk 2" in label and "2 places left" in label
    assert window.contact.text() == "jo.doe@contoso.example"          # how to reach me, filled in


def test_a_double_click_books_one_place_and_the_slot_shows_as_booked(qtbot, start_app, board_client):
    app = start_app()
    window = _open(qtbot, app)
    window.contact.setText("ext. 4242")
    with qtbot.waitSignal(window.booked, timeout=10_000):
        qtbot.mouseClick(window.book, Qt.LeftButton)
        qtbot.mouseClick(window.book, Qt.LeftButton)                  # impatient second click
    qtbot.wait(200)
    assert board_client.booked == [(7, "ext. 4242")] and len(board_client.posts) == 1
    assert [window.list.item(i).text()[:9] for i in range(window.list.count())] == ["✓ Booked:"]
    assert window.status.text().startswith("Booked for ")
    assert not window.book.isVisible() and window.cancel.isVisible() and window.calendar.isVisible()

    window.close()
    again = _open(qtbot, app)                                       # opened again later: still booked
    assert again.list.count() == 1 and again.list.item(0).text().startswith("✓ Booked:")


def test_a_slot_taken_meanwhile_is_said_in_plain_words(qtbot, start_app, board_client, monkeypatch):
    from desktop.sync.board import SlotTaken

    def refuse(path, payload):
        raise SlotTaken("sync server refused /v1/slots/7/bookings: 409 this slot was just taken", "taken")

    window = _open(qtbot, start_app())
    monkeypatch.setattr(board_client, "post_json", refuse)
    qtbot.mouseClick(window.book, Qt.LeftButton)
    qtbot.waitUntil(lambda: "just taken" in window.status.text(), timeout=10_000)
    qtbot.wait(300)                                                 # the list is fetched again
    text = window.status.text()
    assert text == "This slot was just taken — pick another one."
    assert "409" not in text and "/v1/" not in text and window.book.isEnabled()


def test_add_to_calendar_opens_the_file_or_says_where_it_is(qtbot, start_app, monkeypatch, tmp_path):
    from PySide6.QtCore import QStandardPaths
    from PySide6.QtGui import QDesktopServices

    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    monkeypatch.setattr(QStandardPaths, "writableLocation", lambda kind: str(downloads))
    opened: list[str] = []
    answer = {"opens": False}
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(url.toLocalFile()) or answer["opens"])
    window = _open(qtbot, start_app())
    with qtbot.waitSignal(window.booked, timeout=10_000):
        qtbot.mouseClick(window.book, Qt.LeftButton)

    qtbot.mouseClick(window.calendar, Qt.LeftButton)               # no calendar app on this computer
    saved = downloads / "helpdesk-appointment-11.ics"
    assert "BEGIN:VEVENT" in saved.read_text(encoding="utf-8")
    assert str(saved) in window.status.text() and "Import" in window.status.text()

    answer["opens"] = True
    qtbot.mouseClick(window.calendar, Qt.LeftButton)
    assert opened == [str(saved), str(saved)] and window.status.text().startswith("Opened in your calendar")


def test_cancelling_offers_the_slot_again(qtbot, start_app, board_client):
    window = _open(qtbot, start_app())
    with qtbot.waitSignal(window.booked, timeout=10_000):
        qtbot.mouseClick(window.book, Qt.LeftButton)
    qtbot.mouseClick(window.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: board_client.cancelled == [11] and window.status.text() == "Appointment cancelled.",
                    timeout=10_000)
    qtbot.waitUntil(lambda: window.list.count() == 1 and "places left" in window.list.item(0).text(), timeout=10_000)
    assert window.book.isVisible() and window.book.isEnabled()


def test_the_limit_of_upcoming_appointments_is_said_in_plain_words(qtbot, start_app, board_client, monkeypatch):
    from desktop.sync.client import ServerRefused

    def refuse(path, payload):
        raise ServerRefused("sync server refused /v1/slots/7/bookings: 409 this computer already has 3 upcoming "
                            "appointments; cancel one to book another", 409)

    window = _open(qtbot, start_app())
    monkeypatch.setattr(board_client, "post_json", refuse)
    qtbot.mouseClick(window.book, Qt.LeftButton)
    qtbot.waitUntil(lambda: "upcoming appointments" in window.status.text(), timeout=10_000)
    text = window.status.text()
    assert text == "This computer already has three upcoming appointments — cancel one to book another."
    assert window.book.isEnabled()
