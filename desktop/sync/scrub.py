"""Remove personal data from a question before it leaves the machine.

    >>> scrub("mail jean.dupont@acme.fr from 10.1.2.3, call +33 6 12 34 56 78",
    ...       names=["Jean", "Dupont"])
    'mail <email> from <ip>, call <phone>'

Replaced, in this order: URLs, e-mail addresses, IBANs, IP addresses (v4 and v6), card
and other long numbers, phone numbers, host names (dotted names, Windows-style machine
names such as `PC-ACME-0042`, this machine's own name), and the user's own names
(accents and case ignored). What remains is lower-cased, single-spaced and cut to
`MAX_LENGTH` characters. The server runs the same function again on what it receives.
"""
from __future__ import annotations

import re
import socket
import unicodedata
from typing import Iterable

MAX_LENGTH = 200

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(?:https?|ftp|smb|file)://\S+", re.I), "<url>"),
    (re.compile(r"\\\\[\w.$-]+(?:\\[\w.$ -]*)*"), "<host>"),                       # \\server\share
    (re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"), "<email>"),
    (re.compile(r"\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,4})?\b", re.I), "<iban>"),
    (re.compile(r"\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b"), "<ip>"),
    (re.compile(r"(?<![\w:])[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?![\w:])", re.I), "<ip>"),
    (re.compile(r"(?<!\w)(?:\d[ -]?){12,18}\d(?!\w)"), "<number>"),               # cards, accounts
    (re.compile(r"(?<!\w)(?:\+|00)?\d[\d ().-]{6,18}\d(?!\w)"), "<phone>"),
    (re.compile(r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|local|lan|corp|intra|internal|fr|de|be|ch|uk|eu|io)\b",
                re.I), "<host>"),
    (re.compile(r"\b[A-Z]{2,}[A-Z0-9]*(?:-[A-Z0-9]+)*-\d{2,}[A-Z0-9]*\b"), "<host>"),   # PC-ACME-0042
]


def _fold(text: str) -> str:
    """Lower-case and strip accents: 'Élodie' -> 'elodie'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def own_names() -> list[str]:
    """This user's login, full name parts and this machine's name, where the OS tells."""
    names: list[str] = []
    try:
        import getpass
        login = getpass.getuser()
        names.append(login)
        import pwd  # POSIX only
        gecos = pwd.getpwnam(login).pw_gecos.split(",")[0]
        names += gecos.split()
    except Exception:  # noqa: BLE001 - Windows, containers: fewer names, still scrubbed by pattern
        pass
    try:
        host = socket.gethostname()
        names += [host, host.split(".")[0]]
    except OSError:
        pass
    return [n for n in names if len(n) >= 2]


def scrub(text: str, names: Iterable[str] = ()) -> str:
    """`text` without personal data; see the module docstring for what goes."""
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    folded = _fold(text)
    for name in sorted({_fold(n) for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        folded = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", "<name>", folded)
    folded = re.sub(r"\s+", " ", folded).strip()
    return folded[:MAX_LENGTH]
