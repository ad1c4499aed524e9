"""A conversation with the assistant: history, "did you mean", and knowing when to escalate.

    dialogue = Dialogue(kb)
    turn = dialogue.ask("printer broken")
    turn.reply.kind          # "answer" | "choose" | "unknown" | "smalltalk"
    turn.offer_ticket        # True after repeated misses: propose a ticket
    dialogue.pick("printer-troubleshoot")      # the user chose a "did you mean" button
    dialogue.feedback(helpful=False)           # "Was this helpful?" -> No
    dialogue.transcript()                      # what the user already tried, for a ticket
                                               # ("Asked: …", or "Question : …" in French)

The state is plain data (`to_dict` / `from_dict`) so it survives a restart.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Mapping

from desktop.engine.reply import Reply

MISSES_BEFORE_TICKET = 2
# The transcript's lines, shown to the employee in the ticket summary: in the conversation's language.
TRANSCRIPT_LABELS = {
    "en": {"asked": "Asked: {}", "shown": "Shown: {} ({})", "suggested": "Suggested: {}",
           "not_understood": "Not understood", "picked": "Picked: {}", "helpful": "Helpful: yes",
           "not_helpful": "Helpful: no", "step": "Step: {}", "check": "Check {}: {}", "tried": "Tried: {}",
           "ok": "ok", "failed": "failed", "unknown": "unknown"},
    "fr": {"asked": "Question : {}", "shown": "Réponse affichée : {} ({})", "suggested": "Suggestions : {}",
           "not_understood": "Question non comprise", "picked": "Choisi : {}", "helpful": "Utile : oui",
           "not_helpful": "Utile : non", "step": "Étape : {}", "check": "Vérification {} : {}",
           "tried": "Essayé : {}", "ok": "réussie", "failed": "échouée", "unknown": "sans résultat"},
}


def transcript_line(label: str, lang: str | None, *values: str) -> str:
    """One transcript line (`label` of TRANSCRIPT_LABELS) in `lang`, English if unknown."""
    labels = TRANSCRIPT_LABELS.get(lang or "en", TRANSCRIPT_LABELS["en"])
    return labels.get(label, label).format(*values)


def asked_question(line: str) -> str | None:
    """The question of an "Asked: …" line in any language; None for other lines."""
    for labels in TRANSCRIPT_LABELS.values():
        prefix = labels["asked"].split("{}")[0]
        if line.startswith(prefix):
            return line[len(prefix):]
    return None


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

    @property
    def language(self) -> str | None:
        """The conversation's language: that of its latest reply (None before any)."""
        return self.current.reply.lang if self.current is not None else None

    def transcript(self, lang: str | None = None) -> list[str]:
        """What was asked and shown, one line each, in `lang` (default: the conversation's)."""
        lang = lang or self.language
        lines = []
        for turn in self.turns:
            lines.append(transcript_line("asked", lang, turn.question))
            if turn.reply.kind == "answer":
                lines.append(transcript_line("shown", lang, turn.reply.hits[0].title, turn.reply.hits[0].id))
            elif turn.reply.kind == "choose":
                lines.append(transcript_line("suggested", lang, "; ".join(h.title for h in turn.reply.hits)))
            elif turn.reply.kind == "unknown":
                lines.append(transcript_line("not_understood", lang))
            if turn.picked:
                lines.append(transcript_line("picked", lang, turn.picked))
            if turn.helpful is not None:
                lines.append(transcript_line("helpful" if turn.helpful else "not_helpful", lang))
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

