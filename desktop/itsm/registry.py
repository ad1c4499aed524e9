"""Back-ends by policy `itsm.kind`, in a plain dict, and the one way to build one."""
from __future__ import annotations

from desktop.itsm.easyvista import EasyVistaBackend
from desktop.itsm.errors import LOGIN_COMMAND, ConfigError, NotSignedIn
from desktop.itsm.glpi import GlpiBackend
from desktop.itsm.jsm import JsmBackend
from desktop.itsm.protocol import Backend, BackendConfig, Credential
from desktop.itsm.rt import RtBackend
from desktop.itsm.servicenow import ServiceNowBackend
from desktop.itsm.webhook import WebhookBackend
from desktop.itsm.zammad import ZammadBackend

BACKENDS: dict[str, type] = {
    "rt": RtBackend,
    "easyvista": EasyVistaBackend,
    "servicenow": ServiceNowBackend,
    "glpi": GlpiBackend,
    "jsm": JsmBackend,
    "zammad": ZammadBackend,
    "webhook": WebhookBackend,
}


def make_backend(config: BackendConfig, credential: Credential | None, session=None) -> Backend:
    """Build the back-end for `config.kind`; ConfigError or AuthError saying what is missing."""
    if not config.kind:
        raise ConfigError("no ITSM is configured: ask IT to set [itsm] kind and url "
                          "in the policy file")
    try:
        cls = BACKENDS[config.kind]
    except KeyError:
        raise ConfigError(f"unknown ITSM kind {config.kind!r} "
                          f"(known: {', '.join(BACKENDS)})") from None
    if credential is None and getattr(cls, "needs_credential", True):
        raise NotSignedIn(f"not logged in to {config.url}: run `{LOGIN_COMMAND}`")
    return cls(config, credential, session=session)
