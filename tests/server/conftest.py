"""Fixtures for the sync server: an app on a tmp_path SQLite database (or a fresh
schema in the real PostgreSQL from .ci/services/postgres.sh), tokens and a trusted key."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from nacl.signing import SigningKey

from desktop.sync import manifest as mf
from sync_server.app import Settings, asgi
from sync_server.auth import create_token
from tests.services import require_service


def fresh_pg_url() -> tuple[str, callable]:
    """A URL whose search_path is a new, empty schema, and a function that drops it."""
    import psycopg

    base = require_service("HELPDESK_TEST_PG_URL", "PostgreSQL")
    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")

    def drop() -> None:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}", drop


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path):
    """Each test using this runs on SQLite and on real PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'sync.sqlite'}"
        return
    url, drop = fresh_pg_url()
    yield url
    drop()


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


def make_harness(url: str, storage: Path, **settings) -> Harness:
    app = asgi(Settings(database_url=url, storage=storage, **settings))
    db = app.app.state.db
    admin = create_token(db, "admin", ["publish", "stats", "manage"], label="admin")
    device = create_token(db, "device", [], label="fleet")
    key = SigningKey.generate()
    with db.transaction() as tx:
        tx.execute("INSERT INTO trusted_keys (keyid, public_key, label, added_at) VALUES (?, ?, ?, ?)",
                   (mf.key_id(key.verify_key), mf.public_key_text(key.verify_key), "test", "now"))
    client = TestClient(app, raise_server_exceptions=False)
    return Harness(client, app, {"Authorization": f"Bearer {admin}"},
                   {"Authorization": f"Bearer {device}"}, key, storage)


@pytest.fixture
def server(tmp_path: Path) -> Harness:
    """A server on SQLite with rate limits off."""
    harness = make_harness(f"sqlite:///{tmp_path / 'sync.sqlite'}", tmp_path / "storage", rate=0)
    yield harness
    harness.db.close()


@pytest.fixture
def any_server(database_url: str, tmp_path: Path) -> Harness:
    """A server on SQLite and, in a second run, on PostgreSQL."""
    harness = make_harness(database_url, tmp_path / "storage", rate=0)
    yield harness
    harness.client.close()
    harness.db.close()
