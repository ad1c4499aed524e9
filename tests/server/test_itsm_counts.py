"""The share of helpdesk tickets the assistant files: all tickets counted in the real Request
Tracker with TicketSQL, per month and team, next to the assistant's own counts; an RT that
answers nonsense or not at all shows as "not read", never as a broken dashboard."""
from __future__ import annotations

import json
import secrets
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import requests

from sync_server.itsm_counts import RtTicketCounts, month_bounds, ticket_share
from tests.server.harness import make_harness
from tests.server.test_dashboard import sign_in
from tests.services import require_service

RT_ADMIN = ("root", "password")


@pytest.fixture(scope="module")
def rt_queue() -> tuple[str, str, date]:
    """A new RT queue with three tickets in it: (RT address, queue name, the day they were created)."""
    rt = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    queue = f"Counted {secrets.token_hex(3)}"
    made = requests.post(f"{rt}/REST/2.0/queue", auth=RT_ADMIN, json={"Name": queue}, timeout=30)
    assert made.status_code == 201, made.text
    for n in range(3):
        ticket = requests.post(f"{rt}/REST/2.0/ticket", auth=RT_ADMIN, timeout=30,
                               json={"Queue": queue, "Subject": f"counted {n}", "Content": "from the phone line"})
        assert ticket.status_code == 201, ticket.text
    created = requests.get(f"{rt}/REST/2.0/ticket/{ticket.json()['id']}", auth=RT_ADMIN, timeout=30).json()["Created"]
    return rt, queue, date.fromisoformat(created[:10])


def test_all_tickets_are_counted_in_rt_next_to_the_assistants(rt_queue, tmp_path):
    rt, queue, created = rt_queue
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "storage")
    with harness.db.transaction() as tx:                 # the assistant filed one ticket for that team that month
        tx.execute("INSERT INTO stats_daily (day, metric, key, count) VALUES (?, 'ticket_created', 'printing', 1)",
                   (created.isoformat(),))
    counter = RtTicketCounts(rt, require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker"), {"printing": queue})
    share = ticket_share(harness.db, counter, created, months=2)
    this_month = [r for r in share["rows"] if r["month"] == created.strftime("%Y-%m")]
    assert share["problem"] == ""
    assert this_month == [{"month": created.strftime("%Y-%m"), "team": "printing", "queue": queue, "all": 3,
                           "assistant": 1, "share": round(1 / 3, 4)}]
    assert [r["all"] for r in share["rows"] if r["month"] != created.strftime("%Y-%m")] == [0]


def test_the_dashboard_shows_the_share_when_rt_is_configured(rt_queue, tmp_path, monkeypatch):
    rt, queue, _ = rt_queue
    monkeypatch.setenv("HELPDESK_RT_TOKEN", require_service("HELPDESK_TEST_RT_TOKEN", "Request Tracker"))
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "storage", rt_url=rt,
                           rt_teams={"printing": queue})
    sign_in(harness, harness.admin_token)
    page = harness.client.get("/admin").text
    table = page.split("id=itsm-share>")[1].split("</table>")[0]
    assert f"<td>printing</td><td>{queue}</td>" in table and "not read" not in table
    assert "could not be read" not in page


class _Hostile(BaseHTTPRequestHandler):
    replies = [json.dumps({"total": "lots"}).encode(), b"{" * 300_000, json.dumps({"total": -5}).encode()]

    def do_GET(self):  # noqa: N802 - http.server's name
        body = self.replies[self.server.calls % len(self.replies)]
        self.server.calls += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_reply_that_is_not_a_count_shows_as_not_read(tmp_path):
    server = HTTPServer(("127.0.0.1", 0), _Hostile)
    server.calls = 0
    threading.Thread(target=server.serve_forever, daemon=True).start()
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "storage")
    try:
        for _ in range(3):
            counter = RtTicketCounts(f"http://127.0.0.1:{server.server_port}", "secret-token", {"printing": "P"})
            share = ticket_share(harness.db, counter, date(2026, 3, 15), months=2)
            assert share["problem"] == "Request Tracker did not give a ticket count"
            assert [r["all"] for r in share["rows"]] == [None, None]
            assert "secret-token" not in json.dumps(share)
    finally:
        server.shutdown()
    assert month_bounds("2026-12") == ("2026-12-01", "2027-01-01")
