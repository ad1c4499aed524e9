"""Facts about this computer that helpdesk agents always ask for.

Read with psutil and the standard library only; every probe has a short timeout and
falls back to "unknown" rather than failing.
"""
from __future__ import annotations

import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

VPN_PREFIXES = ("tun", "tap", "ppp", "wg", "utun", "ipsec", "gpd", "vpn", "cscotun")


@dataclass
class MachineFacts:
    ip_addresses: list[str] = field(default_factory=list)
    connected: bool = False
    vpn: bool = False
    free_disk_gb: float | None = None
    free_disk_ratio: float | None = None
    uptime_seconds: float | None = None
    on_battery: bool | None = None


def _system_disk() -> str:
    return str(Path.home().anchor or "/")


def facts() -> MachineFacts:
    result = MachineFacts()
    try:
        stats = psutil.net_if_stats()
        for name, addresses in psutil.net_if_addrs().items():
            up = stats.get(name) is not None and stats[name].isup
            if not up or name == "lo" or name.lower().startswith("loopback"):
                continue
            ips = [a.address for a in addresses if a.family in (socket.AF_INET, socket.AF_INET6)
                   and not a.address.startswith(("127.", "::1", "fe80"))]
            if not ips:
                continue
            result.ip_addresses += ips
            result.connected = True
            if name.lower().startswith(VPN_PREFIXES):
                result.vpn = True
    except Exception:  # noqa: BLE001
        pass
    try:
        usage = psutil.disk_usage(_system_disk())
        result.free_disk_gb = usage.free / 1e9
        result.free_disk_ratio = usage.free / usage.total if usage.total else None
    except Exception:  # noqa: BLE001
        pass
    try:
        result.uptime_seconds = max(0.0, time.time() - psutil.boot_time())
    except Exception:  # noqa: BLE001
        pass
    try:
        battery = psutil.sensors_battery()
        result.on_battery = None if battery is None else not battery.power_plugged
    except Exception:  # noqa: BLE001
        pass
    return result


def describe_duration(seconds: float | None) -> str:
    """`3 days 4 h`, `2 h 5 min`, `12 min`."""
    if seconds is None:
        return ""
    minutes = int(seconds // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} day{'s' if days > 1 else ''} {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"
