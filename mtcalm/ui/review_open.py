"""Opening a client's export for review: choose the file, read it on a background thread with
a calm "Reading…" and a Cancel, then show it in a review window of its own.

A file that is not an export this mtcalm reads is said to be so in a plain message (the short
and long text of :class:`ImportRefused`, as plain text, never a traceback) and no window opens.
Each export opened gets a new window and a new journal in memory: nothing is shared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.import_json import ImportRefused
from mtcalm.journal.review import ReviewCancelled, open_export_for_review
from mtcalm.journal.store import Journal
from mtcalm.ui.export_dialog import PathChooser, choose_with_file_dialog
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.review_window import ReviewWindow
from mtcalm.ui.text import plain_label, tr

Loader = Callable[[Path, Callable[[], bool]], Journal]  # open_export_for_review's shape
FileChooser = Callable[[QWidget], str]


def choose_export_file(parent: QWidget) -> str:
    """The desktop's file chooser for a JSON export; '' when the person cancels."""
    chosen, _ = QFileDialog.getOpenFileName(
        parent,
        tr("Open a client's journal export"),
        str(Path.home()),
        tr("mtcalm journal exports (*.json);;All files (*)"),
    )
    return chosen


class ReviewOpening(QDialog):
    """ "Reading <file>…" with a Cancel, while the export is read on a background thread.

    Afterwards :attr:`journal` holds the export read into memory, or :attr:`refused` why it
    could not be (both None when the person cancelled).
    """

    def __init__(
        self, path: Path, parent: QWidget | None = None, load: Loader = open_export_for_review
    ) -> None:
        super().__init__(parent)
        self.journal: Journal | None = None
        self.refused: ImportRefused | None = None
        self._ended = False
        self.setWindowTitle(self.tr("Opening a client's journal"))
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(12)
        self.status = plain_label(self.tr("Reading %1…").replace("%1", path.name))
        self.status.setMinimumWidth(360)
        column.addWidget(self.status)
        column.addWidget(
            plain_label(
                self.tr("It is read into memory only: nothing is added to your own journal."),
                "muted",
            )
        )
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # how long is not known: a calm, moving bar
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName(self.tr("Reading"))
        column.addWidget(self.bar)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        row.addWidget(self.cancel_button)
        column.addLayout(row)

        def job(_progress: ProgressCallback, cancel: threading.Event) -> object:
            try:
                return load(path, cancel.is_set)
            except ImportRefused as refused:
                return refused
            except ReviewCancelled:
                return None

        self.task = BackgroundTask(job, self, name="mtcalm-review-open")
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)

    def start(self) -> None:
        self.task.start()

    def reject(self) -> None:
        """Cancel (or Esc, or closing): the reading is asked to stop; the dialog ends when it
        has (a journal read meanwhile is closed, not shown).
        """
        if self._ended:
            super().reject()
            return
        self.task.cancel()
        self.status.setText(self.tr("Stopping…"))
        self.cancel_button.setEnabled(False)

    def _finished(self, result: object) -> None:
        self._ended = True
        if isinstance(result, Journal):
            if self.task.cancelled:
                result.close()
                super().reject()
                return
            self.journal = result
            self.accept()
            return
        if isinstance(result, ImportRefused) and not self.task.cancelled:
            self.refused = result
        super().reject()

    def _failed(self, message: str) -> None:
        self._ended = True
        if not self.task.cancelled:
            self.refused = ImportRefused(tr("The export could not be read"), message)
        super().reject()


def tell_refused(parent: QWidget, refused: ImportRefused) -> QMessageBox:
    """The plain message for an export that cannot be reviewed (shown, not waited for)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(tr("mtcalm"))
    box.setText(refused.short)
    box.setInformativeText(refused.long)
    box.setTextFormat(Qt.TextFormat.PlainText)  # after both texts: it applies to both
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def review_file(
    path: Path,
    parent: QWidget,
    *,
    load: Loader = open_export_for_review,
    choose_path: PathChooser = choose_with_file_dialog,
    today: Callable[[], date] = date.today,
) -> ReviewWindow | None:
    """Read the export at ``path`` (a "Reading…" with Cancel meanwhile) and show it in a new
    review window; None when it was refused (the person is told why) or cancelled.
    """
    opening = ReviewOpening(path, parent, load)
    opening.start()
    opening.exec()
    journal, refused = opening.journal, opening.refused
    opening.deleteLater()
    if journal is None:
        if refused is not None:
            tell_refused(parent, refused)
        return None
    window = ReviewWindow(journal, path, parent, choose_path=choose_path, today=today)
    window.show()
    return window


def choose_and_review(parent: QWidget, *, choose: FileChooser | None = None) -> ReviewWindow | None:
    """Ask for a client's export (with ``choose``, by default a file dialog), then open it for
    review (None: nothing chosen or opened)."""
    chosen = (choose or choose_export_file)(parent)
    if not chosen:
        return None
    return review_file(Path(chosen), parent)
