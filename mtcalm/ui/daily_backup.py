"""The daily copy of the journal, made off the UI thread when a session ends or the app closes.

At most one copy a day; the last 7 daily and 4 weekly copies are kept (see
:mod:`mtcalm.journal.backups`). Never on the start-up path, never blocking the window: when
the app closes the window is hidden first, and a quit on a signal (a logout) does not wait.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject

from mtcalm.journal.backups import BackupFailed
from mtcalm.ui.library_worker import BackgroundTask
from mtcalm.workspace import Workspace

STOP_WAIT_SECONDS = 0.5  # on a quick quit, how long a copy in progress may take to stop


class DailyBackup(QObject):
    """Makes today's copy when asked, if it is due; remembers why the last attempt failed."""

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workspace = workspace
        self._task: BackgroundTask | None = None
        self.problem = ""  # why the last daily copy could not be made, for "Your data"

    @property
    def running(self) -> bool:
        return self._task is not None and self._task.running

    def start_if_due(self) -> None:
        """Begin today's copy on a background thread (nothing happens if one runs or is done)."""
        if self.running or self._workspace.journal is None:
            return
        workspace = self._workspace

        def job(progress: object, cancel: threading.Event) -> str:
            try:
                workspace.daily_backup(should_stop=cancel.is_set)
            except BackupFailed as failed:
                return failed.long
            return ""

        self._task = BackgroundTask(job, self, name="mtcalm-daily-backup")
        self._task.finished.connect(self._finished)
        self._task.start()

    def _finished(self, problem: object) -> None:
        self.problem = str(problem)

    def wait(self) -> None:
        """Let a copy in progress finish (before a restore replaces the journal)."""
        if self._task is not None:
            self._task.join()

    def finish_on_close(self, *, quickly: bool) -> None:
        """On closing: finish today's copy; on a quick quit, stop one in progress instead."""
        task = self._task
        if quickly:
            if task is not None:
                task.stop(timeout=STOP_WAIT_SECONDS)
            return
        if task is not None:
            task.join()
        if self._workspace.journal is None:
            return
        try:
            self._workspace.daily_backup()
        except BackupFailed as failed:
            self.problem = failed.long
