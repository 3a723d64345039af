"""My music: the person's own music, their playlists, and the tracks they flagged as triggers.

The library is scanned on a background thread (:class:`BackgroundTask`); the page stays
responsive, shows how far the scan has got and can cancel it. The window calls
:meth:`LibraryPage.shutdown` when it closes, so no scan outlives it.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QProgressBar,
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
from mtcalm.ui.layout import card, scrolling_page
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_models import (
    BrokenFileLike,
    BrokenFilesModel,
    FlaggedTracksModel,
    LibraryTracksModel,
)
from mtcalm.ui.library_playlists import (
    PlaylistsSection,
    button,
    list_style,
    make_table,
    problems_text,
)
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.text import minutes_text, plain_label, plural, tr


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

        layout = scrolling_page(self)
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
        layout.addWidget(self.playlists_section)
        layout.addStretch(1)

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
        actions = QHBoxLayout()
        self.add_folder_button = button(tr("Add folder…"), tr("Add a folder of music"))
        self.add_files_button = button(tr("Add files…"), tr("Add music files"))
        self.remove_root_button = button(
            tr("Remove"),
            tr("Remove the selected place from your music"),
            tr("Only the entry is removed; the files stay where they are"),
        )
        self.rescan_button = button(tr("Rescan"), tr("Look through your music again"))
        for widget in (
            self.add_folder_button,
            self.add_files_button,
            self.remove_root_button,
            self.rescan_button,
        ):
            actions.addWidget(widget)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.notice = plain_label("", "notice")
        self.notice.hide()
        layout.addWidget(self.notice)
        self.roots_list = QListWidget()
        self.roots_list.setAccessibleName(tr("Places in your music"))
        self.roots_list.setMaximumHeight(110)
        self.roots_list.setStyleSheet(list_style())
        layout.addWidget(self.roots_list)

        scan_row = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName(tr("Scan progress"))
        self.scan_status = plain_label("", "muted", wrap=False)
        self.cancel_button = button(tr("Cancel"), tr("Cancel the scan"))
        scan_row.addWidget(self.progress, 1)
        scan_row.addWidget(self.scan_status)
        scan_row.addWidget(self.cancel_button)
        self.scan_row = QWidget()
        self.scan_row.setLayout(scan_row)
        scan_row.setContentsMargins(0, 0, 0, 0)
        self.scan_row.hide()
        layout.addWidget(self.scan_row)

        self.summary = plain_label("", "muted")
        layout.addWidget(self.summary)
        self.empty = plain_label(
            tr(
                "No music here yet, and that is fine: the bundled playlists are always there. "
                "When you want to, add a folder where you keep music you find calming."
            ),
            "muted",
        )
        layout.addWidget(self.empty)
        self.tracks_model = LibraryTracksModel()
        self.tracks_table = make_table(tr("Your tracks"), multiple=True)
        self.tracks_table.setModel(self.tracks_model)
        self.tracks_table.setSortingEnabled(True)
        self.tracks_table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.tracks_table.setMinimumHeight(300)
        header = self.tracks_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 110), (2, 200), (3, 80), (4, 100)):
            header.resizeSection(column, width)
        layout.addWidget(self.tracks_table)

        track_actions = QHBoxLayout()
        self.flag_button = button(
            tr("Flag as a trigger"),
            tr("Flag the selected tracks as triggers"),
            tr("For a track that brings up urges or hard memories"),
        )
        self.unflag_button = button(tr("Remove the flag"), tr("Remove the selected tracks' flags"))
        self.add_target = QComboBox()
        self.add_target.setAccessibleName(tr("Playlist to add to"))
        self.add_target.setMinimumContentsLength(14)
        self.add_target.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.add_button = button(
            tr("Add to playlist"), tr("Add the selected tracks to the chosen playlist")
        )
        for widget in (self.flag_button, self.unflag_button):
            track_actions.addWidget(widget)
        track_actions.addStretch(1)
        track_actions.addWidget(self.add_target)
        track_actions.addWidget(self.add_button)
        layout.addLayout(track_actions)

        self.broken_heading = plain_label(tr("Files that could not be read"), "heading")
        layout.addWidget(self.broken_heading)
        self.broken_model = BrokenFilesModel()
        self.broken_table = make_table(tr("Files that could not be read"))
        self.broken_table.setModel(self.broken_model)
        self.broken_table.setMinimumHeight(140)
        self.broken_table.setMaximumHeight(220)
        broken_header = self.broken_table.horizontalHeader()
        broken_header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.broken_table)

        self.add_folder_button.clicked.connect(self.add_folder)
        self.add_files_button.clicked.connect(self.add_files)
        self.remove_root_button.clicked.connect(self.remove_root)
        self.rescan_button.clicked.connect(self.start_scan)
        self.cancel_button.clicked.connect(self.cancel_scan)
        self.flag_button.clicked.connect(self._flag_selected)
        self.unflag_button.clicked.connect(self._unflag_selected)
        self.add_button.clicked.connect(self._add_selected_to_playlist)
        self.roots_list.currentRowChanged.connect(lambda _: self._update_buttons())
        self.tracks_table.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons()
        )
        return frame

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
        header = self.flagged_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(0, 110)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.flagged_table)
        self.no_flags = plain_label(tr("No tracks are flagged."), "muted")
        layout.addWidget(self.no_flags)
        row = QHBoxLayout()
        self.remove_flag_button = button(
            tr("Remove the flag"), tr("Remove the flag from the selected flagged tracks")
        )
        row.addWidget(self.remove_flag_button)
        row.addStretch(1)
        layout.addLayout(row)
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
        self.roots_list.addItems([str(root) for root in roots])
        self.roots_list.setVisible(bool(roots))
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
        has_target = self.add_target.count() > 0
        self.add_target.setEnabled(has_target)
        self.add_button.setEnabled(has_target and bool(rows))
        self.add_button.setToolTip(
            "" if has_target else tr("Make a playlist first: see Your playlists below")
        )
        listed = self.flagged_table.selectionModel().selectedRows()
        self.remove_flag_button.setEnabled(can_flag and bool(listed))
        self.remove_flag_button.setVisible(can_flag and self.flagged_model.rowCount() > 0)

    # -- Qt ------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.flags is not None:
            self.refresh_flags()  # the listening page may have flagged a track meanwhile
        if not self._scanned_once and self.library.roots():
            self.start_scan()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)
