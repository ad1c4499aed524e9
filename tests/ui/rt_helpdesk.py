"""The tray app wired to the real Request Tracker (HELPDESK_TEST_RT_URL) instead of the
in-memory ITSM: for the My tickets and sign-in tests that need a real helpdesk."""
from __future__ import annotations

import pytest

from desktop.itsm import Context, credentials
from desktop.itsm.outbox import Outbox
from desktop.itsm.service import TicketService
from desktop.policy import parse_policy
from tests.services import require_service
from tests.ui.conftest import VALUES, fake_checker


@pytest.fixture
def rt_url() -> str:
    return require_service("HELPDESK_TEST_RT_URL", "Request Tracker")


@pytest.fixture
def start_rt_app(qtbot, kb, home, board_client, rt_url):
    """start_rt_app(username="root") -> a started HelpdeskApp whose tickets go to RT's
    General queue; the same home (and keyring) each time it is called: a restart."""
    from desktop.ui.app import HelpdeskApp
    from desktop.ui.board import Board
    from desktop.ui.facade import Assistant
    from desktop.ui.settings import Settings
    from desktop.ui.ticketdesk import TicketDesk

    apps, services = [], []

    def start(username: str = "root"):
        policy = parse_policy({"itsm": {"kind": "rt", "url": rt_url, "username": username,
                                        "default_queue": "General", "teams": {"workplace": "General"}},
                               "helpdesk": {"phone": "+33 1 23 45 67 89"}})
        settings = Settings.load(home)
        service = TicketService(policy, Outbox.open(home / "state.sqlite"), credentials.CredentialStore(), home)
        desk = TicketDesk(service, settings, "7",
                          context_probe=lambda kb_version="": Context({"hostname": "PC-42", "kb_version": kb_version}))
        assistant = Assistant(kb, policy, settings, desk, Board(policy, client=board_client),
                              values=VALUES, online_probe=lambda: True, checker=fake_checker)
        app = HelpdeskApp(factory=lambda: assistant, use_tray=False, poll_ms=3_600_000)
        with qtbot.waitSignals([app.ready, app.polled], timeout=30_000):
            app.start()
        apps.append(app)
        services.append(service)
        return app

    yield start
    for app in apps:
        close_app(app)
    for service in services:
        service.outbox.close()


def close_app(app) -> None:
    """Quit the app's windows and timers (as Quit does, without ending the test's Qt)."""
    app.workers.wait(10_000)
    for window in [*app.windows.values(), app.fallback]:
        if window is not None:
            window.close()
            window.deleteLater()
    app.windows, app.fallback = {}, None
    if app.tray is not None:
        app.tray.hide()
    app.timer.stop()
