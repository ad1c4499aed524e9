"""Small talk: greetings, thanks, goodbyes and "what can you do?" in English and French."""
from __future__ import annotations

import pytest

from desktop.engine.smalltalk import smalltalk

CAPABILITIES = [
    "what can you do?", "What can you help me with?", "what do you do", "how can you help me?", "who are you?",
    "help", "qu'est-ce que tu sais faire ?", "que peux-tu faire ?", "Que sais-tu faire ?",
    "que pouvez-vous faire ?", "tu peux faire quoi ?", "à quoi sers-tu ?", "À quoi servez-vous ?",
    "tu sers à quoi ?", "comment peux-tu m'aider ?", "comment pouvez-vous m'aider ?", "qui es-tu ?",
    "qui êtes-vous ?", "aide-moi",
]
GREETINGS = ["hi", "Hello!", "hey there", "good morning", "bonjour", "Bonjour à tous", "salut", "coucou"]
THANKS = ["thanks", "thank you", "thanks a lot", "great, thanks!", "merci", "merci beaucoup", "ok merci"]
GOODBYES = ["bye", "goodbye", "au revoir", "bonne journée", "bonne soirée"]
NOT_SMALL_TALK = [
    "hi my printer is jammed", "hello, I forgot my password", "merci de m'aider avec le VPN",
    "help me reset my password", "what can you do about my broken screen?", "bonjour, l'imprimante ne marche plus",
    "who can reset my password?", "que faire si mon mot de passe expire ?", "",
]


@pytest.mark.parametrize("text, kind", [*[(t, "capabilities") for t in CAPABILITIES],
                                         *[(t, "greeting") for t in GREETINGS],
                                         *[(t, "thanks") for t in THANKS],
                                         *[(t, "goodbye") for t in GOODBYES]])
def test_small_talk_is_answered_in_both_languages(text, kind):
    english, french = smalltalk(text, "en"), smalltalk(text, "fr")
    assert english and french and english != french
    expected = {"capabilities": "IT questions", "greeting": "Hello", "thanks": "welcome", "goodbye": "Goodbye"}
    assert expected[kind] in english


@pytest.mark.parametrize("text", NOT_SMALL_TALK)
def test_a_real_question_is_not_small_talk(text):
    assert smalltalk(text, "en") is None
