"""Wake-ups for whoever follows a conversation, a queue or an agent, on every replica.

    bus = Bus(db)                                      # one per server process
    with db.transaction() as tx:
        … write …
        bus.publish(tx, "c:CONV", "q:printing")        # delivered once the transaction commits
    sub = bus.subscribe(["c:CONV"])                    # in a request's event loop
    keys = await sub.wait(10.0)                        # what woke it ([] after the timeout)

A wake-up carries no data: the database holds the truth and a woken reader reads what is
new since its own cursor, so a wake-up lost or doubled costs a read, never a message. On
PostgreSQL every replica LISTENs on one channel and `pg_notify` sends inside the writing
transaction (sent at commit, dropped at rollback); on SQLite (one process) the wake-up is
local, after the commit. The channel is named after the schema, so servers sharing one
PostgreSQL database in different schemas do not wake each other. Keys: `c:ID` a
conversation changed, `q:TEAM` a queue changed, `a:ID` an agent's conversations changed,
`t:ID:SENDER` someone is typing.
"""
from __future__ import annotations

import asyncio
import logging
import re
import threading

from sync_server.db import Database

log = logging.getLogger("sync_server.handoff")
EVERYTHING = "*"                 # woken after the listener reconnects: re-read everything


class Subscription:
    def __init__(self, bus: "Bus", keys: set[str], loop: asyncio.AbstractEventLoop) -> None:
        self.bus, self.keys, self.loop = bus, set(keys), loop
        self.event = asyncio.Event()
        self.received: list[str] = []

    def _wake(self, keys: list[str]) -> None:
        self.received.extend(keys)
        self.event.set()

    async def wait(self, timeout: float) -> list[str]:
        if not self.event.is_set():
            try:
                async with asyncio.timeout(timeout):
                    await self.event.wait()
            except TimeoutError:
                pass
        self.event.clear()
        keys, self.received = self.received, []
        return keys

    def follow(self, keys: set[str]) -> None:
        """Follow these keys from now on (an agent took or left a conversation)."""
        self.bus._move(self, set(keys))

    def close(self) -> None:
        self.bus._move(self, set())


class Bus:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._subs: dict[str, set[Subscription]] = {}
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        self.channel = ""
        if db.dialect == "postgresql":
            with db.transaction(write=False) as tx:
                schema = tx.one("SELECT current_schema()")[0] or "public"
            self.channel = "hd_handoff_" + re.sub(r"[^a-z0-9_]", "_", schema.lower())[:40]
        self._listening = threading.Event()

    def _ensure_listening(self) -> None:
        """Listen from the first follower on (a replica nobody follows through needs no connection)."""
        if not self.channel or self._listener is not None:
            return
        with self._lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen, name="handoff-listen", daemon=True)
                self._listener.start()

    # -- publishing ---------------------------------------------------------------------
    def publish(self, tx, *keys: str) -> None:
        payload = " ".join(keys)
        if self.channel:
            tx.one("SELECT pg_notify(?, ?)", (self.channel, payload))
        else:
            tx.on_commit(lambda: self._dispatch(payload))

    def wake_sql(self, *keys: str) -> tuple[str, tuple] | None:
        """An SQL expression that publishes `keys` when the statement's transaction commits,
        for a statement that writes and publishes at once (PostgreSQL); None elsewhere."""
        return ("pg_notify(?, ?)", (self.channel, " ".join(keys))) if self.channel else None

    # -- following ----------------------------------------------------------------------
    def subscribe(self, keys) -> Subscription:
        self._ensure_listening()
        sub = Subscription(self, set(), asyncio.get_running_loop())
        self._move(sub, set(keys))
        return sub

    def _move(self, sub: Subscription, keys: set[str]) -> None:
        with self._lock:
            for key in sub.keys - keys:
                followers = self._subs.get(key)
                if followers is not None:
                    followers.discard(sub)
                    if not followers:
                        del self._subs[key]
            for key in keys - sub.keys:
                self._subs.setdefault(key, set()).add(sub)
            sub.keys = keys

    def _dispatch(self, payload: str) -> None:
        keys = payload.split()
        woken: dict[Subscription, None] = {}
        with self._lock:
            if EVERYTHING in keys:
                for followers in self._subs.values():
                    woken.update(dict.fromkeys(followers))
            for key in keys:
                woken.update(dict.fromkeys(self._subs.get(key, ())))
        for sub in woken:
            try:
                sub.loop.call_soon_threadsafe(sub._wake, keys)
            except RuntimeError:            # its event loop has closed: the request is gone
                sub.close()

    # -- PostgreSQL ---------------------------------------------------------------------
    def _listen(self) -> None:
        import psycopg

        delay = 0.5
        while not self._stop.is_set():
            try:
                with psycopg.connect(self.db.url, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(f'LISTEN "{self.channel}"')
                    self._listening.set()
                    self._dispatch(EVERYTHING)          # anything sent while we were not listening
                    delay = 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=1.0):
                            self._dispatch(note.payload)
            except Exception as exc:  # noqa: BLE001 - the database went away: listen again
                if self._stop.is_set():
                    return
                log.warning("hand-over listener lost the database (%s); listening again", exc.__class__.__name__)
                self._stop.wait(delay)
                delay = min(delay * 2, 10.0)

    def close(self) -> None:
        self._stop.set()
        if self._listener is not None:
            self._listener.join(timeout=3)
