"""Hostile input to the sync server: bad bytes, huge numbers, poisoned statistics,
spreadsheet formulas and forged admin forms get a clear 4xx, never a 500 or a lie."""
from __future__ import annotations

import csv
import io
import json
import secrets
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.server.conftest import any_server, database_url, server  # noqa: F401 - fixtures
from tests.server.test_error_shape import assert_error

STATS = "/v1/stats/batches"
FORMULA = '=HYPERLINK("http://evil.example","Open report")'



def counted(rows: list[dict]) -> list[dict]:
    """Id and count of each row of a top list (the title comes from the snapshot)."""
    return [{"id": row["id"], "count": row["count"]} for row in rows]

def today() -> datetime:
    return datetime.now(timezone.utc)


def day(offset: int = 0) -> str:
    return (today().date() + timedelta(days=offset)).isoformat()


def batch(counters: dict | None = None, unanswered: dict | None = None, when: str | None = None) -> dict:
    return {"batch_id": secrets.token_hex(16),
            "days": [{"day": when or day(), "counters": counters or {}, "unanswered": unanswered or {}}]}


def tiny_snapshot(path: Path, entries: dict[str, str], teams: tuple[str, ...] = ()) -> Path:
    """A snapshot file with just the tables the server reads: entry ids and teams."""
    db = sqlite3.connect(path)
    db.executescript("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                     "CREATE TABLE entries (id TEXT PRIMARY KEY, kind TEXT NOT NULL, team TEXT);")
    db.execute("INSERT INTO meta VALUES ('teams', ?)", (json.dumps({t: t.title() for t in teams}),))
    db.executemany("INSERT INTO entries VALUES (?, ?, NULL)", entries.items())
    db.commit()
    db.close()
    return path


def post(harness, body: dict, install: dict | None = None):
    return harness.client.post(STATS, json=body, headers=install or harness.install)


def report(harness) -> dict:
    return harness.client.get("/v1/admin/stats", headers=harness.admin).json()


# -- 1. bad bytes and huge numbers: 4xx in the one error shape, on SQLite and PostgreSQL ------------------

def _slot(harness) -> int:
    start = today() + timedelta(days=2)
    reply = harness.client.post("/v1/admin/slots", headers=harness.admin, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 3})
    assert reply.status_code == 201, reply.text
    return reply.json()["id"]


def test_a_nul_byte_in_any_text_is_a_4xx_and_the_install_is_not_stuck(any_server):
    for body in (batch(unanswered={"printer\x00broken": 1}), batch(counters={"article_used": {"a\x00b": 1}})):
        reply = post(any_server, body)
        assert reply.status_code < 500, reply.text
        if reply.status_code >= 400:
            assert_error(reply, 422, "invalid")
    assert post(any_server, batch(counters={"dialogue_started": {"": 2}})).status_code == 200
    assert report(any_server)["totals"]["dialogues"] == 2
    start = today() + timedelta(days=1)
    banner = {"title": "Mail\x00down", "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat()}
    assert_error(any_server.client.post("/v1/admin/announcements", headers=any_server.admin, json=banner),
                 422, "invalid", "title")
    slot = _slot(any_server)
    assert_error(any_server.client.post(f"/v1/slots/{slot}/bookings", headers=any_server.install,
                                        json={"contact": "jean\x00@acme.example"}), 422, "invalid", "contact")
    assert_error(any_server.client.post("/v1/admin/slots", headers=any_server.admin, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 1,
        "location": "Desk\x002"}), 422, "invalid", "location")


