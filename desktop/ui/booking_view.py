"""Book a slot with the helpdesk: pick a slot, say how to reach you, confirm; then add
it to the calendar (.ics) or cancel it. Slots come from the sync server."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QEvent, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton, QVBoxLayout, QWidget

from desktop import paths
from desktop.ui.board import calendar_event


def _local(value: str) -> str:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone().strftime("%a %d %b %H:%M")
    except ValueError:
        return value


class BookingWindow(QWidget):
    booked = Signal(dict)

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.slots: list[dict] = []
        self.booking: dict | None = None
        self.setWindowIcon(app.icon)
        self.intro = QLabel(self, wordWrap=True)
        self.list = QListWidget(self)
        self.contact = QLineEdit(self)
        self.topic = QLineEdit(self)
        self.book = QPushButton(self)
        self.book.clicked.connect(self.confirm)
        self.calendar = QPushButton(self, visible=False)
        self.calendar.clicked.connect(self.add_to_calendar)
        self.cancel = QPushButton(self, visible=False)
        self.cancel.clicked.connect(self.cancel_booking)
        self.status = QLabel(self, wordWrap=True)
        buttons = QHBoxLayout()
        for button in (self.book, self.calendar, self.cancel):
            buttons.addWidget(button)
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

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def load(self, topic: str = "") -> None:
        if topic and not self.topic.text():
            self.topic.setText(topic)
        assistant = self.app.assistant
        if assistant is None or not assistant.board.available:
            self.status.setText(self.tr("Appointments are not available on this computer."))
            return
        self.status.setText(self.tr("Loading free slots…"))
        self.app.workers.submit(lambda: (assistant.board.bookings(), assistant.board.slots()),
                                self._show_slots, self._failed)

    def _show_slots(self, found: tuple[list[dict], list[dict]]) -> None:
        booked, slots = found
        self.slots = slots
        self.list.clear()
        for slot in slots:
            where = f" — {slot['location']}" if slot.get("location") else ""
            self.list.addItem(f"{_local(slot['starts_at'])}{where}")
        self.status.setText("" if slots else self.tr("No free slot at the moment."))
        if slots:
            self.list.setCurrentRow(0)
        if booked and self.booking is None:
            self._booked(booked[0], announce=False)      # kept from an earlier session

    def _failed(self, exc: Exception) -> None:
        self.status.setText(getattr(exc, "user_message", str(exc)))

    def confirm(self) -> None:
        row = self.list.currentRow()
        if row < 0:
            return
        slot, assistant = self.slots[row], self.app.assistant
        contact, topic = self.contact.text(), self.topic.text()
        self.app.workers.submit(lambda: assistant.board.book(slot, contact, topic), self._booked, self._failed)

    def _booked(self, booking: dict, announce: bool = True) -> None:
        self.booking = booking
        self.status.setText(self.tr("Booked for %s.") % _local(booking["slot"]["starts_at"]))
        self.calendar.setVisible(True)
        self.cancel.setVisible(True)
        if announce:
            self.booked.emit(booking)

    def ics_path(self):
        return paths.data_home() / f"helpdesk-appointment-{self.booking['booking_id']}.ics"

    def add_to_calendar(self) -> None:
        target = self.ics_path()
        target.write_text(calendar_event(self.booking["slot"], self.tr("Helpdesk appointment"),
                                         self.topic.text()), encoding="utf-8")
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    def cancel_booking(self) -> None:
        booking, assistant = self.booking, self.app.assistant

        def done(_):
            self.booking = None
            self.calendar.setVisible(False)
            self.cancel.setVisible(False)
            self.status.setText(self.tr("Appointment cancelled."))
            self.load()
        self.app.workers.submit(lambda: assistant.board.cancel(booking), done, self._failed)
