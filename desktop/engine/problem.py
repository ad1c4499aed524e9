"""Which turns of a day's conversation are about the problem a ticket is for.

A ticket's "what you already tried" holds only this problem: the turns since the last
ticket was sent, and of those only the run of turns at the end that stays on one topic
(a turn about another topic, or a pause of more than half an hour, starts a new
problem). Turns that were not understood belong to the problem around them.

    turns = problem_turns(kb, dialogue.turns[since:], anchor="printer-troubleshoot")
    Dialogue(kb, turns).transcript()       # the lines a ticket shows and sends

Two entries share a topic when they are the same entry, have the same `topic`, or —
where one has no topic (decision trees usually have none) — share a keyword.
"""
from __future__ import annotations

from typing import Any, Sequence

from desktop.engine.dialogue import Turn

PAUSE_BETWEEN_PROBLEMS = 30 * 60          # seconds of silence after which a question is a new problem


def chosen_entry(turn: Turn) -> str | None:
    """The article or tree the turn was about: the one picked, or the confident answer."""
    if turn.picked:
        return turn.picked
    if turn.reply.kind == "answer" and turn.reply.hits:
        return turn.reply.hits[0].id
    return None


def same_topic(kb: Any, first_id: str, second_id: str) -> bool:
    if first_id == second_id:
        return True
    try:
        first, second = kb.article(first_id), kb.article(second_id)
    except Exception:  # noqa: BLE001 - an entry gone from a newer snapshot: not the same topic
        return False
    if first.topic and second.topic:
        return first.topic == second.topic
    words = {k.strip().lower() for k in first.keywords or []}
    return bool(words & {k.strip().lower() for k in second.keywords or []})


def problem_turns(kb: Any, turns: Sequence[Turn], anchor: str | None = None) -> list[Turn]:
    """The turns at the end of `turns` about the current problem (oldest first).

    `anchor` is the entry the ticket is for (the tree being walked); without it, the
    entry of the latest turn that was about one."""
    if anchor is None:
        anchor = next((e for e in map(chosen_entry, reversed(turns)) if e), None)
    kept: list[Turn] = []
    for turn in reversed(turns):
        if kept and kept[0].at - turn.at > PAUSE_BETWEEN_PROBLEMS:
            break
        entry = chosen_entry(turn)
        if entry is not None and anchor is not None and not same_topic(kb, anchor, entry):
            break
        kept.insert(0, turn)
    return kept
