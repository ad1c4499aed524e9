"""My tickets: number, subject, status and last update; new updates in bold; reply from
the app. Opening the window marks updates as read (the tray badge goes away)."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)


class TicketsWindow(QWidget):
    replied = Signal(str)

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.rows: list = []
        self.setWindowIcon(app.icon)
        self.resize(640, 420)
        self.table = QTableWidget(0, 4, self)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        header = self.table.horizontalHeader()
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.empty = QLabel(self)
        self.reply = QPlainTextEdit(self)
        self.reply.setTabChangesFocus(True)
        self.reply.setMaximumHeight(90)
        self.send = QPushButton(self)
        self.send.clicked.connect(self.send_reply)
        self.refresh = QPushButton(self)
        self.refresh.clicked.connect(app.poll)
        self.status = QLabel(self, wordWrap=True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.send)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
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
        self.reply.setPlaceholderText(self.tr("Reply to the selected ticket…"))
        self.reply.setAccessibleName(self.tr("Reply"))
        self.send.setText(self.tr("Send &reply"))
        self.refresh.setText(self.tr("Re&fresh"))
        self.empty.setText(self.tr("No tickets yet. Ask IT from the tray; if the answer does not "
                                   "help, you can open a ticket from there."))

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
            self.show_rows(self.rows)
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.app.mark_read()

    def status_text(self, status: str) -> str:
        names = {"queued": self.tr("queued — will be sent"), "failed": self.tr("refused"),
                 "new": self.tr("new"), "open": self.tr("in progress"), "pending": self.tr("waiting"),
                 "resolved": self.tr("resolved"), "closed": self.tr("closed"),
                 "rejected": self.tr("rejected")}
        return names.get(status, status)

    def show_rows(self, rows: list) -> None:
        self.rows = list(rows)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            cells = [f"#{row.ticket_id}" if row.ticket_id else "—", row.subject,
                     self.status_text(row.status), row.updated]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                font = item.font()
                font.setBold(row.unread)
                item.setFont(font)
                self.table.setItem(r, c, item)
        self.empty.setVisible(not self.rows)
        if self.rows and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def show_problem(self, problem: str) -> None:
        """Why tickets are not being sent or refreshed right now (an outage, a login needed)."""
        self.status.setText(self.tr("The helpdesk cannot be reached right now: %s. Queued tickets "
                                    "will be sent later.") % problem if problem else "")

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

        def failed(exc):
            self.status.setText(getattr(exc, "user_message", str(exc)))
        self.app.workers.submit(lambda: assistant.desk.reply(key, text), done, failed)
