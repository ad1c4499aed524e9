"""HTTP access to the sync server, through a `requests.Session` (injectable).

    client = SyncClient("https://sync.example.com", token="hdd_…")
    reply = client.manifest("acme-it", etag='"41-ab12…"')   # reply.status 200 or 304
    blob = client.chunk(sha)                                 # zstd bytes as stored

Proxies come from the environment (HTTPS_PROXY, NO_PROXY…) as requests does. Errors:

    SyncError                    anything that stopped a sync; the old snapshot keeps serving
    ├── ServerUnreachable        network down, timeout, 5xx, 429: try again later
    │                            (`retry_after` seconds when the server said so)
    ├── ServerRefused            4xx: wrong token, unknown kb… retrying will not help
    ├── VerificationFailed       bad signature, hash, rollback, freeze, truncated bytes
    └── InstallFailed            the disk said no (full, read-only…)
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import requests

from desktop import __version__
from desktop.http_body import BodyTooLarge, BodyTooSlow, loads, read_body

MAX_BLOB = 256 * 1024 * 1024         # a patch or chunk index
MAX_CHUNK = 1024 * 1024              # one compressed chunk (at most 64 KiB plain)
MAX_MANIFEST = 4 * 1024 * 1024       # a signed manifest, or any JSON reply
BLOB_RETRIES = 5
MAX_WAIT = 30.0
MAX_RETRY_AFTER = 3600.0             # a server asking for more is asking for an hour
TOTAL_TIMEOUT = 600.0                # a whole exchange, body included (`timeout` is per read)


class SyncError(RuntimeError):
    """A sync that did not complete; the message is for people."""


class ServerUnreachable(SyncError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerRefused(SyncError):
    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status          # the HTTP status, when the server answered


class VerificationFailed(SyncError):
    pass


class InstallFailed(SyncError):
    pass


@dataclass(frozen=True)
class ManifestReply:
    status: int               # 200 or 304
    etag: str | None
    body: bytes


class SyncClient:
    def __init__(self, base_url: str, token: str, session: requests.Session | None = None,
                 timeout: float = 30, sleep: Callable[[float], None] = time.sleep,
                 total_timeout: float = TOTAL_TIMEOUT) -> None:
        self.sleep = sleep
        self.total_timeout = total_timeout
        if not base_url.startswith(("http://", "https://")):
            raise ServerRefused(f"sync.url: expected an http:// or https:// address, got {base_url!r}")
        self.base = base_url.rstrip("/")
        self.session = session or requests.Session()
        self.timeout = timeout
        self.headers = {"Authorization": f"Bearer {token}", "User-Agent": f"HelpdeskAssistant/{__version__}"}
        self.bytes_received = 0

    def _get(self, path: str, headers: dict[str, str] | None = None, limit: int | None = None) -> requests.Response:
        """GET `path`, its body read with a cap (`limit`, default MAX_MANIFEST) and a total deadline."""
        url = f"{self.base}{path}"
        limit = MAX_MANIFEST if limit is None else limit
        deadline = time.monotonic() + max(self.timeout, self.total_timeout)
        try:
            reply = self.session.get(url, headers={**self.headers, **(headers or {})}, timeout=self.timeout,
                                     stream=True)
            read_body(reply, limit, deadline)
        except BodyTooLarge as exc:
            raise VerificationFailed(f"{path}: {exc}") from None
        except BodyTooSlow as exc:
            raise ServerUnreachable(f"sync server too slow on {path}: {exc}") from None
        except requests.RequestException as exc:
            raise ServerUnreachable(f"cannot reach the sync server {self.base}: {exc.__class__.__name__}") from None
        self.bytes_received += len(reply.content)
        self._raise_for_status(reply, path, refuse_404=False)
        return reply

    @staticmethod
    def _raise_for_status(reply: requests.Response, path: str, refuse_404: bool = True) -> None:
        if reply.status_code in (429, 502, 503, 504) or reply.status_code >= 500:
            raise ServerUnreachable(f"sync server busy or failing ({reply.status_code} on {path})",
                                    _retry_after(reply.headers.get("Retry-After", "")))
        if 300 <= reply.status_code < 400 and reply.status_code != 304:
            raise ServerRefused(f"sync server redirected {path} ({reply.status_code}) to "
                                f"{reply.headers.get('Location', '?')}; set sync.url to the final address",
                                reply.status_code)
        if reply.status_code >= 400 and (refuse_404 or reply.status_code != 404):
            raise ServerRefused(f"sync server refused {path}: {reply.status_code} {_message(reply)}",
                                reply.status_code)

    def manifest(self, kb: str, etag: str | None = None) -> ManifestReply:
        reply = self._get(f"/v1/kbs/{kb}/manifest", {"If-None-Match": etag} if etag else None)
        if reply.status_code == 404:
            raise ServerRefused(f"nothing published for kb '{kb}' on {self.base}", 404)
        return ManifestReply(reply.status_code, reply.headers.get("ETag"), reply.content)

    def chunk(self, sha: str) -> bytes:
        return self._blob(f"/v1/chunks/{sha}", MAX_CHUNK)

    def index(self, sha: str) -> bytes:
        return self._blob(f"/v1/indexes/{sha}")

    def server_patch(self, kb: str, from_sha: str, to_sha: str) -> str | None:
        """The sha256 of a patch the server made between two snapshots, or None."""
        reply = self._get(f"/v1/kbs/{kb}/patches/{from_sha}?to={to_sha}")
        if reply.status_code != 200:
            return None
        try:
            return str(loads(reply.content)["sha256"])
        except (ValueError, KeyError, TypeError):
            return None

    def delta(self, sha: str) -> bytes:
        return self._blob(f"/v1/deltas/{sha}")

    def _blob(self, path: str, limit: int | None = None) -> bytes:
        for attempt in range(BLOB_RETRIES + 1):
            try:
                reply = self._get(path, limit=MAX_BLOB if limit is None else limit)
                break
            except ServerUnreachable as exc:       # 429/503 with a short Retry-After: wait, go on
                if attempt == BLOB_RETRIES or exc.retry_after is None or exc.retry_after > MAX_WAIT:
                    raise
                self.sleep(exc.retry_after)
        if reply.status_code == 404:
            raise ServerUnreachable(f"{path} is not on the server (yet)")
        declared = reply.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) != len(reply.content):
            raise VerificationFailed(f"truncated download of {path}: got {len(reply.content)} of {declared} bytes")
        return reply.content

    def get_json(self, path: str):
        reply = self._get(path)
        if reply.status_code == 404:
            raise ServerRefused(f"sync server refused {path}: 404 {_message(reply)}", 404)
        return _json(reply, path)

    def post_json(self, path: str, payload: dict) -> dict:
        """POST `payload`; never re-sent to wherever a redirect points."""
        deadline = time.monotonic() + max(self.timeout, self.total_timeout)
        try:
            reply = self.session.post(f"{self.base}{path}", json=payload, headers=self.headers, timeout=self.timeout,
                                      stream=True, allow_redirects=False)
            read_body(reply, MAX_MANIFEST, deadline)
        except BodyTooLarge as exc:
            raise VerificationFailed(f"{path}: {exc}") from None
        except BodyTooSlow as exc:
            raise ServerUnreachable(f"sync server too slow on {path}: {exc}") from None
        except requests.RequestException as exc:
            raise ServerUnreachable(f"cannot reach the sync server {self.base}: {exc.__class__.__name__}") from None
        self._raise_for_status(reply, path)
        return _json(reply, path)


def _json(reply: requests.Response, path: str):
    try:
        return loads(reply.content)
    except ValueError as exc:
        raise VerificationFailed(f"sync server sent {path} as invalid JSON ({exc})") from None


def _retry_after(value: str) -> float | None:
    """Retry-After in seconds (digits only), at most MAX_RETRY_AFTER."""
    value = value.strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else None


def _message(reply: requests.Response) -> str:
    try:
        return str(loads(reply.content)["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return reply.text[:200]
