"""Variables in KB text: filled in from this machine, never evaluated."""
from __future__ import annotations

import re

import socket

import pytest

from desktop import __version__
from desktop.engine import variables
from desktop.engine.variables import KNOWN_VARIABLES, find_variables, gather_variables, render

VALUES = {"user.first_name": "Ann", "device.hostname": "PC-0042", "user.login": "ann"}


@pytest.mark.parametrize("text, expected", [
    ("Hello {{user.first_name}}!", "Hello Ann!"),
    ("{{user.first_name}} on {{device.hostname}}", "Ann on PC-0042"),
    ("Hello {{ user.first_name }}, spaces are fine", "Hello Ann, spaces are fine"),
    ("Your IP: {{device.ip}}", "Your IP: your IP address"),                 # known name, no value
    ("Call {{helpdesk.phone}}", "Call the helpdesk phone line"),
    ("Write from {{user.email}} to {{helpdesk.portal}}", "Write from your e-mail address to the helpdesk portal"),
    ("No variables here.", "No variables here."),
    ("", ""),
    ("{single} braces and }} stray {{", "{single} braces and }} stray {{"),
])
def test_render_fills_values_and_reads_missing_ones_as_words(text, expected):
    assert render(text, VALUES) == expected


@pytest.mark.parametrize("text, expected", [
    ("Hi {{user.first_name}}, welcome", "Hi, welcome"),
    ("Welcome to Contoso, {{user.first_name}}! Here", "Welcome to Contoso! Here"),
    ("Bienvenue chez Contoso, {{user.first_name}} ! Voici", "Bienvenue chez Contoso ! Voici"),
    ("Windows ({{device.os}} {{device.os_version}}).", "Windows (your operating system)."),
])
def test_a_missing_name_is_left_out_without_stray_punctuation(text, expected):
    assert render(text, {"user.first_name": ""}) == expected


def test_missing_values_read_in_the_texts_language():
    text = "Écrivez depuis {{user.email}} sur {{helpdesk.portal}} ({{device.network}}, {{device.uptime}})"
    assert render(text, {}, lang="fr") == "Écrivez depuis votre adresse e-mail sur le portail du support (inconnu, inconnu)"
    assert render(text, {"device.network": "connected", "device.uptime": "3 days 4 h"}, lang="fr") == \
        "Écrivez depuis votre adresse e-mail sur le portail du support (connecté, 3 jours 4 h)"


def test_no_rendered_text_ever_shows_a_variable_in_brackets():
    every = " ".join(f"{{{{{name}}}}}" for name in sorted(KNOWN_VARIABLES))
    for lang in ("en", "fr"):
        out = render(every, {}, lang=lang)
        assert "[" not in out and "{{" not in out
        assert not any(name in out for name in KNOWN_VARIABLES)


@pytest.mark.parametrize("template", [
    "{{__import__('os').system('touch {marker}')}}",
    "{{ __import__('os').system('touch {marker}') }}",
    "{{open('{marker}', 'w').write('x')}}",
    "{{user.first_name.__class__.__init__.__globals__}}",
    "{{ config.items() }}",
    "{{7*7}}",
    "{{user.first_name|safe}}",
])
def test_template_code_is_never_executed_and_shows_as_a_placeholder(tmp_path, template):
    marker = tmp_path / "executed"
    text = template.replace("{marker}", str(marker))
    out = render(f"before {text} after", VALUES)
    assert not marker.exists()
    assert "{{" not in out and "}}" not in out
    assert out == "before after"


def test_values_are_not_rendered_recursively():
    values = {"user.first_name": "{{user.login}}", "user.login": "ann",
              "device.hostname": "{{__import__('os').getcwd()}}"}
    assert render("Hi {{user.first_name}} on {{device.hostname}}", values) == \
        "Hi {{user.login}} on {{__import__('os').getcwd()}}"


def test_values_with_markup_are_inserted_as_plain_text():
    assert render("Hi {{user.first_name}}", {"user.first_name": "<b>Ann</b> **x** \\1 \\g<0>"}) == \
        "Hi <b>Ann</b> **x** \\1 \\g<0>"


