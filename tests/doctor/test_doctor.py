"""`doctor`: a healthy installation passes; each broken part fails, named, with the reason."""
from __future__ import annotations

import json

import pytest

from desktop.cli import main
from desktop.itsm.credentials import CredentialStore
from desktop.itsm.protocol import Credential
from desktop.policy import parse_policy
from desktop.sync.credentials import install_client
from desktop.sync.service import sync_once
from tests.doctor.conftest import sync_section
from tests.itsm.fakes.base import PASSWORD, USER
from tests.itsm.fakes.zammad import ZammadFake


def doctor(capsys, *args: str) -> tuple[int, dict]:
    code = main(["doctor", "--json", "--timeout", "2", *args])
    report = json.loads(capsys.readouterr().out)
    return code, report


def by_name(report: dict) -> dict[str, dict]:
    return {check["name"]: check for check in report["checks"]}


def test_doctor_healthy_installation_exits_0_with_every_part_ok(capsys, write_policy, sync_server):
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url, "username": USER},
                      "sync": sync_section(sync_server)})
        sync_once(parse_policy({"sync": sync_section(sync_server)}))
        install_client(parse_policy({"sync": sync_section(sync_server)}))       # as the first statistics do
        CredentialStore().save(itsm.url, Credential(USER, PASSWORD))
        code, report = doctor(capsys)
    checks = by_name(report)
    assert checks["sync"]["details"]["install_enrolled_at"], checks["sync"]
    assert code == 0, report
    assert report["failed"] == [] and report["status"] == "ok", report
    core = ("version", "policy", "keyring", "snapshot", "sync", "itsm", "disk")
    assert {name: checks[name]["status"] for name in core} == dict.fromkeys(core, "ok"), report
    assert checks["snapshot"]["details"]["signature"] == "verified"
    assert checks["snapshot"]["details"]["source"] == "installed by sync"
    assert checks["keyring"]["details"]["credential_stored"] is True


def test_doctor_without_policy_skips_sync_and_itsm_and_passes(capsys):
    code, report = doctor(capsys)
    checks = by_name(report)
    assert code == 0
    assert checks["sync"]["status"] == checks["itsm"]["status"] == "skipped"
    assert checks["snapshot"]["status"] == "ok"


@pytest.mark.parametrize("sections, key", [
    ({"itsm": {"kind": "rt", "url": "http://127.0.0.1:1", "usernme": "jdoe"}}, "itsm.usernme"),
    ({"sync": {"interval_minutes": "often"}}, "sync.interval_minutes"),
    ({"privacy": {"stats": "yes"}}, "privacy.stats"),
])
def test_doctor_wrong_policy_key_fails_naming_the_key(capsys, write_policy, sections, key):
    write_policy(sections)
    code, report = doctor(capsys)
    assert code == 1
    assert report["failed"] == ["policy"]
    assert key in by_name(report)["policy"]["message"]


def test_doctor_text_report_names_the_failed_check(capsys, write_policy):
    write_policy({"itsm": {"kind": "rt", "url": "http://127.0.0.1:1", "usernme": "jdoe"}})
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "FAILED   policy" in out and "itsm.usernme" in out
    assert out.rstrip().endswith("1 check(s) failed: policy")


def test_doctor_corrupt_snapshot_fails(capsys, tmp_path, monkeypatch):
    broken = tmp_path / "kb.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("HELPDESK_SNAPSHOT", str(broken))
    code, report = doctor(capsys)
    assert code == 1 and report["failed"] == ["snapshot"]
    assert "not a knowledge-base snapshot" in by_name(report)["snapshot"]["message"]


def test_doctor_installed_snapshot_altered_after_install_fails(capsys, home, write_policy, sync_server):
    write_policy({"sync": sync_section(sync_server)})
    sync_once(parse_policy({"sync": sync_section(sync_server)}))
    current = home / "snapshot" / "current.sqlite"
    with current.open("r+b") as handle:            # flip bytes inside a page, not the header
        handle.seek(200_000)
        handle.write(b"\x00tampered\x00")
    code, report = doctor(capsys)
    assert code == 1 and "snapshot" in report["failed"]
    assert "no signed manifest" in by_name(report)["snapshot"]["message"]


