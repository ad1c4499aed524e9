"""`doctor` names the sign-in command one way only: the installed `helpdesk-assistant
login` (installer/linux/launcher.sh installs /usr/bin/helpdesk-assistant)."""
from __future__ import annotations

from pathlib import Path

from desktop.cli import main
from desktop.itsm.errors import LOGIN_COMMAND
from tests.itsm.fakes.base import USER
from tests.itsm.fakes.zammad import ZammadFake

REPO = Path(__file__).resolve().parents[2]


def test_the_login_command_is_the_installed_one():
    launcher = (REPO / "installer/linux/launcher.sh").read_text()
    assert "/usr/bin/helpdesk-assistant" in launcher
    assert LOGIN_COMMAND == "helpdesk-assistant login"


def test_doctor_without_a_sign_in_names_only_helpdesk_assistant_login(capsys, write_policy):
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url, "username": USER}})
        text_code = main(["doctor", "--timeout", "2"])
        text = capsys.readouterr().out
        main(["doctor", "--json", "--timeout", "2"])
        as_json = capsys.readouterr().out
    assert text_code == 0
    for report in (text, as_json):
        assert "helpdesk-assistant login" in report
        assert "python -m desktop login" not in report


def test_doctor_with_nobody_signed_in_names_only_helpdesk_assistant_login(capsys, write_policy):
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url}})
        main(["doctor", "--timeout", "2"])
        text = capsys.readouterr().out
    assert "helpdesk-assistant login" in text and "python -m desktop login" not in text
