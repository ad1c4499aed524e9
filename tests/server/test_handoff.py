"""Live hand-over through a real server (uvicorn on loopback), on SQLite and on real
PostgreSQL: the employee's app (`LiveChat`) and an agent's console socket talk both ways;
numbers make a resent message count once; a server restart and a second replica lose
nothing; another install cannot read the conversation; a page on another site cannot open
the console's socket; transcripts land in the real Request Tracker exactly once."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from desktop.handoff.live_chat import LiveChat
from desktop.sync.client import SyncClient
from sync_server.app import Settings, asgi
from sync_server.handoff.agents import add_agent
from sync_server.handoff.store import stamp
from tests.server.conftest import fresh_pg_url
from tests.server.harness import LiveServer, make_harness
from tests.services import require_service

PASSWORD = "correct horse battery"
REPO = Path(__file__).resolve().parents[2]


def wait_for(condition, timeout: float = 15.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


class Console:
    """An agent's console socket, as the page opens it (session cookie, own Origin)."""

    def __init__(self, live: LiveServer, name: str) -> None:
        self.url, self.port = live.url, live.port
        session = requests.Session()
        reply = session.post(f"{live.url}/agent/login", data={"name": name, "password": PASSWORD},
                             headers={"Origin": live.url}, allow_redirects=False)
        assert reply.status_code == 303, reply.text
        self.cookie = session.cookies["hd_agent"]
        self.events: list[dict] = []
        self.seq: dict[str, int] = {}
        self.open()

    def open(self) -> None:
        self.socket = connect(f"ws://127.0.0.1:{self.port}/agent/live", legacy=True, open_timeout=10,
                              additional_headers={"Cookie": f"hd_agent={self.cookie}", "Origin": self.url})
        self.socket.send(json.dumps({"type": "hello", "seq": self.seq}))

    def send(self, **frame) -> None:
        self.socket.send(json.dumps(frame))

    def until(self, test, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        for event in self.events:
            if test(event):
                return event
        while time.monotonic() < deadline:
            try:
                event = json.loads(self.socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            except TimeoutError:
                break
            self.events.append(event)
            if event["type"] == "message":
                self.seq[event["conversation"]] = event["seq"]
            if test(event):
                return event
        raise AssertionError(f"no such event; got {[e['type'] for e in self.events]}")

    def texts(self, conv: str) -> list[str]:
        return [e["text"] for e in self.events if e["type"] == "message" and e["conversation"] == conv
                and e["kind"] == "text"]

    def close(self) -> None:
        self.socket.close()


def employee(live: LiveServer, harness, path: Path, token: str | None = None) -> tuple[LiveChat, list]:
    events: list[dict] = []
    chat = LiveChat(SyncClient(live.url, token or harness.install_token), path, events.append)
    return chat, events


@pytest.fixture
def desk(database_url, tmp_path):
    harness = make_harness(database_url, tmp_path / "storage", rate=0)
    add_agent(harness.db, "alice", ["network", "service-desk"], PASSWORD)
    add_agent(harness.db, "bob", ["identity"], PASSWORD, supervisor=True)
    yield harness
    harness.client.close()
    harness.db.close()


def test_a_conversation_reaches_an_agent_and_messages_flow_both_ways(desk, tmp_path):
    with LiveServer(desk) as live:
        chat, seen = employee(live, desk, tmp_path / "live.json")
        assert chat.availability("network") == {"agents_available": 0, "waiting": 0, "estimate_seconds": None}
        alice = Console(live, "alice")
        alice.send(type="available", on=True)
        alice.until(lambda e: e["type"] == "me" and e["available"])
        assert chat.availability("network")["agents_available"] == 1
        started = chat.start("my vpn drops every ten minutes", team="network", lang="en", employee="Marie Curie",
                             answers=[{"question": "vpn drops", "answer": "VPN disconnects"}],
                             steps=["Restarted the VPN client"], computer={"hostname": "PC-042", "os": "Windows 11"})
        assert started["state"] == "waiting" and started["position"] == 1
        queued = alice.until(lambda e: e["type"] == "queue" and e["waiting"])["waiting"][0]
        assert (queued["question"], queued["employee"], queued["computer"]["hostname"]) == (
            "my vpn drops every ten minutes", "Marie Curie", "PC-042")
        assert queued["answers"][0]["answer"] == "VPN disconnects" and queued["steps"] == ["Restarted the VPN client"]
        conv = queued["id"]

        alice.send(type="take", conversation=conv)
        wait_for(lambda: chat.state.get("state") == "active", what="taken")
        assert chat.state["agent"] == "alice"
        chat.send("It happens on the office Wi-Fi only")
        alice.until(lambda e: e.get("text") == "It happens on the office Wi-Fi only")
        chat.typing()
        alice.until(lambda e: e["type"] == "typing" and e["conversation"] == conv)
        alice.send(type="message", conversation=conv, n=1, text="Hello Marie, which building?")
        alice.until(lambda e: e["type"] == "ack" and e["n"] == 1)
        alice.send(type="message", conversation=conv, n=1, text="Hello Marie, which building?")   # resent: stored once
        alice.send(type="push", conversation=conv, n=2, kind="article", ref="vpn-drops", title="VPN disconnects")
        wait_for(lambda: any(m["kind"] == "article" for m in chat.messages), what="the pushed article")
        assert [m["text"] for m in chat.messages if m["sender"] == "agent"] == [
            "Hello Marie, which building?", "VPN disconnects"]
        assert [m["ref"] for m in chat.messages if m["kind"] == "article"] == ["vpn-drops"]
        alice.until(lambda e: e.get("kind") == "article")
        assert alice.texts(conv) == ["my vpn drops every ten minutes", "It happens on the office Wi-Fi only",
                                     "Hello Marie, which building?"]
        chat.stop()
        alice.close()


def test_the_app_resends_until_acknowledged_and_shows_each_message_once(desk, tmp_path):
    """The app is closed mid-conversation with a message not yet sent; at the next start it
    sends it (once) and shows what the agent wrote meanwhile, and nothing twice."""
    with LiveServer(desk) as live:
        chat, _ = employee(live, desk, tmp_path / "live.json")
        alice = Console(live, "alice")
        alice.send(type="available", on=True)
        chat.start("printer offline", team="service-desk")
        conv = chat.conversation
        alice.send(type="take", conversation=conv)
        wait_for(lambda: chat.state.get("state") == "active", what="taken")
        alice.send(type="message", conversation=conv, n=1, text="Is it the 3rd floor printer?")
        wait_for(lambda: len(chat.messages) >= 3, what="the agent's message")
        chat.stop()                                              # the app quits
        chat.data["outbox"].append({"n": chat.data["next_n"], "text": "Yes, 3rd floor"})   # written, never sent
        chat.data["next_n"] += 1
        chat._save()
        alice.send(type="message", conversation=conv, n=2, text="Try turning it off and on")

        again, seen = employee(live, desk, tmp_path / "live.json")          # the app starts again
        assert again.active and [m["text"] for m in again.messages][-1] == "Is it the 3rd floor printer?"
        again.follow()
        wait_for(lambda: any(e["type"] == "delivered" for e in seen), what="the resent message acknowledged")
        wait_for(lambda: any(e.get("text") == "Try turning it off and on" for e in seen), what="the missed message")
        alice.until(lambda e: e.get("text") == "Yes, 3rd floor")
        again.stop()
        again._resend(lambda frame: desk.client.post(f"/v1/handoff/conversations/{conv}/frames", json=frame,
                                                     headers=desk.install))
        shown = [e["text"] for e in seen if e["type"] == "message" and e["kind"] == "text"]
        assert shown == ["Try turning it off and on"]                      # only what was new
        assert alice.texts(conv).count("Yes, 3rd floor") == 1
        assert [m["text"] for m in desk.app.app.state.handoff.chats.messages_after(conv, 0)].count("Yes, 3rd floor") == 1
        alice.close()


def test_long_polling_carries_the_conversation_where_websockets_are_blocked(desk, tmp_path):
    with LiveServer(desk) as live:
        chat, seen = employee(live, desk, tmp_path / "live.json")
        chat.polling_until = time.monotonic() + 600                  # as after a proxy refused the WebSocket
        alice = Console(live, "alice")
        alice.send(type="available", on=True)
        chat.start("outlook keeps asking for my password", team="service-desk")
        conv = chat.conversation
        alice.send(type="take", conversation=conv)
        alice.send(type="message", conversation=conv, n=1, text="Which Outlook version?")
        wait_for(lambda: any(e.get("text") == "Which Outlook version?" for e in seen), what="polled message")
        chat.send("The new one")
        alice.until(lambda e: e.get("text") == "The new one")
        wait_for(lambda: not chat.outbox, what="acknowledged")
        chat.stop()
        alice.close()


def test_a_proxy_that_refuses_websockets_switches_the_app_to_long_polling(desk, tmp_path):
    class NoUpgrades:
        """A proxy that answers plain HTTP but refuses every WebSocket handshake."""
        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] == "websocket":
                await send({"type": "websocket.http.response.start", "status": 403, "headers": []})
                await send({"type": "websocket.http.response.body", "body": b"no upgrades here"})
                return
            await self.app(scope, receive, send)

    desk.app.app.state.settings  # the app behind the proxy is the real one
    original = desk.app
    desk.app = NoUpgrades(original)
    try:
        with LiveServer(desk) as live:
            chat, seen = employee(live, desk, tmp_path / "live.json")
            chat.start("teams has no sound", team="service-desk")
            wait_for(lambda: chat.polling_until > time.monotonic(), what="switch to long polling")
            conv = chat.conversation
            original.app.state.handoff.chats.take(conv, 1, "alice", ["service-desk"])
            wait_for(lambda: chat.state.get("state") == "active", what="the state by long polling")
            chat.stop()
    finally:
        desk.app = original


def test_another_install_cannot_follow_or_write_to_a_conversation(desk, tmp_path):
    with LiveServer(desk) as live:
        chat, _ = employee(live, desk, tmp_path / "live.json")
        chat.start("my badge does not open the door", team="service-desk")
        conv = chat.conversation
        chat.stop()
        other = desk.enrol()
        assert desk.client.get(f"/v1/handoff/conversations/{conv}/events?wait=0", headers=other).status_code == 404
        assert desk.client.post(f"/v1/handoff/conversations/{conv}/frames", headers=other,
                                json={"type": "message", "n": 1, "text": "hi"}).status_code == 404
        assert desk.client.post("/v1/handoff/conversations", headers=desk.device,
                                json={"question": "x"}).status_code == 403          # the fleet's token: enrol first
        with pytest.raises(Exception):
            with connect(f"ws://127.0.0.1:{live.port}/v1/handoff/conversations/{conv}/live",
                         additional_headers=other, open_timeout=5) as socket:
                socket.recv(timeout=5)


def test_the_console_socket_refuses_other_sites_and_strangers(desk, tmp_path):
    with LiveServer(desk) as live:
        alice = Console(live, "alice")
        alice.close()
        for headers in ({"Cookie": f"hd_agent={alice.cookie}", "Origin": "http://evil.example"},
                        {"Cookie": f"hd_agent={alice.cookie}"},
                        {"Cookie": "hd_agent=forged", "Origin": live.url}):
            with pytest.raises(Exception) as refused:
                with connect(f"ws://127.0.0.1:{live.port}/agent/live", additional_headers=headers,
                             open_timeout=5) as socket:
                    socket.recv(timeout=5)
            assert not isinstance(refused.value, InvalidStatus) or refused.value.response.status_code in (403, 401)
        assert requests.post(f"{live.url}/agent/frames", cookies={"hd_agent": alice.cookie},
                             headers={"Origin": "http://evil.example"}, json={"type": "available", "on": True}
                             ).status_code == 403


def test_an_agent_takes_only_conversations_of_their_teams_and_only_once(desk, tmp_path):
    with LiveServer(desk) as live:
        chat, _ = employee(live, desk, tmp_path / "live.json")
        chat.start("I am locked out", team="identity")
        conv = chat.conversation
        alice, bob = Console(live, "alice"), Console(live, "bob")
        assert all(not e["waiting"] for e in alice.events if e["type"] == "queue")     # not alice's team
        alice.send(type="take", conversation=conv)
        assert "another team" in alice.until(lambda e: e["type"] == "error")["message"]
        bob.until(lambda e: e["type"] == "queue" and e["waiting"])
        bob.send(type="take", conversation=conv)
        bob.until(lambda e: e["type"] == "mine" and e["conversations"])
        bob.send(type="transfer", conversation=conv, team="network")
        alice.until(lambda e: e["type"] == "queue" and any(c["id"] == conv for c in e["waiting"]))
        alice.send(type="take", conversation=conv)
        alice.until(lambda e: e["type"] == "mine" and e["conversations"])
        bob.send(type="take", conversation=conv)
        assert "taken" in bob.until(lambda e: e["type"] == "error")["message"]
        chat.stop()
        alice.close()
        bob.close()


def test_queue_position_and_wait_estimate(desk, tmp_path):
    chats = desk.app.app.state.handoff.chats
    with desk.db.transaction() as tx:
        tx.execute("UPDATE agents SET available = 1, seen_at = ? WHERE name = 'alice'", (stamp(),))
    first = chats.start("install-1", "network", "en", "vpn", {})
    second = chats.start("install-2", "network", "fr", "vpn", {})
    assert chats.queue_state(first)["position"] == 1 and chats.queue_state(second)["position"] == 2
    assert chats.queue_state(second)["estimate_seconds"] >= 15
    assert chats.start("install-1", "network", "en", "again", {})["id"] == first["id"]   # one open conversation each
    chats.take(first["id"], 1, "alice", ["network"])
    assert chats.queue_state(chats.get(second["id"]))["position"] == 1
    with desk.db.transaction() as tx:
        tx.execute("UPDATE agents SET available = 0")
    assert chats.availability("network")["estimate_seconds"] is None


@pytest.fixture
def pg_url():
    url, drop = fresh_pg_url()
    yield url
    drop()


def test_a_server_restart_and_a_second_replica_lose_nothing(pg_url, tmp_path):
    """Two replicas on one PostgreSQL: the employee on one, the agent on the other; the
    employee's replica stops mid-conversation and starts again. Every message arrives once."""
    first = make_harness(pg_url, tmp_path / "storage", rate=0)
    add_agent(first.db, "alice", ["network"], PASSWORD)
    apps = [first.app] + [asgi(Settings(database_url=pg_url, storage=tmp_path / "storage", rate=0)) for _ in (1, 2)]
    with LiveServer(first) as one, LiveServer(first, app=apps[1]) as two:
        chat, seen = employee(one, first, tmp_path / "live.json")
        alice = Console(two, "alice")
        alice.send(type="available", on=True)
        chat.start("the vpn drops", team="network")
        conv = chat.conversation
        alice.send(type="take", conversation=conv)
        wait_for(lambda: chat.state.get("state") == "active", what="taken across replicas")
        for number in range(1, 6):
            alice.send(type="message", conversation=conv, n=number, text=f"agent {number}")
            chat.send(f"employee {number}")
        wait_for(lambda: sum(e.get("text", "").startswith("agent ") for e in seen) == 5, what="agent messages")
        alice.until(lambda e: e.get("text") == "employee 5")
        port = one.port
        one.__exit__(None, None, None)                      # the employee's replica stops
        for number in range(6, 9):
            alice.send(type="message", conversation=conv, n=number, text=f"agent {number}")
        chat.send("employee while the server was down")
        time.sleep(0.5)
        with LiveServer(first, app=apps[2], port=port):     # and starts again
            wait_for(lambda: sum(e.get("text", "").startswith("agent ") for e in seen) == 8, timeout=40,
                     what="messages written while the server was down")
            alice.until(lambda e: e.get("text") == "employee while the server was down", timeout=20)
        chat.stop()
        alice.close()
    shown = [m["text"] for m in chat.messages if m["sender"] == "agent"]
    assert shown == [f"agent {n}" for n in range(1, 9)]
    stored = [m["text"] for m in first.app.app.state.handoff.chats.messages_after(conv, 0) if m["kind"] == "text"]
    assert stored == ["the vpn drops"] + sorted(set(stored) - {"the vpn drops"}, key=stored.index)   # none twice
    assert sorted(stored[1:]) == sorted([f"agent {n}" for n in range(1, 9)] + [f"employee {n}" for n in range(1, 6)]
                                        + ["employee while the server was down"])
    for app in apps:
        app.app.state.handoff.close()
    first.db.close()


def test_transcripts_land_in_request_tracker_exactly_once(pg_url, tmp_path, monkeypatch):
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    token = require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker")
    monkeypatch.setenv("HELPDESK_RT_TOKEN", token)
    harness = make_harness(pg_url, tmp_path / "storage", rate=0, rt_url=rt, rt_teams={"network": "General"})
    replica = asgi(Settings(database_url=pg_url, storage=tmp_path / "storage", rate=0, rt_url=rt,
                            rt_teams={"network": "General"}))
    chats = harness.app.app.state.handoff.chats
    add_agent(harness.db, "alice", ["network"], PASSWORD)
    conv = chats.start("install-9", "network", "en", "wifi keeps dropping in room B12", {
        "employee": "Marie", "steps": ["Forgot the network and joined again"]})["id"]
    chats.take(conv, 1, "alice", ["network"])
    chats.add(conv, "agent", "alice", "text", "The access point in B12 is being replaced today.")
    senders = [harness.app.app.state.handoff.transcripts, replica.app.state.handoff.transcripts]
    for sender in senders:
        sender.stop()                                   # flushed by hand below, both at once
    chats.end(conv, "alice", agent_id=1, solved=True)
    import threading
    workers = [threading.Thread(target=s.flush) for s in senders]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    # a crash after RT made the ticket but before it was recorded: the next send finds it
    with harness.db.transaction() as tx:
        tx.execute("UPDATE conversations SET transcript_state = 'pending' WHERE id = ?", (conv,))
    senders[0].flush()
    found = requests.get(f"{rt}/REST/2.0/tickets", headers={"Authorization": f"token {token}"},
                         params={"query": f"Subject LIKE '[chat {conv}]'", "fields": "Status,Subject"}).json()
    assert found["count"] == 1, found
    ticket = found["items"][0]
    assert ticket["Status"] == "resolved"
    history = requests.get(f"{rt}/REST/2.0/ticket/{ticket['id']}/history",
                           headers={"Authorization": f"token {token}"}).json()
    assert history["count"] >= 1
    assert chats.get(conv)["transcript_ticket"] == str(ticket["id"])
    notes = [m for m in chats.messages_after(conv, 0) if m["kind"] == "transcript"]
    assert [n["text"] for n in notes] == [str(ticket["id"])] * len(notes) and notes
    for app in (harness.app, replica):
        app.app.state.handoff.close()
    harness.db.close()


def test_the_agent_command_creates_accounts(tmp_path):
    url = f"sqlite:///{tmp_path / 'sync.sqlite'}"
    made = subprocess.run([sys.executable, "-m", "sync_server", "agent", "alice", "--team", "network",
                           "--team", "identity", "--database-url", url], input=PASSWORD + "\n",
                          capture_output=True, text=True, cwd=REPO)
    assert made.returncode == 0, made.stderr
    assert "answer for network, identity" in made.stdout
    short = subprocess.run([sys.executable, "-m", "sync_server", "agent", "bob", "--team", "network",
                            "--database-url", url], input="short\n", capture_output=True, text=True, cwd=REPO)
    assert short.returncode == 2 and "at least 12 characters" in short.stderr
    none = subprocess.run([sys.executable, "-m", "sync_server", "agent", "carol", "--database-url", url],
                          input=PASSWORD + "\n", capture_output=True, text=True, cwd=REPO)
    assert none.returncode == 2 and "--team" in none.stderr


def test_the_dashboard_shows_live_chat_waits_and_abandonment(desk):
    chats = desk.app.app.state.handoff.chats
    answered = chats.start("install-1", "network", "en", "vpn drops", {})["id"]
    chats.take(answered, 1, "alice", ["network"])
    chats.end(answered, "alice", agent_id=1)
    left = chats.start("install-2", "network", "fr", "wifi", {})["id"]
    chats.end(left, "employee")
    assert chats.get(left)["state"] == "abandoned" and chats.get(answered)["transcript_state"] == "pending"
    reply = desk.client.post("/admin/login", content=f"token={desk.admin_token}", follow_redirects=False,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    page = desk.client.get("/admin", cookies=reply.cookies).text
    assert "Live chat with the helpdesk" in page and "2 conversations, 1 answered by an agent" in page
    assert "left before an answer" in page and "<td class=t>alice</td><td class=n>1</td>" in page
    assert "50% left before an answer" in page


def test_a_conversation_about_a_ticket_becomes_one_comment_on_it(pg_url, tmp_path, monkeypatch):
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    token = require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker")
    monkeypatch.setenv("HELPDESK_RT_TOKEN", token)
    headers = {"Authorization": f"token {token}"}
    ticket = str(requests.post(f"{rt}/REST/2.0/ticket", headers=headers, json={
        "Queue": "General", "Subject": "Laptop will not charge", "Content": "since Monday"}).json()["id"])
    harness = make_harness(pg_url, tmp_path / "storage", rate=0, rt_url=rt)
    chats, sender = harness.app.app.state.handoff.chats, harness.app.app.state.handoff.transcripts
    sender.stop()
    add_agent(harness.db, "alice", ["service-desk"], PASSWORD)
    conv = chats.start("install-3", "service-desk", "en", "Laptop will not charge", {}, ticket_ref=ticket)["id"]
    chats.take(conv, 1, "alice", ["service-desk"])
    chats.add(conv, "agent", "alice", "text", "Bring it to desk 2, we have a spare charger.")
    chats.end(conv, "alice", agent_id=1)
    assert sender.flush() == 1
    with harness.db.transaction() as tx:          # as if the replica died before recording it
        tx.execute("UPDATE conversations SET transcript_state = 'pending' WHERE id = ?", (conv,))
    assert sender.flush() == 1
    history = requests.get(f"{rt}/REST/2.0/ticket/{ticket}/history", headers=headers,
                           params={"fields": "Type,Data", "per_page": 100}).json()["items"]
    comments = [h for h in history if h["Type"] == "Comment"]
    assert [c["Data"].strip() for c in comments] == [f"Live chat {conv}"]
    assert chats.get(conv)["transcript_ticket"] == ticket
    harness.app.app.state.handoff.close()
    harness.db.close()
