"""The app object and its other windows: tray menu and badge, one instance per user, the
no-tray fallback, My tickets, settings (login, statistics, language, start at login),
bookings."""
from __future__ import annotations

import uuid

from PySide6.QtCore import Qt


_KEEP: list = []


def _send_ticket(app, subject="Laptop will not start"):
    return app.assistant.send(app.assistant.draft_ticket(description="x", subject=subject))


def test_no_tray_falls_back_to_a_window_that_says_why(qtbot, start_app):
    app = start_app()
    assert app.tray is None and app.fallback.isVisible()
    assert "no system tray" in app.fallback.reason.text()
    qtbot.mouseClick(app.fallback.ask, Qt.LeftButton)
    assert app.windows["chat"].isVisible()


def test_tray_menu_lists_the_actions_and_badges_unread_tickets(qtbot, start_app):
    from desktop.ui.tray import TrayIcon

    app = start_app()
    tray = TrayIcon(app)
    texts = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["Ask IT…", "My tickets"]
    assert "Book a helpdesk appointment…" in texts and "⚠ E-mail outage" in texts
    assert texts[-2:] == ["Settings…", "Quit"]
    _send_ticket(app)
    key = app.assistant.desk.tickets()[0].key
    app.assistant.desk.service.outbox.record_status(key, "open", 0, 60)
    with qtbot.waitSignal(app.unreadChanged, timeout=10_000):
        app.tickets_changed()
    assert app.unread == 1 and "1 ticket update" in tray.toolTip()
    tray.rebuild()
    assert tray.menu.actions()[1].text() == "My tickets (1 new)"
    tray.hide()


def test_my_tickets_shows_status_marks_read_and_replies(qtbot, start_app, itsm):
    app = start_app()
    _send_ticket(app)
    key = app.assistant.desk.tickets()[0].key
    app.assistant.desk.service.outbox.record_status(key, "open", 0, 60)
    with qtbot.waitSignal(app.unreadChanged, timeout=10_000):
        app.tickets_changed()
    window = app.show_tickets()
    qtbot.waitUntil(lambda: app.unread == 0, timeout=10_000)
    assert window.table.item(0, 0).text() == "#1" and window.table.item(0, 2).text() == "in progress"
    window.reply.setPlainText("Still broken after a restart")
    with qtbot.waitSignal(window.replied, timeout=10_000):
        qtbot.mouseClick(window.send, Qt.LeftButton)
    assert itsm.calls[-1] == "reply" and window.status.text() == "Reply sent."


def test_settings_login_failure_is_shown_and_nothing_stored(qtbot, start_app, memory_keyring):
    app = start_app()
    window = app.show_settings()
    assert window.username.text() == "jdoe"
    window.password.setText("wrong")
    with qtbot.waitSignal(window.loggedIn, timeout=20_000) as result:
        qtbot.mouseClick(window.login_button, Qt.LeftButton)
    assert result.args == [False] and window.login_status.text().startswith("Sign-in failed")
    assert memory_keyring.secrets == {}


def test_statistics_switch_disabled_where_policy_forbids(qtbot, start_app):
    app = start_app(stats=False)
    window = app.show_settings()
    assert not window.stats.isEnabled() and not window.stats.isChecked()
    assert "turned statistics off" in window.stats_note.text()


def test_language_switch_to_french_retranslates_open_windows(qtbot, start_app):
    app = start_app()
    chat = app.show_chat()
    window = app.show_settings()
    window.language.setCurrentIndex(2)
    qtbot.waitUntil(lambda: chat.helpful_label.text() == "Est-ce que cela vous a aidé ?", timeout=10_000)
    assert chat.windowTitle().startswith("Demander") and app.assistant.settings.language == "fr"
    window.language.setCurrentIndex(1)
    qtbot.waitUntil(lambda: chat.helpful_label.text() == "Was this helpful?", timeout=10_000)


