"""Book a slot with the helpdesk: pick a slot, say how to reach you, confirm; then add
it to the calendar (.ics) or cancel it. Slots come from the sync server.

Each row of the list is a free slot ("Wed 9 Dec, 10:00–10:30 (Europe/Paris) · Desk 2 ·
2 places left", in the UI language) or one this computer booked ("✓ Booked: …"), which
is offered with Add to calendar and Cancel instead of Book. Book is disabled while a
booking is on its way, so a double click books once.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from PySide6.QtCore import QDateTime, QEvent, QLocale, QStandardPaths, QTimeZone, QUrl, Qt, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget

from desktop import paths
from desktop.ui.board import calendar_event


def _moment(value: str) -> QDateTime:
    when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return QDateTime.fromSecsSinceEpoch(int(when.timestamp())).toLocalTime()


def time_zone_name() -> str:
    """The computer's time zone as people know it ("Europe/Paris"), else its abbreviation."""
    zone = bytes(QTimeZone.systemTimeZoneId().data()).decode("ascii", "replace")
    return zone or QDateTime.currentDateTime().timeZoneAbbreviation()


class BookingWindow(QWidget):
    booked = Signal(dict)

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.slots: list[dict] = []             # free slots, from the server
        self.bookings: list[dict] = []          # this computer's bookings still to come
        self.rows: list[tuple[str, dict]] = []  # ("free", slot) or ("booked", booking), as listed
        self.booking: dict | None = None        # the booking selected (or just made)
        self.busy = False
        self.setWindowIcon(app.icon)
        self.setMinimumWidth(460)
        self.intro = QLabel(self, wordWrap=True)
        self.list = QListWidget(self, wordWrap=True)
        self.list.currentRowChanged.connect(self._selected)
        self.contact = QLineEdit(self)
        self.topic = QLineEdit(self)
        self.book = QPushButton(self)
        self.book.clicked.connect(self.confirm)
        self.calendar = QPushButton(self, visible=False)
        self.calendar.clicked.connect(self.add_to_calendar)
        self.cancel = QPushButton(self, visible=False)
        self.cancel.clicked.connect(self.cancel_booking)
        self.status = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        buttons = QHBoxLayout()
        for button in (self.book, self.calendar, self.cancel):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        for widget in (self.intro, self.list, self.contact, self.topic):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Book a helpdesk appointment"))
        self.intro.setText(self.tr("Pick a time; the helpdesk will call you or meet you there."))
        self.list.setAccessibleName(self.tr("Free slots"))
        self.contact.setPlaceholderText(self.tr("How can we reach you? (phone or e-mail)"))
        self.contact.setAccessibleName(self.tr("Contact"))
        self.topic.setPlaceholderText(self.tr("What is it about?"))
        self.topic.setAccessibleName(self.tr("Topic"))
        self.book.setText(self.tr("&Book"))
        self.calendar.setText(self.tr("Add to &calendar"))
        self.cancel.setText(self.tr("Ca&ncel the appointment"))
        self._fill()

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # -- what a slot looks like ---------------------------------------------------------
    def when(self, slot: dict) -> str:
        """ "Wed 9 Dec, 10:00–10:30 (Europe/Paris)", in the UI language and local time."""
        locale, start, end = QLocale(), _moment(slot["starts_at"]), _moment(slot["ends_at"])
        same_year = start.date().year() == QDateTime.currentDateTime().date().year()
        day = locale.toString(start, "ddd d MMM" if same_year else "ddd d MMM yyyy")
        if end.date() != start.date():
            end_text = locale.toString(end, "ddd d MMM HH:mm")
        else:
            end_text = locale.toString(end, "HH:mm")
        return self.tr("%1, %2–%3 (%4)").replace("%1", day).replace("%2", locale.toString(start, "HH:mm")) \
            .replace("%3", end_text).replace("%4", time_zone_name())

    def places_left(self, remaining: int) -> str:
        return self.tr("1 place left") if remaining == 1 else self.tr("%1 places left").replace("%1", str(remaining))

    def slot_label(self, slot: dict) -> str:
        parts = [self.when(slot)]
        if slot.get("location"):
            parts.append(slot["location"])
        return " · ".join([*parts, self.places_left(int(slot["remaining"]))])

    def booked_label(self, booking: dict) -> str:
        slot = booking["slot"]
        where = f" · {slot['location']}" if slot.get("location") else ""
        return self.tr("✓ Booked: %1").replace("%1", self.when(slot) + where)

    def reason_text(self, reason: str | None) -> str | None:
        return {
            "contact": self.tr("Say how the helpdesk can reach you (phone or e-mail)."),
            "taken": self.tr("This slot was just taken — pick another one."),
            "started": self.tr("This slot has already started — pick a later one."),
            "already_booked": self.tr("You already have a place in this slot (booked with this phone number "
                                      "or e-mail)."),
            "gone": self.tr("This slot is no longer offered — pick another one."),
            "limit": self.tr("This computer already has three upcoming appointments — cancel one to book "
                             "another."),
            "unreachable": self.tr("The helpdesk's booking service cannot be reached right now; try again in a "
                                   "few minutes."),
            "refused": self.tr("The helpdesk's booking service did not accept this computer; please tell IT or "
                               "call the helpdesk."),
        }.get(reason or "")

    # -- loading and listing ------------------------------------------------------------
    def load(self, topic: str = "") -> None:
        if topic and not self.topic.text():
            self.topic.setText(topic)
        assistant = self.app.assistant
        if assistant is None or not assistant.board.available:
            self.status.setText(self.tr("Appointments are not available on this computer."))
            return
        self.status.setText(self.tr("Loading free slots…"))
        self._fetch()

    def _fetch(self, message: str = "") -> None:
        assistant = self.app.assistant

        def fetch():
            kept = assistant.board.bookings()
            contact = next((b["contact"] for b in reversed(kept) if b.get("contact")), "")
            return kept, assistant.board.slots(), contact or assistant.values.get("user.email", "")
        self.app.workers.submit(fetch, lambda found: self._show_slots(found, message), self._failed)

    def _show_slots(self, found: tuple, message: str = "") -> None:
        self.bookings, self.slots = list(found[0]), list(found[1])
        if len(found) > 2 and found[2] and not self.contact.text():
            self.contact.setText(found[2])
        self._fill()
        if message:
            self.status.setText(message)
        elif not any(kind == "free" for kind, _ in self.rows):
            self.status.setText(self.tr("No free slot at the moment."))
        else:
            self.status.setText("")

    def _fill(self, select: int | None = None) -> None:
        """List this computer's bookings and the free slots it did not book, by time."""
        mine = {b["slot"]["id"] for b in self.bookings}
        rows = [("booked", b) for b in self.bookings] + [("free", s) for s in self.slots if s["id"] not in mine]
        self.rows = sorted(rows, key=lambda row: (row[1]["slot"] if row[0] == "booked" else row[1])["starts_at"])
        self.list.blockSignals(True)
        self.list.clear()
        for kind, item in self.rows:
            self.list.addItem(self.booked_label(item) if kind == "booked" else self.slot_label(item))
        self.list.blockSignals(False)
        if select is None:
            select = next((i for i, (kind, _) in enumerate(self.rows) if kind == "free"), 0 if self.rows else -1)
        self.list.setCurrentRow(select)
        self._selected(select)

    def _selected(self, row: int) -> None:
        kind, item = self.rows[row] if 0 <= row < len(self.rows) else ("", None)
        self.booking = item if kind == "booked" else None
        self.book.setVisible(kind != "booked")
        self.book.setEnabled(kind == "free" and not self.busy)
        for button in (self.calendar, self.cancel):
            button.setVisible(kind == "booked")
            button.setEnabled(not self.busy)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._selected(self.list.currentRow())

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        reason = getattr(exc, "reason", None)
        text = self.reason_text(reason) or getattr(exc, "user_message", "") or \
            self.tr("That did not work; try again, or call the helpdesk.")
        contact = self.app.helpdesk_contact()
        if reason in ("unreachable", "refused") and contact:
            text += " " + self.tr("Helpdesk: %1").replace("%1", contact)
        self.status.setText(text)
        if reason in ("taken", "started", "gone", "already_booked"):
            self._fetch(text)                   # show what is still free, keep the message

    # -- booking, calendar, cancelling --------------------------------------------------
    def confirm(self) -> None:
        row = self.list.currentRow()
        if self.busy or not 0 <= row < len(self.rows) or self.rows[row][0] != "free":
            return
        slot, assistant = self.rows[row][1], self.app.assistant
        contact, topic = self.contact.text(), self.topic.text()
        self._set_busy(True)
        self.status.setText(self.tr("Booking…"))
        self.app.workers.submit(lambda: assistant.board.book(slot, contact, topic), self._booked, self._failed)

    def _booked(self, booking: dict) -> None:
        self.busy = False
        self.bookings = [b for b in self.bookings if b["booking_id"] != booking["booking_id"]] + [booking]
        self.slots = [booking["slot"] if s["id"] == booking["slot"]["id"] else s for s in self.slots]
        self._fill()
        self.list.setCurrentRow(next(i for i, (kind, item) in enumerate(self.rows)
                                     if kind == "booked" and item["booking_id"] == booking["booking_id"]))
        text = self.tr("You already had this appointment: %1.") if booking.get("already_booked") else \
            self.tr("Booked for %1.")
        self.status.setText(text.replace("%1", self.when(booking["slot"])))
        self.booked.emit(booking)

    def ics_path(self) -> Path:
        downloads = QStandardPaths.writableLocation(QStandardPaths.DownloadLocation)
        folder = Path(downloads) if downloads and Path(downloads).is_dir() else paths.data_home()
        return folder / f"helpdesk-appointment-{self.booking['booking_id']}.ics"

    def add_to_calendar(self) -> None:
        if self.booking is None:
            return
        target = self.ics_path()
        try:
            target.write_text(calendar_event(self.booking["slot"], self.tr("Helpdesk appointment"),
                                             self.booking.get("topic") or self.topic.text()), encoding="utf-8")
        except OSError:
            self.status.setText(self.tr("The calendar file could not be saved in %1.").replace("%1", str(target.parent)))
            return
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(target))):
            self.status.setText(self.tr("Opened in your calendar app (also saved as %1).").replace("%1", str(target)))
        else:
            self.status.setText(self.tr("No app on this computer opened the calendar file. It is saved as %1: "
                                        "open it from your calendar (Import).").replace("%1", str(target)))

    def cancel_booking(self) -> None:
        booking, assistant = self.booking, self.app.assistant
        if booking is None or self.busy:
            return

        def done(_):
            self.busy = False
            self.bookings = [b for b in self.bookings if b["booking_id"] != booking["booking_id"]]
            self._fill()
            self.status.setText(self.tr("Appointment cancelled."))
            self._fetch(self.tr("Appointment cancelled."))
        self._set_busy(True)
        self.app.workers.submit(lambda: assistant.board.cancel(booking), done, self._failed)
