"""`python -m desktop` with no verb: the tray app, or the terminal loop where there is
no screen at all."""
from __future__ import annotations

import os
import subprocess
import sys

from tests.ui.conftest import REPO


def test_no_screen_falls_back_to_the_terminal_and_says_why(tmp_path, snapshot_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(HELPDESK_HOME=str(tmp_path / "home"), HELPDESK_SNAPSHOT=str(snapshot_path))
    result = subprocess.run([sys.executable, "-m", "desktop"], cwd=REPO, env=env, input="",
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert "No graphical display here" in result.stderr
    assert "ask an IT question" in result.stdout


def test_minimised_is_a_documented_option():
    result = subprocess.run([sys.executable, "-m", "desktop", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=60)
    assert "--minimised" in result.stdout and "start in the tray" in result.stdout
