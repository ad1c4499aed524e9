"""Settings: the helpdesk account (sign in; the password is kept in the OS keyring by
desktop.itsm, never in a file; after a restart it says who is signed in), statistics
on/off where the policy allows it, language (system, English, French), start at login."""
from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QVBoxLayout, QWidget)

from desktop.ui.helpdesk_words import translated
from desktop.ui.resources import set_language
from desktop.ui.settings import starts_at_login


class SettingsWindow(QWidget):
    loggedIn = Signal(bool)

    def __init__(self, app):
        super().__init__()
        self.app = app
        self.setWindowIcon(app.icon)
        self.itsm_box = QGroupBox(self)
        self.username = QLineEdit(self.itsm_box)
        self.password = QLineEdit(self.itsm_box, echoMode=QLineEdit.Password)
        self.login_button = QPushButton(self.itsm_box)
        self.login_button.clicked.connect(self.login)
        self.password.returnPressed.connect(self.login)
        self.username.returnPressed.connect(self.password.setFocus)
        self.login_status = QLabel(self.itsm_box, wordWrap=True, textFormat=Qt.PlainText)
        self.login_status.setMinimumWidth(1)        # wraps to the box's width, never widens it
        self.user_label, self.password_label = QLabel(self.itsm_box), QLabel(self.itsm_box)
        self.user_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(self.user_label, self.username)
        form.addRow(self.password_label, self.password)
        form.addRow("", self.login_button)
        box_layout = QVBoxLayout(self.itsm_box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.login_status)
        self.stats = QCheckBox(self)
        self.stats_note = QLabel(self, wordWrap=True)
        self.language = QComboBox(self)
        self.language_label = QLabel(self)
        self.language_label.setBuddy(self.language)
        self.autostart = QCheckBox(self)
        self.close_button = QPushButton(self)
        self.close_button.clicked.connect(self.close)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language_label)
        language_row.addWidget(self.language, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.itsm_box)
        layout.addWidget(self.stats)
        layout.addWidget(self.stats_note)
        layout.addLayout(language_row)
        layout.addWidget(self.autostart)
        layout.addStretch(1)
        layout.addWidget(self.close_button)
        self.retranslate()
        self.load()
        self.stats.toggled.connect(self._stats)
        self.autostart.toggled.connect(self._autostart)
        self.language.currentIndexChanged.connect(self._language)
        app.ready.connect(self.load)

    def retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings — Helpdesk Assistant"))
        self.itsm_box.setTitle(self.tr("Helpdesk account"))
        self.user_label.setText(self.tr("&User name:"))
        self.password_label.setText(self.tr("&Password or token:"))
        self.login_button.setText(self.tr("&Sign in"))
        self.username.setAccessibleName(self.tr("User name"))
        self.password.setAccessibleName(self.tr("Password or token"))
        self.language.setAccessibleName(self.tr("Language"))
        self.stats.setText(self.tr("Share anonymous usage &statistics"))
        self.language_label.setText(self.tr("&Language:"))
        self.autostart.setText(self.tr("Start at &login"))
        self.close_button.setText(self.tr("&Close"))
        current = self.language.currentIndex()
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItems([self.tr("System language"), "English", "Français"])
        self.language.setCurrentIndex(max(current, 0))
        self.language.blockSignals(False)

    def changeEvent(self, event) -> None:  # noqa: N802
        if event.type() == QEvent.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def load(self) -> None:
        assistant = self.app.assistant
        self.setEnabled(assistant is not None)
        if assistant is None:
            return
        for box in (self.stats, self.autostart, self.language):
            box.blockSignals(True)
        self.username.setText(assistant.desk.username())
        self.itsm_box.setEnabled(assistant.desk.configured)
        if not assistant.desk.configured:
            self.login_status.setText(self.tr("No helpdesk account is set up on this computer; ask IT."))
        else:
            desk = assistant.desk
            self.app.workers.submit(desk.signed_in_as, self.show_signed_in)
        allowed = assistant.stats_allowed
        self.stats.setEnabled(allowed)
        self.stats.setChecked(allowed and bool(assistant.settings.stats))
        self.stats_note.setText("" if allowed else self.tr("Your organisation has turned statistics off."))
        self.stats_note.setVisible(not allowed)
        self.autostart.setChecked(starts_at_login())
        self.language.setCurrentIndex(["", "en", "fr"].index(assistant.settings.language))
        for box in (self.stats, self.autostart, self.language):
            box.blockSignals(False)

    def show_signed_in(self, username: str) -> None:
        """Who is signed in (their password or token is stored), or that nobody is."""
        if username:
            self.login_status.setText(self.tr("Signed in as %s.") % username)
        else:
            self.login_status.setText(self.tr("Not signed in. Enter your helpdesk user name and "
                                              "password, then press Enter."))

    def login(self) -> None:
        username, secret = self.username.text().strip(), self.password.text()
        assistant = self.app.assistant
        if assistant is None or not self.login_button.isEnabled():
            return
        if not username or not secret:
            self.login_status.setText(self.tr("Enter your user name and your password or token."))
            return
        self.login_button.setEnabled(False)
        self.login_status.setText(self.tr("Checking…"))

        def done(warning: str) -> None:
            self.password.clear()
            self.login_button.setEnabled(True)
            signed_in = self.tr("Signed in as %s.") % username
            if warning:
                self.login_status.setText(signed_in + " " + self.tr(
                    "This computer has no secure keyring: the password is kept until you quit "
                    "the app, not saved."))
            else:
                self.login_status.setText(signed_in + " " + self.tr(
                    "The password is kept in the system keyring."))
            self.loggedIn.emit(True)
            self.app.poll()                  # My tickets no longer asks to sign in

        def failed(exc: Exception) -> None:
            self.login_button.setEnabled(True)
            self.login_status.setText(self.tr("Sign-in failed: %s")
                                      % translated(getattr(exc, "user_message", "")))
            self.loggedIn.emit(False)
        self.app.workers.submit(lambda: assistant.desk.login(username, secret), done, failed)

    def _stats(self, enabled: bool) -> None:
        self.app.assistant.set_stats(enabled)

    def _autostart(self, enabled: bool) -> None:
        self.app.assistant.settings.update(start_at_login=enabled)

    def _language(self, index: int) -> None:
        setting = ["", "en", "fr"][index]
        self.app.assistant.settings.update(language=setting)
        set_language(setting)
