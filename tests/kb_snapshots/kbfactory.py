"""Small knowledge bases written from dicts of file contents, for tests.

    root = write_kb(tmp_path / "kb", {"articles/a.md": article(id="a", ...)})
    kb = build_and_open(root, tmp_path / "kb.sqlite")

`write_kb` starts from a minimal kb.yaml (English and French, two teams) unless the
files give their own; a value of None removes a default file.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Mapping

import yaml

DEFAULT_KB_YAML = """\
name: Test IT
default_lang: en
languages: [en, fr]
teams:
  service-desk: Service desk
  workplace: Workplace
"""


def article(body: str = "Some help text.", **front: Any) -> str:
    """An article file: YAML front matter from keyword arguments, then the body."""
    matter = yaml.safe_dump(front, sort_keys=False, allow_unicode=True)
    return f"---\n{matter}---\n{body}\n"


def tree(**data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_kb(root: Path, files: Mapping[str, str | None]) -> Path:
    """Write `files` (relative path -> text, dedented) under `root`, with a default kb.yaml."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str | None] = {"kb.yaml": DEFAULT_KB_YAML, **files}
    for rel, text in merged.items():
        if text is None:
            continue
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def build_and_open(root: Path, output: Path, **build_args: Any):
    from desktop.engine import KnowledgeBase
    from kb_snapshots.build import build

    build(root, output, version=build_args.pop("version", 1), **build_args)
    return KnowledgeBase.open(output)


PRINTER_TREE = {
    "id": "printer-troubleshoot",
    "title": "My printer does not print",
    "lang": "en",
    "team": "workplace",
    "questions": ["my printer won't print", "print job stuck in the queue", "printer not working"],
    "keywords": ["printer", "print"],
    "start": "start",
    "nodes": {
        "start": {
            "text": "Hello {{user.first_name}}, which printer are you using?",
            "options": [
                {"label": "A shared office printer", "next": "check-network"},
                {"label": "A printer at home", "next": "home"},
            ],
        },
        "check-network": {
            "text": "Let me check the network of {{device.hostname}}.",
            "check": "network.connected",
            "if_ok": "queue",
            "if_failed": "no-network",
        },
        "queue": {
            "answer": "Clear the print queue and print again.",
            "unsolved": "open-ticket",
        },
        "no-network": {"answer": "Connect to the Wi-Fi first."},
        "home": {"answer": "Home printers are not supported by IT."},
        "open-ticket": {
            "text": "I will open a ticket for the workplace team.",
            "ticket": {
                "subject": "Printer does not print",
                "fields": [
                    {"id": "printer", "label": "Printer name", "type": "text", "required": True},
                    {"id": "since", "label": "Since when?", "type": "choice",
                     "choices": ["Today", "This week", "Longer"]},
                    {"id": "first_seen", "label": "First seen on", "type": "date"},
                ],
            },
        },
    },
}

# A small bilingual helpdesk: translated pairs, an English-only entry, a tree, synonyms.
HELPDESK_FILES: dict[str, str] = {
    "articles/en/password-reset.md": article(
        "Hello {{user.first_name}}, open the reset page and choose a new password.",
        id="password-reset", title="Reset a forgotten password", lang="en", team="service-desk",
        keywords=["password", "reset", "forgot"],
        questions=["I forgot my password", "password expired", "how do I reset my password?"]),
    "articles/fr/password-reset-fr.md": article(
        "Bonjour {{user.first_name}}, ouvrez la page de réinitialisation du mot de passe.",
        id="password-reset-fr", title="Réinitialiser un mot de passe oublié", lang="fr",
        team="service-desk", translation_of="password-reset",
        keywords=["mot de passe", "oublié", "réinitialiser"],
        questions=["j'ai oublié mon mot de passe", "mot de passe expiré",
                   "comment réinitialiser mon mot de passe ?"]),
    "articles/en/vpn-connect.md": article(
        "Open the VPN client and sign in.",
        id="vpn-connect", title="Connect to the VPN from home", lang="en",
        keywords=["vpn", "remote", "home"],
        questions=["how do I connect to the VPN?", "vpn will not connect", "work from home access"]),
    "articles/fr/vpn-connect-fr.md": article(
        "Ouvrez le client VPN et connectez-vous.",
        id="vpn-connect-fr", title="Se connecter au VPN depuis chez soi", lang="fr",
        translation_of="vpn-connect", keywords=["vpn", "télétravail"],
        questions=["comment me connecter au VPN ?", "le vpn ne se connecte pas", "accès en télétravail"]),
    "articles/en/outlook-mailbox-full.md": article(
        "Archive old e-mails to free space in your mailbox.",
        id="outlook-mailbox-full", title="My Outlook mailbox is full", lang="en",
        keywords=["outlook", "mailbox", "quota", "email"],
        questions=["mailbox full", "outlook says my mailbox is over its size limit",
                   "cannot send email, mailbox quota exceeded"]),
    "articles/en/wifi-guest.md": article(
        "Guests use the Contoso-Guest network; the code is at the reception.",
        id="wifi-guest", title="Wi-Fi access for visitors", lang="en",
        keywords=["wifi", "guest", "visitor"],
        questions=["wifi password for a visitor", "guest wifi access", "how can my visitor get on the wifi?"]),
    "articles/en/teams-camera.md": article(
        "Check the camera privacy setting and choose the right camera in Teams.",
        id="teams-camera", title="My camera does not work in Teams", lang="en",
        keywords=["camera", "webcam", "teams", "video"],
        questions=["my webcam is not working in Teams", "colleagues cannot see me in a meeting",
                   "black screen instead of my video"]),
    "trees/en/printer-troubleshoot.yaml": tree(**PRINTER_TREE),
    "synonyms.yaml": tree(en=[["password", "pwd", "passwd"], ["wifi", "wi-fi", "wireless network"]],
                          fr=[["mot de passe", "mdp"]]),
}
