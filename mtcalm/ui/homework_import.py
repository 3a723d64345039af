"""Bringing a therapist's homework package in from the window: a preview first, then the import.

The package is checked whole before anything is shown (:func:`read_package`); the preview shows
what it holds and what it will change, in plain text (everything in it comes from a file), and
asks, with "Cancel" the choice that has the focus. The import itself (unpacking its music can
take a while) runs on a background thread over a journal connection of its own, all or nothing,
as ``mtcalm import`` does.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.homework.install import HomeworkRefused, Imported, install_package, read_package
from mtcalm.homework.manifest import Content, Homework
from mtcalm.homework.package import content_titles
from mtcalm.ui.item_words import item_title
from mtcalm.ui.layout import fit_to_content
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.text import plain_label, plural, tr

if TYPE_CHECKING:
    from mtcalm.ui.main_window import MainWindow

PREVIEW_WIDTH = 560


def schedule_words(homework: Homework) -> str:
    """The schedule in one plain sentence, the date as the person's language writes it."""
    schedule = homework.schedule
    starts = QDate(schedule.starts.year, schedule.starts.month, schedule.starts.day)
    text = (
        tr("%1 a week for %2, from the week of %3, at least %4 each")
        .replace("%1", plural(schedule.sessions_per_week, tr("%n session"), tr("%n sessions")))
        .replace("%2", plural(schedule.weeks, tr("%n week"), tr("%n weeks")))
        .replace("%3", QLocale().toString(starts, QLocale.FormatType.LongFormat))
        .replace("%4", plural(schedule.minimum_minutes, tr("%n minute"), tr("%n minutes")))
    )
    if schedule.preferred_times:
        times = ", ".join(moment.strftime("%H:%M") for moment in schedule.preferred_times)
        text += tr("; reminders at %1").replace("%1", times)
    return text + "."


def preview_sections(
    homework: Homework, titles: Mapping[str, str] | None = None
) -> list[tuple[str, list[str]]]:
    """What the preview shows, heading by heading (each line plain text); ``titles`` names
    mtcalm's own playlists and scripts by their ref ("playlist:settle": "Settle").
    """
    titles = titles or {}
    therapist = homework.therapist
    sections = [
        (tr("From"), [therapist.name, *([therapist.reach] if therapist.reach else [])]),
        (tr("What to do"), [homework.instructions or tr("No instructions were written.")]),
        (tr("How often"), [schedule_words(homework)]),
        (tr("To listen to"), [_content_title(item, titles) for item in homework.content]),
    ]
    if homework.checkin_items:
        sections.append(
            (
                tr("Asked in your check-in"),
                [item_title(item) for item in homework.checkin_items],
            )
        )
    if homework.contacts:
        sections.append(
            (
                tr("Added to your support contacts"),
                [" · ".join(part for part in (c.name, c.reach) if part) for c in homework.contacts],
            )
        )
    if homework.avoid:
        sections.append((tr("Flagged to avoid"), [track.title for track in homework.avoid]))
    return sections


def _content_title(item: Content, titles: Mapping[str, str]) -> str:
    if item.kind == "ref":
        return titles.get(item.value, item.value)
    title = titles.get(item.value, Path(item.value).stem)
    return tr("%1 (comes with this homework)").replace("%1", title)


