"""Every failure has one JSON shape and no stack trace; limits answer before endpoints."""
from __future__ import annotations

from fastapi.testclient import TestClient

from sync_server.migrations import MIGRATIONS, applied_migrations, migrate
from tests.server.harness import make_harness


def assert_error(reply, status: int, code: str, text: str = "") -> None:
    assert reply.status_code == status, reply.text
    body = reply.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and text in body["error"]["message"]
    assert "Traceback" not in reply.text


def test_unknown_endpoint_and_method(server):
    assert_error(server.client.get("/v1/nothing"), 404, "not_found", "no such endpoint: GET /v1/nothing")
    assert_error(server.client.delete("/v1/slots", headers=server.device), 405, "method_not_allowed")


def test_validation_errors_name_the_field(server):
    reply = server.client.post("/v1/admin/slots", headers=server.admin, json={"capacity": 0})
    assert_error(reply, 422, "invalid", "capacity")
    assert_error(server.client.post("/v1/stats/batches", headers=server.device, content=b"{not json",
                                    ), 422, "invalid")


def test_oversized_request_is_refused_unread(server):
    reply = server.client.post("/v1/stats/batches", headers=server.device, content=b"x" * (2 << 20))
    assert_error(reply, 413, "too_large", "larger than 1048576 bytes")


def test_unexpected_failure_shows_no_stack_trace(server, monkeypatch):
    from sync_server import routes_board

    monkeypatch.setattr(routes_board, "_now", lambda: 1 / 0)
    assert_error(server.client.get("/v1/slots", headers=server.device), 500, "internal",
                 "internal error; the server log has the details")


def test_rate_limit_answers_429_with_retry_after(tmp_path):
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "st", rate=0.01, burst=3)
    replies = [harness.client.get("/healthz") for _ in range(5)]
    assert [r.status_code for r in replies] == [200, 200, 200, 429, 429]
    assert_error(replies[-1], 429, "rate_limited")
    assert int(replies[-1].headers["retry-after"]) >= 1


def test_migrations_are_named_recorded_and_applied_once(any_server):
    db = any_server.db
    assert applied_migrations(db) == [name for name, _ in MIGRATIONS]
    assert migrate(db) == []
    with db.transaction(write=False) as tx:
        assert tx.one("SELECT COUNT(*) FROM _migrations")[0] == len(MIGRATIONS)


def test_a_failing_migration_leaves_nothing_half_done(tmp_path, monkeypatch):
    from sync_server import migrations
    from sync_server.db import Database

    db = Database(f"sqlite:///{tmp_path / 'm.sqlite'}")
    broken = migrations.MIGRATIONS[:1] + [("0002_broken", ["CREATE TABLE half (x INTEGER)", "NOT SQL"])]
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    try:
        migrate(db)
    except Exception:  # noqa: BLE001 - the SQL error itself is not the point
        pass
    assert applied_migrations(db) == ["0001_tokens_and_keys"]
    with db.transaction(write=False) as tx:
        assert tx.one("SELECT name FROM sqlite_master WHERE name = 'half'") is None


def test_health_check(server):
    assert TestClient(server.app).get("/healthz").json() == {"status": "ok"}


def test_publishers_are_not_rate_limited_but_others_on_admin_paths_are(tmp_path):
    harness = make_harness(f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "st", rate=0.01, burst=3)
    publisher = [harness.client.post("/v1/admin/chunks/missing", json={"chunks": []}, headers=harness.admin)
                 for _ in range(10)]
    assert {r.status_code for r in publisher} == {200}
    strangers = [harness.client.post("/v1/admin/chunks/missing", json={"chunks": []},
                                     headers={"Authorization": "Bearer hda_guess"}) for _ in range(5)]
    assert [r.status_code for r in strangers][-1] == 429
