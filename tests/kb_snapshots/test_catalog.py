"""The service catalog in a KB source tree: typed fields, conditions, approval and the
article an item rides on, checked with `file:line` messages like everything else."""
from __future__ import annotations

from datetime import date

from desktop.engine.requests import RequestItem, check_values, prefill
from kb_snapshots.source import read_source
from kb_snapshots.validate import validate
from tests.kb_snapshots.kbfactory import article, write_kb

KB = "name: Test IT\ndefault_lang: en\nlanguages: [en, fr]\nteams:\n  workplace: Workplace\n"
ITEM = """id: new-laptop
title: Request a new laptop
lang: en
team: workplace
approval: manager
article: laptop-help
questions: [I need a new laptop]
fields:
  - {name: model, label: 'Which model?', type: choice, choices: [Standard, Mac], required: true}
  - {name: needed_by, label: Needed by, type: date, required: true}
  - {name: keyboard, label: Keyboard, type: choice, choices: [AZERTY, QWERTY], when: {field: model, is: [Standard]}}
  - {name: count, label: 'How many?', type: number}
  - {name: abroad, label: 'Used abroad?', type: yes_no}
"""


def _problems(tmp_path, item: str) -> list[str]:
    root = write_kb(tmp_path / "kb", {"kb.yaml": KB, "catalog/en/new-laptop.yaml": item,
                                      "articles/en/laptop.md": article("Ask for it.", id="laptop-help", title="Laptops",
                                                                       lang="en", questions=["laptop"])})
    _, entries, _, problems = validate(read_source(root))
    return [f"{p.path}:{p.line}: {p.message}" for p in problems], entries


def test_a_valid_item_becomes_a_request_entry_with_its_form(tmp_path):
    problems, entries = _problems(tmp_path, ITEM)
    assert problems == []
    item = next(e for e in entries if e["kind"] == "request")
    form = item["tree"]["nodes"]["form"]["ticket"]["fields"]
    assert [f["id"] for f in form] == ["model", "needed_by", "keyboard", "count", "abroad"]
    assert next(f for f in form if f["id"] == "keyboard")["required"] is False      # asked only for Standard
    assert next(f for f in form if f["id"] == "abroad")["choices"] == ["Yes", "No"]
    assert item["tree"]["request"]["approval"] == "manager" and item["article"] == "laptop-help"


def test_mistakes_are_named_with_their_line(tmp_path):
    broken = ITEM.replace("type: number", "type: integer").replace("approval: manager", "approval: the boss") \
        .replace("field: model, is: [Standard]", "field: colour, is: [Red]").replace("article: laptop-help",
                                                                                    "article: nowhere")
    problems, _ = _problems(tmp_path, broken)
    text = "\n".join(problems)
    assert "catalog/en/new-laptop.yaml:5: approval 'the boss' must be none, manager or group:NAME" in text
    assert "field 'count' has type 'integer'" in text
    assert "'when' names 'colour', which is not a field declared before it" in text
    assert "article 'nowhere' names no article" in text


def test_values_are_checked_and_written_as_the_catalog_says():
    entry = type("E", (), {"id": "new-laptop", "title": "Laptop", "lang": "en", "team": "workplace", "tree": {
        "request": {"approval": "manager", "fields": [
            {"name": "model", "label": "Model", "type": "choice", "choices": ["Standard", "Mac"], "required": True},
            {"name": "needed_by", "label": "Needed by", "type": "date", "required": True},
            {"name": "keyboard", "label": "Keyboard", "type": "choice", "choices": ["AZERTY", "QWERTY"],
             "required": False, "when": {"field": "model", "is": ["Standard"]}},
            {"name": "count", "label": "How many", "type": "number", "required": False},
            {"name": "abroad", "label": "Abroad", "type": "yes_no", "required": False}]}}})()
    item = RequestItem.from_entry(entry)
    today = date(2027, 3, 3)                                             # a Wednesday
    values, errors = check_values(item, {"model": "standard", "needed_by": "friday", "keyboard": "azerty",
                                         "count": "2", "abroad": "oui"}, today)
    assert errors == {}
    assert values == {"model": "Standard", "needed_by": "2027-03-05", "keyboard": "AZERTY", "count": "2",
                      "abroad": "Yes"}
    _, errors = check_values(item, {"model": "Standard", "needed_by": "31/02/2027", "count": "two"}, today)
    assert set(errors) == {"needed_by", "keyboard", "count"}
    _, errors = check_values(item, {"model": "Mac", "needed_by": "tomorrow", "keyboard": "QWERTY"}, today)
    assert errors == {"keyboard": "only asked when model is Standard"}
    assert prefill(item, "I need a mac by tomorrow", today) == {"model": "Mac", "needed_by": "2027-03-04"}
