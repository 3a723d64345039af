"""My music: the person's own music, their playlists, and the tracks they flagged as triggers.

The library is scanned on a background thread (:class:`BackgroundTask`); the page stays
responsive, shows how far the scan has got and can cancel it. The window calls
:meth:`LibraryPage.shutdown` when it closes, so no scan outlives it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QWidget,
)

from mtcalm.assets import assets_dir
from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.audio.metadata import AudioInfo
from mtcalm.journal.file import JournalError
from mtcalm.journal.store import Journal
from mtcalm.library import Library, LibraryError, ScanProgress, ScanResult, scan_library
from mtcalm.own_playlists import OWN_PLAYLISTS_FOLDER, OwnPlaylists
from mtcalm.playlists import Playlist
from mtcalm.track_flags import TriggerFlags, track_key
from mtcalm.ui import theme
from mtcalm.ui.layout import READABLE_WIDTH, card, scrolling_page
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_models import (
    BrokenFileLike,
    BrokenFilesModel,
    FlaggedTracksModel,
    LibraryTracksModel,
    cell_tooltip,
    flag_text,
)
from mtcalm.ui.library_playlists import PlaylistsSection
from mtcalm.ui.library_widgets import (
    button,
    button_row,
    fitted_list,
    make_table,
    on_enter,
    problems_text,
)
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.text import minutes_text, plain_label, plural, tr, when_text
from mtcalm.ui.theme import set_role

# The formats the library reads (mtcalm.library.LibraryTrack.format), for the column's width.
FORMAT_NAMES = ("Ogg Vorbis", "Opus", "FLAC", "MP3", "WAV")
# Every weekday and month once, for the width of a "flagged on" column.
SAMPLE_DATES = tuple(
    when_text(datetime(2024, month, day, 23, 59)) for month in range(1, 13) for day in range(1, 8)
)


@dataclass(frozen=True)
class ScanOutcome:
    """A scan's result with each track's flag key, worked out on the scanning thread."""

    result: ScanResult
    keys: list[str]


def number_text(count: int) -> str:
    """``3,000`` in the person's own way of writing numbers."""
    return QLocale().toString(count)


def progress_text(progress: ScanProgress) -> str:
    if progress.finding:
        return tr("Looking for music… %1 files found").replace(
            "%1", number_text(progress.files_found)
        )
    return (
        tr("%1 of %2 files")
        .replace("%1", number_text(progress.files_done))
        .replace("%2", number_text(progress.files_found))
    )


