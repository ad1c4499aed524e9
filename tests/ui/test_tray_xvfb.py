"""The real app on a real X screen with a real tray host (Xvfb + stalonetray or trayer,
started by .ci/services/xvfb.sh): the icon is embedded in the tray, a second launch
hands over to the first, and the main screens are saved to docs/screenshots/."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.services import require_service
from tests.ui.conftest import REPO

SCREENSHOTS = REPO / "docs" / "screenshots"


def _env(display: str, tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QT_")}
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb", HELPDESK_HOME=str(tmp_path / "home"),
               HOME=str(tmp_path / "user"), HELPDESK_UI_TIMINGS=str(tmp_path / "timings"),
               PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    return env


def _tray_windows(display: str) -> str:
    return subprocess.run(["xwininfo", "-root", "-tree"], env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, check=True).stdout


def test_real_app_puts_its_icon_in_the_tray_and_stays_single(tmp_path, snapshot_path):
    display = require_service("HELPDESK_TEST_XVFB_DISPLAY", "Xvfb with a tray host")
    env = _env(display, tmp_path)
    env["HELPDESK_SNAPSHOT"] = str(snapshot_path)
    first = subprocess.Popen([sys.executable, "-m", "desktop", "--minimised"], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        timings = tmp_path / "timings"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and "ready" not in (timings.read_text() if timings.exists() else ""):
            assert first.poll() is None, first.stdout.read()
            time.sleep(0.1)
        events = dict(line.split()[0:2] for line in timings.read_text().splitlines())
        assert "tray_shown" in events and "ready" in events
        tree = _tray_windows(display)
        host = next(line for line in tree.splitlines() if '"panel"' in line or "stalonetray" in line)
        embedded = tree.split(host, 1)[1]
        assert '"Helpdesk Assistant"' in embedded, tree
        second = subprocess.run([sys.executable, "-m", "desktop"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=30)
        assert second.returncode == 0 and "already running" in second.stdout
    finally:
        first.terminate()
        first.wait(10)


def test_screenshots_of_the_main_screens(tmp_path, snapshot_path):
    display = require_service("HELPDESK_TEST_XVFB_DISPLAY", "Xvfb with a tray host")
    result = subprocess.run([sys.executable, "-m", "tests.ui.showcase", str(SCREENSHOTS)], cwd=REPO,
                            env=_env(display, tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["tray_available"] and report["tray_geometry"][2] > 0, report
    for name in ("tray-menu", "chat-answer", "chat-did-you-mean", "guided-steps", "ticket-form",
                 "ticket-summary", "ticket-sent", "my-tickets", "settings", "booking", "chat-french", "chat-dark"):
        shot = SCREENSHOTS / f"{name}.png"
        assert shot.stat().st_size > 2000, name
