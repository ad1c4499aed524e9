"""Live chat under load: conversations and agents on one server core, delivery latency each
way, and every message stored and delivered exactly once across a server restart; the
employees' WebSocket against their long-polling fallback, in the same run.

    set -a; . .ci/env; set +a            # HELPDESK_TEST_PG_URL (`bash .ci/services/postgres.sh` once)
    .venv/bin/python -m bench.handoff_bench [--conversations 500 --agents 50 --seconds 60]
        [--peer-conversations 100] [--interval 3] [--runs 1] [--no-write]

Each scenario (WebSocket and long polling at `--conversations`, then both again at
`--peer-conversations`, a load one core carries on long polling too) runs on a fresh
PostgreSQL schema: the real server (`python -m sync_server serve`) in a subprocess pinned to
core 1 (`taskset -c 1`; PostgreSQL runs as its own processes, on either core), and every
client in this process, one asyncio event loop pinned to core 0:

- agents over ~5 teams, each signed in (POST /agent/login) on /agent/live, available, and
  taking its share of its team's queue;
- employees, each with its own install credential (POST /v1/enrolments), each starting a
  conversation (POST /v1/handoff/conversations) and following it: over
  /v1/handoff/conversations/{id}/live, or by long polling (GET …/events?wait=25, POST …/frames);
- then every employee and every agent writes in each of its conversations about every
  `--interval` seconds (randomised ±50%), each message carrying its send time; delivery
  latency = receive time - send time, per direction;
- halfway, the server gets SIGTERM and starts again on the same port and database; clients
  reconnect (employees with ?after=<last seq seen>, agents with ?seq= and a "hello" carrying
  theirs) and send again what was not acknowledged, with the same number;
- at the end, per conversation and direction: every message sent is stored once (read from
  the database) and was received once by the other party.

Latency percentiles, rates and CPU are over the steady parts (before the SIGTERM, and after
everything sent until every client was back has arrived); the messages caught by the restart
are counted apart. Server CPU is the server process's utime+stime (/proc/PID/stat). Rewrites
the "Live chat" section of bench/RESULTS.md. `--profile PREFIX` runs the server under
cProfile (CPU time, every thread), `HB_TIMELINE=1` prints latency and CPU per 5 s.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from bench.results_file import write_section

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- handoff:start -->", "<!-- handoff:end -->"
TEAMS = ("printing", "network", "accounts", "hardware", "software")
PASSWORD = "bench agent password"
TICK = os.sysconf("SC_CLK_TCK")
TRANSPORTS = ("websocket", "long polling")
DRAIN = 45.0                 # seconds to wait, after the last message, for everything to arrive


# -- measuring ------------------------------------------------------------------------------
def cpu_of(pid: int, children: bool = False) -> float:
    """utime+stime of a process in seconds (and of its reaped children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + ((int(fields[13]) + int(fields[14])) if children else 0)
    return ticks / TICK


def postgres_cpu() -> float:
    """CPU seconds of every PostgreSQL process, backends that exited included (the
    postmaster's reaped children)."""
    total = 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        if "(postgres)" not in stat:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        parent = fields[1]
        try:
            is_postmaster = "(postgres)" not in Path(f"/proc/{parent}/stat").read_text()
        except OSError:
            is_postmaster = True
        total += cpu_of(int(entry.name), children=is_postmaster)
    return total


def core_busy(core: int = 1) -> float:
    """Seconds core `core` has spent not idle (anyone's work: the server, PostgreSQL, others)."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            ticks = [int(x) for x in line.split()[1:]]
            return (sum(ticks[:8]) - ticks[3] - ticks[4]) / TICK
    return 0.0


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- a small HTTP/1.1 client (keep-alive; lighter than a full client for 1,000 sockets) -----
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


# -- the server -----------------------------------------------------------------------------
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


# -- the clients ----------------------------------------------------------------------------
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
                    status, _, body = await http.request(
                        "GET", f"/v1/handoff/conversations/{chat.id}/events?after={chat.e_after}&wait=25", auth)
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


async def cpu_samples(server: Server, samples: list[tuple], stop) -> None:
    """(time, server pid, server CPU, PostgreSQL CPU, own CPU) every 0.25 s."""
    while not stop():
        process = server.process
        if process is not None and process.poll() is None:
            samples.append((time.time(), process.pid, cpu_of(process.pid), postgres_cpu(), own_cpu(), core_busy()))
        await asyncio.sleep(0.25)


def cpu_between(samples: list[tuple], start: float, end: float) -> tuple[float, ...]:
    """CPU seconds (server, PostgreSQL, clients, core 1 busy) and wall seconds from the first
    sample at or after `start` to the last at or before `end`, both of the same server process."""
    inside = [x for x in samples if start <= x[0] <= end]
    if len(inside) < 2 or inside[0][1] != inside[-1][1]:
        return 0.0, 0.0, 0.0, 0.0, 0.0
    first, last = inside[0], inside[-1]
    return (last[2] - first[2], last[3] - first[3], last[4] - first[4], last[5] - first[5], last[0] - first[0])


async def loop_lag(samples: list[float], stop) -> None:
    """How late this process's event loop wakes a 20 ms sleep: the clients' own queueing."""
    while not stop():
        began = time.perf_counter()
        await asyncio.sleep(0.02)
        samples.append(time.perf_counter() - began - 0.02)


# -- one run --------------------------------------------------------------------------------
async def gather_limited(coros, limit: int = 16):
    semaphore = asyncio.Semaphore(limit)

    async def one(coro):
        async with semaphore:
            return await coro
    return await asyncio.gather(*(one(c) for c in coros))


def fresh_schema(pg_url: str) -> tuple[str, callable]:
    """A URL whose search_path is a new, empty schema, and a function that drops it."""
    import psycopg

    schema = "bench_" + secrets.token_hex(6)
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}", drop


async def run_once(transport: str, conversations: int, agent_count: int, args, pg_url: str) -> dict:
    from sync_server.db import Database
    from sync_server.handoff.agents import add_agent

    db_url, drop = fresh_schema(pg_url)
    work = Path(tempfile.mkdtemp(prefix="handoff-bench-"))
    server = Server(db_url, work, Path(f"{args.profile}-{transport.replace(' ', '-')}") if args.profile else None)
    load: Load | None = None
    try:
        # The fleet's enrolment token from the command line; the agents' accounts with the
        # functions the `agent` command calls (scrypt-hashed passwords, on the same database).
        fleet = subprocess.run([sys.executable, "-m", "sync_server", "token", "device", "--label", "fleet",
                                "--database-url", db_url], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout.strip().splitlines()[-1]
        teams = TEAMS[:max(1, min(len(TEAMS), agent_count))]
        agents = [AgentClient(i, teams[i % len(teams)]) for i in range(agent_count)]
        db = Database.connect(db_url)
        for agent in agents:
            add_agent(db, agent.name, [agent.team], PASSWORD)
        db.close()
        await server.start()
        chats = [Chat(i, teams[i % len(teams)]) for i in range(conversations)]
        load = Load(server, transport, chats, agents)
        setup_began = time.time()

        async def enrol(chat: Chat, http_pool: asyncio.Queue) -> None:
            http = await http_pool.get()
            try:
                status, _, body = await http.request("POST", "/v1/enrolments",
                                                     {"Authorization": f"Bearer {fleet}"})
                assert status == 201, (status, body[:300])
                chat.credential = json.loads(body)["credential"]
                status, _, body = await http.request(
                    "POST", "/v1/handoff/conversations",
                    {"Authorization": f"Bearer {chat.credential}", "Content-Type": "application/json"},
                    json.dumps({"question": f"question {chat.index}: my {chat.team} does not work",
                                "team": chat.team, "employee": f"Employee {chat.index}"}).encode())
                assert status == 201, (status, body[:300])
                chat.id = json.loads(body)["id"]
                load.by_id[chat.id] = chat
            finally:
                await http_pool.put(http)

        pool: asyncio.Queue = asyncio.Queue()
        for _ in range(8):
            pool.put_nowait(Http(server.port))
        await asyncio.gather(*(enrol(c, pool) for c in chats))

        async def login(agent: AgentClient) -> None:
            http = await pool.get()
            try:
                status, headers, body = await http.request(
                    "POST", "/agent/login", {"Origin": server.url,
                                             "Content-Type": "application/x-www-form-urlencoded"},
                    urlencode({"name": agent.name, "password": PASSWORD}).encode())
                assert status == 303, (status, body[:300])
                cookie = next(c for c in headers["set-cookie"] if c.startswith("hd_agent="))
                agent.cookie = cookie.split(";", 1)[0].split("=", 1)[1]
            finally:
                await pool.put(http)
        await asyncio.gather(*(login(a) for a in agents))
        while not pool.empty():
            pool.get_nowait().close()

        # Each agent takes its share of its team's queue, round robin, as a team would.
        for team in teams:
            members = [a for a in agents if a.team == team]
            for j, chat in enumerate(c for c in chats if c.team == team):
                chat.agent = members[j % len(members)]
                chat.agent.chats.append(chat)
        for chat in chats:
            load.tasks.append(asyncio.create_task(
                load.employee_ws(chat) if transport == "websocket" else load.employee_poll(chat)))
            if transport != "websocket":
                load.tasks.append(asyncio.create_task(load.employee_poster(chat)))
        for agent in agents:
            load.tasks.append(asyncio.create_task(load.agent_ws(agent)))
        await asyncio.wait_for(asyncio.gather(*(a.connected.wait() for a in agents)), 120)
        for agent in agents:
            for chat in agent.chats:
                await agent.ws.send(json.dumps({"type": "take", "conversation": chat.id}))
        await asyncio.wait_for(asyncio.gather(*(c.active.wait() for c in chats)), 300)
        setup_seconds = time.time() - setup_began
        print(f"  {transport}: {len(chats)} conversations taken by {len(agents)} agents in {setup_seconds:.0f} s",
              flush=True)
        await asyncio.sleep(2)                         # let the take's wake-ups settle

        # -- the steady conversation, with a restart halfway ----------------------------------
        lag: list[float] = []
        load.tasks.append(asyncio.create_task(loop_lag(lag, lambda: load.stop)))
        load.sending = True
        for chat in chats:
            load.tasks.append(asyncio.create_task(load.talker(args.interval, lambda c=chat: load.employee_says(c))))
            load.tasks.append(asyncio.create_task(
                load.talker(args.interval, lambda c=chat: load.agent_says(c.agent, c))))
        samples: list[tuple] = []
        load.tasks.append(asyncio.create_task(cpu_samples(server, samples, lambda: load.stop)))
        await asyncio.sleep(0.5)
        t0 = time.time()
        await asyncio.sleep(args.seconds / 2)
        t_kill = time.time()
        load.restart_at = t_kill
        shutdown = await server.stop()
        start_seconds = await server.start()
        t_up = time.time()
        everyone = chats + agents
        while sum(1 for w in everyone if w.back_at) < len(everyone) and time.time() - t_up < 60:
            await asyncio.sleep(0.05)
        missing = sum(1 for w in everyone if not w.back_at)
        t_back = max([w.back_at for w in everyone] + [t_up])
        print(f"  {transport}: SIGTERM took {shutdown:.1f} s, start {start_seconds:.1f} s, every client back "
              f"{t_back - t_up:.1f} s later ({missing} not)", flush=True)
        remaining = max(5.0, args.seconds - (t_kill - t0))
        if server.profile:                             # profile the second half of what follows
            await asyncio.sleep(remaining / 2)
            server.process.send_signal(signal.SIGUSR1)
            remaining /= 2
        await asyncio.sleep(remaining)
        t_end = time.time()
        load.sending = False

        # -- drain: everything acknowledged and received, or give up -------------------------
        def outstanding() -> int:
            unacked = sum(len(c.e_unacked) for c in chats) + sum(len(a.unacked) for a in agents)
            unreceived = sum(len(c.sent[d]) - len(c.got[d]) for c in chats for d in "ea")
            return unacked + unreceived
        drain_began = time.time()
        while outstanding() and time.time() - drain_began < args.drain:
            await asyncio.sleep(0.1)
        drained = time.time() - drain_began if not outstanding() else None
        await asyncio.sleep(1.0)                       # late duplicates, if any, arrive here
        load.stop = True

        # -- figures ------------------------------------------------------------------------
        # The restart: from the SIGTERM until every client is back and everything sent until
        # then has arrived. Steady: the rest.
        latencies = load.tally.latencies
        t_rec = max([x[2] for x in latencies if x[1] <= t_back] + [t_back])
        caught = [x for x in latencies if t_kill <= x[1] <= t_rec or (x[1] < t_kill < x[2])]
        steady = [x for x in latencies if t0 <= x[1] <= t_end and not (t_kill <= x[1] <= t_rec or x[1] < t_kill < x[2])]
        steady_wall = (t_kill - t0) + max(0.0, t_end - t_rec)
        delivered = [x for x in latencies if t0 <= x[2] <= t_kill or t_rec <= x[2] <= t_end]
        before, after = cpu_between(samples, t0, t_kill), cpu_between(samples, t_rec, t_end)
        server_cpu, pg_cpu, bench_cpu, core1, sampled = (before[i] + after[i] for i in range(5))
        recovery = cpu_between(samples, t_up - start_seconds, t_rec)[0]
        sent = {d: sum(len(c.sent[d]) for c in chats) for d in "ea"}
        twice = {d: sum(c.twice[d] for c in chats) for d in "ea"}
        # What the database holds: each message sent stored once (no loss, no double), whatever
        # the clients saw.
        import psycopg
        with psycopg.connect(db_url) as conn:
            rows = conn.execute("SELECT conversation_id, body FROM chat_messages WHERE body LIKE 'bench %'").fetchall()
        stored: dict[tuple, int] = {}
        for conv_id, body in rows:
            parts = body.split()
            if len(parts) != 5 or parts[1] not in ("e", "a"):
                continue
            key = (conv_id, parts[1], int(parts[3]))
            stored[key] = stored.get(key, 0) + 1
        # Still in its sender's outbox (never acknowledged) when the bench stopped waiting: not
        # lost, the server was behind. Lost: acknowledged and not stored, or stored and not
        # received once everything else was.
        outbox = {(c.index, "e", k) for c in chats for k in c.e_unacked}
        outbox |= {(load.by_id[f["conversation"]].index, "a", int(f["text"].split()[3])) for a in agents
                   for f in a.unacked.values()}
        sent_keys = {(c.index, d, k): c for c in chats for d in "ea" for k in c.sent[d]}
        not_stored = {d: sum(1 for (i, dd, k), c in sent_keys.items() if dd == d and (c.id, d, k) not in stored
                             and (i, d, k) not in outbox) for d in "ea"}
        queued = {d: sum(1 for (_, dd, _) in outbox if dd == d) for d in "ea"}
        stored_twice = {d: sum(n - 1 for (_, dd, _), n in stored.items() if dd == d and n > 1) for d in "ea"}
        waiting = {d: sum(1 for (i, dd, k), c in sent_keys.items() if dd == d and (c.id, d, k) in stored
                          and k not in c.got[d]) for d in "ea"}
        lost = {d: (not_stored[d] + waiting[d]) if drained is not None else not_stored[d] for d in "ea"}
        undelivered = {d: queued[d] + (waiting[d] if drained is None else 0) for d in "ea"}
        result = {"transport": transport, "conversations": conversations, "agents": agent_count,
                  "setup": setup_seconds, "stored_twice": sum(stored_twice.values()),
                  "drained": drained if drained is not None else -1.0, "queued": sum(queued.values()),
                  "undelivered": sum(undelivered.values()),
                  "sent_e": sent["e"], "sent_a": sent["a"], "lost_e": lost["e"], "lost_a": lost["a"],
                  "twice_e": twice["e"], "twice_a": twice["a"],
                  "replayed_employee": load.tally.replayed["employee"], "replayed_agent": load.tally.replayed["agent"],
                  "errors": len(load.tally.errors), "error_sample": load.tally.errors[:5],
                  "rate": len(delivered) / steady_wall, "steady_wall": steady_wall,
                  "server_cpu": server_cpu, "server_share": server_cpu / steady_wall,
                  "server_ms_per_msg": 1000 * server_cpu / max(1, len(delivered)),
                  "pg_cpu": pg_cpu, "pg_ms_per_msg": 1000 * pg_cpu / max(1, len(delivered)),
                  "bench_cpu": bench_cpu, "bench_share": bench_cpu / steady_wall,
                  "core1_busy": core1 / max(sampled, 1e-9), "core1_server": server_cpu / max(sampled, 1e-9),
                  "lag_p99": 1000 * percentile(lag, 99),
                  "shutdown": shutdown, "start": start_seconds, "back": t_back - t_up, "not_back": missing,
                  "outage": t_back - t_kill, "recovered": t_rec - t_kill, "across": len(caught),
                  "across_p50": percentile([x[3] for x in caught], 50),
                  "across_max": max((x[3] for x in caught), default=0.0), "recovery_cpu": recovery}
        if os.environ.get("HB_TIMELINE"):             # p99 per 5 s of send time, to see where the tail is
            for start in range(int(t0), int(t_end), 5):
                part = [x[3] * 1000 for x in load.tally.latencies if start <= x[1] < start + 5]
                mark = " (restart)" if start <= t_kill < start + 5 else ""
                used = cpu_between(samples, start, start + 5)
                print(f"    t+{start - int(t0):3d}s: {len(part):5d} msgs, p50 {percentile(part, 50):7.1f} "
                      f"p99 {percentile(part, 99):7.1f} max {max(part, default=0):7.1f} ms, server CPU "
                      f"{100 * used[0] / 5:3.0f}%, PostgreSQL {100 * used[1] / 5:3.0f}%, core 1 busy "
                      f"{100 * used[3] / 5:3.0f}%{mark}")
            print(f"    recovered at t+{t_rec - t0:.1f}s")
        for d in "ea":
            first = [x[3] * 1000 for x in steady if x[0] == d and x[1] < t_kill]
            result[f"{d}_before_p50"], result[f"{d}_before_p99"] = percentile(first, 50), percentile(first, 99)
            values = [x[3] * 1000 for x in steady if x[0] == d]
            for q in (50, 95, 99):
                result[f"{d}_p{q}"] = percentile(values, q)
            result[f"{d}_max"] = max(values, default=float("nan"))
            result[f"{d}_count"] = len(values)
        return result
    except BaseException:
        if server.process is not None:
            print(server.log_tail(), file=sys.stderr)
        print(f"the server's logs are in {work}", file=sys.stderr)
        raise
    finally:
        failed = sys.exc_info()[0] is not None
        if load is not None:
            load.stop = True
            load.sending = False
            for task in load.tasks:
                task.cancel()
            await asyncio.gather(*load.tasks, return_exceptions=True)
        if server.process is not None and server.process.poll() is None:
            await server.stop(timeout=10)
        drop()
        if not failed and not server.profile:
            shutil.rmtree(work, ignore_errors=True)


def show(result: dict) -> None:
    r = result
    print(f"  {r['transport']} ({r['conversations']}): employee→agent p50/p95/p99 {r['e_p50']:.1f}/{r['e_p95']:.1f}/{r['e_p99']:.1f} ms, "
          f"agent→employee {r['a_p50']:.1f}/{r['a_p95']:.1f}/{r['a_p99']:.1f} ms, {r['rate']:.0f} msgs/s, "
          f"server CPU {r['server_cpu']:.1f} s in {r['steady_wall']:.1f} s ({r['server_ms_per_msg']:.2f} ms/msg), "
          f"PostgreSQL {r['pg_ms_per_msg']:.2f} ms/msg, bench {100 * r['bench_share']:.0f}% of a core; "
          f"restart: back {r['back']:.1f} s, delivered all {r['recovered']:.1f} s after SIGTERM; "
          f"{'drained in %.1f s' % r['drained'] if r['drained'] >= 0 else 'NOT drained'}: undelivered "
          f"{r['undelivered']} ({r['queued']} unacknowledged), lost {r['lost_e']}+{r['lost_a']}, "
          f"stored twice {r['stored_twice']}, "
          f"received twice {r['twice_e']}+{r['twice_a']}, replayed "
          f"{r['replayed_employee']}+{r['replayed_agent']}, errors {r['errors']} {r['error_sample'][:2]}", flush=True)


# -- the report -----------------------------------------------------------------------------
def table(results: dict[tuple, list[dict]], conversations: int, agents: int) -> list[str]:
    """WebSocket against long polling at one load: medians over runs, sums for the counts."""
    runs = {t: results.get((t, conversations, agents), []) for t in TRANSPORTS}
    med = {t: {k: statistics.median(r[k] for r in rs) for k in rs[0] if isinstance(rs[0][k], (int, float))}
           for t, rs in runs.items() if rs}
    total = {t: {k: sum(r[k] for r in rs) for k in ("sent_e", "sent_a", "lost_e", "lost_a", "twice_e", "twice_a",
                                                   "queued", "undelivered", "stored_twice", "replayed_employee",
                                                   "replayed_agent", "errors", "across")}
             for t, rs in runs.items() if rs}
    ws, lp = med.get("websocket"), med.get("long polling")
    count = max(len(rs) for rs in runs.values())
    of = f"median of {count} runs" if count > 1 else "one run"
    cols = [t for t in TRANSPORTS if t in med]

    def cell(t: str, text) -> str:
        return text(med[t], total[t])

    def ratio(key: str) -> str:
        if ws is None or lp is None or not ws[key]:
            return ""
        return f"{lp[key] / ws[key]:.1f}×"

    def row(label: str, text, ratio_text: str = "") -> str:
        return f"| {label} | " + " | ".join(cell(t, text) for t in cols) + (f" | {ratio_text} |" if ws and lp
                                                                            else " |")

    head = f"| {conversations} conversations, {agents} agents ({of}) | " + " | ".join(
        "WebSocket" if t == "websocket" else "long polling" for t in cols) + (" | long polling ÷ WebSocket |"
                                                                              if ws and lp else " |")
    lines = [head, "|---" * (len(cols) + 1 + (1 if ws and lp else 0)) + "|"]
    for label, d in (("employee → agent", "e"), ("agent → employee", "a")):
        lines.append(row(f"{label}: p50 / p95 / p99", lambda m, s, d=d: " / ".join(
            f"**{m[f'{d}_p{q}']:,.0f}**" if q == 99 else f"{m[f'{d}_p{q}']:,.0f}" for q in (50, 95, 99)) + " ms",
            " / ".join(ratio(f"{d}_p{q}") for q in (50, 95, 99))))
    lines.append(row("… before the SIGTERM only: p50 / p99 employee → agent; agent → employee", lambda m, s: "; ".join(
        f"{m[f'{d}_before_p50']:,.0f} / {m[f'{d}_before_p99']:,.0f} ms" for d in "ea")))
    lines += [
        row("messages delivered per second (steady parts)", lambda m, s: f"{m['rate']:.0f}", ratio("rate")),
        row("server CPU / wall of the steady parts (one core)", lambda m, s: f"{m['server_cpu']:.1f} s / "
            f"{m['steady_wall']:.1f} s = **{100 * m['server_share']:.0f}%**", ratio("server_share")),
        row("core 1 busy (anyone's work) / of which the server", lambda m, s:
            f"{100 * m.get('core1_busy', float('nan')):.0f}% / {100 * m.get('core1_server', float('nan')):.0f}%"),
        row("server CPU per message delivered", lambda m, s: f"**{m['server_ms_per_msg']:.2f} ms**",
            ratio("server_ms_per_msg")),
        row("PostgreSQL CPU per message (its own processes)", lambda m, s: f"{m['pg_ms_per_msg']:.2f} ms",
            ratio("pg_ms_per_msg")),
        row("the clients' process: CPU / wall; its event loop's lag, p99", lambda m, s:
            f"{100 * m['bench_share']:.0f}%; {m['lag_p99']:.0f} ms"),
        row("restart: SIGTERM to exit; start to /healthz; every client back", lambda m, s:
            f"{m['shutdown']:.1f} s; {m['start']:.1f} s; {m['back']:.1f} s"),
        row("… SIGTERM until all sent so far is delivered", lambda m, s: f"{m['recovered']:.1f} s"),
        row("messages caught by the restart: count; delivered after, p50 / max", lambda m, s:
            f"{s['across']:,}; {m['across_p50']:.1f} / {m['across_max']:.1f} s"),
        row("sent employee → agent / agent → employee", lambda m, s: f"{s['sent_e']:,} / {s['sent_a']:,}"),
        row("**lost** (acknowledged and not stored, or stored and never received)", lambda m, s:
            f"**{s['lost_e'] + s['lost_a']}**"),
        row(f"not delivered yet when the bench stopped waiting ({DRAIN:.0f} s after the last message): "
            "unacknowledged, in the sender's outbox / in all", lambda m, s: f"{s['queued']:,} / {s['undelivered']:,}"
            if s['undelivered'] else "0 (all delivered)"),
        row("**duplicated**: stored twice / received twice", lambda m, s:
            f"**{s['stored_twice']}** / **{s['twice_e'] + s['twice_a']}**"),
        row("already-seen messages sent again (dropped by seq), to employees / agents", lambda m, s:
            f"{s['replayed_employee']:,} / {s['replayed_agent']:,}"),
    ]
    return lines


def section(args, results: dict[tuple, list[dict]], command: str) -> str:
    loads = sorted({(n, a) for (_, n, a) in results}, reverse=True)
    tables = "\n\n".join("\n".join(table(results, n, a)) for n, a in loads)
    return f"""{START}
## Live chat

Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on 2 vCPU shared with other work (load average
{uptime()} at the end), Python {sys.version.split()[0]}, PostgreSQL 15 on loopback. Command:

    set -a; . .ci/env; set +a
    {command}

The real server (`python -m sync_server serve --rate-limit 0`, one process) is pinned to core 1 with
`taskset -c 1`; PostgreSQL runs as its own processes on either core (its CPU is counted apart, and
includes whatever else used the cluster meanwhile); every client is in the bench process, one asyncio
event loop pinned to core 0. Agents (over {min(len(TEAMS), args.agents)} teams, on /agent/live) each take
their share of their team's queue; each employee has its own install credential and its own
conversation. Every employee and every agent writes about every {args.interval:g} s in each of its
conversations (±50%); each message carries its send time, and latency is receive time − send time in
the other party's client. Agents stay on the WebSocket in both columns; only the employees' transport
changes (long polling: GET …/events?wait=25 and POST …/frames, two connections per employee).
Halfway through the {args.seconds} s the server gets SIGTERM and is started again on the same port
and database; clients reconnect (employees with `?after=`, agents with `?seq=` and a `hello`) and send
again what was not acknowledged, under the same number. Percentiles, rates and CPU are over the steady
parts: before the SIGTERM, and after everything sent until every client was back has been delivered;
the messages caught in between are counted apart. CPU time is utime+stime from /proc. Lost and
duplicated are checked twice: in the database (each message sent stored exactly once) and in the
other party's client (each received exactly once).

{tables}
{END}"""


def uptime() -> str:
    try:
        return ", ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def scenarios(args) -> list[tuple[str, int, int]]:
    """(transport, conversations, agents): the issue's load on both transports, then a
    smaller one that one core carries on long polling too (the latency comparison)."""
    loads = [(args.conversations, args.agents)]
    if args.peer_conversations:
        loads.append((args.peer_conversations, max(1, round(args.peer_conversations * args.agents
                                                             / max(1, args.conversations)))))
    transports = (args.only,) if args.only else TRANSPORTS
    return [(t, n, a) for n, a in loads for t in transports]


async def main_async(args) -> dict[tuple, list[dict]]:
    results: dict[tuple, list[dict]] = {}
    for run in range(args.runs):
        for transport, conversations, agent_count in scenarios(args):
            print(f"run {run + 1}: {transport}, {conversations} conversations, {agent_count} agents", flush=True)
            result = await run_once(transport, conversations, agent_count, args, args.pg_url)
            show(result)
            results.setdefault((transport, conversations, agent_count), []).append(result)
    return results


def profile_server(out: str, argv: list[str]) -> None:
    """Run `python -m MODULE ARGS` under cProfile in every thread (the event loop and the
    worker threads that talk to the database), counting CPU time, not waits. SIGUSR1 marks
    the start of what is reported; at SIGTERM what was spent since goes to OUT.prof and OUT.txt."""
    import cProfile
    import pstats
    import runpy
    import threading

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    baseline: dict = {}

    def start_in_thread(*_) -> None:
        sys.setprofile(None)                        # this thread's hook only: later threads get theirs
        profile = cProfile.Profile(time.thread_time)
        with lock:
            profiles.append(profile)
        profile.enable()

    def merged() -> dict:
        total: dict = {}
        with lock:
            found = list(profiles)
        for profile in found:
            profile.snapshot_stats()
            for func, (cc, nc, tt, ct, callers) in profile.stats.items():
                was = total.get(func, (0, 0, 0.0, 0.0, {}))
                total[func] = (was[0] + cc, was[1] + nc, was[2] + tt, was[3] + ct, {**was[4], **callers})
        return total

    def mark(*_) -> None:
        baseline.clear()
        baseline.update(merged())

    def dump() -> None:
        class Since:
            def create_stats(self) -> None:
                pass
        since = Since()
        since.stats = {}
        for func, (cc, nc, tt, ct, callers) in merged().items():
            was = baseline.get(func, (0, 0, 0.0, 0.0, {}))
            if nc - was[1] > 0:
                since.stats[func] = (cc - was[0], nc - was[1], tt - was[2], ct - was[3], callers)
        stats = pstats.Stats(since)
        stats.dump_stats(out + ".prof")
        with open(out + ".txt", "w") as f:
            stats.stream = f
            stats.sort_stats("tottime").print_stats(70)
            stats.sort_stats("cumulative").print_stats(150)

    def on_term(*_) -> None:
        # uvicorn restores this handler after its graceful shutdown and raises SIGTERM again
        dump()
        os._exit(0)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGUSR1, mark)
    threading.setprofile(lambda *a: start_in_thread())
    start_in_thread()
    sys.argv = [argv[1], *argv[2:]]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["profile"]:                     # the server under cProfile (--profile)
        profile_server(argv[1], argv[2:])
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.handoff_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60, help="steady conversation, restart included")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between messages, per party")
    parser.add_argument("--peer-conversations", type=int, default=100, metavar="N",
                        help="also compare both transports at N conversations (agents in proportion); 0: not")
    parser.add_argument("--runs", type=int, default=1, help="runs of each scenario (medians)")
    parser.add_argument("--drain", type=float, default=DRAIN, help=argparse.SUPPRESS)
    parser.add_argument("--pg-url", default=os.environ.get("HELPDESK_TEST_PG_URL", ""))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--only", choices=TRANSPORTS, help="one transport (nothing is written)")
    parser.add_argument("--profile", metavar="PREFIX", help="run the server under cProfile (all threads; slower): "
                        "PREFIX-<transport>-N.txt, one per server start")
    args = parser.parse_args(argv)
    if not args.pg_url:
        parser.error("PostgreSQL: set HELPDESK_TEST_PG_URL (set -a; . .ci/env; set +a) or give --pg-url")
    os.sched_setaffinity(0, {0})                     # the clients on core 0, the server on core 1
    results = asyncio.run(main_async(args))
    if args.only:
        return 0
    command = ".venv/bin/python -m bench.handoff_bench" + "".join(
        f" --{k.replace('_', '-')} {getattr(args, k):g}" for k in ("conversations", "agents", "seconds", "interval",
                                                                  "peer_conversations", "runs")
        if getattr(args, k) != parser.get_default(k))
    text = section(args, results, command)
    print(text)
    if not args.no_write:
        write_section(text, START, END)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
