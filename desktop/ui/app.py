"""The application object: owns the facade, the worker pools, the app-wide signals and
the windows; the tray, the fallback window and the chat subscribe to its signals.

    python -m desktop [--minimised]        # desktop.cli calls run()

Start-up shows the tray icon first; the knowledge base is opened and warmed on a worker
thread (`ready` fires when it is). Every minute, off the GUI thread: online check,
queued tickets sent, statuses polled (changes become notifications and the unread
badge), announcements fetched.
"""
from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from desktop.ui.resources import app_icon
from desktop.ui.resources import set_language

log = logging.getLogger(__name__)
POLL_MS = 60_000


WINDOW_MODULES = ("desktop.ui.facade", "desktop.ui.chat", "desktop.ui.tickets_view",
                  "desktop.ui.settings_view", "desktop.ui.booking_view", "desktop.ui.sync_runner",
                  # what worker jobs import on first use (slots, sync): two worker threads that
                  # import overlapping modules in different orders can be handed one half-made
                  "desktop.sync.board", "desktop.sync.service")


def import_windows() -> None:
    """Import every module a window or a worker job needs (on the GUI thread, at start-up).

    Raises ImportError naming the module: `doctor` calls this too.
    """
    for name in WINDOW_MODULES:
        importlib.import_module(name)


def _default_factory():
    from desktop.ui.facade import Assistant  # noqa: PLC0415

    return Assistant.from_environment()


