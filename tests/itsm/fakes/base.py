"""`FakeItsm`: an http.server on 127.0.0.1 in a thread, with scripted failures.

    >>> with ZammadFake() as fake:          # a subclass: routes + state
    ...     fake.fail_next(429, headers={"Retry-After": "30"})
    ...     backend = ZammadBackend(BackendConfig("zammad", fake.url), credential)

Subclasses implement `handle(method, path, query, headers, body) -> (status, json|bytes,
headers)`, check credentials with `authorized(headers)`, and describe what they stored
with `stored(ticket_id)` -> {queue, requestor, subject, body, key, attachments, replies}.
"""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

USER, PASSWORD, TOKEN = "jdoe", "s3cret-pass", "tok-0123456789"


class Failure:
    def __init__(self, status: int = 500, body: Any = None, headers: dict | None = None,
                 delay: float = 0.0, raw: bytes | None = None):
        self.status, self.body, self.headers, self.delay, self.raw = status, body, headers or {}, delay, raw


class FakeItsm:
    def __init__(self) -> None:
        self.failures: list[Failure] = []
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output clean
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                query = {k: v if len(v) > 1 else v[0] for k, v in parse_qs(parts.query).items()}
                with fake.lock:
                    fake.requests.append((self.command, parts.path))
                    failure = fake.failures.pop(0) if fake.failures else None
                if failure is not None:
                    time.sleep(failure.delay)
                    payload = failure.raw if failure.raw is not None else json.dumps(
                        failure.body if failure.body is not None else {"error": "scripted"}).encode()
                    return self._reply(failure.status, payload, failure.headers)
                with fake.lock:
                    status, data, headers = fake.handle(self.command, parts.path, query,
                                                        self.headers, body)
                payload = data if isinstance(data, bytes) else json.dumps(data).encode()
                self._reply(status, payload, headers)

            def _reply(self, status, payload, headers):
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, status: int = 500, body: Any = None, headers: dict | None = None,
                  delay: float = 0.0, raw: bytes | None = None, times: int = 1) -> None:
        self.failures.extend(Failure(status, body, headers, delay, raw) for _ in range(times))

    # -- helpers for subclasses
    @staticmethod
    def basic_ok(headers) -> bool:
        value = headers.get("Authorization", "")
        if not value.startswith("Basic "):
            return False
        return base64.b64decode(value[6:]).decode() == f"{USER}:{PASSWORD}"

    def handle(self, method, path, query, headers, body):  # pragma: no cover - abstract
        raise NotImplementedError

    def stored(self, ticket_id: str) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_status(self, ticket_id: str, status: str) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def not_found(what: str = "not found"):
    return 404, {"error": what}, {}


def parse_multipart(headers, body: bytes) -> list[tuple[str, str, bytes]]:
    """(field name, file name, data) for each part of a multipart/form-data body."""
    from email.parser import BytesParser
    from email.policy import HTTP

    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {headers.get('Content-Type')}\r\n\r\n".encode() + body)
    parts = []
    for part in message.iter_parts():
        parts.append((part.get_param("name", header="content-disposition") or "",
                      part.get_filename() or "", part.get_payload(decode=True) or b""))
    return parts


def json_body(body: bytes):
    return json.loads(body.decode("utf-8")) if body else {}
