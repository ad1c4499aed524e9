"""Announcements in the chat: the banner that reaches every active one ("‹ 1 of 2 ›"), and
the notice that puts a known outage before an answer or a step on its topic.

Announcement text comes from the sync server: it is always shown as plain text.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


def _plain_label(parent: QWidget, bold: bool = False) -> QLabel:
    label = QLabel(parent, wordWrap=True, textFormat=Qt.PlainText)
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)    # wraps; never widens the window
    label.setMinimumWidth(60)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class AnnouncementBanner(QFrame):
    """One announcement at a time, with ‹ › to the others and where this one stands."""

    current = Signal(int)               # the index of the announcement now shown

    def __init__(self, parent: QWidget):
        super().__init__(parent, visible=False)
        self.setFrameShape(QFrame.StyledPanel)
        self.banners: list[dict] = []
        self.index = 0
        self.title = _plain_label(self, bold=True)
        self.body = _plain_label(self)
        self.position = QLabel(self, textFormat=Qt.PlainText)
        self.previous = QPushButton("‹", self)
        self.next = QPushButton("›", self)
        for button in (self.previous, self.next):
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("››") + 16)
        self.previous.clicked.connect(lambda: self.show_index(self.index - 1))
        self.next.clicked.connect(lambda: self.show_index(self.index + 1))
        text = QVBoxLayout()
        text.setContentsMargins(0, 0, 0, 0)
        text.addWidget(self.title)
        text.addWidget(self.body)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 4, 6, 4)
        row.addLayout(text, 1)
        row.addWidget(self.previous, 0, Qt.AlignTop)
        row.addWidget(self.position, 0, Qt.AlignTop)
        row.addWidget(self.next, 0, Qt.AlignTop)
        self.retranslate()

    def retranslate(self) -> None:
        self.previous.setAccessibleName(self.tr("Previous announcement"))
        self.next.setAccessibleName(self.tr("Next announcement"))
        self._show_position()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_announcements(self, banners: list[dict]) -> None:
        shown = self.banners[self.index]["id"] if self.banners else None
        self.banners = list(banners)
        ids = [b.get("id") for b in self.banners]
        self.setVisible(bool(self.banners))
        if self.banners:
            self.show_index(ids.index(shown) if shown in ids else 0)

    def show_index(self, index: int) -> None:
        """Show announcement `index` (wrapping around at either end)."""
        if not self.banners:
            return
        self.index = index % len(self.banners)
        banner = self.banners[self.index]
        self.title.setText(str(banner.get("title", "")))
        self.body.setText(str(banner.get("body", "") or ""))
        self.body.setVisible(bool(self.body.text()))
        self.setAccessibleName(self.tr("Announcement: %s") % self.title.text())
        self._show_position()
        self.current.emit(self.index)

    def _show_position(self) -> None:
        several = len(self.banners) > 1
        for widget in (self.previous, self.position, self.next):
            widget.setVisible(several)
        self.position.setText(self.tr("%1 of %2").replace("%1", str(self.index + 1))
                              .replace("%2", str(len(self.banners))))

    def text(self) -> str:
        """What the banner says now, as a person reads it."""
        return "\n".join(t for t in (self.title.text(), self.body.text()) if t)


class OutageNotice(QLabel):
    """"Known problem right now: …" above an answer or a step on the outage's topic."""

    def __init__(self, parent: QWidget):
        super().__init__(parent, wordWrap=True, textFormat=Qt.PlainText, visible=False)
        self.setFrameShape(QFrame.StyledPanel)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.setMinimumWidth(60)
        self.outages: tuple = ()

    def set_outages(self, outages) -> None:
        self.outages = tuple(outages or ())
        lines = []
        for outage in self.outages:
            line = self.tr("⚠ Known problem right now: %s") % outage.get("title", "")
            if outage.get("body"):
                line += f" — {outage['body']}"
            lines.append(line)
        self.setText("\n".join(lines))
        self.setAccessibleName(self.text())
        self.setVisible(bool(lines))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.set_outages(self.outages)
        super().changeEvent(event)