class HelpdeskApp(QObject):
    ready = Signal()
    failed = Signal(str)
    unreadChanged = Signal(int)
    ticketsChanged = Signal(list)
    announcementsChanged = Signal(list)
    onlineChanged = Signal(bool)
    ticketStatusChanged = Signal(str, str)      # subject, new status
    ticketReplied = Signal(str, str)            # subject, the helpdesk's reply
    trayShown = Signal()
    knowledgeBaseUpdated = Signal(str)          # the new snapshot version, once it answers
    itsmProblem = Signal(str)                   # why tickets cannot be sent or followed ("" when fine)
    polled = Signal()                           # a background refresh finished
    liveEvent = Signal(dict)                    # the chat with a helpdesk agent (desktop.handoff.live_chat)

    def __init__(self, factory: Callable = _default_factory, use_tray: bool | None = None,
                 poll_ms: int = POLL_MS):
        super().__init__()
        from desktop.ui.workers import Workers  # noqa: PLC0415

        self.factory = factory
        self.workers = Workers(self)
        self.icon = app_icon()
        self.assistant = None
        self.error = ""
        self.online = True
        self.unread = 0
        self.itsm_problem = ""
        self.announcements: list[dict] = []
        self.tickets: list = []
        self.windows: dict[str, object] = {}
        self.tray = None
        self.fallback = None
        self.sync = None
        self.resumed_walk = None                    # guided steps left open at the last quit
        self.live = None                            # the live chat with the helpdesk (LiveLink), once ready
        self._saved = False
        available = QSystemTrayIcon.isSystemTrayAvailable()
        self.use_tray = available if use_tray is None else use_tray and available
        self.timer = QTimer(self, interval=poll_ms)
        self.timer.timeout.connect(self.poll)

    def start(self, minimised: bool = False) -> None:
        QApplication.setWindowIcon(self.icon)
        if self.use_tray:
            from desktop.ui.tray import TrayIcon  # noqa: PLC0415

            self.tray = TrayIcon(self)
            self.tray.show()
            QTimer.singleShot(0, self.trayShown.emit)
        else:
            from desktop.ui.fallback import FallbackWindow  # noqa: PLC0415

            self.fallback = FallbackWindow(self)
            self.fallback.show()
        # The icon is drawn on the first turn of the event loop; the windows' modules are
        # imported right after, on this thread, before any worker thread may import the
        # same modules (two threads importing one package at once can see it half-made).
        QTimer.singleShot(0, self._start_workers)

    def _start_workers(self) -> None:
        import_windows()
        self.workers.submit(self._build, self._on_ready, self._on_failed)
        self.timer.start()

    def _build(self):
        assistant = self.factory()
        assistant.warm_up()
        return assistant, assistant.restore_conversation()

    def _on_ready(self, built) -> None:
        assistant, self.resumed_walk = built
        self.assistant = assistant
        set_language(assistant.settings.language)
        if self.live is None:
            from desktop.ui.live_link import LiveLink  # noqa: PLC0415

            self.live = LiveLink(self)
            self.live.event.connect(self.liveEvent.emit)
            self.live.resume()                      # a chat open at the last quit carries on
        self.ready.emit()
        self.poll()
        if self.sync is None and assistant.policy.sync.url:
            from desktop.ui.sync_runner import SyncRunner  # noqa: PLC0415

            self.sync = SyncRunner(assistant.policy, parent=self,
                                   stats_wanted=lambda: bool(assistant.settings.stats))
            self.sync.updated.connect(self.reload_knowledge_base)
            self.sync.start()

    def reload_knowledge_base(self, _message: str = "") -> None:
        """Sync installed a new snapshot: open it off the GUI thread, then use it."""
        assistant = self.assistant
        if assistant is not None:
            self.workers.submit(assistant.reload, self.knowledgeBaseUpdated.emit, self._on_failed)

    def _on_failed(self, exc: Exception) -> None:
        self.error = getattr(exc, "user_message", str(exc))
        log.error("the assistant cannot start: %s", self.error)
        self.failed.emit(self.error)

    # -- background refresh -------------------------------------------------------------
    def poll(self) -> None:
        assistant = self.assistant
        if assistant is None:
            return

        def job():
            online = assistant.online()
            changes, error = [], ""
            if online:
                try:
                    changes = assistant.desk.refresh()
                except Exception as exc:  # noqa: BLE001 - shown as a tooltip, retried next minute
                    error = getattr(exc, "user_message", str(exc))
            try:
                banners = assistant.board.announcements() if online else self.announcements
            except Exception:  # noqa: BLE001
                banners = self.announcements
            return online, changes, assistant.desk.tickets(), banners, error
        self.workers.submit(job, self._polled)

    def _polled(self, result) -> None:
        online, changes, tickets, banners, error = result
        if error != self.itsm_problem:
            self.itsm_problem = error
            self.itsmProblem.emit(error)
        if online != self.online:
            self.online = online
            self.onlineChanged.emit(online)
        for change in changes:
            if getattr(change, "kind", "status") == "reply":
                self.ticketReplied.emit(change.subject, change.text)
            else:
                self.ticketStatusChanged.emit(change.subject, change.new)
        self._set_tickets(tickets)
        if banners != self.announcements:
            self.announcements = banners
            self.announcementsChanged.emit(banners)
        self.polled.emit()

    def _set_tickets(self, tickets: list) -> None:
        self.tickets = tickets
        self.ticketsChanged.emit(tickets)
        unread = sum(row.unread for row in tickets)
        if unread != self.unread:
            self.unread = unread
            self.unreadChanged.emit(unread)

    def tickets_changed(self) -> None:
        """Reload the ticket list (after sending one, a reply, or marking them read)."""
        assistant = self.assistant
        if assistant is not None:
            self.workers.submit(assistant.desk.tickets, self._set_tickets)

    def mark_read(self) -> None:
        assistant = self.assistant
        if assistant is not None:
            self.workers.submit(lambda: (assistant.desk.mark_read(), assistant.desk.tickets())[1],
                                self._set_tickets)

    def booking_available(self) -> bool:
        return self.assistant is not None and self.assistant.board.available

    def helpdesk_contact(self) -> str:
        if self.assistant is None:
            return ""
        helpdesk = self.assistant.policy.helpdesk
        parts = [p for p in (helpdesk.phone, helpdesk.email, helpdesk.hours) if p]
        return " · ".join(parts)

    # -- windows ------------------------------------------------------------------------
    def window(self, name: str):
        if name not in self.windows:
            if name == "chat":
                from desktop.ui.chat import ChatWindow as cls  # noqa: PLC0415
            elif name == "tickets":
                from desktop.ui.tickets_view import TicketsWindow as cls  # noqa: PLC0415
            elif name == "settings":
                from desktop.ui.settings_view import SettingsWindow as cls  # noqa: PLC0415
            else:
                from desktop.ui.booking_view import BookingWindow as cls  # noqa: PLC0415
            self.windows[name] = cls(self)
        return self.windows[name]

    def _show(self, name: str):
        window = self.window(name)
        window.show()
        window.raise_()
        window.activateWindow()
        return window

    def show_chat(self):
        """Bring the chat forward where the user left it (guided steps, a form...)."""
        chat = self._show("chat")
        if chat.stack.currentWidget() is chat.answer_page:
            chat.focus_question()
        return chat

    def toggle_chat(self) -> None:
        chat = self.windows.get("chat")
        if chat is not None and chat.isVisible():
            chat.hide()
        else:
            self.show_chat()

    def show_tickets(self):
        return self._show("tickets")

    def show_settings(self):
        return self._show("settings")

    def show_booking(self, topic: str = ""):
        window = self._show("booking")
        window.load(topic)
        return window

    def save_conversation(self) -> None:
        """At quit (or logout): keep the conversation and any guided steps in progress."""
        if self.assistant is None or self._saved:
            return
        self._saved = True
        chat = self.windows.get("chat")
        walk = getattr(getattr(chat, "tree_page", None), "walk", None)
        if walk is not None and (walk.state.outcome is not None or chat.stack.currentWidget() is chat.answer_page):
            walk = None
        try:
            self.assistant.save_conversation(walk)
        except OSError as exc:
            log.warning("conversation not saved: %s", exc)

    def quit(self) -> None:
        self.save_conversation()
        self.timer.stop()
        if self.live is not None:
            self.live.stop()
        if self.sync is not None:
            self.sync.stop()
        if self.tray is not None:
            self.tray.hide()
        QApplication.quit()


