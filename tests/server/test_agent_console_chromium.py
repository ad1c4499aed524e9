"""The agent console at /agent driven in Debian's real Chromium (headless, through
Playwright) against the server on real PostgreSQL, with the employee's real `LiveChat` on
the other end and transcripts going to the real Request Tracker: an agent takes a
conversation with its context, messages and an article go both ways, the server restarts
mid-conversation and nothing is lost or shown twice, a second agent behind a proxy that
blocks WebSockets carries on in compatibility mode, transfers to a team and to an agent,
the end files the transcript once; another site cannot open the console's socket; a
supervisor sees the figures and an agent does not."""
from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from desktop.handoff.live_chat import LiveChat
from desktop.sync.client import SyncClient
from sync_server.app import Settings, asgi
from sync_server.handoff import console
from sync_server.handoff.agents import add_agent, close_session
from sync_server.handoff.store import now, stamp
from tests.server.conftest import fresh_pg_url
from tests.server.harness import LiveServer, make_harness
from tests.server.test_handoff import wait_for
from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "build" / "screenshots"      # copied to docs/screenshots by hand
PASSWORD = "correct horse battery staple"
ENTRIES = [("printer-blank-pages", "article", "en", "The printer prints blank pages"),
           ("toner-replace", "article", "en", "Replace a toner cartridge"),
           ("printer-steps", "tree", "en", "My printer does not print"),
           ("imprimante-toner", "article", "fr", "Remplacer une cartouche de toner")]
QUESTION = "My printer on the 3rd floor prints blank pages"


@pytest.fixture
def desk(tmp_path, monkeypatch):
    """A server on a fresh PostgreSQL schema sending transcripts to the real RT; agents alice
    (printing), bob (network) and sam (printing, supervisor); four published entries."""
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    token = require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker")
    monkeypatch.setenv("HELPDESK_RT_TOKEN", token)
    url, drop = fresh_pg_url()
    settings = {"rate": 0, "rt_url": rt, "rt_teams": {"printing": "General", "network": "General"}}
    harness = make_harness(url, tmp_path / "storage", **settings)
    add_agent(harness.db, "alice", ["printing"], PASSWORD)
    add_agent(harness.db, "bob", ["network"], PASSWORD)
    add_agent(harness.db, "sam", ["printing"], PASSWORD, supervisor=True)
    with harness.db.transaction() as tx:
        tx.execute_many("INSERT INTO published_entries (id, grp, kind, lang, title, version) VALUES (?, ?, ?, ?, ?, 1)",
                        [(i, i, kind, lang, title) for i, kind, lang, title in ENTRIES])
    yield SimpleNamespace(harness=harness, url=url, rt=rt, token=token, settings=settings, storage=tmp_path / "storage")
    harness.client.close()
    harness.db.close()
    drop()


def signed_in(browser, live, name: str, block_websockets: bool = False):
    """An agent's console in its own browser context (its own cookie jar)."""
    page = browser.new_context(viewport={"width": 1300, "height": 900}).new_page()
    if block_websockets:              # a proxy on the way that lets no WebSocket through
        page.route_web_socket(re.compile(r"/agent/live"), lambda socket: socket.close())
    page.goto(f"{live.url}/agent")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#link.on")
    return page


def shot(page, name: str, full_page: bool = False) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def said(events: list[dict], text: str) -> int:
    """How many times the employee's app was shown a message with this text."""
    return sum(1 for e in events if e["type"] == "message" and e.get("text") == text)


def lines(page) -> list[str]:
    """The conversation as the console shows it (not the lines still being sent)."""
    return page.locator("#transcript .msg:not(.pending)").all_inner_texts()


def reply(page, text: str) -> None:
    page.fill("#reply", text)
    page.press("#reply", "Enter")


