"""Outside text in tray notifications and status lines is plain text: an announcement or a
helpdesk reply carrying markup reaches the notification server without a tag, and the
windows' status lines never render a server's message as rich text."""
from __future__ import annotations

import tests.ui.conftest  # noqa: F401 - first: Qt offscreen, before PySide6 is imported
from PySide6.QtCore import Qt  # noqa: E402

from tests.ui.conftest import (board_client, home, itsm, kb, make_assistant, memory_keyring,  # noqa: E402,F401
                               snapshot_path, start_app)

BOMB = '<img src="file:///dev/zero"> <b>Outage</b>'


def test_notifications_carry_no_markup(qtbot, start_app, monkeypatch):
    from desktop.ui.tray import TrayIcon, notice_text

    app = start_app()
    tray = TrayIcon(app)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "showMessage", lambda title, body, *rest: shown.append((title, body)))
    tray.announce([{"id": 99, "title": BOMB, "body": BOMB * 50}])
    tray.notify(BOMB, "open")
    tray.notify_reply(BOMB, BOMB)
    assert len(shown) == 3
    for title, body in shown:
        assert "<" not in title + body and ">" not in title + body
        assert len(body) <= 300
    assert "img src" in shown[0][0]                       # the words stay readable
    assert notice_text("VPN down\n\n  since 9:00") == "VPN down since 9:00"


def test_status_lines_show_server_messages_as_plain_text(qtbot, start_app):
    app = start_app()
    windows = [app.show_tickets(), app.show_booking(), app.show_settings()]
    labels = [windows[0].status, windows[0].freshness, windows[0].sign_in_text, windows[1].status,
              windows[2].login_status]
    if app.fallback is not None:
        labels.append(app.fallback.status)
    for label in labels:
        assert label.textFormat() == Qt.PlainText, label.objectName() or label
