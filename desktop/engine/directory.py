"""The employee's entry in the company directory (LDAP), for variables such as
`{{user.email}}`: read once, anonymously, when IT names a directory in the policy.

    >>> lookup_user("ldap://ldap.contoso.example", "dc=contoso,dc=example", "jdoe")
    {'mail': 'john.doe@contoso.example', 'givenName': 'John', 'sn': 'Doe', 'displayName': 'John Doe',
     'departmentNumber': 'Finance', 'physicalDeliveryOfficeName': 'Paris 3B', 'manager': 'Marie Curie',
     'groups': 'Finance, VPN-users'}

Groups are those whose `member` (or `uniqueMember`) is the person; the manager is read by
its DN and given by name. `cached_lookup` keeps the entry a day in the app's data folder,
so facts still work offline.

Read with ldap3 (an anonymous bind, one subtree search on one attribute, read-only),
imported only where IT names a directory. No credential is used or stored: the policy
holds no secrets, so the directory must allow anonymous reads of these attributes (or the
lookup finds nothing and other sources are used). Every failure gives `{}`; the caller
falls back on the system's values. What the directory sends is bounded (one entry, these
attributes, the first value of each, 256 characters) and kept as plain text.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

ATTRIBUTES = ("mail", "givenName", "sn", "displayName", "departmentNumber", "ou", "manager",
              "physicalDeliveryOfficeName", "telephoneNumber")
MAX_GROUPS = 200
TIMEOUT_SECONDS = 3.0
MAX_VALUE = 256


def lookup_user(url: str, base_dn: str, login: str, login_attribute: str = "uid",
                timeout: float = TIMEOUT_SECONDS) -> dict[str, str]:
    """The first value of each of ATTRIBUTES for the entry whose `login_attribute` is
    `login`, or {} (no such entry, anonymous reads refused, directory unreachable)."""
    parts = urlsplit(url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname or not login or not base_dn:
        return {}
    import ldap3  # noqa: PLC0415 - only where IT names a directory
    from ldap3.core.exceptions import LDAPException  # noqa: PLC0415
    from ldap3.utils.conv import escape_filter_chars  # noqa: PLC0415

    server = ldap3.Server(parts.hostname, port=parts.port, use_ssl=parts.scheme == "ldaps",
                          connect_timeout=timeout, get_info=ldap3.NONE)
    groups: list[str] = []
    manager = ""
    try:
        with ldap3.Connection(server, auto_bind=True, receive_timeout=max(1, round(timeout)), read_only=True) as conn:
            conn.search(base_dn, f"({escape_filter_chars(login_attribute)}={escape_filter_chars(login)})",
                        attributes=list(ATTRIBUTES), size_limit=1, time_limit=int(max(1, timeout)))
            entries = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
            if entries:
                dn = escape_filter_chars(entries[0]["dn"])
                conn.search(base_dn, f"(|(&(objectClass=groupOfNames)(member={dn}))"
                                     f"(&(objectClass=groupOfUniqueNames)(uniqueMember={dn})))",
                            attributes=["cn"], size_limit=MAX_GROUPS, time_limit=int(max(1, timeout)))
                groups = [_first((e.get("attributes") or {}).get("cn")) for e in conn.response or []
                          if e.get("type") == "searchResEntry"]
                boss = _first((entries[0].get("attributes") or {}).get("manager"))
                if boss:
                    conn.search(boss, "(objectClass=*)", search_scope=ldap3.BASE, attributes=["displayName", "cn"],
                                size_limit=1, time_limit=int(max(1, timeout)))
                    found = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
                    if found:
                        attributes = found[0].get("attributes") or {}
                        manager = _first(attributes.get("displayName")) or _first(attributes.get("cn"))
    except (LDAPException, OSError, ValueError):
        return {}
    if not entries:
        return {}
    found: dict[str, str] = {}
    canonical = {name.lower(): name for name in ATTRIBUTES}
    for name, values in (entries[0].get("attributes") or {}).items():
        first = values[0] if isinstance(values, list) and values else values
        if name.lower() in canonical and isinstance(first, (str, bytes)) and first:
            text = first.decode("utf-8", "replace") if isinstance(first, bytes) else first
            found[canonical[name.lower()]] = text.strip()[:MAX_VALUE]
    found["manager"] = manager[:MAX_VALUE]               # the manager's name, not their DN
    found["groups"] = ", ".join(sorted({g.strip()[:MAX_VALUE] for g in groups if g.strip()}))[:4000]
    return {k: v for k, v in found.items() if v}


def _first(value) -> str:
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, bytes):
        first = first.decode("utf-8", "replace")
    return first.strip() if isinstance(first, str) else ""


CACHE_HOURS = 24


def cached_lookup(cache: Path, url: str, base_dn: str, login: str, login_attribute: str = "uid",
                  now: float | None = None) -> dict[str, str]:
    """`lookup_user`, kept a day in `cache` (JSON); the last entry read when the directory
    cannot be reached (working offline)."""
    import json  # noqa: PLC0415
    import time  # noqa: PLC0415

    now = time.time() if now is None else now
    key = f"{url}|{base_dn}|{login_attribute}|{login}"
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        stored = {}
    kept = stored if isinstance(stored, dict) and stored.get("key") == key else {}
    if kept and now - float(kept.get("at", 0)) < CACHE_HOURS * 3600:
        return dict(kept.get("entry") or {})
    entry = lookup_user(url, base_dn, login, login_attribute)
    if not entry:
        return dict(kept.get("entry") or {})           # offline, or refused: yesterday's facts
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "at": now, "entry": entry}), encoding="utf-8")
    except OSError:
        pass
    return entry
