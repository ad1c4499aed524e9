"""What a helpdesk agent sees when a conversation reaches them: the question, what the
assistant already answered, the guided steps tried, and — only when the employee agrees —
the computer's details. No Qt; call off the GUI thread (gathering probes the machine).

    start = conversation_start(assistant, "my vpn drops", walk, share_computer=True)
    chat.start(**start)
"""
from __future__ import annotations

from desktop.itsm.context import Context

MAX_ANSWERS = 10


def conversation_start(assistant, question: str, walk=None, share_computer: bool = False,
                       lang: str = "", ticket: str = "") -> dict:
    """LiveChat.start's arguments; `ticket`: the ticket the conversation is about (its
    transcript then joins that ticket)."""
    dialogue = assistant.problem_dialogue(walk.state.tree_id if walk is not None else None)
    answers = []
    for turn in dialogue.turns[-MAX_ANSWERS:]:
        chosen = turn.picked or (turn.reply.hits[0].id if turn.reply.kind == "answer" and turn.reply.hits else None)
        title = next((h.title for h in turn.reply.hits if h.id == chosen), None) if chosen else None
        if title is None and chosen:
            try:
                title = assistant.kb.article(chosen).title
            except KeyError:
                title = chosen
        said = {"answer": title, "choose": "offered a choice", "unknown": "did not understand"}.get(
            turn.reply.kind if not title else "answer", turn.reply.kind)
        answers.append({"question": turn.question[:300], "answer": (title or said)[:300]
                        + (" (not helpful)" if turn.helpful is False else "")})
    team, steps = "", []
    led_by = dialogue.led_by()
    if led_by:
        try:
            team = assistant.kb.article(led_by).team or ""
        except KeyError:
            team = ""
    if walk is not None:
        title, tree_team, lines = assistant.walk_summary(walk)
        team = tree_team or team
        steps = [f"{title}: {line}" for line in lines]
    question = question.strip() or (dialogue.turns[-1].question if dialogue.turns else "")
    values = assistant.values
    computer = {}
    if share_computer:
        version = getattr(getattr(assistant.kb, "info", None), "version", "")
        computer = Context.gather(kb_version=str(version or "")).to_dict()
    return {"question": question or "I would like to talk to someone at the helpdesk",
            "team": team, "lang": lang or dialogue.language or assistant.settings.language or "en",
            "employee": values.get("user.full_name", "") or values.get("user.login", ""),
            "answers": answers, "steps": steps, "computer": computer, "ticket": ticket}
