"""What one employee or one agent sees and may do, whatever carries it (a WebSocket, or
long polling where a proxy blocks WebSockets).

    follower = EmployeeFollower(chats, bus, conv_id, after=12)
    events = await follower.next(wait=25.0)     # new messages, the queue state, "typing"; [] after the wait
    replies = await employee_action(chats, conv, frame)   # a frame the employee sent: acks, errors

Each follower keeps a cursor (the last message number it passed on, per conversation) and
reads the database after it whenever the bus wakes it, and at least every `RECHECK`
seconds; one wake-up is one read (the conversation and its new messages in one statement).
Replaying a cursor (after a reconnect) sends again what came after it, nothing else.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sync_server.handoff import agents as agent_accounts
from sync_server.handoff.agents import Agent
from sync_server.handoff.store import MAX_TEXT, Conversations, Refused, now, _seconds, stamp

RECHECK = 10.0
WORKERS = 8                # threads that wait on the database for the followers and the frames
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


async def in_worker(fn, *args):
    """`fn(*args)` in one of the hand-over's worker threads (it waits on the database). Its own
    small pool: a thread hop costs less than through anyio's, and more threads than this only
    take turns at the interpreter lock."""
    global _pool
    if _pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="handoff")
    return await asyncio.get_running_loop().run_in_executor(_pool, fn, *args)


PUSH_KINDS = ("article", "tree", "form", "booking")


def public(conv: dict) -> dict:
    """A conversation as the agent console shows it."""
    context = conv.get("context") or {}
    return {"id": conv["id"], "team": conv["team"], "lang": conv["lang"], "question": conv["question"],
            "state": conv["state"], "ticket": conv["ticket_ref"], "employee": context.get("employee", ""),
            "answers": context.get("answers", []), "steps": context.get("steps", []),
            "computer": context.get("computer", {}), "created_at": conv["created_at"],
            "waited_seconds": int(_seconds(conv["queued_at"], stamp()) or 0)}


async def _next(follower, wait: float) -> list[dict]:
    """A follower's next events: at once on the first call (everything after its cursor),
    then as soon as a wake-up brings something, re-reading at least every RECHECK seconds;
    [] once `wait` has passed. The subscription lives as long as the follower, so what
    woke it while its last events were being sent is read on the next call."""
    events: list[dict] = []
    if not follower.primed:
        follower.primed = True
        events = await in_worker(follower._read, [])
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait
    while not events:
        left = deadline - loop.time()
        if left <= 0:
            break
        keys = await follower.sub.wait(min(left, RECHECK))
        events = await in_worker(follower._read, keys)
    return events


class EmployeeFollower:
    def __init__(self, chats: Conversations, bus, conv_id: str, after: int) -> None:
        self.chats, self.conv_id, self.after = chats, conv_id, max(0, int(after))
        self.sub = bus.subscribe({f"c:{conv_id}", f"t:{conv_id}:agent"})
        self.shown_state: dict | None = None
        self.primed = False

    def _read(self, keys: list[str]) -> list[dict]:
        events: list[dict] = []
        conv, messages = self.chats.follow(self.conv_id, self.after)
        if conv is None:
            return [{"type": "error", "message": "this conversation does not exist any more"}]
        for message in messages:
            events.append({"type": "message", **message})
            self.after = message["seq"]
        state = self.chats.queue_state(conv)
        if state != self.shown_state:
            events.append({"type": "state", **state})
            self.shown_state = state
        if f"t:{self.conv_id}:agent" in keys and conv["state"] == "active":
            events.append({"type": "typing", "sender": "agent"})
        return events

    async def next(self, wait: float) -> list[dict]:
        return await _next(self, wait)

    def close(self) -> None:
        self.sub.close()


def employee_action(chats: Conversations, conv: dict, frame: dict) -> list[dict]:
    """One frame from the employee's app (run in a worker thread)."""
    kind = frame.get("type")
    try:
        if kind == "message":
            number = int(frame.get("n", 0))
            text = str(frame.get("text", "")).strip()[:MAX_TEXT]
            if number < 1 or not text:
                return [{"type": "error", "message": "a message needs its number n ≥ 1 and some text"}]
            seq = chats.add(conv["id"], "employee", "", "text", text, client_key=f"e{number}")
            return [{"type": "ack", "n": number, "seq": seq}]
        if kind == "typing":
            chats.typing(conv["id"], "employee")
            return []
        if kind == "end":
            chats.end(conv["id"], "employee")
            return [{"type": "ack", "end": True}]
    except Refused as exc:
        return [{"type": "error", "message": str(exc)}]
    except (TypeError, ValueError):
        return [{"type": "error", "message": "unreadable frame"}]
    return [{"type": "error", "message": f"unknown frame type {str(kind)[:20]!r}"}]