def test_huge_numbers_are_a_4xx(any_server):
    huge = 2 ** 63
    assert_error(any_server.client.post(f"/v1/slots/{huge}/bookings", headers=any_server.install,
                                        json={"contact": "x@acme.example"}), 422, "invalid")
    assert_error(any_server.client.post(f"/v1/bookings/{huge}/cancel", headers=any_server.install,
                                        json={"cancel_code": "x"}), 422, "invalid")
    assert_error(any_server.client.delete(f"/v1/admin/announcements/{huge}", headers=any_server.admin),
                 422, "invalid")
    assert_error(any_server.client.get(f"/v1/admin/slots/{huge}/bookings", headers=any_server.admin),
                 422, "invalid")
    reply = any_server.client.post(STATS, headers={**any_server.install, "Content-Type": "application/json"},
                                   content=json.dumps(batch(counters={"dialogue_started": {"": 1}}))
                                   .replace('{"": 1}', '{"": 1e400}'))
    assert_error(reply, 422, "invalid")
    cookies_before = dict(any_server.client.cookies)
    any_server.client.post("/admin/login", content=f"token={any_server.admin_token}",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    reply = any_server.client.post(f"/admin/board/announcements/{huge}/end", follow_redirects=False)
    assert 400 <= reply.status_code < 500, reply.text
    any_server.client.cookies = cookies_before


@pytest.mark.parametrize("version", [2 ** 63, 10 ** 30, "1e400"])
def test_a_manifest_with_an_impossible_version_is_a_4xx(any_server, tmp_path, version):
    from dataclasses import replace

    from desktop.sync import manifest as mf

    published = any_server.publish(tiny_snapshot(tmp_path / "kb.sqlite", {"printer-jam": "article"}), version=5)
    if isinstance(version, int):
        envelope = mf.sign(replace(published, version=version), any_server.key)
    else:                               # not signable as a number: the text alone must not crash
        envelope = mf.sign(published, any_server.key).replace(b'"version": 5', b'"version": ' + version.encode())
    reply = any_server.client.put("/v1/admin/kbs/acme-it/manifest", content=envelope, headers=any_server.admin)
    assert_error(reply, 422, "invalid_manifest")


# -- 3. CSV exports: no cell a spreadsheet would run as a formula --------------------------------------------

@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(server, lead):
    installs = [server.enrol() for _ in range(5)]
    question = lead + 'HYPERLINK("http://evil.example","Open report")'
    for install in installs:
        assert post(server, batch(counters={"question_not_understood": {"": 1}}, unanswered={question: 1}),
                    install).status_code == 200
    reply = server.client.get("/v1/admin/stats.csv?table=gaps", headers=server.admin)
    rows = list(csv.reader(io.StringIO(reply.text)))
    cells = [cell for row in rows[1:] for cell in row]
    assert rows[0] == ["question", "installs", "asked"] and len(rows) == 2
    assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells), cells
    assert rows[1][0].startswith("'" + lead) and "hyperlink" in rows[1][0]
    assert rows[1][1:] == ["5", "5"]                   # numbers stay numbers


# -- 4. the admin pages: no forged form, no login CSRF, Secure cookies over https ----------------------------

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def sign_in(harness, **headers):
    return harness.client.post("/admin/login", content=f"token={harness.admin_token}", follow_redirects=False,
                               headers={**FORM, **headers})


def new_banner(harness, title: str, **headers):
    start = (today() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    end = (today() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    return harness.client.post("/admin/board/announcements", follow_redirects=False, headers={**FORM, **headers},
                               content=f"title={title}&starts_at={start}&ends_at={end}")


def banners(harness) -> list[str]:
    with harness.db.transaction(write=False) as tx:
        return [row[0] for row in tx.all("SELECT title FROM announcements ORDER BY id")]


@pytest.mark.parametrize("forged", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                    {"Referer": "http://evil.example/page.html"},
                                    {"Origin": "https://testserver"}])      # same host, other scheme
def test_a_form_posted_from_another_site_is_refused_even_with_the_session(server, forged):
    assert sign_in(server).status_code == 303
    assert_error(new_banner(server, "Forged", **forged), 403, "cross_site")
    start = today() + timedelta(days=1)
    reply = server.client.post("/v1/admin/slots", headers=forged, json={
        "starts_at": start.isoformat(), "ends_at": (start + timedelta(hours=1)).isoformat(), "capacity": 1})
    assert_error(reply, 403, "cross_site")                                  # the JSON API on the cookie too
    assert_error(server.client.post("/admin/logout", headers=forged), 403, "cross_site")
    assert new_banner(server, "Genuine", Origin="http://testserver").status_code == 303
    assert new_banner(server, "Scripted").status_code == 303              # no Origin, no Referer: not a browser
    assert banners(server) == ["Genuine", "Scripted"]


def test_no_login_csrf(server):
    reply = sign_in(server, Origin="http://evil.example")
    assert_error(reply, 403, "cross_site")
    assert "set-cookie" not in reply.headers
    assert sign_in(server, Origin="http://testserver").status_code == 303


def test_session_cookie_is_secure_when_the_request_came_over_https(tmp_path):
    from fastapi.testclient import TestClient

    from tests.server.harness import make_harness

    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "st", rate=0)
    assert "secure" not in sign_in(harness).headers["set-cookie"].lower()
    harness.client = TestClient(harness.app, base_url="https://testserver", raise_server_exceptions=False)
    cookie = sign_in(harness, Origin="https://testserver").headers["set-cookie"].lower()
    assert "; secure" in cookie and "httponly" in cookie
    harness.db.close()


# -- 2. statistics count only what a real install could have counted -----------------------------------------

def published_kb(harness, tmp_path: Path) -> None:
    """Version 1 has an article that version 2 retired: both still count."""
    harness.publish(tiny_snapshot(tmp_path / "v1.sqlite", {"old-article": "article", "printer-jam": "article"}), 1)
    harness.publish(tiny_snapshot(tmp_path / "v2.sqlite", {"printer-jam": "article", "vpn-fix": "tree"},
                                  teams=("printing",)), 2)


