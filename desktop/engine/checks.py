"""Built-in checks a decision tree may name (`check: network.vpn`).

Each check is a Python function of this module: a snapshot can only choose one by
name, never supply code or shell text. A check answers `ok`, `failed` or `unknown`
with a sentence for the user, and never raises.

The sentence is written in each language of `MESSAGES` (as dialogue messages and machine
states are): `detail` is the English one, `in_language(lang)` the one to show.

    result = run_check("network.vpn")
    result.outcome                  # "failed"
    result.in_language("fr")        # "Le VPN n'est pas connecté."
    run_check("network.vpn", lang="fr").detail      # the same sentence
"""
from __future__ import annotations

import socket
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Literal

import desktop.engine.machine as machine
from desktop.engine.variables import localised

Outcome = Literal["ok", "failed", "unknown"]

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "connected": "Connected ({addresses}).",
        "not_connected": "No network connection was found.",
        "internet": "Internet names resolve.",
        "no_internet": "Internet names do not resolve: the connection does not reach the Internet.",
        "vpn": "The VPN is connected.",
        "no_vpn": "The VPN is not connected.",
        "disk_unreadable": "The free disk space could not be read.",
        "disk_free": "{gb} GB free on the system disk.",
        "disk_low": "Only {gb} GB free on the system disk.",
        "uptime_unreadable": "The time since the last restart could not be read.",
        "restarted": "The computer restarted {duration} ago.",
        "not_restarted": "The computer has not restarted for {duration}.",
        "on_battery": "The computer is running on battery.",
        "on_mains": "The computer is on mains power.",
        "audio_unlisted": "Audio devices cannot be listed on this system.",
        "audio": "An audio device is present.",
        "no_audio": "No audio device was found.",
        "no_such_check": "This app has no check named '{name}'.",
        "in_group": "You are in the group {group}.",
        "not_in_group": "You are not in the group {group}.",
        "groups_unknown": "The directory could not tell your groups.",
        "crashed": "The check could not run ({error}).",
    },
    "fr": {
        "connected": "Connecté ({addresses}).",
        "not_connected": "Aucune connexion réseau n'a été trouvée.",
        "internet": "Les noms Internet sont résolus.",
        "no_internet": "Les noms Internet ne sont pas résolus : la connexion n'atteint pas Internet.",
        "vpn": "Le VPN est connecté.",
        "no_vpn": "Le VPN n'est pas connecté.",
        "disk_unreadable": "L'espace libre sur le disque n'a pas pu être lu.",
        "disk_free": "{gb} Go libres sur le disque système.",
        "disk_low": "Seulement {gb} Go libres sur le disque système.",
        "uptime_unreadable": "Le temps écoulé depuis le dernier redémarrage n'a pas pu être lu.",
        "restarted": "L'ordinateur a redémarré il y a {duration}.",
        "not_restarted": "L'ordinateur n'a pas redémarré depuis {duration}.",
        "on_battery": "L'ordinateur fonctionne sur batterie.",
        "on_mains": "L'ordinateur est branché sur le secteur.",
        "audio_unlisted": "Les périphériques audio ne peuvent pas être listés sur ce système.",
        "audio": "Un périphérique audio est présent.",
        "no_audio": "Aucun périphérique audio n'a été trouvé.",
        "no_such_check": "Cette application n'a pas de vérification nommée « {name} ».",
        "in_group": "Vous êtes dans le groupe {group}.",
        "not_in_group": "Vous n'êtes pas dans le groupe {group}.",
        "groups_unknown": "L'annuaire n'a pas pu dire vos groupes.",
        "crashed": "La vérification n'a pas pu s'exécuter ({error}).",
    },
}


@dataclass(frozen=True)
class CheckResult:
    """`detail` is the English sentence; `message` and `values` let `in_language` say it
    in another language (a result built from a bare sentence is shown as it is)."""

    outcome: Outcome
    detail: str
    message: str = ""
    values: tuple[tuple[str, str], ...] = ()

    def in_language(self, lang: str | None) -> str:
        """The sentence in `lang` (English where the language or the message is unknown)."""
        if not self.message:
            return self.detail
        table = MESSAGES.get(lang or "en", MESSAGES["en"])
        template = table.get(self.message, MESSAGES["en"][self.message])
        return template.format(**_localised_values(dict(self.values), lang))


