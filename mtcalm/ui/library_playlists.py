"""The "Your playlists" card: the person's own playlists, their tracks, playlist files in and
out (the tables and button rows it shares with "My music" are in library_widgets.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from PySide6.QtCore import (
    QItemSelectionModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QListWidgetItem,
    QWidget,
)

from mtcalm.m3u import M3UError, import_m3u, write_m3u
from mtcalm.own_playlists import OwnPlaylistError, OwnPlaylists
from mtcalm.playlists import Playlist, PlaylistError
from mtcalm.ui.layout import card
from mtcalm.ui.library_dialogs import LibraryDialogs
from mtcalm.ui.library_models import KeyOf, PlaylistTracksModel, cell_tooltip, flag_text
from mtcalm.ui.library_widgets import (
    button,
    button_row,
    fitted_list,
    make_table,
    on_enter,
    problems_text,
)
from mtcalm.ui.text import minutes_text, plain_label, plural, tr

ID_ROLE = Qt.ItemDataRole.UserRole


class PlaylistsSection(QFrame):
    """Make, rename, reorder, delete, add from and save to playlist files (M3U) the person's
    own playlists; a double-click or Enter on a track asks for a preview of it."""

    playlists_changed = Signal()
    flag_requested = Signal(object, str)  # path, title
    unflag_requested = Signal(object)  # path
    preview_requested = Signal(object, str)  # path, title

    def __init__(
        self,
        own: OwnPlaylists,
        dialogs: Callable[[], LibraryDialogs],
        key_of: KeyOf,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.own = own
        self._dialogs = dialogs
        self.playlists: list[Playlist] = []
        self.setProperty("role", "card")
        _, layout = card()
        self.setLayout(layout)
        layout.addWidget(plain_label(tr("Your playlists"), "heading"))
        layout.addWidget(
            plain_label(
                tr(
                    "Put tracks from your music in the order you like. Playlists are kept "
                    "in your data folder; the music files stay where they are."
                ),
                "muted",
            )
        )
        self.empty = plain_label(
            tr(
                "You have no playlists of your own yet. Make one with “New playlist…”, or "
                "add a playlist file (M3U) you already have."
            ),
            "muted",
        )
        layout.addWidget(self.empty)
        self.new_button = button(tr("New playlist…"), tr("Make a new playlist"))
        self.rename_button = button(tr("Rename…"), tr("Rename the selected playlist"))
        self.delete_button = button(tr("Delete…"), tr("Delete the selected playlist"))
        self.import_button = button(
            tr("Add a playlist file (M3U)…"),
            tr("Add a playlist from a playlist file (M3U)"),
            tr("A playlist file (.m3u or .m3u8) made by another music player"),
        )
        self.export_button = button(
            tr("Save as a playlist file (M3U)…"),
            tr("Save the selected playlist as a playlist file (M3U)"),
            tr("For another music player, or to give to someone"),
        )
        layout.addLayout(
            button_row(
                self.new_button,
                self.rename_button,
                self.delete_button,
                self.import_button,
                self.export_button,
            )
        )
        self.notice = plain_label("", "notice")
        self.notice.hide()
        layout.addWidget(self.notice)

        self.list = fitted_list(tr("Your playlists"))
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(180)
        layout.addWidget(self.list)
        self.unreadable = plain_label("", "muted")
        self.unreadable.hide()
        layout.addWidget(self.unreadable)

        self.tracks_heading = plain_label("", "heading")
        layout.addWidget(self.tracks_heading)
        self.model = PlaylistTracksModel(key_of)
        self.tracks = make_table(tr("Tracks of the selected playlist"))
        self.tracks.setAccessibleDescription(
            tr("Double-click a track, or press Enter, to hear a preview")
        )
        self.tracks.setModel(self.model)
        self.tracks.setMinimumHeight(200)
        self.tracks.fit_columns({2: 3, 3: 2}, {0: ("000",), 1: (flag_text(),)}, decorated=(1,))
        layout.addWidget(self.tracks)
        self.preview_button = button(
            tr("Preview"),
            tr("Play a preview of the selected track"),
            tr("Or double-click the track, or press Enter"),
        )
        self.up_button = button(tr("Move up"), tr("Move the selected track up"), tr("Ctrl+Up"))
        self.down_button = button(
            tr("Move down"), tr("Move the selected track down"), tr("Ctrl+Down")
        )
        self.remove_button = button(
            tr("Remove"),
            tr("Remove the selected track from the playlist"),
            tr("The music file itself is not touched"),
        )
        self.flag_button = button(
            tr("Flag as a trigger"),
            tr("Flag the selected track as a trigger"),
            tr("For a track that brings up urges or hard memories"),
        )
        self.unflag_button = button(tr("Remove the flag"), tr("Remove the selected track's flag"))
        layout.addLayout(
            button_row(
                self.preview_button,
                self.up_button,
                self.down_button,
                self.remove_button,
                self.flag_button,
                self.unflag_button,
            )
        )

        self.new_button.clicked.connect(self.create_playlist)
        self.rename_button.clicked.connect(self.rename_playlist)
        self.delete_button.clicked.connect(self.delete_playlist)
        self.import_button.clicked.connect(self.import_m3u)
        self.export_button.clicked.connect(self.export_m3u)
        self.preview_button.clicked.connect(self.preview_selected)
        self.up_button.clicked.connect(lambda: self.move_selected(-1))
        self.down_button.clicked.connect(lambda: self.move_selected(1))
        self.remove_button.clicked.connect(self.remove_selected)
        self.flag_button.clicked.connect(self._flag_selected)
        self.unflag_button.clicked.connect(self._unflag_selected)
        for keys, step in (("Ctrl+Up", -1), ("Ctrl+Down", 1)):
            shortcut = QShortcut(QKeySequence(keys), self.tracks)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda step=step: self.move_selected(step))
        self.tracks.doubleClicked.connect(lambda index: self.preview_row(index.row()))
        on_enter(self.tracks, self.preview_selected)
        self.list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.tracks.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.flagging_enabled = True
        self.reload()

    # -- reading ------------------------------------------------------------------------------

    def reload(self, select_id: str | None = None) -> None:
        """Read the playlists again, keeping (or moving to) a selection."""
        current = select_id or self.selected_id()
        try:
            playlists, broken = self.own.load()
        except OSError as error:
            playlists, broken = [], []
            self.say(tr("Your playlists could not be read: %1").replace("%1", _reason(error)))
        self.playlists = playlists
        self.list.blockSignals(True)
        self.list.clear()
        for playlist in playlists:
            count = len(playlist.tracks)
            words = plural(count, tr("%n track"), tr("%n tracks"))
            text = f"{playlist.title} · {words} · {minutes_text(playlist.duration)}"
            item = QListWidgetItem(text)
            item.setToolTip(cell_tooltip(text))
            item.setData(ID_ROLE, playlist.id)
            self.list.addItem(item)
        row = next((i for i, p in enumerate(playlists) if p.id == current), 0 if playlists else -1)
        self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self.empty.setVisible(not playlists)
        for widget in (self.list, self.rename_button, self.delete_button, self.export_button):
            widget.setVisible(bool(playlists))  # nothing to act on: not shown, not disabled
        self._show_unreadable(broken)
        self._show_selected()

    def selected(self) -> Playlist | None:
        playlist_id = self.selected_id()
        return next((p for p in self.playlists if p.id == playlist_id), None)

    def selected_id(self) -> str | None:
        item = self.list.currentItem()
        return None if item is None else str(item.data(ID_ROLE))

    def select(self, playlist_id: str) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(ID_ROLE) == playlist_id:
                self.list.setCurrentRow(row)

    def selected_track_row(self) -> int | None:
        rows = self.tracks.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def set_flagged(self, keys: Collection[str]) -> None:
        self.model.set_flagged(keys)
        self._update_buttons()

    def set_flagging_enabled(self, enabled: bool) -> None:
        self.flagging_enabled = enabled
        self._update_buttons()

    def say(self, text: str) -> None:
        """Show (or with "" hide) a calm message above the list."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # -- changing -----------------------------------------------------------------------------

    def create_playlist(self) -> None:
        title = self._dialogs().ask_title(tr("New playlist"), tr("A name for the playlist:"))
        if title is None:
            return
        self._change(lambda: self.own.create(title), tr("“%1” was made."))

    def rename_playlist(self) -> None:
        playlist = self.selected()
        if playlist is None:
            return
        title = self._dialogs().ask_title(
            tr("Rename playlist"), tr("A new name for the playlist:"), playlist.title
        )
        if title is None:
            return
        self._change(lambda: self.own.rename(playlist.id, title), tr("Renamed to “%1”."))

    def delete_playlist(self) -> None:
        playlist = self.selected()
        if playlist is None:
            return
        question = tr(
            "Delete “%1”? It is moved to the deleted folder inside your data folder and can "
            "be restored by hand from there. The music files are not touched."
        ).replace("%1", playlist.title)
        if not self._dialogs().confirm(tr("Delete playlist"), question, tr("Delete")):
            return
        try:
            self.own.delete(playlist.id)
        except OwnPlaylistError as error:
            self.say(error.message)
            return
        self.say(tr("“%1” was moved to the deleted folder.").replace("%1", playlist.title))
        self.reload()
        self.playlists_changed.emit()

    def add_tracks(self, playlist_id: str, paths: Sequence[Path]) -> bool:
        """Add files to a playlist (from the library); whether it worked."""
        if not paths:
            return False
        changed = self._change(
            lambda: self.own.add_tracks(playlist_id, list(paths)),
            plural(len(paths), tr("%n track added to “%1”."), tr("%n tracks added to “%1”.")),
        )
        if changed:
            self.tracks.scrollToBottom()
        return changed

    def move_selected(self, step: int) -> None:
        playlist, row = self.selected(), self.selected_track_row()
        if playlist is None or row is None:
            return
        target = row + step
        if not 0 <= target < len(playlist.tracks):
            return
        if self._change(lambda: self.own.move_track(playlist.id, row, target), ""):
            self._select_track(target)
            self.tracks.setFocus()

    def remove_selected(self) -> None:
        playlist, row = self.selected(), self.selected_track_row()
        if playlist is None or row is None:
            return
        if self._change(lambda: self.own.remove_track(playlist.id, row), ""):
            remaining = len(playlist.tracks) - 1
            if remaining:
                self._select_track(min(row, remaining - 1))

    def import_m3u(self) -> None:
        path = self._dialogs().choose_m3u_to_import()
        if path is None:
            return
        try:
            playlist, problems = import_m3u(path, self.own)
        except (M3UError, OSError) as error:
            self.say(tr("That playlist file could not be added: %1").replace("%1", _reason(error)))
            return
        message = tr("“%1” was added from the playlist file.").replace("%1", playlist.title)
        if problems:
            message += "\n" + tr("Some entries need a look:") + "\n" + problems_text(problems)
        self.say(message)
        self.reload(playlist.id)
        self.playlists_changed.emit()

    def export_m3u(self) -> None:
        playlist = self.selected()
        if playlist is None:
            return
        dialogs = self._dialogs()
        path = dialogs.choose_m3u_to_export(f"{playlist.title}.m3u8")
        if path is None:
            return
        if path.suffix.casefold() not in (".m3u", ".m3u8"):
            path = path.with_name(path.name + ".m3u8")
        overwrite = False
        if path.exists() or path.is_symlink():
            question = tr("“%1” exists already. Replace it?").replace("%1", path.name)
            if not dialogs.confirm(tr("Replace file"), question, tr("Replace")):
                return
            overwrite = True
        try:
            write_m3u(playlist, path, overwrite=overwrite)
        except (M3UError, OSError) as error:
            self.say(tr("The playlist file could not be saved: %1").replace("%1", _reason(error)))
            return
        self.say(tr("Saved as %1.").replace("%1", str(path)))

    # -- inside -------------------------------------------------------------------------------

    def _change(self, change: Callable[[], Playlist], done: str) -> bool:
        """Make a change, show what happened and tell the page; whether it worked."""
        try:
            playlist = change()
        except OwnPlaylistError as error:
            self.say(error.message)
            return False
        except OSError as error:
            self.say(tr("The playlist could not be changed: %1").replace("%1", _reason(error)))
            return False
        self.say(done.replace("%1", playlist.title))
        self.reload(playlist.id)
        self.playlists_changed.emit()
        return True

    def _show_selected(self) -> None:
        playlist = self.selected()
        self.model.set_playlist(playlist)
        if playlist is None:
            self.tracks_heading.setText(tr("No playlist selected"))
        else:
            self.tracks_heading.setText(playlist.title)
        for widget in (
            self.tracks_heading,
            self.tracks,
            self.preview_button,
            self.up_button,
            self.down_button,
            self.remove_button,
            self.flag_button,
            self.unflag_button,
        ):
            widget.setVisible(bool(self.playlists))
        self._update_buttons()

    def _show_unreadable(self, broken: Sequence[PlaylistError]) -> None:
        if not broken:
            self.unreadable.hide()
            return
        lines = [f"{error.path.name}: {error.message}" for error in broken]
        self.unreadable.setText(
            tr("These files in your playlists folder could not be read:")
            + "\n"
            + problems_text(lines)
        )
        self.unreadable.show()

    def _select_track(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.tracks.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _update_buttons(self) -> None:
        playlist = self.selected()
        row = self.selected_track_row()
        has_playlist = playlist is not None
        self.rename_button.setEnabled(has_playlist)
        self.delete_button.setEnabled(has_playlist)
        self.export_button.setEnabled(has_playlist)
        count = len(playlist.tracks) if playlist else 0
        self.up_button.setEnabled(row is not None and row > 0)
        self.down_button.setEnabled(row is not None and row < count - 1)
        self.remove_button.setEnabled(row is not None)
        self.preview_button.setEnabled(row is not None and self.model.track(row).playable)
        flagged = row is not None and self.model.is_flagged(row)
        self.flag_button.setEnabled(self.flagging_enabled and row is not None and not flagged)
        self.unflag_button.setEnabled(self.flagging_enabled and flagged)

    def preview_selected(self) -> None:
        """Ask for a preview of the selected track (the current one, with the keyboard)."""
        current = self.tracks.currentIndex()
        row = current.row() if current.isValid() else self.selected_track_row()
        if row is not None:
            self.preview_row(row)

    def preview_row(self, row: int) -> None:
        if not 0 <= row < self.model.rowCount():
            return
        track = self.model.track(row)
        if track.playable:
            self.preview_requested.emit(track.path, track.title)
        else:
            reason = track.problem.short if track.problem else tr("the file is missing")
            self.say(
                tr("“%1” cannot be played: %2").replace("%1", track.title).replace("%2", reason)
            )

    def _flag_selected(self) -> None:
        row = self.selected_track_row()
        if row is not None:
            track = self.model.track(row)
            self.flag_requested.emit(track.path, track.title)

    def _unflag_selected(self) -> None:
        row = self.selected_track_row()
        if row is not None:
            self.unflag_requested.emit(self.model.track(row).path)


def _reason(error: Exception) -> str:
    if isinstance(error, M3UError):
        return error.message
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