def test_values_shown_as_markdown_cannot_add_formatting_links_or_html():
    from desktop.engine.variables import markdown_escape

    hostile = "<img src=x onerror=alert(1)> **bold** [link](http://evil.example) `code`\n# Heading"
    out = render("Call {{helpdesk.phone}}.", {"helpdesk.phone": hostile}, markdown=True)
    assert out == f"Call {markdown_escape(hostile)}."
    assert "\n" not in out and "\\<img" in out and "\\*\\*bold\\*\\*" in out and "\\[link\\]" in out
    assert render("Mail {{user.email}}", {"user.email": "ann_smith@contoso.example"}, markdown=True) == \
        "Mail ann\\_smith@contoso.example"


def test_find_variables_lists_every_name_used():
    assert find_variables("{{a.b}} and {{ c.d }} and {{a.b}}") == ["a.b", "c.d", "a.b"]
    assert find_variables("") == [] and find_variables(None) == []


def test_every_documented_variable_is_known():
    """docs/kb-format.md's list of variables and the engine's are the same list."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "kb-format.md").read_text(encoding="utf-8")
    section = doc.split("## Variables", 1)[1].split("An unknown name fails the build", 1)[0]
    documented = set(re.findall(r"`((?:user|device|helpdesk|app|kb)\.[a-z_]+)`", section))
    assert "user.department" in documented and "device.vpn" in documented
    assert KNOWN_VARIABLES == documented


def test_gather_variables_finds_this_machine_and_user(monkeypatch):
    monkeypatch.setenv("HELPDESK_USER_FULL_NAME", "Ann Marie Smith")
    monkeypatch.setenv("HELPDESK_USER_EMAIL", "ann@example.com")
    values = gather_variables(helpdesk={"phone": "+1 555 0100"}, extra={"kb.name": "Override"})
    assert values["device.hostname"] == socket.gethostname()
    assert values["device.network"] in ("connected", "offline")
    assert values["app.version"] == __version__
    assert (values["user.first_name"], values["user.last_name"]) == ("Ann", "Marie Smith")
    assert values["user.email"] == "ann@example.com"
    assert values["helpdesk.phone"] == "+1 555 0100"
    assert values["kb.name"] == "Override"
    assert set(values) <= KNOWN_VARIABLES


def test_gather_variables_names_the_knowledge_base(helpdesk):
    values = gather_variables(helpdesk)
    assert values["kb.name"] == "Test IT"
    assert values["kb.version"] == "1"


def test_gather_variables_never_raises_when_every_probe_fails(monkeypatch):
    from desktop.engine import machine

    def boom(*args, **kwargs):
        raise RuntimeError("probe exploded")

    monkeypatch.setattr(variables.getpass, "getuser", boom)
    monkeypatch.setattr(machine, "facts", boom)
    monkeypatch.setattr(variables.socket, "gethostname", boom)
    values = gather_variables()
    assert values["app.version"] == __version__
    assert "device.hostname" not in values
    assert render("on {{device.hostname}}", values) == "on this computer"


def test_machine_facts_probes_never_raise(monkeypatch):
    from desktop.engine import machine

    def boom(*args, **kwargs):
        raise OSError("no access")

    for name in ("net_if_stats", "net_if_addrs", "disk_usage", "boot_time", "sensors_battery"):
        monkeypatch.setattr(machine.psutil, name, boom)
    facts = machine.facts()
    assert (facts.connected, facts.free_disk_gb, facts.uptime_seconds, facts.on_battery) == (False, None, None, None)


@pytest.mark.parametrize("seconds, text", [
    (None, ""), (0, "0 min"), (59, "0 min"), (12 * 60, "12 min"), (2 * 3600 + 5 * 60, "2 h 5 min"),
    (86400, "1 day 0 h"), (3 * 86400 + 4 * 3600, "3 days 4 h"),
])
def test_uptime_is_described_for_people(seconds, text):
    from desktop.engine.machine import describe_duration

    assert describe_duration(seconds) == text
