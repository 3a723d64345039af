"""A slow job (a library scan, a backup) on a background thread, its news on the UI thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance

ProgressCallback = Callable[[object], None]
BackgroundJob = Callable[[ProgressCallback, threading.Event], object]

PROGRESS_INTERVAL_SECONDS = 0.05  # news at most this often: thousands of files stay smooth


class BackgroundTask(QObject):
    """Run ``job(progress, cancel)`` once on a daemon thread.

    ``progressed``, ``finished`` and ``failed`` arrive on the thread this object lives on
    (the UI thread). A daemon thread never keeps the app from quitting; :meth:`stop` asks the
    job to end through ``cancel`` and waits for it.
    """

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    # Emitted on the job's thread; queued on to the signals above, on this object's thread.
    _relay_progress = Signal(object)
    _relay_finished = Signal(object)
    _relay_failed = Signal(str)

    def __init__(
        self, job: BackgroundJob, parent: QObject | None = None, name: str = "mtcalm-library-scan"
    ) -> None:
        super().__init__(parent)
        self._job = job
        self._name = name
        self.cancel_event = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_progress = 0.0
        self._stopped = False
        queued = Qt.ConnectionType.QueuedConnection
        self._relay_progress.connect(self.progressed, queued)
        self._relay_finished.connect(self.finished, queued)
        self._relay_failed.connect(self.failed, queued)

    @property
    def running(self) -> bool:
        """Whether the job's thread is still alive."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("a background task runs once")
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def cancel(self) -> None:
        self.cancel_event.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the job to end on its own; whether it did within ``timeout`` seconds."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def stop(self, timeout: float | None = 10.0) -> bool:
        """Cancel, wait for the thread to end and drop any news still on its way.

        Returns whether the thread ended within ``timeout`` seconds.
        """
        self.cancel_event.set()
        if not self._stopped:
            self._stopped = True
            for signal in (self._relay_progress, self._relay_finished, self._relay_failed):
                signal.disconnect()
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running

    def _run(self) -> None:
        try:
            result = self._job(self._progress, self.cancel_event)
        except Exception as error:  # any failure is told to the person, never raised
            self._emit(self._relay_failed, str(error) or type(error).__name__)
        else:
            self._emit(self._relay_finished, result)

    def _progress(self, news: object) -> None:
        moment = time.monotonic()
        if moment - self._last_progress >= PROGRESS_INTERVAL_SECONDS:
            self._last_progress = moment
            self._emit(self._relay_progress, news)

    @staticmethod
    def _emit(signal: SignalInstance, value: object) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the page was closed and this object deleted meanwhile
            return
