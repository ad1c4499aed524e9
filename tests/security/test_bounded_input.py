"""Bounded memory and time on network input: zstd bombs, huge or endless HTTP bodies,
deeply nested JSON, slow drips, absurd Retry-After, redirects of a ticket body, and the
worker threads (sync, ticket status) that must survive whatever one cycle throws.

The hostile servers are tiny http.server threads on 127.0.0.1; caps are made small
(monkeypatch) so each test stays well under a few seconds."""
from __future__ import annotations

import hashlib
import http.server
import json
import random
import struct
import threading
import time

import pytest
import zstandard

import desktop.itsm.http as itsm_http
import desktop.sync.chunking as chunking
import desktop.sync.client as sync_client
from desktop.itsm import ItsmError, RateLimited, TimedOut, Ticket
from desktop.itsm.errors import BadResponse
from desktop.itsm.outbox import Outbox
from desktop.itsm.sender import OutboxSender
from desktop.itsm.watcher import StatusWatcher
from desktop.policy import parse_policy
from desktop.sync.service import Scheduler
from tests.itsm.fake_backend import MemoryItsm

MiB = 1024 * 1024


# ---------------------------------------------------------------- hostile HTTP servers

class HostileServer:
    """An HTTP server on loopback whose every request is answered by `respond(handler)`."""

    def __init__(self, respond) -> None:
        outer = self
        self.requests: list[tuple[str, str, bytes]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append((self.command, self.path, body))
                try:
                    respond(self)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = _any

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    def __enter__(self) -> "HostileServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def _headers(handler, status: int = 200, **headers: str) -> None:
    handler.send_response(status)
    headers.setdefault("Connection", "close")          # one request per connection: no reuse races
    for name, value in headers.items():
        handler.send_header(name.replace("_", "-"), value)
    handler.end_headers()


def stream_forever(handler) -> None:
    """200 with no Content-Length: bytes until the client hangs up (at most 64 MiB)."""
    _headers(handler, Content_Type="application/json")
    block = b" " * 65536
    for _ in range(1024):
        handler.wfile.write(block)


def declare_huge(handler) -> None:
    """Content-Length: 1 GiB, then a trickle; only the header should be needed to refuse."""
    _headers(handler, Content_Type="application/json", Content_Length=str(1024 * MiB))
    for _ in range(50):
        handler.wfile.write(b" ")
        handler.wfile.flush()
        time.sleep(0.1)


def drip(handler) -> None:
    """Headers at once, then one byte every 0.25 s (30 bytes: 7.5 s in all)."""
    body = b'{"id": 1, "padding": "xx"}    '
    _headers(handler, Content_Type="application/json", Content_Length=str(len(body)))
    for byte in body:
        handler.wfile.write(bytes([byte]))
        handler.wfile.flush()
        time.sleep(0.25)


def deep_json(handler) -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    _headers(handler, Content_Type="application/json", Content_Length=str(len(body)))
    handler.wfile.write(body)


# ---------------------------------------------------------------- 1. zstd bombs

def _forged_frame(declared: int) -> bytes:
    """A 20-byte zstd frame whose header claims `declared` bytes (one RLE block of 128 KiB)."""
    magic = struct.pack("<I", 0xFD2FB528)
    descriptor = bytes([0xC0])                       # 8-byte content size, window descriptor follows
    window = bytes([(20 - 10) << 3])                 # 1 MiB window
    block = 1 | (1 << 1) | ((128 * 1024) << 3)       # last block, RLE, 128 KiB
    return magic + descriptor + window + struct.pack("<Q", declared) + block.to_bytes(3, "little") + b"\0"


def test_a_frame_that_declares_more_than_the_signed_size_is_refused():
    bomb = zstandard.ZstdCompressor(level=3).compress(b"\0" * (4 * MiB))       # declares its size
    assert len(bomb) < 2048
    with pytest.raises(zstandard.ZstdError, match="larger than"):
        chunking.decompress(bomb, max_size=65536)


def test_a_frame_without_a_declared_size_stops_at_the_cap():
    compressor = zstandard.ZstdCompressor(level=3, write_content_size=False)
    bomb = compressor.compress(b"\0" * (4 * MiB))
    with pytest.raises(zstandard.ZstdError):
        chunking.decompress(bomb, max_size=65536)


def test_a_frame_declaring_64_gib_is_refused_before_any_allocation():
    started = time.monotonic()
    with pytest.raises(zstandard.ZstdError, match="larger than"):
        chunking.decompress(_forged_frame(64 * 1024 * MiB), max_size=65536)
    assert time.monotonic() - started < 1


def test_honest_chunks_still_round_trip():
    piece = random.Random(1).randbytes(60_000)
    assert chunking.decompress(chunking.compress(piece), max_size=len(piece)) == piece
    assert chunking.decompress(chunking.compress(b""), max_size=0) == b""


def test_a_delta_that_declares_more_than_the_signed_size_is_refused():
    old = random.Random(2).randbytes(50_000)
    delta = chunking.make_delta(old, old + b"\0" * (4 * MiB))
    with pytest.raises(zstandard.ZstdError, match="larger than"):
        chunking.apply_delta(old, delta, max_size=100_000)
    assert chunking.apply_delta(old, chunking.make_delta(old, old + b"x"), max_size=50_001) == old + b"x"


def test_the_server_refuses_an_uploaded_chunk_bigger_than_a_chunk(tmp_path):
    from tests.server.harness import make_harness

    harness = make_harness(f"sqlite:///{tmp_path / 'sync.sqlite'}", tmp_path / "storage", rate=0)
    plain = b"\0" * (4 * MiB)
    bomb = zstandard.ZstdCompressor(level=3).compress(plain)
    reply = harness.client.put(f"/v1/admin/chunks/{hashlib.sha256(plain).hexdigest()}", content=bomb,
                               headers=harness.admin)
    assert reply.status_code == 422, reply.text
    assert "at most" in reply.json()["error"]["message"]
    honest = random.Random(3).randbytes(30_000)
    reply = harness.client.put(f"/v1/admin/chunks/{hashlib.sha256(honest).hexdigest()}",
                               content=chunking.compress(honest), headers=harness.admin)
    assert reply.status_code == 201, reply.text
    harness.db.close()


# ---------------------------------------------------------------- 2. HTTP bodies: sync client

def test_an_endless_manifest_is_refused_once_the_cap_is_reached(monkeypatch):
    monkeypatch.setattr(sync_client, "MAX_MANIFEST", 256 * 1024)
    with HostileServer(stream_forever) as server:
        client = sync_client.SyncClient(server.url, token="t", timeout=5)
        with pytest.raises(sync_client.VerificationFailed, match="larger than"):
            client.manifest("acme-it")
    assert client.bytes_received <= 256 * 1024 + 65536


def test_a_manifest_declared_at_1_gib_is_refused_from_its_header():
    with HostileServer(declare_huge) as server:
        started = time.monotonic()
        with pytest.raises(sync_client.VerificationFailed, match="larger than"):
            sync_client.SyncClient(server.url, token="t", timeout=5).manifest("acme-it")
        assert time.monotonic() - started < 2


def test_a_blob_bigger_than_max_blob_is_refused(monkeypatch):
    monkeypatch.setattr(sync_client, "MAX_BLOB", 512 * 1024)
    with HostileServer(stream_forever) as server:
        with pytest.raises(sync_client.VerificationFailed, match="larger than"):
            sync_client.SyncClient(server.url, token="t", timeout=5).delta("ab" * 32)


def test_deep_json_from_the_sync_server_is_a_clear_error():
    with HostileServer(deep_json) as server:
        with pytest.raises(sync_client.SyncError):
            sync_client.SyncClient(server.url, token="t", timeout=5).get_json("/v1/anything")


def test_the_sync_servers_retry_after_is_capped():
    def busy(handler):
        _headers(handler, 503, Retry_After="999999999", Content_Length="0")

    with HostileServer(busy) as server:
        with pytest.raises(sync_client.ServerUnreachable) as caught:
            sync_client.SyncClient(server.url, token="t", timeout=5).manifest("acme-it")
    assert caught.value.retry_after <= 3600


# ---------------------------------------------------------------- 2-3. HTTP bodies and time: ITSM

def test_a_huge_itsm_reply_is_refused_once_the_cap_is_reached(monkeypatch):
    monkeypatch.setattr(itsm_http, "MAX_BODY", 256 * 1024)
    with HostileServer(stream_forever) as server:
        with pytest.raises(BadResponse, match="larger than"):
            itsm_http.HttpClient(server.url, timeout=5).json("GET", "/ticket/1")


def test_an_itsm_reply_declared_at_1_gib_is_refused_from_its_header():
    with HostileServer(declare_huge) as server:
        started = time.monotonic()
        with pytest.raises(BadResponse, match="larger than"):
            itsm_http.HttpClient(server.url, timeout=5).json("GET", "/ticket/1")
        assert time.monotonic() - started < 2


def test_deep_json_from_the_itsm_is_a_bad_response_not_a_traceback():
    with HostileServer(deep_json) as server:
        with pytest.raises(BadResponse, match="not valid JSON"):
            itsm_http.HttpClient(server.url, timeout=5).json("GET", "/ticket/1")


def test_deep_json_in_an_itsm_error_reply_still_gives_the_status_error():
    def refused(handler):
        body = b"[" * 200_000 + b"]" * 200_000
        _headers(handler, 422, Content_Type="application/json", Content_Length=str(len(body)))
        handler.wfile.write(body)

    with HostileServer(refused) as server:
        with pytest.raises(ItsmError, match="422"):
            itsm_http.HttpClient(server.url, timeout=5).json("POST", "/ticket", json={"a": 1})


def test_an_itsm_dripping_one_byte_at_a_time_hits_the_total_deadline():
    with HostileServer(drip) as server:
        started = time.monotonic()
        with pytest.raises(TimedOut):
            itsm_http.HttpClient(server.url, timeout=1).json("GET", "/ticket/1")
        assert time.monotonic() - started < 2


def test_an_absurd_retry_after_is_capped_at_an_hour():
    assert itsm_http.retry_after_seconds("999999999") == itsm_http.MAX_RETRY_AFTER == 3600
    assert itsm_http.retry_after_seconds("Fri, 31 Dec 9999 23:59:59 GMT") == 3600
    assert itsm_http.retry_after_seconds("120") == 120

    def slow_down(handler):
        _headers(handler, 429, Retry_After="999999999", Content_Length="0")

    with HostileServer(slow_down) as server:
        with pytest.raises(RateLimited) as caught:
            itsm_http.HttpClient(server.url, timeout=5).json("POST", "/ticket", json={"a": 1})
    assert caught.value.retry_after == 3600


def test_a_ticket_body_is_never_re_sent_to_another_origin():
    with HostileServer(lambda h: _headers(h, 200, Content_Length="0")) as elsewhere:
        def redirect(handler):
            _headers(handler, 307, Location=f"{elsewhere.url}/steal", Content_Length="0")

        with HostileServer(redirect) as itsm:
            client = itsm_http.HttpClient(itsm.url, timeout=5)
            with pytest.raises(ItsmError, match="redirect"):
                client.json("POST", "/ticket", json={"description": "my password is hunter2"})
        assert elsewhere.requests == []
        assert len(itsm.requests) == 1


def test_a_same_origin_307_is_still_followed_once():
    def respond(handler):
        if handler.path == "/ticket":
            _headers(handler, 307, Location="/ticket/", Content_Length="0")
        else:
            body = json.dumps({"id": 7, "got": json.loads(server.requests[-1][2])}).encode()
            _headers(handler, 201, Content_Type="application/json", Content_Length=str(len(body)))
            handler.wfile.write(body)

    with HostileServer(respond) as server:
        reply = itsm_http.HttpClient(server.url, timeout=5).json("POST", "/ticket", json={"s": "x"})
    assert reply == {"id": 7, "got": {"s": "x"}}


# ---------------------------------------------------------------- 4. threads that never die

def test_the_sync_thread_survives_any_exception():
    def job():
        raise MemoryError("a 64 GiB frame")

    policy = parse_policy({"sync": {"url": "https://sync.example.com", "kb": "acme-it"}})
    scheduler = Scheduler(policy, job=job, rng=random.Random(0))
    delays = [scheduler.step() for _ in range(3)]
    assert scheduler.failures == 3
    assert all(0 < delay <= policy.sync.interval_minutes * 60 for delay in delays)


class ExplodingItsm(MemoryItsm):
    def __init__(self) -> None:
        super().__init__()
        self.reads = 0

    def get_ticket(self, remote_id):
        self.reads += 1
        raise RuntimeError("a back-end bug")


def test_the_status_thread_survives_any_exception(tmp_path):
    outbox = Outbox.open(tmp_path / "state.sqlite")
    itsm = ExplodingItsm()
    outbox.add(Ticket(subject="Printer", description="jams", queue="General"), itsm="memory")
    OutboxSender(outbox, itsm).send_due()
    watcher = StatusWatcher(outbox, itsm, min_interval=0, max_interval=0)
    stop = threading.Event()
    thread = threading.Thread(target=watcher.run, args=(stop, 0.05), daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while itsm.reads < 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    alive = thread.is_alive()
    stop.set()
    thread.join(timeout=2)
    outbox.close()
    assert alive and itsm.reads >= 3


# ---------------------------------------------------------------- 1+4. end to end: a bomb on the sync server

from tests.sync.conftest import home, setup, versions  # noqa: E402,F401 - the live sync server fixtures


def test_a_64_gib_chunk_on_the_server_is_a_clear_sync_failure(setup, tmp_path, monkeypatch, capsys):
    """A compromised server or CDN serves a forged chunk: `desktop sync` says the chunk is
    damaged (no MemoryError traceback), and the tray's scheduler counts a failure and goes on."""
    from desktop.cli import main as desktop_main
    from tests.sync.test_crash_and_schedule import write_policy

    setup.harness.publish(setup.v1, version=1)
    for path in (setup.harness.storage / "chunks").rglob("*.zst"):
        path.write_bytes(_forged_frame(64 * 1024 * MiB))
    monkeypatch.setenv("HELPDESK_POLICY", str(write_policy(setup, tmp_path)))
    assert desktop_main(["sync"]) == 1
    assert "damaged or truncated" in capsys.readouterr().err
    scheduler = Scheduler(setup.policy(), rng=random.Random(0))
    scheduler.step()
    assert scheduler.failures == 1
    assert not setup.current.exists()
