"""ASGI middleware: request size limits and per-client rate limits, answered in the
one error shape before any endpoint runs.

    app = Limits(app, max_body=..., large_body_paths=("/v1/admin/chunks/",), rate=20, burst=60)

Immutable files (chunks, patches, indexes) count against a separate, larger bucket.
Bodies larger than `max_body` (or `max_large_body` on chunk uploads) get a 413, read
no further. Each client address has a token bucket of `burst` requests refilled at
`rate` per second; an empty bucket gets a 429 with Retry-After. `rate=0` turns the
limit off (benchmarks). Behind a load balancer, start the server with
`--forwarded-allow-ips` naming the balancers, so the address is the employee machine's
(uvicorn rewrites it from X-Forwarded-For before this runs), and put the global limit
in the balancer.
"""
from __future__ import annotations

import math
import threading
import time
from typing import Any, Awaitable, Callable

from sync_server.errors import error_body

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable, Callable], Awaitable[None]]


class TokenBuckets:
    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if a request may go now, else the seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 100_000:
                self._buckets.clear()
            return (1 - tokens) / self.rate


class Limits:
    def __init__(self, app: ASGIApp, *, max_body: int = 1 << 20, max_large_body: int = 1 << 20,
                 large_body_paths: tuple[str, ...] = (), rate: float = 20, burst: float = 60,
                 exempt: Callable[[Scope], bool] | None = None, bulk_paths: tuple[str, ...] = (),
                 bulk_rate: float = 200, bulk_burst: float = 1000) -> None:
        """`exempt(scope)` True skips the rate limit (an admin publishing thousands of chunks).
        `bulk_paths` (immutable chunk files: a first install fetches hundreds at once)
        have their own, larger buckets."""
        self.app = app
        self.exempt = exempt
        self.bulk_paths = bulk_paths
        self.bulk = TokenBuckets(bulk_rate, bulk_burst) if rate > 0 and bulk_paths else None
        self.max_body, self.max_large_body = max_body, max_large_body
        self.large_body_paths = large_body_paths
        self.buckets = TokenBuckets(rate, burst) if rate > 0 else None

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.buckets is not None and not (self.exempt and self.exempt(scope)):
            client = (scope.get("client") or ("?", 0))[0]
            bulk = self.bulk is not None and scope["path"].startswith(self.bulk_paths)
            wait = (self.bulk if bulk else self.buckets).take(client)
            if wait > 0:
                await _reply(send, 429, "rate_limited", "too many requests; slow down",
                             [(b"retry-after", str(math.ceil(wait)).encode())])
                return
        limit = self.max_large_body if scope["path"].startswith(self.large_body_paths or ("\0",)) else self.max_body
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _reply(send, 413, "too_large", f"request body larger than {limit} bytes")
            return
        if length is not None or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        body = b""                      # no Content-Length: read it here, within the limit
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await _reply(send, 413, "too_large", f"request body larger than {limit} bytes")
                return
            if not message.get("more_body"):
                break
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _reply(send: Callable, status: int, code: str, message: str,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = error_body(code, message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                + (headers or [])})
    await send({"type": "http.response.body", "body": body})
