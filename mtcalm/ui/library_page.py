"""My music: the person's own music, their playlists, and the tracks they flagged as triggers.

The library is scanned on a background thread (:class:`BackgroundTask`); the page stays
responsive, shows how far the scan has got and can cancel it. The window calls
:meth:`LibraryPage.shutdown` when it closes, so no scan outlives it.

The page's cards live beside it: "Your music" in library_music.py, the flagged tracks in
library_flags.py, "Your playlists" in library_playlists.py, and the preview strip under the
page in library_preview.py. The page scans, previews, and does what reaches across cards.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QHideEvent, QShowEvent
from PySide6.QtWidgets import QScrollArea, QWidget

from mtcalm.assets import assets_dir
from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.audio.metadata import AudioInfo
from mtcalm.journal.file import JournalError
from mtcalm.journal.store import Journal
from mtcalm.library import Library, ScanProgress, ScanResult, scan_library
from mtcalm.own_playlists import OWN_PLAYLISTS_FOLDER, OwnPlaylists
from mtcalm.playlists import Playlist
from mtcalm.track_flags import TriggerFlags, track_key
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_flags import FlagsCard
from mtcalm.ui.library_music import MusicCard
from mtcalm.ui.library_playlists import PlaylistsSection
from mtcalm.ui.library_preview import PreviewBar
from mtcalm.ui.library_widgets import on_enter
from mtcalm.ui.library_worker import BackgroundTask, ProgressCallback
from mtcalm.ui.text import plain_label, tr


@dataclass(frozen=True)
class ScanOutcome:
    """A scan's result with each track's flag key, worked out on the scanning thread."""

    result: ScanResult
    keys: list[str]


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
        self.flags = flags
        flag_problem = journal_problem
        if flags is None and journal is not None:
            try:
                self.flags = TriggerFlags(journal, self._assets_root)
            except (JournalError, OSError) as error:
                flag_problem = str(error)

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
        layout.addWidget(self._build_flags_card(journal, flag_problem))
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
        self.preview_bar = PreviewBar()
        self.preview_text = self.preview_bar.text
        self.stop_preview_button = self.preview_bar.stop_button
        self.stop_preview_button.clicked.connect(self.stop_preview)
        outer.addWidget(self.preview_bar)
        self.scroll_area = self.findChild(QScrollArea)

        if self.library.problem:
            self.say(
                tr("Your list of music places needed repair: %1").replace(
                    "%1", self.library.problem
                )
            )
        self.music_card.show_roots()
        self.music_card.show_result(None)
        self._refresh_add_targets()
        self.set_play_flagged_tracks(play_flagged_tracks)
        self.refresh_flags()

    # -- building -------------------------------------------------------------------------------

    def _build_music_card(self) -> MusicCard:
        music = MusicCard(
            self.library,
            lambda: self.dialogs,
            lambda: self.scanning,
            lambda: self.flags is not None,
        )
        self.music_card = music
        music.places_changed.connect(self.start_scan)
        music.rescan_button.clicked.connect(self.start_scan)
        music.cancel_button.clicked.connect(self.cancel_scan)
        music.preview_button.clicked.connect(self._preview_current)
        music.flag_button.clicked.connect(self._flag_selected)
        music.unflag_button.clicked.connect(self._unflag_selected)
        music.add_button.clicked.connect(self._add_selected_to_playlist)
        music.tracks_table.doubleClicked.connect(lambda index: self._preview_row(index.row()))
        on_enter(music.tracks_table, self._preview_current)
        # The card's parts, reached through the page as before (tests and tools use them).
        self.empty = music.empty
        self.notice = music.notice
        self.summary = music.summary
        self.add_folder_button = music.add_folder_button
        self.add_files_button = music.add_files_button
        self.remove_root_button = music.remove_root_button
        self.rescan_button = music.rescan_button
        self.roots_list = music.roots_list
        self.scan_row = music.scan_row
        self.progress = music.progress
        self.scan_status = music.scan_status
        self.cancel_button = music.cancel_button
        self.tracks_model = music.tracks_model
        self.tracks_table = music.tracks_table
        self.track_actions = music.track_actions
        self.preview_button = music.preview_button
        self.flag_button = music.flag_button
        self.unflag_button = music.unflag_button
        self.add_group = music.add_group
        self.add_target = music.add_target
        self.add_button = music.add_button
        self.broken_heading = music.broken_heading
        self.broken_model = music.broken_model
        self.broken_table = music.broken_table
        return music

    def _build_flags_card(self, journal: Journal | None, problem: str) -> FlagsCard:
        flags = FlagsCard(self.flags, journal, problem)
        self.flags_card = flags
        flags.play_flagged_changed.connect(self.play_flagged_changed.emit)
        flags.flags_written.connect(self._on_flags_written)
        self.play_flagged = flags.play_flagged
        self.flag_problem = flags.flag_problem
        self.flagged_model = flags.flagged_model
        self.flagged_table = flags.flagged_table
        self.no_flags = flags.no_flags
        self.remove_flag_button = flags.remove_flag_button
        return flags

    # -- settings and collaborators ---------------------------------------------------------------

    def set_play_flagged_tracks(self, play: bool) -> None:
        """Show the setting's value (changed elsewhere) without announcing it again."""
        self.flags_card.set_play_flagged(play)

    def key_of(self, path: Path) -> str:
        """How the journal names the track at ``path``."""
        return track_key(path, self._assets_root)

    def own_playlists(self) -> list[Playlist]:
        """The person's own playlists, as the page last read them (for the home page)."""
        return list(self.playlists_section.playlists)

    def say(self, text: str) -> None:
        """A calm message in the music card ("" hides it)."""
        self.music_card.say(text)

    def _read_info(self, path: Path) -> AudioInfo:
        return self._info_cache().read(path)

    def _info_cache(self) -> AudioInfoCache:
        if self._cache is None:
            self._cache = AudioInfoCache.load(self.data_dir)
        return self._cache

    # -- the places in the library ------------------------------------------------------------

    def add_folder(self) -> None:
        """Ask for a folder of music and add it; the music is then looked through again."""
        self.music_card.add_folder()

    def add_files(self) -> None:
        """Ask for music files and add them; the music is then looked through again."""
        self.music_card.add_files()

    def remove_root(self) -> None:
        """Remove the selected place (never its files); the music is looked through again."""
        self.music_card.remove_root()

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
        self.music_card.show_scan_started()
        task.start()

    def cancel_scan(self) -> None:
        if self.scan is not None:
            self._scan_again = False
            self.scan.cancel()
            self.music_card.show_scan_stopping()

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
        self.music_card.show_scan_progress(progress)

    def _on_scan_finished(self, outcome: object) -> None:
        self._end_scan()
        if isinstance(outcome, ScanOutcome):
            self.last_result = outcome.result
            self.tracks_model.set_tracks(outcome.result.tracks, outcome.keys)
            self.music_card.show_result(outcome.result)
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
        self.music_card.show_scan_ended()

    # -- flags ---------------------------------------------------------------------------------

    def refresh_flags(self) -> None:
        """Read the flags again and mark them everywhere (after another page changed them)."""
        keys = self.flags_card.refresh()
        self.tracks_model.set_flagged(keys)
        self.playlists_section.set_flagged(keys)
        self.playlists_section.set_flagging_enabled(self.flags is not None)
        self.music_card.update_buttons()

    def flag_tracks_named(self, path: Path, title: str) -> None:
        self.flag_tracks([(path, title)])

    def flag_tracks(self, tracks: Sequence[tuple[Path, str]]) -> None:
        """Flag each ``(path, title)`` as a trigger."""
        self.flags_card.flag(tracks)

    def unflag_paths(self, paths: Sequence[Path]) -> None:
        if self.flags is None or not paths:
            return
        self.unflag_keys([self.flags.key(path) for path in paths])

    def unflag_keys(self, keys: Sequence[str]) -> None:
        """Take the flag off each track named by its journal key."""
        self.flags_card.unflag_keys(keys)

    def _on_flags_written(self) -> None:
        self.refresh_flags()
        self.flags_changed.emit()

    def _flag_selected(self) -> None:
        tracks = [self.tracks_model.track(row) for row in self.music_card.selected_rows()]
        self.flag_tracks([(track.path, track.title or track.path.stem) for track in tracks])

    def _unflag_selected(self) -> None:
        rows = self.music_card.selected_rows()
        self.unflag_paths([self.tracks_model.track(row).path for row in rows])

    # -- playlists -----------------------------------------------------------------------------

    def _add_selected_to_playlist(self) -> None:
        playlist_id = self.add_target.currentData()
        rows = self.music_card.selected_rows()
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
        self.music_card.update_buttons()

    # -- previews ------------------------------------------------------------------------------

    def preview_track(self, path: Path, title: str) -> None:
        """Ask for a preview of the track at ``path``. A track flagged as a trigger is not
        previewed unless the person plays flagged tracks; the window plays it, never during
        a session, and answers with :meth:`show_preview`."""
        flagged = self.flags is not None and self.key_of(path) in self.flags.flags
        if flagged and not self.play_flagged.isChecked():
            self.preview_bar.say(
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
            self.preview_bar.say(tr("Playing a preview of “%1”").replace("%1", title), True)
        elif problem:
            self.preview_bar.say(problem)
        else:
            self.preview_bar.hide()

    def stop_preview(self) -> None:
        """Stop the preview (the window does it, then calls ``show_preview(None)``)."""
        if self.previewing is not None:
            self.preview_stop_requested.emit()
        self.preview_bar.hide()

    def _preview_row(self, row: int) -> None:
        if 0 <= row < self.tracks_model.rowCount():
            track = self.tracks_model.track(row)
            self.preview_track(track.path, track.title or track.path.stem)

    def _preview_current(self) -> None:
        current = self.tracks_table.currentIndex()
        rows = self.music_card.selected_rows()
        if current.isValid():
            self._preview_row(current.row())
        elif rows:
            self._preview_row(rows[0])

    # -- Qt ------------------------------------------------------------------------------------

    def focus_first(self) -> None:
        """Open at the top, with the focus on the first control."""
        if self.scroll_area is not None:
            self.scroll_area.verticalScrollBar().setValue(0)
        self.add_folder_button.setFocus(Qt.FocusReason.TabFocusReason)

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
