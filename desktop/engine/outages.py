"""Which active announcements (outage banners) are about an article or a decision tree.

An announcement is about an entry when a word of its title — or of its `topics` /
`keywords`, where the server sends them — is the entry's topic or one of its keywords
("E-mail outage" is about the Outlook tree, whose keywords hold "e-mail"; "VPN outage"
about every article of topic `vpn`). Spelling variants meet: case, hyphens ("e-mail",
"email") and accents are ignored. The body is not matched: it speaks of other things
("we are on it") and would match too much.

    outages_about(kb.article("outlook-troubleshoot"), banners)   # -> [the e-mail banner]
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Mapping

_WORD = re.compile(r"[^\W_]+")


def _plain(text: str) -> str:
    """Lower case, no accents, no hyphens inside words: "E-Mail" -> "email"."""
    text = unicodedata.normalize("NFKD", str(text).lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"(?<=\w)[-‐‑](?=\w)", "", text)


def _words(text: str) -> list[str]:
    return _WORD.findall(_plain(text))


def announcement_terms(announcement: Mapping[str, Any]) -> str:
    """The text an announcement is matched on, as plain words separated by spaces."""
    extra: list[str] = [*(announcement.get("topics") or []), *(announcement.get("keywords") or [])]
    return " " + " ".join(_words(" ".join([str(announcement.get("title", "")), *map(str, extra)]))) + " "


def entry_terms(entry: Any) -> list[str]:
    """The entry's topic and keywords, each as plain words (a keyword may be a phrase)."""
    terms = [entry.topic or "", *(entry.keywords or [])]
    return [" ".join(_words(t)) for t in terms if _words(t)]


def outages_about(entry: Any, announcements: Iterable[Mapping[str, Any]]) -> list[dict]:
    """The announcements about `entry` (an Article of either kind), in their order."""
    terms = entry_terms(entry)
    found = []
    for announcement in announcements:
        text = announcement_terms(announcement)
        if any(f" {term} " in text for term in terms):
            found.append(dict(announcement))
    return found
