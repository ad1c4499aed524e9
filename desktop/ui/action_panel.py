"""A self-service action inside guided steps: "Unlock my account", "Choose a new password".

The employee asks for a code, which the helpdesk server mails to the address the directory
holds for the account, types it (and the new password twice), and the server does the
rest. Every call runs off the GUI thread; what the server says ("2 tries left", "try again
after 14:05") is shown as it is, in plain text. The password fields are cleared as soon as
they are sent and never leave this window otherwise.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from desktop.ui.workers import focus_later


class ActionPanel(QWidget):
    finished = Signal(bool)              # True once the action is done

    def __init__(self, app, parent=None) -> None:
        super().__init__(parent)
        self.app = app
        self.action = ""
        self.challenge = ""
        self.status = QLabel(self, wordWrap=True, textFormat=Qt.PlainText)
        self.login = QLineEdit(self)
        self.code = QLineEdit(self, maxLength=12)
        self.password = QLineEdit(self, echoMode=QLineEdit.Password)
        self.again = QLineEdit(self, echoMode=QLineEdit.Password)
        self.send = QPushButton(self)
        self.confirm = QPushButton(self)
        self.send.clicked.connect(self.ask_code)
        self.confirm.clicked.connect(self.submit)
        self.code.returnPressed.connect(self.submit)
        self.form = QFormLayout()
        self.form.addRow(self.tr("Account"), self.login)
        self.form.addRow(self.tr("Code from the e-mail"), self.code)
        self.form.addRow(self.tr("New password"), self.password)
        self.form.addRow(self.tr("The same again"), self.again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.form)
        layout.addWidget(self.send)
        layout.addWidget(self.confirm)
        layout.addWidget(self.status)
        self.send.setText(self.tr("&Send me a code"))
        self.confirm.setText(self.tr("&Confirm"))

    def _row(self, field: QWidget, visible: bool) -> None:
        self.form.setRowVisible(field, visible)

    def open(self, action: str, login: str, group: str = "") -> None:
        self.action, self.challenge, self.group = action, "", group
        self.login.setText(login)
        self.login.setEnabled(True)
        for field in (self.code, self.password, self.again):
            field.clear()
        self._row(self.code, False)
        self._row(self.password, False)
        self._row(self.again, False)
        self.confirm.setVisible(False)
        self.send.setVisible(True)
        self.send.setEnabled(True)
        self.status.setText(self.tr("A code will be sent to the e-mail address the directory holds for this account."))
        self.setVisible(True)
        focus_later(self.send)

    def _service(self, call):
        from desktop.sync.actions import SelfService  # noqa: PLC0415
        from desktop.sync.credentials import call_as_install  # noqa: PLC0415

        policy = self.app.assistant.policy
        return lambda: call_as_install(policy, lambda client: call(SelfService(client)))

    def _failed(self, exc: Exception) -> None:
        self.send.setEnabled(True)
        self.confirm.setEnabled(True)
        message = getattr(exc, "message", "") or self.tr("The helpdesk server cannot be reached right now: try again "
                                                         "later, or open a ticket.")
        self.status.setText(message)

    def ask_code(self) -> None:
        login, action = self.login.text().strip(), self.action
        if not login:
            self.status.setText(self.tr("Type the account's login."))
            return
        self.send.setEnabled(False)
        self.status.setText(self.tr("Sending the code…"))
        group = getattr(self, "group", "")
        self.app.workers.submit(self._service(lambda s: s.start(action, login, group)), self._code_sent, self._failed)

    def _code_sent(self, started: dict) -> None:
        self.challenge = str(started.get("challenge") or "")
        where = str(started.get("sent_to") or "") or self.tr("the account's e-mail address, if it exists")
        self.status.setText(self.tr("A code was sent to %s. It is valid for %d minutes.")
                            % (where, int(started.get("expires_in", 600)) // 60))
        self.login.setEnabled(False)
        self.send.setVisible(False)
        self._row(self.code, True)
        self._row(self.password, self.action == "reset_password")
        self._row(self.again, self.action == "reset_password")
        self.confirm.setVisible(True)
        self.confirm.setEnabled(True)
        focus_later(self.code)

    def submit(self) -> None:
        code, password = self.code.text().strip(), self.password.text()
        if not code:
            self.status.setText(self.tr("Type the code from the e-mail."))
            return
        if self.action == "reset_password" and password != self.again.text():
            self.status.setText(self.tr("The two passwords differ."))
            return
        self.password.clear()
        self.again.clear()
        self.confirm.setEnabled(False)
        challenge = self.challenge
        self.app.workers.submit(self._service(lambda s: s.answer(challenge, code, password)), self._done,
                                self._failed)

    def _done(self, done: dict) -> None:
        self.status.setText(str(done.get("message") or self.tr("Done.")))
        self.confirm.setVisible(False)
        self._row(self.code, False)
        self._row(self.password, False)
        self._row(self.again, False)
        self.finished.emit(True)