def test_start_at_login_checkbox_writes_the_autostart_entry(qtbot, start_app):
    from desktop.ui.settings import autostart_file

    app = start_app()
    window = app.show_settings()
    window.autostart.setChecked(True)
    assert autostart_file().exists()
    window.autostart.setChecked(False)
    assert not autostart_file().exists()


def test_booking_pick_confirm_calendar_cancel(qtbot, start_app, board_client, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()))
    app = start_app()
    window = app.show_booking("printer")
    qtbot.waitUntil(lambda: window.list.count() == 1, timeout=10_000)
    window.contact.setText("ext. 4242")
    with qtbot.waitSignal(window.booked, timeout=10_000):
        qtbot.mouseClick(window.book, Qt.LeftButton)
    assert board_client.booked == [(7, "ext. 4242")]
    qtbot.mouseClick(window.calendar, Qt.LeftButton)
    assert opened and "BEGIN:VEVENT" in open(opened[0], encoding="utf-8").read()
    qtbot.mouseClick(window.cancel, Qt.LeftButton)
    qtbot.waitUntil(lambda: board_client.cancelled == [11], timeout=10_000)


def test_second_launch_focuses_the_first(qtbot):
    from desktop.ui.instance import SingleInstance

    name = f"helpdesk-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(name)
    assert first.notify_running() is False
    second = SingleInstance(name)
    with qtbot.waitSignal(first.activated, timeout=10_000):
        assert second.notify_running() is True
    qtbot.wait(50)
    first.close()
    _KEEP.extend([first, second])          # deleted with the QApplication, not mid-event


def test_badge_icon_is_drawn_at_every_size(qtbot):
    from desktop.ui.resources import SIZES, app_icon, badged_icon

    assert not app_icon().isNull()
    icon = badged_icon(3)
    assert {s.width() for s in icon.availableSizes()} >= set(SIZES)


def test_french_from_the_ts_source_when_no_compiled_qm(qapp):
    from desktop.ui.resources import TRANSLATIONS, TsTranslator

    translator = TsTranslator(TRANSLATIONS / "helpdesk_fr.ts")
    assert translator.translate("ChatWindow", "Was this helpful?") == "Est-ce que cela vous a aidé ?"
    assert translator.translate("ChatWindow", "not a string of ours") is None


def test_ticket_status_change_becomes_a_notification_and_a_badge(qtbot, start_app, itsm, monkeypatch):
    from desktop.ui.tray import TrayIcon

    app = start_app()
    tray = TrayIcon(app)
    shown = []
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *rest: shown.append((title, text)))
    _send_ticket(app, "Noisy laptop")
    itsm.tickets["1"]["status"] = "resolved"
    app.assistant.desk.service.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")
    with qtbot.waitSignal(app.ticketStatusChanged, timeout=10_000):
        app.poll()
    qtbot.waitUntil(lambda: app.unread == 1, timeout=10_000)
    assert shown == [("Ticket updated", "Noisy laptop: resolved")]
    tray.hide()


def test_every_control_has_a_name_for_screen_readers(qtbot, start_app):
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

    app = start_app()
    chat = app.show_chat()
    chat.form_page.open_form(None)
    windows = [chat, app.show_tickets(), app.show_settings(), app.show_booking()]
    for window in windows:
        for widget in window.findChildren(QWidget):
            if not isinstance(widget, (QAbstractButton, QComboBox, QLineEdit, QPlainTextEdit, QTextEdit)):
                continue
            if isinstance(widget, QLineEdit) and isinstance(widget.parent(), QComboBox):
                continue
            name = widget.accessibleName() or (widget.text() if isinstance(widget, QAbstractButton) else "")
            assert name or not widget.isVisibleTo(window), f"{type(window).__name__}: unnamed {type(widget).__name__}"


