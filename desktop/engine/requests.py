"""Service requests: the catalog items of a snapshot, their values checked, and the fields
a question already answers.

    items = catalog(kb)                                   # RequestItem per kb_snapshots/catalog.py
    values, errors = check_values(items["new-laptop"], {"model": "standard", "needed_by": "2027-01-04"})
    guessed = prefill(items["shared-folder-access"], "access to the HR share from Monday", today)

A value is text as typed; `check_values` turns it into the form the ITSM gets (a choice as
written in the catalog, a date as YYYY-MM-DD, yes/no as the item's own words) and names
each field that is missing or wrong, in plain words. A field with a condition (`when`) is
asked, required and sent only when the condition holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

YES = {"yes", "y", "true", "1", "oui", "o", "vrai"}
NO = {"no", "n", "false", "0", "non", "faux"}
WEEKDAYS = {name: n for n, names in enumerate((("monday", "lundi"), ("tuesday", "mardi"), ("wednesday", "mercredi"),
                                               ("thursday", "jeudi"), ("friday", "vendredi"), ("saturday", "samedi"),
                                               ("sunday", "dimanche"))) for name in names}
RELATIVE_DAYS = {"today": 0, "aujourd'hui": 0, "tomorrow": 1, "demain": 1}
MAX_VALUE = 4000


@dataclass(frozen=True)
class RequestItem:
    id: str
    title: str
    lang: str
    team: str | None
    approval: str
    fields: tuple[dict[str, Any], ...]

    @classmethod
    def from_entry(cls, entry) -> "RequestItem":
        spec = (entry.tree or {}).get("request") or {}
        return cls(entry.id, entry.title, entry.lang, entry.team, str(spec.get("approval") or "none"),
                   tuple(f for f in spec.get("fields") or [] if isinstance(f, dict)))

    def field(self, name: str) -> dict[str, Any] | None:
        return next((f for f in self.fields if f["name"] == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "lang": self.lang, "team": self.team, "approval": self.approval,
                "fields": [{"name": f["name"], "label": f["label"], "type": f["type"], "required": f["required"],
                            "choices": list(f.get("choices") or []), **({"when": f["when"]} if f.get("when") else {})}
                           for f in self.fields]}


def catalog(kb) -> dict[str, RequestItem]:
    return {entry.id: RequestItem.from_entry(entry) for entry in kb.request_items()}


def applies(field: Mapping[str, Any], values: Mapping[str, str]) -> bool:
    """Whether a field is asked: always, or when its condition's field has one of the values."""
    when = field.get("when")
    return not when or values.get(when["field"], "") in when["is"]


def _choice(field: Mapping[str, Any], text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    return next((c for c in field.get("choices") or [] if c.casefold() == wanted), None)


def _date(text: str, today: date) -> str | None:
    word = text.strip().lower()
    if word in RELATIVE_DAYS:
        return (today + timedelta(days=RELATIVE_DAYS[word])).isoformat()
    if word in WEEKDAYS:
        return (today + timedelta(days=(WEEKDAYS[word] - today.weekday() - 1) % 7 + 1)).isoformat()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})", word)
    try:
        if match and match.group(1):
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
        if match:
            return date(int(match.group(6)), int(match.group(5)), int(match.group(4))).isoformat()   # 04/01/2027
    except ValueError:
        return None
    return None


def _value(field: Mapping[str, Any], text: str, lang: str, today: date) -> tuple[str | None, str]:
    """(the value as sent, or None; what is wrong with it)."""
    kind = field["type"]
    if kind == "choice":
        found = _choice(field, text)
        return found, "" if found else f"one of: {', '.join(field.get('choices') or [])}"
    if kind == "date":
        found = _date(text, today)
        return found, "" if found else "a date such as 2027-01-04 (or today, tomorrow, monday)"
    if kind == "number":
        found = text.strip().replace(",", ".")
        return (found, "") if re.fullmatch(r"-?\d+(\.\d+)?", found) else (None, "a number")
    if kind == "yes_no":
        word = text.strip().lower()
        words = ("Oui", "Non") if lang == "fr" else ("Yes", "No")
        return (words[0], "") if word in YES else (words[1], "") if word in NO else (None, "yes or no")
    if kind == "person" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+|[\w .'-]{2,120}", text.strip()):
        return None, "a name or an e-mail address"
    return " ".join(text.split()) if kind != "long_text" else text.strip(), ""


def check_values(item: RequestItem, given: Mapping[str, str], today: date | None = None) -> tuple[dict, dict]:
    """(values to send by field name, {field name: what is wrong}) — nothing is sent unless
    the second is empty."""
    today = today or date.today()
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    for name in given:
        if item.field(name) is None:
            errors[name] = f"{item.id} has no field '{name}' (its fields: {', '.join(f['name'] for f in item.fields)})"
    for field in item.fields:
        text = str(given.get(field["name"], "") or "")[:MAX_VALUE]
        if not applies(field, values):
            if text.strip():
                condition = field["when"]
                errors[field["name"]] = f"only asked when {condition['field']} is {' or '.join(condition['is'])}"
            continue
        if not text.strip():
            if field["required"] or field.get("when"):
                errors[field["name"]] = "required"
            continue
        value, problem = _value(field, text, item.lang, today)
        if value is None:
            errors[field["name"]] = f"expected {problem}, got {text.strip()[:60]!r}"
        else:
            values[field["name"]] = value
    return values, errors


def prefill(item: RequestItem, question: str, today: date | None = None) -> dict[str, str]:
    """The fields a question already answers: a choice it names, a day it gives."""
    today = today or date.today()
    text = f" {_words(question)} "
    found: dict[str, str] = {}
    for field in item.fields:
        if field["type"] == "choice":
            named = [c for c in field.get("choices") or [] if f" {_words(c)} " in text]
            named = [c for c in named if not any(c != other and f" {_words(c)} " in f" {_words(other)} "
                                                 for other in named)]      # "read and write" over "read"
            if len(named) == 1:
                found[field["name"]] = named[0]
        elif field["type"] == "date":
            day = next((d for word in text.split() if (d := _date(word, today))), None)
            if day:
                found[field["name"]] = day
    return found


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w'-]+", text.casefold()))
