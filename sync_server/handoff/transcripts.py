"""Each ended conversation's transcript into Request Tracker, exactly once.

    sender = TranscriptSender(db, chats, "https://rt.example.com", token, {"printing": "Printing"})
    sender.start()          # a thread: sends what is pending now, then whenever kicked, and retries
    sender.kick()           # a conversation just ended

A conversation the employee started about a ticket gets the transcript as a comment on
that ticket; any other becomes a new ticket in the queue of the team that had it last
(`serve --rt-team TEAM=QUEUE`, else the default queue), resolved when the agent ended it
as solved. Exactly once, whatever crashes or how many replicas run: a replica first claims
the conversation in the database (a lease other replicas respect for `LEASE` seconds), and
what it sends carries the conversation's id — a new ticket's subject, a comment's subject —
which is looked up before sending, so a send interrupted after RT took it finds it instead
of making another.
"""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

import requests

from sync_server.db import Database
from sync_server.handoff.store import Conversations, now, stamp

log = logging.getLogger("sync_server.handoff")
TIMEOUT = 15
LEASE = 120
RETRY = 30.0
MAX_HISTORY_PAGES = 20
WHO = {"employee": "Employee", "system": "Helpdesk Assistant"}
EVENTS = {"taken": "{author} took the conversation", "transferred_team": "transferred to the {ref} team",
          "transferred_agent": "transferred to {author}", "ended": "{author} ended the conversation"}


def transcript(conv: dict, messages: list[dict]) -> str:
    context = conv.get("context") or {}
    lines = [f"Live chat {conv['id']} with {context.get('employee') or 'an employee'} ({conv['lang']}), team "
             f"{conv['team']}.", f"Question: {conv['question']}", ""]
    if context.get("answers"):
        lines.append("The assistant answered:")
        lines += [f"  - {a.get('question', '')} -> {a.get('answer', '')}" for a in context["answers"]]
    if context.get("steps"):
        lines.append("Guided steps tried:")
        lines += [f"  - {step}" for step in context["steps"]]
    if context.get("computer"):
        lines.append("Computer (shared by the employee):")
        lines += [f"  {key}: {value}" for key, value in context["computer"].items()]
    lines += ["", "Conversation (UTC):"]
    for m in messages:
        at = m["at"][11:19]
        if m["kind"] == "event":
            lines.append(f"[{at}] -- {EVENTS.get(m['text'], m['text']).format(author=m['author'], ref=m['ref'])}")
        elif m["kind"] == "text":
            lines.append(f"[{at}] {m['author'] or WHO.get(m['sender'], m['sender'])}: {m['text']}")
        elif m["kind"] not in ("transcript",):
            lines.append(f"[{at}] {m['author']} sent {m['kind']}: {m['text']} ({m['ref']})")
    return "\n".join(lines) + "\n"


