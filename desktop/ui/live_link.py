"""The app's one live conversation with the helpdesk, brought to the GUI thread.

    link = LiveLink(app)                  # made by the app once the assistant is ready
    link.event.connect(page.on_event)     # every LiveChat event, on the GUI thread
    link.begin(start)                     # start (the install's credential is fetched off the GUI thread)
    link.send("It drops every 10 minutes")

A conversation left open at the last quit is followed again at start-up. When an agent
writes while the chat window is hidden, the tray says so.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop import paths
from desktop.handoff.live_chat import LiveChat
from desktop.ui.tray import notice_text

FILE = "live_chat.json"


class LiveLink(QObject):
    event = Signal(dict)
    failed = Signal(str)

    def __init__(self, app) -> None:
        super().__init__(app)
        self.app = app
        self.chat = LiveChat(None, paths.data_home() / FILE, self.event.emit)
        self.event.connect(self._notify)

    @property
    def available(self) -> bool:
        """Live chat is set up: a helpdesk server, and the policy does not turn it off."""
        policy = self.app.assistant.policy if self.app.assistant is not None else None
        return bool(policy is not None and policy.sync.url and policy.helpdesk.chat)

    def _connected(self):
        if self.chat.client is None:
            from desktop.sync.credentials import install_client  # noqa: PLC0415

            self.chat.client = install_client(self.app.assistant.policy)
        return self.chat

    def resume(self) -> None:
        """Follow again a conversation open at the last quit."""
        if self.chat.following and self.available:
            self.app.workers.submit(lambda: self._connected().follow(), None,
                                    lambda exc: self.failed.emit(str(exc)))

    def availability(self, team: str, done, failed) -> None:
        self.app.workers.submit(lambda: self._connected().availability(team), done, failed)

    def begin(self, prepare, done, failed) -> None:
        """`prepare()` gives LiveChat.start's arguments: it runs on the engine's thread, after
        the conversation's last turn is recorded; the server is called on an I/O thread."""
        def call(start: dict) -> None:
            self.app.workers.submit(lambda: self._connected().start(**start), done, failed)
        self.app.workers.submit(prepare, call, failed, engine=True)

    def send(self, text: str) -> int:
        return self.chat.send(text)

    def typing(self) -> None:
        self.chat.typing()

    def end(self) -> None:
        self.chat.end()

    def forget(self) -> None:
        self.app.workers.submit(self.chat.forget)

    def stop(self) -> None:
        self.chat.stop()

    def _notify(self, event: dict) -> None:
        if event.get("type") != "message" or event.get("sender") != "agent":
            return
        window = self.app.windows.get("chat")
        if window is not None and window.isVisible() and window.isActiveWindow():
            return
        tray = self.app.tray
        if tray is not None:
            who = event.get("author") or self.tr("The helpdesk")
            text = event.get("text", "") if event.get("kind") == "text" else self.tr("sent you something to open")
            tray.showMessage(self.tr("%s answered in the chat") % who, notice_text(text), self.app.icon, 10000)
