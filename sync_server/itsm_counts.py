"""How many tickets the helpdesk received in all, read from the ITSM, next to those opened
through the assistant: the share of helpdesk tickets the assistant files, per month and team.

    counter = RtTicketCounts("https://rt.example.com", token, {"printing": "Printing"})
    rows = ticket_share(db, counter, today, months=6)
        # [{"month": "2026-11", "team": "printing", "queue": "Printing", "all": 212, "assistant": 31, "share": 0.146}]

Request Tracker is read with TicketSQL through REST2 (`GET /REST/2.0/tickets?query=Queue =
'Printing' AND Created >= '2026-11-01' AND Created < '2026-12-01'&per_page=1`, whose reply's
`total` is the count). The server is started with `serve --rt-url URL --rt-team TEAM=QUEUE …`
and the token in HELPDESK_RT_TOKEN (never on the command line). Counts are kept for an hour;
a month that is over is read once. A reply that is not a count, or an RT that does not
answer in 10 s, shows as "not read" with the reason: the dashboard never fails because of it.
"""
from __future__ import annotations

import json
import threading
import time
from datetime import date

import requests

TIMEOUT = 10.0
MAX_REPLY = 256 * 1024
FRESH = 3600.0


class CountError(Exception):
    """The ITSM could not be read; the message says why, without the token."""


def month_bounds(month: str) -> tuple[str, str]:
    year, number = int(month[:4]), int(month[5:7])
    following = f"{year + (number == 12):04d}-{number % 12 + 1:02d}-01"
    return f"{month}-01", following


class RtTicketCounts:
    name = "Request Tracker"

    def __init__(self, url: str, token: str, teams: dict[str, str], session: requests.Session | None = None) -> None:
        self.url, self.token, self.teams = url.rstrip("/"), token, dict(teams)
        self.session = session or requests.Session()
        self._cache: dict[tuple[str, str], tuple[float, int]] = {}
        self._lock = threading.Lock()

    def count(self, queue: str, month: str, current: bool) -> int:
        key = (queue, month)
        with self._lock:
            hit = self._cache.get(key)
        if hit and (not current or time.monotonic() - hit[0] < FRESH):
            return hit[1]
        start, end = month_bounds(month)
        quoted = queue.replace("\\", "\\\\").replace("'", "\\'")
        query = f"Queue = '{quoted}' AND Created >= '{start}' AND Created < '{end}'"
        try:
            reply = self.session.get(f"{self.url}/REST/2.0/tickets", params={"query": query, "per_page": 1,
                                                                            "fields": "id"},
                                     headers={"Authorization": f"token {self.token}"}, timeout=TIMEOUT, stream=True)
            body = reply.raw.read(MAX_REPLY + 1, decode_content=True)
        except requests.RequestException as exc:
            raise CountError(f"{self.name} does not answer ({exc.__class__.__name__})") from None
        if reply.status_code != 200:
            raise CountError(f"{self.name} refused the count (HTTP {reply.status_code})")
        try:
            total = json.loads(body) if len(body) <= MAX_REPLY else None
            total = total.get("total") if isinstance(total, dict) else None
        except ValueError:
            total = None
        if not isinstance(total, int) or isinstance(total, bool) or not 0 <= total < 10 ** 9:
            raise CountError(f"{self.name} did not give a ticket count")
        with self._lock:
            self._cache[key] = (time.monotonic(), total)
        return total


def _months(today: date, months: int) -> list[str]:
    found, year, number = [], today.year, today.month
    for _ in range(months):
        found.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return found[::-1]


def ticket_share(db, counter: RtTicketCounts, today: date, months: int = 6) -> dict:
    """Per month and team: all tickets in the ITSM, the assistant's, and the share."""
    wanted = _months(today, months)
    with db.transaction(write=False) as tx:
        rows = tx.all("SELECT SUBSTR(day, 1, 7), key, SUM(count) FROM stats_daily WHERE metric = 'ticket_created' "
                      "AND day >= ? GROUP BY SUBSTR(day, 1, 7), key", (f"{wanted[0]}-01",))
    assistant = {(month, team): int(n) for month, team, n in rows}
    found, problem = [], ""
    for month in wanted:
        for team, queue in sorted(counter.teams.items()):
            total = None
            if not problem:                   # one failure is enough: the dashboard does not wait on each
                try:
                    total = counter.count(queue, month, current=month == wanted[-1])
                except CountError as exc:
                    problem = str(exc)
            mine = assistant.get((month, team), 0)
            found.append({"month": month, "team": team, "queue": queue, "all": total, "assistant": mine,
                          "share": round(mine / total, 4) if total else None})
    return {"rows": found, "problem": problem, "source": counter.name}
