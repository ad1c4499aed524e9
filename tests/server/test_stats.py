"""The statistics report: counted once, questions shown only from 5 installs on."""
from __future__ import annotations

import secrets
from datetime import datetime, timezone

import pytest


def batch(question: str | None = None, dialogues: int = 1, batch_id: str | None = None) -> dict:
    day = {"day": datetime.now(timezone.utc).date().isoformat(), "counters": {
        "dialogue_started": {"": dialogues}, "question_understood": {"": 3},
        "question_not_understood": {"": 1}, "article_used": {"printer-jam": 2},
        "feedback_helpful": {"printer-jam": 1}, "ticket_created": {"printing": 1}}, "unanswered": {}}
    if question:
        day["unanswered"][question] = 1
    return {"batch_id": batch_id or secrets.token_hex(16), "days": [day]}


def test_same_batch_twice_counts_once(any_server):
    body = batch(dialogues=4)
    first = any_server.client.post("/v1/stats/batches", json=body, headers=any_server.install)
    again = any_server.client.post("/v1/stats/batches", json=body, headers=any_server.install)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    totals = any_server.client.get("/v1/admin/stats", headers=any_server.admin).json()["totals"]
    assert totals["dialogues"] == 4 and totals["comprehension_rate"] == 0.75


def test_unanswered_question_shown_only_once_five_installs_asked(any_server):
    installs = [any_server.enrol() for _ in range(5)]
    for install in installs[:4]:
        any_server.client.post("/v1/stats/batches", json=batch("how to frobnicate"), headers=install)
    any_server.client.post("/v1/stats/batches", json=batch("how to frobnicate"), headers=installs[0])
    report = any_server.client.get("/v1/admin/stats", headers=any_server.admin).json()
    assert report["gaps"] == [] and report["gaps_hidden"] == 1
    any_server.client.post("/v1/stats/batches", json=batch("how to frobnicate"), headers=installs[4])
    report = any_server.client.get("/v1/admin/stats", headers=any_server.admin).json()
    assert report["gaps"] == [{"question": "how to frobnicate", "installs": 5, "asked": 6}]


def test_server_scrubs_questions_again(server):
    server.client.post("/v1/stats/batches", json=batch("mail boss@acme.com now"), headers=server.install)
    with server.db.transaction(write=False) as tx:
        assert tx.all("SELECT text FROM stats_questions") == [("mail <email> now",)]


@pytest.mark.parametrize("mutate, field", [
    (lambda b: b.update(install_id="jean.dupont"), "install_id"),
    (lambda b: b["days"][0]["counters"].update(keystrokes={"": 1}), "counters.keystrokes"),
    (lambda b: b["days"][0]["counters"]["dialogue_started"].update({"": -5}), "greater than or equal to 0"),
    (lambda b: b["days"][0].update(day="yesterday"), "days.0.day"),
    (lambda b: b["days"][0]["unanswered"].update({"x" * 201: 1}), "at most 200 characters"),
])
def test_malformed_batches_are_refused_naming_the_field(server, mutate, field):
    body = batch()
    mutate(body)
    reply = server.client.post("/v1/stats/batches", json=body, headers=server.install)
    assert reply.status_code == 422 and field in reply.json()["error"]["message"]


def test_csv_export_has_one_row_per_day(server):
    server.client.post("/v1/stats/batches", json=batch(dialogues=7), headers=server.install)
    reply = server.client.get("/v1/admin/stats.csv?days=7", headers=server.admin)
    lines = reply.text.strip().splitlines()
    assert reply.headers["content-type"].startswith("text/csv")
    assert lines[0].startswith("day,dialogues,interactions") and len(lines) == 8
    assert lines[-1].startswith(f"{datetime.now(timezone.utc).date().isoformat()},7,4,3,1")


def test_old_batch_ids_are_forgotten_but_recent_ones_still_deduplicate(server):
    from datetime import datetime, timedelta, timezone

    from sync_server.routes_stats import prune_batch_ids

    body = batch()
    server.client.post("/v1/stats/batches", json=body, headers=server.install)
    assert prune_batch_ids(server.db) == 0
    assert server.client.post("/v1/stats/batches", json=body, headers=server.install).json()["duplicate"]
    assert prune_batch_ids(server.db, now=datetime.now(timezone.utc) + timedelta(days=46)) == 1
