"""Where the desktop has no system tray (some GNOME set-ups, kiosks, remote sessions) the
app runs as a normal window that says why and offers the same actions as the tray menu."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class FallbackWindow(QWidget):
    def __init__(self, app):
        super().__init__()
        self.app = app
        self.setWindowIcon(app.icon)
        self.reason = QLabel(self, wordWrap=True)
        self.status = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.ask = QPushButton(self)
        self.tickets = QPushButton(self)
        self.settings = QPushButton(self)
        self.quit_button = QPushButton(self)
        self.ask.clicked.connect(app.show_chat)
        self.tickets.clicked.connect(app.show_tickets)
        self.settings.clicked.connect(app.show_settings)
        self.quit_button.clicked.connect(app.quit)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reason)
        layout.addWidget(self.status)
        for button in (self.ask, self.tickets, self.settings, self.quit_button):
            layout.addWidget(button)
        app.unreadChanged.connect(lambda _: self.retranslate())
        app.onlineChanged.connect(lambda _: self.retranslate())
        app.failed.connect(lambda _: self.retranslate())
        self.retranslate()

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Helpdesk Assistant"))
        self.reason.setText(self.tr("This desktop has no system tray, so Helpdesk Assistant runs "
                                    "in this window instead. Closing it quits the assistant."))
        status = []
        if self.app.error:
            status.append(self.tr("The knowledge base cannot be opened: %s") % self.app.error)
        if not self.app.online:
            status.append(self.tr("You are offline: answers still work, tickets will wait."))
        if self.app.unread:
            status.append(self.tr("%n ticket update(s)", "", self.app.unread))
        self.status.setText("\n".join(status))
        self.status.setVisible(bool(status))
        self.ask.setText(self.tr("&Ask IT…"))
        self.tickets.setText(self.tr("&My tickets"))
        self.settings.setText(self.tr("&Settings…"))
        self.quit_button.setText(self.tr("&Quit"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.app.quit()
        super().closeEvent(event)
