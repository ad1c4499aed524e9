"""The live-chat bench's parties: the real server in a subprocess (pinned to one core),
employees and agents on its WebSockets or long polling, and the tally of what each sent and
received."""
from __future__ import annotations

import asyncio
import json
import random
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.handoff_probes import cpu_of

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench agent password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]

class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, target: str, headers: dict | None = None, body: bytes = b"",
                      timeout: float = 60.0) -> tuple[int, dict, bytes]:
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = [f"{method} {target} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", f"Content-Length: {len(body)}"]
            head += [f"{k}: {v}" for k, v in (headers or {}).items()]
            self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            return await asyncio.wait_for(self._response(), timeout)
        except BaseException:
            self.close()
            raise

    async def _response(self) -> tuple[int, dict, bytes]:
        line = await self.reader.readline()
        if not line:
            raise ConnectionError("the server closed the connection")
        status = int(line.split()[1])
        headers: dict[str, list[str]] = {}
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            key, _, value = line.decode("latin-1").partition(":")
            headers.setdefault(key.strip().lower(), []).append(value.strip())
        if "content-length" in headers:
            body = await self.reader.readexactly(int(headers["content-length"][0]))
        elif "chunked" in ",".join(headers.get("transfer-encoding", [])):
            body = b""
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.read()
        if "close" in ",".join(headers.get("connection", [])).lower():
            self.close()
        return status, headers, body

class Server:
    """`python -m sync_server serve` pinned to core 1; started again on the same port."""

    def __init__(self, database_url: str, work: Path, profile: Path | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.work, self.profile = work, profile
        self.command = ["-m", "sync_server", "serve",
                        "--database-url", database_url, "--storage", str(work / "storage"),
                        "--port", str(self.port), "--rate-limit", "0",
                        "--enrolments-per-address", "100000", "--enrolments-per-hour", "100000"]
        self.process: subprocess.Popen | None = None
        self.starts = 0

    async def start(self) -> float:
        """Start and wait for /healthz; seconds it took."""
        self.starts += 1
        began = time.time()
        log = open(self.work / f"server-{self.starts}.log", "wb")
        wrapper = ["-m", "bench.handoff_bench", "profile", f"{self.profile}-{self.starts}"] if self.profile else []
        self.process = subprocess.Popen(["taskset", "-c", "1", sys.executable, *wrapper, *self.command], cwd=ROOT,
                                        stdout=log, stderr=subprocess.STDOUT)
        http = Http(self.port)
        while time.time() - began < 180:
            if self.process.poll() is not None:
                break
            try:
                status, _, _ = await http.request("GET", "/healthz", timeout=30)
                if status == 200:
                    http.close()
                    return time.time() - began
            except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError):
                await asyncio.sleep(0.05)
        raise RuntimeError("the server did not start:\n" + self.log_tail())

    def log_tail(self) -> str:
        return (self.work / f"server-{self.starts}.log").read_text(errors="replace")[-3000:]

    def cpu(self) -> float:
        return cpu_of(self.process.pid)

    async def stop(self, timeout: float = 60.0) -> float:
        """SIGTERM and wait for the process to end (SIGKILL after `timeout`); seconds it took."""
        began = time.time()
        self.process.send_signal(signal.SIGTERM)
        while self.process.poll() is None:
            if time.time() - began > timeout:
                self.process.kill()
            await asyncio.sleep(0.05)
        return time.time() - began

class Tally:
    def __init__(self) -> None:
        self.latencies: list[tuple[str, float, float, float]] = []   # (direction, sent, received, latency)
        self.replayed = {"employee": 0, "agent": 0}          # a seq already seen, sent again by the server
        self.errors: list[str] = []

class Chat:
    """One conversation, as its employee and its agent see it. Directions: "e" employee to
    agent, "a" agent to employee; each message of a direction has its own number k."""

    def __init__(self, index: int, team: str) -> None:
        self.index, self.team = index, team
        self.id = ""
        self.credential = ""
        self.agent: AgentClient | None = None
        self.active = asyncio.Event()
        self.sent: dict[str, dict[int, float]] = {"e": {}, "a": {}}
        self.got: dict[str, dict[int, float]] = {"e": {}, "a": {}}
        self.twice = {"e": 0, "a": 0}                         # the same message under two numbers
        self.e_after, self.e_seen, self.e_next = 0, set(), 1
        self.e_unacked: dict[int, str] = {}
        self.a_after, self.a_seen, self.a_next = 0, set(), 1
        self.back_at = 0.0                                    # first answer after the restart
        self.wake = asyncio.Event()                           # long polling: something to POST
        self.ws = None

