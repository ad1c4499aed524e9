"""Running facade calls off the GUI thread and getting the result back on it (and
`focus_later`, for focus on widgets built a moment ago).

    workers = Workers()
    workers.submit(lambda: assistant.ask(text, record=False), show_reply, show_error)

`fn` runs on a `QThreadPool` thread; `on_done(result)` or `on_error(exception)` then runs
on the GUI thread, delivered by a queued signal of a `Dispatcher` that lives there. The
engine gets its own one-thread pool ("ask") so typing never waits behind a slow ITSM.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)


class Dispatcher(QObject):
    """Lives on the GUI thread; calls callbacks there with what a worker produced."""

    deliver = Signal(object, object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.deliver.connect(self._deliver)

    def _deliver(self, callback: Callable[[Any], None] | None, value: Any) -> None:
        if callback is not None:
            try:
                callback(value)
            except RuntimeError as exc:          # the window was closed meanwhile
                log.debug("late result dropped: %s", exc)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], on_done, on_error, dispatcher: Dispatcher):
        super().__init__()
        self.fn, self.on_done, self.on_error, self.dispatcher = fn, on_done, on_error, dispatcher

    def run(self) -> None:
        try:
            value = self.fn()
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the GUI
            log.debug("background job failed", exc_info=True)
            self.dispatcher.deliver.emit(self.on_error or _log_error, exc)
            return
        self.dispatcher.deliver.emit(self.on_done, value)


def _log_error(exc: Exception) -> None:
    log.warning("background job failed: %s", exc)


class Workers:
    def __init__(self, parent: QObject | None = None):
        self.dispatcher = Dispatcher(parent)
        self.ask_pool = QThreadPool()
        self.ask_pool.setMaxThreadCount(1)
        self.io_pool = QThreadPool()
        self.io_pool.setMaxThreadCount(3)

    def submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[Exception], None] | None = None, engine: bool = False) -> None:
        pool = self.ask_pool if engine else self.io_pool
        pool.start(_Job(fn, on_done, on_error, self.dispatcher))

    def wait(self, msecs: int = 5000) -> bool:
        return self.ask_pool.waitForDone(msecs) and self.io_pool.waitForDone(msecs)


def focus_later(widget) -> None:
    """Give `widget` the keyboard focus once the event loop has shown it (a widget built
    just now is not visible yet, and Qt ignores focus for hidden widgets)."""
    def take() -> None:
        try:
            if widget.isVisible():
                widget.setFocus()
        except RuntimeError:                  # deleted meanwhile
            pass
    QTimer.singleShot(0, take)
