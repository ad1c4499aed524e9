"""The helpdesk's opening hours, from the policy's `[helpdesk] hours` and `holidays`.

    hours = OpeningHours.parse("Mon-Fri 08:00-18:00; Sat 9h-12h", holidays=["2026-12-25"])
    hours.is_open(datetime(2026, 12, 7, 9, 30))        # True (a Monday)
    hours.next_opening(datetime(2026, 12, 5, 20, 0))   # datetime(2026, 12, 7, 8, 0)

Days are written in English or French (mon, tue… / lun, mar…; ranges with - or "to"/"à"),
times as 8:00, 08h30, 8h or 8am; several spans are separated by ; or ,. Times are the
computer's local time. Text that does not read as hours (a phone line's "24/7 on call")
gives `OpeningHours.unknown()`: always open, the server's agent availability decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6,
        "lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_DAY = r"(mon|tue|wed|thu|fri|sat|sun|lun|mar|mer|jeu|ven|sam|dim)[a-zéû]*\.?"
_TIME = r"(\d{1,2})(?:[:h](\d{2})?)?\s*(am|pm)?"
_SPAN = re.compile(rf"^{_DAY}(?:\s*(?:-|–|to|à|au)\s*{_DAY})?\s+{_TIME}\s*(?:-|–|to|à)\s*{_TIME}$", re.I)


def _clock(hour: str, minute: str | None, half: str | None) -> time | None:
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    if h == 24 and m == 0:
        return time(23, 59, 59)
    return time(h, m) if 0 <= h < 24 and 0 <= m < 60 else None


@dataclass(frozen=True)
class OpeningHours:
    spans: dict[int, list[tuple[time, time]]] = field(default_factory=dict)    # weekday -> [(open, close)]
    holidays: frozenset[date] = frozenset()
    known: bool = True

    @classmethod
    def unknown(cls) -> "OpeningHours":
        return cls(known=False)

    @classmethod
    def parse(cls, text: str, holidays=()) -> "OpeningHours":
        days_off = frozenset(_day(d) for d in holidays if _day(d) is not None)
        spans: dict[int, list[tuple[time, time]]] = {}
        parts = [p.strip() for p in re.split(r"[;,]", text or "") if p.strip()]
        if not parts:
            return cls(holidays=days_off, known=False)
        for part in parts:
            found = _SPAN.match(part)
            if not found:
                return cls(holidays=days_off, known=False)
            first, last = DAYS[found.group(1)[:3].lower()], DAYS[(found.group(2) or found.group(1))[:3].lower()]
            opens, closes = _clock(*found.group(3, 4, 5)), _clock(*found.group(6, 7, 8))
            if opens is None or closes is None or closes <= opens:
                return cls(holidays=days_off, known=False)
            day = first
            while True:
                spans.setdefault(day, []).append((opens, closes))
                if day == last:
                    break
                day = (day + 1) % 7
        return cls(spans, days_off)

    def is_open(self, now: datetime) -> bool:
        if now.date() in self.holidays:
            return False
        if not self.known:
            return True
        return any(opens <= now.time() < closes for opens, closes in self.spans.get(now.weekday(), ()))

    def next_opening(self, now: datetime) -> datetime | None:
        """When the helpdesk next opens after `now` (None: unknown hours, or never)."""
        if not self.known:
            return None
        for offset in range(0, 15):
            day = now.date() + timedelta(days=offset)
            if day in self.holidays:
                continue
            for opens, _ in sorted(self.spans.get(day.weekday(), ())):
                moment = datetime.combine(day, opens, tzinfo=now.tzinfo)
                if moment > now:
                    return moment
        return None


def _day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
