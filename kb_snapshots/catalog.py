"""Service catalog items: what employees may request, and the form that asks for it.

A file under `catalog/` (docs/kb-format.md, "Service catalog") declares one request item:

    id: new-laptop
    title: Request a new laptop
    lang: en
    team: workplace
    questions: [I need a new laptop, my laptop is too old]
    approval: manager                  # none | manager | group:NAME
    fields:
      - {name: model, label: Which model?, type: choice, choices: [Standard, Performance], required: true}
      - {name: needed_by, label: Needed by, type: date, required: true}
      - {name: keyboard, label: Keyboard, type: choice, choices: [AZERTY, QWERTY], when: {field: model, is: [Standard]}}

`validate.validate_item` checks it like an article (id, language, team, translations) and returns
the entry the builder stores: kind "request" (with `article: ID`, the article that
explains it answers the question and offers the form; the item is not matched apart), its form as a one-node tree (so the tray app
walks it like any guided form) with the item itself under "request" (types, conditions,
approval), which the command line and the ITSMs read.
"""
from __future__ import annotations

import re
from typing import Any

from kb_snapshots.source import LineDict, Problem

FIELD_TYPES = ("text", "long_text", "choice", "date", "number", "yes_no", "file", "person")
ITEM_KEYS = {"id", "title", "lang", "questions", "keywords", "topic", "team", "translation_of", "status",
             "approval", "fields", "intro", "article"}
FIELD_KEYS = {"name", "label", "type", "required", "choices", "when", "help"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
APPROVAL_RE = re.compile(r"^(none|manager|group:[A-Za-z0-9 ._-]{1,64})$")
MAX_FIELDS = 30
YES_NO = {"en": ("Yes", "No"), "fr": ("Oui", "Non")}
# How the tray app's form shows each type (its widgets are those of a tree's ticket form).
FORM_TYPES = {"text": "text", "long_text": "long_text", "choice": "choice", "date": "date", "number": "text",
              "yes_no": "choice", "file": "file", "person": "text"}


def item_entry(check, data: LineDict, entry: dict[str, Any]) -> dict[str, Any]:
    """The request entry, from what every entry has (`entry`, checked by validate.py's
    common rules) and the item's own keys; problems go to `check`."""
    approval = str(data.get("approval") or "none")
    if not APPROVAL_RE.match(approval):
        check.add(f"approval '{approval}' must be none, manager or group:NAME", "approval")
    fields = _fields(check, data)
    entry["body"] = ""
    entry["article"] = check.text(data, "article", required=False) or None
    intro = check.text(data, "intro", required=False)
    form = [{"id": f["name"], "label": f["label"], "type": FORM_TYPES.get(f["type"], "text"),
             "required": bool(f["required"] and not f.get("when")),
             **({"choices": f["choices"]} if f["type"] == "choice" else
                {"choices": list(YES_NO.get(entry["lang"], YES_NO["en"]))} if f["type"] == "yes_no" else {})}
            for f in fields]
    entry["tree"] = {"start": "form", "nodes": {"form": {"text": intro, "ticket": {
        "subject": entry["title"], **({"team": entry["team"]} if entry["team"] else {}), "fields": form}}},
        "request": {"item": entry["id"], "approval": approval, "fields": fields, "article": entry["article"]}}
    return entry


def check_links(entries: list[dict[str, Any]], line_of) -> list[Problem]:
    """An item's `article` names an article of its language: asking answers with that
    article, which offers the form (the item is not matched apart, so the two never compete)."""
    by_id = {e["id"]: e for e in entries}
    problems = []
    for entry in entries:
        if entry["kind"] != "request" or not entry.get("article"):
            continue
        article = by_id.get(entry["article"])
        if article is None or article["kind"] != "article":
            problems.append(Problem(entry["path"], line_of(entry["path"], "article"),
                                    f"article '{entry['article']}' names no article"))
        elif article["lang"] != entry["lang"]:
            problems.append(Problem(entry["path"], line_of(entry["path"], "article"),
                                    f"article '{entry['article']}' is in {article['lang']}, this item in {entry['lang']}"))
    return problems


def _fields(check, data: LineDict) -> list[dict[str, Any]]:
    raw = data.get("fields")
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_FIELDS:
        check.add(f"'fields' must be a list of at most {MAX_FIELDS} fields", "fields")
        return []
    found: list[dict[str, Any]] = []
    for item in raw:
        if not isinstance(item, dict):
            check.add("each field is a mapping (name, label, type)", "fields")
            continue
        name, kind = str(item.get("name") or ""), item.get("type")
        for key in item:
            if key not in FIELD_KEYS:
                check.add(f"field '{name}': unknown key '{key}' (known: {', '.join(sorted(FIELD_KEYS))})", key, item)
        if not NAME_RE.match(name):
            check.add(f"field name '{name}' must be lowercase letters, digits and _ (it names the ITSM's field)",
                      "name" if "name" in item else None, item)
        elif any(f["name"] == name for f in found):
            check.add(f"field '{name}' is declared twice", "name", item)
        if not item.get("label"):
            check.add(f"field '{name}' needs a 'label'", None, item)
        if kind not in FIELD_TYPES:
            check.add(f"field '{name}' has type '{kind}' (one of {', '.join(FIELD_TYPES)})",
                      "type" if "type" in item else None, item)
        choices = item.get("choices")
        if kind == "choice" and (not isinstance(choices, list) or not choices or
                                 not all(isinstance(c, (str, int, float)) for c in choices)):
            check.add(f"choice field '{name}' needs a list of 'choices'", None, item)
            choices = []
        condition = _condition(check, item, name, found)
        found.append({"name": name, "label": str(item.get("label") or ""), "type": kind,
                      "required": item.get("required") is True, "help": str(item.get("help") or ""),
                      **({"choices": [str(c) for c in choices]} if kind == "choice" else {}),
                      **({"when": condition} if condition else {})})
    return found


def _condition(check, item: LineDict, name: str, earlier: list[dict[str, Any]]) -> dict[str, Any] | None:
    """`when: {field: other, is: [values]}`: the field is asked (and required) only then."""
    when = item.get("when")
    if when is None:
        return None
    if not isinstance(when, dict) or not isinstance(when.get("field"), str) or not isinstance(when.get("is"), list):
        check.add(f"field '{name}': 'when' is {{field: NAME, is: [values]}}", "when", item)
        return None
    other = next((f for f in earlier if f["name"] == when["field"]), None)
    if other is None:
        check.add(f"field '{name}': 'when' names '{when['field']}', which is not a field declared before it",
                  "when", item)
        return None
    values = [str(v) for v in when["is"]]
    if other.get("choices") and not set(values) <= set(other["choices"]):
        check.add(f"field '{name}': 'when' expects values of '{other['name']}' that are not among its choices",
                  "when", item)
    return {"field": other["name"], "is": values}