class AgentClient:
    def __init__(self, index: int, team: str) -> None:
        self.index, self.team = index, team
        self.name = f"agent{index:02d}"
        self.cookie = ""
        self.chats: list[Chat] = []
        self.next_n = 1
        self.unacked: dict[int, dict] = {}
        self.ws = None
        self.connected = asyncio.Event()
        self.back_at = 0.0

class Load:
    def __init__(self, server: Server, transport: str, chats: list[Chat], agents: list[AgentClient]) -> None:
        self.server, self.transport, self.chats, self.agents = server, transport, chats, agents
        self.by_id: dict[str, Chat] = {}
        self.tally = Tally()
        self.stop = False
        self.sending = False
        self.restart_at = 0.0                                  # SIGTERM time; 0 before
        self.tasks: list[asyncio.Task] = []

    # -- what arrives ----------------------------------------------------------------------
    def _record(self, chat: Chat, direction: str, text: str, received: float) -> None:
        parts = text.split()
        if len(parts) != 5 or parts[0] != "bench" or parts[1] != direction:
            return
        k, sent = int(parts[3]), float(parts[4])
        if k in chat.got[direction]:
            chat.twice[direction] += 1
            return
        chat.got[direction][k] = received
        self.tally.latencies.append((direction, sent, received, received - sent))

    def employee_event(self, chat: Chat, event: dict, received: float) -> None:
        kind = event.get("type")
        if kind == "message":
            seq = int(event["seq"])
            if seq in chat.e_seen:
                self.tally.replayed["employee"] += 1
                return
            chat.e_seen.add(seq)
            chat.e_after = max(chat.e_after, seq)
            if event.get("sender") == "agent":
                self._record(chat, "a", event.get("text", ""), received)
        elif kind == "state":
            if event.get("state") == "active":
                chat.active.set()
        elif kind == "ack":
            chat.e_unacked.pop(event.get("n"), None)
        elif kind == "error":
            self.tally.errors.append(f"employee {chat.index}: {event.get('message')}")

    def agent_event(self, agent: AgentClient, event: dict, received: float) -> None:
        kind = event.get("type")
        if kind == "message":
            chat = self.by_id.get(event.get("conversation", ""))
            if chat is None:
                return
            seq = int(event["seq"])
            if seq in chat.a_seen:
                self.tally.replayed["agent"] += 1          # the console drops these by seq
                return
            chat.a_seen.add(seq)
            chat.a_after = max(chat.a_after, seq)
            if event.get("sender") == "employee":
                self._record(chat, "e", event.get("text", ""), received)
        elif kind == "ack":
            agent.unacked.pop(event.get("n"), None)
        elif kind == "error":
            self.tally.errors.append(f"{agent.name}: {event.get('message')}")

    def _back(self, who) -> None:
        if self.restart_at and not who.back_at:
            who.back_at = time.time()

    # -- employees: WebSocket --------------------------------------------------------------
    async def employee_ws(self, chat: Chat) -> None:
        delay = 0.25
        while not self.stop:
            url = (f"ws://127.0.0.1:{self.server.port}/v1/handoff/conversations/{chat.id}/live"
                   f"?after={chat.e_after}")
            try:
                async with connect(url, additional_headers={"Authorization": f"Bearer {chat.credential}"},
                                   proxy=None, open_timeout=30, ping_interval=None, max_size=256 * 1024) as ws:
                    chat.ws = ws
                    self._back(chat)
                    delay = 0.25
                    for n, text in sorted(chat.e_unacked.items()):
                        await ws.send(json.dumps({"type": "message", "n": n, "text": text}))
                    async for raw in ws:
                        self.employee_event(chat, json.loads(raw), time.time())
            except (ConnectionClosed, InvalidHandshake, OSError, asyncio.TimeoutError):
                pass
            chat.ws = None
            if not self.stop:
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 2.0)

    # -- employees: long polling -----------------------------------------------------------
    async def employee_poll(self, chat: Chat) -> None:
        http, delay = Http(self.server.port), 0.25
        auth = {"Authorization": f"Bearer {chat.credential}"}
        try:
            while not self.stop:
                try:
                    status, _, body = await http.request("GET", f"/v1/handoff/conversations/{chat.id}/events?after={chat.e_after}&wait=25", auth)
                    if status != 200:
                        raise ConnectionError(f"HTTP {status}")
                    received = time.time()
                    self._back(chat)
                    delay = 0.25
                    for event in json.loads(body)["events"]:
                        self.employee_event(chat, event, received)
                except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                    if not self.stop:
                        await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                        delay = min(delay * 2, 2.0)
        finally:
            http.close()

    async def employee_poster(self, chat: Chat) -> None:
        """Long polling's other half: POST what is not acknowledged yet, again until it is."""
        http, delay = Http(self.server.port), 0.25
        headers = {"Authorization": f"Bearer {chat.credential}", "Content-Type": "application/json"}
        try:
            while not self.stop:
                if not chat.e_unacked:
                    chat.wake.clear()
                    await chat.wake.wait()
                    continue
                n = min(chat.e_unacked)
                frame = json.dumps({"type": "message", "n": n, "text": chat.e_unacked[n]}).encode()
                try:
                    status, _, body = await http.request("POST", f"/v1/handoff/conversations/{chat.id}/frames",
                                                         headers, frame)
                    if status != 200:
                        raise ConnectionError(f"HTTP {status}")
                    self._back(chat)
                    delay = 0.25
                    for event in json.loads(body)["events"]:
                        self.employee_event(chat, event, time.time())
                    if n in chat.e_unacked:          # answered without its acknowledgement
                        self.tally.errors.append(f"employee {chat.index}: no ack for n={n}")
                        chat.e_unacked.pop(n)
                except (OSError, ConnectionError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError):
                    if not self.stop:
                        await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                        delay = min(delay * 2, 2.0)
        finally:
            http.close()

    # -- agents ----------------------------------------------------------------------------
    async def agent_ws(self, agent: AgentClient) -> None:
        delay, first = 0.25, True
        while not self.stop:
            try:
                # What it has, in the URL (read before anything is sent) and in a hello frame.
                seq = json.dumps({c.id: c.a_after for c in agent.chats if c.a_after}, separators=(",", ":"))
                async with connect(f"ws://127.0.0.1:{self.server.port}/agent/live?{urlencode({'seq': seq})}",
                                   origin=self.server.url,
                                   additional_headers={"Cookie": f"hd_agent={agent.cookie}"}, proxy=None,
                                   open_timeout=30, ping_interval=None, max_size=4 * 1024 * 1024) as ws:
                    await ws.send(json.dumps({"type": "hello", "seq": {c.id: c.a_after for c in agent.chats
                                                                       if c.a_after}}))
                    if first:
                        await ws.send(json.dumps({"type": "available", "on": True}))
                        first = False
                    agent.ws = ws
                    agent.connected.set()
                    self._back(agent)
                    delay = 0.25
                    for frame in [f for _, f in sorted(agent.unacked.items())]:
                        await ws.send(json.dumps(frame))
                    async for raw in ws:
                        self.agent_event(agent, json.loads(raw), time.time())
            except (ConnectionClosed, InvalidHandshake, OSError, asyncio.TimeoutError):
                pass
            agent.ws = None
            if not self.stop:
                await asyncio.sleep(delay * random.uniform(0.5, 1.0))
                delay = min(delay * 2, 2.0)

    # -- talking ---------------------------------------------------------------------------
    async def employee_says(self, chat: Chat) -> None:
        k = chat.e_next
        chat.e_next += 1
        sent = time.time()
        text = f"bench e {chat.index} {k} {sent:.6f}"
        chat.sent["e"][k] = sent
        chat.e_unacked[k] = text
        if self.transport == "websocket":
            ws = getattr(chat, "ws", None)
            if ws is not None:
                try:
                    await ws.send(json.dumps({"type": "message", "n": k, "text": text}))
                except ConnectionClosed:
                    pass                               # sent again after the reconnect
        else:
            chat.wake.set()

    async def agent_says(self, agent: AgentClient, chat: Chat) -> None:
        k = chat.a_next
        chat.a_next += 1
        n = agent.next_n
        agent.next_n += 1
        sent = time.time()
        frame = {"type": "message", "conversation": chat.id, "n": n, "text": f"bench a {chat.index} {k} {sent:.6f}"}
        chat.sent["a"][k] = sent
        agent.unacked[n] = frame
        if agent.ws is not None:
            try:
                await agent.ws.send(json.dumps(frame))
            except ConnectionClosed:
                pass

    async def talker(self, interval: float, say) -> None:
        await asyncio.sleep(random.uniform(0, interval))
        while self.sending:
            await say()
            await asyncio.sleep(interval * random.uniform(0.5, 1.5))

async def gather_limited(coros, limit: int = 16):
    semaphore = asyncio.Semaphore(limit)

    async def one(coro):
        async with semaphore:
            return await coro
    return await asyncio.gather(*(one(c) for c in coros))
