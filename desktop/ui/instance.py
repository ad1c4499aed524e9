"""One tray app per user: a second launch asks the first to show its window, then exits.

    guard = SingleInstance()
    if guard.notify_running():      # another instance got the message: just exit
        return 0
    guard.activated.connect(app.show_chat)

The server name includes the user and the data folder (HELPDESK_HOME), so tests and
portable installs with their own folder do not see each other.
"""
from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from desktop import paths

MESSAGE = b"show\n"


def server_name() -> str:
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001
        user = "user"
    folder = hashlib.sha1(str(paths.data_home()).encode()).hexdigest()[:10]
    return f"helpdesk-assistant-{user}-{folder}"


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name or server_name()
        self.server: QLocalServer | None = None

    def notify_running(self, timeout_ms: int = 500) -> bool:
        """True if another instance is running (and was told to show itself)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(timeout_ms):
            socket.write(MESSAGE)
            socket.flush()
            socket.waitForBytesWritten(timeout_ms)
            socket.disconnectFromServer()
            return True
        self._listen()
        return False

    def _listen(self) -> None:
        QLocalServer.removeServer(self.name)          # a stale socket left by a crash
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.UserAccessOption)
        self.server.newConnection.connect(self._on_connection)
        self.server.listen(self.name)

    def _on_connection(self) -> None:
        while self.server is not None and self.server.isListening() and self.server.hasPendingConnections():
            connection = self.server.nextPendingConnection()
            connection.readyRead.connect(lambda c=connection: self._read(c))
            connection.disconnected.connect(connection.deleteLater)

    def _read(self, connection: QLocalSocket) -> None:
        if bytes(connection.readAll().data()).startswith(MESSAGE.strip()):
            self.activated.emit()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
