"""Conversations between an employee and the helpdesk, and their numbered messages.

    chats = Conversations(db, bus)
    conv = chats.start("install-7", team="printing", lang="fr", question="…", context={…})
    seq = chats.add(conv, "employee", "Marie", "text", "bonjour", client_key="e1")   # the same key again: the same seq
    chats.messages_after(conv, 0)       # [{"seq": 1, "sender": "system", …}, {"seq": 2, …}]

A conversation is `waiting` in its team's queue, `active` once an agent takes it, and
`ended`; one its employee leaves before anyone took it is `abandoned`. Every message gets
the next number of its conversation (`last_seq`, bumped under the row's lock), so numbers
have no gaps and commit in order: a reader that has everything up to N never misses a
message numbered below N. A message a client sends carries its own key; sent again (after
a lost acknowledgement) it is stored once. Every change wakes its followers through the
bus in the same transaction.
"""
from __future__ import annotations

import json
import secrets
import statistics
from datetime import datetime, timedelta, timezone

from sync_server.db import Database, IntegrityError

MAX_TEXT = 4000
PRESENT = 90                   # seconds after an agent's console was last seen open: away
MAX_ACTIVE = 3                 # conversations one agent handles at once before the queue waits
KINDS = ("text", "article", "tree", "form", "booking", "event", "transcript")
SENDERS = ("employee", "agent", "system")


class Refused(Exception):
    """What was asked cannot be done on this conversation now (taken, ended, unknown)."""


def now() -> datetime:
    return datetime.now(timezone.utc)


def present_since() -> str:
    """Agents seen after this time still have their console open."""
    return (now() - timedelta(seconds=PRESENT)).isoformat()


def stamp(when: datetime | None = None) -> str:
    return (when or now()).isoformat(timespec="milliseconds")


def _seconds(start: str | None, end: str | None) -> float | None:
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


COLUMNS = ("id, install_ref, team, lang, question, context, ticket_ref, state, agent_id, last_seq, created_at, "
           "queued_at, taken_at, ended_at, ended_by, transcript_state, transcript_ticket, outcome")


_NAMES = [c.strip() for c in COLUMNS.split(",")]
MESSAGE = "seq, sender, author, kind, body, ref, at, client_key"


def _row(row: tuple) -> dict:
    conv = dict(zip(_NAMES, row))
    try:
        conv["context"] = json.loads(conv["context"])
    except ValueError:
        conv["context"] = {}
    return conv


def _message(r: tuple) -> dict:
    return {"seq": r[0], "sender": r[1], "author": r[2], "kind": r[3], "text": r[4], "ref": r[5], "at": r[6],
            **({"n": int(r[7][1:])} if r[1] == "employee" and (r[7] or "").startswith("e") else {})}


