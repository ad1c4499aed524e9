"""Anonymised usage statistics: counted locally, uploaded as idempotent batches.

    stats = UsageStats(paths.state_db())          # enabled=policy.privacy.stats
    stats.dialogue_started()
    stats.reply_given("my printr wont print", reply)     # a desktop.engine Reply: counted by its kind
    stats.question(understood=False, text="my printr wont print")   # text kept only if not understood
    stats.choice_picked("printer-jam", "article")  # a "did you mean" candidate was chosen
    stats.article_used("printer-jam"); stats.tree_used("vpn-fix"); stats.tree_completed("vpn-fix")
    stats.feedback(helpful=True, item_id="printer-jam"); stats.ticket_created(team="printing")
    stats.upload(client)                          # batches sent; a retried batch counts once

Only per-day counters leave the machine, sent with this install's credential (the server
counts installs it enrolled, so it shows an unanswered question only once `min_installs`
installs asked it; the credential is renewed monthly, see desktop.sync.credentials). Unanswered
questions are scrubbed (see `scrub_or_drop`) before they are even stored; one that still
looks personal is counted but not kept. Nothing names the
user or the machine. Tables live in state.sqlite with the prefix `usage_`.
"""
from __future__ import annotations

import json
import sqlite3
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from desktop.sync.client import ServerRefused, SyncClient
from desktop.sync.scrub import own_names, scrub_or_drop

MAX_BATCH_AGE_DAYS = 30      # older unsent batches are dropped (the server forgets ids after 45)
METRICS = ("dialogue_started", "question_understood", "question_not_understood", "article_used",
           "tree_used", "tree_completed", "feedback_helpful", "feedback_unhelpful", "ticket_created",
           "question_choose", "choose_picked", "request_created")
MAX_QUESTIONS_PER_DAY = 200

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage_counters (day TEXT, metric TEXT, key TEXT, count INTEGER,
                                           PRIMARY KEY (day, metric, key));
