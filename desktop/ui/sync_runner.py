"""Keeping the knowledge base current while the tray app runs.

Where the policy names a sync server, `desktop.sync.Scheduler` runs on its own thread
(first run within a minute, then every `sync.interval_minutes` with jitter and back-off).
When it installs a new snapshot, `updated` fires on the GUI thread and the app re-opens
the knowledge base off the GUI thread; the old one keeps answering until then.

    runner = SyncRunner(policy)
    runner.updated.connect(app.reload_knowledge_base)
    runner.start(); ...; runner.stop()
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


def _scheduler(policy, on_update):
    from desktop.sync import Scheduler  # noqa: PLC0415 - requests and friends only when sync is set up

    return Scheduler(policy, on_update=on_update)


class SyncRunner(QObject):
    updated = Signal(str)                     # the installer's message ("version 12 installed")

    def __init__(self, policy, scheduler_factory: Callable = _scheduler, parent: QObject | None = None):
        super().__init__(parent)
        self.policy = policy
        self.factory = scheduler_factory
        self.stop_event = threading.Event()
        self.thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return bool(self.policy.sync.url)

    def _on_update(self, result) -> None:
        """Runs on the scheduler's thread: the signal carries it to the GUI thread."""
        log.info("new knowledge base installed: %s", result.message)
        self.updated.emit(result.message)

    def start(self) -> bool:
        if not self.enabled or self.thread is not None:
            return False
        scheduler = self.factory(self.policy, self._on_update)
        self.thread = threading.Thread(target=scheduler.run, args=(self.stop_event,),
                                       name="helpdesk-sync", daemon=True)
        self.thread.start()
        return True

    def stop(self, timeout: float = 2.0) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
