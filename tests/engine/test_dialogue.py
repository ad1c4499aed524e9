"""A conversation: escalation after repeated misses, feedback, transcript, save and restore."""
from __future__ import annotations

import json

import pytest

from desktop.engine import Dialogue, Hit, Reply

UNKNOWN = "how to bake a chocolate cake"
UNKNOWN_2 = "what is the capital of Peru?"
ANSWER = "I forgot my password"


class ScriptedKB:
    """A knowledge base whose next replies are given by the test (for "did you mean")."""

    def __init__(self, real, replies: list[Reply]):
        self.real = real
        self.replies = list(replies)
        self.asked: list[tuple[str, str | None]] = []

    def ask(self, text, lang=None, prefer=None):
        self.asked.append((text, lang))
        return self.replies.pop(0) if self.replies else self.real.ask(text, lang=lang, prefer=prefer)

    def article(self, entry_id):
        return self.real.article(entry_id)


CHOOSE = Reply("choose", hits=[Hit("password-reset", "Reset a forgotten password", 0.4, "article", "en"),
                               Hit("vpn-connect", "Connect to the VPN from home", 0.2, "article", "en")],
               message="Did you mean one of these?")


def test_two_unknowns_in_a_row_offer_a_ticket(helpdesk):
    dialogue = Dialogue(helpdesk)
    first = dialogue.ask(UNKNOWN)
    second = dialogue.ask(UNKNOWN_2)
    assert (first.reply.kind, second.reply.kind) == ("unknown", "unknown")
    assert first.offer_ticket is False
    assert second.offer_ticket is True


def test_an_answer_resets_the_count_of_misses(helpdesk):
    dialogue = Dialogue(helpdesk)
    dialogue.ask(UNKNOWN)
    answered = dialogue.ask(ANSWER)
    assert answered.reply.kind == "answer" and answered.offer_ticket is False
    assert dialogue.ask(UNKNOWN_2).offer_ticket is False
    assert dialogue.ask(UNKNOWN).offer_ticket is True


def test_small_talk_between_misses_neither_resets_nor_counts(helpdesk):
    dialogue = Dialogue(helpdesk)
    dialogue.ask(UNKNOWN)
    assert dialogue.ask("thanks").offer_ticket is False
    assert dialogue.ask(UNKNOWN_2).offer_ticket is True


def test_picking_a_suggestion_resets_the_count_of_misses(helpdesk):
    dialogue = Dialogue(ScriptedKB(helpdesk, [CHOOSE]))
    dialogue.ask(UNKNOWN)
    dialogue.ask("password something")          # "did you mean"
    dialogue.pick("password-reset")
    assert dialogue.ask(UNKNOWN_2).offer_ticket is False
    assert dialogue.subject() == "Reset a forgotten password"
    assert dialogue.led_by() == "password-reset"


def test_the_language_is_passed_to_the_knowledge_base(helpdesk):
    kb = ScriptedKB(helpdesk, [])
    Dialogue(kb).ask("mot de passe oublié", lang="fr")
    assert kb.asked == [("mot de passe oublié", "fr")]


def test_unhelpful_answer_offers_a_ticket(helpdesk):
    dialogue = Dialogue(helpdesk)
    turn = dialogue.ask(ANSWER)
    assert turn.offer_ticket is False
    assert dialogue.feedback(helpful=False) is True
    assert turn.offer_ticket is True and turn.helpful is False
    assert dialogue.subject() == "Reset a forgotten password"
    assert dialogue.led_by() == "password-reset"


def test_helpful_answer_offers_no_ticket(helpdesk):
    dialogue = Dialogue(helpdesk)
    turn = dialogue.ask(ANSWER)
    assert dialogue.feedback(helpful=True) is False
    assert turn.offer_ticket is False and turn.helpful is True


def test_feedback_before_any_question_does_nothing(helpdesk):
    dialogue = Dialogue(helpdesk)
    assert dialogue.feedback(helpful=False) is False
    dialogue.pick("password-reset")
    assert dialogue.turns == [] and dialogue.current is None
    assert dialogue.subject() == "" and dialogue.led_by() is None


def test_subject_falls_back_to_the_last_question_when_nothing_was_shown(helpdesk):
    dialogue = Dialogue(helpdesk)
    dialogue.ask(UNKNOWN)
    assert dialogue.subject() == UNKNOWN
    dialogue.ask("x" * 500)
    assert dialogue.subject() == "x" * 120


def _conversation(helpdesk) -> Dialogue:
    dialogue = Dialogue(ScriptedKB(helpdesk, []))
    dialogue.ask(ANSWER)
    dialogue.feedback(helpful=False)
    dialogue.kb.replies.append(CHOOSE)
    dialogue.ask("password something")
    dialogue.pick("vpn-connect")
    dialogue.ask(UNKNOWN)
    dialogue.ask("hello")
    return dialogue


def test_transcript_lists_questions_answers_and_picks(helpdesk):
    assert _conversation(helpdesk).transcript() == [
        f"Asked: {ANSWER}",
        "Shown: Reset a forgotten password (password-reset)",
        "Helpful: no",
        "Asked: password something",
        "Suggested: Reset a forgotten password; Connect to the VPN from home",
        "Picked: vpn-connect",
        f"Asked: {UNKNOWN}",
        "Not understood",
        "Asked: hello",
    ]


def test_dialogue_survives_a_json_round_trip(helpdesk):
    dialogue = _conversation(helpdesk)
    saved = json.loads(json.dumps(dialogue.to_dict()))
    restored = Dialogue.from_dict(helpdesk, saved)
    assert restored.transcript() == dialogue.transcript()
    assert restored.misses == dialogue.misses
    assert [t.offer_ticket for t in restored.turns] == [t.offer_ticket for t in dialogue.turns]
    assert [t.reply for t in restored.turns] == [t.reply for t in dialogue.turns]
    assert restored.subject() == dialogue.subject() == "Connect to the VPN from home"
    assert restored.led_by() == "vpn-connect"
    # and the restored dialogue goes on counting where it stopped
    assert restored.ask(UNKNOWN_2).offer_ticket is (dialogue.misses + 1 >= 2)


@pytest.mark.parametrize("saved", [{}, {"misses": 0, "turns": []}])
def test_restoring_an_empty_dialogue_gives_a_fresh_one(helpdesk, saved):
    restored = Dialogue.from_dict(helpdesk, saved)
    assert restored.turns == [] and restored.misses == 0


@pytest.mark.parametrize("empty", ["", "   ", "\n"])
def test_sending_an_empty_message_is_not_a_miss(helpdesk, empty):
    dialogue = Dialogue(helpdesk)
    dialogue.ask(UNKNOWN)
    assert dialogue.ask(empty).offer_ticket is False
    assert dialogue.ask(empty).offer_ticket is False
    assert dialogue.ask(UNKNOWN_2).offer_ticket is True
