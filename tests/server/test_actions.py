"""Self-service actions against a real directory (OpenLDAP slapd with the ppolicy overlay:
lockout after three wrong passwords, a minimum length), a real SMTP server (aiosmtpd) and
the real Request Tracker: a locked account is unlocked after the one-time code and the
employee can sign in again; three wrong codes block the action and say when to retry; a new
password is checked against the directory's rules; each action is a resolved request in RT."""
from __future__ import annotations

import mailbox
import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from tests.ldap_server import free_port, group, organisation, slapd
from tests.server.harness import make_harness
from tests.services import require_service

BASE = "dc=contoso,dc=example"
ADMIN, ADMIN_PASSWORD = f"cn=admin,{BASE}", "directory-admin-secret"
PASSWORD = "Correct-Horse-2026"
PEOPLE = [("jdoe", "Jeanne Doe", "jeanne.doe@corp.contoso.example"),
          ("pmartin", "Paul Martin", "paul.martin@corp.contoso.example"),
          ("lbernard", "Lucie Bernard", "lucie.bernard@corp.contoso.example")]


def _ldif() -> str:
    people = "".join(f"""
dn: uid={uid},ou=people,{BASE}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name.split()[1]}
displayName: {name}
mail: {mail}
userPassword: {PASSWORD}
""" for uid, name, mail in PEOPLE)
    return organisation(BASE, "people", "policies", "groups") + f"""dn: cn=default,ou=policies,{BASE}
objectClass: device
objectClass: pwdPolicy
cn: default
pwdAttribute: userPassword
pwdLockout: TRUE
pwdMaxFailure: 3
pwdLockoutDuration: 0
pwdMinLength: 12
pwdCheckQuality: 1
pwdInHistory: 2
{people}
""" + group(BASE, "Sales-news", "pmartin")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    """ldap://127.0.0.1:PORT: slapd with ppolicy; three wrong passwords lock an account."""
    with slapd(tmp_path_factory.mktemp("ldap"), BASE, _ldif(), lambda url: can_bind(url, "pmartin", PASSWORD),
               admin=(ADMIN, ADMIN_PASSWORD), ppolicy=f"cn=default,ou=policies,{BASE}") as url:
        yield url


def can_bind(url: str, uid: str, password: str) -> bool:
    import ldap3

    try:
        conn = ldap3.Connection(ldap3.Server(url, connect_timeout=2), f"uid={uid},ou=people,{BASE}", password)
        ok = conn.bind()
        conn.unbind()
        return ok
    except Exception:  # noqa: BLE001 - not up yet
        return False


