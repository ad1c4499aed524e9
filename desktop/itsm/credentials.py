"""Passwords and tokens per ITSM URL and user: the OS keyring, or this session only.

    >>> store = CredentialStore()
    >>> store.secure                     # False on a headless Linux without Secret Service
    >>> store.save("https://rt.example.com", Credential("jdoe", "s3cret"))
    >>> store.load("https://rt.example.com", "jdoe")

Where keyring has no secure backend (its `fail`, `null` or plaintext-file backends) the
secret is kept in this process's memory and `warning` says so. Nothing here ever writes a
secret to a file or a log line.
"""
from __future__ import annotations

import keyring
import keyring.backend
import keyring.errors

from desktop.itsm.errors import CredentialStoreError
from desktop.itsm.protocol import Credential

SERVICE_PREFIX = "helpdesk-assistant"
INSECURE_BACKENDS = ("keyring.backends.fail", "keyring.backends.null", "keyrings.alt.file")
NO_KEYRING_WARNING = ("No secure keyring is available on this computer (no Secret Service, "
                      "Keychain or Credential Manager): the password is kept in memory for "
                      "this session only and is not saved.")

# Secrets kept for the session when there is no secure keyring: {(service, user): secret}.
_SESSION: dict[tuple[str, str], str] = {}


def service_name(itsm_url: str) -> str:
    return f"{SERVICE_PREFIX}:{itsm_url.rstrip('/')}"


def is_secure(backend: keyring.backend.KeyringBackend) -> bool:
    """False for keyring's fail/null backends, plaintext files, or a chain of only those."""
    inner = getattr(backend, "backends", None)
    if inner is not None:  # ChainerBackend
        return any(is_secure(b) for b in inner)
    module = type(backend).__module__
    if module.startswith(INSECURE_BACKENDS) or "Plaintext" in type(backend).__name__:
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # noqa: BLE001 - a backend whose priority check fails is unusable
        return False


class CredentialStore:
    def __init__(self, backend: keyring.backend.KeyringBackend | None = None):
        self.backend = backend or keyring.get_keyring()
        self.secure = is_secure(self.backend)

    @property
    def warning(self) -> str:
        return "" if self.secure else NO_KEYRING_WARNING

    def save(self, itsm_url: str, credential: Credential) -> None:
        key = (service_name(itsm_url), credential.username)
        if not self.secure:
            _SESSION[key] = credential.secret
            return
        try:
            self.backend.set_password(*key, credential.secret)
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreError(f"the keyring refused to store the password: "
                                       f"{type(exc).__name__}") from None

    def load(self, itsm_url: str, username: str) -> Credential | None:
        """The stored credential, or None if there is none."""
        key = (service_name(itsm_url), username)
        if key in _SESSION:
            return Credential(username, _SESSION[key])
        if not self.secure:
            return None
        try:
            secret = self.backend.get_password(*key)
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreError(f"the keyring could not be read: "
                                       f"{type(exc).__name__}") from None
        return None if secret is None else Credential(username, secret)

    def delete(self, itsm_url: str, username: str) -> None:
        key = (service_name(itsm_url), username)
        _SESSION.pop(key, None)
        if self.secure:
            try:
                self.backend.delete_password(*key)
            except keyring.errors.PasswordDeleteError:
                pass
