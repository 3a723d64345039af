"""The therapist's homework editor: build a package from mtcalm's content and their own audio,
preview it as the client will see it, and save it as one file. No account, no server.

The form is :class:`~mtcalm.ui.homework_editor_form.EditorForm`; the draft, its manifest and
the package are :mod:`mtcalm.homework.draft` and :mod:`mtcalm.homework.draft_package`, without
Qt. Saving runs on a background thread (a therapist's own audio can be hundreds of megabytes).
A problem is said in the section it is in, with the focus moved there; never a traceback.
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.homework.draft import (
    Draft,
    DraftProblem,
    manifest_text,
    new_draft,
    new_id,
    own_playlist_name,
)
from mtcalm.homework.draft_package import Built, build_package, draft_from_package
from mtcalm.homework.manifest import PACKAGE_SUFFIX, read_manifest
from mtcalm.homework.package import PackageExists
from mtcalm.playlists import Playlist
from mtcalm.scripts import Script
from mtcalm.ui import theme
from mtcalm.ui.ask import ask_yes_no
from mtcalm.ui.homework_editor_form import EditorForm
from mtcalm.ui.homework_editor_parts import focus_on, selectable
from mtcalm.ui.homework_import import HomeworkPreview
from mtcalm.ui.layout import READABLE_WIDTH, FlowLayout, scrolling_page
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.text import plain_label, tr

AUDIO_FILTER = "Audio (*.ogg *.opus *.flac *.mp3 *.wav)"


class HomeworkEditor(QDialog):
    """Make a homework package: one scrolling form, its actions always in view.

    The file dialogs and questions are attributes (``choose_output``, ``choose_audio_files``,
    ``choose_package``, ``ask``) so a test can answer them as a person would.
    """

    saved = Signal(object)  # Built, once the package is written

    def __init__(
        self,
        playlists: Sequence[Playlist],
        scripts: Sequence[Script],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Make homework for a client"))
        self.form = EditorForm(playlists, scripts)
        self._draft_id: str | None = None  # given at the first save of a new programme
        self._revision = 1
        self._playlist_name = ""
        self._audio_dir: tempfile.TemporaryDirectory[str] | None = None
        self._task: BackgroundTask | None = None
        self.preview: HomeworkPreview | None = None
        self.choose_output: Callable[[str], Path | None] = self._choose_output
        self.choose_audio_files: Callable[[], list[Path]] = self._choose_audio_files
        self.choose_package: Callable[[], Path | None] = self._choose_package
        self.ask: Callable[[str, str, str, str], bool] = lambda *words: ask_yes_no(self, *words)
        self._build()
        self.form.fill(new_draft())  # four weeks from next Monday, 3 sessions of 15 minutes
        self.form.add_audio_requested.connect(self.add_audio_files)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._show_focused)
        self._kept = self._current()

    def _build(self) -> None:
        page = QWidget()
        inner = scrolling_page(page, max_width=READABLE_WIDTH)
        inner.addWidget(plain_label(tr("Make homework for a client"), "title"))
        inner.addWidget(
            plain_label(
                tr(
                    "Choose what to listen to and how often, then save it as one file to send "
                    "by email or on a USB stick. Your client opens it in mtcalm."
                ),
                "muted",
            )
        )
        inner.addWidget(self.form)
        scroll = page.findChild(QScrollArea)
        assert scroll is not None
        self.scroll_area = scroll
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.open_button = QPushButton(tr("Open a package…"))
        self.preview_button = QPushButton(tr("Preview as your client will see it"))
        self.save_button = QPushButton(tr("Save package…"))
        self.save_button.setProperty("role", "primary")
        self.close_button = QPushButton(tr("Close"))
        self.close_button.setProperty("role", "quiet")
        self.open_button.clicked.connect(self.open_package)
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        for button in (self.open_button, self.preview_button, self.save_button):
            button.setAutoDefault(False)
        self.status = selectable(plain_label(""))
        self.status.setAccessibleName(tr("What happened"))
        self.status.hide()  # shown with something to say: at a large scale every line counts
        footer = QFrame()
        footer.setFrameShape(QFrame.Shape.NoFrame)
        footer.setObjectName("editorActions")
        footer.setStyleSheet(
            f"#editorActions {{ border-top: 1px solid {theme.BORDER}; }}"  # the form ends here
        )
        actions = QVBoxLayout(footer)
        actions.setContentsMargins(theme.PAGE_MARGIN, 8, theme.PAGE_MARGIN, 16)
        row = FlowLayout(spacing=theme.SPACING)
        for button in (self.save_button, self.preview_button, self.open_button, self.close_button):
            row.addWidget(button)
        actions.addLayout(row)
        actions.addWidget(self.status)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(page, 1)
        outer.addWidget(footer)

    def _status(self, text: str) -> None:
        """What happened, beside the buttons (the line takes no room while empty)."""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Keep the control the keyboard reached in view, clear of the buttons below."""
        if new is not None and self.form.isAncestorOf(new):
            self.scroll_area.ensureWidgetVisible(new, 16, 48)

    def showEvent(self, event: QShowEvent) -> None:
        """Open inside the screen, at the top of the form, the title field focused."""
        super().showEvent(event)
        room = self.screen().availableGeometry()
        frame = 24  # the window's frame, kept inside the screen too
        self.resize(
            min(READABLE_WIDTH + 40, room.width() - frame), min(760, room.height() * 9 // 10)
        )
        if self.parentWidget() is None:
            self.move(room.center() - self.rect().center())
        self.scroll_area.verticalScrollBar().setValue(0)
        self.form.title.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- the draft ------------------------------------------------------------------------------

    def _current(self, draft_id: str = "") -> Draft:
        return self.form.read(draft_id, self._revision, self._playlist_name)

    @property
    def changed(self) -> bool:
        """Whether the form holds anything not saved (or opened) yet."""
        return self._current() != self._kept

    def _draft(self, *, keep_id: bool) -> Draft | None:
        """The draft, its manifest found sound; None when a problem was shown instead."""
        self.form.clear_problems()
        draft_id = self._draft_id or new_id(self.form.title.text())
        if keep_id:
            self._draft_id = draft_id
        draft = self._current(draft_id)
        try:
            manifest_text(draft)
        except DraftProblem as problem:
            self._say(problem)
            return None
        return draft

    # -- actions --------------------------------------------------------------------------------

    def add_audio_files(self) -> None:
        """Add audio files the therapist chooses; one mtcalm cannot play is refused, said why."""
        from mtcalm.audio.metadata import AudioFileError, read_audio_info

        refused = []
        for path in self.choose_audio_files():
            try:
                info = read_audio_info(path)
            except AudioFileError as error:
                refused.append(f"{path.name}: {error.short}. {error.long}")
                continue
            self.form.add_audio(path, info.title)
        if refused:
            self.form.show_problem(
                "own_audio",
                tr("These files cannot be used, so they were not added: %1").replace(
                    "%1", " ".join(refused)
                ),
            )
        else:
            self.form.clear_problems()

    def show_preview(self) -> None:
        """Show the dialog the client sees before adding the homework, as they will see it."""
        draft = self._draft(keep_id=False)
        if draft is None:
            return
        homework = read_manifest(manifest_text(draft).encode("utf-8"))
        titles = {playlist.ref: playlist.title for playlist in self.form.playlists}
        titles.update({script.ref: script.title for script in self.form.scripts})
        if draft.own_audio:  # the package's own playlist, by the title the client will see
            title = " ".join(draft.own_playlist_title.split()) or " ".join(draft.title.split())
            titles[own_playlist_name(draft)] = title
        if self.preview is not None:
            self.preview.deleteLater()
        self.preview = HomeworkPreview(homework, self, titles, preview_only=True)
        self.preview.open()

    def save(self) -> None:
        """Ask where, ask before replacing, then write the package on a background thread."""
        if self._task is not None and self._task.running:
            return
        draft = self._draft(keep_id=True)
        if draft is None:
            return
        chosen = self.choose_output(draft.title)
        if chosen is None:
            return
        output = (
            chosen
            if chosen.name.endswith(PACKAGE_SUFFIX)
            else chosen.with_name(chosen.name + PACKAGE_SUFFIX)
        )
        replace = False
        if output.exists():
            if not self.ask(
                tr("Replace the file?"),
                tr("%1 exists already. Replace it with this homework?").replace("%1", str(output)),
                tr("Replace it"),
                tr("Keep it"),
            ):
                return
            replace = True

        def job(_progress: ProgressCallback, _cancel: threading.Event) -> object:
            try:
                return build_package(draft, output, replace)
            except DraftProblem as problem:
                return problem
            except PackageExists:
                return DraftProblem("package", f"{output} exists already; nothing was saved.")

        self._set_busy(True)
        self._status(tr("Saving…"))
        self._task = task = BackgroundTask(job, self, name="mtcalm-homework-save")
        task.finished.connect(lambda result: self._saved(result, draft))
        task.failed.connect(lambda message: self._saved(DraftProblem("package", message), draft))
        task.start()

    def _saved(self, result: object, draft: Draft) -> None:
        self._set_busy(False)
        if isinstance(result, DraftProblem):
            self._say(result, tr("Nothing was saved."))
            return
        if not isinstance(result, Built):
            return
        self._status(
            tr("Saved to %1. Send this file to your client.").replace("%1", str(result.path))
        )
        self.save_button.setFocus(Qt.FocusReason.OtherFocusReason)  # it was off while saving
        self._kept = self._current()
        self.saved.emit(result)

    def _say(
        self, problem: DraftProblem, outcome: str = "", button: QPushButton | None = None
    ) -> None:
        """Say ``problem`` next to its field, focused; one about the whole package (or its
        file) beside the buttons.
        """
        if problem.part == "package":
            self.form.clear_problems()
            self._status(f"{outcome} {problem.message}".strip())
            (button or self.save_button).setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._status(outcome)
        self.form.show_problem(problem.part, problem.message)

    def _set_busy(self, busy: bool) -> None:
        for button in (self.open_button, self.preview_button, self.save_button):
            button.setEnabled(not busy)

    def open_package(self) -> None:
        """Open a package as its next revision (the same programme, replacing the one sent)."""
        if self.changed and not self.ask(
            tr("Open another package?"),
            tr("The changes here have not been saved. Open a package instead?"),
            tr("Open a package"),
            tr("Keep editing"),
        ):
            return
        path = self.choose_package()
        if path is None:
            return
        if self._audio_dir is None:
            self._audio_dir = tempfile.TemporaryDirectory(prefix="mtcalm-homework-")
        folder = Path(tempfile.mkdtemp(dir=self._audio_dir.name))
        try:
            draft = draft_from_package(path, folder)
        except DraftProblem as problem:
            self._say(problem, tr("The package was not opened."), self.open_button)
            return
        self._draft_id, self._revision = draft.id, draft.revision
        self._playlist_name = draft.own_playlist_name
        self.form.clear_problems()
        self.form.fill(draft)
        self._kept = self._current()
        self._status(
            tr(
                "Opened “%1”. Saved, this is revision %2: it replaces revision %3 when your "
                "client adds it."
            )
            .replace("%1", draft.title)
            .replace("%2", str(draft.revision))
            .replace("%3", str(draft.revision - 1))
        )
        self.scroll_area.verticalScrollBar().setValue(0)
        focus_on(self.form.title)

    def reject(self) -> None:
        """Escape or Close: ask first when there are changes not saved."""
        if self._task is not None and self._task.running:
            return  # the package is being written: it ends whole or not at all
        if self.changed and not self.ask(
            tr("Discard this homework?"),
            tr("The changes here have not been saved."),
            tr("Discard"),
            tr("Keep editing"),
        ):
            return
        if self._audio_dir is not None:
            self._audio_dir.cleanup()
            self._audio_dir = None
        super().reject()

    # -- file dialogs ---------------------------------------------------------------------------

    def _choose_output(self, title: str) -> Path | None:
        where = QStandardPaths.StandardLocation.DocumentsLocation
        documents = QStandardPaths.writableLocation(where)
        folder = documents if documents and Path(documents).is_dir() else str(Path.home())
        name = (new_id(title).rsplit("-", 1)[0] or "homework") + PACKAGE_SUFFIX
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            tr("Save the homework package"),
            str(Path(folder) / name),
            tr("Homework package (*%1)").replace("%1", PACKAGE_SUFFIX),
            options=QFileDialog.Option.DontConfirmOverwrite,  # asked after the suffix is added
        )
        return Path(chosen) if chosen else None

    def _choose_audio_files(self) -> list[Path]:
        chosen, _ = QFileDialog.getOpenFileNames(
            self, tr("Add your own audio files"), str(Path.home()), tr(AUDIO_FILTER)
        )
        return [Path(name) for name in chosen]

    def _choose_package(self) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self,
            tr("Open a homework package"),
            "",
            tr("Homework package (*%1)").replace("%1", PACKAGE_SUFFIX),
        )
        return Path(chosen) if chosen else None
