"""Tickets in the company's ITSM: one protocol, one module per back-end, an outbox.

No Qt here, ever: the UI reaches this package through a facade and catches only
`ItsmError`.

    >>> from desktop.itsm import Ticket, make_backend, Outbox
    >>> backend = make_backend(policy, credential)          # RT, EasyVista, ...
    >>> outbox = Outbox.open(paths.state_db())
    >>> key = outbox.add(Ticket(subject="Printer jams", description="...", team="workplace"),
    ...                  queue=policy.queue_for("workplace"))
    >>> OutboxSender(outbox, backend).send_due()            # exactly once, retried with back-off

Errors (each carries `user_message`, and `method`/`url`/`status` when HTTP was involved):

    ItsmError
     ├── ConfigError            policy incomplete or unknown ITSM kind
     ├── AuthError              401: the ITSM refused the credential
     │    ├── NotSignedIn       no credential stored: sign in (Settings, or `login`)
     │    └── Forbidden         403: valid credential, missing right
     ├── NotFound               404
     ├── RateLimited            429; .retry_after seconds (retryable)
     ├── Unavailable            refused, 5xx, EasyVista 590 (retryable)
     │    └── TimedOut          no answer in time: the request may still land
     ├── BadResponse            malformed JSON or missing fields (retryable)
     ├── Rejected               400/422: the ITSM refused this ticket
     └── CredentialStoreError   the keyring failed
"""
from __future__ import annotations

from desktop.lazy_exports import exports_from

_EXPORTS = {
    **dict.fromkeys(["AuthError", "BadResponse", "ConfigError", "CredentialStoreError", "Forbidden",
                     "ItsmError", "NotFound", "NotSignedIn", "RateLimited", "Rejected", "TimedOut",
                     "Unavailable"], "errors"),
    **dict.fromkeys(["Attachment", "Context", "RemoteTicket", "Ticket", "TicketRef"], "model"),
    **dict.fromkeys(["Backend", "BackendConfig", "Credential"], "protocol"),
    "BACKENDS": "registry", "make_backend": "registry",
}
__all__ = [
    "AuthError", "BadResponse", "ConfigError", "CredentialStoreError", "Forbidden",
    "ItsmError", "NotFound", "NotSignedIn", "RateLimited", "Rejected", "TimedOut", "Unavailable",
    "Attachment", "Context", "RemoteTicket", "Ticket", "TicketRef",
    "BACKENDS", "Backend", "BackendConfig", "Credential", "make_backend",
]
__getattr__ = exports_from(__name__, _EXPORTS)
