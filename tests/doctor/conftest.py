"""Fixtures for `doctor`: a tmp_path home, an in-memory keyring, a policy writer, a live
sync server with the sample snapshot published, and a closed loopback port."""
from __future__ import annotations

import json
import socket
from pathlib import Path

import keyring
import pytest

from desktop.itsm import credentials
from tests.itsm.keyrings import MemoryKeyring

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "build" / "sample_kb.sqlite"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("HELPDESK_HOME", str(home))
    for var in ("HELPDESK_SNAPSHOT", "HELPDESK_POLICY", "HELPDESK_SYNC_TOKEN", "HTTP_PROXY", "HTTPS_PROXY",
                "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    if not SAMPLE.exists():
        pytest.fail(f"{SAMPLE} is missing: run `make snapshot` (make test builds it)")
    # The bundled snapshot: the sample KB (as in an installed app).
    monkeypatch.setattr("desktop.paths.bundled_snapshot", lambda: SAMPLE)
    return home


@pytest.fixture(autouse=True)
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    credentials._SESSION.clear()
    yield backend
    keyring.set_keyring(previous)
    credentials._SESSION.clear()


def toml_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value)
    return str(value)


@pytest.fixture
def write_policy(tmp_path: Path, monkeypatch):
    """write_policy({"itsm": {...}, "sync": {...}}) -> Path, pointed at by HELPDESK_POLICY."""
    def write(sections: dict[str, dict]) -> Path:
        lines: list[str] = []
        for name, values in sections.items():
            lines.append(f"[{name}]")
            lines += [f"{key} = {toml_value(value)}" for key, value in values.items()]
        path = tmp_path / "policy.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("HELPDESK_POLICY", str(path))
        return path
    return write


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def sync_server(tmp_path: Path, monkeypatch):
    """A live sync server with the sample snapshot published as kb 'acme-it'."""
    from tests.server.harness import LiveServer, make_harness

    harness = make_harness(f"sqlite:///{tmp_path / 'sync.sqlite'}", tmp_path / "storage", rate=0)
    monkeypatch.setenv("HELPDESK_SYNC_TOKEN", harness.device_token)
    harness.publish(SAMPLE, version=1)
    with LiveServer(harness) as live:
        yield live
    harness.db.close()


def sync_section(live) -> dict:
    from desktop.sync import manifest as mf

    return {"url": live.url, "kb": "acme-it", "public_key": mf.public_key_text(live.harness.key.verify_key)}