def _localised_values(values: dict[str, str], lang: str | None) -> dict[str, str]:
    if lang == "fr":
        if "gb" in values:
            values["gb"] = values["gb"].replace(".", ",")
        if "duration" in values:
            values["duration"] = localised("device.uptime", values["duration"], lang)
    return values


def _result(outcome: Outcome, message: str, **values: str) -> CheckResult:
    return CheckResult(outcome, MESSAGES["en"][message].format(**values), message, tuple(values.items()))


def _network_connected() -> CheckResult:
    facts = machine.facts()
    if facts.connected:
        return _result("ok", "connected", addresses=", ".join(facts.ip_addresses[:2]))
    return _result("failed", "not_connected")


def _network_internet(host: str = "dns.google", timeout: float = 1.5) -> CheckResult:
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        socket.getaddrinfo(host, 443)
        return _result("ok", "internet")
    except OSError:
        return _result("failed", "no_internet")
    finally:
        socket.setdefaulttimeout(previous)


def _network_vpn() -> CheckResult:
    if machine.facts().vpn:
        return _result("ok", "vpn")
    return _result("failed", "no_vpn")


def _disk_free_space() -> CheckResult:
    facts = machine.facts()
    if facts.free_disk_gb is None or facts.free_disk_ratio is None:
        return _result("unknown", "disk_unreadable")
    if facts.free_disk_gb >= 5 and facts.free_disk_ratio >= 0.10:
        return _result("ok", "disk_free", gb=f"{facts.free_disk_gb:.1f}")
    return _result("failed", "disk_low", gb=f"{facts.free_disk_gb:.1f}")


def _system_recent_restart() -> CheckResult:
    uptime = machine.facts().uptime_seconds
    if uptime is None:
        return _result("unknown", "uptime_unreadable")
    text = machine.describe_duration(uptime)
    if uptime <= 3 * 24 * 3600:
        return _result("ok", "restarted", duration=text)
    return _result("failed", "not_restarted", duration=text)


def _power_plugged_in() -> CheckResult:
    on_battery = machine.facts().on_battery
    if on_battery:
        return _result("failed", "on_battery")
    return _result("ok", "on_mains")


def _audio_output_device() -> CheckResult:
    cards = Path("/proc/asound/cards")
    if not cards.exists():
        return _result("unknown", "audio_unlisted")
    text = cards.read_text(errors="replace").strip()
    if text and "no soundcards" not in text:
        return _result("ok", "audio")
    return _result("failed", "no_audio")


CHECKS: dict[str, Callable[[], CheckResult]] = {
    "network.connected": _network_connected,
    "network.internet": _network_internet,
    "network.vpn": _network_vpn,
    "disk.free_space": _disk_free_space,
    "system.recent_restart": _system_recent_restart,
    "power.plugged_in": _power_plugged_in,
    "audio.output_device": _audio_output_device,
}


GROUP_CHECK = "user.in_group:"          # `check: user.in_group:VPN-users`: a fact from the directory


def group_check(name: str, groups: str | None) -> CheckResult:
    """Whether the user is in the group the check names, from the directory's facts
    (`user.groups`, comma separated); unknown when the directory said nothing."""
    group = name[len(GROUP_CHECK):].strip()
    if not groups:
        return _result("unknown", "groups_unknown")
    members = {g.strip().casefold() for g in groups.split(",")}
    return _result("ok" if group.casefold() in members else "failed",
                   "in_group" if group.casefold() in members else "not_in_group", group=group)


def is_check(name: str) -> bool:
    """A name a tree may use: a built-in probe, or a group from the directory."""
    return name in CHECKS or (name.startswith(GROUP_CHECK) and 0 < len(name) - len(GROUP_CHECK) <= 64)


def run_check(name: str, lang: str | None = None) -> CheckResult:
    """Run a built-in check by name; an unknown name or a crash gives `unknown`.
    With `lang`, `detail` is already in that language."""
    probe = CHECKS.get(name)
    if probe is None:
        result = _result("unknown", "no_such_check", name=name)
    else:
        try:
            result = probe()
        except Exception as exc:  # noqa: BLE001 - a probe must never break a dialogue
            result = _result("unknown", "crashed", error=type(exc).__name__)
    return replace(result, detail=result.in_language(lang)) if lang else result
