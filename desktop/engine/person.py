"""Whether a message asks to talk to a person rather than to the assistant.

    asks_for_person("je veux parler à quelqu'un")     # True
    asks_for_person("can I speak to a human please")   # True
    asks_for_person("how do I share my screen with a colleague")   # False

Only a short message that is about reaching a person counts: "call a colleague on Teams"
is a question for the knowledge base.
"""
from __future__ import annotations

import re

from desktop.engine.text import fold

_WHO = (r"(a |an |the |some |one |someone|somebody|quelqu un|une |un |des |le |la |l |du )?"
        r"(human|humain|person|personne|people|agent|technician|technicien|conseiller|conseillere|operator|"
        r"operateur|someone|somebody|quelqu un|real person|vraie personne|live agent|support|helpdesk|help desk|"
        r"service desk|it team|it|equipe it|equipe informatique|hotline|tech)( (from|de|du|at|of) [a-z ]+)?")
_PATTERNS = [
    re.compile(rf"\b(talk|speak|chat|get through|connect me|put me through)( to| with)? (a |an |the )?{_WHO}\b"),
    re.compile(rf"\b(parler|discuter|echanger|causer)( a| avec)? {_WHO}\b"),
    re.compile(rf"\b(joindre|contacter|avoir|appeler) {_WHO}\b"),
    re.compile(r"\b(real|actual|live) (person|human|agent)\b"),
    re.compile(r"\b(un|une) (humain|vrai humain|vraie personne)\b"),
    re.compile(r"^(human|agent|operator|humain|conseiller|technicien)( please| svp| s il vous plait| stp)?$"),
]


def asks_for_person(text: str) -> bool:
    cleaned = re.sub(r"[^a-z0-9 ]+", " ", fold(text).replace("'", " "))
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if not cleaned or len(cleaned) > 90:
        return False
    if re.search(r"\b(colleague|collegue|manager|client|customer|teams call|on teams|sur teams|share|partager)\b",
                 cleaned):
        return False
    return any(p.search(cleaned) for p in _PATTERNS)
