"""Variables in KB text: `{{user.first_name}}`, `{{device.hostname}}`, ...

Values are gathered on this machine by `gather_variables()` and substituted by
`render()`. Rendering is plain text substitution: nothing in a KB is evaluated or
executed. A variable with no value reads as a phrase ("your e-mail address", "the
helpdesk portal") in the text's language, never as a raw name. Values are inserted as
text; for the chat window, which shows Markdown, `render(..., markdown=True)` escapes
them so a value can never add formatting, links or HTML.

Where values come from, in order (a later source wins): the knowledge base's own
defaults (kb.yaml `variables`, e.g. the portal address), this machine and account, the
policy's `[helpdesk]` section. The e-mail address (and the name) is the directory entry's
when the policy names a directory (`[directory] url`, read anonymously), else the login
(or first.last, from the account's full name) at `[directory] mail_domain`, else the account's
principal name on a domain-joined Windows PC, else the login at the machine's mail
domain (/etc/mailname); HELPDESK_USER_EMAIL overrides all of them.
"""
from __future__ import annotations

import getpass
import os
import platform
import re
import socket
import sys
from pathlib import Path
from typing import Any, Mapping

from desktop import __version__

VARIABLE_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")   # any {{...}}: an unknown name fails the build

KNOWN_VARIABLES = frozenset({
    "user.first_name", "user.last_name", "user.full_name", "user.email", "user.login",
    "user.department", "user.manager", "user.office", "user.phone", "user.groups",
    "device.hostname", "device.os", "device.os_version", "device.ip", "device.free_disk_gb",
    "device.uptime", "device.network", "device.vpn",
    "helpdesk.phone", "helpdesk.email", "helpdesk.hours", "helpdesk.portal", "helpdesk.password_reset",
    "app.version", "kb.name", "kb.version",
})
# Variables a knowledge base may give a default for in kb.yaml (the policy overrides them).
KB_DEFAULTABLE = frozenset(name for name in KNOWN_VARIABLES if name.startswith("helpdesk."))
MAILNAME = Path("/etc/mailname")

# What a reader sees when a variable has no value. "" drops the word (and a comma before it).
FALLBACKS: dict[str, dict[str, str]] = {
    "en": {
        "user.first_name": "", "user.last_name": "", "user.full_name": "your name",
        "user.email": "your e-mail address", "user.login": "your login",
        "user.department": "your department", "user.manager": "your manager", "user.office": "your office",
        "user.phone": "your phone number", "user.groups": "your groups",
        "device.hostname": "this computer", "device.os": "your operating system", "device.os_version": "",
        "device.ip": "your IP address", "device.free_disk_gb": "unknown", "device.uptime": "unknown",
        "device.network": "unknown", "device.vpn": "unknown",
        "helpdesk.phone": "the helpdesk phone line", "helpdesk.email": "the helpdesk mailbox",
        "helpdesk.hours": "opening hours", "helpdesk.portal": "the helpdesk portal",
        "helpdesk.password_reset": "the password reset page",
        "app.version": "unknown", "kb.name": "the knowledge base", "kb.version": "unknown",
    },
    "fr": {
        "user.first_name": "", "user.last_name": "", "user.full_name": "votre nom",
        "user.email": "votre adresse e-mail", "user.login": "votre identifiant",
        "user.department": "votre service", "user.manager": "votre responsable", "user.office": "votre bureau",
        "user.phone": "votre numéro de téléphone", "user.groups": "vos groupes",
        "device.hostname": "cet ordinateur", "device.os": "votre système", "device.os_version": "",
        "device.ip": "votre adresse IP", "device.free_disk_gb": "inconnu", "device.uptime": "inconnu",
        "device.network": "inconnu", "device.vpn": "inconnu",
        "helpdesk.phone": "la ligne du support", "helpdesk.email": "la boîte du support",
        "helpdesk.hours": "les heures d'ouverture", "helpdesk.portal": "le portail du support",
        "helpdesk.password_reset": "la page de réinitialisation du mot de passe",
        "app.version": "inconnue", "kb.name": "la base de connaissances", "kb.version": "inconnue",
    },
}
# Machine states are gathered in English and read in the text's language.
STATE_WORDS = {"fr": {"connected": "connecté", "offline": "hors ligne", "not connected": "non connecté"}}
DURATION_WORDS = {"fr": (("days", "jours"), ("day", "jour"))}
_DROPPED = "\x00"
_DROP_BEFORE_PUNCTUATION = re.compile(r",?[ \u00a0]*\x00(?=\s*[,.:;!?)])")
_DROP = re.compile(r"[ \u00a0]?\x00")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")


