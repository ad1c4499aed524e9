"""What IT configures for the self-service actions: `serve --actions actions.toml`.

    [directory]
    url = "ldaps://ldap.contoso.example"        # Active Directory is reached the same way, over LDAPS
    base_dn = "dc=contoso,dc=example"
    login_attribute = "uid"                     # sAMAccountName for Active Directory
    service_dn = "cn=helpdesk-actions,ou=services,dc=contoso,dc=example"
    # its password: the HELPDESK_DIRECTORY_PASSWORD environment variable, never this file

    [mail]
    host = "smtp.contoso.example"
    port = 587
    starttls = true
    sender = "helpdesk@contoso.example"
    username = ""                               # password: HELPDESK_SMTP_PASSWORD

    [actions]
    enabled = ["unlock", "reset_password", "add_to_group"]
    groups = ["VPN-users", "Sales-news"]        # the groups and lists employees may join themselves
    code_minutes = 10                           # a code expires
    max_attempts = 3                            # wrong codes before the action is blocked
    block_minutes = 15
    record_queue = "Identity & access"          # each action, a resolved request in RT (serve --rt-url)
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ACTIONS = ("unlock", "reset_password", "add_to_group")


class ActionSettingsError(ValueError):
    """The actions file is wrong; the message names the key."""


@dataclass(frozen=True)
class ActionSettings:
    directory_url: str
    base_dn: str
    service_dn: str
    service_password: str = field(repr=False)
    mail_host: str
    mail_port: int = 25
    mail_sender: str = "helpdesk@localhost"
    mail_starttls: bool = False
    mail_username: str = ""
    mail_password: str = field(default="", repr=False)
    login_attribute: str = "uid"
    enabled: tuple[str, ...] = ACTIONS
    code_minutes: int = 10
    max_attempts: int = 3
    block_minutes: int = 15
    record_queue: str = ""
    groups: tuple[str, ...] = ()                  # what add_to_group may add people to (names, by cn)

    @classmethod
    def load(cls, path: Path, environ=os.environ) -> "ActionSettings":
        try:
            raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ActionSettingsError(f"{path}: {exc}") from None
        directory, mail, actions = raw.get("directory", {}), raw.get("mail", {}), raw.get("actions", {})
        for section, key in (("directory", "url"), ("directory", "base_dn"), ("directory", "service_dn"),
                             ("mail", "host")):
            if not raw.get(section, {}).get(key):
                raise ActionSettingsError(f"{path}: {section}.{key} is required")
        enabled = tuple(actions.get("enabled", ACTIONS))
        unknown = [a for a in enabled if a not in ACTIONS]
        if unknown:
            raise ActionSettingsError(f"{path}: actions.enabled: unknown action {unknown[0]!r} (known: {', '.join(ACTIONS)})")
        if not str(directory["url"]).startswith(("ldap://", "ldaps://")):
            raise ActionSettingsError(f"{path}: directory.url: expected an ldap:// or ldaps:// address")
        return cls(directory_url=directory["url"], base_dn=directory["base_dn"], service_dn=directory["service_dn"],
                   service_password=environ.get("HELPDESK_DIRECTORY_PASSWORD", ""),
                   login_attribute=directory.get("login_attribute", "uid"), mail_host=mail["host"],
                   mail_port=int(mail.get("port", 25)), mail_sender=mail.get("sender", "helpdesk@localhost"),
                   mail_starttls=bool(mail.get("starttls", False)), mail_username=mail.get("username", ""),
                   mail_password=environ.get("HELPDESK_SMTP_PASSWORD", ""), enabled=enabled,
                   code_minutes=int(actions.get("code_minutes", 10)), max_attempts=int(actions.get("max_attempts", 3)),
                   block_minutes=int(actions.get("block_minutes", 15)), record_queue=actions.get("record_queue", ""),
                   groups=tuple(str(g) for g in actions.get("groups", ())))
