"""The tray icon: a thin `QSystemTrayIcon` that rebuilds its menu each time it opens and
only forwards actions to the app object. The icon carries the unread-tickets badge."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from desktop.ui.helpdesk_words import status_text
from desktop.ui.resources import badged_icon


def notice_text(text: str, limit: int = 300) -> str:
    """Outside text (announcements, ticket subjects, replies) for a desktop notification:
    notification servers may read the body as markup, so no tag can reach them; bounded."""
    text = " ".join(str(text).split()).replace("<", "‹").replace(">", "›")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class TrayIcon(QSystemTrayIcon):
    def __init__(self, app):
        super().__init__(app.icon, app)
        self.app = app
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild)
        self.setContextMenu(self.menu)
        self.activated.connect(self._activated)
        app.unreadChanged.connect(self.set_unread)
        app.onlineChanged.connect(lambda _: self.set_unread(app.unread))
        app.ticketStatusChanged.connect(self.notify)
        app.ticketReplied.connect(self.notify_reply)
        app.announcementsChanged.connect(self.announce)
        self.announced: set = {banner["id"] for banner in app.announcements}
        self.rebuild()
        self.set_unread(app.unread)

    def rebuild(self) -> None:
        self.menu.clear()
        self._add(self.tr("Ask IT…"), self.app.show_chat)
        unread = self.app.unread
        tickets = self.tr("My tickets (%n new)", "", unread) if unread else self.tr("My tickets")
        self._add(tickets, self.app.show_tickets)
        if self.app.booking_available():
            self._add(self.tr("Book a helpdesk appointment…"), self.app.show_booking)
        for banner in self.app.announcements[:3]:
            self._add("⚠ " + banner["title"], self.app.show_chat)
        self.menu.addSeparator()
        self._add(self.tr("Settings…"), self.app.show_settings)
        self._add(self.tr("Quit"), self.app.quit)

    def _add(self, text: str, slot) -> QAction:
        action = self.menu.addAction(text)
        action.triggered.connect(lambda _=False: slot())
        return action

    def _activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.Trigger, QSystemTrayIcon.DoubleClick):
            self.app.toggle_chat()

    def set_unread(self, count: int) -> None:
        self.setIcon(badged_icon(count))
        tip = self.tr("Helpdesk Assistant")
        if count:
            tip += " — " + self.tr("%n ticket update(s)", "", count)
        if not self.app.online:
            tip += " — " + self.tr("offline")
        self.setToolTip(tip)

    def announce(self, banners: list) -> None:
        """A new outage banner pops up once, so people do not file a ticket for it."""
        for banner in banners:
            if banner["id"] not in self.announced:
                self.announced.add(banner["id"])
                self.showMessage(notice_text(banner["title"]), notice_text(banner.get("body", "")),
                                 self.app.icon, 10000)

    def notify(self, subject: str, status: str) -> None:
        self.showMessage(self.tr("Ticket updated"), notice_text(f"{subject}: {status_text(status)}"),
                         self.app.icon, 8000)

    def notify_reply(self, subject: str, reply: str) -> None:
        """The helpdesk answered: say so, with the start of the answer (plain text)."""
        first = " ".join(reply.split())
        if len(first) > 120:
            first = first[:119].rstrip() + "…"
        self.showMessage(self.tr("New reply from the helpdesk"),
                         notice_text(f"{subject}: {first}" if first else subject), self.app.icon, 10000)
