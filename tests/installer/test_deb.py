"""The Linux package, as IT deploys it: `dpkg -i` installs silently, the installed app
passes `doctor` headless and answers a question, `dpkg --purge` leaves nothing behind.

Needs the .deb: `.ci/services/installer.sh` builds it (make installer) and exports
HELPDESK_TEST_DEB. Installing a package needs root, as in CI.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.services import require_service

pytestmark = pytest.mark.service("installer")

PACKAGE = "helpdesk-assistant"
INSTALLED = [Path("/opt/helpdesk-assistant/helpdesk-assistant"), Path("/usr/bin/helpdesk-assistant"),
             Path("/usr/share/applications/helpdesk-assistant.desktop"),
             Path("/etc/xdg/autostart/helpdesk-assistant.desktop"),
             Path("/usr/share/icons/hicolor/scalable/apps/helpdesk-assistant.svg")]
POLICY = Path("/etc/helpdesk-assistant/policy.toml")


IT_POLICY = '[helpdesk]\nphone = "+33 1 23 45 67 89"\n[privacy]\nstats = false\n'


def dpkg(*args: str, **env_extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", **env_extra}
    return subprocess.run(["dpkg", *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          timeout=300)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The package installed as IT would, with its own policy named at install time."""
    deb = require_service("HELPDESK_TEST_DEB", "the .deb package")
    if os.geteuid() != 0 or not shutil.which("dpkg"):
        pytest.fail("installing the .deb needs root and dpkg (as in CI)")
    dpkg("--purge", PACKAGE)                  # a clean machine, whatever an earlier run left
    policy = tmp_path_factory.mktemp("it") / "policy.toml"
    policy.write_text(IT_POLICY)
    done = dpkg("-i", deb, HELPDESK_INSTALL_POLICY=str(policy))
    assert done.returncode == 0, done.stdout + done.stderr
    yield deb
    dpkg("--purge", PACKAGE)


