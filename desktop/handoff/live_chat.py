"""One employee's live conversation with the helpdesk, kept on disk so nothing is lost.

    chat = LiveChat(client, home / "live_chat.json", on_event=print)   # client: the install's SyncClient
    chat.availability("network")      # {"agents_available": 2, "waiting": 1, "estimate_seconds": 60}
    chat.start("my vpn drops", team="network", lang="en", employee="Marie", computer={…})
    chat.send("It drops every 10 minutes")     # numbered, kept until the server acknowledges it
    chat.end()

A background thread follows the conversation: over a WebSocket when it can, by long
polling when a proxy refuses WebSockets, reconnecting with a growing pause when the network
or the server goes away. Events reach `on_event` (from that thread):

    {"type": "message", "seq": 7, "sender": "agent", "author": "Alice", "kind": "text", "text": …}
    {"type": "delivered", "n": 3, "seq": 8}      one of ours reached the server
    {"type": "state", "state": "waiting", "position": 2, "estimate_seconds": 120, "agent": ""}
    {"type": "typing"}   {"type": "link", "online": False}   {"type": "error", "message": …}

Messages are numbered by the server; each is passed on once (`after` is saved with it), so
a reconnect, a server restart or an app restart never shows one twice. What the employee
writes gets their own number `n` and stays in the outbox file until acknowledged, and is
sent again after any reconnect; the server stores each number once.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from pathlib import Path
from typing import Callable

import requests

from desktop.http_body import BodyTooLarge, BodyTooSlow, loads, read_body
from desktop.sync.client import ServerUnreachable, SyncClient, _message

log = logging.getLogger("desktop.handoff")
MAX_REPLY = 512 * 1024
MAX_FRAME = 256 * 1024
MAX_TEXT = 4000
POLL_WAIT = 25
KEEP_MESSAGES = 500
OVER = ("ended", "abandoned")
TRANSCRIPT_WAIT = 600.0          # after an agent ends it, seconds to wait for the ticket that keeps it


class ChatRefused(Exception):
    """The server said no (the message says why, for people)."""


class LiveChat:
    def __init__(self, client: SyncClient | None, path: Path, on_event: Callable[[dict], None] = lambda e: None,
                 connect_timeout: float = 10.0) -> None:
        self.client, self.path, self.on_event = client, Path(path), on_event
        self.connect_timeout = connect_timeout
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._socket = None
        self.polling_until = 0.0               # long polling until then (a proxy refused the WebSocket)
        self.online = False
        self.data = self._load()

    # -- the file -----------------------------------------------------------------------
    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                return data
        except (OSError, ValueError):
            pass
        return {}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(self.data), encoding="utf-8")
        os.replace(temporary, self.path)

    @property
    def conversation(self) -> str:
        return self.data.get("id", "")

    @property
    def active(self) -> bool:
        return bool(self.conversation) and self.data.get("state", {}).get("state") not in OVER

    @property
    def following(self) -> bool:
        """Worth following: open, or just ended by an agent and its ticket number not known yet."""
        if self.active:
            return True
        return (self.data.get("state", {}).get("state") == "ended" and not self.data.get("ticket")
                and time.time() - float(self.data.get("ended_at", 0)) < TRANSCRIPT_WAIT)

    @property
    def ticket(self) -> str:
        """The ticket that keeps the ended conversation ("" until the helpdesk says)."""
        return str(self.data.get("ticket", ""))

    @property
    def messages(self) -> list[dict]:
        return list(self.data.get("messages", []))

    @property
    def outbox(self) -> list[dict]:
        return list(self.data.get("outbox", []))

    @property
    def state(self) -> dict:
        return dict(self.data.get("state", {}))

    # -- HTTP ---------------------------------------------------------------------------
    def _http(self, method: str, path: str, payload: dict | None = None, params: dict | None = None,
              timeout: float | None = None) -> dict:
        client = self.client
        if client is None:
            raise ServerUnreachable("live chat needs the helpdesk server (policy [sync] url)")
        timeout = timeout or client.timeout
        deadline = time.monotonic() + timeout + 5
        try:
            reply = client.session.request(method, f"{client.base}{path}", json=payload, params=params,
                                           headers=client.headers, timeout=timeout, stream=True,
                                           allow_redirects=False)
            read_body(reply, MAX_REPLY, deadline)
        except (BodyTooLarge, BodyTooSlow, requests.RequestException) as exc:
            raise ServerUnreachable(f"cannot reach the helpdesk server: {exc.__class__.__name__}") from None
        if reply.status_code >= 500 or reply.status_code == 429:
            raise ServerUnreachable(f"the helpdesk server is failing ({reply.status_code})")
        if reply.status_code >= 300:
            raise ChatRefused(_message(reply)[:300])
        try:
            found = loads(reply.content)
        except ValueError:
            raise ServerUnreachable("the helpdesk server sent an unreadable reply") from None
        if not isinstance(found, dict):
            raise ServerUnreachable("the helpdesk server sent an unreadable reply")
        return found

    def availability(self, team: str = "") -> dict:
        found = self._http("GET", "/v1/handoff/availability", params={"team": team})
        estimate = found.get("estimate_seconds")
        return {"agents_available": _count(found.get("agents_available")), "waiting": _count(found.get("waiting")),
                "estimate_seconds": _count(estimate) if estimate is not None else None}

    def start(self, question: str, team: str = "", lang: str = "en", employee: str = "",
              answers: list[dict] = (), steps: list[str] = (), computer: dict | None = None, ticket: str = "") -> dict:
        """Queue a conversation with the helpdesk (the install's open one when it has one) and follow it."""
        found = self._http("POST", "/v1/handoff/conversations", {
            "question": question.strip()[:2000], "team": team, "lang": lang, "employee": employee[:120],
            "answers": list(answers)[:10], "steps": [s[:200] for s in steps][:30],
            "computer": {str(k)[:40]: str(v)[:200] for k, v in (computer or {}).items()}, "ticket": ticket})
        conv_id = found.get("id")
        if not isinstance(conv_id, str) or not conv_id or len(conv_id) > 64:
            raise ServerUnreachable("the helpdesk server sent an unreadable reply")
        with self._lock:
            if conv_id != self.conversation:
                self.data = {"id": conv_id, "after": 0, "next_n": 1, "outbox": [], "messages": [],
                             "question": question.strip()[:2000], "state": {}}
            self._save()
        self.follow()
        return found

    # -- writing ------------------------------------------------------------------------
    def send(self, text: str) -> int:
        """Queue one message; its number (`delivered` names it once the server has it)."""
        text = text.strip()[:MAX_TEXT]
        with self._lock:
            if not text or not self.active:
                return 0
            number = int(self.data.get("next_n", 1))
            self.data["next_n"] = number + 1
            self.data.setdefault("outbox", []).append({"n": number, "text": text})
            self._save()
        self._push({"type": "message", "n": number, "text": text})
        return number

    def typing(self) -> None:
        if self.active:
            self._push({"type": "typing"}, keep=False)

    def end(self) -> None:
        with self._lock:
            if not self.active:
                return
            self.data["ending"] = True
            self._save()
        self._push({"type": "end"})

    def forget(self) -> None:
        """After an ended conversation has been read: the next one starts afresh."""
        self.stop()
        with self._lock:
            self.data = {}
            try:
                self.path.unlink()
            except OSError:
                pass

    def _push(self, frame: dict, keep: bool = True) -> None:
        socket = self._socket
        if socket is not None:
            try:
                socket.send(json.dumps(frame))
                return
            except Exception:  # noqa: BLE001 - the follower reconnects and sends the outbox again
                pass
        if self.polling_until > time.monotonic() or not keep:
            threading.Thread(target=self._post_frame, args=(frame,), daemon=True).start()

    def _post_frame(self, frame: dict) -> None:
        try:
            found = self._http("POST", f"/v1/handoff/conversations/{self.conversation}/frames", frame)
        except (ServerUnreachable, ChatRefused):
            return                                  # sent again from the outbox when the link is back
        for event in found.get("events", []) if isinstance(found.get("events"), list) else []:
            self._handle(event)

    def _resend(self, send: Callable[[dict], None]) -> None:
        for item in self.outbox:
            send({"type": "message", "n": item["n"], "text": item["text"]})
        if self.data.get("ending"):
            send({"type": "end"})

    # -- following ----------------------------------------------------------------------
    def follow(self) -> None:
        """Follow the conversation in the background (again after a restart)."""
        if not self.following or (self._thread is not None and self._thread.is_alive()):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="live-chat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        socket = self._socket
        if socket is not None:
            try:
                socket.close()
            except Exception:  # noqa: BLE001
                pass
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    def _link(self, online: bool) -> None:
        if online != self.online:
            self.online = online
            self.on_event({"type": "link", "online": online})

    def _run(self) -> None:
        pause = 1.0
        while not self._stop.is_set() and self.following:
            try:
                if self.polling_until > time.monotonic():
                    self._poll()
                else:
                    self._socket_session()
                pause = 1.0
            except _ProxyRefused:
                log.info("the WebSocket was refused on the way; following by long polling")
                self.polling_until = time.monotonic() + 600
            except (ServerUnreachable, OSError, TimeoutError) as exc:
                log.info("live chat link lost: %s", exc)
                self._link(False)
                self._stop.wait(pause)
                pause = min(pause * 2, 30.0)
            except ChatRefused as exc:
                self.on_event({"type": "error", "message": str(exc)})
                self._stop.wait(30)

    def _socket_session(self) -> None:
        from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
        from websockets.sync.client import connect

        client = self.client
        if client is None:
            raise ServerUnreachable("no helpdesk server")
        url = client.base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        url += f"/v1/handoff/conversations/{self.conversation}/live?after={int(self.data.get('after', 0))}"
        try:
            socket = connect(url, additional_headers=client.headers, open_timeout=self.connect_timeout,
                             max_size=MAX_FRAME, close_timeout=2, user_agent_header=client.headers.get("User-Agent"))
        except InvalidStatus as exc:
            status = exc.response.status_code
            if status in (401, 403, 404) and self._reachable_by_http():
                raise _ProxyRefused() from None
            raise ServerUnreachable(f"the WebSocket was refused ({status})") from None
        except InvalidHandshake:
            if self._reachable_by_http():
                raise _ProxyRefused() from None
            raise ServerUnreachable("the WebSocket handshake failed") from None
        with socket:
            self._socket = socket
            try:
                self._resend(lambda frame: socket.send(json.dumps(frame)))
                self._link(True)
                while not self._stop.is_set() and self.following:
                    try:
                        raw = socket.recv(timeout=60)
                    except TimeoutError:
                        raise ServerUnreachable("the helpdesk server went quiet") from None
                    if isinstance(raw, str):
                        try:
                            self._handle(json.loads(raw))
                        except ValueError:
                            pass
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code in (4401, 4404):
                    raise ChatRefused("the helpdesk server no longer knows this conversation") from None
                raise ServerUnreachable("the connection closed") from None
            finally:
                self._socket = None

    def _reachable_by_http(self) -> bool:
        try:
            self._http("GET", f"/v1/handoff/conversations/{self.conversation}/events",
                       params={"after": int(self.data.get("after", 0)), "wait": 0})
            return True
        except (ServerUnreachable, ChatRefused):
            return False

    def _poll(self) -> None:
        self._resend(self._post_frame)
        found = self._http("GET", f"/v1/handoff/conversations/{self.conversation}/events",
                           params={"after": int(self.data.get("after", 0)), "wait": POLL_WAIT},
                           timeout=POLL_WAIT + 15)
        self._link(True)
        for event in found.get("events", []) if isinstance(found.get("events"), list) else []:
            self._handle(event)

    # -- events -------------------------------------------------------------------------
    def _handle(self, event) -> None:
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return
        kind = event["type"]
        if kind == "message":
            self._message(event)
        elif kind == "ack":
            if isinstance(event.get("n"), int):
                self._delivered(event["n"], event.get("seq"))
        elif kind == "state":
            state = {k: event.get(k) for k in ("state", "team", "agent", "position", "estimate_seconds")}
            if not isinstance(state["state"], str):
                return
            with self._lock:
                self.data["state"] = state
                if state["state"] in OVER:
                    self.data["outbox"], self.data["ending"] = [], False
                    self.data.setdefault("ended_at", time.time())
                self._save()
            self.on_event({"type": "state", **state})
        elif kind in ("typing", "error"):
            self.on_event({"type": kind, "message": str(event.get("message", ""))[:300]})

    def _message(self, event: dict) -> None:
        seq = event.get("seq")
        if not isinstance(seq, int):
            return
        message = {k: str(event.get(k, ""))[:MAX_TEXT] for k in ("sender", "author", "kind", "text", "ref", "at")}
        message["seq"] = seq
        with self._lock:
            if seq <= int(self.data.get("after", 0)):
                return                                      # shown already
            self.data["after"] = seq
            mine = message["sender"] == "employee" and isinstance(event.get("n"), int) and event["n"] > 0
            if mine:
                message["n"] = event["n"]
            if message["kind"] == "transcript" and message["text"].isdigit():
                self.data["ticket"] = message["text"]
            self.data.setdefault("messages", []).append(message)
            self.data["messages"] = self.data["messages"][-KEEP_MESSAGES:]
            if mine:
                self.data["outbox"] = [m for m in self.data.get("outbox", []) if m["n"] != event["n"]]
            self._save()
        self.on_event({"type": "delivered", "n": event["n"], "seq": seq} if mine else {"type": "message", **message})

    def _delivered(self, number: int, seq) -> None:
        with self._lock:
            before = len(self.data.get("outbox", []))
            self.data["outbox"] = [m for m in self.data.get("outbox", []) if m["n"] != number]
            if len(self.data["outbox"]) == before:
                return
            self._save()
        self.on_event({"type": "delivered", "n": number, "seq": seq})


class _ProxyRefused(Exception):
    """The server answers HTTP but something on the way refuses WebSockets."""


def _count(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10 ** 7 else 0
