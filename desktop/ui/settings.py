"""The tray app's own settings: a defaults table, a JSON file, a typed error. No Qt.

    >>> settings = Settings.load(paths.data_home())
    >>> settings.language            # "" follows the system language
    >>> settings.update(language="fr", stats=False)   # validated, then saved atomically

Unknown names and wrong values raise `SettingsError` naming the setting; nothing is
saved then. `start_at_login` writes or removes the XDG autostart entry (Linux) or the
LaunchAgent (macOS); on Windows the installer owns the Run key. Where IT installed a
system-wide entry (/etc/xdg/autostart, from the .deb), turning it off writes the user's
`Hidden=true` override, as the XDG autostart spec says, and turning it on removes it.
"""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any

SETTINGS_FILE = "settings.json"
LANGUAGES = ("", "en", "fr")          # "" = the system language
DEFAULTS: dict[str, Any] = {
    "language": "",
    "stats": True,                    # only honoured where the policy allows statistics
    "start_at_login": False,
    "seen_statuses": {},              # ticket key -> status the user has seen (unread badge)
}
AUTOSTART_NAME = "helpdesk-assistant"
_SAVE_LOCK = threading.Lock()                 # worker threads may save at the same time


class SettingsError(ValueError):
    """A setting that does not exist or a value of the wrong kind; the message names it."""


def _check(name: str, value: Any) -> None:
    if name not in DEFAULTS:
        raise SettingsError(f"{name}: unknown setting (known: {', '.join(DEFAULTS)})")
    expected = type(DEFAULTS[name])
    if not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
        raise SettingsError(f"{name}: expected {expected.__name__}, got {type(value).__name__}")
    if name == "language" and value not in LANGUAGES:
        raise SettingsError(f"language: expected one of en, fr or empty (system), got {value!r}")


class Settings:
    def __init__(self, path: Path, values: dict[str, Any] | None = None):
        self.path = path
        self.values = {**DEFAULTS, **(values or {})}

    @classmethod
    def load(cls, home: Path) -> Settings:
        """The saved settings; a missing or damaged file gives the defaults."""
        path = Path(home) / SETTINGS_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raw = {}
        values = {}
        for name, value in (raw.items() if isinstance(raw, dict) else ()):
            try:
                _check(name, value)
            except SettingsError:
                continue                      # a stale or hand-edited key: back to its default
            values[name] = value
        return cls(path, values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def update(self, **changes: Any) -> None:
        for name, value in changes.items():
            _check(name, value)
        self.values.update(changes)
        if "start_at_login" in changes:
            set_start_at_login(bool(changes["start_at_login"]))
        self.save()

    def save(self) -> None:
        with _SAVE_LOCK:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self.values, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)


def autostart_file() -> Path:
    """Where the start-at-login entry lives for this user on this OS."""
    if sys.platform == "darwin":
        return Path.home() / "Library" / "LaunchAgents" / f"com.{AUTOSTART_NAME}.plist"
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "autostart" / f"{AUTOSTART_NAME}.desktop"


def system_autostart_file() -> Path | None:
    """The system-wide autostart entry IT installed, if any (Linux)."""
    if sys.platform == "darwin":
        return None
    for folder in (os.environ.get("XDG_CONFIG_DIRS") or "/etc/xdg").split(":"):
        candidate = Path(folder) / "autostart" / f"{AUTOSTART_NAME}.desktop"
        if folder and candidate.exists():
            return candidate
    return None


def starts_at_login() -> bool:
    """Whether the app starts at this user's login now (user entry, or system one not hidden)."""
    user = autostart_file()
    if user.exists():
        return "Hidden=true" not in user.read_text(encoding="utf-8", errors="replace")
    return system_autostart_file() is not None


def _launch_command() -> list[str]:
    if getattr(sys, "frozen", False):
        return [sys.executable, "--minimised"]
    return [sys.executable, "-m", "desktop", "--minimised"]


def set_start_at_login(enabled: bool) -> Path:
    """Create or remove the autostart entry; returns its path."""
    target = autostart_file()
    system = system_autostart_file()
    if not enabled:
        if system is None:
            target.unlink(missing_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("[Desktop Entry]\nType=Application\nName=Helpdesk Assistant\nHidden=true\n",
                              encoding="utf-8")
        return target
    if system is not None:
        target.unlink(missing_ok=True)          # IT's entry applies again
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    command = _launch_command()
    if sys.platform == "darwin":
        args = "".join(f"<string>{part}</string>" for part in command)
        target.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0"><dict>'
            f"<key>Label</key><string>com.{AUTOSTART_NAME}</string>"
            f"<key>ProgramArguments</key><array>{args}</array>"
            "<key>RunAtLoad</key><true/></dict></plist>\n", encoding="utf-8")
    else:
        target.write_text(
            "[Desktop Entry]\nType=Application\nName=Helpdesk Assistant\n"
            f"Exec={' '.join(command)}\nIcon=help-contents\nX-GNOME-Autostart-enabled=true\n",
            encoding="utf-8")
    return target
