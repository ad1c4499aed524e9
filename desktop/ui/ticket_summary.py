"""What a ticket will carry, shown before it is sent, then its outcome.

The summary lists "what you already tried" (only the turns about this problem) and the
details about this computer, one tickable line each: the user unticks what should not
be sent. Every line is plain text that wraps, never cut at the window's width. After
sending: the ticket number, or "queued — will be sent".
"""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from desktop.ui.resources import context_label
from desktop.ui.safe_view import SafeTextBrowser
from desktop.ui.workers import focus_later


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class RemovableItem(QWidget):
    """A ticked line of plain text that wraps; clicking the text toggles it too."""

    def __init__(self, parent, text: str):
        super().__init__(parent)
        self.box = QCheckBox(self, checked=True)
        self.box.setAccessibleName(text)
        self.label = QLabel(text, self, wordWrap=True, textFormat=Qt.PlainText)
        policy = self.label.sizePolicy()                # keeps the label's height-for-width
        policy.setHorizontalPolicy(QSizePolicy.Ignored)
        self.label.setSizePolicy(policy)
        self.label.setAlignment(Qt.AlignLeft | Qt.AlignTop)
        self.label.setMinimumWidth(40)
        self.label.mousePressEvent = lambda event: self.box.toggle()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 0, Qt.AlignTop)
        row.addWidget(self.label, 1)

    def text(self) -> str:
        return self.label.text()

    def isChecked(self) -> bool:  # noqa: N802 - reads like QCheckBox's
        return self.box.isChecked()

    def setChecked(self, checked: bool) -> None:  # noqa: N802
        self.box.setChecked(checked)


class SummaryPage(QWidget):
    def __init__(self, chat):
        super().__init__(chat)
        self.chat, self.app = chat, chat.app
        self.draft = None
        self.text = SafeTextBrowser(self)               # loads nothing, opens no link but https, mailto, tel
        self.tried_label = QLabel(self, wordWrap=True)
        self.tried_box = QVBoxLayout()
        self.context_label = QLabel(self, wordWrap=True)
        self.context_box = QVBoxLayout()
        self.tried: list[RemovableItem] = []
        self.checks: dict[str, RemovableItem] = {}
        self.send_button = QPushButton(self)
        self.send_button.clicked.connect(self.send)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(lambda: chat.stack.setCurrentWidget(chat.form_page))
        items = QWidget()
        column = QVBoxLayout(items)
        column.addWidget(self.tried_label)
        column.addLayout(self.tried_box)
        column.addWidget(self.context_label)
        column.addLayout(self.context_box)
        column.addStretch(1)
        self.items = QScrollArea(self, widgetResizable=True, frameShape=QFrame.NoFrame)
        self.items.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.items.setWidget(items)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 2)
        layout.addWidget(self.items, 3)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.send_button.setText(self.tr("&Send to the helpdesk"))
        self.edit_button.setText(self.tr("← &Edit"))
        self.tried_label.setText(self.tr("What you already tried, sent with the ticket "
                                         "(untick what is not about this problem):"))
        self.context_label.setText(self.tr("Details about this computer sent with the ticket "
                                           "(untick what you do not want to share):"))
        self.text.setAccessibleName(self.tr("Ticket summary"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_draft(self, draft) -> None:
        self.draft = draft
        parts = [f"## {draft.subject}", draft.full_description().replace("\n", "  \n")]
        if draft.attachments:
            parts.append(self.tr("**Attached:** %s") % ", ".join(p.name for p in draft.attachments))
        self.text.setMarkdown("\n\n".join(p for p in parts if p))
        clear_layout(self.tried_box)
        clear_layout(self.context_box)
        self.tried = [RemovableItem(self, line) for line in draft.transcript]
        for item in self.tried:
            self.tried_box.addWidget(item)
        self.tried_label.setVisible(bool(self.tried))
        self.checks = {}
        for key, label, value in draft.context_labels():
            self.checks[key] = RemovableItem(self, f"{context_label(label)}: {value}")
            self.context_box.addWidget(self.checks[key])
        self.chat.stack.setCurrentWidget(self)
        focus_later(self.send_button)

    def kept_draft(self):
        """The draft as it will be sent: without the lines the user unticked."""
        removed = [key for key, item in self.checks.items() if not item.isChecked()]
        kept = tuple(item.text() for item in self.tried if item.isChecked())
        return replace(self.draft.without(*removed), transcript=kept)

    def send(self) -> None:
        draft, assistant = self.kept_draft(), self.app.assistant
        self.send_button.setEnabled(False)
        self.app.workers.submit(lambda: assistant.send(draft), self._sent, self._failed)

    def _sent(self, outcome) -> None:
        self.send_button.setEnabled(True)
        self.chat.done_page.show_outcome(outcome)
        self.app.tickets_changed()

    def _failed(self, exc: Exception) -> None:
        self.send_button.setEnabled(True)
        self.chat.done_page.show_error(getattr(exc, "user_message", str(exc)), self.app.helpdesk_contact())


class DonePage(QWidget):
    outcomeShown = Signal(str)

    def __init__(self, chat):
        super().__init__(chat)
        self.chat = chat
        self.message = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.again = QPushButton(self)
        self.again.clicked.connect(chat.focus_question)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.again)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        self.again.setText(self.tr("Ask &another question"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def show_outcome(self, outcome) -> None:
        if outcome.status == "sent":
            text = self.tr("Ticket %s created. The helpdesk will get back to you; "
                           "follow it in My tickets.") % outcome.ticket_id
        elif outcome.status == "queued":
            text = self.tr("Ticket saved — queued, will be sent as soon as the helpdesk can be reached.")
        else:
            text = self.tr("The helpdesk refused the ticket: %s") % outcome.message
        self._show(text, outcome.status)

    def show_error(self, message: str, contact: str) -> None:
        self._show(self.tr("The ticket could not be filed: %s") % message + (f"\n\n{contact}" if contact else ""),
                   "error")

    def _show(self, text: str, status: str) -> None:
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.chat.stack.setCurrentWidget(self)
        focus_later(self.again)
        self.outcomeShown.emit(status)
