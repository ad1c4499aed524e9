"""`ticket new`, `ticket send` and `tickets` as IT scripts and the tray use them, against
the real RT; the process is killed at each step of sending and restarted."""
from __future__ import annotations

import json
import socket
import sqlite3

import pytest

from tests.itsm.conftest import cli_env, kb_teams, run_cli, rt_tickets_with_key


@pytest.fixture
def logged_in(home, tmp_path, write_policy, rt_url):
    write_policy("rt", rt_url)
    env = cli_env(home, tmp_path)
    result = run_cli(["login", "--username", "root", "--password-stdin"], env, stdin="password\n")
    assert result.returncode == 0, result.stderr
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("args", [["ticket", "new", "--help"], ["ticket", "send", "--help"],
                                  ["tickets", "--help"]])
def test_ticket_commands_explain_themselves(home, tmp_path, args):
    result = run_cli(args, cli_env(home, tmp_path))
    assert result.returncode == 0 and "usage:" in result.stdout


def test_ticket_new_sends_to_the_team_queue_and_prints_json(logged_in, rt_url, rt_admin):
    result = run_cli(["ticket", "new", "--subject", "VPN drops", "--description",
                      "Every hour since Monday", "--team", "network", "--json"], logged_in)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"] == "sent" and printed["id"].isdigit()
    shown = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{printed['id']}", timeout=30,
                         params={"fields[Queue]": "Name"}).json()
    assert shown["Queue"]["Name"] == kb_teams()["network"]
    assert shown["Subject"] == "VPN drops"

    listed = json.loads(run_cli(["tickets", "--json"], logged_in).stdout)
    assert [(t["id"], t["status"], t["remote_status"]) for t in listed] == \
        [(printed["id"], "sent", "new")]


def test_unknown_team_goes_to_the_default_queue(logged_in, rt_url):
    result = run_cli(["ticket", "new", "--subject", "Odd", "--description", "?",
                      "--team", "no-such-team", "--json"], logged_in)
    printed = json.loads(result.stdout)
    assert printed["queue"] == "General" and printed["status"] == "sent"


def test_ticket_new_while_itsm_is_down_is_queued_then_sent(home, tmp_path, write_policy,
                                                          rt_url, logged_in):
    down = f"http://127.0.0.1:{_free_port()}"
    write_policy("rt", down)
    stored = json.loads((tmp_path / "test-keyring.json").read_text())
    stored[f"helpdesk-assistant:{down}\nroot"] = "password"
    (tmp_path / "test-keyring.json").write_text(json.dumps(stored))
    (home / "itsm_account.json").write_text(json.dumps({"url": down, "username": "root"}))
    result = run_cli(["ticket", "new", "--subject", "Offline", "--description", "On the train",
                      "--json"], logged_in)
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["status"] == "queued" and printed["id"] is None
    assert "cannot connect" in printed["error"]
    offline = json.loads(run_cli(["tickets", "--json", "--offline"], logged_in).stdout)
    assert [(t["key"], t["status"]) for t in offline] == [(printed["key"], "queued")]

    write_policy("rt", rt_url)                         # the ITSM is back
    (home / "itsm_account.json").write_text(json.dumps({"url": rt_url, "username": "root"}))
    sent = run_cli(["ticket", "send", "--json"], logged_in)
    assert sent.returncode == 0, sent.stderr
    assert len(rt_tickets_with_key(rt_url, printed["key"])) == 1


def test_ticket_new_without_login_is_queued_and_says_to_log_in(home, tmp_path, write_policy,
                                                               rt_url):
    write_policy("rt", rt_url)
    result = run_cli(["ticket", "new", "--subject", "S", "--description", "D", "--json"],
                     cli_env(home, tmp_path))
    printed = json.loads(result.stdout)
    assert printed["status"] == "queued" and "login" in printed["error"]


def test_removing_an_unknown_context_item_is_refused(logged_in):
    result = run_cli(["ticket", "new", "--subject", "S", "--description", "D",
                      "--no-context", "shoe_size"], logged_in)
    assert result.returncode == 2 and "shoe_size" in result.stderr


def test_removed_context_items_are_not_sent(logged_in, rt_url, rt_admin):
    result = run_cli(["ticket", "new", "--subject", "Private", "--description", "D", "--json",
                      "--no-context", "ip", "--no-context", "hostname"], logged_in)
    ticket_id = json.loads(result.stdout)["id"]
    parts = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ticket_id}/attachments", timeout=30,
                         params={"fields": "Content,ContentType"}).json()["items"]
    body = next(p["Content"] for p in parts if p["ContentType"] == "text/plain")
    assert "Operating system:" in body
    assert "IP address" not in body and "Computer name" not in body


