"""Export or print the journal from the window: a PDF summary for a therapy session, a
spreadsheet (CSV), or a complete copy (JSON) that mtcalm can read back; the same files the
``mtcalm export`` command writes.

The file is written on a background thread over a connection of its own, whole or not at all
(a temporary file, then its name), so a long journal never stalls the window and a failure
never leaves half a file. Where it goes is the person's choice; a file already there is
replaced only after the file chooser has asked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.export_json import ExportFailed, ExportPeriod, write_export_file
from mtcalm.journal.file import JournalError
from mtcalm.journal.store import Journal
from mtcalm.ui.library_worker import BackgroundTask
from mtcalm.ui.text import plain_label

FORMATS = ("pdf", "csv", "json")
PERIOD_DAYS = (28, 91, 365, None)  # the last 4 weeks, 3 months (the default), a year, all
DEFAULT_PERIOD = 1

PathChooser = Callable[[QWidget, str, str, str], str]
JournalOpener = Callable[[], Journal]  # another connection, for the writing thread


def choose_with_file_dialog(parent: QWidget, title: str, suggested: str, kinds: str) -> str:
    """The file chooser of the desktop; '' when the person cancels. It asks before a file
    that exists is replaced.
    """
    chosen, _ = QFileDialog.getSaveFileName(parent, title, suggested, kinds)
    return chosen


def write_export(
    journal_path: Path,
    output: Path,
    kind: str,
    period: ExportPeriod,
    notes: bool,
    open_journal: JournalOpener | None = None,
) -> None:
    """Write ``kind`` of the journal at ``journal_path`` to ``output`` (replacing it: the
    person agreed in the file chooser). Runs on any thread: it opens its own connection
    (with ``open_journal`` when given: a journal held in memory has no path to open).
    """
    opened = open_journal() if open_journal else Journal.open(journal_path, create=False)
    with opened as journal:
        if kind == "pdf":
            from mtcalm.ui.report_pdf import write_report_pdf

            write_report_pdf(
                journal, output, since=period.since, until=period.until, include_notes=notes
            )
            return
        from mtcalm.journal.export_csv import write_csv
        from mtcalm.journal.export_json import write_json

        writer = write_csv if kind == "csv" else write_json

        def fill(temporary: Path) -> None:
            with temporary.open("wb") as stream:
                writer(journal, stream, period, include_notes=notes)

        write_export_file(output, fill, replace=True)


class ExportDialog(QDialog):
    """Choose what to make, of which sessions, with or without notes; then where."""

    def __init__(
        self,
        journal: Journal,
        parent: QWidget | None = None,
        *,
        choose_path: PathChooser = choose_with_file_dialog,
        today: Callable[[], date] = date.today,
        formats: Sequence[str] = FORMATS,
        open_journal: JournalOpener | None = None,
    ) -> None:
        super().__init__(parent)
        self._journal_path = journal.path
        self._open_journal = open_journal
        self._choose_path = choose_path
        self._today = today
        self._task: BackgroundTask | None = None
        self.written: Path | None = None
        self.setWindowTitle(self.tr("Export or print your journal"))
        column = QVBoxLayout(self)
        column.setContentsMargins(24, 20, 24, 20)
        column.setSpacing(12)
        column.addWidget(plain_label(self.tr("What to make"), "heading"))
        self.kind_group = QButtonGroup(self)
        self.kinds: dict[str, QRadioButton] = {}
        for index, (kind, text) in enumerate(
            (
                ("pdf", self.tr("A summary to print or bring to a session (PDF)")),
                ("csv", self.tr("A spreadsheet of the numbers (CSV)")),
                ("json", self.tr("A complete copy that mtcalm can read back (JSON)")),
            )
        ):
            button = QRadioButton(text)
            self.kind_group.addButton(button, index)
            self.kinds[kind] = button
            column.addWidget(button)
            button.setVisible(kind in formats)
        self.kinds["pdf"].setChecked(True)
        self.period = QComboBox()
        for text in (
            self.tr("The last 4 weeks"),
            self.tr("The last 3 months"),
            self.tr("The last 12 months"),
            self.tr("Everything"),
        ):
            self.period.addItem(text)
        self.period.setCurrentIndex(DEFAULT_PERIOD)
        period_label = QLabel(self.tr("Which sessions"))
        period_label.setBuddy(self.period)
        row = QHBoxLayout()
        row.addWidget(period_label)
        row.addWidget(self.period, 1)
        column.addLayout(row)
        self.notes = QCheckBox(self.tr("Include notes and reflections"))
        self.notes.setChecked(True)
        self.notes.setToolTip(self.tr("Leave this off to share the numbers without your words"))
        column.addWidget(self.notes)
        self.status = plain_label("", "muted")
        column.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton(self.tr("Choose where to save…"))
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        for action in (self.save_button, self.close_button):
            action.setAutoDefault(False)
            buttons.addWidget(action)
        column.addLayout(buttons)

    def chosen_kind(self) -> str:
        return FORMATS[max(0, self.kind_group.checkedId())]

    def chosen_period(self) -> ExportPeriod:
        days = PERIOD_DAYS[self.period.currentIndex()]
        if days is None:
            return ExportPeriod()
        today = self._today()
        return ExportPeriod(today - timedelta(days=days - 1), today)

    def save(self) -> None:
        """Ask where, then write there on a background thread."""
        if self._task is not None and self._task.running:
            return
        kind = self.chosen_kind()
        kinds = {
            "pdf": self.tr("PDF documents (*.pdf)"),
            "csv": self.tr("Spreadsheets (*.csv)"),
            "json": self.tr("mtcalm journal copies (*.json)"),
        }[kind]
        suggested = str(Path.home() / f"mtcalm-{self._today().isoformat()}.{kind}")
        chosen = self._choose_path(self, self.tr("Save the export as"), suggested, kinds)
        if not chosen:
            return
        output = Path(chosen)
        if not output.suffix:
            output = output.with_suffix(f".{kind}")
        period, notes, journal_path, open_journal = (
            self.chosen_period(),
            self.notes.isChecked(),
            self._journal_path,
            self._open_journal,
        )

        def job(_progress: Callable[[object], None], _cancel: threading.Event) -> Path:
            try:
                write_export(journal_path, output, kind, period, notes, open_journal)
            except ExportFailed as error:
                raise RuntimeError(error.long) from error
            except JournalError as error:
                raise RuntimeError(error.long) from error
            except OSError as error:
                raise RuntimeError(str(error)) from error
            return output

        self.status.setText(self.tr("Writing %1…").replace("%1", output.name))
        self.save_button.setEnabled(False)
        task = BackgroundTask(job, self, name="mtcalm-export")
        task.finished.connect(self._written)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def done(self, result: int) -> None:
        if self._task is not None and self._task.running:
            self._task.join()  # a file half-way is finished, never abandoned
        super().done(result)

    def _written(self, output: object) -> None:
        assert isinstance(output, Path)
        self.written = output
        self.save_button.setEnabled(True)
        self.status.setText(self.tr("Saved: %1").replace("%1", str(output)))

    def _failed(self, reason: str) -> None:
        self.save_button.setEnabled(True)
        self.status.setText(self.tr("Nothing was saved. %1").replace("%1", reason))
