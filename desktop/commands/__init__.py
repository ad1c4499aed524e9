"""One module per `python -m desktop` verb; see desktop/cli.py."""
from __future__ import annotations

import sys


def open_ticket_service():
    """The ticket service configured by the policy, or None after printing why not."""
    from desktop.itsm.service import TicketService  # noqa: PLC0415 - only verbs that need it pay
    from desktop.policy import PolicyError  # noqa: PLC0415

    try:
        return TicketService.from_environment()
    except PolicyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
