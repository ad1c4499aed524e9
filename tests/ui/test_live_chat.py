"""Chat with the helpdesk from the tray app (pytest-qt), end to end through the real sync
server on real PostgreSQL, with an agent on the console's socket: the employee asks for a
person, an agent takes the conversation, messages flow both ways, the server and then the
app restart in the middle without losing or doubling a message, the agent pushes an
article, and the transcript lands in the real Request Tracker exactly once. Outside
opening hours or with nobody available, the page offers a ticket instead."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from PySide6.QtCore import Qt

from sync_server.app import Settings, asgi
from sync_server.handoff.agents import add_agent
from tests.server.conftest import fresh_pg_url
from tests.server.harness import LiveServer, make_harness
from tests.server.test_handoff import PASSWORD, Console
from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "build" / "screenshots"


@pytest.fixture
def desk(tmp_path, monkeypatch):
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    token = require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker")
    monkeypatch.setenv("HELPDESK_RT_TOKEN", token)
    url, drop = fresh_pg_url()
    harness = make_harness(url, tmp_path / "storage", rate=0, rt_url=rt, rt_teams={"service-desk": "General"})
    harness.rt, harness.rt_token, harness.url = rt, token, url
    add_agent(harness.db, "alice", ["service-desk", "identity"], PASSWORD)
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", harness.device_token)
    yield harness
    harness.app.app.state.handoff.close()
    harness.client.close()
    harness.db.close()
    drop()


def transcript_text(chat) -> str:
    return chat.live_page.transcript.toPlainText()


def test_an_employee_chats_with_an_agent_through_restarts(qtbot, start_app, desk, tmp_path):
    same = dict(database_url=desk.url, storage=tmp_path / "storage", rate=0, rt_url=desk.rt,
                rt_teams={"service-desk": "General"})                 # every replica is set up alike
    replica = asgi(Settings(**same))
    with LiveServer(desk) as live, LiveServer(desk, app=replica) as agents_server:
        alice = Console(agents_server, "alice")
        alice.send(type="available", on=True)
        alice.until(lambda e: e["type"] == "me" and e["available"])

        app = start_app(sync_url=live.url)
        chat = app.show_chat()
        chat.resize(600, 720)
        with qtbot.waitSignal(chat.answerShown, timeout=10_000):
            chat.question.setText("je veux parler à quelqu'un")        # QTest types ASCII only
        assert chat.person_button.isVisible()
        qtbot.keyClick(chat.question, Qt.Key_Return)
        page = chat.live_page
        assert chat.stack.currentWidget() is page
        qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=15_000)
        assert "within a minute" in page.offer.text()
        assert page.share.isChecked()
        qtbot.mouseClick(page.start_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: page.mode != "offer", timeout=15_000)
        assert page.mode == "live", page.status.text()

        queued = alice.until(lambda e: e["type"] == "queue" and e["waiting"], timeout=15)["waiting"][0]
        conv = queued["id"]
        assert queued["question"] == "je veux parler à quelqu'un" and queued["lang"] == "fr"
        assert queued["computer"]["hostname"]                      # shared, as the box said
        qtbot.waitUntil(lambda: "you are next" in page.status.text(), timeout=10_000)
        alice.send(type="take", conversation=conv)
        qtbot.waitUntil(lambda: "chatting with alice" in page.status.text(), timeout=10_000)

        alice.send(type="message", conversation=conv, n=1, text="Bonjour, je regarde votre problème.")
        qtbot.waitUntil(lambda: "je regarde votre problème" in transcript_text(chat), timeout=10_000)
        qtbot.keyClicks(page.input, "Mon VPN se coupe toutes les dix minutes")
        qtbot.keyClick(page.input, Qt.Key_Return)
        alice.until(lambda e: e.get("text") == "Mon VPN se coupe toutes les dix minutes")
        qtbot.waitUntil(lambda: "sending" not in transcript_text(chat), timeout=10_000)

        # the employee's server goes away mid-conversation; the agent writes meanwhile
        port = live.port
        live.__exit__(None, None, None)
        alice.send(type="message", conversation=conv, n=2, text="Pendant la coupure : redémarrez le client VPN.")
        page.input.setText("Je suis toujours là")
        qtbot.keyClick(page.input, Qt.Key_Return)
        qtbot.waitUntil(lambda: "sending" in transcript_text(chat), timeout=5_000)
        restarted = asgi(Settings(**same))
        with LiveServer(desk, app=restarted, port=port):
            qtbot.waitUntil(lambda: "redémarrez le client VPN" in transcript_text(chat), timeout=40_000)
            alice.until(lambda e: e.get("text") == "Je suis toujours là", timeout=20)
            qtbot.waitUntil(lambda: "sending" not in transcript_text(chat), timeout=20_000)

            # the app quits and starts again: the conversation comes back, each message once
            app.save_conversation()
            app.live.stop()
            for window in app.windows.values():
                window.hide()
            alice.send(type="message", conversation=conv, n=3, text="Avez-vous redémarré ?")
            again = start_app(sync_url=f"http://127.0.0.1:{port}")
            chat = again.show_chat()
            chat.resize(600, 720)
            page = chat.live_page
            qtbot.waitUntil(lambda: chat.stack.currentWidget() is page, timeout=10_000)
            qtbot.waitUntil(lambda: "Avez-vous redémarré ?" in transcript_text(chat), timeout=20_000)
            shown = transcript_text(chat)
            for line in ("je regarde votre problème", "redémarrez le client VPN", "Je suis toujours là",
                         "Mon VPN se coupe", "Avez-vous redémarré ?"):
                assert shown.count(line) == 1, (line, shown)

            alice.send(type="push", conversation=conv, n=4, kind="article", ref="vpn-slow-fr",
                       title="VPN lent ou qui se coupe")
            qtbot.waitUntil(lambda: page.pushed.count() == 1, timeout=10_000)
            alice.send(type="typing", conversation=conv)
            qtbot.waitUntil(lambda: "typing" in page.typing.text(), timeout=10_000)
            SHOTS.mkdir(parents=True, exist_ok=True)
            chat.grab().save(str(SHOTS / "live-chat-tray.png"))
            button = page.pushed.itemAt(0).widget()
            assert "VPN lent ou qui se coupe" in button.text()
            with qtbot.waitSignal(chat.answerShown, timeout=10_000):
                qtbot.mouseClick(button, Qt.LeftButton)
            assert chat.stack.currentWidget() is chat.answer_page and "VPN" in chat.answer.toPlainText()
            assert chat.person_button.text().replace("&", "").startswith("Back to the chat")
            qtbot.mouseClick(chat.person_button, Qt.LeftButton)
            assert chat.stack.currentWidget() is page

            alice.send(type="end", conversation=conv, solved=True)
            qtbot.waitUntil(lambda: "ticket #" in transcript_text(chat), timeout=30_000)
            assert page.new_button.isVisible() and not page.input.isVisible()
            again.live.stop()
        alice.close()
    found = requests.get(f"{desk.rt}/REST/2.0/tickets", headers={"Authorization": f"token {desk.rt_token}"},
                         params={"query": f"Subject LIKE '[chat {conv}]'"}).json()
    assert found["count"] == 1
    assert f"#{found['items'][0]['id']}" in transcript_text(chat)
    replica.app.state.handoff.close()
    restarted.app.state.handoff.close()


def test_outside_opening_hours_the_page_offers_a_ticket(qtbot, start_app, desk):
    with LiveServer(desk) as live:
        app = start_app(sync_url=live.url, helpdesk={"hours": "Mon-Sun 00:00-24:00",
                                                      "holidays": [date.today().isoformat()]})
        chat = app.show_chat()
        with qtbot.waitSignal(chat.answerShown, timeout=10_000):
            qtbot.keyClicks(chat.question, "I want to talk to a human")
        qtbot.keyClick(chat.question, Qt.Key_Return)
        page = chat.live_page
        assert "closed" in page.status.text()
        assert "opens again" in page.offer.text()
        assert page.ticket.isVisible() and not page.start_button.isVisible()
        qtbot.mouseClick(page.ticket, Qt.LeftButton)
        assert chat.stack.currentWidget() is chat.form_page
        assert chat.form_page.values()["subject"] == "I want to talk to a human"


def test_with_nobody_available_the_page_offers_the_alternatives_and_the_queue(qtbot, start_app, desk):
    with LiveServer(desk) as live:
        app = start_app(sync_url=live.url)
        chat = app.show_chat()
        with qtbot.waitSignal(chat.answerShown, timeout=10_000):
            qtbot.keyClicks(chat.question, "can I speak to an agent please")
        qtbot.mouseClick(chat.person_button, Qt.LeftButton)
        page = chat.live_page
        qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=15_000)
        assert "No agent is free right now" in page.offer.text()
        assert page.ticket.isVisible() and page.start_button.text().replace("&", "") == "Wait in the queue"


def test_my_tickets_offers_a_chat_about_the_selected_ticket(qtbot, start_app, desk):
    with LiveServer(desk) as live:
        alice = Console(live, "alice")
        alice.send(type="available", on=True)
        app = start_app(sync_url=live.url)
        sent = app.assistant.send(app.assistant.draft_ticket(description="It does not charge.",
                                                             subject="Laptop will not charge"))
        app.tickets_changed()
        window = app.show_tickets()
        qtbot.waitUntil(lambda: window.table.rowCount() == 1, timeout=10_000)
        window.table.selectRow(0)
        qtbot.waitUntil(window.chat_button.isVisible, timeout=10_000)
        qtbot.mouseClick(window.chat_button, Qt.LeftButton)
        page = app.windows["chat"].live_page
        qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=15_000)
        qtbot.mouseClick(page.start_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: page.mode == "live", timeout=15_000)      # the GUI thread runs while it starts
        queued = alice.until(lambda e: e["type"] == "queue" and e["waiting"], timeout=15)["waiting"][0]
        assert queued["question"] == "Laptop will not charge" and queued["ticket"] == str(sent.ticket_id)
        alice.close()
        app.live.stop()


def test_the_tray_says_so_when_the_agent_answers_while_the_window_is_hidden(qtbot, start_app, desk, monkeypatch):
    from tests.ui.test_my_tickets import _tray

    with LiveServer(desk) as live:
        alice = Console(live, "alice")
        alice.send(type="available", on=True)
        app = start_app(sync_url=live.url)
        app.tray, shown = _tray(app, monkeypatch)
        chat = app.show_chat()
        with qtbot.waitSignal(chat.answerShown, timeout=10_000):
            qtbot.keyClicks(chat.question, "talk to an agent")
        qtbot.keyClick(chat.question, Qt.Key_Return)
        page = chat.live_page
        qtbot.waitUntil(lambda: page.start_button.isEnabled(), timeout=15_000)
        qtbot.mouseClick(page.start_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: page.mode == "live", timeout=15_000)
        conv = alice.until(lambda e: e["type"] == "queue" and e["waiting"])["waiting"][0]["id"]
        alice.send(type="take", conversation=conv)
        qtbot.waitUntil(lambda: "chatting with alice" in page.status.text(), timeout=10_000)
        alice.send(type="message", conversation=conv, n=1, text="Seen while you look")
        qtbot.waitUntil(lambda: "Seen while you look" in transcript_text(chat), timeout=10_000)
        assert shown == []                                   # the window was in front: no notification
        chat.hide()
        alice.send(type="message", conversation=conv, n=2, text="Your new laptop is ready at desk 2.")
        qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
        assert shown == [("alice answered in the chat", "Your new laptop is ready at desk 2.")]
        alice.close()
        app.live.stop()
