"""Built-in checks: probes named by trees, which answer ok / failed / unknown and never raise."""
from __future__ import annotations

import socket

import pytest

from desktop.engine import checks
from desktop.engine.checks import CHECKS, CheckResult, run_check
from desktop.engine.machine import MachineFacts


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """network.internet resolves a name: tests answer for the resolver (no network)."""
    def offline(*args, **kwargs):
        raise socket.gaierror("offline")

    monkeypatch.setattr(checks.socket, "getaddrinfo", offline)


def test_the_documented_checks_exist():
    assert set(CHECKS) == {"network.connected", "network.internet", "network.vpn", "disk.free_space",
                           "system.recent_restart", "power.plugged_in", "audio.output_device"}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_each_check_returns_a_result_without_raising(name):
    result = run_check(name)
    assert isinstance(result, CheckResult)
    assert result.outcome in ("ok", "failed", "unknown")
    assert result.detail


@pytest.mark.parametrize("name", ["nope", "", "os.system('rm -rf /')", "network.connected; reboot"])
def test_unknown_check_name_is_unknown_and_runs_nothing(name):
    result = run_check(name)
    assert result.outcome == "unknown"
    assert repr(name)[1:-1] in result.detail or name in result.detail


def test_a_crashing_probe_gives_unknown(monkeypatch):
    def crash():
        raise PermissionError("denied")

    monkeypatch.setitem(CHECKS, "disk.free_space", crash)
    result = run_check("disk.free_space")
    assert result.outcome == "unknown"
    assert "PermissionError" in result.detail


def _facts(monkeypatch, **values):
    monkeypatch.setattr(checks.machine, "facts", lambda: MachineFacts(**values))


@pytest.mark.parametrize("name, facts, outcome", [
    ("network.connected", {"connected": True, "ip_addresses": ["10.0.0.5"]}, "ok"),
    ("network.connected", {"connected": False}, "failed"),
    ("network.vpn", {"vpn": True}, "ok"),
    ("network.vpn", {"vpn": False}, "failed"),
    ("disk.free_space", {"free_disk_gb": 50.0, "free_disk_ratio": 0.5}, "ok"),
    ("disk.free_space", {"free_disk_gb": 4.9, "free_disk_ratio": 0.5}, "failed"),      # under 5 GB
    ("disk.free_space", {"free_disk_gb": 50.0, "free_disk_ratio": 0.09}, "failed"),    # under 10%
    ("disk.free_space", {}, "unknown"),
    ("system.recent_restart", {"uptime_seconds": 2 * 86400}, "ok"),
    ("system.recent_restart", {"uptime_seconds": 4 * 86400}, "failed"),
    ("system.recent_restart", {}, "unknown"),
    ("power.plugged_in", {"on_battery": False}, "ok"),
    ("power.plugged_in", {"on_battery": None}, "ok"),          # no battery: a desktop
    ("power.plugged_in", {"on_battery": True}, "failed"),
])
def test_check_outcome_follows_the_documented_rule(monkeypatch, name, facts, outcome):
    _facts(monkeypatch, **facts)
    assert run_check(name).outcome == outcome


def test_internet_check_is_ok_when_a_name_resolves(monkeypatch):
    monkeypatch.setattr(checks.socket, "getaddrinfo", lambda *a, **k: [("addr",)])
    assert run_check("network.internet").outcome == "ok"


def test_internet_check_fails_when_names_do_not_resolve_and_restores_the_timeout():
    before = socket.getdefaulttimeout()
    assert run_check("network.internet").outcome == "failed"
    assert socket.getdefaulttimeout() == before