def test_a_broken_snapshot_is_said_in_the_chat(qtbot, make_assistant):
    from desktop.engine import SnapshotError
    from desktop.ui.app import HelpdeskApp

    def broken():
        raise SnapshotError("kb.sqlite: not a Helpdesk Assistant snapshot")
    app = HelpdeskApp(factory=broken, use_tray=False, poll_ms=3_600_000)
    with qtbot.waitSignal(app.failed, timeout=10_000):
        app.start()
    chat = app.show_chat()
    assert "cannot be opened: kb.sqlite: not a Helpdesk Assistant snapshot" in chat.answer.toPlainText()
    assert "cannot be opened" in app.fallback.status.text()
    app.fallback.close()
    chat.close()


def test_statistics_switched_back_on_counts_again(make_assistant, home):
    from desktop.sync.stats import UsageStats

    assistant = make_assistant()
    assistant.stats = UsageStats(home / "state.sqlite", enabled=False)
    assistant.set_stats(True)
    assert assistant.stats.enabled
    assistant.ask("I forgot my password")            # counted without error


def test_sync_installing_a_snapshot_reloads_the_knowledge_base(qtbot, start_app, snapshot_path):
    from desktop.ui.sync_runner import SyncRunner
    from tests.ui.conftest import make_policy

    class OneUpdate:
        def __init__(self, policy, on_update):
            self.on_update = on_update

        def run(self, stop):
            self.on_update(type("Result", (), {"message": "version 2 installed"})())
            stop.wait(5)

    app = start_app()
    old_kb = app.assistant.kb
    app.assistant.ask("I forgot my password")
    runner = SyncRunner(make_policy(sync_url="http://127.0.0.1:9"), scheduler_factory=OneUpdate)
    runner.updated.connect(app.reload_knowledge_base)        # the bundled sample snapshot here
    with qtbot.waitSignal(app.knowledgeBaseUpdated, timeout=20_000) as updated:
        assert runner.start() is True
    runner.stop()
    assert app.assistant.kb is not old_kb and updated.args[0] == str(old_kb.info.version)
    assert app.assistant.dialogue.turns == []


def test_no_sync_server_no_sync_thread(qtbot, start_app):
    from desktop.ui.sync_runner import SyncRunner
    from tests.ui.conftest import make_policy

    assert SyncRunner(make_policy()).start() is False
    assert start_app().sync is None


def test_why_tickets_are_not_sent_is_shown_in_my_tickets(qtbot, start_app):
    from desktop.itsm import Credential

    app = start_app(itsm_down=True)
    service = app.assistant.desk.service
    service.store.save(service.config.url, Credential("jdoe", "s3cret"))      # signed in, ITSM down
    _send_ticket(app)
    service.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0, next_attempt_at = 0")
    window = app.show_tickets()
    with qtbot.waitSignal(app.polled, timeout=20_000):
        app.poll()
    qtbot.waitUntil(lambda: bool(app.itsm_problem), timeout=10_000)
    assert window.status.text().startswith("The helpdesk cannot be reached right now")
    assert window.table.item(0, 2).text() == "queued — will be sent"


def test_sync_sends_statistics_only_while_the_user_agrees(monkeypatch):
    import desktop.sync
    from desktop.ui import sync_runner
    from tests.ui.conftest import make_policy

    sent_with = []
    monkeypatch.setattr(desktop.sync, "run_cycle", lambda policy: sent_with.append(policy.privacy.stats))
    wanted = [True]
    scheduler = sync_runner._scheduler(make_policy(sync_url="http://127.0.0.1:9"), None, lambda: wanted[0])
    scheduler.job()
    wanted[0] = False
    scheduler.job()
    assert sent_with == [True, False]



def test_a_new_outage_banner_pops_up_once(qtbot, start_app, monkeypatch):
    from desktop.ui.tray import TrayIcon

    app = start_app()
    tray = TrayIcon(app)
    shown = []
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *rest: shown.append(title))
    new = [*app.announcements, {"id": 9, "title": "VPN outage", "body": "We are on it."}]
    app.announcementsChanged.emit(new)
    app.announcementsChanged.emit(new)
    assert shown == ["VPN outage"]
    tray.hide()
