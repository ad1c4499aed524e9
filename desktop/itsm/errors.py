"""The ITSM layer's errors (the tree is drawn in `desktop.itsm`'s docstring).

Every error has a `user_message` for IT and the command line (it may name the URL and the
HTTP status), an `employee_message` in plain words for the window (never a URL, a status
code or a command to type), and, when it came from an HTTP exchange, the `method`, `url`
and `status` of that exchange.
"""
from __future__ import annotations

# How the installed app's command line is called (installer/linux/launcher.sh installs
# /usr/bin/helpdesk-assistant): the one way messages name the sign-in command.
LOGIN_COMMAND = "helpdesk-assistant login"
SIGN_IN_WORDS = "Sign in to the helpdesk (Settings → Helpdesk account)."


class ItsmError(Exception):
    """Base class: the UI catches only this."""

    retryable = False

    def __init__(self, message: str, *, method: str = "", url: str = "", status: int | None = None):
        super().__init__(message)
        self.method = method
        self.url = url
        self.status = status

    employee_words = "Something went wrong while talking to the helpdesk. Try again later."

    @property
    def user_message(self) -> str:
        return str(self)

    @property
    def employee_message(self) -> str:
        """What the window says: plain words, no URL, no status code, no command."""
        return self.employee_words


class ConfigError(ItsmError):
    """The policy names no ITSM, an unknown kind, or a setting the back-end needs is missing."""

    employee_words = 'The helpdesk connection is not set up on this computer; please tell IT.'


class AuthError(ItsmError):
    """The ITSM refused the credentials (401), or none are stored: run `login`."""

    employee_words = 'The helpdesk did not accept this user name or password.'


class NotSignedIn(AuthError):
    """No credential is stored for the ITSM yet: sign in (Settings, or `login`)."""

    employee_words = SIGN_IN_WORDS


class Forbidden(AuthError):
    """The credentials are valid but lack a right (403)."""

    employee_words = 'Your helpdesk account is not allowed to do this; please tell IT.'


class NotFound(ItsmError):
    """The ticket, queue or endpoint does not exist (404)."""

    employee_words = 'The helpdesk does not know this ticket (any more).'


class RateLimited(ItsmError):
    """The ITSM asked us to slow down (429); `retry_after` is in seconds."""

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after

    employee_words = "The helpdesk is busy; the app tries again in a moment."


class Unavailable(ItsmError):
    """The ITSM cannot be reached or failed on its side (timeout, refused, 5xx, 590)."""

    retryable = True
    employee_words = "The helpdesk cannot be reached right now."


class TimedOut(Unavailable):
    """No answer in time: unlike a refused connection, the ITSM may still be working on
    the request, so a retry waits long enough for it to finish before looking it up."""

    employee_words = "The helpdesk did not answer in time."


class BadResponse(ItsmError):
    """The ITSM answered something we cannot understand (malformed JSON, missing field)."""

    retryable = True
    employee_words = "The helpdesk gave an answer the app does not understand; please tell IT."


class Rejected(ItsmError):
    """The ITSM refused the ticket itself (400/422): sending it again will not help."""

    employee_words = "The helpdesk refused this request; please tell IT."


class CredentialStoreError(ItsmError):
    """The keyring failed while reading or writing a secret."""

    employee_words = "The system keyring could not keep or read your password."
