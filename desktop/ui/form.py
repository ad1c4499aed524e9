"""Ticket forms in the chat: fields validated inline, a summary of what will be sent (the
user may untick context items), then the ticket number or "queued — will be sent".

Field types come from the tree (`text`, `long_text`, `choice`, `date`, `file`,
`screenshot`); a ticket opened outside a tree asks for a subject, details and an
optional screenshot.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QDate, QEvent, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea,
                               QTextBrowser, QVBoxLayout, QWidget)

from desktop import paths
from desktop.engine.walker import FormField
from desktop.ui.workers import focus_later

NO_DATE = QDate(2000, 1, 1)


class FileField(QWidget):
    """A path with "Choose…" and, for screenshots, "Take a screenshot"."""

    def __init__(self, parent, label: str, screenshot: bool):
        super().__init__(parent)
        self.path = QLineEdit(self)
        self.path.setAccessibleName(label)
        self.choose = QPushButton(self.tr("Choose…"), self)
        self.choose.clicked.connect(self._choose)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(self.choose)
        if screenshot:
            self.shoot = QPushButton(self.tr("Take a screenshot"), self)
            self.shoot.clicked.connect(self.take_screenshot)
            row.addWidget(self.shoot)

    def _choose(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Attach a file"))
        if name:
            self.path.setText(name)

    def take_screenshot(self) -> None:
        window = self.window()
        window.hide()
        QGuiApplication.processEvents()
        screen = QGuiApplication.primaryScreen()
        target = paths.data_home() / "screenshots" / f"screenshot-{int(time.time())}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        screen.grabWindow(0).save(str(target), "PNG")
        window.show()
        self.path.setText(str(target))


class FormPage(QWidget):
    def __init__(self, chat):
        super().__init__(chat)
        self.chat, self.app = chat, chat.app
        self.walk = None
        self.tried = False
        self.fields: tuple[FormField, ...] = ()
        self.editors: dict[str, tuple[QWidget, QLabel]] = {}
        self.intro = QLabel(self, wordWrap=True)
        self.area = QScrollArea(self, widgetResizable=True)
        self.next_button = QPushButton(self)
        self.next_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton(self)
        self.cancel_button.clicked.connect(chat.focus_question)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.intro)
        layout.addWidget(self.area, 1)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.next_button.setText(self.tr("&Review and send…"))
        self.cancel_button.setText(self.tr("&Cancel"))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def generic_fields(self) -> tuple[FormField, ...]:
        """The form for a ticket opened outside a decision tree."""
        return (FormField("subject", self.tr("Subject (one line)"), "text", True),
                FormField("details", self.tr("What happened?"), "long_text", True),
                FormField("screenshot", self.tr("Screenshot or file (optional)"), "screenshot"))

    def open_form(self, walk, subject: str = "") -> None:
        """Show the tree's ticket form, or the generic one (`walk=None`) with `subject`
        (the question asked) already in its subject line."""
        self.walk = walk
        self.tried = False
        self.fields = walk.step.fields if walk is not None else self.generic_fields()
        self.intro.setText(walk.step.text if walk is not None else
                           self.tr("Tell the helpdesk what is wrong. You will see everything "
                                   "before it is sent."))
        body = QWidget()
        form = QFormLayout(body)
        self.editors = {}
        for f in self.fields:
            editor = self._editor(body, f)
            error = QLabel(body, visible=False)
            error.setStyleSheet("color: #d1242f")
            cell = QWidget(body)
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor)
            column.addWidget(error)
            label = QLabel(f.label + (" *" if f.required else ""), body)
            label.setBuddy(editor)
            form.addRow(label, cell)
            self.editors[f.id] = (editor, error)
        self.area.setWidget(body)
        if walk is None and subject:
            self.set_value("subject", " ".join(subject.split())[:200])
        self.chat.stack.setCurrentWidget(self)
        if self.editors:
            filled = self.values()
            empty = [fid for fid in self.editors if not filled.get(fid)]
            first = self.editors[(empty or list(self.editors))[0]][0]
            focus_later((first.path if isinstance(first, FileField) else first))

    def _editor(self, parent, f: FormField) -> QWidget:
        if f.type == "long_text":
            editor = QPlainTextEdit(parent)
            editor.setTabChangesFocus(True)
        elif f.type == "choice":
            editor = QComboBox(parent)
            editor.addItem("")
            editor.addItems(list(f.choices))
        elif f.type == "date":
            editor = QDateEdit(parent, calendarPopup=True, displayFormat="yyyy-MM-dd")
            editor.setMinimumDate(NO_DATE)
            editor.setSpecialValueText(" ")
            editor.setDate(NO_DATE)
        elif f.type in ("file", "screenshot"):
            editor = FileField(parent, f.label, f.type == "screenshot")
        else:
            editor = QLineEdit(parent)
        editor.setAccessibleName(f.label)
        changed = {QPlainTextEdit: "textChanged", QComboBox: "currentIndexChanged", QDateEdit: "dateChanged",
                   QLineEdit: "textChanged"}
        if isinstance(editor, FileField):
            editor.path.textChanged.connect(self._edited)
        else:
            getattr(editor, changed[type(editor)]).connect(self._edited)
        return editor

    def values(self) -> dict[str, str]:
        out = {}
        for field_id, (editor, _) in self.editors.items():
            if isinstance(editor, QPlainTextEdit):
                out[field_id] = editor.toPlainText()
            elif isinstance(editor, QComboBox):
                out[field_id] = editor.currentText()
            elif isinstance(editor, QDateEdit):
                out[field_id] = "" if editor.date() == NO_DATE else editor.date().toString("yyyy-MM-dd")
            elif isinstance(editor, FileField):
                out[field_id] = editor.path.text().strip()
            else:
                out[field_id] = editor.text()
        return out

    def set_value(self, field_id: str, value: str) -> None:
        """For tests and scripted use: fill a field as the user would."""
        editor = self.editors[field_id][0]
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(value)
        elif isinstance(editor, QComboBox):
            editor.setCurrentText(value)
        elif isinstance(editor, QDateEdit):
            editor.setDate(QDate.fromString(value, "yyyy-MM-dd"))
        elif isinstance(editor, FileField):
            editor.path.setText(value)
        else:
            editor.setText(value)

    def show_errors(self) -> dict[str, str]:
        """Check every field and show what is wrong under it; field id -> problem."""
        errors = self.app.assistant.validate(self.fields, self.values())
        messages = {"required": self.tr("Required"), "file not found": self.tr("File not found"),
                    "too long": self.tr("Too long")}
        for field_id, (editor, label) in self.editors.items():
            problem = errors.get(field_id)
            label.setText("⚠ " + messages.get(problem, problem) if problem else "")
            label.setVisible(bool(problem))
            editor.setAccessibleDescription(label.text())
        return errors

    def _edited(self) -> None:
        """After a first try, messages follow the user's corrections as they type."""
        if self.tried:
            self.show_errors()

    def submit(self) -> None:
        self.tried = True
        values = self.values()
        errors = self.show_errors()
        if errors:
            editor = self.editors[next(iter(errors))][0]
            focus_later((editor.path if isinstance(editor, FileField) else editor))
            return
        assistant, walk = self.app.assistant, self.walk
        if walk is None:
            subject, details = values.pop("subject"), values.pop("details")
            fields = tuple(f for f in self.fields if f.id not in ("subject", "details"))
            job = lambda: assistant.desk.draft(subject, details, None, None,  # noqa: E731
                                               assistant.dialogue.transcript(), fields, values)
        else:
            job = lambda: assistant.draft_ticket(walk, values)  # noqa: E731
        self.app.workers.submit(job, self.chat.summary_page.show_draft)


