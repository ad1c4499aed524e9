"""The machine context helpdesk agents always ask for, shown to the user before sending.

    >>> context = Context.gather(kb_version="2026.11.3")
    >>> context.keys()
    ['hostname', 'os', 'ip', 'free_disk', 'uptime', 'app_version', 'kb_version']
    >>> context.without("ip", "hostname").render()   # the user removed two items

Gathering never fails: an item that cannot be read says "unknown".
"""
from __future__ import annotations

import platform
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

LABELS = {
    "hostname": "Computer name",
    "os": "Operating system",
    "ip": "IP address",
    "free_disk": "Free disk space",
    "uptime": "Time since restart",
    "app_version": "Helpdesk Assistant version",
    "kb_version": "Knowledge base version",
}


@dataclass(frozen=True)
class Context:
    """Ordered items (key -> value); keys come from LABELS."""

    items: dict[str, str] = field(default_factory=dict)

    @classmethod
    def gather(cls, kb_version: str = "", disk: Path | None = None) -> Context:
        from desktop import __version__

        probes = {
            "hostname": socket.gethostname,
            "os": lambda: f"{platform.system()} {platform.release()} ({platform.machine()})",
            "ip": _primary_ip,
            "free_disk": lambda: _free_disk(disk or Path.home()),
            "uptime": _uptime,
            "app_version": lambda: __version__,
            "kb_version": lambda: kb_version or "unknown",
        }
        items = {}
        for key, probe in probes.items():
            try:
                items[key] = str(probe())
            except Exception:  # noqa: BLE001 - one unreadable item must not block a ticket
                items[key] = "unknown"
        return cls(items)

    def keys(self) -> list[str]:
        return list(self.items)

    def without(self, *keys: str) -> Context:
        """A copy with the items the user removed left out."""
        unknown = set(keys) - set(self.items)
        if unknown:
            raise KeyError(f"no context item {', '.join(sorted(unknown))} "
                           f"(items: {', '.join(self.items)})")
        return Context({k: v for k, v in self.items.items() if k not in keys})

    def render(self) -> str:
        return "\n".join(f"- {LABELS.get(k, k)}: {v}" for k, v in self.items.items())

    def to_dict(self) -> dict[str, str]:
        return dict(self.items)

    @classmethod
    def from_dict(cls, raw: dict[str, str]) -> Context:
        return cls(dict(raw))


def _primary_ip() -> str:
    """The address of the interface that routes outwards; no packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never contacted
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _free_disk(path: Path) -> str:
    import psutil

    usage = psutil.disk_usage(str(path))
    return f"{usage.free / 1e9:.1f} GB free of {usage.total / 1e9:.1f} GB"


def _uptime() -> str:
    import psutil

    seconds = int(time.time() - psutil.boot_time())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    return f"{days} d {hours} h {rest // 60} min"
