"""The self-service unlock in the guided steps, end to end: the tray app (pytest-qt) asks the
real sync server for a code, the real SMTP server delivers it, the employee types it, and
the real directory (slapd with ppolicy) lets them sign in again."""
from __future__ import annotations

import mailbox
from pathlib import Path

from PySide6.QtCore import Qt

from tests.server.harness import LiveServer
from tests.server.test_actions import PASSWORD, can_bind, code_for, lock
from tests.server.test_actions import directory, server, smtpd  # noqa: F401 - the real services, as fixtures

SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def test_a_locked_employee_unlocks_their_account_from_the_guided_steps(qtbot, start_app, server, directory,  # noqa: F811
                                                                        smtpd, monkeypatch):
    _, maildir = smtpd
    lock(directory, "jdoe")
    seen = set(mailbox.Maildir(str(maildir)).keys()) if maildir.exists() else set()
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", server.device_token)
    with LiveServer(server) as live:
        app = start_app(sync_url=live.url)
        chat = app.show_chat()
        chat.resize(560, 720)
        with qtbot.waitSignal(chat.answerShown, timeout=10_000):
            qtbot.keyClicks(chat.question, "my account is locked")
        with qtbot.waitSignal(chat.tree_page.stepShown, timeout=10_000):
            qtbot.keyClick(chat.question, Qt.Key_Return)
        page = chat.tree_page
        unlock = page.options.itemAt(0).widget()
        assert "code" in unlock.text().lower()
        with qtbot.waitSignal(page.stepShown, timeout=10_000) as shown:
            qtbot.mouseClick(unlock, Qt.LeftButton)
        assert shown.args[0] == "action" and page.action_panel.isVisible()
        panel = page.action_panel
        assert panel.login.text() == "jdoe"
        qtbot.mouseClick(panel.send, Qt.LeftButton)
        qtbot.waitUntil(lambda: "A code was sent to j***@corp.contoso.example" in panel.status.text(), timeout=60_000)
        code = code_for(maildir, "jeanne.doe@corp.contoso.example", seen)
        qtbot.keyClicks(panel.code, "999999" if code != "999999" else "888888")
        qtbot.mouseClick(panel.confirm, Qt.LeftButton)
        qtbot.waitUntil(lambda: "2 tries left" in panel.status.text(), timeout=20_000)
        panel.code.clear()
        qtbot.keyClicks(panel.code, code)
        SHOTS.mkdir(parents=True, exist_ok=True)
        qtbot.mouseClick(panel.confirm, Qt.LeftButton)
        qtbot.waitUntil(lambda: "unlocked" in panel.status.text(), timeout=20_000)
        chat.grab().save(str(SHOTS / "self-service-unlock.png"))
        assert page.solved.isVisible()
    assert can_bind(directory, "jdoe", PASSWORD)
