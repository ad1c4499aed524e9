"""Greetings, thanks and "what can you do?" get a friendly reply instead of `unknown`.

Only a message that is nothing but small talk is answered here: "hi, my printer is
jammed" goes on to the knowledge base.
"""
from __future__ import annotations

import re

from desktop.engine.text import fold

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("capabilities", re.compile(      # the whole message, so "what can you do about X" is a question
        r"^(?:(what|wat|wht) (can|do) (you|u) (do|help( me)? with)( for me)?|how can (you|u) help( me)?|"
        r"help( me)?|(who|what) are (you|u)|"
        r"(que|qu est ce que|quest ce que) (tu|vous) (sais|savez|peux|pouvez) faire|"
        r"que (sais|savez|peux|pouvez) (tu|vous) faire|(tu|vous) (sais|savez|peux|pouvez) faire quoi|"
        r"(tu|vous) (sers|servez) a quoi|a quoi (sers|servez) (tu|vous)|"
        r"comment (tu|vous) (peux|pouvez) m aider|comment (peux|pouvez) (tu|vous) m aider|"
        r"(qui|que) (es|etes) (tu|vous)|aide( moi)?)$")),
    ("thanks", re.compile(
        r"^(thanks?|thx|ty|thank you|cheers|merci|mercii+|great thanks|super merci|merci beaucoup|"
        r"parfait merci|top merci|ok merci|ok thanks|that worked|ca marche merci|c est bon merci)( (a lot|beaucoup|bcp|so much))?$")),
    ("greeting", re.compile(
        r"^(hi|hello|hey|hiya|yo|good (morning|afternoon|evening)|bonjour|bonsoir|salut|coucou|"
        r"hello there|hi there|allo)( (there|all|everyone|bot|assistant|a tous))?$")),
    ("goodbye", re.compile(r"^(bye|goodbye|see you|au revoir|a plus|a bientot|bonne journee|bonne soiree|have a nice day|ciao)$")),
]

_MESSAGES = {
    "en": {
        "greeting": "Hello! Tell me about your IT problem in your own words — for example "
                    "\"my printer won't print\" or \"I forgot my password\".",
        "thanks": "You're welcome! If anything else goes wrong, just ask.",
        "goodbye": "Goodbye! I'm in the system tray whenever you need me.",
        "capabilities": "I answer IT questions instantly, even offline: passwords, MFA, VPN, Wi-Fi, "
                        "e-mail, printers, laptops, software, phones and more. I can walk you through "
                        "a fix step by step, open a ticket with the right support team, follow your "
                        "tickets and book a slot with the helpdesk.",
    },
    "fr": {
        "greeting": "Bonjour ! Décrivez votre problème informatique avec vos mots — par exemple "
                    "« mon imprimante n'imprime plus » ou « j'ai oublié mon mot de passe ».",
        "thanks": "Avec plaisir ! Si autre chose ne va pas, demandez-moi.",
        "goodbye": "Au revoir ! Je reste dans la barre des tâches si besoin.",
        "capabilities": "Je réponds tout de suite à vos questions informatiques, même hors ligne : "
                        "mots de passe, MFA, VPN, Wi-Fi, messagerie, imprimantes, ordinateurs, logiciels, "
                        "téléphones… Je peux vous guider pas à pas, ouvrir un ticket auprès de la bonne "
                        "équipe, suivre vos tickets et réserver un créneau avec le support.",
    },
}


def smalltalk(text: str, lang: str) -> str | None:
    """A friendly reply if `text` is only small talk, else None."""
    cleaned = re.sub(r"[^a-z0-9' ]+", " ", fold(text)).replace("'", " ")
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if not cleaned or len(cleaned) > 60:
        return None
    for name, pattern in _PATTERNS:
        if pattern.search(cleaned):
            return _MESSAGES.get(lang, _MESSAGES["en"])[name]
    return None
