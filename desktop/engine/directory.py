"""The employee's entry in the company directory (LDAP), for variables such as
`{{user.email}}`: read once, anonymously, when IT names a directory in the policy.

    >>> lookup_user("ldap://ldap.contoso.example", "dc=contoso,dc=example", "jdoe")
    {'mail': 'john.doe@contoso.example', 'givenName': 'John', 'sn': 'Doe', 'displayName': 'John Doe'}

A minimal LDAPv3 client (RFC 4511: an anonymous simple bind, one subtree search on one
attribute, read-only) over the standard library, so the app needs no LDAP package. No
credential is used or stored: the policy holds no secrets, so the directory must allow
anonymous reads of these attributes (or the lookup finds nothing and other sources are
used). Every failure gives `{}`; the caller falls back on the system's values.
"""
from __future__ import annotations

import socket
from urllib.parse import urlsplit

ATTRIBUTES = ("mail", "givenName", "sn", "displayName")
TIMEOUT_SECONDS = 3.0


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _integer(value: int, tag: int = 0x02) -> bytes:
    return _tlv(tag, value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True))


def _text(value: str, tag: int = 0x04) -> bytes:
    return _tlv(tag, value.encode("utf-8"))


def _message(message_id: int, operation: bytes) -> bytes:
    return _tlv(0x30, _integer(message_id) + operation)


def bind_request(message_id: int = 1) -> bytes:
    """Anonymous simple bind, LDAPv3."""
    return _message(message_id, _tlv(0x60, _integer(3) + _text("") + _tlv(0x80, b"")))


def search_request(base_dn: str, attribute: str, value: str, message_id: int = 2) -> bytes:
    """Subtree search for `(attribute=value)`, one entry at most, ATTRIBUTES only."""
    equality = _tlv(0xA3, _text(attribute) + _text(value))
    wanted = _tlv(0x30, b"".join(_text(name) for name in ATTRIBUTES))
    body = (_text(base_dn) + _integer(2, 0x0A) + _integer(0, 0x0A) + _integer(1) + _integer(int(TIMEOUT_SECONDS))
            + _tlv(0x01, b"\x00") + equality + wanted)
    return _message(message_id, _tlv(0x63, body))


def _read_tlv(data: bytes, at: int) -> tuple[int, bytes, int]:
    """(tag, body, next offset) of the element at `at`; ValueError when cut short."""
    if at + 2 > len(data):
        raise ValueError("truncated")
    tag, first = data[at], data[at + 1]
    at += 2
    if first & 0x80:
        count = first & 0x7F
        length = int.from_bytes(data[at:at + count], "big")
        at += count
    else:
        length = first
    if at + length > len(data):
        raise ValueError("truncated")
    return tag, data[at:at + length], at + length


def _children(body: bytes) -> list[tuple[int, bytes]]:
    out, at = [], 0
    while at < len(body):
        tag, child, at = _read_tlv(body, at)
        out.append((tag, child))
    return out


def _receive_message(conn: socket.socket, buffer: bytearray) -> tuple[int, bytes]:
    """The next LDAPMessage's operation (tag, body)."""
    while True:
        try:
            _, message, end = _read_tlv(bytes(buffer), 0)
        except ValueError:
            chunk = conn.recv(65536)
            if not chunk:
                raise ConnectionError("directory closed the connection") from None
            buffer.extend(chunk)
            continue
        del buffer[:end]
        parts = _children(message)
        return parts[1]


def _result_code(body: bytes) -> int:
    return int.from_bytes(_children(body)[0][1], "big")


def lookup_user(url: str, base_dn: str, login: str, login_attribute: str = "uid",
                timeout: float = TIMEOUT_SECONDS) -> dict[str, str]:
    """The first value of each of ATTRIBUTES for the entry whose `login_attribute` is
    `login`, or {} (no such entry, anonymous reads refused, directory unreachable)."""
    parts = urlsplit(url)
    if parts.scheme != "ldap" or not parts.hostname or not login or not base_dn:
        return {}
    try:
        with socket.create_connection((parts.hostname, parts.port or 389), timeout=timeout) as conn:
            buffer = bytearray()
            conn.sendall(bind_request())
            tag, body = _receive_message(conn, buffer)
            if tag != 0x61 or _result_code(body) != 0:
                return {}
            conn.sendall(search_request(base_dn, login_attribute, login))
            found: dict[str, str] = {}
            while True:
                tag, body = _receive_message(conn, buffer)
                if tag == 0x64 and not found:                     # SearchResultEntry
                    _, attributes = _children(body)[:2]
                    for _, attribute in _children(attributes[1]):
                        (_, name), (_, values) = _children(attribute)[:2]
                        first = _children(values)
                        if first:
                            found[name.decode("utf-8")] = first[0][1].decode("utf-8", "replace").strip()
                elif tag == 0x65:                                  # SearchResultDone
                    conn.sendall(_message(3, _tlv(0x42, b"")))     # unbind
                    canonical = {name.lower(): name for name in ATTRIBUTES}
                    return {canonical[k.lower()]: v for k, v in found.items() if k.lower() in canonical and v}
    except (OSError, ValueError, IndexError, ConnectionError):
        return {}