def test_an_agent_helps_an_employee_through_a_restart_a_transfer_and_the_transcript(desk, chromium, tmp_path):
    harness = desk.harness
    live = LiveServer(harness).__enter__()
    port = live.port
    restarted = None
    chat = None
    try:
        alice = signed_in(chromium, live, "alice")
        assert alice.inner_text("#link") == "Connected (live)"
        alice.check("#available")
        events: list[dict] = []
        chat = LiveChat(SyncClient(live.url, harness.install_token), tmp_path / "live.json", on_event=events.append)
        wait_for(lambda: chat.availability("printing")["agents_available"] == 1, what="alice available")

        # 1. the employee asks for a person, with what the assistant already tried
        chat.start(QUESTION, team="printing", lang="en", employee="Marie Curie",
                   answers=[{"question": "printer prints blank pages", "answer": "The printer prints blank pages"}],
                   steps=["My printer does not print: switched it off and on", "Checked the paper tray"],
                   computer={"hostname": "PC-0042", "os": "Windows 11 23H2", "printer": "HP LaserJet M507 (3rd floor)"})
        conv = chat.conversation
        waiting = alice.wait_for_selector(f"#queue li[data-id='{conv}']")
        assert QUESTION in waiting.inner_text() and "printing · Marie Curie · waiting" in waiting.inner_text()
        assert alice.inner_text("#waiting-count") == "1"
        waiting.click()
        context = alice.inner_text("#context")
        for shown in ("Marie Curie", "printer prints blank pages → The printer prints blank pages",
                      "switched it off and on", "Checked the paper tray", "PC-0042", "Windows 11 23H2",
                      "HP LaserJet M507"):
            assert shown in context
        alice.click("#take")
        wait_for(lambda: chat.state.get("state") == "active", what="the conversation taken")
        assert chat.state["agent"] == "alice"
        alice.wait_for_selector(f"#mine li[data-id='{conv}']")
        assert alice.inner_text("#waiting-count") == "0"

        # 2. messages both ways, and the employee typing
        alice.locator("#reply").press_sequentially("Hello Marie, I am looking at it. Which tray did you use?")
        wait_for(lambda: any(e["type"] == "typing" for e in events), what="the employee told the agent is typing")
        alice.press("#reply", "Enter")
        wait_for(lambda: said(events, "Hello Marie, I am looking at it. Which tray did you use?"), what="alice's reply")
        chat.send("Tray 2, with the recycled paper")
        alice.wait_for_selector("#transcript .msg.employee:has-text('Tray 2, with the recycled paper')")
        chat.typing()
        alice.wait_for_selector("#typing:has-text('The employee is typing…')")

        # 3. an article pushed into the conversation (only this language's articles are offered)
        options = alice.locator("#push-entry option").all_inner_texts()
        assert options == ["Replace a toner cartridge", "The printer prints blank pages"]
        alice.select_option("#push-kind", "article")
        alice.select_option("#push-entry", "toner-replace")
        alice.click("#push")
        article = wait_for(lambda: next((e for e in events if e["type"] == "message" and e["kind"] == "article"), None),
                        what="the pushed article")
        assert (article["ref"], article["text"], article["author"]) == ("toner-replace", "Replace a toner cartridge",
                                                                        "alice")
        alice.wait_for_selector("#transcript .msg.agent:has-text('pushed an article: Replace a toner cartridge')")
        reply(alice, "This article shows how to change the toner; a faded cartridge prints blank pages.")
        alice.wait_for_selector("#transcript .msg.agent:has-text('a faded cartridge')")
        alice.locator("#reply").blur()
        shot(alice, "agent-console.png")

        # 4. the server restarts mid-conversation: nothing lost, nothing twice
        live.__exit__(None, None, None)
        alice.wait_for_selector("#link.off:has-text('reconnecting')")
        reply(alice, "Sent while the server restarts")
        alice.wait_for_selector("#transcript .msg.pending:has-text('Sent while the server restarts')")
        chat.send("Written by Marie during the restart")
        time.sleep(0.5)
        app = asgi(Settings(database_url=desk.url, storage=desk.storage, patch_history=0, patch_in_background=False,
                            **desk.settings))
        restarted = LiveServer(harness, app=app, port=port).__enter__()
        alice.wait_for_selector("#link.on:has-text('Connected (live)')", timeout=30_000)
        alice.wait_for_selector("#transcript .msg.employee:has-text('Written by Marie during the restart')",
                                timeout=30_000)
        wait_for(lambda: said(events, "Sent while the server restarts"), timeout=40, what="the reply kept through the restart")
        reply(alice, "And this one after it")
        chat.send("Got it after the restart too")
        wait_for(lambda: said(events, "And this one after it"), what="a reply after the restart")
        alice.wait_for_selector("#transcript .msg.employee:has-text('Got it after the restart too')")
        wait_for(lambda: not chat.outbox, what="the employee's messages acknowledged")
        assert not alice.locator("#transcript .msg.pending").count()
        for text in ("Hello Marie, I am looking at it. Which tray did you use?", "Sent while the server restarts",
                     "And this one after it"):
            assert said(events, text) == 1, text
        shown = lines(alice)
        for text in ("Tray 2, with the recycled paper", "Written by Marie during the restart",
                     "Got it after the restart too", "Sent while the server restarts", "And this one after it"):
            assert sum(text in line for line in shown) == 1, (text, shown)

        # 5 and 8. bob, of another team, behind a proxy that blocks WebSockets
        bob = signed_in(chromium, restarted, "bob", block_websockets=True)
        assert bob.inner_text("#link") == "Connected (compatibility mode)"
        bob.check("#available")
        wait_for(lambda: chat.availability("network")["agents_available"] == 1, what="bob available by long polling")
        alice.select_option("#transfer-to", "team:network")
        alice.click("#transfer")
        wait_for(lambda: chat.state.get("state") == "waiting" and chat.state.get("team") == "network",
                 what="the conversation in the network queue")
        alice.wait_for_selector("#pane .notice:has-text('no longer in your hands')")
        bob.click(f"#queue li[data-id='{conv}']")
        assert "PC-0042" in bob.inner_text("#context")
        bob.click("#take")
        wait_for(lambda: chat.state.get("state") == "active" and chat.state.get("agent") == "bob", what="bob took it")
        bob.wait_for_selector("#transcript .msg.agent:has-text('And this one after it')")     # the whole story
        reply(bob, "Bob here, from the network team: the printer lost its network share.")
        wait_for(lambda: said(events, "Bob here, from the network team: the printer lost its network share."),
                 what="bob's reply by long polling")
        chat.send("Thanks Bob")
        bob.wait_for_selector("#transcript .msg.employee:has-text('Thanks Bob')")
        bob.select_option("#transfer-to", "agent:alice")
        bob.click("#transfer")
        wait_for(lambda: chat.state.get("agent") == "alice", what="handed back to alice")
        alice.wait_for_selector("#transcript .msg.employee:has-text('Thanks Bob')")
        assert sum("Bob here" in line for line in lines(alice)) == 1
        assert "Transferred to alice" in lines(alice)[-1]

        # 6. the end: the transcript lands in RT once, and the employee is told where
        reply(alice, "Fixed: the share is back. Have a good day!")
        wait_for(lambda: said(events, "Fixed: the share is back. Have a good day!"), what="the last reply")
        alice.click("#end-solved")
        wait_for(lambda: chat.state.get("state") == "ended", what="the conversation ended")
        alice.wait_for_selector("#pane .notice:has-text('no longer in your hands')")
        transcripts = app.app.state.handoff.transcripts
        wait_for(lambda: app.app.state.handoff.chats.get(conv)["transcript_state"] == "sent", timeout=30,
                 what="the transcript sent to RT")
        ticket = app.app.state.handoff.chats.get(conv)["transcript_ticket"]
        # the employee's app is told where the transcript went (it follows the ended chat until then)
        wait_for(lambda: chat.ticket == ticket, what="the ticket named to the employee")
        assert [m["text"] for m in chat.messages if m["kind"] == "transcript"] == [ticket]
        assert transcripts.flush() == 0
        auth = {"Authorization": f"token {desk.token}"}
        found = requests.get(f"{desk.rt}/REST/2.0/tickets", headers=auth, timeout=30, params={
            "query": f"Subject LIKE '[chat {conv}]'", "fields": "Status,Subject,Queue"}).json()
        assert found["count"] == 1, found
        assert found["items"][0]["id"] == ticket and found["items"][0]["Status"] == "resolved"
        attachments = requests.get(f"{desk.rt}/REST/2.0/ticket/{ticket}/attachments", headers=auth, timeout=30,
                                   params={"fields": "Content"}).json()["items"]
        content = "\n".join(a.get("Content") or "" for a in attachments)
        for text in (QUESTION, "Marie Curie", "PC-0042", "alice: Sent while the server restarts",
                     "Employee: Written by Marie during the restart", "bob: Bob here", "Employee: Thanks Bob",
                     "alice sent article: Replace a toner cartridge (toner-replace)", "transferred to the network team",
                     "Have a good day!"):
            assert text in content, text
        assert content.count("Sent while the server restarts") == 1
    finally:
        if chat is not None:
            chat.stop()
        for server in (restarted, live):
            if server is not None:
                server.__exit__(None, None, None)
        if restarted is not None:
            app.app.state.db.close()