CREATE TABLE IF NOT EXISTS usage_questions (day TEXT, text TEXT, count INTEGER, PRIMARY KEY (day, text));
CREATE TABLE IF NOT EXISTS usage_outbox (batch_id TEXT PRIMARY KEY, payload TEXT, created_at TEXT);
"""


class UsageStats:
    def __init__(self, db_path: Path, enabled: bool = True, names: Iterable[str] | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.db_path = Path(db_path)
        self.enabled = enabled
        self.names = list(names) if names is not None else own_names()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        if enabled:
            with self._db() as db:
                db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """A connection in a transaction: committed and closed on success."""
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.db_path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def _day(self) -> str:
        return self.clock().strftime("%Y-%m-%d")

    def _count(self, metric: str, key: str = "") -> None:
        if not self.enabled:
            return
        with self._db() as db:
            db.execute("INSERT INTO usage_counters VALUES (?, ?, ?, 1) ON CONFLICT (day, metric, key) "
                       "DO UPDATE SET count = count + 1", (self._day(), metric, key[:64]))

    # -- what the engine and the UI report ------------------------------------------------
    def dialogue_started(self) -> None:
        self._count("dialogue_started")

    def question(self, understood: bool, text: str = "") -> None:
        """One question; its text is kept (scrubbed) only when it was not understood."""
        self._count("question_understood" if understood else "question_not_understood")
        if understood or not self.enabled or not text.strip():
            return
        cleaned = scrub_or_drop(text, self.names)
        if not cleaned:              # still looks personal once scrubbed: counted, not kept
            return
        with self._db() as db:
            stored = db.execute("SELECT COUNT(*) FROM usage_questions WHERE day = ?", (self._day(),)).fetchone()[0]
            if stored < MAX_QUESTIONS_PER_DAY:
                db.execute("INSERT INTO usage_questions VALUES (?, ?, 1) ON CONFLICT (day, text) "
                           "DO UPDATE SET count = count + 1", (self._day(), cleaned))

    def reply_given(self, question: str, reply: Any) -> None:
        """Count one engine reply (`desktop.engine.Reply`): an "answer" is understood and
        uses its first hit (a tree counts when it starts, `tree_used`); "choose" is counted
        apart (`question_choose`; `choice_picked` when the user takes a candidate);
        "unknown" keeps the scrubbed question for the gap report; small talk is not counted."""
        if reply.kind == "smalltalk":
            return
        if reply.kind == "choose":
            self._count("question_choose")
            return
        self.question(understood=reply.kind != "unknown", text=question)
        if reply.kind == "answer" and reply.hits and reply.hits[0].kind != "tree":
            self.article_used(reply.hits[0].id)

    def choice_picked(self, entry_id: str, kind: str) -> None:
        """The user took a "did you mean" candidate: an article opened (a tree counts
        when it starts)."""
        self._count("choose_picked")
        if kind != "tree":
            self.article_used(entry_id)

    def article_used(self, article_id: str) -> None:
        self._count("article_used", article_id)

    def tree_used(self, tree_id: str) -> None:
        self._count("tree_used", tree_id)

    def tree_completed(self, tree_id: str) -> None:
        self._count("tree_completed", tree_id)

    def feedback(self, helpful: bool, item_id: str = "") -> None:
        self._count("feedback_helpful" if helpful else "feedback_unhelpful", item_id)

    def ticket_created(self, team: str = "") -> None:
        self._count("ticket_created", team)

    def request_created(self, team: str = "") -> None:
        """A service request (a catalog item's form) sent: counted apart from incidents."""
        self._count("request_created", team)

    # -- upload ---------------------------------------------------------------------------
    def seal_batch(self) -> str | None:
        """Move everything counted so far into one outbox batch; its id, or None if empty."""
        if not self.enabled:
            return None
        oldest = (self.clock() - timedelta(days=MAX_BATCH_AGE_DAYS)).strftime("%Y-%m-%d")
        with self._db() as db:
            db.execute("DELETE FROM usage_counters WHERE day < ?", (oldest,))      # never sent: too old now
            db.execute("DELETE FROM usage_questions WHERE day < ?", (oldest,))
            days: dict[str, dict] = {}
            for day, metric, key, count in db.execute("SELECT day, metric, key, count FROM usage_counters"):
                days.setdefault(day, {"day": day, "counters": {}, "unanswered": {}})
                days[day]["counters"].setdefault(metric, {})[key] = count
            for day, text, count in db.execute("SELECT day, text, count FROM usage_questions"):
                days.setdefault(day, {"day": day, "counters": {}, "unanswered": {}})["unanswered"][text] = count
            if not days:
                return None
            batch_id = uuid.uuid4().hex
            payload = {"batch_id": batch_id, "days": sorted(days.values(), key=lambda d: d["day"])}
            db.execute("INSERT INTO usage_outbox VALUES (?, ?, ?)", (batch_id, json.dumps(payload), self.clock().isoformat()))
            db.execute("DELETE FROM usage_counters")
            db.execute("DELETE FROM usage_questions")
        return batch_id

    def pending(self) -> list[dict]:
        with self._db() as db:
            return [json.loads(p) for (p,) in db.execute("SELECT payload FROM usage_outbox ORDER BY created_at")]

    def upload(self, client: SyncClient) -> int:
        """Seal what was counted and send every pending batch; returns how many were sent.
        A batch leaves the outbox only once the server has acknowledged it, and the server
        counts a batch id once, so retries after a lost reply never double-count."""
        if not self.enabled:
            return 0
        self.seal_batch()
        cutoff = (self.clock() - timedelta(days=MAX_BATCH_AGE_DAYS)).isoformat()
        with self._db() as db:
            db.execute("DELETE FROM usage_outbox WHERE created_at < ?", (cutoff,))
        sent = 0
        for payload in self.pending():
            try:
                client.post_json("/v1/stats/batches", payload)
                sent += 1
            except ServerRefused as exc:
                if exc.status != 422:
                    raise                   # a token problem: keep the batches for later
                # the server will never accept this batch (e.g. from an older app version): drop it
            with self._db() as db:
                db.execute("DELETE FROM usage_outbox WHERE batch_id = ?", (payload["batch_id"],))
        return sent
