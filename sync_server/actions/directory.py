"""The directory operations behind the self-service actions, with ldap3, bound as IT's
service account (its password from the environment, never logged).

    directory = Directory(settings)
    person = directory.find("jdoe")          # Person(dn, mail, display name) or None
    directory.unlock(person.dn)              # OpenLDAP ppolicy: pwdAccountLockedTime and failures cleared
    directory.set_password(person.dn, new)   # PasswordRefused with the directory's own rule, in plain words
    directory.rules()                        # the password policy: minimum length, history

Active Directory is reached the same way over LDAPS (lockoutTime = 0 unlocks, unicodePwd
sets a password); this module speaks OpenLDAP's ppolicy, which the tests run for real.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sync_server.actions.settings import ActionSettings

TIMEOUT = 5
RELAX = ("1.3.6.1.4.1.4203.666.5.12", True, None)      # OpenLDAP's Relax Rules control


class DirectoryError(Exception):
    """The directory could not be reached or refused the service account."""


class PasswordRefused(Exception):
    """The new password breaks a rule of the directory; the message says which."""


@dataclass(frozen=True)
class Person:
    dn: str
    mail: str
    name: str


class Directory:
    def __init__(self, settings: ActionSettings) -> None:
        self.settings = settings

    def _server(self):
        import ldap3  # noqa: PLC0415

        parts = urlsplit(self.settings.directory_url)
        return ldap3.Server(parts.hostname, port=parts.port, use_ssl=parts.scheme == "ldaps", connect_timeout=TIMEOUT,
                            get_info=ldap3.NONE)

    def _connection(self):
        import ldap3  # noqa: PLC0415
        from ldap3.core.exceptions import LDAPException  # noqa: PLC0415

        try:
            return ldap3.Connection(self._server(), self.settings.service_dn, self.settings.service_password,
                                    auto_bind=True, receive_timeout=TIMEOUT, raise_exceptions=False)
        except (LDAPException, OSError) as exc:
            raise DirectoryError(f"the directory cannot be reached or refused the service account "
                                 f"({exc.__class__.__name__})") from None

    def find(self, login: str) -> Person | None:
        from ldap3.utils.conv import escape_filter_chars  # noqa: PLC0415

        if not login or len(login) > 128:
            return None
        conn = self._connection()
        try:
            attribute = escape_filter_chars(self.settings.login_attribute)
            conn.search(self.settings.base_dn, f"({attribute}={escape_filter_chars(login)})",
                        attributes=["mail", "displayName", "cn"], size_limit=2, time_limit=TIMEOUT)
            entries = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
        finally:
            conn.unbind()
        if len(entries) != 1:
            return None
        attributes = entries[0].get("attributes") or {}
        first = lambda name: (attributes.get(name) or [""])[0] if isinstance(attributes.get(name), list) \
            else str(attributes.get(name) or "")  # noqa: E731
        return Person(entries[0]["dn"], str(first("mail"))[:256], str(first("displayName") or first("cn"))[:256])

    def unlock(self, dn: str) -> None:
        import ldap3  # noqa: PLC0415

        conn = self._connection()
        try:
            # ppolicy's lock is an operational attribute: an administrator removes it with the Relax control
            conn.modify(dn, {"pwdAccountLockedTime": [(ldap3.MODIFY_DELETE, [])]}, controls=[RELAX])
            if conn.result["result"] not in (0, 16):                  # 16: it was not locked
                raise DirectoryError(f"the directory refused to unlock: {conn.result['description']}")
        finally:
            conn.unbind()

    def add_to_group(self, dn: str, group: str) -> bool:
        """Add the person to the group named `group` (cn); False when they already are in it."""
        import ldap3  # noqa: PLC0415
        from ldap3.utils.conv import escape_filter_chars  # noqa: PLC0415

        conn = self._connection()
        try:
            conn.search(self.settings.base_dn, f"(&(objectClass=groupOfNames)(cn={escape_filter_chars(group)}))",
                        attributes=["member"], size_limit=2, time_limit=TIMEOUT)
            found = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
            if len(found) != 1:
                raise DirectoryError(f"the directory has no group {group!r}")
            conn.modify(found[0]["dn"], {"member": [(ldap3.MODIFY_ADD, [dn])]})
            if conn.result["result"] == 20:                          # attributeOrValueExists
                return False
            if conn.result["result"] != 0:
                raise DirectoryError(f"the directory refused to add the member: {conn.result['description']}")
            return True
        finally:
            conn.unbind()

    def rules(self) -> dict[str, int]:
        """The directory's password policy (ppolicy's default policy): min_length, history."""
        conn = self._connection()
        try:
            conn.search(self.settings.base_dn, "(objectClass=pwdPolicy)", attributes=["pwdMinLength", "pwdInHistory"],
                        size_limit=1, time_limit=TIMEOUT)
            entries = [e for e in conn.response or [] if e.get("type") == "searchResEntry"]
        finally:
            conn.unbind()
        found = (entries[0].get("attributes") or {}) if entries else {}
        number = lambda name: int((found.get(name) or [0])[0] if isinstance(found.get(name), list) else found.get(name) or 0)  # noqa: E731
        return {"min_length": number("pwdMinLength"), "history": number("pwdInHistory")}

    def set_password(self, dn: str, password: str) -> None:
        import ldap3  # noqa: PLC0415

        rules = self.rules()
        if len(password) < max(rules["min_length"], 1):
            raise PasswordRefused(f"the password must have at least {rules['min_length']} characters")
        conn = self._connection()
        try:
            conn.modify(dn, {"userPassword": [(ldap3.MODIFY_REPLACE, [password])]})
            if conn.result["result"] == 0:
                conn.modify(dn, {"pwdAccountLockedTime": [(ldap3.MODIFY_DELETE, [])]}, controls=[RELAX])
                conn.result["result"] = 0 if conn.result["result"] in (0, 16) else conn.result["result"]
            if conn.result["result"] == 19:                               # constraint violation: a ppolicy rule
                raise PasswordRefused(f"the directory refused this password ({conn.result['message'] or 'its rules'}); "
                                      "choose another one you have not used before")
            if conn.result["result"] != 0:
                raise DirectoryError(f"the directory refused the new password: {conn.result['description']}")
        finally:
            conn.unbind()