def test_another_site_cannot_open_the_console_and_only_supervisors_see_the_figures(desk, chromium, monkeypatch):
    harness = desk.harness
    seed_past_conversations(harness.db)
    monkeypatch.setattr(console, "SESSION_RECHECK", 0.5)
    with LiveServer(harness) as live:
        alice = signed_in(chromium, live, "alice")
        cookie = next(c["value"] for c in alice.context.cookies() if c["name"] == "hd_agent")
        headers = {"Cookie": f"hd_agent={cookie}"}
        with connect(f"ws://127.0.0.1:{live.port}/agent/live", additional_headers={**headers, "Origin": live.url},
                     open_timeout=5) as socket:                  # the console's own page: accepted
            assert '"type": "me"' in socket.recv(timeout=5)
        with pytest.raises(InvalidStatus) as refused:
            with connect(f"ws://127.0.0.1:{live.port}/agent/live", open_timeout=5,
                         additional_headers={**headers, "Origin": "http://evil.example"}):
                pass
        assert refused.value.response.status_code == 403

        close_session(harness.db, cookie)              # signed out elsewhere: the open console follows
        alice.wait_for_selector("input[name=password]", timeout=10_000)
        alice.fill("input[name=name]", "alice")
        alice.fill("input[name=password]", PASSWORD)
        alice.click("button[type=submit]")
        alice.wait_for_selector("#link.on")
        assert alice.goto(f"{live.url}/agent/figures").status == 403
        assert "Only supervisors see the figures" in alice.inner_text("main")
        assert "Figures" not in alice.inner_text("header")

        sam = signed_in(chromium, live, "sam")
        sam.click("header >> text=Figures")
        sam.wait_for_selector("text=Per agent")
        tiles = sam.locator(".tile").all_inner_texts()
        assert any(t.startswith("12") and "conversations" in t for t in tiles), tiles
        assert any("17%" in t and "(2)" in t for t in tiles), tiles                # 2 of 12 left first
        assert any("55 s" in t and "median wait" in t for t in tiles), tiles
        rows = sam.locator("table tr").all_inner_texts()
        assert any(re.match(r"alice\s+6\b", r) for r in rows) and any(re.match(r"bob\s+4\b", r) for r in rows), rows
        shot(sam, "agent-figures.png", full_page=True)


