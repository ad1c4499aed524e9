"""`login`: credentials are checked with the ITSM, then kept in the keyring (or, without a
secure keyring, in memory only) and never written to a file or a log line."""
from __future__ import annotations

import json
import logging

import pytest
from keyring.backends import fail, null

from desktop.itsm import AuthError, credentials
from desktop.itsm.credentials import CredentialStore, is_secure
from desktop.itsm.protocol import Credential
from desktop.itsm.service import TicketService
from tests.itsm.conftest import cli_env, run_cli
from tests.itsm.keyrings import MemoryKeyring


def test_login_help_explains_the_password_comes_from_stdin(home, tmp_path):
    result = run_cli(["login", "--help"], cli_env(home, tmp_path))
    assert result.returncode == 0
    assert "--password-stdin" in result.stdout and "--username" in result.stdout


def test_login_checks_with_rt_then_stores_in_the_keyring(home, tmp_path, write_policy, rt_url):
    write_policy("rt", rt_url)
    env = cli_env(home, tmp_path)
    result = run_cli(["login", "--username", "root", "--password-stdin"], env, stdin="password\n")
    assert result.returncode == 0, result.stderr
    assert "keyring" in result.stdout
    stored = json.loads((tmp_path / "test-keyring.json").read_text())
    assert stored == {f"helpdesk-assistant:{rt_url}\nroot": "password"}


def test_wrong_password_says_so_and_stores_nothing(home, tmp_path, write_policy, rt_url):
    write_policy("rt", rt_url)
    result = run_cli(["login", "--username", "root", "--password-stdin"],
                     cli_env(home, tmp_path), stdin="wrong-password\n")
    assert result.returncode == 1
    assert "refused the user name or password" in result.stderr
    assert "Nothing was stored" in result.stderr
    assert not (tmp_path / "test-keyring.json").exists()


def test_login_without_an_itsm_in_the_policy_is_a_clear_error(home, tmp_path, monkeypatch):
    env = cli_env(home, tmp_path)
    env.pop("HELPDESK_POLICY", None)
    env["HELPDESK_POLICY"] = str(tmp_path / "empty.toml")
    (tmp_path / "empty.toml").write_text("")
    result = run_cli(["login", "--username", "u", "--password-stdin"], env, stdin="x\n")
    assert result.returncode == 1
    assert "no ITSM is configured" in result.stderr


@pytest.mark.parametrize("backend, secure", [
    (fail.Keyring(), False), (null.Keyring(), False), (MemoryKeyring(), True)])
def test_fail_and_null_keyrings_are_not_secure(backend, secure):
    assert is_secure(backend) is secure


def test_without_secure_keyring_secret_is_kept_for_the_session_only(
        home, write_policy, rt_url, caplog, capsys):
    """No secure keyring: the app says so, the secret works for this session, and it is
    nowhere in the data folder or the logs."""
    secret = "password"
    write_policy("rt", rt_url)
    caplog.set_level(logging.DEBUG)
    service = TicketService.from_environment()
    service.store = CredentialStore(null.Keyring())

    result = service.login("root", secret)
    assert result.stored is False
    assert "session only" in result.warning
    entry = service.submit(_ticket())
    assert entry.state == "sent"                      # the session credential was used

    credentials._SESSION.clear()                      # a new session: nothing remains
    assert service.store.load(rt_url, "root") is None
    for path in home.rglob("*"):
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path
    assert secret not in caplog.text
    out = capsys.readouterr()
    assert secret not in out.out + out.err


def test_secret_never_reaches_logs_or_data_folder_with_a_keyring(home, write_policy, rt_url,
                                                                 caplog, memory_keyring):
    secret = "password"
    write_policy("rt", rt_url)
    caplog.set_level(logging.DEBUG)
    service = TicketService.from_environment()
    service.login("root", secret)
    service.submit(_ticket())
    with pytest.raises(AuthError):
        service.login("root", "another-wrong-secret")
    assert memory_keyring.secrets == {(f"helpdesk-assistant:{rt_url}", "root"): secret}
    for path in home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert secret.encode() not in data and b"another-wrong-secret" not in data, path
    assert secret not in caplog.text and "another-wrong-secret" not in caplog.text


def test_credential_repr_hides_the_secret():
    assert "s3cret" not in repr(Credential("jdoe", "s3cret"))


def _ticket():
    from desktop.itsm import Ticket

    return Ticket(subject="Login test", description="VPN drops every hour", team="network")


def test_login_with_an_rt_token_stores_the_token(home, tmp_path, write_policy, rt_url):
    from tests.services import require_service

    token = require_service("HELPDESK_TEST_RT_TOKEN", "an RT auth token")
    write_policy("rt", rt_url, auth="token")
    env = cli_env(home, tmp_path)
    result = run_cli(["login", "--username", "root", "--password-stdin"], env, stdin=token + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "test-keyring.json").read_text()) == {
        f"helpdesk-assistant:{rt_url}\nroot": token}
    sent = run_cli(["ticket", "new", "--subject", "Token", "--description", "D", "--json"], env)
    assert json.loads(sent.stdout)["status"] == "sent"