class TranscriptSender:
    def __init__(self, db: Database, chats: Conversations, rt_url: str, token: str, queues: dict[str, str],
                 default_queue: str = "General") -> None:
        self.db, self.chats = db, chats
        self.base = f"{rt_url.rstrip('/')}/REST/2.0" if rt_url else ""
        self.headers = {"Authorization": f"token {token}"}
        self.queues, self.default_queue = dict(queues), default_queue
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def configured(self) -> bool:
        return bool(self.base and self.headers["Authorization"] != "token ")

    def start(self) -> None:
        if self.configured and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="handoff-transcripts", daemon=True)
            self._thread.start()

    def kick(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.flush()
            except Exception:  # noqa: BLE001 - RT or the database failed: try again later
                log.exception("transcripts could not be sent; trying again in %.0f s", RETRY)
            self._wake.wait(RETRY)
            self._wake.clear()

    def pending(self) -> list[str]:
        stale = stamp(now() - timedelta(seconds=LEASE))
        with self.db.transaction(write=False) as tx:
            return [r[0] for r in tx.all("SELECT id FROM conversations WHERE transcript_state = 'pending' OR "
                                         "(transcript_state = 'sending' AND transcript_claimed_at < ?)", (stale,))]

    def flush(self) -> int:
        """Send every pending transcript this replica can claim; how many were sent."""
        sent = 0
        for conv_id in self.pending():
            if self._claim(conv_id):
                sent += self._send(conv_id)
        return sent

    def _claim(self, conv_id: str) -> bool:
        stale = stamp(now() - timedelta(seconds=LEASE))
        with self.db.transaction() as tx:
            return tx.execute("UPDATE conversations SET transcript_state = 'sending', transcript_claimed_at = ? "
                              "WHERE id = ? AND (transcript_state = 'pending' OR (transcript_state = 'sending' AND "
                              "transcript_claimed_at < ?))", (stamp(), conv_id, stale)) == 1

    def _send(self, conv_id: str) -> int:
        conv = self.chats.get(conv_id)
        text = transcript(conv, self.chats.messages_after(conv_id, 0, limit=5000))
        try:
            if conv["ticket_ref"]:
                ticket = conv["ticket_ref"]
                if not self._commented(ticket, conv_id):
                    self._call("POST", f"/ticket/{ticket}/comment", {"Subject": f"Live chat {conv_id}",
                                                                     "Content": text, "ContentType": "text/plain"})
            else:
                ticket = self._find(conv_id) or self._create(conv, text)
        except (requests.RequestException, ValueError, KeyError) as exc:
            log.warning("the transcript of %s could not be sent to RT (%s); trying again later", conv_id, exc)
            with self.db.transaction() as tx:
                tx.execute("UPDATE conversations SET transcript_state = 'pending' WHERE id = ?", (conv_id,))
            return 0
        with self.db.transaction() as tx:
            tx.execute("UPDATE conversations SET transcript_state = 'sent', transcript_ticket = ? WHERE id = ?",
                       (ticket, conv_id))
        self.chats.note(conv_id, "transcript", ticket)
        return 1

    def _call(self, method: str, path: str, payload: dict | None = None, params: dict | None = None):
        reply = requests.request(method, f"{self.base}{path}", json=payload, params=params, headers=self.headers,
                                 timeout=TIMEOUT)
        if reply.status_code >= 300:
            raise ValueError(f"RT answered {reply.status_code}")
        return reply.json() if reply.content else {}

    def _find(self, conv_id: str) -> str:
        found = self._call("GET", "/tickets", params={"query": f"Subject LIKE '[chat {conv_id}]'", "per_page": 2})
        items = found.get("items") if isinstance(found, dict) else None
        return str(items[0]["id"]) if items else ""

    def _commented(self, ticket: str, conv_id: str) -> bool:
        """Whether the ticket's history already holds this conversation's comment (its
        subject, which RT keeps as the transaction's Data)."""
        marker = f"Live chat {conv_id}"
        for page in range(1, MAX_HISTORY_PAGES + 1):
            found = self._call("GET", f"/ticket/{ticket}/history",
                               params={"fields": "Type,Data", "per_page": 100, "page": page})
            items = found.get("items") if isinstance(found, dict) else None
            if not isinstance(items, list):
                return False
            if any(isinstance(i, dict) and i.get("Type") == "Comment" and str(i.get("Data", "")).strip() == marker
                   for i in items):
                return True
            if page >= int(found.get("pages") or 1):
                return False
        return False

    def _create(self, conv: dict, text: str) -> str:
        queue = self.queues.get(conv["team"], self.default_queue)
        subject = f"Live chat: {conv['question'][:80]} [chat {conv['id']}]"
        made = self._call("POST", "/ticket", {"Queue": queue, "Subject": subject, "Content": text,
                                              "ContentType": "text/plain"})
        ticket = str(made["id"])
        if conv["outcome"] == "solved":
            self._call("PUT", f"/ticket/{ticket}", {"Status": "resolved"})
        return ticket

