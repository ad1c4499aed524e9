"""Variables in KB text: `{{user.first_name}}`, `{{device.hostname}}`, ...

Values are gathered on this machine by `gather_variables()` and substituted by
`render()`. Rendering is plain text substitution: nothing in a KB is evaluated or
executed, and a value that cannot be found shows as a visible `[name]` placeholder.
Values are inserted as text, so Markdown or HTML inside a value stays inert.
"""
from __future__ import annotations

import getpass
import os
import platform
import re
import socket
from typing import Mapping

from desktop import __version__

VARIABLE_RE = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")   # any {{...}}: an unknown name fails the build

KNOWN_VARIABLES = frozenset({
    "user.first_name", "user.last_name", "user.full_name", "user.email", "user.login",
    "device.hostname", "device.os", "device.os_version", "device.ip", "device.free_disk_gb",
    "device.uptime", "device.network", "device.vpn",
    "helpdesk.phone", "helpdesk.email", "helpdesk.hours", "helpdesk.portal",
    "app.version", "kb.name", "kb.version",
})


def find_variables(text: str) -> list[str]:
    """The variable names used in `text`, in order."""
    return VARIABLE_RE.findall(text or "")


def render(text: str, values: Mapping[str, str | None]) -> str:
    """Fill in `{{name}}`; unknown or missing values become `[name]`."""
    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name)
        return str(value) if value not in (None, "") else f"[{name}]"
    return VARIABLE_RE.sub(substitute, text or "")


def _user_names() -> dict[str, str]:
    login = ""
    try:
        login = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some sandboxes
        login = os.environ.get("USER", "")
    full = ""
    try:
        import pwd  # noqa: PLC0415 - POSIX only
        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except Exception:  # noqa: BLE001
        full = ""
    full = os.environ.get("HELPDESK_USER_FULL_NAME", full)
    parts = full.split()
    return {
        "user.login": login,
        "user.full_name": full,
        "user.first_name": parts[0] if parts else "",
        "user.last_name": " ".join(parts[1:]),
        "user.email": os.environ.get("HELPDESK_USER_EMAIL", ""),
    }


def _device() -> dict[str, str]:
    import desktop.engine.machine as machine  # noqa: PLC0415 - psutil only when asked

    facts = machine.facts()
    return {
        "device.hostname": socket.gethostname(),
        "device.os": f"{platform.system()} {platform.release()}".strip(),
        "device.os_version": platform.version(),
        "device.ip": ", ".join(facts.ip_addresses),
        "device.free_disk_gb": f"{facts.free_disk_gb:.1f}" if facts.free_disk_gb is not None else "",
        "device.uptime": machine.describe_duration(facts.uptime_seconds) if facts.uptime_seconds else "",
        "device.network": "connected" if facts.connected else "offline",
        "device.vpn": "connected" if facts.vpn else "not connected",
    }


def gather_variables(kb=None, helpdesk: Mapping[str, str] | None = None,
                     extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Everything `render()` can fill in on this machine, gathered once."""
    values: dict[str, str] = {"app.version": __version__}
    for source in (_user_names, _device):
        try:
            values.update(source())
        except Exception:  # noqa: BLE001 - a probe failing leaves placeholders, never a crash
            pass
    for key, value in (helpdesk or {}).items():
        values[f"helpdesk.{key}"] = value
    if kb is not None:
        values["kb.name"] = kb.info.name
        values["kb.version"] = str(kb.info.version)
    values.update(extra or {})
    return values

