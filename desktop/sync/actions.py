"""Self-service actions from the app: unlock my account, choose a new password, done by the
sync server against the directory after a one-time code (sync_server/actions). No Qt; call
off the GUI thread.

    service = SelfService(install_client(policy))        # this install's credential
    started = service.start("unlock", "jdoe")             # {"challenge", "sent_to", "expires_in"}
    done = service.answer(started["challenge"], "123456") # {"done", "message"}; ActionRefused says why not

`ActionRefused.message` is the server's sentence for the employee ("That code is not the one
sent. 2 tries left.", "Too many wrong codes: try again after 14:05 UTC."), `status` its HTTP
status (403 wrong code, 410 expired, 422 password refused, 429 blocked).
"""
from __future__ import annotations

import time

import requests

from desktop.http_body import BodyTooLarge, BodyTooSlow, loads, read_body
from desktop.sync.client import ServerUnreachable, SyncClient, _message

MAX_REPLY = 64 * 1024
ACTIONS = ("unlock", "reset_password", "add_to_group")


class ActionRefused(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


class SelfService:
    def __init__(self, client: SyncClient) -> None:
        self.client = client

    def _post(self, path: str, payload: dict) -> dict:
        client = self.client
        deadline = time.monotonic() + client.timeout
        try:
            reply = client.session.post(f"{client.base}{path}", json=payload, headers=client.headers,
                                        timeout=client.timeout, stream=True, allow_redirects=False)
            read_body(reply, MAX_REPLY, deadline)
        except (BodyTooLarge, BodyTooSlow, requests.RequestException) as exc:
            raise ServerUnreachable(f"cannot reach the helpdesk server {client.base}: {exc.__class__.__name__}") from None
        if reply.status_code >= 500 and reply.status_code != 503:
            raise ServerUnreachable(f"the helpdesk server is failing ({reply.status_code})")
        if reply.status_code >= 300:
            raise ActionRefused(_message(reply)[:300], reply.status_code)
        try:
            found = loads(reply.content)
        except ValueError:
            raise ServerUnreachable("the helpdesk server sent an unreadable reply") from None
        return found if isinstance(found, dict) else {}

    def start(self, action: str, login: str, group: str = "") -> dict:
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        return self._post(f"/v1/actions/{action}", {"login": login, **({"group": group} if group else {})})

    def answer(self, challenge: str, code: str, new_password: str = "") -> dict:
        return self._post(f"/v1/actions/challenges/{challenge}", {"code": code.strip(), "new_password": new_password})
