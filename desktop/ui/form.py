"""Ticket forms in the chat: fields validated inline, then the summary of what will be
sent (`desktop.ui.ticket_summary`).

Field types come from the tree (`text`, `long_text`, `choice`, `date`, `file`,
`screenshot`); a ticket opened outside a tree asks for a subject, details and an
optional screenshot.
"""
from __future__ import annotations

import time

from PySide6.QtCore import QDate, QEvent, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QComboBox, QDateEdit, QFileDialog, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea,
                               QSizePolicy, QVBoxLayout, QWidget)

from desktop import paths
from desktop.engine.walker import FormField
from desktop.ui.workers import focus_later

NO_DATE = QDate(2000, 1, 1)


def wrapping_label(parent: QWidget, text: str = "") -> QLabel:
    """A plain-text label that wraps at the form's width instead of widening it."""
    label = QLabel(text, parent, wordWrap=True, textFormat=Qt.PlainText)
    label.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Preferred)
    return label


class FileField(QWidget):
    """A path with "Choose…" and, for screenshots, "Take a screenshot"."""

    def __init__(self, parent, label: str, screenshot: bool):
        super().__init__(parent)
        self.path = QLineEdit(self)
        self.path.setAccessibleName(label)
        self.choose = QPushButton(self.tr("Choose…"), self)
        self.choose.clicked.connect(self._choose)
        column = QVBoxLayout(self)                 # buttons under the path: fits a narrow window
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.path)
        row = QHBoxLayout()
        row.addWidget(self.choose)
        if screenshot:
            self.shoot = QPushButton(self.tr("Take a screenshot"), self)
            self.shoot.clicked.connect(self.take_screenshot)
            row.addWidget(self.shoot)
        row.addStretch(1)
        column.addLayout(row)

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
        self.intro = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)     # the KB's step text
        self.area = QScrollArea(self, widgetResizable=True)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)     # the form fits the width
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
        form = QVBoxLayout(body)                 # each label above its field, across the whole width
        self.editors = {}
        for f in self.fields:
            editor = self._editor(body, f)
            error = wrapping_label(body)
            error.setVisible(False)
            error.setStyleSheet("color: #d1242f")
            cell = QWidget(body)
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(editor)
            column.addWidget(error)
            label = wrapping_label(body, f.label + (" *" if f.required else ""))
            label.setBuddy(editor)
            form.addWidget(label)
            form.addWidget(cell)
            form.addSpacing(6)
            self.editors[f.id] = (editor, error)
        form.addStretch(1)
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
            editor.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            editor.setMinimumContentsLength(12)           # long choices never widen the form
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
            job = lambda: assistant.draft_ticket(None, values, description=details,  # noqa: E731
                                                 subject=subject, fields=fields)
        else:
            job = lambda: assistant.draft_ticket(walk, values)  # noqa: E731
        self.app.workers.submit(job, self.chat.summary_page.show_draft)
