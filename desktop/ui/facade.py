"""`Assistant`: the one object the tray app calls for everything. Plain Python, no Qt.

    assistant = Assistant.from_environment()
    turn = assistant.ask("my printr wont print")        # a dialogue Turn (kind, hits, ...)
    assistant.article_markdown("printer-jam")            # Markdown with variables filled in
    walk = assistant.start_tree("printer-troubleshoot")  # a Walk: state + step to show
    walk = assistant.choose(walk, 0); walk = assistant.back(walk)
    walk = assistant.run_check(walk)                     # slow: call off the GUI thread
    errors = assistant.validate(walk.step.fields, values)
    draft = assistant.draft_ticket(walk, values)         # summary the user checks
    outcome = assistant.send(draft.without("ip"))        # sent (number) or queued
    assistant.desk.tickets(); assistant.board.slots()    # tickets, bookings, announcements

Every method may be called from a worker thread; none touches the GUI. Errors the UI
shows come out as `AssistantError` (with a user message) so the UI catches one class.
"""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Mapping

from desktop import paths
from desktop.engine import Dialogue, KnowledgeBase, SnapshotError, TreeError, TreeWalker, WalkState
from desktop.engine.person import asks_for_person
from desktop.engine.dialogue import MISSES_BEFORE_TICKET, Turn, transcript_line
from desktop.engine.outages import outages_about
from desktop.engine.problem import problem_turns
from desktop.engine.requests import RequestItem, check_values, prefill
from desktop.engine.walker import Step, validate_form
from desktop.policy import Policy, load_policy
from desktop.ui.board import Board
from desktop.ui.settings import Settings
from desktop.ui.ticketdesk import AssistantError, Draft, SendOutcome, TicketDesk

log = logging.getLogger(__name__)
CONVERSATION_FILE = "conversation.json"
CONVERSATION_MAX_AGE = 8 * 3600          # a conversation from this morning resumes; yesterday's does not
__all__ = ["Assistant", "AssistantError", "Draft", "Preview", "SendOutcome", "Walk"]


@dataclass(frozen=True)
class Preview:
    """What the chat shows while the user types: the reply and, for an article, its text."""

    turn: Turn
    markdown: str = ""
    outages: tuple[dict, ...] = ()     # active announcements about the answer, said first
    request: str = ""                  # the service request item the answered article offers
    person: bool = False               # the question asks for a person at the helpdesk


@dataclass(frozen=True)
class Walk:
    """A decision tree in progress: the saved state and the step to show for it."""

    title: str
    state: WalkState
    step: Step
    check_detail: str = ""        # what the last check found, shown above the next step
    outages: tuple[dict, ...] = ()   # active announcements about this tree, said first


def _is_online() -> bool:
    import desktop.engine.machine as machine  # noqa: PLC0415 - psutil only when asked

    try:
        return machine.facts().connected
    except Exception:  # noqa: BLE001 - a failing probe must not hide the answers
        return True


def _kb_defaults(kb: KnowledgeBase, policy: Policy) -> dict[str, str]:
    """The knowledge base's own variable values that the policy does not override."""
    return {name: value for name, value in kb.info.variables.items()
            if not policy.helpdesk.values.get(name.removeprefix("helpdesk."))}


