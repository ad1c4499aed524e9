"""A conversation with the assistant: history, "did you mean", and knowing when to escalate.

    dialogue = Dialogue(kb)
    turn = dialogue.ask("printer broken")
    turn.reply.kind          # "answer" | "choose" | "unknown" | "smalltalk"
    turn.offer_ticket        # True after repeated misses: propose a ticket
    dialogue.pick("printer-troubleshoot")      # the user chose a "did you mean" button
    dialogue.feedback(helpful=False)           # "Was this helpful?" -> No
    dialogue.transcript()                      # what the user already tried, for a ticket

The state is plain data (`to_dict` / `from_dict`) so it survives a restart.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from desktop.engine.reply import Reply

MISSES_BEFORE_TICKET = 2


@dataclass
class Turn:
    question: str
    reply: Reply
    at: float
    picked: str | None = None
    helpful: bool | None = None
    offer_ticket: bool = False


@dataclass
class Dialogue:
    kb: Any
    turns: list[Turn] = field(default_factory=list)
    misses: int = 0

    def ask(self, text: str, lang: str | None = None, prefer: str | None = None) -> Turn:
        """Answer `text`; a question too short to tell its language is read in `prefer`
        (the session's language), else in the language of the conversation so far."""
        if prefer is None and self.current is not None:
            prefer = self.current.reply.lang
        reply = self.kb.ask(text, lang=lang, prefer=prefer)
        if reply.kind == "unknown" and str(text or "").strip():   # an empty message is not a miss
            self.misses += 1
        elif reply.kind == "answer":
            self.misses = 0
        turn = Turn(text, reply, time.time(), offer_ticket=self.misses >= MISSES_BEFORE_TICKET)
        self.turns.append(turn)
        return turn

    @property
    def current(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def pick(self, entry_id: str) -> None:
        """The user chose `entry_id` among "did you mean" candidates."""
        if self.current is not None:
            self.current.picked = entry_id
            self.misses = 0

    def feedback(self, helpful: bool) -> bool:
        """Record "Was this helpful?"; returns True when a ticket should be proposed."""
        if self.current is None:
            return False
        self.current.helpful = helpful
        if not helpful:
            self.misses += 1
            self.current.offer_ticket = True
        return not helpful

    def subject(self) -> str:
        """A ticket subject: the title of what was last shown, else the last question."""
        for turn in reversed(self.turns):
            chosen = turn.picked or (turn.reply.hits[0].id if turn.reply.kind == "answer" else None)
            if chosen:
                title = next((h.title for h in turn.reply.hits if h.id == chosen), None)
                return title or self.kb.article(chosen).title
        return self.turns[-1].question[:120] if self.turns else ""

    def led_by(self) -> str | None:
        """The article or tree that led to the ticket, if any."""
        for turn in reversed(self.turns):
            chosen = turn.picked or (turn.reply.hits[0].id if turn.reply.kind == "answer" else None)
            if chosen:
                return chosen
        return None

    def transcript(self) -> list[str]:
        lines = []
        for turn in self.turns:
            lines.append(f"Asked: {turn.question}")
            if turn.reply.kind == "answer":
                lines.append(f"Shown: {turn.reply.hits[0].title} ({turn.reply.hits[0].id})")
            elif turn.reply.kind == "choose":
                lines.append("Suggested: " + "; ".join(h.title for h in turn.reply.hits))
            elif turn.reply.kind == "unknown":
                lines.append("Not understood")
            if turn.picked:
                lines.append(f"Picked: {turn.picked}")
            if turn.helpful is not None:
                lines.append("Helpful: yes" if turn.helpful else "Helpful: no")
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {"misses": self.misses, "turns": [
            {"question": t.question, "reply": t.reply.to_dict(), "at": t.at, "picked": t.picked,
             "helpful": t.helpful, "offer_ticket": t.offer_ticket} for t in self.turns]}

    @classmethod
    def from_dict(cls, kb: Any, data: Mapping[str, Any]) -> "Dialogue":
        from desktop.engine.reply import Hit  # noqa: PLC0415

        dialogue = cls(kb, misses=int(data.get("misses", 0)))
        for t in data.get("turns", []):
            r = dict(t["reply"])
            r["hits"] = [Hit(**h) for h in r.get("hits", [])]
            dialogue.turns.append(Turn(t["question"], Reply(**r), t["at"], t.get("picked"),
                                       t.get("helpful"), t.get("offer_ticket", False)))
        return dialogue

