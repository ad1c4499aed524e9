"""Fixtures for the tray app: offscreen Qt, the sample snapshot, a tmp_path home, an
in-memory keyring and an `Assistant` wired to an in-memory ITSM.

QT_QPA_PLATFORM is set here, before anything imports Qt. The facade tests
(test_facade*.py) never import Qt themselves.
"""
from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"        # never a real screen here (see test_tray_xvfb)
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from pathlib import Path  # noqa: E402

import keyring  # noqa: E402
import pytest  # noqa: E402

from desktop.engine.checks import CheckResult  # noqa: E402
from desktop.itsm import credentials  # noqa: E402
from desktop.itsm.outbox import Outbox  # noqa: E402
from desktop.itsm.service import TicketService  # noqa: E402
from desktop.policy import parse_policy  # noqa: E402
from tests.itsm.fake_backend import MemoryItsm  # noqa: E402
from tests.itsm.keyrings import MemoryKeyring  # noqa: E402
from tests.sample_kb import SAMPLE_SNAPSHOT, sample_snapshot  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = SAMPLE_SNAPSHOT
VALUES = {"user.first_name": "Jo", "user.login": "jdoe", "user.email": "jo.doe@contoso.example", "device.hostname": "PC-42",
          "device.os": "Linux 6.1", "helpdesk.phone": "+33 1 23 45 67 89"}


@pytest.fixture(scope="session")
def snapshot_path() -> Path:
    """The sample snapshot (`make snapshot`); built once if absent."""
    return sample_snapshot()


@pytest.fixture(scope="session")
def kb(snapshot_path):
    from desktop.engine import KnowledgeBase

    base = KnowledgeBase.open(snapshot_path)
    base.warm_up()
    return base


@pytest.fixture(autouse=True)
def memory_keyring(tmp_path, monkeypatch):
    """Never the real keyring, never the real home folder."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    credentials._SESSION.clear()
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "system-config"))   # no system autostart
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    yield backend
    keyring.set_keyring(previous)
    credentials._SESSION.clear()


@pytest.fixture
def home(tmp_path) -> Path:
    path = tmp_path / "home"
    path.mkdir(exist_ok=True)
    return path


def make_policy(itsm: bool = True, stats: bool = True, sync_url: str = "", helpdesk: dict | None = None):
    raw = {"privacy": {"stats": stats}, "helpdesk": {"phone": "+33 1 23 45 67 89", **(helpdesk or {})}}
    if itsm:
        raw["itsm"] = {"kind": "rt", "url": "http://127.0.0.1:9", "username": "jdoe",
                       "teams": {"workplace": "Workplace"}}
    if sync_url:
        raw["sync"] = {"url": sync_url}
    return parse_policy(raw)


@pytest.fixture
def itsm() -> MemoryItsm:
    return MemoryItsm()


def slot_at(days: int, hour: int = 9, minutes: int = 30) -> tuple[str, str]:
    """A slot's (starts_at, ends_at) in UTC, `days` from today at `hour` UTC: never a fixed date."""
    from datetime import datetime, timedelta, timezone

    start = (datetime.now(timezone.utc) + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return tuple(t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in (start, start + timedelta(minutes=minutes)))


class FakeBoardClient:
    """Stands in for `SyncClient`: the sync server's board endpoints, in memory. Slots start
    tomorrow and later (dates from now); booking again with the same booker key returns the
    same booking, as the real server does. `posts` records every booking request."""

    def __init__(self):
        self.affected: list[int] = []
        self.booked: list[tuple[int, str]] = []
        self.posts: list[dict] = []
        self.cancelled: list[int] = []
        self.by_booker: dict[str, dict] = {}
        starts_at, ends_at = slot_at(days=1)
        self.slot = {"id": 7, "starts_at": starts_at, "ends_at": ends_at,
                     "capacity": 2, "team": "", "location": "Desk 2", "booked": 0, "remaining": 2}

    def get_json(self, path):
        if path.startswith("/v1/announcements"):
            return [{"id": 3, "title": "E-mail outage", "body": "Outlook is down; we are on it.",
                     "starts_at": "2026-11-25T08:00:00Z", "ends_at": "2026-11-25T18:00:00Z",
                     "teams": [], "affected": 4}]
        if path.startswith("/v1/slots"):
            return [self.slot, {**self.slot, "id": 8, "remaining": 0}]
        raise AssertionError(path)

    def post_json(self, path, payload):
        if path.endswith("/affected"):
            self.affected.append(int(path.split("/")[3]))
            return {"id": 3, "affected": 5}
        if path.endswith("/bookings"):
            self.posts.append(payload)
            if payload.get("booker") in self.by_booker:
                return {**self.by_booker[payload["booker"]], "already_booked": True}
            self.booked.append((int(path.split("/")[3]), payload["contact"]))
            booking = {"booking_id": 11, "cancel_code": "c0de-c0de-c0de", "already_booked": False,
                       "slot": {**self.slot, "booked": 1, "remaining": 1}}
            self.by_booker[payload.get("booker", "")] = booking
            return booking
        if path.endswith("/cancel"):
            self.cancelled.append(int(path.split("/")[3]))
            self.by_booker = {k: b for k, b in self.by_booker.items() if b["booking_id"] != int(path.split("/")[3])}
            return self.slot
        raise AssertionError(path)


@pytest.fixture
def board_client() -> FakeBoardClient:
    return FakeBoardClient()


def fake_checker(name: str) -> CheckResult:
    return CheckResult("ok", f"{name}: fine")


@pytest.fixture
def make_assistant(kb, home, itsm, board_client):
    """make_assistant(online=True, itsm_down=False, **policy) -> Assistant on the sample KB."""
    from desktop.ui.board import Board
    from desktop.ui.facade import Assistant
    from desktop.ui.settings import Settings
    from desktop.ui.ticketdesk import TicketDesk
    from desktop.itsm import Context

    made = []

    def make(online: bool = True, itsm_down: bool = False, **policy_args):
        policy = make_policy(**policy_args)
        settings = Settings.load(home)
        service = TicketService(policy, Outbox.open(home / "state.sqlite"), credentials.CredentialStore(), home)
        if not itsm_down:
            service.backend = lambda: itsm
        desk = TicketDesk(service, settings, "7",
                          context_probe=lambda kb_version="": Context({"hostname": "PC-42", "ip": "10.0.0.5",
                                                                       "kb_version": kb_version}))
        assistant = Assistant(kb, policy, settings, desk, Board(policy, client=board_client),
                              values=VALUES, online_probe=lambda: online, checker=fake_checker)
        made.append(service)
        return assistant

    yield make
    for service in made:
        service.outbox.close()


@pytest.fixture
def start_app(qtbot, make_assistant):
    """start_app(**make_assistant args) -> a started HelpdeskApp (no tray offscreen: the
    fallback window), ready, with its facade; windows and workers cleaned up after."""
    from desktop.ui.app import HelpdeskApp

    apps = []

    def start(use_tray: bool = False, **kwargs):
        assistant = make_assistant(**kwargs)
        app = HelpdeskApp(factory=lambda: assistant, use_tray=use_tray, poll_ms=3_600_000)
        with qtbot.waitSignals([app.ready, app.polled], timeout=30_000):
            app.start()
        apps.append(app)
        return app

    yield start
    from desktop.ui.resources import set_language

    set_language("en")
    for app in apps:
        app.workers.wait(5_000)
        for window in [*app.windows.values(), app.fallback]:
            if window is not None:
                window.close()
                window.deleteLater()
        if app.tray is not None:
            app.tray.hide()
        app.timer.stop()
