"""My tickets: number, subject, status and the ITSM's last update; new updates in bold;
the selected ticket's conversation with the helpdesk (their replies and yours, oldest
first, plain text); reply from the app. Opening or bringing the window forward marks
updates as read (the tray badge goes away). When the helpdesk cannot be reached the list
says since when it is the stored one; when nobody is signed in, it says so with a button
that opens Settings."""
from __future__ import annotations

from PySide6.QtCore import QDateTime, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from desktop.itsm.errors import SIGN_IN_WORDS
from desktop.ui.helpdesk_words import status_text, translated
from desktop.itsm.times import local_time


def shown_time(text: str) -> str:
    """A local "YYYY-MM-DD HH:MM" with the date as the UI language writes it ("02/12/2026
    07:09" in French, "12/2/26 07:09" in American English); "HH:MM" and other text unchanged."""
    moment = QDateTime.fromString(text, "yyyy-MM-dd HH:mm")
    if not moment.isValid():
        return text
    return f"{QLocale().toString(moment.date(), QLocale.ShortFormat)} {moment.toString('HH:mm')}"


class TicketsWindow(QWidget):
    replied = Signal(str)
    conversationShown = Signal(str)        # the ticket key whose conversation is on screen

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.rows: list = []
        self.problem = ""
        self._conversation_key = ""
        self.setWindowIcon(app.icon)
        self.resize(680, 560)
        self.sign_in_box = QFrame(self)
        self.sign_in_box.setFrameShape(QFrame.StyledPanel)
        self.sign_in_text = QLabel(self.sign_in_box, wordWrap=True, textFormat=Qt.PlainText)
        self.sign_in_button = QPushButton(self.sign_in_box)
        self.sign_in_button.clicked.connect(app.show_settings)
        sign_in_row = QHBoxLayout(self.sign_in_box)
        sign_in_row.addWidget(self.sign_in_text, 1)
        sign_in_row.addWidget(self.sign_in_button)
        self.sign_in_box.hide()
        self.freshness = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.freshness.hide()
        self.table = QTableWidget(0, 4, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.itemSelectionChanged.connect(self.load_conversation)
        self.empty = QLabel(self, wordWrap=True)
        self.conversation_label = QLabel(self)
        self.conversation = QPlainTextEdit(self, readOnly=True)
        self.conversation.setTabChangesFocus(True)
        self.conversation_label.setBuddy(self.conversation)
        self.reply = QPlainTextEdit(self)
        self.reply.setTabChangesFocus(True)
        self.reply.setMaximumHeight(90)
        self.send = QPushButton(self)
        self.send.clicked.connect(self.send_reply)
        self.refresh = QPushButton(self)
        self.refresh.clicked.connect(app.poll)
        self.chat_button = QPushButton(self, visible=False)       # live chat with an agent about this ticket
        self.chat_button.clicked.connect(self.chat_about_ticket)
        self.status = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh)
        buttons.addWidget(self.chat_button)
        buttons.addStretch(1)
        buttons.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.sign_in_box)
        layout.addWidget(self.freshness)
        layout.addWidget(self.table, 2)
        layout.addWidget(self.empty)
        layout.addWidget(self.conversation_label)
        layout.addWidget(self.conversation, 3)
        layout.addWidget(self.reply)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        app.ticketsChanged.connect(self.show_rows)
        app.itsmProblem.connect(self.show_problem)
        self.retranslate()
        self.show_problem(app.itsm_problem)
        self.show_rows(app.tickets)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("My tickets — Helpdesk Assistant"))
        self.table.setHorizontalHeaderLabels([self.tr("Number"), self.tr("Subject"), self.tr("Status"),
                                              self.tr("Last update")])
        self.table.setAccessibleName(self.tr("Your tickets"))
        self.conversation_label.setText(self.tr("&Conversation with the helpdesk:"))
        self.conversation.setAccessibleName(self.tr("Conversation with the helpdesk"))
        self.conversation.setPlaceholderText(self.tr("Select a ticket to see its conversation."))
        self.reply.setPlaceholderText(self.tr("Reply to the selected ticket…"))
        self.reply.setAccessibleName(self.tr("Reply"))
        self.send.setText(self.tr("Send &reply"))
        self.refresh.setText(self.tr("Re&fresh"))
        self.chat_button.setText(self.tr("&Chat with the helpdesk about it"))
        self.sign_in_button.setText(self.tr("&Sign in…"))
        self.sign_in_button.setAccessibleName(self.tr("Sign in to the helpdesk"))
        self.empty.setText(self.tr("No tickets yet. Ask IT from the tray; if the answer does not "
                                   "help, you can open a ticket from there."))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
            self.show_problem(self.problem)
            self.show_rows(self.rows)
        elif event.type() == QEvent.ActivationChange and self.isActiveWindow():
            self.app.mark_read()
        super().changeEvent(event)

    def show(self) -> None:
        """Opened from the tray (also when it was already open behind other windows): the
        user is looking at the updates, so the badge goes."""
        was_visible = self.isVisible()
        super().show()
        if was_visible:
            self.app.mark_read()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.app.mark_read()
        self.load_conversation()

    def show_rows(self, rows: list) -> None:
        selected = self.selected_key()
        self.rows = list(rows)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [f"#{row.ticket_id}" if row.ticket_id else "—", row.subject,
                     status_text(row.status) + self._approval(row.approval), shown_time(row.updated)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                font = item.font()
                font.setBold(row.unread)
                item.setFont(font)
                self.table.setItem(r, c, item)
        keys = [row.key for row in self.rows]
        if selected in keys:
            self.table.selectRow(keys.index(selected))
        elif self.rows:
            self.table.selectRow(0)
        self.table.blockSignals(False)
        self.empty.setVisible(not self.rows)
        as_of = next((row.as_of for row in self.rows if row.as_of), "")
        self.freshness.setText(self.tr("Tickets as of %s (helpdesk unreachable)") % shown_time(as_of) if as_of else "")
        self.freshness.setVisible(bool(as_of))
        if self.isVisible():
            self.load_conversation()
            if any(row.unread for row in self.rows) and self.isActiveWindow():
                self.app.mark_read()

    def _approval(self, approval: str) -> str:
        """A request's approval still to come, after its status."""
        if not approval:
            return ""
        if approval == "manager":
            return " — " + self.tr("waiting for your manager's approval")
        return " — " + self.tr("waiting for approval by %s") % approval.removeprefix("group:")

    def selected_row(self):
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _offer_chat(self) -> None:
        row, live = self.selected_row(), getattr(self.app, "live", None)
        self.chat_button.setVisible(bool(row is not None and row.ticket_id and live is not None and live.available))

    def chat_about_ticket(self) -> None:
        """A live chat with an agent about the selected ticket: its transcript joins that ticket."""
        row = self.selected_row()
        if row is not None and row.ticket_id:
            self.app.show_chat().live_page.open(row.subject, ticket=str(row.ticket_id))

    def selected_key(self) -> str:
        row = self.table.currentRow()
        return self.rows[row].key if 0 <= row < len(self.rows) else ""

    def show_problem(self, problem: str) -> None:
        """Why tickets are not being sent or refreshed right now, in plain words: sign in
        (with a button to Settings), or the helpdesk cannot be reached."""
        self.problem = problem
        needs_sign_in = problem == SIGN_IN_WORDS
        self.sign_in_text.setText(self.tr("Sign in to the helpdesk (Settings → Helpdesk account) to "
                                          "send your tickets and follow the helpdesk's answers."))
        self.sign_in_box.setVisible(needs_sign_in)
        if needs_sign_in or not problem:
            self.status.setText("")
        else:
            self.status.setText(translated(problem) + " "
                                + self.tr("Queued tickets will be sent as soon as it answers."))

    # -- conversation ---------------------------------------------------------------
    def load_conversation(self) -> None:
        """Fetch the selected ticket's conversation off the GUI thread, then show it."""
        key, assistant = self.selected_key(), self.app.assistant
        row = next((r for r in self.rows if r.key == key), None)
        self._offer_chat()
        if assistant is None or row is None:
            self.conversation.setPlainText("")
            return
        if not row.ticket_id:
            self._conversation_key = key
            self.conversation.setPlainText(self.tr("This ticket has not reached the helpdesk yet."))
            self.conversationShown.emit(key)
            return

        def done(messages) -> None:
            if key == self.selected_key():
                self.show_conversation(key, messages)

        def failed(exc) -> None:
            if key == self.selected_key() and self._conversation_key != key:
                self.conversation.setPlainText(translated(getattr(exc, "user_message", "")))
        self.app.workers.submit(lambda: assistant.desk.conversation(key), done, failed)

    def show_conversation(self, key: str, messages: list) -> None:
        """Each message as plain text under who wrote it and when, oldest first."""
        blocks = []
        for message in messages:
            who = (self.tr("Helpdesk — %s") % message.author if message.author else self.tr("Helpdesk")) \
                if message.from_helpdesk else self.tr("You")
            blocks.append(f"{who} · {shown_time(local_time(message.when))}\n{message.text}")
        text = "\n\n".join(blocks) if blocks else self.tr("No messages yet.")
        if text != self.conversation.toPlainText():
            self.conversation.setPlainText(text)
            self.conversation.verticalScrollBar().setValue(self.conversation.verticalScrollBar().maximum())
        self._conversation_key = key
        self.conversationShown.emit(key)

    def send_reply(self) -> None:
        row_index = self.table.currentRow()
        text = self.reply.toPlainText()
        if row_index < 0 or self.app.assistant is None:
            return
        key, assistant = self.rows[row_index].key, self.app.assistant

        def done(_):
            self.reply.clear()
            self.status.setText(self.tr("Reply sent."))
            self.replied.emit(key)
            self.load_conversation()

        def failed(exc):
            self.status.setText(translated(getattr(exc, "user_message", "")))
        self.app.workers.submit(lambda: assistant.desk.reply(key, text), done, failed)
