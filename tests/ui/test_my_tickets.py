"""My tickets as an employee uses it: the helpdesk's replies (from the real RT) shown as
a conversation with a tray notification; the same status words and the ITSM's last update
as the `tickets` command; "as of HH:MM (helpdesk unreachable)" when cached; a change seen
first by the command line still notified; the "1 new" badge gone once the window is open."""
from __future__ import annotations

import argparse
import time
from datetime import datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt

from desktop.itsm import Credential, RemoteTicket
from desktop.itsm.outbox import Outbox
from desktop.itsm.service import TicketService
from desktop.itsm.times import as_of_text, local_time
from tests.itsm.fake_backend import MemoryItsm
from tests.itsm.test_rt_conversation import agent_session
from tests.ui.rt_helpdesk import rt_url, start_rt_app  # noqa: F401 - fixtures


def _send(app, subject: str, description: str = "It stopped working this morning."):
    return app.assistant.send(app.assistant.draft_ticket(description=description, subject=subject))


def _tray(app, monkeypatch):
    from desktop.ui.tray import TrayIcon

    tray = TrayIcon(app)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *rest: shown.append((title, text)))
    return tray, shown


def _make_polls_due(app) -> None:
    app.assistant.desk.service.outbox.conn.execute("UPDATE itsm_outbox SET next_poll_at = 0")


