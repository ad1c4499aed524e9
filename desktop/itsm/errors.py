"""The ITSM layer's errors (the tree is drawn in `desktop.itsm`'s docstring).

Every error has a `user_message` a person can act on, and, when it came from an HTTP
exchange, the `method`, `url` and `status` of that exchange.
"""
from __future__ import annotations


class ItsmError(Exception):
    """Base class: the UI catches only this."""

    retryable = False

    def __init__(self, message: str, *, method: str = "", url: str = "", status: int | None = None):
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status

    @property
    def user_message(self) -> str:
        return str(self)


class ConfigError(ItsmError):
    """The policy names no ITSM, an unknown kind, or a setting the back-end needs is missing."""


class AuthError(ItsmError):
    """The ITSM refused the credentials (401), or none are stored: run `login`."""


class Forbidden(AuthError):
    """The credentials are valid but lack a right (403)."""


class NotFound(ItsmError):
    """The ticket, queue or endpoint does not exist (404)."""


class RateLimited(ItsmError):
    """The ITSM asked us to slow down (429); `retry_after` is in seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class Unavailable(ItsmError):
    """The ITSM cannot be reached or failed on its side (timeout, refused, 5xx, 590)."""

    retryable = True


class TimedOut(Unavailable):
    """No answer in time: unlike a refused connection, the ITSM may still be working on
    the request, so a retry waits long enough for it to finish before looking it up."""


class BadResponse(ItsmError):
    """The ITSM answered something we cannot understand (malformed JSON, missing field)."""

    retryable = True


class Rejected(ItsmError):
    """The ITSM refused the ticket itself (400/422): sending it again will not help."""


class CredentialStoreError(ItsmError):
    """The keyring failed while reading or writing a secret."""