def find_variables(text: str) -> list[str]:
    """The variable names used in `text`, in order."""
    return VARIABLE_RE.findall(text or "")


def fallback(name: str, lang: str | None = "en") -> str:
    """What `name` reads as when it has no value (an unknown name reads as nothing)."""
    table = FALLBACKS.get(lang or "en", FALLBACKS["en"])
    return table.get(name, FALLBACKS["en"].get(name, ""))


def localised(name: str, value: str, lang: str | None) -> str:
    """A machine state ("connected", "3 days 4 h") in the text's language."""
    if name in ("device.network", "device.vpn"):
        return STATE_WORDS.get(lang or "en", {}).get(value, value)
    if name == "device.uptime":
        for english, word in DURATION_WORDS.get(lang or "en", ()):
            value = re.sub(rf"\b{english}\b", word, value)
    return value


def _shown(name: str, value: Any, lang: str | None, markdown: bool) -> str:
    if value in (None, ""):
        return fallback(name, lang)
    text = localised(name, str(value), lang)
    return markdown_escape(text) if markdown else text


def markdown_escape(value: str) -> str:
    """`value` as literal text inside Markdown: no formatting, link, HTML or new block."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def render(text: str, values: Mapping[str, Any], lang: str | None = "en", markdown: bool = False) -> str:
    """Fill in `{{name}}`; a name with no value reads as `fallback(name, lang)`.

    `markdown=True` escapes the values (for text shown as Markdown); fallbacks are plain
    words and need none. Values are never rendered again, so a value cannot pull in others.
    """
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        return _shown(name, values.get(name), lang, markdown) or _DROPPED
    out = VARIABLE_RE.sub(substitute, text or "")
    if _DROPPED in out:
        out = _DROP.sub("", _DROP_BEFORE_PUNCTUATION.sub("", out))
    return out


def display_values(values: Mapping[str, Any], lang: str | None = "en", markdown: bool = True) -> dict[str, str]:
    """Every known variable with the text it shows as: the value (escaped for Markdown
    when asked) or its fallback. For renderers that only substitute (decision trees)."""
    return {name: _shown(name, values.get(name), lang, markdown) for name in KNOWN_VARIABLES}


def _fold_ascii(text: str) -> str:
    import unicodedata  # noqa: PLC0415

    text = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9._-]+", "", "".join(ch for ch in text if not unicodedata.combining(ch)))


def machine_mail_domain(path: Path = MAILNAME) -> str:
    """The mail domain the system is configured with (/etc/mailname), or ""."""
    try:
        domain = path.read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, UnicodeDecodeError, IndexError):
        return ""
    return domain if "." in domain and " " not in domain else ""


def email_address(login: str, full_name: str, mail_domain: str = "", mail_format: str = "{login}",
                  mailname: Path = MAILNAME) -> str:
    """The account's address at the policy's mail domain (else the machine's), or ""."""
    domain = mail_domain.strip().lstrip("@") or machine_mail_domain(mailname)
    if not domain or not login:
        return ""
    parts = full_name.split()
    names = {"login": _fold_ascii(login), "first": _fold_ascii(parts[0]) if parts else "",
             "last": _fold_ascii("".join(parts[1:])) if len(parts) > 1 else ""}
    try:
        local = mail_format.format(**names)
    except (KeyError, IndexError, ValueError):
        local = names["login"]
    local = local.strip(".") if local.strip(".") and ".." not in local else names["login"]
    return f"{local}@{domain}"


def windows_principal_name() -> str:
    """The signed-in account's user principal name on a domain-joined Windows PC
    (`jdoe@contoso.com`: in Active Directory, usually the e-mail address), or ""."""
    if sys.platform != "win32":
        return ""
    try:
        import ctypes  # noqa: PLC0415

        size = ctypes.c_ulong(256)
        buffer = ctypes.create_unicode_buffer(size.value)
        if ctypes.windll.secur32.GetUserNameExW(8, buffer, ctypes.byref(size)):   # NameUserPrincipal
            name = buffer.value.strip()
            return name if "@" in name and "." in name.split("@")[-1] else ""
    except (OSError, AttributeError, ValueError):
        pass
    return ""


def _account() -> tuple[str, str]:
    """(login, full name) of the account running the app."""
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some sandboxes
        login = os.environ.get("USER", "")
    full = ""
    try:
        import pwd  # noqa: PLC0415 - POSIX only
        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except Exception:  # noqa: BLE001 - no passwd entry, or Windows
        full = ""
    return login, os.environ.get("HELPDESK_USER_FULL_NAME", full)


def _directory_entry(directory: Mapping[str, Any], login: str) -> dict[str, str]:
    if not directory.get("url") or not login:
        return {}
    import desktop.engine.directory as ldap  # noqa: PLC0415 - only where IT names a directory
    from desktop import paths  # noqa: PLC0415

    return ldap.cached_lookup(paths.data_home() / "directory.json", str(directory["url"]),
                              str(directory.get("base_dn", "")), login, str(directory.get("login_attribute", "") or "uid"))


def _user_names(directory: Mapping[str, Any] | None = None) -> dict[str, str]:
    directory = directory or {}
    login, full = _account()
    entry = _directory_entry(directory, login)
    full = entry.get("displayName") or " ".join(filter(None, (entry.get("givenName"), entry.get("sn")))) or full
    parts = full.split()
    mail_domain = str(directory.get("mail_domain", ""))
    email = (os.environ.get("HELPDESK_USER_EMAIL", "") or entry.get("mail", "")
             or (windows_principal_name() if not mail_domain else "")
             or email_address(login, full, mail_domain, str(directory.get("mail_format", "") or "{login}")))
    if entry.get("givenName") and entry.get("sn"):
        parts = [entry["givenName"], entry["sn"]]
    facts = {"user.department": entry.get("departmentNumber") or entry.get("ou", ""),
             "user.manager": entry.get("manager", ""), "user.office": entry.get("physicalDeliveryOfficeName", ""),
             "user.phone": entry.get("telephoneNumber", ""), "user.groups": entry.get("groups", "")}
    return {
        **{name: value for name, value in facts.items() if value},
        "user.login": login,
        "user.full_name": full,
        "user.first_name": parts[0] if parts else "",
        "user.last_name": " ".join(parts[1:]),
        "user.email": email,
    }


def _device() -> dict[str, str]:
    import desktop.engine.machine as machine  # noqa: PLC0415 - psutil only when asked

    facts = machine.facts()
    return {
        "device.hostname": socket.gethostname(),
        "device.os": f"{platform.system()} {platform.release()}".strip(),
        "device.os_version": platform.version(),
        "device.ip": ", ".join(facts.ip_addresses),
        "device.free_disk_gb": f"{facts.free_disk_gb:.1f}" if facts.free_disk_gb is not None else "",
        "device.uptime": machine.describe_duration(facts.uptime_seconds) if facts.uptime_seconds else "",
        "device.network": "connected" if facts.connected else "offline",
        "device.vpn": "connected" if facts.vpn else "not connected",
    }


def gather_variables(kb=None, helpdesk: Mapping[str, str] | None = None,
                     extra: Mapping[str, str] | None = None,
                     directory: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Everything `render()` can fill in on this machine, gathered once.

    `helpdesk` is the policy's [helpdesk] section (empty values are ignored, so the
    knowledge base's defaults stay), `directory` its [directory] section.
    """
    values: dict[str, str] = {"app.version": __version__}
    if kb is not None:
        values.update({k: v for k, v in getattr(kb.info, "variables", {}).items() if k in KB_DEFAULTABLE and v})
        values["kb.name"] = kb.info.name
        values["kb.version"] = str(kb.info.version)
    for source in (lambda: _user_names(directory), _device):
        try:
            values.update(source())
        except Exception:  # noqa: BLE001 - a probe failing leaves fallbacks, never a crash
            pass
    for key, value in (helpdesk or {}).items():
        if value not in (None, ""):
            values[f"helpdesk.{key}"] = str(value)
    values.update(extra or {})
    return values


def policy_variables(kb, policy) -> dict[str, str]:
    """`gather_variables` for a `desktop.policy.Policy`: the window and `ask` use this one."""
    helpdesk = dict(policy.helpdesk.values) if policy is not None else {}
    directory = dict(policy.directory.values) if policy is not None and hasattr(policy, "directory") else {}
    return gather_variables(kb, helpdesk=helpdesk, directory=directory)
