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
    QVBoxLayout,
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
from mtcalm.ui.layout import READABLE_WIDTH, FlowLayout, bring_into_view, card, scrolling_page
from mtcalm.ui.library_widgets import list_style
from mtcalm.ui.library_worker import BackgroundJob, BackgroundTask
from mtcalm.ui.text import plain_label, plain_tooltip, plural, tr
from mtcalm.workspace import Workspace

LIST_ROWS_SHOWN = 4
STATUS_PADDING = 24  # the notice's padding, above and below
QUICK_WAIT_SECONDS = 0.5
LIST_ROW_PADDING = 14  # the list style's padding above and below a row's text
LIST_FRAME = 8


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

    def choose_homework_file(self) -> Path | None:
        filters = f"{tr('Homework packages')} (*.mtcalm-homework);;{tr('All files')} (*)"
        chosen, _ = QFileDialog.getOpenFileName(
            self.parent, tr("Add homework from a file"), str(Path.home()), filters
        )
        return Path(chosen) if chosen else None

    def confirm_restore(self, text: str) -> bool:
        box = QMessageBox(self.parent)
        box.setWindowTitle(tr("Restore your journal?"))
        box.setTextFormat(Qt.TextFormat.PlainText)  # it may name a file: plain text
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
    homework_file_chosen = Signal(Path)  # a therapist's package to preview and import
    make_homework_requested = Signal()  # the therapist's homework editor
    review_requested = Signal()  # a client's journal export, read apart from this one

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
        self._started_by: QPushButton | None = None  # focus goes back to it when a job ends
        self._restoring_name = ""  # how the restore question names the copy
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        top = QHBoxLayout()
        top.addWidget(plain_label(tr("Your data"), "title"), 1)
        self.back_button = QPushButton(tr("Back"))
        self.back_button.setProperty("role", "quiet")
        self.back_button.clicked.connect(lambda: None if self.busy else self.back_requested.emit())
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
        layout.addWidget(self._build_backups())  # what the person comes for, first
        layout.addWidget(self._build_homework())
        layout.addWidget(self._build_place())
        layout.addWidget(self._build_for_therapists())
        about_row = QHBoxLayout()
        self.about_button = QPushButton(tr("About mtcalm"))
        self.about_button.setProperty("role", "quiet")
        self.about_button.clicked.connect(self._show_about)
        about_row.addWidget(self.about_button)
        about_row.addStretch(1)
        layout.addLayout(about_row)
        layout.addStretch(1)

    # -- building -----------------------------------------------------------------------------

    def _build_homework(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Homework from your therapist"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "A therapist can send listening homework as one file. You see what it "
                    "holds before anything is added. You can also drop the file on this window."
                ),
                "muted",
            )
        )
        row = QHBoxLayout()
        self.homework_button = QPushButton(tr("Add homework from a file…"))
        self.homework_button.clicked.connect(self._choose_homework)
        row.addWidget(self.homework_button)
        row.addStretch(1)
        layout.addLayout(row)
        return frame

    def _build_for_therapists(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("For therapists"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "Make listening homework for a client as one file to send them, or read "
                    "a client's journal export with them. Nothing here changes your own "
                    "journal, and nothing of a client's export is kept."
                ),
                "muted",
            )
        )
        row = FlowLayout(spacing=8)  # the buttons wrap when narrow or at a large text scale
        self.make_homework_button = QPushButton(tr("Make homework for a client…"))
        self.make_homework_button.clicked.connect(self.make_homework_requested.emit)
        row.addWidget(self.make_homework_button)
        self.review_button = QPushButton(tr("Review a client's journal…"))
        self.review_button.setToolTip(
            tr("Read a client's journal export (JSON), apart from your own: nothing of it is kept")
        )
        self.review_button.clicked.connect(self.review_requested.emit)
        row.addWidget(self.review_button)
        layout.addLayout(row)
        return frame

    def _choose_homework(self) -> None:
        chosen = self.dialogs.choose_homework_file()
        if chosen is not None:
            self.homework_file_chosen.emit(chosen)

    def _build_place(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Where it is kept"), "heading"))
        self.folder_label = plain_label("")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setAccessibleName(tr("Your data folder"))
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
                    "Each day you use mtcalm, a copy of your journal is made; the copies of "
                    "the last 7 days and 4 weeks are kept. Copies you make are kept until you "
                    "delete them."
                ),
                "muted",
            )
        )
        self.latest_label = plain_label("", "muted")  # only when the daily copy failed
        self.latest_label.hide()
        layout.addWidget(self.latest_label)
        self.backup_list = QListWidget()
        self.backup_list.setAccessibleName(tr("Backups, newest first"))
        self.backup_list.setStyleSheet(list_style())
        self.backup_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.backup_list.setTextElideMode(Qt.TextElideMode.ElideRight)  # the full text: tooltip
        rows_height = self.backup_list.fontMetrics().height() + LIST_ROW_PADDING
        self.backup_list.setFixedHeight(rows_height * LIST_ROWS_SHOWN + LIST_FRAME)  # never grows
        self.backup_list.currentRowChanged.connect(lambda _row: self._update_buttons())
        self.backup_list.itemActivated.connect(lambda _item: self.restore_selected())
        layout.addWidget(self.backup_list)
        row = QHBoxLayout()
        self.back_up_button = QPushButton(tr("Back up now"))
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
        # The result goes right under the buttons, in a place kept for it: it never moves them.
        self.status_place = QWidget()
        place = QVBoxLayout(self.status_place)
        place.setContentsMargins(0, 0, 0, 0)
        self.status = plain_label("", "notice")
        self.status.setAccessibleName(tr("What happened"))
        self.status.hide()
        place.addWidget(self.status, 0, Qt.AlignmentFlag.AlignTop)
        lines = self.status.fontMetrics().lineSpacing() * 2 + STATUS_PADDING
        self.status_place.setMinimumHeight(lines)
        layout.addWidget(self.status_place)
        return frame

    # -- showing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the folder and the journal again and show them."""
        workspace = self.workspace
        self.folder_label.setText(tr("Folder: %1").replace("%1", str(workspace.data_dir)))
        self.journal_label.setText(self._journal_text())
        self.journal_label.setToolTip(
            plain_tooltip(f"{workspace.journal_path.name} · {_size_text(workspace.journal_path)}")
        )
        self._backups = workspace.backups()
        self.backup_list.clear()
        for backup in self._backups:
            item = QListWidgetItem(self._backup_text(backup))
            item.setToolTip(plain_tooltip(backup.path.name))
            self.backup_list.addItem(item)
        restorable = [n for n, b in enumerate(self._backups) if b.kind is not BackupKind.DAMAGED]
        if restorable:
            self.backup_list.setCurrentRow(restorable[0])  # selected, and so visibly so
        self.latest_label.setText(self._latest_text())
        self.latest_label.setVisible(bool(self.latest_label.text()))
        recovering = workspace.journal is None  # nothing to copy: restoring is the way
        for button, main in (
            (self.back_up_button, not recovering),
            (self.restore_button, recovering),
        ):
            button.setProperty("role", "primary" if main else "")
            button.style().unpolish(button)
            button.style().polish(button)
        self._update_buttons()

    def _journal_text(self) -> str:
        workspace = self.workspace
        if workspace.journal is None:
            problem = workspace.journal_problem.short if workspace.journal_problem else ""
            return tr("Your journal: it cannot be opened (%1).").replace("%1", problem.lower())
        summary = workspace.journal.summary()
        if summary.first is None or summary.newest is None:
            return tr("Your journal: no sessions yet.")
        sessions = plural(summary.sessions, tr("one session"), tr("%n sessions"))
        return (
            tr("Your journal: %1, from %2 to %3.")
            .replace("%1", sessions)
            .replace("%2", _date_text(summary.first))
            .replace("%3", _date_text(summary.newest))
        )

    def _latest_text(self) -> str:
        if self.daily_backup.problem:
            return tr("The last daily copy could not be made: %1").replace(
                "%1", self.daily_backup.problem
            )
        if not self._backups:
            return tr("There are no copies yet. The first is made when a session ends.")
        return ""

    def _backup_text(self, backup: Backup) -> str:
        text = f"{backup.made_at:%a %d %b %Y, %H:%M:%S} · {_kind_text(backup.kind)}"
        if backup.journal_stem != self.workspace.journal_path.stem:
            text += " · " + tr("of an earlier journal")
        return text

    def _update_buttons(self) -> None:
        """Enable what can be done. While a job runs nothing is disabled (that would send the
        focus, and the page's scroll, elsewhere): the actions wait, and the result line says
        what is happening.
        """
        usable = self.workspace.journal is not None
        self.back_up_button.setEnabled(usable)
        chosen = self._chosen()
        self.restore_button.setEnabled(chosen is not None and chosen.kind is not BackupKind.DAMAGED)

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def _chosen(self) -> Backup | None:
        row = self.backup_list.currentRow()
        return self._backups[row] if 0 <= row < len(self._backups) else None

    def say(self, text: str) -> None:
        """The result, under the buttons, in its kept place."""
        self.status.setText(text)
        self.status.setVisible(bool(text))
        if text:
            bring_into_view(self.status_place)  # scrolls only if it cannot be seen

    def set_back_visible(self, visible: bool) -> None:
        """Shown when the page was opened because the journal could not be."""
        self.back_button.setVisible(visible)

    def focus_first(self) -> None:
        if self.workspace.journal is None:  # the journal could not be opened: restoring is the way
            first = self.restore_button if self.restore_button.isEnabled() else None
            first = first or self.restore_file_button
            bring_into_view(self.backup_list)
        else:
            first = self.back_up_button
        first.setFocus(Qt.FocusReason.OtherFocusReason)
        bring_into_view(first)

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
        self._run(job, self._backed_up, self.back_up_button)

    def _backed_up(self, result: object) -> None:
        self._done()
        self.refresh()
        if isinstance(result, Path):
            self.say(tr("A copy of your journal was made. It is at the top of the list."))
            self.status.setToolTip(plain_tooltip(result.name))
        elif isinstance(result, BackupFailed):
            self.say(tr("No copy was made. %1").replace("%1", result.long))
        self._focus_back()

    # -- restoring ---------------------------------------------------------------------------

    def restore_selected(self) -> None:
        chosen = self._chosen()
        if not self.busy and chosen is not None and chosen.kind is not BackupKind.DAMAGED:
            name = tr("The copy from %1 (%2)").replace(
                "%1", f"{chosen.made_at:%a %d %b %Y, %H:%M:%S}"
            )
            self.restore(chosen.path, name.replace("%2", _kind_text(chosen.kind)))

    def restore_from_file(self) -> None:
        if self.busy:
            return
        chosen = self.dialogs.choose_backup_file(self.workspace.backups_dir)
        if chosen is not None:
            self.restore(chosen, tr("The file %1").replace("%1", chosen.name))

    def restore(self, source: Path, name: str = "") -> None:
        """Check ``source`` off the UI thread, ask, then restore it."""
        self._restoring_name = name or tr("The copy")

        def job(progress: object, cancel: threading.Event) -> JournalFacts | str:
            try:
                return inspect_journal(source, thorough=True)
            except JournalError as error:
                return error.long

        self.say(tr("Checking the copy…"))
        started_by = self.restore_file_button if name.startswith(tr("The file")) else None
        self._run(job, lambda result: self._checked(source, result), started_by)

    def _checked(self, source: Path, result: object) -> None:
        self._done()
        if not isinstance(result, JournalFacts):
            self.say(tr("Nothing was restored: %1").replace("%1", str(result)))
            self._focus_back()
            return
        if not self.dialogs.confirm_restore(self._restore_question(result)):
            self.say(tr("Nothing was restored."))
            self._focus_back()
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
        self._run(job, self._restored, self._started_by)

    def _restore_question(self, facts: JournalFacts) -> str:
        copy = plural(facts.sessions, tr("one session"), tr("%n sessions"))
        lines = [tr("%1 holds %2").replace("%1", self._restoring_name).replace("%2", copy)]
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
        else:
            lines.append(
                tr("The journal that cannot be opened is kept, as it is, in the list of backups.")
            )
        return "\n\n".join(lines)

    def _restored(self, result: object) -> None:
        self._done()
        self.workspace.reopen_journal()
        self.journal_replaced.emit()
        self.refresh()
        if isinstance(result, RestoreRefused):
            self.say(tr("Nothing was restored. %1").replace("%1", result.long))
        elif isinstance(result, Restored):
            sessions = plural(result.facts.sessions, tr("one session"), tr("%n sessions"))
            text = tr("Your journal was restored: it holds %1.").replace("%1", sessions)
            if result.replaced_kept_as is not None:
                text += " " + tr("The journal it replaced is kept in the list.")
                self.status.setToolTip(plain_tooltip(result.replaced_kept_as.name))
            self.say(text)
        self._focus_back()

    # -- running jobs --------------------------------------------------------------------------

    def _run(
        self,
        job: BackgroundJob,
        on_finished: Callable[[object], None],
        started_by: QPushButton | None = None,
    ) -> None:
        self._started_by = started_by or self.restore_button
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

    def _focus_back(self) -> None:
        """Focus goes back where it was when the job began (it was disabled meanwhile)."""
        for candidate in (self._started_by, self.back_up_button, self.restore_file_button):
            if candidate is not None and candidate.isVisible() and candidate.isEnabled():
                candidate.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _failed(self, text: str) -> None:
        self._done()
        if self.workspace.journal is not None:
            self.workspace.reopen_journal()
        self.say(tr("Something went wrong: %1").replace("%1", text))
        self.refresh()

    def shutdown(self, *, quickly: bool = False) -> None:
        """On closing: let a copy or restore in progress finish (a quick quit waits a moment
        only; both are all or nothing, so one cut short leaves nothing half done). Its news is
        dropped: the window is going.
        """
        if self._task is not None:
            self._task.stop(timeout=QUICK_WAIT_SECONDS if quickly else None)

    def _open_folder(self) -> None:
        folder = self.workspace.backups_dir
        if not folder.is_dir():
            folder = self.workspace.data_dir
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def _show_about(self) -> None:
        """What mtcalm is and is not, over this page."""
        from mtcalm.ui.about import show_about

        show_about(self)


def _kind_text(kind: BackupKind) -> str:
    return {
        BackupKind.DAILY: tr("daily copy"),
        BackupKind.MANUAL: tr("made by you"),
        BackupKind.BEFORE_RESTORE: tr("kept before a restore"),
        BackupKind.DAMAGED: tr("the journal that could not be opened, kept as it was"),
        BackupKind.UPGRADE: tr("kept before an upgrade"),
    }[kind]


def _date_text(moment: datetime) -> str:
    return moment.strftime("%d %b %Y")


def _size(size: int) -> str:
    return QLocale().formattedDataSize(size)


def _size_text(path: Path) -> str:
    try:
        return _size(path.stat().st_size)
    except OSError:
        return "?"
