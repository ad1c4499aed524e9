"""Settings: a defaults table, validated updates, start at login. No Qt."""
from __future__ import annotations

import json

import pytest

from desktop.ui.settings import Settings, SettingsError, autostart_file


def test_defaults_when_no_file(home):
    settings = Settings.load(home)
    assert settings.language == "" and settings.stats is True and settings.start_at_login is False


@pytest.mark.parametrize("change, message", [
    ({"colour": "red"}, "colour: unknown setting"),
    ({"language": "de"}, "language: expected one of en, fr"),
    ({"stats": "yes"}, "stats: expected bool"),
])
def test_bad_setting_is_named_and_nothing_saved(home, change, message):
    settings = Settings.load(home)
    with pytest.raises(SettingsError, match=message):
        settings.update(**change)
    assert not (home / "settings.json").exists()


def test_saved_settings_survive_a_restart_and_bad_keys_are_dropped(home):
    Settings.load(home).update(language="fr")
    raw = json.loads((home / "settings.json").read_text())
    raw["stats"] = "maybe"
    (home / "settings.json").write_text(json.dumps(raw))
    again = Settings.load(home)
    assert again.language == "fr" and again.stats is True


def test_start_at_login_writes_and_removes_the_autostart_entry(home):
    settings = Settings.load(home)
    settings.update(start_at_login=True)
    entry = autostart_file()
    assert "Exec=" in entry.read_text() and "--minimised" in entry.read_text()
    settings.update(start_at_login=False)
    assert not entry.exists()


def test_start_at_login_with_the_system_wide_entry_it_installed(home, tmp_path, monkeypatch):
    from desktop.ui.settings import starts_at_login

    system = tmp_path / "xdg" / "autostart" / "helpdesk-assistant.desktop"
    system.parent.mkdir(parents=True)
    system.write_text("[Desktop Entry]\nExec=/usr/bin/helpdesk-assistant --minimised\n")
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "xdg"))
    assert starts_at_login() is True
    settings = Settings.load(home)
    settings.update(start_at_login=False)
    assert "Hidden=true" in autostart_file().read_text() and starts_at_login() is False
    settings.update(start_at_login=True)
    assert not autostart_file().exists() and starts_at_login() is True
