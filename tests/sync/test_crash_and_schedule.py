"""A sync killed at the worst moment, the command line, periodic sync and proxies."""
from __future__ import annotations

import http.server
import json
import os
import random
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from desktop.cli import main as desktop_main
from desktop.sync import manifest as mf
from desktop.sync.client import ServerRefused, ServerUnreachable
from desktop.sync.service import Scheduler, next_delay, sync_once

ROOT = Path(__file__).resolve().parents[2]
KILLER = """
import os, sys
from desktop.policy import load_policy
from desktop.sync import installer
from desktop.sync.service import sync_once
real_replace = os.replace
def die_before_swap(src, dst):
    if str(dst).endswith("current.sqlite"):
        os._exit(9)
    return real_replace(src, dst)
if sys.argv[1] == "before-swap":
    installer.os.replace = die_before_swap
else:
    installer._fsync_dir = lambda path: os._exit(9)
sync_once(load_policy())
"""


def write_policy(setup, tmp_path: Path) -> Path:
    policy = tmp_path / "policy.toml"
    key = mf.public_key_text(setup.harness.key.verify_key)
    policy.write_text(f'[sync]\nurl = "{setup.live.url}"\npublic_key = "{key}"\nkb = "acme-it"\n')
    return policy


@pytest.mark.parametrize("moment, expect_version", [("before-swap", 1), ("after-swap", 2)])
def test_process_killed_mid_swap_leaves_a_whole_snapshot(setup, tmp_path, moment, expect_version):
    setup.harness.publish(setup.v1, version=1)
    sync_once(setup.policy())
    setup.harness.publish(setup.v2, version=2, previous=[setup.v1])
    env = {**os.environ, "HELPDESK_POLICY": str(write_policy(setup, tmp_path)), "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILLER, moment], env=env, cwd=ROOT, timeout=60)
    assert killed.returncode == 9
    expected = setup.v1 if expect_version == 1 else setup.v2
    assert setup.current.read_bytes() == expected.read_bytes()
    assert setup.installer.installed().version == expect_version
    result = sync_once(setup.policy())          # the next run finishes the job
    assert result.version == 2 and setup.current.read_bytes() == setup.v2.read_bytes()
    assert not (setup.current.parent / "incoming.sqlite").exists()


def test_sync_command_reports_success_and_failure(setup, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HELPDESK_POLICY", str(write_policy(setup, tmp_path)))
    setup.harness.publish(setup.v1, version=1)
    assert desktop_main(["sync"]) == 0
    assert "installed version 1 of acme-it" in capsys.readouterr().out
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", "hdd_wrong")
    assert desktop_main(["sync", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "failed" and "unknown or revoked token" in report["message"]
    assert report["version"] == 1
    assert desktop_main(["sync", "--status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["installed_version"] == 1 and "revoked" in status["last_error"]


def test_sync_without_a_public_key_installs_nothing(setup):
    setup.harness.publish(setup.v1, version=1)
    policy = setup.policy()
    policy.sync.values["public_key"] = ""
    with pytest.raises(ServerRefused, match="public_key is empty"):
        sync_once(policy)
    assert not setup.current.exists()


def test_periodic_sync_spreads_clients_and_backs_off():
    rng = random.Random(1)
    calm = [next_delay(3600, 0, rng) for _ in range(500)]
    assert 0.8 * 3600 <= min(calm) and max(calm) <= 1.2 * 3600 and max(calm) - min(calm) > 600
    backoff = [max(next_delay(3600, n, rng) for _ in range(50)) for n in range(1, 10)]
    assert backoff[0] <= 30 and backoff[3] <= 240 and backoff[-1] <= 3600
    assert backoff[5] > 8 * backoff[1]       # grows exponentially until the cap
    assert next_delay(3600, 1, rng, retry_after=120) >= 120


def test_scheduler_counts_failures_and_resets_on_success(setup):
    outcomes = [ServerUnreachable("down"), ServerUnreachable("down", retry_after=300), None]

    def job():
        outcome = outcomes.pop(0)
        if outcome:
            raise outcome

    scheduler = Scheduler(setup.policy(interval_minutes=60), job=job, rng=random.Random(2))
    assert scheduler.step() <= 30 and scheduler.failures == 1
    assert scheduler.step() >= 300 and scheduler.failures == 2
    assert scheduler.step() >= 0.8 * 3600 and scheduler.failures == 0


class _Proxy(http.server.BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        _Proxy.seen.append(self.path)
        request = urllib.request.Request(self.path, headers={k: v for k, v in self.headers.items()
                                                              if k.lower() not in ("host", "proxy-connection")})
        try:
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request) as reply:
                status, headers, body = reply.status, reply.headers, reply.read()
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, exc.headers, exc.read()
        self.send_response(status)
        for key in ("ETag", "Content-Type"):
            if headers.get(key):
                self.send_header(key, headers[key])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_sync_goes_through_the_proxy_from_the_environment(setup, monkeypatch):
    proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    try:
        setup.harness.publish(setup.v1, version=1)
        assert sync_once(setup.policy()).version == 1
    finally:
        proxy.shutdown()
    assert any("/v1/kbs/acme-it/manifest" in path for path in _Proxy.seen)
    assert setup.current.read_bytes() == setup.v1.read_bytes()


def test_each_cycle_also_sends_statistics_even_when_the_update_fails(setup):
    from desktop import paths
    from desktop.sync.service import run_cycle
    from desktop.sync.stats import UsageStats

    UsageStats(paths.state_db(), names=[]).dialogue_started()
    with pytest.raises(ServerRefused, match="nothing published"):
        run_cycle(setup.policy())
    report = setup.harness.client.get("/v1/admin/stats", headers=setup.harness.admin).json()
    assert report["totals"]["dialogues"] == 1
    assert UsageStats(paths.state_db(), names=[]).pending() == []


def test_unconfigured_sync_says_what_is_missing_and_remembers_it(home, monkeypatch, capsys):
    monkeypatch.delenv("HELPDESK_SYNC_TOKEN", raising=False)
    assert desktop_main(["sync"]) == 1
    assert "the policy file has no sync.url" in capsys.readouterr().err
    desktop_main(["sync", "--status", "--json"])
    assert "no sync.url" in json.loads(capsys.readouterr().out)["last_error"]


def test_scheduler_tells_the_app_when_a_new_snapshot_is_installed(setup):
    installed = []
    setup.harness.publish(setup.v1, version=1)
    scheduler = Scheduler(setup.policy(), on_update=installed.append, rng=random.Random(3))
    scheduler.step()
    scheduler.step()                                   # nothing new: no second call
    assert [r.version for r in installed] == [1]


def test_health_reports_what_doctor_should_say(setup, monkeypatch):
    from datetime import datetime, timedelta, timezone

    from desktop.sync.service import health

    setup.harness.publish(setup.v1, version=1, expires_days=30)
    sync_once(setup.policy())
    assert health(setup.policy(), setup.installer) == []
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", "hdd_revoked")
    with pytest.raises(ServerRefused):
        sync_once(setup.policy())
    later = datetime.now(timezone.utc) + timedelta(days=31)
    problems = health(setup.policy(), setup.installer, now=later)
    assert any("expired" in p for p in problems)
    assert any("last error: sync server refused" in p for p in problems)
    monkeypatch.delenv("HELPDESK_SYNC_TOKEN")
    assert any("no enrolment token" in p for p in health(setup.policy(), setup.installer))


def test_two_syncs_at_once_do_not_both_assemble(setup):
    from desktop.sync.client import SyncError

    setup.harness.publish(setup.v1, version=1)
    with setup.installer._exclusive():                 # the tray's periodic sync is running
        with pytest.raises(SyncError, match="another sync is already running"):
            sync_once(setup.policy(), installer=setup.installer)
    assert sync_once(setup.policy(), installer=setup.installer).version == 1