class SummaryPage(QWidget):
    def __init__(self, chat):
        super().__init__(chat)
        self.chat, self.app = chat, chat.app
        self.draft = None
        self.text = QTextBrowser(self)
        self.context_label = QLabel(self, wordWrap=True)
        self.context_box = QVBoxLayout()
        self.checks: dict[str, QCheckBox] = {}
        self.send_button = QPushButton(self)
        self.send_button.clicked.connect(self.send)
        self.edit_button = QPushButton(self)
        self.edit_button.clicked.connect(lambda: chat.stack.setCurrentWidget(chat.form_page))
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.context_label)
        layout.addLayout(self.context_box)
        layout.addLayout(buttons)
        self.retranslate()

    def retranslate(self) -> None:
        self.send_button.setText(self.tr("&Send to the helpdesk"))
        self.edit_button.setText(self.tr("← &Edit"))
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
        if draft.transcript:
            parts.append(self.tr("**What you already tried:**") + "\n\n" +
                         "\n".join(f"- {line}" for line in draft.transcript))
        self.text.setMarkdown("\n\n".join(p for p in parts if p))
        while self.context_box.count():
            self.context_box.takeAt(0).widget().deleteLater()
        self.checks = {}
        for key, label, value in draft.context_labels():
            box = QCheckBox(f"{label}: {value}", self, checked=True)
            self.context_box.addWidget(box)
            self.checks[key] = box
        self.chat.stack.setCurrentWidget(self)
        focus_later(self.send_button)

    def send(self) -> None:
        removed = [key for key, box in self.checks.items() if not box.isChecked()]
        draft, assistant = self.draft.without(*removed), self.app.assistant
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
        self.message = QLabel(self, wordWrap=True)
        self.message.setTextInteractionFlags(self.message.textInteractionFlags())
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