def seed_past_conversations(db) -> None:
    """Twelve conversations of the last days: ten answered (waits 30 s to 200 s), two left."""
    waits = [30, 45, 60, 90, 120, 40, 50, 200, 75, 35]
    with db.transaction(write=False) as tx:
        agents = {name: agent_id for agent_id, name in tx.all("SELECT id, name FROM agents")}
    rows = []
    for i in range(12):
        created = now() - timedelta(hours=5 + 7 * i)
        team = ["printing", "network", "printing", "identity"][i % 4]
        if i < 10:
            who = "alice" if i < 6 else "bob"
            taken = created + timedelta(seconds=waits[i])
            rows.append((f"c-past-{i}", f"install-{i}", team, "en", f"question {i}", "{}", "ended", agents[who],
                         stamp(created), stamp(created), stamp(taken), stamp(taken + timedelta(minutes=4 + i)), "sent"))
        else:
            rows.append((f"c-past-{i}", f"install-{i}", team, "en", f"question {i}", "{}", "abandoned", None,
                         stamp(created), stamp(created), None, stamp(created + timedelta(minutes=3)), ""))
    with db.transaction() as tx:
        tx.execute_many("INSERT INTO conversations (id, install_ref, team, lang, question, context, state, agent_id, "
                        "created_at, queued_at, taken_at, ended_at, transcript_state) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