def run_installed(args: list[str], home: Path, **extra: str) -> subprocess.CompletedProcess:
    """The installed launcher with a clean environment: nothing from the source tree or venv."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "HELPDESK_HOME": str(home / "data"),
           "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8", **extra}
    return subprocess.run(["helpdesk-assistant", *args], env=env, cwd=home, capture_output=True, text=True,
                          timeout=120)


def test_deb_installs_silently_with_launchers_and_policy(installed):
    for path in INSTALLED:
        assert path.exists(), path
    assert "Exec=/usr/bin/helpdesk-assistant --minimised" in INSTALLED[3].read_text()
    assert POLICY.read_text() == IT_POLICY          # IT's policy, named at install time
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True)
    assert status.stdout == "install ok installed"


def test_installed_doctor_passes_headless(installed, tmp_path):
    done = run_installed(["doctor", "--json"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    checks = {c["name"]: c for c in report["checks"]}
    assert report["failed"] == []
    assert checks["version"]["details"]["frozen"] is True
    assert checks["policy"]["status"] == "ok" and checks["policy"]["details"]["path"] == str(POLICY)
    assert checks["snapshot"]["status"] == "ok", checks["snapshot"]
    assert checks["snapshot"]["details"]["source"] == "bundled with the app"


def test_installed_ask_answers_from_the_bundled_snapshot_and_model(installed, tmp_path):
    done = run_installed(["ask", "I forgot my password and cannot log in", "--json"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    reply = json.loads(done.stdout)
    assert reply["kind"] in ("answer", "choose")
    assert "password" in reply["hits"][0]["id"]


def test_installed_app_syncs_a_signed_snapshot_and_doctor_verifies_it(installed, tmp_path):
    """Signature (PyNaCl), chunks (zstandard) and the swap, by the installed app from a local
    sync server; then doctor checks the signature and the server."""
    from desktop.sync import manifest as mf
    from tests.server.harness import LiveServer, make_harness

    sample = Path(__file__).resolve().parents[2] / "build" / "sample_kb.sqlite"
    harness = make_harness(f"sqlite:///{tmp_path / 'sync.sqlite'}", tmp_path / "storage", rate=0)
    harness.publish(sample, version=1)
    with LiveServer(harness) as live:
        policy = tmp_path / "policy.toml"
        policy.write_text(f'[sync]\nurl = "{live.url}"\nkb = "acme-it"\n'
                          f'public_key = "{mf.public_key_text(harness.key.verify_key)}"\n')
        extra = {"HELPDESK_POLICY": str(policy), "HELPDESK_SYNC_TOKEN": harness.device_token, "NO_PROXY": "*"}
        done = run_installed(["sync", "--json"], tmp_path, **extra)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["status"] == "updated"
        done = run_installed(["doctor", "--json"], tmp_path, **extra)
    harness.db.close()
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["snapshot"]["details"]["source"] == "installed by sync"
    assert checks["snapshot"]["details"]["signature"] == "verified"
    assert checks["sync"]["status"] == "ok", checks["sync"]


def test_installed_tray_app_starts_and_gets_ready(installed, tmp_path):
    """The bundle's Qt (platform plugins, icon, translations) and engine work in the tray app:
    on the CI X screen with its tray when there is one, else offscreen (the fallback window)."""
    import time

    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HELPDESK_HOME": str(tmp_path / "data"),
           "LANG": "fr_FR.UTF-8", "HELPDESK_UI_TIMINGS": str(tmp_path / "timings")}
    display = os.environ.get("HELPDESK_TEST_XVFB_DISPLAY")
    env.update({"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"} if display else {"QT_QPA_PLATFORM": "offscreen"})
    proc = subprocess.Popen(["helpdesk-assistant", "--minimised"], env=env, cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    notes = tmp_path / "timings"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if notes.exists() and "ready" in notes.read_text():
                break
            time.sleep(0.05)
        assert proc.poll() is None, proc.stdout.read()
        events = notes.read_text() if notes.exists() else ""
        assert "ready" in events, events
        if display:
            assert "tray_shown" in events, events
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.mark.parametrize("run", range(1, 11))
def test_installed_command_shows_the_window_and_answers_every_time(installed, run, tmp_path):
    """First contact with the installed app: `helpdesk-assistant` typed by a new user on a real
    screen with a tray, fresh data folder, ten times: the window shows, a typed question is
    answered on screen, Quit ends it, nothing printed says Traceback or Error."""
    from tests.ui.screen import QUESTIONS, Screen, expected_words, launch_and_ask

    display = require_service("HELPDESK_TEST_XVFB_DISPLAY", "Xvfb with a tray host")
    kb = _sample_kb()
    question = QUESTIONS[(run - 1) % len(QUESTIONS)]
    (tmp_path / "user").mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "user"), "HELPDESK_HOME": str(tmp_path / "data"),
           "LANG": "C.UTF-8", "DISPLAY": display}
    how, code, printed, seen = launch_and_ask(["helpdesk-assistant"], env, tmp_path, Screen(display, tmp_path),
                                              "Ask IT — Helpdesk Assistant", question, expected_words(kb, question),
                                              f"answer-{run}", tmp_path / "output.txt")
    assert "cannot be opened" not in seen
    assert "Traceback" not in printed and "Error" not in printed, printed
    assert (how, code) == ("quit from the tray menu", 0), printed


_KB: list = []


def _sample_kb():
    from desktop.engine.knowledge import KnowledgeBase
    from tests.sample_kb import sample_snapshot

    if not _KB:
        _KB.append(KnowledgeBase.open(sample_snapshot()))
    return _KB[0]


def test_policy_template_is_valid_and_kept_on_reinstall(installed):
    from desktop.policy import load_policy

    load_policy(Path("/opt/helpdesk-assistant/_internal/policy.toml.template"))   # the template parses
    POLICY.write_text(IT_POLICY + "# edited by IT\n")
    done = dpkg("-i", installed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert POLICY.read_text().endswith("# edited by IT\n")     # an upgrade never overwrites IT's file


def test_purge_leaves_nothing_behind(installed):
    done = dpkg("--purge", PACKAGE)
    assert done.returncode == 0, done.stdout + done.stderr
    left = [str(p) for p in INSTALLED + [POLICY, POLICY.parent, Path("/opt/helpdesk-assistant")] if p.exists()]
    assert left == []
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True)
    assert "installed" not in status.stdout or status.stdout.startswith("unknown")
