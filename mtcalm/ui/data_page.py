"""Your data: where everything is kept, the backups, "Back up now" and "Restore…".

Copies and restores run on a background thread with the page saying what is happening; while
a restore runs the journal is closed, so the window keeps the person on this page until it is
open again (``busy_changed``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QWidget,
)

from mtcalm.journal.backups import Backup, BackupFailed, BackupKind
from mtcalm.journal.file import JournalError
from mtcalm.journal.restore import (
    JournalFacts,
    Restored,
    RestoreRefused,
    inspect_journal,
    restore_journal,
)
from mtcalm.ui.daily_backup import DailyBackup
from mtcalm.ui.layout import card, scrolling_page
from mtcalm.ui.library_playlists import list_style
from mtcalm.ui.library_worker import BackgroundJob, BackgroundTask
from mtcalm.ui.text import plain_label, plural, tr, when_text
from mtcalm.workspace import Workspace

LIST_ROWS_SHOWN = 6


class DataDialogs:
    """The file chooser and the confirmation the page asks; a test passes one that answers."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def choose_backup_file(self, folder: Path) -> Path | None:
        filters = f"{tr('mtcalm journals and backups')} (*.sqlite3);;{tr('All files')} (*)"
        chosen, _ = QFileDialog.getOpenFileName(
            self.parent, tr("Restore from a file"), str(folder), filters
        )
        return Path(chosen) if chosen else None

    def confirm_restore(self, text: str) -> bool:
        box = QMessageBox(self.parent)
        box.setWindowTitle(tr("Restore your journal?"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # it names files: plain text
        box.setText(tr("Restore your journal from this copy?"))
        box.setInformativeText(text)
        go = box.addButton(tr("Restore"), QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)  # the safe choice has the focus
        box.exec()
        return box.clickedButton() is go


class DataPage(QWidget):
    """Where the data lives, the backups, and making or restoring one."""

    busy_changed = Signal(bool)  # a copy or restore runs: the window keeps the person here
    journal_replaced = Signal()  # a restore finished: everything read from the journal is stale
    back_requested = Signal()  # opened from the journal problem page, and going back to it

    def __init__(
        self,
        workspace: Workspace,
        daily_backup: DailyBackup,
        dialogs: DataDialogs | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.daily_backup = daily_backup
        self.dialogs = dialogs or DataDialogs(self)
        self._task: BackgroundTask | None = None
        self._backups: list[Backup] = []
        layout = scrolling_page(self)
        top = QHBoxLayout()
        top.addWidget(plain_label(tr("Your data"), "title"), 1)
        self.back_button = QPushButton(tr("Back"))
        self.back_button.setProperty("role", "quiet")
        self.back_button.clicked.connect(self.back_requested.emit)
        self.back_button.hide()
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(
            plain_label(
                tr(
                    "Everything mtcalm keeps stays on this computer, in one folder that only "
                    "you can read."
                ),
                "muted",
            )
        )
        layout.addWidget(self._build_place())
        layout.addWidget(self._build_backups())
        layout.addStretch(1)

    # -- building -----------------------------------------------------------------------------

    def _build_place(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Where it is kept"), "heading"))
        self.folder_label = plain_label("")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.journal_label = plain_label("")
        layout.addWidget(self.journal_label)
        row = QHBoxLayout()
        self.open_folder_button = QPushButton(tr("Open the folder"))
        self.open_folder_button.setProperty("role", "quiet")
        self.open_folder_button.clicked.connect(self._open_folder)
        row.addWidget(self.open_folder_button)
        row.addStretch(1)
        layout.addLayout(row)
        return frame

    def _build_backups(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Backups"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "mtcalm copies your journal once a day, when a session ends or the app "
                    "closes, and keeps the copies of the last 7 days and 4 weeks. Copies you "
                    "make yourself, and those made before an upgrade or a restore, are kept "
                    "until you delete them."
                ),
                "muted",
            )
        )
        self.latest_label = plain_label("")
        layout.addWidget(self.latest_label)
        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName(tr("Backups, newest first"))
        self.backup_list.setStyleSheet(list_style())
        self.backup_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.backup_list.itemActivated.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.backup_list)
        row = QHBoxLayout()
        self.back_up_button = QPushButton(tr("Back up now"))
        self.back_up_button.setProperty("role", "primary")
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(tr("Restore this copy…"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button = QPushButton(tr("Restore from a file…"))
        self.restore_file_button.setProperty("role", "quiet")
        self.restore_file_button.clicked.connect(self.restore_from_file)
        for button in (self.back_up_button, self.restore_button, self.restore_file_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status = plain_label("", "notice")
        self.status.setAccessibleName(tr("What happened"))
        layout.addWidget(self.status)
        return frame

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the folder and the journal again and show them."""
        workspace = self.workspace
        self.folder_label.setText(tr("Folder: %1").replace("%1", str(workspace.data_dir)))
        self.journal_label.setText(self._journal_text())
        self._backups = workspace.backups()
        self.backup_list.clear()
        for backup in self._backups:
            item = QListWidgetItem(self._backup_text(backup))
            item.setToolTip(str(backup.path))
            self.backup_list.addItem(item)
        rows = min(max(len(self._backups), 1), LIST_ROWS_SHOWN)
        self.backup_list.setFixedHeight(self.backup_list.sizeHintForRow(0) * rows + 12)
        self.latest_label.setText(self._latest_text())
        self._update_buttons()

    def _journal_text(self) -> str:
        workspace = self.workspace
        name = workspace.journal_path.name
        if workspace.journal is None:
            problem = workspace.journal_problem.short if workspace.journal_problem else ""
            return tr("Journal: %1 (%2)").replace("%1", name).replace("%2", problem.lower())
        summary = workspace.journal.summary()
        size = _size_text(workspace.journal_path)
        sessions = plural(summary.sessions, tr("one session"), tr("%n sessions"))
        if summary.first is None or summary.newest is None:
            return tr("Journal: %1, no sessions yet").replace("%1", name)
        return (
            tr("Journal: %1, %2 from %3 to %4 (%5)")
            .replace("%1", name)
            .replace("%2", sessions)
            .replace("%3", _date_text(summary.first))
            .replace("%4", _date_text(summary.newest))
            .replace("%5", size)
        )

    def _latest_text(self) -> str:
        if self.daily_backup.problem:
            return tr("The last daily copy could not be made: %1").replace(
                "%1", self.daily_backup.problem
            )
        if not self._backups:
            return tr("There are no copies yet. The first is made when a session ends.")
        return tr("Newest copy: %1").replace("%1", self._backup_text(self._backups[0]))

    def _backup_text(self, backup: Backup) -> str:
        kinds = {
            BackupKind.DAILY: tr("daily copy"),
            BackupKind.MANUAL: tr("made by you"),
            BackupKind.BEFORE_RESTORE: tr("kept before a restore"),
            BackupKind.UPGRADE: tr("kept before an upgrade"),
        }
        text = f"{when_text(backup.made_at)} · {kinds[backup.kind]} · {_size(backup.size)}"
        if backup.journal_stem != self.workspace.journal_path.stem:
            text += " · " + tr("of %1").replace("%1", backup.journal_stem + ".sqlite3")
        return text

    def _update_buttons(self) -> None:
        busy = self.busy
        usable = self.workspace.journal is not None
        self.back_up_button.setEnabled(not busy and usable)
        self.back_button.setEnabled(not busy)
        self.restore_button.setEnabled(not busy and self.backup_list.currentRow() >= 0)
        self.restore_file_button.setEnabled(not busy)
        self.backup_list.setEnabled(not busy)

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def say(self, text: str) -> None:
        self.status.setText(text)

    def set_back_visible(self, visible: bool) -> None:
        """Shown when the page was opened because the journal could not be."""
        self.back_button.setVisible(visible)

    def focus_first(self) -> None:
        first = self.back_up_button if self.back_up_button.isEnabled() else self.restore_file_button
        if self.backup_list.count() and self.workspace.journal is None:
            self.backup_list.setCurrentRow(0)
            first = self.restore_button  # the journal could not be opened: restoring is the way
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- backing up --------------------------------------------------------------------------

    def back_up_now(self) -> None:
        if self.busy or self.workspace.journal is None:
            return
        workspace = self.workspace

        def job(progress: object, cancel: threading.Event) -> Path | BackupFailed:
            try:
                return workspace.back_up_now()
            except BackupFailed as failed:
                return failed

        self.say(tr("Making a copy of your journal…"))
        self._run(job, self._backed_up)

    def _backed_up(self, result: object) -> None:
        self._done()
        if isinstance(result, Path):
            self.say(tr("A copy was made: %1, in the backups folder.").replace("%1", result.name))
        elif isinstance(result, BackupFailed):
            self.say(tr("No copy was made. %1").replace("%1", result.long))
        self.refresh()

    # -- restoring ---------------------------------------------------------------------------

    def restore_selected(self) -> None:
        row = self.backup_list.currentRow()
        if not self.busy and 0 <= row < len(self._backups):
            self.restore(self._backups[row].path)

    def restore_from_file(self) -> None:
        if self.busy:
            return
        chosen = self.dialogs.choose_backup_file(self.workspace.backups_dir)
        if chosen is not None:
            self.restore(chosen)

    def restore(self, source: Path) -> None:
        """Check ``source`` off the UI thread, ask, then restore it."""

        def job(progress: object, cancel: threading.Event) -> JournalFacts | str:
            try:
                return inspect_journal(source, thorough=True)
            except JournalError as error:
                return f"{error.short}. {error.long}"

        self.say(tr("Checking %1…").replace("%1", source.name))
        self._run(job, lambda result: self._checked(source, result))

    def _checked(self, source: Path, result: object) -> None:
        self._done()
        if not isinstance(result, JournalFacts):
            self.say(tr("Nothing was restored: %1").replace("%1", str(result)))
            return
        if not self.dialogs.confirm_restore(self._restore_question(result)):
            self.say(tr("Nothing was restored."))
            return
        self.daily_backup.wait()
        self.workspace.close_journal()
        journal_path = self.workspace.journal_path

        def job(progress: object, cancel: threading.Event) -> Restored | RestoreRefused:
            try:
                return restore_journal(source, journal_path)
            except RestoreRefused as refused:
                return refused

        self.say(tr("Restoring your journal…"))
        self._run(job, self._restored)

    def _restore_question(self, facts: JournalFacts) -> str:
        copy = plural(facts.sessions, tr("one session"), tr("%n sessions"))
        lines = [tr("The copy holds %1").replace("%1", copy)]
        if facts.newest is not None:
            lines[0] += tr(", the newest from %1").replace("%1", _date_text(facts.newest))
        lines[0] += "."
        journal = self.workspace.journal
        if journal is not None:
            now = journal.summary()
            held = plural(now.sessions, tr("one session"), tr("%n sessions"))
            lines.append(tr("Your journal now holds %1.").replace("%1", held))
            newer = now.newest is not None and (facts.newest is None or now.newest > facts.newest)
            if newer or now.sessions > facts.sessions:
                lines.append(
                    tr(
                        "Sessions in your journal now that are not in the copy will not be in "
                        "the restored journal."
                    )
                )
        lines.append(
            tr("Your journal as it is now is kept as a backup first, so you can go back to it.")
        )
        return "\n\n".join(lines)

    def _restored(self, result: object) -> None:
        self._done()
        self.workspace.reopen_journal()
        self.journal_replaced.emit()
        if isinstance(result, RestoreRefused):
            self.say(tr("Nothing was restored. %1").replace("%1", result.long))
        elif isinstance(result, Restored):
            sessions = plural(result.facts.sessions, tr("one session"), tr("%n sessions"))
            kept = result.replaced_kept_as
            text = tr("Your journal was restored: %1.").replace("%1", sessions)
            if kept is not None:
                text += " " + tr("The journal it replaced was kept as %1.").replace("%1", kept.name)
            self.say(text)
        self.refresh()

    # -- running jobs --------------------------------------------------------------------------

    def _run(self, job: BackgroundJob, on_finished: Callable[[object], None]) -> None:
        self._task = BackgroundTask(job, self, name="mtcalm-your-data")
        self._task.finished.connect(on_finished)
        self._task.failed.connect(self._failed)
        self._task.start()
        self._update_buttons()
        self.busy_changed.emit(True)

    def _done(self) -> None:
        if self._task is not None:
            self._task.join()
        self._task = None
        self._update_buttons()
        self.busy_changed.emit(False)

    def _failed(self, text: str) -> None:
        self._done()
        if self.workspace.journal is not None:
            self.workspace.reopen_journal()
        self.say(tr("Something went wrong: %1").replace("%1", text))
        self.refresh()

    def shutdown(self) -> None:
        """Wait for a copy or restore in progress (closing never leaves one half done)."""
        if self._task is not None:
            self._task.join()

    def _open_folder(self) -> None:
        folder = self.workspace.backups_dir
        if not folder.is_dir():
            folder = self.workspace.data_dir
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def _date_text(moment: datetime) -> str:
    return moment.strftime("%d %b %Y")


def _size(size: int) -> str:
    return QLocale().formattedDataSize(size)


def _size_text(path: Path) -> str:
    try:
        return _size(path.stat().st_size)
    except OSError:
        return "?"
