"""Times as people read them in the ticket list, the same in the window and on the
command line (local time).

    >>> local_time("2026-12-02T06:09:40Z")     # the ITSM's UTC -> '2026-12-02 07:09' in Paris
    >>> local_time(1764655780.0)               # seconds since the epoch
    >>> as_of_text(time.time())                # '07:09' today, else '2026-12-01 18:30'
"""
from __future__ import annotations

import time
from datetime import datetime, timezone


def local_time(value) -> str:
    """A timestamp (seconds, or ISO 8601 text from the ITSM) as local "YYYY-MM-DD HH:MM"."""
    if isinstance(value, (int, float)):
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(value))
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value).replace("T", " ")[:16]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def as_of_text(moment: float) -> str:
    """"HH:MM" when `moment` is today, else "YYYY-MM-DD HH:MM" (local time); "" for never."""
    if not moment:
        return ""
    if time.strftime("%Y-%m-%d", time.localtime(moment)) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M", time.localtime(moment))
    return local_time(moment)


def last_update(entry) -> str:
    """An outbox entry's real last update: the ITSM's own time once it gave one, else when
    the ticket was written (queued, or not read back yet)."""
    return local_time(entry.remote_updated or entry.created_at)
