"""Fixtures for the ITSM tests: an in-memory keyring, a tmp_path home and policy, and
the real Request Tracker (HELPDESK_TEST_RT_URL, started by .ci/services/rt.sh)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import keyring
import pytest
import requests
import yaml

from desktop.itsm import credentials
from tests.itsm.keyrings import MemoryKeyring
from tests.services import require_service

REPO = Path(__file__).resolve().parents[2]
RT_ADMIN = ("root", "password")


def kb_teams() -> dict[str, str]:
    """The sample KB's teams: key -> display name (queues are named after them)."""
    raw = yaml.safe_load((REPO / "kb_snapshots/sample_kb/kb.yaml").read_text(encoding="utf-8"))
    return dict(raw["teams"])


@pytest.fixture(autouse=True)
def memory_keyring():
    """Every test gets an empty in-memory keyring and no session secrets."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    credentials._SESSION.clear()
    yield backend
    keyring.set_keyring(previous)
    credentials._SESSION.clear()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    monkeypatch.setenv("HELPDESK_HOME", str(path))
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    return path


@pytest.fixture
def write_policy(tmp_path, monkeypatch):
    """write_policy(kind, url, **itsm) -> Path: a policy file HELPDESK_POLICY points at,
    routing every KB team to the queue named after it."""
    def write(kind: str, url: str, teams: dict[str, str] | None = None, **itsm) -> Path:
        lines = ["[itsm]", f'kind = "{kind}"', f'url = "{url}"']
        lines += [f"{k} = {v!r}".replace("'", '"') if isinstance(v, str) else
                  f"{k} = {str(v).lower() if isinstance(v, bool) else v}" for k, v in itsm.items()]
        lines.append("[itsm.teams]")
        lines += [f'"{k}" = "{v}"' for k, v in (kb_teams() if teams is None else teams).items()]
        path = tmp_path / "policy.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        monkeypatch.setenv("HELPDESK_POLICY", str(path))
        return path
    return write


@pytest.fixture(scope="session")
def rt_url() -> str:
    url = require_service("HELPDESK_TEST_RT_URL", "Request Tracker")
    admin = rt_admin_session()
    for name in kb_teams().values():
        response = admin.post(f"{url}/REST/2.0/queue", json={"Name": name}, timeout=30)
        assert response.status_code in (201, 400, 409), response.text
    found = admin.get(f"{url}/REST/2.0/customfields", timeout=30,
                      params={"query": '[{"field":"Name","value":"HelpdeskIdempotencyKey"}]'})
    assert found.json()["count"] == 1, "rt.sh loads desktop/itsm/rt_initialdata.pm"
    return url


def rt_admin_session() -> requests.Session:
    session = requests.Session()
    session.auth = RT_ADMIN
    return session


@pytest.fixture
def rt_admin(rt_url) -> requests.Session:
    return rt_admin_session()


def rt_tickets_with_key(rt_url: str, key: str) -> list[dict]:
    """Tickets in RT carrying this idempotency key, asked as the admin."""
    found = rt_admin_session().get(f"{rt_url}/REST/2.0/tickets", timeout=30, params={
        "query": f"'CF.{{HelpdeskIdempotencyKey}}' = '{key}'"})
    found.raise_for_status()
    return found.json()["items"]


def cli_env(home: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment for `python -m desktop` subprocesses: the test home, policy, keyring."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_ITSM_")}
    env.update({
        "HELPDESK_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "tests.itsm.keyrings.SharedFileKeyring",
        "HELPDESK_TEST_KEYRING_FILE": str(tmp_path / "test-keyring.json"),
        "PYTHONPATH": str(REPO),
    })
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 60):
    import subprocess

    return subprocess.run([sys.executable, "-m", "desktop", *args], input=stdin, env=env,
                          cwd=REPO, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def logged_in(home, tmp_path, write_policy, rt_url):
    """The command line's environment, signed in to the real RT as root, on the sample snapshot."""
    write_policy("rt", rt_url)
    env = cli_env(home, tmp_path, HELPDESK_SNAPSHOT=str(REPO / "build" / "sample_kb.sqlite"))
    result = run_cli(["login", "--username", "root", "--password-stdin"], env, stdin="password\n")
    assert result.returncode == 0, result.stderr
    return env
