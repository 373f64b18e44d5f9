"""Background work for the GUI: one serial worker for everything that touches the library.

A task runs a core function off the main thread and delivers its result, or its
exception, back on the main thread through Qt signals (as Anki and Picard do). Tasks run
one after another, never two at once: the library is not thread-safe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Signals(QObject):
    finished = Signal(object)
    failed = Signal(object)


class _Task(QRunnable):
    def __init__(self, function: Callable[[], Any]) -> None:
        super().__init__()
        self.function = function
        self.signals = _Signals()

    def run(self) -> None:
        try:
            result = self.function()
        except Exception as error:  # delivered to the caller, who shows it
            log.exception("background task failed")
            self.signals.failed.emit(error)
        else:
            self.signals.finished.emit(result)


class ProgressReporter(QObject):
    """Progress from a background task to the main thread: call `report` from any thread,
    connect to `changed` on the main thread (Qt queues the signal across threads)."""

    changed = Signal(int, int, str)  # done, total, what

    def report(self, done: int, total: int, what: object = "") -> None:
        self.changed.emit(done, total, str(what))


class SerialWorker(QObject):
    """Runs tasks one at a time on a single background thread."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._running = 0
        self._tasks: set[_Task] = set()

    def submit(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        task = _Task(function)
        task.setAutoDelete(False)
        self._tasks.add(task)

        def finish(handler: Callable[[Any], None], value: Any) -> None:
            self._tasks.discard(task)
            self._running -= 1
            if not self._running:
                self.busy_changed.emit(False)
            handler(value)

        task.signals.finished.connect(lambda result: finish(on_done, result))
        task.signals.failed.connect(lambda error: finish(on_error, error))
        self._running += 1
        if self._running == 1:
            self.busy_changed.emit(True)
        self._pool.start(task)

    def wait(self, milliseconds: int = 30000) -> bool:
        return self._pool.waitForDone(milliseconds)


class CpuWorker(SerialWorker):
    """Runs CPU-bound tasks that do not touch the library (writing a built pack), beside
    the serial library worker, so that the library stays usable meanwhile."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool.setMaxThreadCount(max(1, QThreadPool.globalInstance().maxThreadCount() - 1))
