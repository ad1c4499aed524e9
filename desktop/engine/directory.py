"""The employee's entry in the company directory (LDAP), for variables such as
`{{user.email}}`: read once, anonymously, when IT names a directory in the policy.

    >>> lookup_user("ldap://ldap.contoso.example", "dc=contoso,dc=example", "jdoe")
    {'mail': 'john.doe@contoso.example', 'givenName': 'John', 'sn': 'Doe', 'displayName': 'John Doe'}

Read with ldap3 (an anonymous bind, one subtree search on one attribute, read-only),
imported only where IT names a directory. No credential is used or stored: the policy
holds no secrets, so the directory must allow anonymous reads of these attributes (or the
lookup finds nothing and other sources are used). Every failure gives `{}`; the caller
falls back on the system's values. What the directory sends is bounded (one entry, these
attributes, the first value of each, 256 characters) and kept as plain text.
"""
from __future__ import annotations

from urllib.parse import urlsplit

ATTRIBUTES = ("mail", "givenName", "sn", "displayName")
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
    try:
        with ldap3.Connection(server, auto_bind=True, receive_timeout=max(1, round(timeout)), read_only=True) as conn:
            conn.search(base_dn, f"({escape_filter_chars(login_attribute)}={escape_filter_chars(login)})",
                        attributes=list(ATTRIBUTES), size_limit=1, time_limit=int(max(1, timeout)))
            entries = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
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
    return {k: v for k, v in found.items() if v}
