"""Using the real app on the Xvfb screen as a person does: find its window, type into it,
read what it shows (a screenshot read by tesseract), quit it from the tray menu.

    screen = Screen(":99")
    window = screen.wait_for_window("Ask IT — Helpdesk Assistant", process)
    screen.type(window, "my printer does not print")
    screen.wait_for_text(window, ["printer", "jam"])         # the words, as OCR read them
    screen.quit_from_tray()

Needs xdotool, imagemagick and tesseract (installed by .ci/services/xvfb.sh).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from pathlib import Path

QUESTIONS = ["my printer does not print", "i forgot my password", "the vpn keeps disconnecting",
             "outlook does not open", "no sound from my headset"]
ANSWER_TOP = 45        # the chat window's question box and Ask button, above the answer
TOOLS = ("xdotool", "import", "convert", "tesseract", "xwininfo")


class ScreenError(AssertionError):
    pass


class Screen:
    def __init__(self, display: str, shots: Path | None = None) -> None:
        missing = [tool for tool in TOOLS if shutil.which(tool) is None]
        if missing:
            raise ScreenError(f"missing on this machine: {', '.join(missing)} (.ci/services/xvfb.sh installs them)")
        self.display = display
        self.shots = shots
        self.env = {**os.environ, "DISPLAY": display}

    def _run(self, *args: str, timeout: float = 30) -> str:
        return subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=timeout).stdout

    def visible_windows(self, name: str) -> list[str]:
        return self._run("xdotool", "search", "--onlyvisible", "--name", f"^{re.escape(name)}$").split()

    def wait_for_window(self, name: str, process: subprocess.Popen, timeout: float = 45) -> str:
        """The id of the visible top-level window called `name`; fails if the program died."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ScreenError(f"the program ended (exit code {process.returncode}) before showing {name!r}")
            found = self.visible_windows(name)
            if found:
                return found[-1]
            time.sleep(0.2)
        raise ScreenError(f"no window {name!r} within {timeout:.0f} s")

    def type(self, window: str, text: str) -> None:
        self._run("xdotool", "windowfocus", "--sync", window)
        self._run("xdotool", "type", "--delay", "30", text)

    def read(self, window: str, name: str = "window", skip_top: int = 0) -> str:
        """The window's text as tesseract reads a 2x screenshot of it (lower case), leaving
        out its top `skip_top` pixels (say, the box the question was typed in)."""
        folder = self.shots or Path("/tmp")
        shot = folder / f"{name}.png"
        subprocess.run(["import", "-window", window, str(shot)], env=self.env, capture_output=True, timeout=30,
                       check=True)
        subprocess.run(["convert", str(shot), "-gravity", "North", "-chop", f"0x{skip_top}", "-resize", "200%",
                        str(shot)], capture_output=True, timeout=30, check=True)
        text = subprocess.run(["tesseract", str(shot), "-", "--psm", "3"], capture_output=True, text=True,
                              timeout=60).stdout
        return " ".join(text.lower().split())

    def wait_for_text(self, window: str, words: list[str], timeout: float = 20, name: str = "window",
                      skip_top: int = 0) -> str:
        """What the window shows (below `skip_top`) once every word of `words` is on it."""
        deadline, seen = time.monotonic() + timeout, ""
        while time.monotonic() < deadline:
            seen = self.read(window, name, skip_top)
            if all(word.lower() in seen for word in words):
                return seen
            time.sleep(0.5)
        raise ScreenError(f"the window never showed {words}; it showed: {seen[:600]!r}")

    def tray_icon_position(self, name: str = "Helpdesk Assistant") -> tuple[int, int] | None:
        """The centre of the app's icon embedded in the tray host, in root coordinates."""
        tree = self._run("xwininfo", "-root", "-tree")
        for line in tree.splitlines():
            if f'"{name}"' not in line:
                continue
            match = re.search(r"(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)", line)
            if match:
                width, height, x, y = (int(v) for v in match.groups())
                if 8 <= width <= 128 and 8 <= height <= 128:         # the icon, not a window or a 1x1 helper
                    return x + width // 2, y + height // 2
        return None

    def quit_from_tray(self, name: str = "Helpdesk Assistant") -> bool:
        """Right-click the tray icon and choose Quit (the last item). False if no icon."""
        position = self.tray_icon_position(name)
        if position is None:
            return False
        self._run("xdotool", "mousemove", str(position[0]), str(position[1]), "click", "3")
        time.sleep(0.8)
        self._run("xdotool", "key", "Up", "Return")                # the menu's last item
        return True


def launch_and_ask(command: list[str], env: dict[str, str], cwd, screen: Screen, window_name: str,
                   question: str, words: list[str], shot_name: str, log_path: Path) -> tuple[str, int, str, str]:
    """Start `command` as a person would, ask `question` in the window called `window_name`,
    wait for `words` on screen, quit from the tray. Returns (how it ended, exit code, what
    the program printed, what the screen showed)."""
    import signal  # noqa: PLC0415

    with log_path.open("w") as out:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        window = screen.wait_for_window(window_name, process)
        screen.type(window, question)
        seen = screen.wait_for_text(window, words, name=shot_name, skip_top=ANSWER_TOP)
        clicked = screen.quit_from_tray()
        try:
            process.wait(15 if clicked else 0.1)
            how = "quit from the tray menu"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)
            how = "terminated"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
    return how, process.returncode, log_path.read_text(errors="replace"), seen


def expected_words(kb, question: str) -> list[str]:
    """Words of the answer's title that the answer area must show (those OCR reads reliably)."""
    reply = kb.ask(question, lang="en")
    assert reply.hits, question
    words = [w for w in re.findall(r"[a-z]+", reply.hits[0].title.lower()) if len(w) >= 4]
    return words[:3]