@pytest.mark.parametrize("step", ["before_attempt", "before_send", "after_send"])
def test_killed_while_sending_then_restarted_sends_exactly_once(logged_in, home, rt_url, step):
    crashed = run_cli(["ticket", "new", "--subject", f"Crash {step}", "--description", "D",
                       "--json"], {**logged_in, "HELPDESK_ITSM_CRASH_AT": step})
    assert crashed.returncode == 137
    with sqlite3.connect(home / "state.sqlite") as db:
        (key, state), = db.execute("SELECT key, state FROM itsm_outbox").fetchall()
    assert state == "queued"                          # written before the process died
    expected_before = 1 if step == "after_send" else 0
    assert len(rt_tickets_with_key(rt_url, key)) == expected_before

    for _ in range(2):                                # restart, and once more for good measure
        restarted = run_cli(["ticket", "send", "--json"], logged_in)
        assert restarted.returncode == 0, restarted.stderr

    assert len(rt_tickets_with_key(rt_url, key)) == 1
    listed = json.loads(run_cli(["tickets", "--json", "--offline"], logged_in).stdout)
    assert [(t["key"], t["status"]) for t in listed] == [(key, "sent")]


def test_attached_file_reaches_the_ticket(logged_in, rt_url, rt_admin, tmp_path):
    screenshot = tmp_path / "screen.png"
    screenshot.write_bytes(b"\x89PNG\r\n\x1a\nfake screenshot")
    result = run_cli(["ticket", "new", "--subject", "Error dialog", "--description", "See the "
                      "screenshot", "--attach", str(screenshot), "--json"], logged_in)
    ticket_id = json.loads(result.stdout)["id"]
    parts = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ticket_id}/attachments", timeout=30,
                         params={"fields": "Filename,ContentType"}).json()["items"]
    assert {"Filename": "screen.png", "ContentType": "image/png"} in [
        {"Filename": p["Filename"], "ContentType": p["ContentType"]} for p in parts]


def test_attaching_a_missing_file_is_refused_and_nothing_is_queued(logged_in, home, tmp_path):
    result = run_cli(["ticket", "new", "--subject", "S", "--description", "D",
                      "--attach", str(tmp_path / "nope.log")], logged_in)
    assert result.returncode == 2 and "nope.log" in result.stderr
    listed = json.loads(run_cli(["tickets", "--json", "--offline"], logged_in).stdout)
    assert listed == []


def test_a_broken_policy_file_is_named_and_nothing_is_queued(home, tmp_path):
    policy = tmp_path / "policy.toml"
    policy.write_text('[itsm]\nkind = "rt"\nurl = "http://127.0.0.1:9"\nauth = "kerberos"\n')
    env = {**cli_env(home, tmp_path), "HELPDESK_POLICY": str(policy)}
    result = run_cli(["ticket", "new", "--subject", "S", "--description", "D"], env)
    assert result.returncode == 2
    assert "itsm.auth" in result.stderr and "kerberos" in result.stderr
    assert not (home / "state.sqlite").exists()


def test_tickets_without_an_itsm_lists_nothing_and_says_so(home, tmp_path):
    env = {**cli_env(home, tmp_path), "HELPDESK_POLICY": str(tmp_path / "empty.toml")}
    (tmp_path / "empty.toml").write_text("")
    result = run_cli(["tickets"], env)
    assert result.returncode == 0 and result.stdout.strip() == "No tickets yet."


def test_killed_after_rt_accepted_a_batch_then_restarted_sends_each_once(
        home, tmp_path, write_policy, rt_url, logged_in):
    """Tickets queued offline go to RT as one bulk request; the process dies right after
    RT accepted it, before the outbox heard. The restart finds every one by its key."""
    down = f"http://127.0.0.1:{_free_port()}"
    stored = json.loads((tmp_path / "test-keyring.json").read_text())
    stored[f"helpdesk-assistant:{down}\nroot"] = "password"
    (tmp_path / "test-keyring.json").write_text(json.dumps(stored))
    write_policy("rt", down)
    (home / "itsm_account.json").write_text(json.dumps({"url": down, "username": "root"}))
    for n in range(3):
        queued = run_cli(["ticket", "new", "--subject", f"Batch {n}", "--description", "D",
                          "--json"], logged_in)
        assert json.loads(queued.stdout)["status"] == "queued"

    write_policy("rt", rt_url)
    (home / "itsm_account.json").write_text(json.dumps({"url": rt_url, "username": "root"}))
    crashed = run_cli(["ticket", "send"], {**logged_in, "HELPDESK_ITSM_CRASH_AT": "after_send"})
    assert crashed.returncode == 137
    with sqlite3.connect(home / "state.sqlite") as db:
        keys = [k for k, in db.execute("SELECT key FROM itsm_outbox WHERE state = 'queued'")]
    assert len(keys) == 3
    assert [len(rt_tickets_with_key(rt_url, k)) for k in keys] == [1, 1, 1]   # RT has them

    restarted = run_cli(["ticket", "send", "--json"], logged_in)
    assert restarted.returncode == 0, restarted.stderr
    assert [len(rt_tickets_with_key(rt_url, k)) for k in keys] == [1, 1, 1]
    assert json.loads(restarted.stdout)["queued"] == 0