def test_counter_keys_must_be_ids_of_a_published_snapshot(any_server, tmp_path):
    published_kb(any_server, tmp_path)
    reply = post(any_server, batch(counters={
        "article_used": {FORMULA: 999, "printer-jam": 2, "old-article": 1, "never-published": 3},
        "tree_used": {"vpn-fix": 1, FORMULA: 1}, "ticket_created": {"printing": 1, "evil": 1},
        "dialogue_started": {"": 1, FORMULA: 7}, "feedback_helpful": {"vpn-fix": 1, "x\u202e": 1}}))
    assert reply.status_code == 200 and reply.json()["ignored"] == 999 + 3 + 1 + 1 + 7 + 1
    data = report(any_server)
    assert counted(data["top_articles"]) == [{"id": "printer-jam", "count": 2}, {"id": "old-article", "count": 1}]
    assert counted(data["top_trees"]) == [{"id": "vpn-fix", "count": 1}]
    assert data["tickets_by_team"] == [{"id": "printing", "count": 1}]
    assert data["totals"]["dialogues"] == 1 and data["totals"]["helpful"] == 1
    csv_text = any_server.client.get("/v1/admin/stats.csv?table=articles", headers=any_server.admin).text
    assert "HYPERLINK" not in csv_text


def test_rows_poisoned_before_the_check_no_longer_show(server, tmp_path):
    published_kb(server, tmp_path)
    with server.db.transaction() as tx:                      # what the old server stored
        tx.execute_many("INSERT INTO stats_daily (day, metric, key, count) VALUES (?, ?, ?, ?)",
                        [(day(), "article_used", FORMULA, 999_999), ("9999-12-31", "article_used", "printer-jam", 50),
                         (day(), "article_used", "printer-jam", 2), (day(), "dialogue_started", FORMULA, 10 ** 9)])
    data = report(server)
    assert counted(data["top_articles"]) == [{"id": "printer-jam", "count": 2}] and data["totals"]["dialogues"] == 0


def test_only_recent_days_by_the_servers_clock_are_counted(any_server, tmp_path):
    published_kb(any_server, tmp_path)
    body = batch()
    body["days"] = [{"day": when, "counters": {"dialogue_started": {"": 10}, "article_used": {"printer-jam": 1}},
                     "unanswered": {"how do i frobnicate": 1}}
                    for when in ("9999-12-31", day(2), day(-45), day(-31), day(-30), day(-1), day())]
    reply = post(any_server, body)
    assert reply.status_code == 200 and reply.json()["ignored"] == 4 * 12
    with any_server.db.transaction(write=False) as tx:
        stored = sorted({row[0] for row in tx.all("SELECT day FROM stats_daily")} |
                        {row[0] for row in tx.all("SELECT day FROM stats_questions")})
    assert stored == [day(-30), day(-1), day()]
    data = any_server.client.get("/v1/admin/stats?days=366", headers=any_server.admin).json()
    assert data["totals"]["dialogues"] == 30 and counted(data["top_articles"]) == [{"id": "printer-jam", "count": 3}]


def test_counts_are_capped_per_key_and_per_batch(any_server, tmp_path, monkeypatch):
    from sync_server import routes_stats

    published_kb(any_server, tmp_path)
    assert_error(post(any_server, batch(counters={"article_used": {"printer-jam": 999_999}})), 422, "invalid",
                 "less than or equal to")
    monkeypatch.setattr(routes_stats, "MAX_BATCH_TOTAL", 100)
    body = batch()
    body["days"] = [{"day": day(-n), "counters": {"dialogue_started": {"": 30}}, "unanswered": {}} for n in range(4)]
    reply = post(any_server, body)                            # more than any install counts: none of it counts
    assert reply.status_code == 200 and reply.json()["ignored"] == 120
    assert report(any_server)["totals"]["dialogues"] == 0
    body["days"], body["batch_id"] = body["days"][:3], secrets.token_hex(16)
    assert post(any_server, body).status_code == 200 and report(any_server)["totals"]["dialogues"] == 90


def test_ids_of_snapshots_published_before_the_upgrade_are_read_at_start_up(server, tmp_path):
    from sync_server.app import Settings, asgi

    published_kb(server, tmp_path)
    with server.db.transaction() as tx:                      # as if published by the old server
        tx.execute("DELETE FROM published_ids")
        tx.execute("DELETE FROM published_scanned")
    restarted = asgi(Settings(database_url=server.db.url, storage=server.storage, rate=0))
    with restarted.app.state.db.transaction(write=False) as tx:
        assert {row[0] for row in tx.all("SELECT id FROM published_ids")} == {
            "old-article", "printer-jam", "vpn-fix", "printing"}
    restarted.app.state.db.close()


def test_the_server_keeps_no_question_that_still_looks_personal(server):
    """A client that does not scrub (old, or forged) cannot make the server keep a typed password."""
    installs = [server.enrol() for _ in range(5)]
    for install in installs:
        assert post(server, batch(counters={"question_not_understood": {"": 1}},
                                  unanswered={"my password is Hunter2!x and vpn fails": 1,
                                              "printer on floor 3 jams": 1}), install).status_code == 200
    rows = list(csv.reader(io.StringIO(server.client.get("/v1/admin/stats.csv?table=gaps",
                                                          headers=server.admin).text)))
    questions = [row[0] for row in rows[1:]]
    assert questions == ["printer on floor 3 jams"], questions
