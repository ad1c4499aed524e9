"""The ticket layer's words for employees, translated for the windows.

`desktop.itsm` has no Qt, so it says statuses (`status_words`) and problems
(`ItsmError.employee_message`) in English: one vocabulary for the window and the command
line. The windows show them through `translated`, which looks the English text up in the
"HelpdeskWords" translation context; `WORDS` lists every such text so that
`make translations` extracts them (a test pins that the list is complete).

    >>> status_text("open")          # "in progress", or "en cours" in a French session
"""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop.itsm.model import status_words

CONTEXT = "HelpdeskWords"
WORDS = (
    # statuses (desktop.itsm.model.STATUS_WORDS)
    QT_TRANSLATE_NOOP("HelpdeskWords", "queued — will be sent"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "refused"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "new"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "in progress"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "waiting"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "resolved"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "closed"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "rejected"),
    QT_TRANSLATE_NOOP("HelpdeskWords", "deleted"),
    # problems (employee_words of desktop.itsm.errors)
    QT_TRANSLATE_NOOP("HelpdeskWords", "Something went wrong while talking to the helpdesk. Try again later."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk connection is not set up on this computer; please tell IT."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk did not accept this user name or password."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "Sign in to the helpdesk (Settings → Helpdesk account)."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "Your helpdesk account is not allowed to do this; please tell IT."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk does not know this ticket (any more)."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk is busy; the app tries again in a moment."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk cannot be reached right now."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk did not answer in time."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk gave an answer the app does not understand; please tell IT."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The helpdesk refused this request; please tell IT."),
    QT_TRANSLATE_NOOP("HelpdeskWords", "The system keyring could not keep or read your password."),
)


def translated(text: str) -> str:
    """`text` in the app's language when it is one of WORDS, else unchanged."""
    return QCoreApplication.translate(CONTEXT, text) if text else text


def status_text(status: str) -> str:
    """A status as people read it, in the app's language."""
    return translated(status_words(status))
