"""Fixtures for the sync server: an app on a tmp_path SQLite database (or a fresh
schema in the real PostgreSQL from .ci/services/postgres.sh), tokens and a trusted key."""
from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from tests.server.harness import make_harness
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


@pytest.fixture
def studio(database_url, tmp_path: Path):
    """The Studio on a small KB source tree, with editors edith and erin and publisher paul."""
    from tests.server.studio_kit import make_studio

    harness = make_studio(database_url, tmp_path)
    yield harness
    harness.client.close()
    harness.db.close()


@pytest.fixture
def chromium():
    """Debian's headless Chromium driven by Playwright (which never downloads a browser)."""
    executable = require_service("HELPDESK_TEST_CHROMIUM", "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