class LibraryPage(QWidget):
    """Your music, your playlists and your trigger flags, on one scrolling page."""

    play_flagged_changed = Signal(bool)
    flags_changed = Signal()
    playlists_changed = Signal()
    preview_requested = Signal(object)  # the Path of a track to play a preview of
    preview_stop_requested = Signal()  # the person chose Stop, or left the page

    def __init__(
        self,
        data_dir: Path,
        journal: Journal | None,
        *,
        play_flagged_tracks: bool = False,
        journal_problem: str = "",
        dialogs: LibraryDialogs | None = None,
        assets_root: Path | None = None,
        info_cache: AudioInfoCache | None = None,
        flags: TriggerFlags | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """``info_cache`` and ``flags`` are the window's own, shared; made here when None."""
        super().__init__(parent)
        self.data_dir = data_dir
        self.dialogs = dialogs or LibraryDialogs(self)
        self._assets_root = assets_root or assets_dir()
        self._cache = info_cache
        self.library = Library.load(data_dir)
        self.scan: BackgroundTask | None = None
        self.last_result: ScanResult | None = None
        self._scan_again = False
        self._scanned_once = False
        self._shut_down = False
        self._journal = journal
        self.flags = flags
        self._flag_problem = journal_problem
        if flags is None and journal is not None:
            try:
                self.flags = TriggerFlags(journal, self._assets_root)
            except (JournalError, OSError) as error:
                self._flag_problem = str(error)

        self._preview_title = ""
        self.previewing: Path | None = None
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        layout.addWidget(plain_label(tr("My music"), "title"))
        layout.addWidget(
            plain_label(
                tr(
                    "Listen to music you already have, make your own playlists, and mark "
                    "tracks you would rather not hear in a session."
                ),
                "muted",
            )
        )
        layout.addWidget(self._build_music_card())
        layout.addWidget(self._build_flags_card())
        self.playlists_section = PlaylistsSection(
            OwnPlaylists(data_dir / OWN_PLAYLISTS_FOLDER, read_info=self._read_info),
            lambda: self.dialogs,
            self.key_of,
        )
        self.playlists_section.playlists_changed.connect(self._on_playlists_changed)
        self.playlists_section.flag_requested.connect(self.flag_tracks_named)
        self.playlists_section.unflag_requested.connect(lambda path: self.unflag_paths([path]))
        self.playlists_section.preview_requested.connect(self.preview_track)
        layout.addWidget(self.playlists_section)
        layout.addStretch(1)
        outer = self.layout()
        assert outer is not None
        outer.addWidget(self._build_preview_bar())
        self.scroll_area = self.findChild(QScrollArea)

        if self.library.problem:
            self.say(
                tr("Your list of music places needed repair: %1").replace(
                    "%1", self.library.problem
                )
            )
        self._show_roots()
        self._show_result(None)
        self._refresh_add_targets()
        self.set_play_flagged_tracks(play_flagged_tracks)
        self.refresh_flags()

    # -- building -------------------------------------------------------------------------------

    def _build_music_card(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Your music"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "Add the folders or files where your music is. mtcalm reads them where "
                    "they are and never changes, moves or copies them."
                ),
                "muted",
            )
        )
        self.empty = plain_label(
            tr(
                "No music here yet, and that is fine: the bundled playlists are always there. "
                "When you want to, add a folder where you keep music you find calming."
            )
        )
        layout.addWidget(self.empty)
        self.add_folder_button = button(tr("Add a folder…"), tr("Add a folder of music"))
        self.add_files_button = button(tr("Add files…"), tr("Add music files"))
        self.remove_root_button = button(
            tr("Remove"),
            tr("Remove the selected place from your music"),
            tr("Only the entry is removed; the files stay where they are"),
        )
        self.rescan_button = button(tr("Rescan"), tr("Look through your music again"))
        layout.addLayout(
            button_row(
                self.add_folder_button,
                self.add_files_button,
                self.remove_root_button,
                self.rescan_button,
            )
        )
        self.notice = plain_label("", "notice")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.roots_list = fitted_list(tr("Places in your music"))
        self.roots_list.setMaximumHeight(110)
        layout.addWidget(self.roots_list)

        scan_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(tr("Scan progress"))
        self.scan_status = plain_label("", "muted")
        self.cancel_button = button(tr("Cancel"), tr("Cancel the scan"))
        scan_row.addWidget(self.progress, 1)
        scan_row.addWidget(self.scan_status, 1)
        scan_row.addWidget(self.cancel_button)
        self.scan_row = QWidget()
        self.scan_row.setLayout(scan_row)
        scan_row.setContentsMargins(0, 0, 0, 0)
        self.scan_row.hide()
        layout.addWidget(self.scan_row)

        self.summary = plain_label("", "muted")
        layout.addWidget(self.summary)
        self.tracks_model = LibraryTracksModel()
        self.tracks_table = make_table(tr("Your tracks"), multiple=True)
        self.tracks_table.setAccessibleDescription(
            tr("Double-click a track, or press Enter, to hear a preview")
        )
        self.tracks_table.setModel(self.tracks_model)
        self.tracks_table.setSortingEnabled(True)
        self.tracks_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.tracks_table.setMinimumHeight(260)
        self.tracks_table.fit_columns(
            {1: 3, 2: 2},
            {0: (flag_text(),), 3: ("00:00", "0:00:00"), 4: FORMAT_NAMES},
            decorated=(0,),
            optional=(4, 2),  # narrow: the format gives way, then the artist (in the tooltip)
        )
        layout.addWidget(self.tracks_table)

        self.preview_button = button(
            tr("Preview"),
            tr("Play a preview of the selected track"),
            tr("Or double-click the track, or press Enter"),
        )
        self.flag_button = button(
            tr("Flag as a trigger"),
            tr("Flag the selected tracks as triggers"),
            tr("For a track that brings up urges or hard memories"),
        )
        self.unflag_button = button(tr("Remove the flag"), tr("Remove the selected tracks' flags"))
        self.add_target = QComboBox()
        self.add_target.setAccessibleName(tr("Playlist to add to"))
        self.add_target.setMinimumContentsLength(16)
        self.add_target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.add_button = button(tr("Add"), tr("Add the selected tracks to the chosen playlist"))
        self.add_group = QWidget()  # "Add to [playlist] Add" stays together on one line
        add_row = QHBoxLayout(self.add_group)
        add_row.setContentsMargins(0, 0, 0, 0)
        add_row.setSpacing(8)
        add_label = QLabel(tr("Add to"))
        add_label.setBuddy(self.add_target)
        add_row.addWidget(add_label)
        add_row.addWidget(self.add_target)
        add_row.addWidget(self.add_button)
        self.track_actions = QWidget()
        self.track_actions.setLayout(
            button_row(self.preview_button, self.flag_button, self.unflag_button, self.add_group)
        )
        layout.addWidget(self.track_actions)

        self.broken_heading = plain_label(tr("Files that could not be read"), "heading")
        layout.addWidget(self.broken_heading)
        self.broken_model = BrokenFilesModel()
        self.broken_table = make_table(tr("Files that could not be read"))
        self.broken_table.setModel(self.broken_model)
        self.broken_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.broken_table.setMinimumHeight(140)
        self.broken_table.setMaximumHeight(220)
        self.broken_table.fit_columns({0: 1, 1: 1})
        layout.addWidget(self.broken_table)

        self.add_folder_button.clicked.connect(self.add_folder)
        self.add_files_button.clicked.connect(self.add_files)
        self.remove_root_button.clicked.connect(self.remove_root)
        self.rescan_button.clicked.connect(self.start_scan)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.preview_button.clicked.connect(self._preview_current)
        self.flag_button.clicked.connect(self._flag_selected)
        self.unflag_button.clicked.connect(self._unflag_selected)
        self.add_button.clicked.connect(self._add_selected_to_playlist)
        self.tracks_table.doubleClicked.connect(lambda index: self._preview_row(index.row()))
        on_enter(self.tracks_table, self._preview_current)
        self.roots_list.currentRowChanged.connect(lambda _: self._update_buttons())
        self.tracks_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        return frame

    def _build_preview_bar(self) -> QWidget:
        """A strip below the page, kept out of its way: what is previewing, and Stop."""
        self.preview_bar = QWidget()
        outer = QHBoxLayout(self.preview_bar)
        outer.setContentsMargins(theme.PAGE_MARGIN, 0, theme.PAGE_MARGIN, 12)
        frame = QFrame()
        frame.setProperty("role", "card")
        frame.setMaximumWidth(READABLE_WIDTH - 2 * theme.PAGE_MARGIN)
        row = QHBoxLayout(frame)
        row.setContentsMargins(16, 8, 10, 8)
        self.preview_text = plain_label("")
        row.addWidget(self.preview_text, 1)
        self.stop_preview_button = button(tr("Stop"), tr("Stop the preview"))
        self.stop_preview_button.clicked.connect(self.stop_preview)
        row.addWidget(self.stop_preview_button, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addStretch(1)
        outer.addWidget(frame, 100)
        outer.addStretch(1)
        self.preview_bar.hide()
        return self.preview_bar

    def _build_flags_card(self) -> QWidget:
        frame, layout = card()
        layout.addWidget(plain_label(tr("Tracks flagged as triggers"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "Some music brings up urges or hard memories. Flag such a track and "
                    "sessions skip it, unless you turn on “Play flagged tracks too”. "
                    "Flagged tracks are marked “Flagged” wherever they are listed."
                )
            )
        )
        self.play_flagged = QCheckBox(tr("Play flagged tracks too"))
        self.play_flagged.setAccessibleName(tr("Play flagged tracks too"))
        self.play_flagged.toggled.connect(self.play_flagged_changed.emit)
        layout.addWidget(self.play_flagged)
        self.flag_problem = plain_label("", "notice")
        self.flag_problem.hide()
        layout.addWidget(self.flag_problem)
        self.flagged_model = FlaggedTracksModel()
        self.flagged_table = make_table(tr("Tracks flagged as triggers"), multiple=True)
        self.flagged_table.setModel(self.flagged_model)
        self.flagged_table.setMinimumHeight(140)
        self.flagged_table.setMaximumHeight(240)
        self.flagged_table.fit_columns(
            {1: 1},
            {0: (flag_text(),), 2: SAMPLE_DATES},
            decorated=(0,),
            optional=(2,),
        )
        layout.addWidget(self.flagged_table)
        self.no_flags = plain_label(tr("No tracks are flagged."), "muted")
        layout.addWidget(self.no_flags)
        self.remove_flag_button = button(
            tr("Remove the flag"), tr("Remove the flag from the selected flagged tracks")
        )
        layout.addLayout(button_row(self.remove_flag_button))
        self.remove_flag_button.clicked.connect(self._remove_listed_flags)
        self.flagged_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        return frame

    # -- settings and collaborators ---------------------------------------------------------------

    def set_play_flagged_tracks(self, play: bool) -> None:
        """Show the setting's value (changed elsewhere) without announcing it again."""
        self.play_flagged.blockSignals(True)
        self.play_flagged.setChecked(play)
        self.play_flagged.blockSignals(False)

    def key_of(self, path: Path) -> str:
        """How the journal names the track at ``path``."""
        return track_key(path, self._assets_root)

    def own_playlists(self) -> list[Playlist]:
        """The person's own playlists, as the page last read them (for the home page)."""
        return list(self.playlists_section.playlists)

    def say(self, text: str) -> None:
        """A calm message in the music card ("" hides it)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _read_info(self, path: Path) -> AudioInfo:
        return self._info_cache().read(path)

    def _info_cache(self) -> AudioInfoCache:
        if self._cache is None:
            self._cache = AudioInfoCache.load(self.data_dir)
        return self._cache

    # -- the places in the library ------------------------------------------------------------

    def add_folder(self) -> None:
        folder = self.dialogs.choose_folder()
        if folder is None:
            return
        try:
            added = self.library.add_folder(folder)
        except (LibraryError, OSError) as error:
            self.say(str(error))
            return
        self.say("" if added else tr("That folder is in your music already."))
        self._show_roots()
        self.start_scan()

    def add_files(self) -> None:
        files = self.dialogs.choose_audio_files()
        if not files:
            return
        try:
            refused = self.library.add_files(files)
        except (LibraryError, OSError) as error:
            self.say(str(error))
            return
        if refused:
            lines = [f"{item.path}: {item.reason}" for item in refused]
            self.say(tr("Some files were not added:") + "\n" + problems_text(lines))
        else:
            self.say("")
        self._show_roots()
        self.start_scan()

    def remove_root(self) -> None:
        row = self.roots_list.currentRow()
        roots = self.library.roots()
        if not 0 <= row < len(roots):
            return
        try:
            self.library.remove(roots[row])
        except (LibraryError, OSError) as error:
            self.say(str(error))
            return
        self.say(tr("Removed from your music; the files themselves are untouched."))
        self._show_roots()
        self.start_scan()

    def _show_roots(self) -> None:
        self.roots_list.clear()
        roots = self.library.roots()
        for root in roots:
            self.roots_list.addItem(str(root))
            self.roots_list.item(self.roots_list.count() - 1).setToolTip(cell_tooltip(str(root)))
        if roots:
            self.roots_list.setCurrentRow(0)
        self.roots_list.setVisible(bool(roots))
        # With nothing added yet, the one thing to do is to add a folder: it is the filled
        # button, and the buttons that would act on a place are not shown at all.
        self.empty.setVisible(not roots)
        set_role(self.add_folder_button, None if roots else "primary")
        self.remove_root_button.setVisible(bool(roots))
        self.rescan_button.setVisible(bool(roots))
        self._update_buttons()

    # -- scanning -------------------------------------------------------------------------------

    @property
    def scanning(self) -> bool:
        """A scan is under way (its results not yet shown)."""
        return self.scan is not None

    def start_scan(self) -> None:
        """Look through the library again, off the UI thread; a running scan starts over."""
        if self._shut_down:
            return
        if self.scan is not None:
            self._scan_again = True
            self.scan.cancel()
            return
        self._scan_again = False
        self._scanned_once = True
        roots = self.library.roots()
        cache = self._info_cache()
        assets_root = self._assets_root

        def job(progress: ProgressCallback, cancel: threading.Event) -> ScanOutcome:
            result = scan_library(roots, cache, progress=progress, cancel=cancel)
            return ScanOutcome(result, [track_key(t.path, assets_root) for t in result.tracks])

        task = BackgroundTask(job, self)
        task.progressed.connect(self._on_scan_progress)
        task.finished.connect(self._on_scan_finished)
        task.failed.connect(self._on_scan_failed)
        self.scan = task
        self.progress.setRange(0, 0)  # busy until the files are counted
        self.scan_status.setText(tr("Looking for music…"))
        self.scan_row.show()
        self.cancel_button.setEnabled(True)
        self._update_buttons()
        task.start()

    def cancel_scan(self) -> None:
        if self.scan is not None:
            self._scan_again = False
            self.scan.cancel()
            self.cancel_button.setEnabled(False)
            self.scan_status.setText(tr("Stopping…"))

    def shutdown(self) -> None:
        """Stop any scan and wait for its thread: called when the window closes."""
        self._shut_down = True
        if self.scan is not None:
            self.scan.stop()
            self.scan.deleteLater()
            self.scan = None
        if self._cache is not None:
            self._cache.save()

    def _on_scan_progress(self, progress: object) -> None:
        if not isinstance(progress, ScanProgress) or self.scan is None or self.scan.cancelled:
            return
        if progress.finding:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(progress.files_found, 1))
            self.progress.setValue(progress.files_done)
        self.scan_status.setText(progress_text(progress))

    def _on_scan_finished(self, outcome: object) -> None:
        self._end_scan()
        if isinstance(outcome, ScanOutcome):
            self.last_result = outcome.result
            self.tracks_model.set_tracks(outcome.result.tracks, outcome.keys)
            self._show_result(outcome.result)
        if self._scan_again:
            self.start_scan()

    def _on_scan_failed(self, message: str) -> None:
        self._end_scan()
        self.say(tr("Your music could not be looked through: %1").replace("%1", message))
        if self._scan_again:
            self.start_scan()

    def _end_scan(self) -> None:
        if self.scan is not None:
            self.scan.stop()  # the thread has ended or is about to: this only joins it
            self.scan.deleteLater()
            self.scan = None
        self.scan_row.hide()
        self._update_buttons()

    def _show_result(self, result: ScanResult | None) -> None:
        has_roots = bool(self.library.roots())
        tracks = result.tracks if result else []
        self.empty.setVisible(not has_roots)
        self.tracks_table.setVisible(bool(tracks))
        self.track_actions.setVisible(bool(tracks))
        problems: list[BrokenFileLike] = []
        if result is not None:
            problems = [*result.broken, *result.folders_unreadable]
        self.broken_model.set_files(problems)
        self.broken_heading.setVisible(bool(problems))
        self.broken_table.setVisible(bool(problems))
        self.summary.setText(self._summary_text(result) if has_roots else "")
        self.summary.setVisible(has_roots)
        self._update_buttons()

    def _summary_text(self, result: ScanResult | None) -> str:
        if result is None:
            return tr("Your music has not been looked through yet. Choose Rescan to do it now.")
        count = len(result.tracks)
        parts = [
            plural(count, tr("%1 track"), tr("%1 tracks")).replace("%1", number_text(count))
            + (f", {minutes_text(result.total_duration)}" if count else "")
            + "."
        ]
        if result.broken:
            parts.append(
                plural(
                    len(result.broken),
                    tr("%n file could not be read (listed below)."),
                    tr("%n files could not be read (listed below)."),
                )
            )
        if result.folders_unreadable:
            parts.append(
                plural(
                    len(result.folders_unreadable),
                    tr("%n folder could not be looked into (listed below)."),
                    tr("%n folders could not be looked into (listed below)."),
                )
            )
        if result.other_formats:
            others = sum(result.other_formats.values())
            kinds = ", ".join(sorted(result.other_formats))
            parts.append(
                plural(
                    others,
                    tr("%n file is in a format mtcalm does not play (%1)."),
                    tr("%n files are in formats mtcalm does not play (%1)."),
                ).replace("%1", kinds)
            )
        if result.cancelled:
            parts.append(tr("The scan was stopped before the end: choose Rescan to finish it."))
        elif result.limit_reached:
            parts.append(tr("The music is too large to look through in full; some was left out."))
        if not count and not result.cancelled:
            parts.append(
                tr("No music that mtcalm can play was found (it plays Ogg, Opus, FLAC, MP3, WAV).")
            )
        return " ".join(parts)

    # -- flags ---------------------------------------------------------------------------------

    def refresh_flags(self) -> None:
        """Read the flags again and mark them everywhere (after another page changed them)."""
        keys: Collection[str] = ()
        if self.flags is None:
            reason = self._flag_problem or tr("the journal is not open")
            self.flag_problem.setText(
                tr("Flagging is not available because the journal could not be opened: %1").replace(
                    "%1", reason
                )
            )
            self.flag_problem.show()
            self.flagged_model.set_flags([])
        else:
            try:
                self.flags.refresh()
            except (JournalError, OSError) as error:
                self._say_flag_problem(error)
            flags = self.flags.flags
            keys = flags.keys()
            self.flagged_model.set_flags(list(flags.values()))
        self.tracks_model.set_flagged(keys)
        self.playlists_section.set_flagged(keys)
        self.playlists_section.set_flagging_enabled(self.flags is not None)
        has_flags = self.flagged_model.rowCount() > 0
        self.flagged_table.setVisible(has_flags)
        self.no_flags.setVisible(not has_flags)
        self._update_buttons()

    def flag_tracks_named(self, path: Path, title: str) -> None:
        self.flag_tracks([(path, title)])

    def flag_tracks(self, tracks: Sequence[tuple[Path, str]]) -> None:
        """Flag each ``(path, title)`` as a trigger."""
        if self.flags is None or not tracks:
            return
        try:
            for path, title in tracks:
                self.flags.flag(path, title)
        except (JournalError, OSError, ValueError) as error:
            self._say_flag_problem(error)
        else:
            self.flag_problem.hide()
        self.refresh_flags()
        self.flags_changed.emit()

    def unflag_paths(self, paths: Sequence[Path]) -> None:
        if self.flags is None or not paths:
            return
        self.unflag_keys([self.flags.key(path) for path in paths])

    def unflag_keys(self, keys: Sequence[str]) -> None:
        """Take the flag off each track named by its journal key."""
        if self.flags is None or self._journal is None or not keys:
            return
        try:
            for key in keys:
                self._journal.unflag_track(key)
        except (JournalError, OSError) as error:
            self._say_flag_problem(error)
        else:
            self.flag_problem.hide()
        self.refresh_flags()
        self.flags_changed.emit()

    def _say_flag_problem(self, error: Exception) -> None:
        reason = getattr(error, "short", "") or str(error)
        self.flag_problem.setText(tr("The flag could not be changed: %1").replace("%1", reason))
        self.flag_problem.show()

    def _selected_library_rows(self) -> list[int]:
        return sorted(index.row() for index in self.tracks_table.selectionModel().selectedRows())

    def _flag_selected(self) -> None:
        rows = self._selected_library_rows()
        tracks = [self.tracks_model.track(row) for row in rows]
        self.flag_tracks([(track.path, track.title or track.path.stem) for track in tracks])

    def _unflag_selected(self) -> None:
        rows = self._selected_library_rows()
        self.unflag_paths([self.tracks_model.track(row).path for row in rows])

    def _remove_listed_flags(self) -> None:
        rows = sorted(index.row() for index in self.flagged_table.selectionModel().selectedRows())
        self.unflag_keys([self.flagged_model.flag(row).key for row in rows])

    # -- playlists -----------------------------------------------------------------------------

    def _add_selected_to_playlist(self) -> None:
        playlist_id = self.add_target.currentData()
        rows = self._selected_library_rows()
        if not playlist_id or not rows:
            return
        paths = [self.tracks_model.track(row).path for row in rows]
        if self.playlists_section.add_tracks(str(playlist_id), paths):
            self.playlists_section.select(str(playlist_id))
            self.say(self.playlists_section.notice.text())  # said here, where the person is
            self.playlists_section.say("")

    def _on_playlists_changed(self) -> None:
        self._refresh_add_targets()
        self.playlists_changed.emit()

    def _refresh_add_targets(self) -> None:
        current = self.add_target.currentData()
        self.add_target.clear()
        for playlist in self.playlists_section.playlists:
            self.add_target.addItem(playlist.title, playlist.id)
        index = self.add_target.findData(current)
        if index >= 0:
            self.add_target.setCurrentIndex(index)
        self._update_buttons()

    # -- previews ------------------------------------------------------------------------------

    def preview_track(self, path: Path, title: str) -> None:
        """Ask for a preview of the track at ``path``. A track flagged as a trigger is not
        previewed unless the person plays flagged tracks; the window plays it, never during
        a session, and answers with :meth:`show_preview`."""
        flagged = self.flags is not None and self.key_of(path) in self.flags.flags
        if flagged and not self.play_flagged.isChecked():
            self._show_preview_words(
                tr("“%1” is flagged as a trigger, so no preview plays.").replace("%1", title)
            )
            return
        self._preview_title = title
        self.preview_requested.emit(path)

    def show_preview(self, path: Path | None, problem: str = "") -> None:
        """What is previewing now (None: nothing); ``problem`` says why a preview stopped."""
        self.previewing = path
        if path is not None:
            title = self._preview_title or path.stem
            self._show_preview_words(tr("Playing a preview of “%1”").replace("%1", title), True)
        elif problem:
            self._show_preview_words(problem)
        else:
            self.preview_bar.hide()

    def stop_preview(self) -> None:
        """Stop the preview (the window does it, then calls ``show_preview(None)``)."""
        if self.previewing is not None:
            self.preview_stop_requested.emit()
        self.preview_bar.hide()

    def _show_preview_words(self, text: str, stoppable: bool = False) -> None:
        self.preview_text.setText(text)
        self.stop_preview_button.setText(tr("Stop") if stoppable else tr("Close"))
        self.stop_preview_button.setAccessibleName(
            tr("Stop the preview") if stoppable else tr("Close this message")
        )
        self.preview_bar.show()

    def _preview_row(self, row: int) -> None:
        if 0 <= row < self.tracks_model.rowCount():
            track = self.tracks_model.track(row)
            self.preview_track(track.path, track.title or track.path.stem)

    def _preview_current(self) -> None:
        current = self.tracks_table.currentIndex()
        rows = self._selected_library_rows()
        if current.isValid():
            self._preview_row(current.row())
        elif rows:
            self._preview_row(rows[0])

    # -- state ---------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        if not hasattr(self, "remove_flag_button"):
            return  # still being built
        scanning = self.scanning
        self.remove_root_button.setEnabled(self.roots_list.currentRow() >= 0)
        self.rescan_button.setEnabled(bool(self.library.roots()) and not scanning)
        rows = self._selected_library_rows()
        can_flag = self.flags is not None
        flagged = [self.tracks_model.is_flagged(row) for row in rows]
        self.flag_button.setEnabled(can_flag and not all(flagged))
        self.unflag_button.setEnabled(can_flag and any(flagged))
        current = self.tracks_table.currentIndex()
        self.preview_button.setEnabled(current.isValid() or bool(rows))
        has_target = self.add_target.count() > 0
        self.add_group.setVisible(has_target)  # no playlist yet: nothing to add to
        self.add_target.setEnabled(has_target)
        self.add_button.setEnabled(has_target and bool(rows))
        listed = self.flagged_table.selectionModel().selectedRows()
        self.remove_flag_button.setEnabled(can_flag and bool(listed))
        self.remove_flag_button.setVisible(can_flag and self.flagged_model.rowCount() > 0)

    def focus_first(self) -> None:
        """Open at the top, with the focus on the first control."""
        if self.scroll_area is not None:
            self.scroll_area.verticalScrollBar().setValue(0)
        self.add_folder_button.setFocus(Qt.FocusReason.TabFocusReason)

    # -- Qt ------------------------------------------------------------------------------------

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.stop_preview()  # leaving My music ends its preview: nothing plays on unseen

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.flags is not None:
            self.refresh_flags()  # the listening page may have flagged a track meanwhile
        if not self._scanned_once and self.library.roots():
            self.start_scan()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