class DatedItsm(MemoryItsm):
    """The in-memory ITSM, also giving each ticket's last-update time, as real ones do."""

    def __init__(self):
        super().__init__()
        self.updated = (datetime.now(timezone.utc) - timedelta(hours=2, minutes=17)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def get_ticket(self, ticket_id: str) -> RemoteTicket:
        ticket = super().get_ticket(ticket_id)
        return RemoteTicket(ticket.id, ticket.subject, ticket.status, updated=self.updated)


@pytest.fixture
def itsm() -> DatedItsm:
    return DatedItsm()


def _tickets_command(app, itsm, capsys) -> str:
    """Run the real `tickets` command on the same data folder, as another process would."""
    import desktop.commands.tickets as tickets_command

    desk = app.assistant.desk
    service = TicketService(desk.service.policy, Outbox.open(desk.service.outbox.path),
                            desk.service.store, desk.service.home)
    service.backend = lambda: itsm
    original = tickets_command.open_ticket_service
    tickets_command.open_ticket_service = lambda: service
    try:
        capsys.readouterr()
        assert tickets_command.run(argparse.Namespace(json=False, offline=False)) == 0
        return capsys.readouterr().out
    finally:
        tickets_command.open_ticket_service = original
        service.outbox.close()


def test_helpdesk_reply_in_rt_shows_as_a_conversation_with_a_notification(qtbot, start_rt_app, rt_url,
                                                                          monkeypatch):
    app = start_rt_app()
    app.assistant.desk.login("root", "password")
    tray, shown = _tray(app, monkeypatch)
    outcome = _send(app, "Teams crashes", "Teams closes when I share my screen.")
    assert outcome.status == "sent"
    agent = agent_session(rt_url)
    reply = agent.post(f"{rt_url}/REST/2.0/ticket/{outcome.ticket_id}/correspond", timeout=30,
                       json={"Content": "Hello,\nwhich version of Teams do you have?", "ContentType": "text/plain"})
    assert reply.status_code == 201, reply.text

    _make_polls_due(app)
    with qtbot.waitSignal(app.ticketReplied, timeout=30_000):
        app.poll()
    assert ("New reply from the helpdesk", "Teams crashes: Hello, which version of Teams do you have?") in shown

    window = app.show_tickets()
    qtbot.waitUntil(lambda: "which version" in window.conversation.toPlainText(), timeout=30_000)
    text = window.conversation.toPlainText()
    mine, theirs = text.index("You ·"), text.index("Helpdesk — Sam Agent ·")
    assert mine < theirs                                      # oldest first
    assert "Teams closes when I share my screen." in text[mine:theirs]
    assert text[theirs:].splitlines()[1:3] == ["Hello,", "which version of Teams do you have?"]
    assert "<" not in text and "**" not in text               # plain text
    qtbot.waitUntil(lambda: app.unread == 0, timeout=10_000)  # seen in the window: no badge

    window.reply.setPlainText("Version 24.1")
    with qtbot.waitSignal(window.replied, timeout=30_000):
        qtbot.mouseClick(window.send, Qt.LeftButton)
    qtbot.waitUntil(lambda: window.conversation.toPlainText().endswith("Version 24.1"), timeout=30_000)
    assert window.conversation.toPlainText().split("\n\n")[-1].startswith("You ·")
    shown.clear()
    _make_polls_due(app)
    with qtbot.waitSignal(app.polled, timeout=30_000):
        app.poll()
    assert not [s for s in shown if s[0] == "New reply from the helpdesk"]   # own replies are not news
    tray.hide()


def test_status_words_and_last_update_are_the_same_in_my_tickets_and_the_tickets_command(
        qtbot, start_app, itsm, capsys):
    app = start_app()
    _send(app, "Noisy laptop")
    itsm.tickets["1"]["status"] = "open"
    _make_polls_due(app)
    with qtbot.waitSignal(app.polled, timeout=10_000):
        app.poll()
    window = app.show_tickets()
    qtbot.waitUntil(lambda: window.table.rowCount() == 1 and window.table.item(0, 2).text() == "in progress",
                    timeout=10_000)
    real_update = local_time(itsm.updated)                    # RT's LastUpdated, in local time
    date, clock = real_update.split()
    month, day = int(date[5:7]), int(date[8:10])
    assert window.table.item(0, 3).text() == f"{month}/{day}/{date[2:4]} {clock}"     # en_US order, 24 h

    line = next(line for line in _tickets_command(app, itsm, capsys).splitlines() if "Noisy laptop" in line)
    assert "in progress" in line and real_update in line and " open " not in line


def test_unreachable_helpdesk_list_says_as_of_the_cache_time(qtbot, start_app):
    app = start_app(itsm_down=True)
    service = app.assistant.desk.service
    service.store.save(service.config.url, Credential("jdoe", "s3cret"))      # signed in; nothing listens
    _send(app, "Laptop will not start")
    cached_at = time.time() - 25 * 60
    service.outbox.record_contact("", now=cached_at)                          # the last good contact
    window = app.show_tickets()
    service.outbox.conn.execute("UPDATE itsm_outbox SET next_attempt_at = 0")
    with qtbot.waitSignal(app.polled, timeout=20_000):
        app.poll()
    qtbot.waitUntil(lambda: window.freshness.isVisible(), timeout=10_000)
    assert window.freshness.text() == f"Tickets as of {as_of_text(cached_at)} (helpdesk unreachable)"
    assert window.status.text().startswith("The helpdesk cannot be reached right now.")
    for shown in (window.freshness.text(), window.status.text()):
        assert "http" not in shown and "127.0.0.1" not in shown and "GET" not in shown


def test_a_change_first_fetched_by_the_tickets_command_still_pops_up(qtbot, start_app, itsm, capsys,
                                                                    monkeypatch):
    app = start_app()
    tray, shown = _tray(app, monkeypatch)
    _send(app, "Noisy laptop")
    itsm.tickets["1"]["status"] = "resolved"
    assert "resolved" in _tickets_command(app, itsm, capsys)            # the command line saw it first

    with qtbot.waitSignal(app.ticketStatusChanged, timeout=10_000):
        app.poll()
    assert shown == [("Ticket updated", "Noisy laptop: resolved")]
    with qtbot.waitSignal(app.polled, timeout=10_000):
        app.poll()
    assert shown == [("Ticket updated", "Noisy laptop: resolved")]       # told once
    tray.hide()


def test_the_new_badge_clears_once_my_tickets_is_open_also_when_it_was_open_already(qtbot, start_app,
                                                                                    monkeypatch):
    app = start_app()
    tray, _ = _tray(app, monkeypatch)
    _send(app, "Laptop will not start")
    key = app.assistant.desk.tickets()[0].key
    outbox = app.assistant.desk.service.outbox
    outbox.record_status(key, "open", time.time() + 3600, 60)
    with qtbot.waitSignal(app.unreadChanged, timeout=10_000):
        app.tickets_changed()
    tray.rebuild()
    assert tray.menu.actions()[1].text() == "My tickets (1 new)"

    window = app.show_tickets()
    qtbot.waitUntil(lambda: app.unread == 0, timeout=10_000)
    tray.rebuild()
    assert tray.menu.actions()[1].text() == "My tickets"

    window.lower()                                            # left open behind other windows
    outbox.record_status(key, "pending", time.time() + 3600, 60)
    app.tickets_changed()
    app.show_tickets()                                        # chosen again from the tray
    qtbot.waitUntil(lambda: app.unread == 0 and window.table.item(0, 2).text() == "waiting", timeout=10_000)
    app.workers.wait(5_000)
    assert app.unread == 0 and "ticket update" not in tray.toolTip()
    tray.hide()


def test_a_refused_ticket_is_explained_without_status_codes(qtbot, start_app, itsm):
    from desktop.itsm import Rejected

    app = start_app()
    itsm.fail_next = [Rejected("the ITSM refused the request (422): Invalid queue", status=422)]
    outcome = _send(app, "Printer jams")
    assert outcome.status == "failed" and outcome.message == "Invalid queue"
    window = app.show_tickets()
    qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=10_000)
    assert window.table.item(0, 2).text() == "refused"