class HomeworkPreview(QDialog):
    """What a package holds and what importing it changes; "Cancel" has the focus.

    With ``preview_only`` (the therapist's editor showing what the client will see) the same
    dialog offers no way to add the homework, only "Close preview".
    """

    def __init__(
        self,
        homework: Homework,
        parent: QWidget | None = None,
        titles: Mapping[str, str] | None = None,
        *,
        preview_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Homework from your therapist"))
        self.setMinimumWidth(PREVIEW_WIDTH)
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 20, 24, 8)
        column.setSpacing(8)
        column.addWidget(plain_label(homework.title, "title"))
        column.addWidget(
            plain_label(
                tr(
                    "Adding it changes only what is listed here, and you can change or remove "
                    "each part afterwards: the questions in the check-in, the people under "
                    "Get support, the flags under My music."
                ),
                "muted",
            )
        )
        for heading, lines in preview_sections(homework, titles):
            column.addWidget(plain_label(heading, "heading"))
            for line in lines:
                column.addWidget(plain_label(line))
        column.addStretch(1)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        buttons = QDialogButtonBox()
        self.add_button = buttons.addButton(
            tr("Add this homework"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = buttons.addButton(tr("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.add_button.setAutoDefault(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.setContentsMargins(24, 0, 24, 0)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 20)
        outer.addWidget(scroll, 1)
        outer.addWidget(buttons)
        self.cancel_button.setDefault(True)
        self.cancel_button.setFocus()
        if preview_only:
            self.add_button.hide()
            self.cancel_button.setText(tr("Close preview"))

    def showEvent(self, event: QShowEvent) -> None:
        """Open tall enough to show everything when the screen has room for it."""
        super().showEvent(event)
        fit_to_content(self, self.scroll_area)


Ask = Callable[[Homework, Mapping[str, str]], bool]  # the package's own content's titles


def ask_with_preview(window: MainWindow) -> Ask:
    def ask(homework: Homework, package_titles: Mapping[str, str]) -> bool:
        catalogue = window.catalogue
        titles = {item.ref: item.title for item in catalogue.all_playlists()}
        titles.update({script.ref: script.title for script in catalogue.scripts})
        titles.update(package_titles)
        preview = HomeworkPreview(homework, window, titles)
        return preview.exec() == QDialog.DialogCode.Accepted

    return ask


class HomeworkImporter(QObject):
    """Reads a package, asks with a preview, and imports it on a background thread."""

    imported = Signal(object)  # Imported, once the journal holds it
    failed = Signal(str)

    def __init__(self, window: MainWindow, ask: Ask | None = None) -> None:
        super().__init__(window)
        self._window = window
        self._ask = ask or ask_with_preview(window)
        self._task: BackgroundTask | None = None
        self._asking = False  # a preview is open

    @property
    def busy(self) -> bool:
        return self._task is not None and self._task.running

    def import_file(self, path: Path) -> None:
        """Check ``path``, show what it holds, and import it if the person says so."""
        window = self._window
        if self.busy or self._asking:
            return  # one package at a time: the preview open (or the import running) first
        try:
            homework, _ = read_package(path)
            titles = content_titles(path, homework)
        except HomeworkRefused as refused:
            window.tell(refused.short, refused.long)
            self.failed.emit(refused.short)
            return
        except OSError as error:
            window.tell(tr("The file cannot be read"), error.strerror or str(error))
            self.failed.emit(str(error))
            return
        self._asking = True
        try:
            if not self._ask(homework, titles):
                return
        finally:
            self._asking = False
        workspace = window.workspace
        journal_path, data_dir = workspace.journal_path, workspace.data_dir

        def job(_progress: ProgressCallback, _cancel: threading.Event) -> Imported:
            from mtcalm.journal.store import Journal

            with Journal.open(journal_path) as journal:
                return install_package(path, data_dir, journal)

        task = BackgroundTask(job, self, name="mtcalm-homework-import")
        task.finished.connect(self._done)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def stop(self) -> None:
        if self._task is not None:
            self._task.stop(timeout=30.0)  # an import is never cut short: it ends or rolls back

    def _done(self, result: object) -> None:
        if not isinstance(result, Imported):
            return
        homework, window = result.homework, self._window
        window.sections.flags_changed_elsewhere()  # Home reads the programme in progress too
        if not result.already_there and not window.in_session:
            window.show_home()  # at its top, the focus where the homework now is
            window.home.focus_homework()
        if result.already_there:
            window.tell(
                tr("This homework is here already"),
                tr("“%1” was added before; nothing was changed.").replace("%1", homework.title),
            )
        else:
            window.tell(
                tr("The homework was added"),
                tr("“%1” from %2 is now in mtcalm.")
                .replace("%1", homework.title)
                .replace("%2", homework.therapist.name),
            )
        self.imported.emit(result)

    def _failed(self, message: str) -> None:
        self._window.tell(tr("The homework could not be added"), message)
        self.failed.emit(message)
