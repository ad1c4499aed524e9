"""The admin dashboard: login, figures, charts, CSV, and a real browser rendering it."""
from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sync_server.auth import create_token
from tests.server.harness import LiveServer
from tests.server.test_stats import batch
from tests.services import require_service

SCREENSHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"


def seed(harness, installs: int = 6) -> None:
    from tests.security.test_server_inputs import tiny_snapshot

    snapshot = tiny_snapshot(harness.storage.parent / "seed-kb.sqlite", {"printer-jam": "article"}, teams=("printing",))
    harness.publish(snapshot, version=1)          # statistics count only ids a published snapshot has
    for n in range(installs):
        body = batch("how do i frobnicate the plotter", dialogues=n + 2)
        body["days"][0]["day"] = (datetime.now(timezone.utc).date() - timedelta(days=n)).isoformat()
        harness.client.post("/v1/stats/batches", json=body, headers=harness.enrol())


def sign_in(harness, token: str):
    return harness.client.post("/admin/login", content=f"token={token}", follow_redirects=False,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_dashboard_needs_a_stats_token(server):
    assert "Sign in" in server.client.get("/admin").text
    assert sign_in(server, "hda_nope").status_code == 401
    assert sign_in(server, server.device_token).status_code == 401
    assert sign_in(server, server.install_token).status_code == 401
    publisher = create_token(server.db, "admin", ["publish"], label="publisher")
    assert sign_in(server, publisher).status_code == 401
    assert "Dialogues per day" not in server.client.get("/admin").text


def test_dashboard_shows_figures_charts_gaps_and_exports_csv(server):
    seed(server)
    reply = sign_in(server, server.admin_token)
    assert reply.status_code == 303 and "httponly" in reply.headers["set-cookie"].lower()
    page = server.client.get("/admin")
    assert "script-src" not in page.headers["content-security-policy"]
    html = page.text
    assert "<svg" in html and "Dialogues per day" in html and "Comprehension rate per day" in html
    assert ">75%<" in html                                   # 3 understood of 4 questions
    assert "how do i frobnicate the plotter" in html and "printer-jam" in html
    csv = server.client.get("/v1/admin/stats.csv")           # the session cookie is enough
    assert csv.status_code == 200 and csv.text.count("\n") == 31
    server.client.post("/admin/logout")
    assert "Sign in" in server.client.get("/admin").text
    assert server.client.get("/v1/admin/stats.csv").status_code == 401


def test_dashboard_renders_in_headless_chromium(server, tmp_path):
    chromium = require_service("HELPDESK_TEST_CHROMIUM", "Chromium")
    seed(server)
    from fastapi.responses import HTMLResponse

    page = f"""<form method=post action="/admin/login"><input name=token value="{server.admin_token}"></form>
        <script>document.forms[0].submit()</script>"""       # served by the server itself: sign-in is same-origin only
    server.app.app.add_api_route("/test-sign-in", lambda: HTMLResponse(page), include_in_schema=False)
    with LiveServer(server) as live:
        login = f"{live.url}/test-sign-in"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "dashboard.png"
        shot.unlink(missing_ok=True)
        common = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                  "--window-size=1400,1100", "--virtual-time-budget=8000"]
        dom = subprocess.run(common + ["--dump-dom", login], capture_output=True, text=True, timeout=90)
        subprocess.run(common + [f"--screenshot={shot}", login], capture_output=True, timeout=90)
    assert "Comprehension rate per day" in dom.stdout, dom.stderr[-2000:]
    assert "how do i frobnicate the plotter" in dom.stdout
    assert shot.exists() and shot.stat().st_size > 20_000


def form(harness, path: str, **fields):
    from urllib.parse import urlencode

    return harness.client.post(path, content=urlencode(fields), follow_redirects=False,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})


def test_admins_post_banners_and_open_slots_from_the_dashboard(server):
    from datetime import datetime, timedelta, timezone

    def minute(hours: float) -> str:
        return (datetime.now(timezone.utc) + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")

    assert "manage scope" in server.client.get("/admin/board").text
    sign_in(server, server.admin_token)
    posted = form(server, "/admin/board/announcements", title="VPN outage", body="Working on it",
                  starts_at=minute(-1), ends_at=minute(2), teams="network")
    assert posted.status_code == 303
    banners = server.client.get("/v1/announcements", headers=server.device).json()
    assert [b["title"] for b in banners] == ["VPN outage"] and banners[0]["teams"] == ["network"]
    assert form(server, "/admin/board/slots", starts_at=minute(24), ends_at=minute(25), capacity="3",
                team="workplace", location="Desk 2").status_code == 303
    assert server.client.get("/v1/slots", headers=server.device).json()[0]["remaining"] == 3
    refused = form(server, "/admin/board/slots", starts_at=minute(5), ends_at=minute(4), capacity="2")
    assert refused.status_code == 422 and "ends_at must be after starts_at" in refused.text
    page = server.client.get("/admin/board").text
    assert "VPN outage" in page and "0 / 3" in page
    form(server, f"/admin/board/announcements/{banners[0]['id']}/end")
    assert server.client.get("/v1/announcements", headers=server.device).json() == []


def test_gap_report_exports_as_csv(server):
    seed(server)
    reply = server.client.get("/v1/admin/stats.csv?table=gaps", headers=server.admin)
    assert reply.text.splitlines() == ["question,installs,asked", "how do i frobnicate the plotter,6,6"]
    assert "helpdesk-gaps.csv" in reply.headers["content-disposition"]
    assert server.client.get("/v1/admin/stats.csv?table=users", headers=server.admin).status_code == 422
