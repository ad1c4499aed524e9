"""What the command line and the window agree on: a ticket filed with `ticket new` records
the knowledge-base version in use; ticket bodies reach the helpdesk as plain text; the
`tickets` list uses the same status words and the ITSM's own last-update time, and says
when it is the stored list because the helpdesk cannot be reached; a helpdesk reply in
Request Tracker is read back as the conversation."""
from __future__ import annotations

import json
import sqlite3
import time
import uuid

import pytest

from desktop.engine.snapshot import connect
from desktop.itsm import BackendConfig, Credential, Ticket
from desktop.itsm.model import STATUS_WORDS, plain_text, status_words
from desktop.itsm.rt import RtBackend
from desktop.itsm.times import as_of_text, local_time
from tests.itsm.conftest import REPO, kb_teams, run_cli
from tests.itsm.test_rt_conversation import agent_session

SNAPSHOT = REPO / "build" / "sample_kb.sqlite"


def _rt_body(rt_admin, rt_url, ticket_id) -> str:
    parts = rt_admin.get(f"{rt_url}/REST/2.0/ticket/{ticket_id}/attachments", timeout=30,
                         params={"fields": "Content,ContentType,Filename"}).json()["items"]
    return next(p["Content"] for p in parts if p["ContentType"] == "text/plain" and not p["Filename"])


def test_ticket_from_the_command_line_records_the_knowledge_base_version(logged_in, rt_url, rt_admin):
    db, info = connect(SNAPSHOT)
    db.close()
    result = run_cli(["ticket", "new", "--subject", "Printer offline", "--description", "Since 9 am",
                      "--json"], logged_in)
    assert result.returncode == 0, result.stderr
    body = _rt_body(rt_admin, rt_url, json.loads(result.stdout)["id"])
    assert f"Knowledge base version: {info.version}" in body
    assert "Knowledge base version: unknown" not in body


def test_ticket_body_reaches_rt_as_plain_text_without_markdown_markers(rt_url, rt_admin):
    rt = RtBackend(BackendConfig("rt", rt_url), Credential("root", "password"))
    ticket = Ticket(subject=f"VPN {uuid.uuid4().hex[:6]}", queue=kb_teams()["network"],
                    description="**VPN** drops every `10` minutes",
                    dialogue=(("user", "vpn drops"),
                              ("assistant", "Shown: **VPN keeps dropping** — see [the guide](https://vpn.example/help)")))
    ref = rt.create_ticket(ticket, uuid.uuid4().hex)
    body = _rt_body(rt_admin, rt_url, ref.id)
    assert "**" not in body and "`" not in body and "](" not in body
    assert "VPN drops every 10 minutes" in body
    assert "Shown: VPN keeps dropping — see the guide (https://vpn.example/help)" in body


@pytest.mark.parametrize("markdown, plain", [
    ("**Restart** the printer", "Restart the printer"),
    ("Open __Settings__ then *Wi-Fi*", "Open Settings then Wi-Fi"),
    ("# Steps\n* unplug\n* wait", "Steps\n- unplug\n- wait"),
    ("Run `ipconfig /renew`", "Run ipconfig /renew"),
    ("snake_case_name and 2*3*4 stay", "snake_case_name and 2*3*4 stay"),
])
def test_markdown_becomes_plain_text(markdown, plain):
    assert plain_text(markdown) == plain


def test_tickets_command_uses_the_window_words_and_the_itsm_last_update(logged_in, rt_url, home):
    filed = json.loads(run_cli(["ticket", "new", "--subject", "Screen flickers", "--description", "D",
                                "--json"], logged_in).stdout)
    agent_session(rt_url).post(f"{rt_url}/REST/2.0/ticket/{filed['id']}/correspond", timeout=30,
                               json={"Content": "Which screen model?", "ContentType": "text/plain"})
    updated = agent_session(rt_url).get(f"{rt_url}/REST/2.0/ticket/{filed['id']}", timeout=30).json()["LastUpdated"]
    listed = run_cli(["tickets"], logged_in)
    assert listed.returncode == 0, listed.stderr
    line = next(line for line in listed.stdout.splitlines() if "Screen flickers" in line)
    assert f"#{filed['id']}" in line and status_words("open") in line     # "in progress", as My tickets
    assert local_time(updated) in line                                   # RT's LastUpdated, local time
    assert "helpdesk unreachable" not in listed.stdout
    as_json = json.loads(run_cli(["tickets", "--json", "--offline"], logged_in).stdout)
    shown = next(t for t in as_json if t["id"] == filed["id"])
    assert shown["status_text"] == "in progress" and shown["helpdesk_replies"] == 1


def test_tickets_command_says_as_of_when_the_helpdesk_is_unreachable(logged_in, home, tmp_path, write_policy,
                                                                    rt_url):
    run_cli(["ticket", "new", "--subject", "Mouse lags", "--description", "D"], logged_in)
    assert "helpdesk unreachable" not in run_cli(["tickets"], logged_in).stdout
    with sqlite3.connect(home / "state.sqlite") as db:
        (ok_at,), = db.execute("SELECT ok_at FROM itsm_contact").fetchall()
    # The same installation, the ITSM now down (nothing listens on the port).
    policy = (tmp_path / "policy.toml")
    policy.write_text(policy.read_text().replace(rt_url, "http://127.0.0.1:9"))
    with sqlite3.connect(home / "state.sqlite") as db:       # the outbox knows the old URL's tickets
        db.execute("UPDATE itsm_outbox SET next_poll_at = 0")
    env = {**logged_in}
    # Root stays signed in (the test keyring file is keyed by the ITSM's URL).
    store = json.loads((tmp_path / "test-keyring.json").read_text())
    store[f"helpdesk-assistant:http://127.0.0.1:9\nroot"] = "password"
    (tmp_path / "test-keyring.json").write_text(json.dumps(store))
    (home / "itsm_account.json").write_text(json.dumps({"url": "http://127.0.0.1:9", "username": "root"}))
    listed = run_cli(["tickets"], env)
    assert listed.returncode == 0
    assert f"as of {as_of_text(ok_at)} (helpdesk unreachable)" in listed.stdout
    assert "Mouse lags" in listed.stdout


def test_every_status_has_words_and_open_reads_in_progress():
    assert status_words("open") == "in progress" and status_words("pending") == "waiting"
    assert set(STATUS_WORDS) >= {"queued", "failed", "new", "open", "pending", "resolved", "closed", "rejected"}


def test_as_of_is_the_clock_time_today_and_the_date_before():
    now = time.time()
    assert as_of_text(now) == time.strftime("%H:%M", time.localtime(now))
    assert as_of_text(now - 3 * 86400) == local_time(now - 3 * 86400)
