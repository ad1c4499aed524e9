"""The whole loop on SQLite and on real PostgreSQL: publish, sync, report, patch."""
from __future__ import annotations

from desktop.policy import parse_policy
from desktop.sync import manifest as mf
from desktop.sync.installer import SnapshotInstaller
from desktop.sync.service import sync_once
from desktop.sync.stats import UsageStats
from tests.server.harness import LiveServer
from tests.sync.snapshots import article_text, make_snapshot


def test_publish_sync_and_statistics_round_trip(any_server, tmp_path, monkeypatch):
    v1 = make_snapshot(tmp_path / "v1.sqlite", articles=60)
    v2 = make_snapshot(tmp_path / "v2.sqlite", articles=60, changed={7: article_text(7, salt="new")})
    any_server.app.app.state.patches.history = 3
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", any_server.device_token)
    installer = SnapshotInstaller(tmp_path / "home" / "current.sqlite")
    with LiveServer(any_server) as live:
        policy = parse_policy({"sync": {"url": live.url, "kb": "acme-it",
                                        "public_key": mf.public_key_text(any_server.key.verify_key)}})
        any_server.publish(v1, version=1)
        assert sync_once(policy, installer=installer).method == "chunks"
        any_server.publish(v2, version=2)
        assert sync_once(policy, installer=installer).method == "server-patch"
        assert sync_once(policy, installer=installer).method == "unchanged"
        stats = UsageStats(tmp_path / "state.sqlite", names=[])
        stats.dialogue_started()
        stats.question(understood=False, text="where is the frobnicator")
        from desktop.sync.credentials import call_as_install
        assert call_as_install(policy, stats.upload) == 1      # enrols this install first
    assert installer.target.read_bytes() == v2.read_bytes()
    report = any_server.client.get("/v1/admin/stats?days=1", headers=any_server.admin).json()
    assert report["totals"]["dialogues"] == 1 and report["gaps_hidden"] == 1
