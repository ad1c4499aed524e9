"""Keeping the knowledge base current while the tray app runs.

Where the policy names a sync server, `desktop.sync.Scheduler` runs on its own thread
(first run within a minute, then every `sync.interval_minutes` with jitter and back-off).
Statistics go with each cycle only while the user's Settings agree.
When it installs a new snapshot, `updated` fires on the GUI thread and the app re-opens
the knowledge base off the GUI thread; the old one keeps answering until then.

    runner = SyncRunner(policy)
    runner.updated.connect(app.reload_knowledge_base)
    runner.start(); ...; runner.stop()
"""
from __future__ import annotations

import logging
import threading
from dataclasses import replace
from typing import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


def without_stats(policy):
    """The same policy with statistics off: the user said no in Settings."""
    from desktop.policy import Section  # noqa: PLC0415

    return replace(policy, privacy=Section({**policy.privacy.values, "stats": False}))


def _scheduler(policy, on_update, stats_wanted: Callable[[], bool] = lambda: True):
    from desktop.sync import Scheduler, run_cycle  # noqa: PLC0415 - requests only when sync is set up

    def cycle():
        """Update the snapshot; send statistics only while the user agrees (checked each time)."""
        return run_cycle(policy if stats_wanted() else without_stats(policy))
    return Scheduler(policy, job=cycle, on_update=on_update)


class SyncRunner(QObject):
    updated = Signal(str)                     # the installer's message ("version 12 installed")

    def __init__(self, policy, scheduler_factory: Callable = _scheduler, parent: QObject | None = None,
                 stats_wanted: Callable[[], bool] = lambda: True):
        super().__init__(parent)
        self.policy = policy
        self.factory = scheduler_factory
        self.stats_wanted = stats_wanted
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
        if self.factory is _scheduler:
            scheduler = _scheduler(self.policy, self._on_update, self.stats_wanted)
        else:
            scheduler = self.factory(self.policy, self._on_update)
        self.thread = threading.Thread(target=scheduler.run, args=(self.stop_event,),
                                       name="helpdesk-sync", daemon=True)
        self.thread.start()
        return True

    def stop(self, timeout: float = 2.0) -> None:
        self.stop_event.set()
        if self.thread is not None:
            self.thread.join(timeout)
