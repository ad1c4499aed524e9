"""First contact, as a new user has it: the README's `make run` on a real X screen with a
tray host, a fresh data folder, not minimised — ten times in a row. Each time the chat
window is shown, a question typed into it gets its answer on screen (read back from a
screenshot), the app quits from its tray menu, and nothing printed says "Traceback" or
"Error". Screenshots of each run are kept in the test's tmp folder."""
from __future__ import annotations

import os

import pytest

from tests.services import require_service
from tests.ui.conftest import REPO

RUNS = 10
WINDOW = "Ask IT — Helpdesk Assistant"


def make_run_command() -> list[str]:
    """`make run` itself, so the test starts what the README says, however it changes."""
    return ["make", "--no-print-directory", "run"]


def user_environment(display: str, root) -> dict[str, str]:
    """A new user's session: their own home and data folder, the screen, nothing from the tests."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("QT_", "HELPDESK_", "PYTEST", "XDG_")) and k not in ("HOME", "DISPLAY")}
    env.update(DISPLAY=display, HOME=str(root / "user"), HELPDESK_HOME=str(root / "data"))
    (root / "user").mkdir(parents=True, exist_ok=True)
    return env


@pytest.mark.parametrize("run", range(1, RUNS + 1))
def test_make_run_shows_the_window_and_answers_every_time(run, tmp_path, kb, snapshot_path):
    from tests.ui.screen import QUESTIONS, Screen, expected_words, launch_and_ask

    display = require_service("HELPDESK_TEST_XVFB_DISPLAY", "Xvfb with a tray host")
    screen = Screen(display, shots=tmp_path)
    question = QUESTIONS[(run - 1) % len(QUESTIONS)]
    words = expected_words(kb, question)
    how, code, printed, seen = launch_and_ask(make_run_command(), user_environment(display, tmp_path), REPO,
                                              screen, WINDOW, question, words, f"answer-{run}",
                                              tmp_path / "output.txt")
    assert "cannot be opened" not in seen
    assert "Traceback" not in printed and "Error" not in printed, printed
    assert (how, code) == ("quit from the tray menu", 0), printed