class Cursors(dict):
    """The last message number passed on, per conversation. A cursor only moves forward: a
    client's "hello" that arrives after the first read cannot make us send again what we sent."""

    def update(self, other=(), **more) -> None:
        for key, value in dict(other, **more).items():
            if value > self.get(key, -1):
                self[key] = value


def _digest(value) -> str:
    """A short fingerprint of what was last shown (the long-polling cursor carries it back)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()[:16]


class AgentFollower:
    """An agent's console: their teams' queue, the conversations in their hands, new messages."""

    def __init__(self, chats: Conversations, bus, agent: Agent, cursors: dict | None = None) -> None:
        self.chats, self.agent = chats, agent
        self.cursors = Cursors({str(k)[:64]: int(v) for k, v in (cursors or {}).items()
                                if isinstance(v, int)} if isinstance(cursors, dict) else {})
        self.sub = bus.subscribe({f"a:{agent.id}", *(f"q:{t}" for t in agent.teams)})   # before the first read
        self.primed = False
        self.queue_shown: str | None = None
        self.mine_shown: str | None = None
        self.me_shown: str | None = None
        self.mine: list[dict] = []
        self.seen_at = 0.0

    def _follow(self, mine: list[dict]) -> None:
        keys = {f"a:{self.agent.id}", *(f"q:{t}" for t in self.agent.teams)}
        for conv in mine:
            keys |= {f"c:{conv['id']}", f"t:{conv['id']}:employee"}
        self.sub.follow(keys)

    def _read(self, keys: list[str]) -> list[dict]:
        """What changed since the last read: everything after a timeout or a reconnect, else
        only what the keys that woke us name."""
        events: list[dict] = []
        full = not keys or "*" in keys
        if time.monotonic() - self.seen_at > agent_accounts.SEEN_EVERY:     # the console is still open
            agent_accounts.seen(self.chats.db, self.agent.id)
            self.seen_at = time.monotonic()
        if full or any(k.startswith(("q:", "a:")) for k in keys):
            everyone = agent_accounts.all_agents(self.chats.db)
            me = next((a for a in everyone if a.id == self.agent.id), None)
            if me is None:
                return [{"type": "signed_out"}]
            self.agent = me
            me_event = {"type": "me", "name": me.name, "teams": list(me.teams), "available": me.available,
                        "supervisor": me.supervisor,
                        "agents": [{"name": a.name, "teams": list(a.teams), "available": a.available}
                                   for a in everyone if a.id != me.id]}
            if _digest(me_event) != self.me_shown:
                events.append(me_event)
                self.me_shown = _digest(me_event)
            queue = [public(c) for c in self.chats.waiting(list(me.teams))]
            signature = _digest([(c["id"], c["team"]) for c in queue])
            if signature != self.queue_shown:
                events.append({"type": "queue", "waiting": queue})
                self.queue_shown = signature
            before = {c["id"] for c in self.mine}
            self.mine = self.chats.of_agent(me.id)
            signature = _digest([c["id"] for c in self.mine])
            if signature != self.mine_shown:
                events.append({"type": "mine", "conversations": [public(c) for c in self.mine]})
                self.mine_shown = signature
            gone = before - {c["id"] for c in self.mine}        # ended or passed on: its last words, once
            for conv_id, messages in self.chats.messages_of({c: self.cursors.get(c, 0) for c in gone}).items():
                for message in messages:
                    events.append({"type": "message", "conversation": conv_id, **message})
                    self.cursors[conv_id] = message["seq"]
            self._follow(self.mine)
            full = True
        touched = {k[2:] for k in keys if k.startswith("c:")}
        found = self.chats.messages_of({c["id"]: self.cursors.get(c["id"], 0) for c in self.mine
                                        if full or c["id"] in touched})
        for conv in self.mine:
            for message in found.get(conv["id"], ()):
                events.append({"type": "message", "conversation": conv["id"], **message})
                self.cursors[conv["id"]] = message["seq"]
            if f"t:{conv['id']}:employee" in keys:
                events.append({"type": "typing", "conversation": conv["id"]})
        return events

    async def next(self, wait: float) -> list[dict]:
        return await _next(self, wait)

    def cursor(self) -> dict:
        return dict(self.cursors)

    def close(self) -> None:
        self.sub.close()


def agent_action(chats: Conversations, bus, agent: Agent, frame: dict) -> list[dict]:
    """One frame from an agent's console (run in a worker thread)."""
    kind, conv_id = frame.get("type"), str(frame.get("conversation", ""))[:64]
    try:
        if kind == "available":
            agent_accounts.set_available(chats.db, bus, agent, bool(frame.get("on")))
            return []
        if kind == "take":
            chats.take(conv_id, agent.id, agent.name, list(agent.teams))
            return []
        if kind == "typing":
            chats.typing(conv_id, "agent")
            return []
        if kind in ("message", "push"):
            number = int(frame.get("n", 0))
            if number < 1:
                return [{"type": "error", "message": "a message needs its number n ≥ 1"}]
            if kind == "message":
                text = str(frame.get("text", "")).strip()
                if not text:
                    return []
                seq = chats.add(conv_id, "agent", agent.name, "text", text, client_key=f"a{agent.id}-{number}",
                                agent_id=agent.id)
            else:
                what = str(frame.get("kind", ""))
                if what not in PUSH_KINDS:
                    return [{"type": "error", "message": f"one can push {', '.join(PUSH_KINDS)}"}]
                seq = chats.add(conv_id, "agent", agent.name, what, str(frame.get("title", ""))[:200],
                                ref=str(frame.get("ref", ""))[:120], client_key=f"a{agent.id}-{number}",
                                agent_id=agent.id)
            return [{"type": "ack", "conversation": conv_id, "n": number, "seq": seq}]
        if kind == "transfer":
            if frame.get("agent"):
                other = agent_accounts.by_name(chats.db, str(frame["agent"]))
                if other is None:
                    return [{"type": "error", "message": "no such agent"}]
                chats.transfer(conv_id, agent.id, to_agent=(other.id, other.name))
            else:
                team = str(frame.get("team", "")).strip().lower()[:64]
                if not team:
                    return [{"type": "error", "message": "transfer to which team?"}]
                chats.transfer(conv_id, agent.id, team=team)
            return []
        if kind == "end":
            chats.end(conv_id, agent.name, agent_id=agent.id, solved=bool(frame.get("solved")))
            return [{"type": "ended", "conversation": conv_id}]
    except Refused as exc:
        return [{"type": "error", "conversation": conv_id, "message": str(exc)}]
    except (TypeError, ValueError):
        return [{"type": "error", "message": "unreadable frame"}]
    return [{"type": "error", "message": f"unknown frame type {str(kind)[:20]!r}"}]


__all__ = ["EmployeeFollower", "AgentFollower", "employee_action", "agent_action", "public", "now"]
