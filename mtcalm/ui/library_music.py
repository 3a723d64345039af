"""The "Your music" card of My music: the places the person's music is in, how far a scan has
got, what it found (the tracks, with their buttons) and the files that could not be read.

The card adds and removes places itself. The page (library_page.py) scans, and acts on the
tracks' buttons, which reach past the card (flags, previews, playlists).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QProgressBar, QWidget

from mtcalm.library import Library, LibraryError, ScanProgress, ScanResult
from mtcalm.ui.layout import card
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_models import (
    BrokenFileLike,
    BrokenFilesModel,
    LibraryTracksModel,
    cell_tooltip,
    flag_text,
)
from mtcalm.ui.library_widgets import (
    button,
    button_row,
    fitted_list,
    make_table,
    problems_text,
)
from mtcalm.ui.text import minutes_text, plain_label, plural, tr
from mtcalm.ui.theme import set_role

# The formats the library reads (mtcalm.library.LibraryTrack.format), for the column's width.
FORMAT_NAMES = ("Ogg Vorbis", "Opus", "FLAC", "MP3", "WAV")


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


def summary_text(result: ScanResult | None) -> str:
    """What a scan found, in a few plain sentences (None: no scan yet)."""
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


class MusicCard(QFrame):
    """Your music: add and remove places, see the scan and what it found.

    ``dialogs`` gives the page's dialogs when asked (a test may answer them); ``scanning``
    and ``can_flag`` say whether a scan is under way and whether tracks can be flagged.
    """

    places_changed = Signal()  # a place was added or removed: the music is to be looked through

    def __init__(
        self,
        library: Library,
        dialogs: Callable[[], LibraryDialogs],
        scanning: Callable[[], bool],
        can_flag: Callable[[], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._dialogs = dialogs
        self._scanning = scanning
        self._can_flag = can_flag
        self.setProperty("role", "card")
        _, layout = card()
        self.setLayout(layout)
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
        self.roots_list.currentRowChanged.connect(lambda _: self.update_buttons())
        self.tracks_table.selectionModel().selectionChanged.connect(
            lambda *_: self.update_buttons()
        )

    # -- the places in the library ------------------------------------------------------------

    def add_folder(self) -> None:
        folder = self._dialogs().choose_folder()
        if folder is None:
            return
        try:
            added = self.library.add_folder(folder)
        except (LibraryError, OSError) as error:
            self.say(str(error))
            return
        self.say("" if added else tr("That folder is in your music already."))
        self.show_roots()
        self.places_changed.emit()

    def add_files(self) -> None:
        files = self._dialogs().choose_audio_files()
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
        self.show_roots()
        self.places_changed.emit()

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
        self.show_roots()
        self.places_changed.emit()

    def show_roots(self) -> None:
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
        self.update_buttons()

    def say(self, text: str) -> None:
        """A calm message in the card ("" hides it)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- the scan and what it found -----------------------------------------------------------

    def show_scan_started(self) -> None:
        self.progress.setRange(0, 0)  # busy until the files are counted
        self.scan_status.setText(tr("Looking for music…"))
        self.scan_row.show()
        self.cancel_button.setEnabled(True)
        self.update_buttons()

    def show_scan_progress(self, progress: ScanProgress) -> None:
        if progress.finding:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, max(progress.files_found, 1))
            self.progress.setValue(progress.files_done)
        self.scan_status.setText(progress_text(progress))

    def show_scan_stopping(self) -> None:
        self.cancel_button.setEnabled(False)
        self.scan_status.setText(tr("Stopping…"))

    def show_scan_ended(self) -> None:
        self.scan_row.hide()
        self.update_buttons()

    def show_result(self, result: ScanResult | None) -> None:
        """Show what the scan found (None: no scan yet); the tracks' model is the page's to set."""
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
        self.summary.setText(summary_text(result) if has_roots else "")
        self.summary.setVisible(has_roots)
        self.update_buttons()

    # -- the tracks ----------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The selected tracks' rows in :attr:`tracks_model`, in order."""
        return sorted(index.row() for index in self.tracks_table.selectionModel().selectedRows())

    def update_buttons(self) -> None:
        self.remove_root_button.setEnabled(self.roots_list.currentRow() >= 0)
        self.rescan_button.setEnabled(bool(self.library.roots()) and not self._scanning())
        rows = self.selected_rows()
        can_flag = self._can_flag()
        flagged = [self.tracks_model.is_flagged(row) for row in rows]
        self.flag_button.setEnabled(can_flag and not all(flagged))
        self.unflag_button.setEnabled(can_flag and any(flagged))
        current = self.tracks_table.currentIndex()
        self.preview_button.setEnabled(current.isValid() or bool(rows))
        has_target = self.add_target.count() > 0
        self.add_group.setVisible(has_target)  # no playlist yet: nothing to add to
        self.add_target.setEnabled(has_target)
        self.add_button.setEnabled(has_target and bool(rows))
