"""The app validates its policy before anything else: a wrong key or type is named and the
app exits non-zero, for the tray and for every verb (doctor reports it as a check)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from desktop.cli import main
from tests.doctor.conftest import REPO


@pytest.mark.parametrize("argv", [["ask", "printer"], ["tickets"], ["sync", "--status"], []])
def test_wrong_policy_key_stops_every_verb_naming_the_key(capsys, write_policy, argv):
    write_policy({"itsm": {"kind": "rt", "url": "http://127.0.0.1:1", "usernme": "jdoe"}})
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "itsm.usernme: unknown key" in err


def test_wrong_policy_type_is_named(capsys, write_policy):
    write_policy({"sync": {"interval_minutes": "hourly"}})
    assert main(["ask", "printer"]) == 2
    assert "sync.interval_minutes: expected a whole number" in capsys.readouterr().err


def test_tray_app_with_broken_policy_exits_before_loading_qt(write_policy, tmp_path):
    policy = write_policy({"privacy": {"stats": "no"}})
    env = {"HELPDESK_POLICY": str(policy), "HELPDESK_HOME": str(tmp_path / "h"), "PATH": "/usr/bin:/bin",
           "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    code = ("import sys; from desktop.cli import main; rc = main([]); "
            "print('qt' if 'PySide6' in sys.modules else 'no-qt'); sys.exit(rc)")
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "privacy.stats" in done.stderr
    assert done.stdout.strip() == "no-qt"


def test_valid_policy_lets_the_verb_run(capsys, write_policy):
    write_policy({"helpdesk": {"phone": "+33 1 23 45 67 89"}})
    assert main(["ask", "I forgot my password", "--json"]) == 0
