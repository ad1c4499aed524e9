"""Built-in checks a decision tree may name (`check: network.vpn`).

Each check is a Python function of this module: a snapshot can only choose one by
name, never supply code or shell text. A check answers `ok`, `failed` or `unknown`
with a sentence for the user, and never raises.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Literal

import desktop.engine.machine as machine

Outcome = Literal["ok", "failed", "unknown"]


@dataclass(frozen=True)
class CheckResult:
    outcome: Outcome
    detail: str


def _network_connected() -> CheckResult:
    facts = machine.facts()
    if facts.connected:
        return CheckResult("ok", f"Connected ({', '.join(facts.ip_addresses[:2])}).")
    return CheckResult("failed", "No network connection was found.")


def _network_internet(host: str = "dns.google", timeout: float = 1.5) -> CheckResult:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        socket.getaddrinfo(host, 443)
        return CheckResult("ok", "Internet names resolve.")
    except OSError:
        return CheckResult("failed", "Internet names do not resolve: the connection does not reach the Internet.")
    finally:
        socket.setdefaulttimeout(previous)


def _network_vpn() -> CheckResult:
    if machine.facts().vpn:
        return CheckResult("ok", "The VPN is connected.")
    return CheckResult("failed", "The VPN is not connected.")


def _disk_free_space() -> CheckResult:
    facts = machine.facts()
    if facts.free_disk_gb is None or facts.free_disk_ratio is None:
        return CheckResult("unknown", "The free disk space could not be read.")
    if facts.free_disk_gb >= 5 and facts.free_disk_ratio >= 0.10:
        return CheckResult("ok", f"{facts.free_disk_gb:.1f} GB free on the system disk.")
    return CheckResult("failed", f"Only {facts.free_disk_gb:.1f} GB free on the system disk.")


def _system_recent_restart() -> CheckResult:
    uptime = machine.facts().uptime_seconds
    if uptime is None:
        return CheckResult("unknown", "The time since the last restart could not be read.")
    text = machine.describe_duration(uptime)
    if uptime <= 3 * 24 * 3600:
        return CheckResult("ok", f"The computer restarted {text} ago.")
    return CheckResult("failed", f"The computer has not restarted for {text}.")


def _power_plugged_in() -> CheckResult:
    on_battery = machine.facts().on_battery
    if on_battery:
        return CheckResult("failed", "The computer is running on battery.")
    return CheckResult("ok", "The computer is on mains power.")


def _audio_output_device() -> CheckResult:
    cards = Path("/proc/asound/cards")
    if not cards.exists():
        return CheckResult("unknown", "Audio devices cannot be listed on this system.")
    text = cards.read_text(errors="replace").strip()
    if text and "no soundcards" not in text:
        return CheckResult("ok", "An audio device is present.")
    return CheckResult("failed", "No audio device was found.")


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "network.connected": _network_connected,
    "network.internet": _network_internet,
    "network.vpn": _network_vpn,
    "disk.free_space": _disk_free_space,
    "system.recent_restart": _system_recent_restart,
    "power.plugged_in": _power_plugged_in,
    "audio.output_device": _audio_output_device,
}


def run_check(name: str) -> CheckResult:
    """Run a built-in check by name; an unknown name or a crash gives `unknown`."""
    probe = CHECKS.get(name)
    if probe is None:
        return CheckResult("unknown", f"This app has no check named '{name}'.")
    try:
        return probe()
    except Exception as exc:  # noqa: BLE001 - a probe must never break a dialogue
        return CheckResult("unknown", f"The check could not run ({type(exc).__name__}).")