@pytest.fixture(scope="module")
def smtpd(tmp_path_factory):
    """A real SMTP server on loopback delivering into a Maildir."""
    python = require_service("HELPDESK_TEST_SMTPD", "an SMTP server (aiosmtpd)")
    maildir = tmp_path_factory.mktemp("mail") / "inbox"
    port = free_port()
    server = subprocess.Popen([python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c",
                               "aiosmtpd.handlers.Mailbox", str(maildir)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.2)
    yield port, maildir
    server.terminate()
    server.wait(timeout=10)


def code_for(maildir: Path, address: str, seen: set) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for key, message in mailbox.Maildir(str(maildir), create=False).items():
            if key not in seen and message["To"] == address:
                seen.add(key)
                return re.search(r"is (\d{6})\.", message.get_payload(decode=True).decode()).group(1)
        time.sleep(0.2)
    raise AssertionError(f"no code arrived for {address}")


@pytest.fixture
def server(directory, smtpd, tmp_path, monkeypatch):
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    monkeypatch.setenv("HELPDESK_RT_TOKEN", require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker"))
    monkeypatch.setenv("HELPDESK_DIRECTORY_PASSWORD", ADMIN_PASSWORD)
    port, _ = smtpd
    actions = tmp_path / "actions.toml"
    actions.write_text(f"""[directory]\nurl = "{directory}"\nbase_dn = "{BASE}"\nservice_dn = "{ADMIN}"\n
[mail]\nhost = "127.0.0.1"\nport = {port}\nsender = "helpdesk@contoso.example"\n
[actions]\nenabled = ["unlock", "reset_password", "add_to_group"]\ngroups = ["Sales-news"]\nrecord_queue = "General"\n""")
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "storage", rt_url=rt, actions_file=actions)
    harness.rt = rt
    yield harness
    harness.db.close()


def audit(server) -> list:
    with server.db.transaction(write=False) as tx:
        return tx.all("SELECT login, action, outcome, detail FROM action_audit ORDER BY id")


def lock(url: str, uid: str) -> None:
    for _ in range(3):
        assert not can_bind(url, uid, "not-my-password")
    assert not can_bind(url, uid, PASSWORD)                # locked: even the right password fails


def test_a_locked_account_is_unlocked_after_the_code_and_the_employee_signs_in(server, directory, smtpd):
    _, maildir = smtpd
    lock(directory, "jdoe")
    seen = set(mailbox.Maildir(str(maildir)).keys()) if maildir.exists() else set()
    started = server.client.post("/v1/actions/unlock", json={"login": "jdoe"}, headers=server.install)
    assert started.status_code == 202, started.text
    assert started.json()["sent_to"] == "j***@corp.contoso.example"
    code = code_for(maildir, "jeanne.doe@corp.contoso.example", seen)
    challenge = started.json()["challenge"]
    wrong = server.client.post(f"/v1/actions/challenges/{challenge}", json={"code": "000000" if code != "000000"
                                                                            else "111111"}, headers=server.install)
    assert wrong.status_code == 403 and "2 tries left" in wrong.json()["error"]["message"]
    done = server.client.post(f"/v1/actions/challenges/{challenge}", json={"code": code}, headers=server.install)
    assert done.status_code == 200, (done.text, audit(server))
    assert "unlocked" in done.json()["message"]
    assert can_bind(directory, "jdoe", PASSWORD)                     # the employee signs in again
    again = server.client.post(f"/v1/actions/challenges/{challenge}", json={"code": code}, headers=server.install)
    assert again.status_code == 410                                  # a code works once
    ticket = requests.get(f"{server.rt}/REST/2.0/ticket/{done.json()['request']}", timeout=30,
                          headers={"Authorization": f"token {os.environ['HELPDESK_RT_TOKEN']}"}).json()
    assert ticket["Status"] == "resolved" and "jdoe" in ticket["Subject"]


def test_three_wrong_codes_block_the_action_and_say_when_to_retry(server, directory, smtpd):
    _, maildir = smtpd
    lock(directory, "pmartin")
    seen = set(mailbox.Maildir(str(maildir)).keys()) if maildir.exists() else set()
    started = server.client.post("/v1/actions/unlock", json={"login": "pmartin"}, headers=server.install).json()
    code = code_for(maildir, "paul.martin@corp.contoso.example", seen)
    wrong = "000000" if code != "000000" else "111111"
    replies = [server.client.post(f"/v1/actions/challenges/{started['challenge']}", json={"code": wrong},
                                  headers=server.install) for _ in range(3)]
    assert [r.status_code for r in replies] == [403, 403, 429]
    message = replies[2].json()["error"]["message"]
    assert re.search(r"try again after \d\d:\d\d UTC", message) and int(replies[2].headers["Retry-After"]) > 800
    right = server.client.post(f"/v1/actions/challenges/{started['challenge']}", json={"code": code},
                               headers=server.install)
    assert right.status_code == 429                                  # even the right code, until then
    restart = server.client.post("/v1/actions/unlock", json={"login": "pmartin"}, headers=server.install)
    assert restart.status_code == 429                                # and no new code either
    assert not can_bind(directory, "pmartin", PASSWORD)


def test_a_new_password_follows_the_directorys_rules(server, directory, smtpd):
    _, maildir = smtpd
    seen = set(mailbox.Maildir(str(maildir)).keys())
    started = server.client.post("/v1/actions/reset_password", json={"login": "jdoe"}, headers=server.install).json()
    code = code_for(maildir, "jeanne.doe@corp.contoso.example", seen)
    url = f"/v1/actions/challenges/{started['challenge']}"
    short = server.client.post(url, json={"code": code, "new_password": "short"}, headers=server.install)
    assert short.status_code == 422 and "at least 12 characters" in short.json()["error"]["message"]
    done = server.client.post(url, json={"code": code, "new_password": "A-much-longer-one-77"}, headers=server.install)
    assert done.status_code == 200, done.text
    assert can_bind(directory, "jdoe", "A-much-longer-one-77") and not can_bind(directory, "jdoe", PASSWORD)
    with server.db.transaction(write=False) as tx:
        stored = repr(tx.all("SELECT * FROM action_audit")) + repr(tx.all("SELECT * FROM action_challenges"))
    assert "A-much-longer-one-77" not in stored and code not in stored


def test_an_unknown_login_gets_the_same_answer_and_no_mail(server, smtpd):
    _, maildir = smtpd
    before = len(mailbox.Maildir(str(maildir)))
    reply = server.client.post("/v1/actions/unlock", json={"login": "nobody-here"}, headers=server.install)
    assert reply.status_code == 202 and len(mailbox.Maildir(str(maildir))) == before
    fleet = server.client.post("/v1/actions/unlock", json={"login": "jdoe"}, headers=server.device)
    assert fleet.status_code == 403                                  # an enrolled install, not the fleet token


def test_the_command_line_unlocks_with_the_code_from_the_mail(server, directory, smtpd, tmp_path):
    from desktop.sync import manifest as mf
    from tests.server.harness import LiveServer

    _, maildir = smtpd
    lock(directory, "lbernard")
    seen = set(mailbox.Maildir(str(maildir)).keys())
    with LiveServer(server) as live:
        policy = tmp_path / "policy.toml"
        policy.write_text(f'[sync]\nurl = "{live.url}"\nkb = "contoso-it"\n'
                          f'public_key = "{mf.public_key_text(server.key.verify_key)}"\n')
        env = {**os.environ, "HELPDESK_POLICY": str(policy), "HELPDESK_SYNC_TOKEN": server.device_token,
               "HELPDESK_HOME": str(tmp_path / "home"), "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
               "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        cli = subprocess.Popen([os.sys.executable, "-m", "desktop", "account", "unlock", "--login", "lbernard"],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env, cwd=Path(__file__).resolve().parents[2])
        told = cli.stderr.readline()
        assert "A code was sent to l***@corp.contoso.example" in told, told + cli.stderr.read()
        code = code_for(maildir, "lucie.bernard@corp.contoso.example", seen)
        out, err = cli.communicate(code + "\n", timeout=60)
    assert cli.returncode == 0, err
    assert "Your account is unlocked" in out
    assert can_bind(directory, "lbernard", PASSWORD)


def test_an_employee_joins_a_group_it_allows_after_the_code(server, directory, smtpd):
    import ldap3

    _, maildir = smtpd
    refused = server.client.post("/v1/actions/add_to_group", json={"login": "lbernard", "group": "Domain Admins"},
                                 headers=server.install)
    assert refused.status_code == 422 and "Sales-news" in refused.json()["error"]["message"]
    seen = set(mailbox.Maildir(str(maildir)).keys()) if maildir.exists() else set()
    started = server.client.post("/v1/actions/add_to_group", json={"login": "lbernard", "group": "Sales-news"},
                                 headers=server.install).json()
    code = code_for(maildir, "lucie.bernard@corp.contoso.example", seen)
    done = server.client.post(f"/v1/actions/challenges/{started['challenge']}", json={"code": code},
                              headers=server.install)
    assert done.status_code == 200 and "You are now in Sales-news" in done.json()["message"], done.text
    conn = ldap3.Connection(ldap3.Server(directory), ADMIN, ADMIN_PASSWORD, auto_bind=True)
    conn.search(f"cn=Sales-news,ou=groups,{BASE}", "(objectClass=*)", search_scope=ldap3.BASE, attributes=["member"])
    assert f"uid=lbernard,ou=people,{BASE}" in conn.response[0]["attributes"]["member"]
