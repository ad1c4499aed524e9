"""Signing in to the helpdesk as an employee does it: My tickets says "Sign in to the
helpdesk (Settings → Helpdesk account)" with a button (never a command to type); Enter in
the password field signs in; a refused password is said in plain words that wrap; after a
restart Settings says who is signed in, and no file holds the password."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.ui.rt_helpdesk import close_app, rt_url, start_rt_app  # noqa: F401 - fixtures

SIGN_IN = "Sign in to the helpdesk (Settings → Helpdesk account)"


def _visible_text(window) -> str:
    from PySide6.QtWidgets import QAbstractButton, QLabel

    parts = [w.text() for w in window.findChildren(QLabel) + window.findChildren(QAbstractButton)
             if w.isVisibleTo(window)]
    return "\n".join(parts)


def test_my_tickets_asks_to_sign_in_with_a_button_to_settings(qtbot, start_app):
    app = start_app(itsm_down=True)                     # nobody signed in on this computer
    window = app.show_tickets()
    with qtbot.waitSignal(app.polled, timeout=20_000):
        app.poll()
    qtbot.waitUntil(window.sign_in_box.isVisible, timeout=10_000)
    shown = _visible_text(window)
    assert SIGN_IN in window.sign_in_text.text()
    for wrong in ("python -m desktop", "login`", "run `", "http://", "127.0.0.1", "not logged in"):
        assert wrong not in shown
    qtbot.mouseClick(window.sign_in_button, Qt.LeftButton)
    settings = app.windows["settings"]
    assert settings.isVisible() and settings.itsm_box.title() == "Helpdesk account"


def test_a_refused_password_is_said_in_plain_words_that_wrap(qtbot, start_rt_app):
    app = start_rt_app()
    window = app.show_settings()
    window.resize(360, window.height())
    window.password.setText("not-the-password")
    with qtbot.waitSignal(window.loggedIn, timeout=30_000) as result:
        qtbot.keyClick(window.password, Qt.Key_Return)      # Enter signs in
    message = window.login_status.text()
    assert result.args == [False]
    assert message == "Sign-in failed: The helpdesk did not accept this user name or password."
    for wrong in ("401", "Unauthorized", "http", "ITSM"):
        assert wrong not in message
    label = window.login_status
    qtbot.waitUntil(lambda: label.height() >= label.heightForWidth(label.width()), timeout=5_000)
    assert label.wordWrap() and label.geometry().right() <= window.itsm_box.contentsRect().right()
    assert label.height() > label.fontMetrics().height()   # on more than one line at this width


def test_after_a_restart_settings_says_who_is_signed_in_and_no_file_holds_the_password(
        qtbot, start_rt_app, home, memory_keyring):
    app = start_rt_app()
    tickets = app.show_tickets()
    qtbot.waitUntil(tickets.sign_in_box.isVisible, timeout=10_000)
    settings = app.show_settings()
    settings.password.setText("password")
    with qtbot.waitSignal(settings.loggedIn, timeout=30_000) as result:
        qtbot.keyClick(settings.password, Qt.Key_Return)
    assert result.args == [True]
    assert settings.login_status.text().startswith("Signed in as root.")
    qtbot.waitUntil(lambda: not tickets.sign_in_box.isVisible(), timeout=30_000)   # My tickets follows
    close_app(app)

    restarted = start_rt_app()
    settings = restarted.show_settings()
    qtbot.waitUntil(lambda: settings.login_status.text() == "Signed in as root.", timeout=10_000)
    assert settings.username.text() == "root" and settings.password.text() == ""
    for path in Path(home).rglob("*"):
        if path.is_file():
            assert b"password" not in path.read_bytes().replace(b"Password", b""), path
    assert list(memory_keyring.secrets.values()) == ["password"]     # in the keyring only


def test_every_employee_message_and_status_word_is_offered_for_translation():
    import desktop.itsm.errors as errors
    from desktop.itsm.model import STATUS_WORDS
    from desktop.ui.helpdesk_words import WORDS

    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.ItsmError)]
    said = {c.employee_words for c in classes} | set(STATUS_WORDS.values())
    assert said <= set(WORDS)
    for text in {c.employee_words for c in classes}:
        assert "http" not in text and "`" not in text and not any(ch.isdigit() for ch in text)
