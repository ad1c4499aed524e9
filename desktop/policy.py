"""The policy file IT writes at install time (TOML), validated against one schema.

    >>> policy = load_policy(Path("/etc/helpdesk-assistant/policy.toml"))
    >>> policy.itsm.kind
    'rt'

Unknown keys, wrong types and bad values raise `PolicyError`, whose message names the
key (`itsm.auth: expected one of basic, token, got 'kerberos'`). A missing file gives
the defaults: the app works offline with no ITSM configured. Secrets never belong here:
a key that looks like one (`password`, `token`, `secret`) is refused.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ITSM_KINDS = ("rt", "easyvista", "servicenow", "glpi", "jsm", "zammad", "webhook")

# section -> key -> (type, default, allowed values or None)
SCHEMA: dict[str, dict[str, tuple[type | tuple[type, ...], Any, tuple | None]]] = {
    "itsm": {
        "kind": (str, "", ITSM_KINDS + ("",)),
        "url": (str, "", None),
        "auth": (str, "basic", ("basic", "token")),
        "username": (str, "", None),
        "default_queue": (str, "General", None),
        "account": (str, "", None),          # EasyVista account number
        "verify_tls": (bool, True, None),
        "timeout_seconds": ((int, float), 15, None),
        "idempotency_field": (str, "HelpdeskIdempotencyKey", None),  # RT custom field
    },
    "sync": {
        "url": (str, "", None),
        "public_key": (str, "", None),
        "interval_minutes": (int, 60, None),
        "kb": (str, "", None),                # knowledge base to follow on the sync server
    },
    "helpdesk": {
        "phone": (str, "", None),
        "email": (str, "", None),
        "hours": (str, "", None),
        "portal": (str, "", None),
        "password_reset": (str, "", None),   # self-service password reset page
        "holidays": (list, (), None),         # ["2026-12-25", …]: closed all day (live chat too)
        "chat": (bool, True, None),           # live chat with an agent (needs [sync] url)
        "chat_wait_minutes": (int, 5, None),  # past this wait, offer a call back or a ticket as well
    },
    "directory": {                            # where the user's e-mail address comes from
        "mail_domain": (str, "", None),       # "contoso.com": the address is login@contoso.com...
        "mail_format": (str, "{login}", None),  # ...or "{first}.{last}" (from the account's full name)
        "url": (str, "", None),               # "ldap://ldap.contoso.example": read anonymously
        "base_dn": (str, "", None),           # "dc=contoso,dc=example"
        "login_attribute": (str, "uid", None),  # the entry whose uid (sAMAccountName...) is the login
    },
    "privacy": {
        "stats": (bool, True, None),
    },
    "links": {                                # links in answers open for https, mailto, tel and...
        "extra_schemes": (list, (), None),    # ...these, e.g. ["ms-settings"] (never javascript, file...)
    },
}
# Sections whose keys are free (mapping name -> str), e.g. KB team -> ITSM queue.
FREE_SECTIONS = {"itsm.teams": str, "itsm.catalog": str}     # catalog: request item -> the ITSM's catalog id
FORBIDDEN_WORDS = ("password", "secret", "token_value", "api_key", "apikey")
SCHEME_RE = re.compile(r"^[a-z][a-z0-9+.-]{0,31}$")
NEVER_ALLOWED_SCHEMES = ("javascript", "vbscript", "data", "file", "blob", "about", "jar")


class PolicyError(ValueError):
    """The policy file is unreadable or breaks the schema; the message names the key."""


@dataclass(frozen=True)
class Section:
    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True)
class Policy:
    itsm: Section
    sync: Section
    helpdesk: Section
    privacy: Section
    directory: Section = field(default_factory=lambda: Section(
        {key: default for key, (_, default, _) in SCHEMA["directory"].items()}))
    links: Section = field(default_factory=lambda: Section({"extra_schemes": ()}))
    teams: dict[str, str] = field(default_factory=dict)
    catalog: dict[str, str] = field(default_factory=dict)    # service request item -> the ITSM's catalog id
    source: Path | None = None

    def queue_for(self, team: str | None) -> str:
        """The ITSM queue for a KB team, or the default queue."""
        return self.teams.get(team or "", self.itsm.default_queue)


def policy_path() -> Path | None:
    env = os.environ.get("HELPDESK_POLICY")
    if env:
        return Path(env)
    system = Path("/etc/helpdesk-assistant/policy.toml")
    return system if system.exists() else None


def load_policy(path: Path | None = None) -> Policy:
    """Read and validate a policy file; `None` reads HELPDESK_POLICY or the system one."""
    path = path if path is not None else policy_path()
    raw: dict[str, Any] = {}
    if path is not None:
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise PolicyError(f"{path}: policy file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise PolicyError(f"{path}: not valid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read the policy file: {exc}") from None
    return parse_policy(raw, source=path)


def parse_policy(raw: dict[str, Any], source: Path | None = None) -> Policy:
    where = f"{source}: " if source else ""
    sections: dict[str, Section] = {}
    for name in raw:
        if name not in SCHEMA:
            raise PolicyError(f"{where}unknown section [{name}] (known: {', '.join(SCHEMA)})")
    free: dict[str, dict[str, str]] = {}
    for name, keys in SCHEMA.items():
        given = raw.get(name, {})
        if not isinstance(given, dict):
            raise PolicyError(f"{where}{name}: expected a [{name}] table")
        values = {key: default for key, (_, default, _) in keys.items()}
        for key, value in given.items():
            dotted = f"{name}.{key}"
            if dotted in FREE_SECTIONS:
                free[dotted] = _free_table(dotted, value, where)
                continue
            if key not in keys and any(word in key.lower() for word in FORBIDDEN_WORDS):   # declared keys are not secrets
                raise PolicyError(f"{where}{dotted}: secrets do not belong in the policy file; "
                                  "use `helpdesk-assistant login` to store them in the keyring")
            if key not in keys:
                raise PolicyError(f"{where}{dotted}: unknown key (known: {', '.join(keys)})")
            kind, _, allowed = keys[key]
            if isinstance(value, bool) and kind is not bool:
                raise PolicyError(f"{where}{dotted}: expected {_type_name(kind)}, got a boolean")
            if not isinstance(value, kind):
                raise PolicyError(f"{where}{dotted}: expected {_type_name(kind)}, "
                                  f"got {type(value).__name__} {value!r}")
            if allowed is not None and value not in allowed:
                shown = ", ".join(a for a in allowed if a)
                raise PolicyError(f"{where}{dotted}: expected one of {shown}, got {value!r}")
            values[key] = value
        sections[name] = Section(values)
    if sections["itsm"].kind and not sections["itsm"].url:
        raise PolicyError(f"{where}itsm.url: required when itsm.kind is set")
    directory = sections["directory"]
    if directory.url and not directory.url.startswith("ldap://"):
        raise PolicyError(f"{where}directory.url: expected an ldap:// address, got {directory.url!r}")
    if directory.url and not directory.base_dn:
        raise PolicyError(f"{where}directory.base_dn: required when directory.url is set")
    sections["links"] = Section({"extra_schemes": _link_schemes(sections["links"].extra_schemes, where)})
    for day in sections["helpdesk"].holidays:
        try:
            date.fromisoformat(str(day))
        except ValueError:
            raise PolicyError(f"{where}helpdesk.holidays: {day!r} is not a date (write it 2026-12-25)") from None
    if sections["helpdesk"].chat_wait_minutes < 1:
        raise PolicyError(f"{where}helpdesk.chat_wait_minutes: expected 1 or more, got "
                          f"{sections['helpdesk'].chat_wait_minutes}")
    mail_format = sections["directory"].mail_format
    try:
        mail_format.format(login="l", first="f", last="n")
    except (KeyError, IndexError, ValueError):
        raise PolicyError(f"{where}directory.mail_format: use {{login}}, {{first}} and {{last}}, "
                          f"got {mail_format!r}") from None
    return Policy(teams=free.get("itsm.teams", {}), catalog=free.get("itsm.catalog", {}), source=source, **sections)


def _link_schemes(schemes: Any, where: str) -> tuple[str, ...]:
    """`[links] extra_schemes`: lowercase URL schemes; none that runs code or reads files."""
    checked = []
    for scheme in schemes:
        if not isinstance(scheme, str) or not SCHEME_RE.match(scheme.strip().lower()):
            raise PolicyError(f"{where}links.extra_schemes: {scheme!r} is not a scheme "
                              "(write it without ':', e.g. \"ms-settings\")")
        scheme = scheme.strip().lower()
        if scheme in NEVER_ALLOWED_SCHEMES:
            raise PolicyError(f"{where}links.extra_schemes: {scheme!r} can never be allowed "
                              f"(refused: {', '.join(NEVER_ALLOWED_SCHEMES)})")
        checked.append(scheme)
    return tuple(checked)


def _free_table(dotted: str, value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise PolicyError(f"{where}{dotted}: expected a table of names")
    for key, item in value.items():
        if not isinstance(item, str):
            raise PolicyError(f"{where}{dotted}.{key}: expected a string, got {type(item).__name__}")
    return dict(value)


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {str: "a string", bool: "true or false", int: "a whole number", float: "a number", list: "a list"}
    if isinstance(kind, tuple):
        return "a number"
    return names.get(kind, kind.__name__)