def test_doctor_unreachable_sync_server_fails_with_the_reason(capsys, write_policy, closed_port):
    write_policy({"sync": {"url": f"http://127.0.0.1:{closed_port}", "kb": "acme-it"}})
    code, report = doctor(capsys)
    assert code == 1 and report["failed"] == ["sync"]
    message = by_name(report)["sync"]["message"]
    assert f"127.0.0.1:{closed_port}" in message and "cannot reach" in message


def test_doctor_unreachable_itsm_fails_with_the_reason(capsys, write_policy, closed_port):
    write_policy({"itsm": {"kind": "zammad", "url": f"http://127.0.0.1:{closed_port}", "username": USER}})
    code, report = doctor(capsys)
    assert code == 1 and report["failed"] == ["itsm"]
    assert "cannot reach the ITSM" in by_name(report)["itsm"]["message"]


def test_doctor_refused_itsm_credentials_fail(capsys, write_policy):
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url, "username": USER}})
        CredentialStore().save(itsm.url, Credential(USER, "wrong"))
        code, report = doctor(capsys)
    assert code == 1 and report["failed"] == ["itsm"]
    assert "reachable" in by_name(report)["itsm"]["message"]


def test_doctor_no_credential_stored_is_a_warning_not_a_failure(capsys, write_policy):
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url, "username": USER}})
        code, report = doctor(capsys)
    checks = by_name(report)
    assert code == 0
    assert checks["keyring"]["status"] == "warning" and "no credential stored" in checks["keyring"]["message"]
    assert checks["itsm"]["status"] == "warning"


def test_doctor_insecure_keyring_is_a_warning(capsys, monkeypatch):
    import keyring
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    code, report = doctor(capsys)
    keyring_check = by_name(report)["keyring"]
    assert code == 0 and keyring_check["status"] == "warning"
    assert keyring_check["details"]["secure"] is False


def test_doctor_help_lists_json_and_timeout(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert "--json" in out and "--timeout" in out and "skipped" in out


def test_doctor_sync_failing_for_long_is_a_warning_with_the_last_error(capsys, home, write_policy, sync_server):
    import json as _json

    write_policy({"sync": sync_section(sync_server)})
    sync_once(parse_policy({"sync": sync_section(sync_server)}))
    state = home / "snapshot" / "sync-state.json"
    saved = _json.loads(state.read_text())
    saved.update(last_success="2020-01-01T00:00:00+00:00", last_error="sync server busy or failing (503)")
    state.write_text(_json.dumps(saved))
    code, report = doctor(capsys)
    sync = by_name(report)["sync"]
    assert code == 0 and sync["status"] == "warning"
    assert "503" in sync["message"] and "2020-01-01" in sync["message"]


def test_doctor_does_not_hang_on_a_keyring_waiting_for_an_unlock_prompt(capsys, write_policy, memory_keyring,
                                                                        monkeypatch):
    import threading
    import time as _time

    release = threading.Event()

    def locked(service, username):
        release.wait(30)                         # a Secret Service prompt nobody answers
        return None

    monkeypatch.setattr(memory_keyring, "get_password", locked)
    with ZammadFake() as itsm:
        write_policy({"itsm": {"kind": "zammad", "url": itsm.url, "username": USER}})
        began = _time.monotonic()
        code = main(["doctor", "--json", "--timeout", "1"])
        elapsed = _time.monotonic() - began
    release.set()
    keyring_check = by_name(json.loads(capsys.readouterr().out))["keyring"]
    assert elapsed < 10
    assert keyring_check["status"] == "warning" and "no answer within 1 s" in keyring_check["message"]
