"""A sync server for tests: app, tokens, a trusted signing key; in-process or live."""
from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient
from nacl.signing import SigningKey

from desktop.sync import manifest as mf
from kb_snapshots.signing import build_manifest
from sync_server.app import Settings, asgi
from sync_server.auth import create_token


@dataclass
class Harness:
    client: TestClient
    app: object
    admin: dict
    device: dict
    key: SigningKey
    storage: Path

    @property
    def db(self):
        return self.app.app.state.db

    @property
    def admin_token(self) -> str:
        return self.admin["Authorization"][7:]

    @property
    def device_token(self) -> str:
        return self.device["Authorization"][7:]

    def enrol(self) -> dict:
        """Headers carrying a new install's credential, enrolled with the fleet's token."""
        reply = self.client.post("/v1/enrolments", headers=self.device)
        assert reply.status_code == 201, reply.text
        return {"Authorization": f"Bearer {reply.json()['credential']}"}

    @property
    def install(self) -> dict:
        """One install's credential headers (the same for the whole test)."""
        if not hasattr(self, "_install"):
            self._install = self.enrol()
        return self._install

    @property
    def install_token(self) -> str:
        return self.install["Authorization"][7:]

    def publish(self, snapshot: Path, version: int, previous: list[Path] = (), key: SigningKey | None = None,
                expires_days: float = 30) -> mf.Manifest:
        """Sign `snapshot` and put its chunks, patches and manifest on the server directly."""
        from desktop.sync import chunking

        manifest, data, patches = build_manifest(snapshot, kb="acme-it", version=version, previous=list(previous),
                                                 expires_days=expires_days)
        store = self.app.app.state.chunks
        split = chunking.split(data)
        for sha, piece in split:
            store.put(sha, chunking.compress(piece))
        store.put_blob("indexes", manifest.index_sha256, mf.chunk_index(mf.Chunk(s, len(p)) for s, p in split))
        for sha, patch in patches.items():
            store.put_blob("deltas", sha, patch)
        reply = self.client.put("/v1/admin/kbs/acme-it/manifest", content=mf.sign(manifest, key or self.key),
                                headers=self.admin)
        assert reply.status_code == 201, reply.text
        return manifest


def make_harness(url: str, storage: Path, key: SigningKey | None = None, **settings) -> Harness:
    # Tests opt in to patches, and to the per-address enrolment limit (they all come from 127.0.0.1).
    settings = {"patch_history": 0, "patch_in_background": False, "enrolments_per_address": 10_000, **settings}
    app = asgi(Settings(database_url=url, storage=storage, **settings))
    db = app.app.state.db
    admin = create_token(db, "admin", ["publish", "stats", "manage"], label="admin")
    device = create_token(db, "device", [], label="fleet")
    key = key or SigningKey.generate()
    with db.transaction() as tx:
        tx.execute("INSERT INTO trusted_keys (keyid, public_key, label, added_at) VALUES (?, ?, ?, ?)",
                   (mf.key_id(key.verify_key), mf.public_key_text(key.verify_key), "test", "now"))
    client = TestClient(app, raise_server_exceptions=False)
    return Harness(client, app, {"Authorization": f"Bearer {admin}"},
                   {"Authorization": f"Bearer {device}"}, key, storage)




class LiveServer:
    """The harness's app served by uvicorn on a loopback port, in a thread."""

    def __init__(self, harness: Harness, app=None, port: int = 0) -> None:
        """`app`: another app (a second replica, or the server restarted) on `port` (0: a free one)."""
        self.harness = harness
        if not port:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app or harness.app, host="127.0.0.1", port=self.port, log_level="error",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