class Assistant:
    def __init__(self, kb: KnowledgeBase, policy: Policy, settings: Settings, desk: TicketDesk,
                 board: Board, values: Mapping[str, str] | None = None, stats: Any = None,
                 online_probe: Callable[[], bool] = _is_online, checker: Callable | None = None):
        self.kb = kb
        self.policy = policy
        self.settings = settings
        self.desk = desk
        self.board = board
        self.stats = stats
        self.online_probe = online_probe
        self.checker = checker
        self._values = dict(values) if values is not None else None
        self._lock = threading.Lock()
        self.dialogue = Dialogue(kb)
        self.problem_start = 0            # turns before this one went with a ticket already sent
        self.announcements: tuple[dict, ...] = ()   # active banners, set by the window that shows them

    @classmethod
    def from_environment(cls, snapshot: Path | None = None) -> Assistant:
        """Policy, snapshot, settings, outbox and sync client from this machine's set-up."""
        policy = load_policy()
        home = paths.data_home()
        settings = Settings.load(home)
        kb = KnowledgeBase.open(snapshot or paths.snapshot_path())
        stats = None
        if policy.privacy.stats:
            from desktop.sync.stats import UsageStats  # noqa: PLC0415

            stats = UsageStats(paths.state_db(), enabled=bool(settings.stats))
        return cls(kb, policy, settings, TicketDesk.from_environment(policy, settings, kb),
                   Board(policy), stats=stats)

    # -- facts ----------------------------------------------------------------------------
    @property
    def values(self) -> dict[str, str]:
        """Variables for articles and trees, gathered once (probes the machine)."""
        with self._lock:
            if self._values is None:
                from desktop.engine.variables import policy_variables  # noqa: PLC0415

                self._values = policy_variables(self.kb, self.policy)
            return self._values

    def session_language(self) -> str:
        """The language the employee uses the app in: the setting, else the system's
        (the same environment Qt reads). Short questions are answered in it."""
        from desktop.engine.language import system_language  # noqa: PLC0415

        return self.settings.language or system_language()

    def online(self) -> bool:
        return bool(self.online_probe())

    @property
    def stats_allowed(self) -> bool:
        """Whether the policy lets the user choose; False means statistics are off."""
        return bool(self.policy.privacy.stats)

    def set_stats(self, enabled: bool) -> None:
        self.settings.update(stats=enabled)
        if self.stats is None:
            return
        if enabled and self.stats_allowed and not self.stats.enabled:
            self.stats = type(self.stats)(self.stats.db_path, enabled=True)   # creates its tables
        else:
            self.stats.enabled = enabled and self.stats_allowed

    def reload(self, snapshot: Path | None = None) -> str:
        """Open the snapshot sync just installed, warm it, then swap it in; a new
        conversation starts. Returns the new version. The old one answers meanwhile."""
        kb = KnowledgeBase.open(snapshot or paths.snapshot_path())
        kb.warm_up()
        with self._lock:
            self.kb = kb
            self.dialogue = Dialogue(kb)
            self.problem_start = 0
            if self._values is not None:
                self._values.update({"kb.name": kb.info.name, "kb.version": str(kb.info.version)})
                self._values.update(_kb_defaults(kb, self.policy))
        self.desk.kb_version = str(kb.info.version)
        return str(kb.info.version)

    def warm_up(self) -> None:
        """Build the engine's indexes and gather variables (call off the GUI thread)."""
        self.kb.warm_up()
        _ = self.values

    # -- questions ------------------------------------------------------------------------
    def ask(self, text: str, lang: str | None = None, record: bool = True) -> Turn:
        """Answer `text`. `record=False` answers as-you-type without adding a turn."""
        prefer = self.session_language()
        if not record:
            reply = self.kb.ask(text, lang=lang, prefer=prefer)
            return Turn(text, reply, 0.0)
        with self._lock:
            first = not self.dialogue.turns
            turn = self.dialogue.ask(text, lang=lang, prefer=prefer)
        self._count(turn, first)
        return turn

    def _count(self, turn: Turn, first: bool) -> None:
        if self.stats is not None and self.stats.enabled:
            if first:
                self.stats.dialogue_started()
            self.stats.reply_given(turn.question, turn.reply)

    def preview(self, text: str, lang: str | None = None) -> Preview:
        """As-you-type: the reply, and the article's Markdown when it is a confident one."""
        turn = self.ask(text, lang=lang, record=False)
        reply, markdown = turn.reply, ""
        request = ""
        if reply.kind == "answer" and reply.hits and reply.hits[0].kind == "article":
            markdown = self.article_markdown(reply.hits[0].id)
            item = self.kb.request_for(reply.hits[0].id)
            request = item.id if item is not None else ""
        elif reply.kind in ("unknown", "smalltalk", "choose"):
            markdown = reply.message
        about = self.outages_for(reply.hits[0].id) if reply.kind == "answer" and reply.hits else ()
        return Preview(turn, markdown, about, request, asks_for_person(text))

    # -- announcements --------------------------------------------------------------------
    def set_announcements(self, banners) -> None:
        """The banners active now (from the board); answers on their topic mention them."""
        self.announcements = tuple(dict(b) for b in banners)

    def outages_for(self, entry_id: str) -> tuple[dict, ...]:
        """Active announcements about this article or tree (e-mail outage -> Outlook)."""
        banners = self.announcements
        if not banners:
            return ()
        try:
            return tuple(outages_about(self.kb.article(entry_id), banners))
        except KeyError:                 # an entry gone from the knowledge base
            return ()

    def record(self, turn: Turn) -> Turn:
        """Keep an as-you-type reply in the conversation (the user acted on it)."""
        with self._lock:
            last = self.dialogue.current
            if last is not None and last.question == turn.question:
                return last
            if turn.reply.kind == "unknown" and turn.question.strip():
                self.dialogue.misses += 1
            elif turn.reply.kind == "answer":
                self.dialogue.misses = 0
            kept = Turn(turn.question, turn.reply, time.time(),
                        offer_ticket=self.dialogue.misses >= MISSES_BEFORE_TICKET)
            first = not self.dialogue.turns
            self.dialogue.turns.append(kept)
        self._count(kept, first)
        return kept

    def entry_kind(self, entry_id: str) -> str:
        return self.kb.article(entry_id).kind

    def article_markdown(self, entry_id: str) -> str:
        """The article's title and body as Markdown, variables filled in."""
        article = self.kb.article(entry_id)
        body = self.kb.render(article.body, self.values, lang=article.lang, markdown=True)
        return f"# {article.title}\n\n{body}"

    def pick(self, entry_id: str) -> None:
        """The user chose a "did you mean" candidate."""
        with self._lock:
            offered = self.dialogue.current is not None and self.dialogue.current.reply.kind == "choose"
            self.dialogue.pick(entry_id)
        if self.stats is not None and self.stats.enabled and offered:
            self.stats.choice_picked(entry_id, self.entry_kind(entry_id))

    def feedback(self, helpful: bool, entry_id: str = "") -> bool:
        """"Was this helpful?"; True when a ticket should be offered."""
        with self._lock:
            offer = self.dialogue.feedback(helpful)
        if self.stats is not None and self.stats.enabled:
            self.stats.feedback(helpful, entry_id)
        return offer

    # -- decision trees -------------------------------------------------------------------
    def _walker(self, tree_id: str, markdown: bool = True) -> TreeWalker:
        """A walker whose texts have every variable filled (escaped for the window's
        Markdown; `markdown=False` for plain text such as a ticket's transcript)."""
        from desktop.engine.variables import display_values  # noqa: PLC0415

        tree = self.kb.tree(tree_id)
        values = display_values(self.values, tree.lang, markdown=markdown)
        if self.checker is not None:
            return TreeWalker(tree, values, checker=self.checker)
        return TreeWalker(tree, values)

    def walk_summary(self, walk: Walk) -> tuple[str, str, list[str]]:
        """(tree title, team, one line per step gone through): what a helpdesk agent sees."""
        walker = self._walker(walk.state.tree_id, markdown=False)
        return walker.tree.title, walk.step.team or walker.tree.team or "", walker.summary(walk.state)

    def _walk(self, state: WalkState, detail: str = "") -> Walk:
        walker = self._walker(state.tree_id)
        return Walk(walker.tree.title, state, walker.step(state), detail, self.outages_for(state.tree_id))

    def start_tree(self, tree_id: str) -> Walk:
        if self.stats is not None and self.stats.enabled:
            self.stats.tree_used(tree_id)
        return self._walk(self._walker(tree_id).start())

    def choose(self, walk: Walk, option: int) -> Walk:
        return self._walk(self._walker(walk.state.tree_id).choose(walk.state, option))

    def back(self, walk: Walk) -> Walk:
        return self._walk(self._walker(walk.state.tree_id).back(walk.state))

    def run_check(self, walk: Walk) -> Walk:
        """Run the step's built-in check (may take a second or two) and move on."""
        walker = self._walker(walk.state.tree_id)
        state, result = walker.run_check(walk.state)
        return self._walk(state, result.in_language(walker.tree.lang))    # said in the step's language

    def finish(self, walk: Walk, solved: bool) -> Walk:
        state = self._walker(walk.state.tree_id).finish(walk.state, solved)
        if solved and self.stats is not None and self.stats.enabled:
            self.stats.tree_completed(walk.state.tree_id)
        return self._walk(state)

    def validate(self, fields, values: Mapping[str, Any]) -> dict[str, str]:
        """Field id -> what is wrong (empty: the form can be sent). Files must exist."""
        errors = validate_form(tuple(fields), values)
        for f in fields:
            value = values.get(f.id)
            if f.type in ("file", "screenshot") and value and not Path(str(value)).is_file():
                errors.setdefault(f.id, "file not found")
        return errors

    # -- tickets --------------------------------------------------------------------------
    def problem_dialogue(self, anchor: str | None = None) -> Dialogue:
        """The part of the conversation about this problem: since the last ticket sent, the
        turns on the current topic (see `desktop.engine.problem`)."""
        with self._lock:
            turns = list(self.dialogue.turns[self.problem_start:])
        return Dialogue(self.kb, problem_turns(self.kb, turns, anchor))

    def draft_ticket(self, walk: Walk | None = None, values: Mapping[str, Any] | None = None,
                     description: str = "", subject: str = "", fields: tuple = ()) -> Draft:
        """What would be sent: subject, description, what was tried about this problem
        (each line removable in the summary) and device context. `fields` are the extra
        fields of a form opened outside a tree (a screenshot)."""
        override = subject
        problem = self.problem_dialogue(walk.state.tree_id if walk is not None else None)
        transcript = problem.transcript()
        subject = problem.subject()
        led_by = problem.led_by()
        team, origin = None, None
        if led_by:
            entry = self.kb.article(led_by)
            team, origin = entry.team, (entry.kind, entry.id, entry.title)
        if walk is not None:
            walker = self._walker(walk.state.tree_id, markdown=False)
            transcript += [transcript_line("step", walker.tree.lang, line) for line in walker.summary(walk.state)]
            team = walk.step.team or walker.tree.team
            subject = walk.step.subject or walk.title
            origin = ("tree", walk.state.tree_id, walk.title)
            fields = walk.step.fields
        draft = self.desk.draft(override or subject or "Help needed", description, team, origin, transcript,
                                fields, dict(values or {}))
        if walk is not None and walker.tree.kind == "request":
            item = RequestItem.from_entry(walker.tree)
            given = {f["name"]: str(values.get(f["name"])) for f in item.fields
                     if values and values.get(f["name"]) not in (None, "") and f["type"] != "file"}
            clean, _ = check_values(item, given)
            approver = {"none": "", "manager": f"your manager ({self.values.get('user.manager') or 'from the directory'})"}
            approval = approver.get(item.approval, item.approval.removeprefix("group:"))
            draft = replace(draft, origin=("request", item.id, item.title),
                            request=(item.id, tuple((given | clean).items()), item.approval),
                            form_lines=draft.form_lines + ((f"Approval: {approval}",) if approval else ()))
        return draft

    def prefill(self, walk: Walk, question: str) -> dict[str, str]:
        """The fields of a request's form that the question already answers (a choice it
        names, a day it gives: "access to the HR share from Monday")."""
        entry = self.kb.tree(walk.state.tree_id)
        if entry.kind != "request" or not question.strip():
            return {}
        return prefill(RequestItem.from_entry(entry), question)

    def send(self, draft: Draft) -> SendOutcome:
        outcome = self.desk.send(draft)
        if outcome.status != "error":
            with self._lock:
                self.problem_start = len(self.dialogue.turns)     # the next ticket starts afresh
        if self.stats is not None and self.stats.enabled and outcome.status != "error":
            if draft.request:
                self.stats.request_created(draft.team or "")
            else:
                self.stats.ticket_created(draft.team or "")
        return outcome

    # -- resuming after a restart -----------------------------------------------------------
    def _conversation_file(self) -> Path:
        return Path(self.settings.path).parent / CONVERSATION_FILE

    def save_conversation(self, walk: Walk | None = None) -> None:
        """Keep the conversation (and the guided steps in progress) for the next start."""
        with self._lock:
            data = {"saved_at": time.time(), "kb": self.kb.info.content_hash,
                    "dialogue": self.dialogue.to_dict(), "problem_start": self.problem_start,
                    "walk": walk.state.to_dict() if walk else None}
        target = self._conversation_file()
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, target)

    def restore_conversation(self, now: float | None = None) -> Walk | None:
        """Resume a recent saved conversation; returns the guided steps in progress, if any.
        An old one, or one from another knowledge base, is dropped."""
        try:
            data = json.loads(self._conversation_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        age = (now or time.time()) - float(data.get("saved_at", 0))
        if age > CONVERSATION_MAX_AGE or data.get("kb") != self.kb.info.content_hash:
            return None
        try:
            dialogue = Dialogue.from_dict(self.kb, data.get("dialogue", {}))
            walk = None
            if data.get("walk"):
                walker = self._walker(data["walk"]["tree_id"])
                walk = Walk(walker.tree.title, walker.resume(data["walk"]),
                            walker.step(walker.resume(data["walk"])))
        except (TreeError, SnapshotError, KeyError, TypeError, ValueError) as exc:
            log.info("saved conversation not resumed: %s", exc)
            return None
        with self._lock:
            self.dialogue = dialogue
            self.problem_start = min(int(data.get("problem_start", 0) or 0), len(dialogue.turns))
        return walk

    def new_conversation(self) -> None:
        with self._lock:
            self.dialogue = Dialogue(self.kb)
            self.problem_start = 0