class Conversations:
    def __init__(self, db: Database, bus) -> None:
        self.db, self.bus = db, bus
        self.on_end = lambda conv_id: None       # a conversation ended (its transcript is waiting)

    # -- reading ------------------------------------------------------------------------
    def get(self, conv_id: str) -> dict | None:
        with self.db.transaction(write=False) as tx:
            row = tx.one(f"SELECT {COLUMNS} FROM conversations WHERE id = ?", (conv_id[:64],))
        return _row(row) if row else None

    def messages_after(self, conv_id: str, after: int, limit: int = 500) -> list[dict]:
        with self.db.transaction(write=False) as tx:
            rows = tx.all(f"SELECT {MESSAGE} FROM chat_messages WHERE conversation_id = ? AND seq > ? ORDER BY seq "
                          "LIMIT ?", (conv_id, int(after), limit))
        return [_message(r) for r in rows]

    def follow(self, conv_id: str, after: int, limit: int = 500) -> tuple[dict | None, list[dict]]:
        """The conversation (with its agent's name, `agent_name`) and its messages after
        `after`, read in one statement: what a follower reads on every wake-up."""
        with self.db.transaction(write=False) as tx:
            rows = tx.all(f"SELECT {', '.join('c.' + c for c in _NAMES)}, a.name, "
                          f"{', '.join('m.' + c.strip() for c in MESSAGE.split(','))} FROM conversations c "
                          "LEFT JOIN agents a ON a.id = c.agent_id "
                          "LEFT JOIN chat_messages m ON m.conversation_id = c.id AND m.seq > ? "
                          "WHERE c.id = ? ORDER BY m.seq LIMIT ?", (int(after), conv_id[:64], limit))
        if not rows:
            return None, []
        width = len(_NAMES)
        conv = _row(rows[0][:width])
        conv["agent_name"] = rows[0][width] or ""
        return conv, [_message(r[width + 1:]) for r in rows if r[width + 1] is not None]

    def messages_of(self, cursors: dict[str, int], limit: int = 500) -> dict[str, list[dict]]:
        """Messages after each conversation's cursor, for several conversations in one
        statement (at most `limit` each)."""
        if not cursors:
            return {}
        one = f"SELECT * FROM (SELECT conversation_id, {MESSAGE} FROM chat_messages WHERE conversation_id = ? " \
              "AND seq > ? ORDER BY seq LIMIT ?) AS m"
        params = [p for conv_id, after in cursors.items() for p in (conv_id, int(after), limit)]
        with self.db.transaction(write=False) as tx:
            rows = tx.all(" UNION ALL ".join([one] * len(cursors)), params)
        found: dict[str, list[dict]] = {conv_id: [] for conv_id in cursors}
        for row in rows:
            found[row[0]].append(_message(row[1:]))
        for messages in found.values():
            messages.sort(key=lambda m: m["seq"])
        return found

    def waiting(self, teams: list[str] | None = None) -> list[dict]:
        """Conversations waiting for an agent, oldest first (of `teams`, or all)."""
        sql = f"SELECT {COLUMNS} FROM conversations WHERE state = 'waiting'"
        params: tuple = ()
        if teams is not None:
            if not teams:
                return []
            sql += f" AND team IN ({', '.join('?' * len(teams))})"
            params = tuple(teams)
        with self.db.transaction(write=False) as tx:
            return [_row(r) for r in tx.all(sql + " ORDER BY queued_at, id", params)]

    def of_agent(self, agent_id: int) -> list[dict]:
        with self.db.transaction(write=False) as tx:
            return [_row(r) for r in tx.all(f"SELECT {COLUMNS} FROM conversations WHERE agent_id = ? "
                                            "AND state = 'active' ORDER BY taken_at", (agent_id,))]

    def open_of_install(self, install_ref: str) -> dict | None:
        with self.db.transaction(write=False) as tx:
            row = tx.one(f"SELECT {COLUMNS} FROM conversations WHERE install_ref = ? AND state IN ('waiting', "
                         "'active') ORDER BY created_at DESC", (install_ref,))
        return _row(row) if row else None

    def queue_state(self, conv: dict) -> dict:
        """What the employee is told: the state, the place in the queue and an honest wait."""
        state = {"state": conv["state"], "team": conv["team"], "agent": "", "position": 0, "estimate_seconds": None}
        if conv["state"] == "active" and conv.get("agent_name"):
            state["agent"] = conv["agent_name"]               # read with it (`follow`)
        elif conv["state"] == "active" and conv["agent_id"] is not None:
            with self.db.transaction(write=False) as tx:
                row = tx.one("SELECT name FROM agents WHERE id = ?", (conv["agent_id"],))
            state["agent"] = row[0] if row else ""
        if conv["state"] != "waiting":
            return state
        with self.db.transaction(write=False) as tx:
            ahead = tx.one("SELECT COUNT(*) FROM conversations WHERE state = 'waiting' AND team = ? AND "
                           "(queued_at < ? OR (queued_at = ? AND id < ?))",
                           (conv["team"], conv["queued_at"], conv["queued_at"], conv["id"]))[0]
        state["position"] = int(ahead) + 1
        state["estimate_seconds"] = self.estimate(conv["team"], int(ahead))
        return state

    def availability(self, team: str) -> dict:
        """Agents available for `team`, and how long a new conversation would wait."""
        with self.db.transaction(write=False) as tx:
            waiting = tx.one("SELECT COUNT(*) FROM conversations WHERE state = 'waiting' AND team = ?", (team,))[0]
        free = self._agents_for(team)
        return {"agents_available": len(free), "waiting": int(waiting),
                "estimate_seconds": self.estimate(team, int(waiting)) if free else None}

    def _agents_for(self, team: str) -> list[tuple[int, int]]:
        """(agent id, conversations in hand) of the available agents of `team`."""
        with self.db.transaction(write=False) as tx:
            rows = tx.all("SELECT a.id, a.teams, (SELECT COUNT(*) FROM conversations c WHERE c.agent_id = a.id "
                          "AND c.state = 'active') FROM agents a WHERE a.available = 1 AND a.disabled = 0 "
                          "AND a.seen_at > ?", (present_since(),))
        return [(r[0], int(r[2])) for r in rows if team in r[1].split(",")]

    def estimate(self, team: str, ahead: int) -> int | None:
        """Seconds until an agent of `team` takes a conversation with `ahead` before it, from
        the last day's conversations of that team; None when no agent is available."""
        agents = self._agents_for(team)
        if not agents:
            return None
        since = stamp(now() - timedelta(days=1))
        with self.db.transaction(write=False) as tx:
            rows = tx.all("SELECT queued_at, taken_at, ended_at FROM conversations WHERE team = ? AND "
                          "taken_at IS NOT NULL AND created_at > ? ORDER BY created_at DESC LIMIT 50", (team, since))
        waits = [w for w in (_seconds(r[0], r[1]) for r in rows) if w is not None and w >= 0]
        handles = [h for h in (_seconds(r[1], r[2]) for r in rows) if h is not None and h >= 0]
        wait = statistics.median(waits) if waits else 60.0
        handle = statistics.median(handles) if handles else 300.0
        free_places = sum(max(0, MAX_ACTIVE - busy) for _, busy in agents)
        if ahead < free_places:
            return int(max(15.0, wait))
        rounds = (ahead - free_places) // (len(agents) * MAX_ACTIVE) + 1
        return int(max(15.0, wait) + rounds * handle)

    # -- writing ------------------------------------------------------------------------
    def start(self, install_ref: str, team: str, lang: str, question: str, context: dict,
              ticket_ref: str = "") -> dict:
        """A new conversation in `team`'s queue; the install's open one when it has one."""
        existing = self.open_of_install(install_ref)
        if existing is not None:
            return existing
        conv_id = "c-" + secrets.token_urlsafe(12)
        at = now().isoformat()          # microseconds: conversations started together keep their order
        with self.db.transaction() as tx:
            tx.execute(f"INSERT INTO conversations ({COLUMNS}) VALUES ({', '.join('?' * 18)})",
                       (conv_id, install_ref, team, lang, question[:MAX_TEXT], json.dumps(context), ticket_ref[:64],
                        "waiting", None, 0, at, at, None, None, "", "", "", ""))
            self._append(tx, conv_id, "employee", "", "text", question[:MAX_TEXT], "", "e0")
            self.bus.publish(tx, f"q:{team}")
        return self.get(conv_id)

    def _append(self, tx, conv_id: str, sender: str, author: str, kind: str, body: str, ref: str,
                client_key: str | None) -> int:
        seq = int(tx.all("UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
                         (conv_id,))[0][0])
        tx.execute("INSERT INTO chat_messages (conversation_id, seq, sender, author, kind, body, ref, client_key, at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (conv_id, seq, sender, author, kind, body, ref, client_key,
                                                           stamp()))
        return seq

    def add(self, conv_id: str, sender: str, author: str, kind: str, body: str, ref: str = "",
            client_key: str | None = None, agent_id: int | None = None) -> int:
        """Store one message and wake the conversation's followers; its number. A client key
        already stored returns that message's number and stores nothing."""
        if sender not in SENDERS or kind not in KINDS:
            raise ValueError(f"unknown sender or kind: {sender!r}, {kind!r}")
        seq = self._add_at_once(conv_id, sender, author, kind, body, ref, client_key, agent_id)
        if seq is not None:
            return seq
        for attempt in (1, 2):
            try:
                with self.db.transaction() as tx:
                    row = tx.one("SELECT c.state, c.agent_id, m.seq FROM conversations c LEFT JOIN chat_messages m "
                                 "ON m.conversation_id = c.id AND m.client_key = ? WHERE c.id = ?", (client_key, conv_id))
                    if row is not None and row[2] is not None:      # this key is stored: its number
                        return int(row[2])
                    if row is None or row[0] in ("ended", "abandoned"):
                        raise Refused("this conversation has ended")
                    if agent_id is not None and row[1] != agent_id:
                        raise Refused("this conversation is no longer yours")
                    seq = self._append(tx, conv_id, sender, author, kind, body[:MAX_TEXT], ref[:200], client_key)
                    self.bus.publish(tx, f"c:{conv_id}")
                    return seq
            except IntegrityError:
                if attempt == 2:            # the same key stored meanwhile by another replica: found next time
                    raise
        raise AssertionError("unreachable")

    def _add_at_once(self, conv_id: str, sender: str, author: str, kind: str, body: str, ref: str,
                     client_key: str | None, agent_id: int | None) -> int | None:
        """The common case in one statement where the bus can publish from SQL (PostgreSQL): a
        new message on an open conversation is numbered, stored and announced at once. None
        when it stored nothing (its key is known, the conversation ended or changed hands,
        or no such statement here): `add` then checks step by step and says which."""
        wake = getattr(self.bus, "wake_sql", lambda *keys: None)(f"c:{conv_id}")
        if wake is None:
            return None
        conditions, params = ["id = ?", "state NOT IN ('ended', 'abandoned')"], [conv_id]
        if agent_id is not None:
            conditions.append("agent_id = ?")
            params.append(agent_id)
        if client_key is not None:
            conditions.append("NOT EXISTS (SELECT 1 FROM chat_messages WHERE conversation_id = ? AND client_key = ?)")
            params += [conv_id, client_key]
        sql = (f"WITH bump AS (UPDATE conversations SET last_seq = last_seq + 1 WHERE {' AND '.join(conditions)} "
               "RETURNING id, last_seq) INSERT INTO chat_messages (conversation_id, seq, sender, author, kind, body, "
               f"ref, client_key, at) SELECT id, last_seq, ?, ?, ?, ?, ?, ?, ? FROM bump RETURNING seq, {wake[0]}")
        try:
            with self.db.transaction() as tx:
                rows = tx.all(sql, (*params, sender, author, kind, body[:MAX_TEXT], ref[:200], client_key, stamp(),
                                    *wake[1]))
        except IntegrityError:              # the same key stored meanwhile (another replica): found next
            return None
        return int(rows[0][0]) if rows else None

    def take(self, conv_id: str, agent_id: int, agent_name: str, teams: list[str]) -> dict:
        with self.db.transaction() as tx:
            row = tx.one("SELECT team, state FROM conversations WHERE id = ?", (conv_id,))
            if row is None or row[1] != "waiting":
                raise Refused("another agent has taken this conversation, or it has ended")
            if row[0] not in teams:
                raise Refused("this conversation is for another team")
            tx.execute("UPDATE conversations SET state = 'active', agent_id = ?, taken_at = COALESCE(taken_at, ?) "
                       "WHERE id = ? AND state = 'waiting'", (agent_id, stamp(), conv_id))
            self._append(tx, conv_id, "system", agent_name, "event", "taken", "", None)
            self.bus.publish(tx, f"c:{conv_id}", f"a:{agent_id}", f"q:{row[0]}")
        return self.get(conv_id)

    def transfer(self, conv_id: str, agent_id: int, team: str = "", to_agent: tuple[int, str] | None = None) -> None:
        """To another team's queue, or straight to another agent."""
        with self.db.transaction() as tx:
            row = tx.one("SELECT team, state, agent_id FROM conversations WHERE id = ?", (conv_id,))
            if row is None or row[1] != "active" or row[2] != agent_id:
                raise Refused("this conversation is no longer yours")
            if to_agent is not None:
                tx.execute("UPDATE conversations SET agent_id = ? WHERE id = ?", (to_agent[0], conv_id))
                self._append(tx, conv_id, "system", to_agent[1], "event", "transferred_agent", "", None)
                self.bus.publish(tx, f"c:{conv_id}", f"a:{agent_id}", f"a:{to_agent[0]}")
            else:
                tx.execute("UPDATE conversations SET state = 'waiting', agent_id = NULL, team = ?, queued_at = ? "
                           "WHERE id = ?", (team, stamp(), conv_id))
                self._append(tx, conv_id, "system", "", "event", "transferred_team", team, None)
                self.bus.publish(tx, f"c:{conv_id}", f"a:{agent_id}", f"q:{team}")

    def end(self, conv_id: str, by: str, agent_id: int | None = None, solved: bool = False) -> bool:
        """End the conversation (its transcript then goes to the ITSM, resolved when `solved`);
        False when it had ended."""
        with self.db.transaction() as tx:
            row = tx.one("SELECT team, state, agent_id FROM conversations WHERE id = ?", (conv_id,))
            if row is None or row[1] in ("ended", "abandoned"):
                return False
            if agent_id is not None and row[2] != agent_id:
                raise Refused("this conversation is no longer yours")
            state = "abandoned" if row[1] == "waiting" else "ended"
            tx.execute("UPDATE conversations SET state = ?, ended_at = ?, ended_by = ?, transcript_state = ?, "
                       "outcome = ? WHERE id = ?", (state, stamp(), by, "pending" if state == "ended" else "",
                                                    "solved" if solved else "", conv_id))
            self._append(tx, conv_id, "system", by, "event", "ended", "", None)
            self.bus.publish(tx, f"c:{conv_id}", f"q:{row[0]}", *([f"a:{row[2]}"] if row[2] is not None else []))
        if state == "ended":
            self.on_end(conv_id)
        return True

    def note(self, conv_id: str, kind: str, body: str, ref: str = "") -> None:
        """A server's note on a conversation, even an ended one (where its transcript went)."""
        with self.db.transaction() as tx:
            self._append(tx, conv_id, "system", "", kind, body, ref, None)
            self.bus.publish(tx, f"c:{conv_id}")

    def typing(self, conv_id: str, sender: str) -> None:
        with self.db.transaction() as tx:
            self.bus.publish(tx, f"t:{conv_id}:{sender}")