def run(argv: list[str] | None = None, minimised: bool = False) -> int:
    """Start the tray app (or tell the running one to show itself)."""
    started = time.perf_counter()
    qapp = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    qapp.setApplicationName("Helpdesk Assistant")
    qapp.setOrganizationName("Helpdesk Assistant")
    qapp.setDesktopFileName("helpdesk-assistant")
    qapp.setQuitOnLastWindowClosed(False)
    from desktop.ui.instance import SingleInstance  # noqa: PLC0415

    guard = SingleInstance()
    if guard.notify_running():
        print("Helpdesk Assistant is already running: its window was brought to the front.")
        return 0
    set_language("")
    app = HelpdeskApp()
    guard.activated.connect(app.show_chat)
    qapp.aboutToQuit.connect(app.save_conversation)      # also at logout
    timings = os.environ.get("HELPDESK_UI_TIMINGS")
    if timings:
        app.trayShown.connect(lambda: _note(timings, "tray_shown", started))
        app.ready.connect(lambda: _note(timings, "ready", started))
    app.start(minimised)
    quit_on_signals(qapp, app.quit)
    if not minimised and app.use_tray:
        app.show_chat()                        # launched by hand: show the window at once
    code = qapp.exec()
    guard.close()
    return code


def quit_on_signals(qapp: QApplication, quit_app: Callable[[], None]) -> QTimer:
    """End as Quit does (conversation saved, tray icon removed) on SIGTERM (logout, `kill`)
    and SIGINT (Ctrl+C in a terminal), instead of dying mid-write. Python runs signal
    handlers only between bytecodes, so a timer wakes it while Qt waits for events."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: quit_app())
    wake = QTimer(qapp)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    return wake


def _note(path: str, event: str, started: float) -> None:
    """For bench/ui_bench.py: the wall-clock time of `event`, and seconds since run()."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{event} {time.time():.4f} {time.perf_counter() - started:.4f}\n")
