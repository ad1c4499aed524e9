"""Fixtures for the sync client: a tmp_path home, a live sync server on loopback,
a policy pointing at it, and snapshot versions that differ by one article."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.policy import parse_policy
from desktop.sync import manifest as mf
from desktop.sync.installer import SnapshotInstaller
from tests.server.harness import Harness, LiveServer, make_harness
from tests.sync.snapshots import article_text, make_snapshot


@pytest.fixture
def home(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HELPDESK_HOME", str(home))
    monkeypatch.delenv("HELPDESK_SNAPSHOT", raising=False)
    monkeypatch.delenv("HELPDESK_POLICY", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return home


@dataclass
class Setup:
    harness: Harness
    live: LiveServer
    home: Path
    v1: Path
    v2: Path

    def policy(self, public_key: str | None = None, **sync):
        key = public_key or mf.public_key_text(self.harness.key.verify_key)
        return parse_policy({"sync": {"url": self.live.url, "public_key": key, "kb": "acme-it", **sync}})

    @property
    def installer(self) -> SnapshotInstaller:
        return SnapshotInstaller(self.home / "snapshot" / "current.sqlite")

    @property
    def current(self) -> Path:
        return self.home / "snapshot" / "current.sqlite"


@pytest.fixture(scope="session")
def versions(tmp_path_factory) -> tuple[Path, Path]:
    """Two snapshots of 200 articles; the second has one article rewritten."""
    folder = tmp_path_factory.mktemp("snapshots")
    v1 = make_snapshot(folder / "v1.sqlite", articles=200)
    v2 = make_snapshot(folder / "v2.sqlite", articles=200, changed={100: article_text(100, salt="edited")})
    return v1, v2


@pytest.fixture
def setup(home: Path, tmp_path: Path, versions, monkeypatch) -> Setup:
    harness = make_harness(f"sqlite:///{tmp_path / 'sync.sqlite'}", tmp_path / "storage", rate=0)
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", harness.device_token)
    monkeypatch.setenv("NO_PROXY", "")
    monkeypatch.setenv("no_proxy", "")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    with LiveServer(harness) as live:
        yield Setup(harness, live, home, *versions)
    harness.db.close()
