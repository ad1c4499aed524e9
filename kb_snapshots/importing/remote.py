"""What every reader of a remote knowledge base shares: ids read defensively, and error
messages that never show the password or token (a server may echo what it was sent)."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

from desktop.itsm.errors import ItsmError


def int_id(value: Any) -> int | None:
    """A record id: a number, or a string of digits (as some PHP and Perl set-ups send)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return None


def password_of(auth: Any) -> str | None:
    return auth[1] if isinstance(auth, (tuple, list)) and len(auth) == 2 and isinstance(auth[1], str) else None


@contextmanager
def secrets_hidden(*secrets: str | None) -> Iterator[None]:
    """An ItsmError raised inside shows `***` where any of `secrets` was."""
    try:
        yield
    except ItsmError as exc:
        message = str(exc)
        for secret in filter(None, secrets):
            message = message.replace(secret, "***")
        exc.args = (message,)
        raise
