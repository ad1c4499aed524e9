"""Where the app keeps its files.

`HELPDESK_HOME` overrides the per-user data folder (tests and portable installs);
otherwise platformdirs picks the OS's usual place. The snapshot in use is, in order:
`HELPDESK_SNAPSHOT`, the one installed by sync in the data folder, the one bundled
with the app.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "helpdesk-assistant"


def data_home() -> Path:
    """The per-user data folder, created on first use."""
    override = os.environ.get("HELPDESK_HOME")
    home = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    home.mkdir(parents=True, exist_ok=True)
    return home


def installed_snapshot() -> Path:
    """Where sync installs the current snapshot."""
    return data_home() / "snapshot" / "current.sqlite"


def bundled_snapshot() -> Path:
    """The sample snapshot shipped with the app (PyInstaller bundle or source tree)."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    for candidate in (base / "snapshot" / "kb.sqlite", base / "build" / "sample_kb.sqlite"):
        if candidate.exists():
            return candidate
    return base / "build" / "sample_kb.sqlite"


def snapshot_path() -> Path:
    """The snapshot the app should open now."""
    override = os.environ.get("HELPDESK_SNAPSHOT")
    if override:
        return Path(override)
    installed = installed_snapshot()
    return installed if installed.exists() else bundled_snapshot()


def state_db() -> Path:
    """Local state: outbox, dialogue history, usage counters."""
    return data_home() / "state.sqlite"
