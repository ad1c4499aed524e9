"""Drive the real tray app on a real X display and save screenshots of its main screens.

    DISPLAY=:99 python -m tests.ui.showcase docs/screenshots     # prints a JSON report

Used by test_tray_xvfb.py (Xvfb with a tray host, see .ci/services/xvfb.sh). The app runs
on the sample snapshot with a throw-away home, an in-memory ITSM and a fake sync server,
so the screens show real answers, trees and tickets without any outside service.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

os.environ["HELPDESK_HOME"] = tempfile.mkdtemp(prefix="helpdesk-showcase-")

import keyring  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QSystemTrayIcon  # noqa: E402

from tests.itsm.fake_backend import MemoryItsm  # noqa: E402
from tests.itsm.keyrings import MemoryKeyring  # noqa: E402
from tests.ui.conftest import SNAPSHOT, VALUES, FakeBoardClient, fake_checker, make_policy  # noqa: E402

os.environ["QT_QPA_PLATFORM"] = "xcb"          # the conftest import chose offscreen for unit tests


def build_assistant(online: bool = True):
    from desktop import paths
    from desktop.engine import KnowledgeBase
    from desktop.itsm import Context
    from desktop.itsm.credentials import CredentialStore
    from desktop.itsm.outbox import Outbox
    from desktop.itsm.service import TicketService
    from desktop.ui.board import Board
    from desktop.ui.facade import Assistant
    from desktop.ui.settings import Settings
    from desktop.ui.ticketdesk import TicketDesk

    home = paths.data_home()
    policy = make_policy()
    settings = Settings.load(home)
    service = TicketService(policy, Outbox.open(home / "state.sqlite"), CredentialStore(), home)
    itsm = MemoryItsm()
    service.backend = lambda: itsm
    context = lambda kb_version="": Context({"hostname": "PC-42", "os": "Linux 6.1 (x86_64)",  # noqa: E731
                                             "ip": "10.0.0.5", "kb_version": kb_version})
    desk = TicketDesk(service, settings, "7", context_probe=context)
    return Assistant(KnowledgeBase.open(SNAPSHOT), policy, settings, desk,
                     Board(policy, client=FakeBoardClient()), values=VALUES,
                     online_probe=lambda: online, checker=fake_checker)


def _tray_area(app):
    """The top-right corner of the screen, where the tray host shows our icon."""
    g = app.tray.geometry()
    screen = QGuiApplication.primaryScreen()
    x = max(0, g.x() - 240)
    return screen.grabWindow(0, x, 0, screen.geometry().width() - x, 260)


def _dark_palette():
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    for role, colour in ((QPalette.Window, "#2b2b2b"), (QPalette.WindowText, "#e6e6e6"),
                         (QPalette.Base, "#1e1e1e"), (QPalette.AlternateBase, "#2b2b2b"),
                         (QPalette.Text, "#e6e6e6"), (QPalette.Button, "#3a3a3a"),
                         (QPalette.ButtonText, "#e6e6e6"), (QPalette.Highlight, "#2f6fd0"),
                         (QPalette.HighlightedText, "#ffffff"), (QPalette.Link, "#6fa8ff"),
                         (QPalette.PlaceholderText, "#8a8a8a"), (QPalette.ToolTipBase, "#3a3a3a"),
                         (QPalette.ToolTipText, "#e6e6e6")):
        palette.setColor(role, QColor(colour))
    return palette


def wait(ms: int = 0, until=None, timeout_ms: int = 5000) -> None:
    """Run the event loop for `ms`, or until `until()` is true."""
    waited = 0
    while True:
        loop = QEventLoop()
        QTimer.singleShot(max(ms, 20) if until is None else 20, loop.quit)
        loop.exec()
        waited += 20
        if until is None and waited >= ms:
            return
        if until is not None and (until() or waited >= timeout_ms):
            return


def main(out_dir: str) -> dict:
    keyring.set_keyring(MemoryKeyring())
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    qapp.setQuitOnLastWindowClosed(False)
    qapp.setCursorFlashTime(0)             # a caret that does not blink: the same picture every run
    from desktop.ui.app import HelpdeskApp
    from desktop.ui.resources import set_language

    set_language("en")
    app = HelpdeskApp(factory=build_assistant, poll_ms=3_600_000)
    app.start()
    wait(until=lambda: app.assistant is not None and app.announcements != [])
    report = {"tray_available": QSystemTrayIcon.isSystemTrayAvailable(), "shots": []}
    if app.tray is not None:
        wait(until=lambda: app.tray.geometry().width() > 0)
        g = app.tray.geometry()
        report["tray_geometry"] = [g.x(), g.y(), g.width(), g.height()]

    def shot(name: str, widget=None) -> None:
        wait(150)
        path = out / f"{name}.png"
        (widget.grab() if widget is not None else _tray_area(app)).save(str(path))
        report["shots"].append(path.name)

    if app.tray is not None:
        app.assistant.send(app.assistant.draft_ticket(description="Laptop fan is loud", subject="Noisy laptop"))
        row = app.assistant.desk.tickets()[0]
        app.assistant.desk.service.outbox.record_status(row.key, "open", 0, 60)
        app.tickets_changed()
        wait(until=lambda: app.unread == 1)
        menu = app.tray.contextMenu()
        menu.popup(app.tray.geometry().bottomLeft())
        shot("tray-menu")
        menu.hide()
    chat = app.show_chat()
    chat.resize(560, 600)
    hesitant = next((q for q in ("password", "pwd", "laptop", "teams", "printer")
                     if app.assistant.kb.ask(q, lang="en").kind == "choose"), "pwd")
    for name, text in (("chat-answer", "I forgot my password"), ("chat-did-you-mean", hesitant)):
        chat.question.setText(text)
        wait(until=lambda: chat.preview is not None and chat.preview.turn.question == text)
        shot(name, chat)
    chat.question.setText("my printr wont print")
    wait(until=lambda: chat.preview is not None and chat.preview.turn.question == "my printr wont print")
    chat.enter()
    page = chat.tree_page
    wait(until=lambda: page.walk is not None)
    shot("guided-steps", chat)
    page.choose(2)
    wait(until=lambda: page.walk.step.kind == "answer")
    page._finish(False)
    wait(until=lambda: chat.stack.currentWidget() is chat.form_page)
    chat.form_page.set_value("printer", "PRN-PAR-3A")
    chat.form_page.submit()
    shot("ticket-form", chat)
    chat.form_page.set_value("problem", "Badge not recognised")
    chat.form_page.submit()
    wait(until=lambda: chat.stack.currentWidget() is chat.summary_page)
    shot("ticket-summary", chat)
    chat.summary_page.send()
    wait(until=lambda: chat.stack.currentWidget() is chat.done_page)
    shot("ticket-sent", chat)
    fixed = 1795599000                     # a fixed "created at", so the screenshot does not change each run
    app.assistant.desk.service.outbox.conn.execute(
        "UPDATE itsm_outbox SET created_at = ? + rowid * 300, status_checked_at = 0", (fixed,))
    app.tickets_changed()
    app.show_tickets().resize(680, 520)
    wait(until=lambda: len(app.tickets) == 2)
    shot("my-tickets", app.windows["tickets"])
    settings = app.show_settings()
    shot("settings", settings)
    booking = app.show_booking("Laptop will not start")
    wait(until=lambda: booking.list.count() > 0)
    booking.contact.setText("ext. 4242")
    booking.confirm()
    wait(until=lambda: booking.booking is not None)
    shot("booking", booking)
    settings.language.setCurrentIndex(2)
    chat.question.setText("imprimante en panne")
    chat.focus_question()
    wait(until=lambda: chat.preview is not None and chat.preview.turn.question == "imprimante en panne")
    shot("chat-french", chat)
    settings.language.setCurrentIndex(0)
    qapp.setPalette(_dark_palette())                 # what a dark system theme hands every app
    chat.question.setText("I forgot my password")
    wait(until=lambda: chat.preview is not None and chat.preview.turn.question == "I forgot my password")
    shot("chat-dark", chat)
    app.workers.wait(5000)
    report["unread_badge"] = app.unread
    return report


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
    os._exit(0)

