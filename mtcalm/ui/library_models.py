"""Qt table models over the "My music" page's plain data: tracks, unreadable files, flags.

The models hold core values only (never widgets). A flagged track is marked with the word
"Flagged" and a colour chip beside it, so the mark never depends on colour alone.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Collection, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from mtcalm.journal.store import TrackFlag
from mtcalm.playlists import Playlist, Track
from mtcalm.ui import theme
from mtcalm.ui.text import clock_text, tr, when_text

AnyIndex = QModelIndex | QPersistentModelIndex
KeyOf = Callable[[Path], str]

FLAG_CHIP = theme.GROUND  # warm and quiet, the colour of "Stop and ground"
DISPLAY = Qt.ItemDataRole.DisplayRole


class LibraryTrackLike(Protocol):
    """What the table needs of a library track (mtcalm.library.LibraryTrack)."""

    @property
    def path(self) -> Path: ...
    @property
    def title(self) -> str: ...
    @property
    def artist(self) -> str: ...
    @property
    def album(self) -> str: ...
    @property
    def duration(self) -> float: ...
    @property
    def format(self) -> str: ...


class BrokenFileLike(Protocol):
    """What the list of unreadable files needs (mtcalm.library.BrokenFile)."""

    @property
    def path(self) -> Path: ...
    @property
    def reason(self) -> str: ...


def cell_tooltip(*lines: str) -> str:
    """A cell's whole text (and more, a line each) for its tooltip, shown as plain text and
    wrapped rather than running off the screen (Qt would read ``<b>`` in a title as HTML)."""
    text = "\n".join(line for line in lines if line)
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


def flag_text() -> str:
    return tr("Flagged")


def flag_tooltip() -> str:
    return tr("Flagged as a trigger: skipped in sessions unless you choose to play it")


def _flag_data(flagged: bool, role: int) -> object:
    """The flag column's data: the word, its chip and an explanation, or nothing."""
    if not flagged:
        return None
    if role in (DISPLAY, Qt.ItemDataRole.AccessibleTextRole):
        return flag_text()
    if role == Qt.ItemDataRole.DecorationRole:
        return QColor(FLAG_CHIP)
    if role == Qt.ItemDataRole.ToolTipRole:
        return flag_tooltip()
    return None


def _title_of(track: LibraryTrackLike) -> str:
    return track.title or track.path.stem


class _TableModel(QAbstractTableModel):
    """Shared plumbing: a fixed list of columns with translated headings."""

    COLUMNS: tuple[str, ...] = ()

    def headings(self) -> tuple[str, ...]:
        raise NotImplementedError

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_count()

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def row_count(self) -> int:
        raise NotImplementedError

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> object:
        if orientation != Qt.Orientation.Horizontal or role != DISPLAY:
            return None
        return self.headings()[section]

    def column_of(self, name: str) -> int:
        return self.COLUMNS.index(name)


class _FlaggableTracksModel(_TableModel):
    """Tracks, each with its flag key; the "flag" column marks those flagged as triggers."""

    def __init__(self) -> None:
        super().__init__()
        self._keys: list[str] = []
        self._flagged: frozenset[str] = frozenset()

    def set_flagged(self, keys: Collection[str]) -> None:
        self._flagged = frozenset(keys)
        if self._keys:
            column = self.column_of("flag")
            self.dataChanged.emit(self.index(0, column), self.index(len(self._keys) - 1, column))

    def is_flagged(self, row: int) -> bool:
        return self._keys[row] in self._flagged


class LibraryTracksModel(_FlaggableTracksModel):
    """The person's tracks: flag, title, artist, length, format; sorts in place, fast."""

    COLUMNS = ("flag", "title", "artist", "length", "format")

    def __init__(self) -> None:
        super().__init__()
        self._tracks: list[LibraryTrackLike] = []
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def headings(self) -> tuple[str, ...]:
        return (tr("Flag"), tr("Title"), tr("Artist"), tr("Length"), tr("Format"))

    def row_count(self) -> int:
        return len(self._tracks)

    def set_tracks(self, tracks: Sequence[LibraryTrackLike], keys: Sequence[str]) -> None:
        """Show ``tracks``; ``keys`` are their flag keys (worked out off the UI thread)."""
        if len(keys) != len(tracks):
            raise ValueError("one key for each track")
        self.beginResetModel()
        self._tracks = list(tracks)
        self._keys = list(keys)
        if self._sort is not None:
            self._sort_rows(*self._sort)
        self.endResetModel()

    def track(self, row: int) -> LibraryTrackLike:
        return self._tracks[row]

    def data(self, index: AnyIndex, role: int = DISPLAY) -> object:
        if not index.isValid():
            return None
        row = index.row()
        column = self.COLUMNS[index.column()]
        if column == "flag":
            return _flag_data(self.is_flagged(row), role)
        track = self._tracks[row]
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == "title":
            text = _title_of(track)
        elif column == "artist":
            text = track.artist
        elif column == "length":
            text = clock_text(track.duration)
        else:
            text = track.format
        if role == Qt.ItemDataRole.ToolTipRole:
            if column != "title":
                return cell_tooltip(text)
            facts = " · ".join(part for part in (track.artist, track.album, track.format) if part)
            return cell_tooltip(text, facts, str(track.path))  # all, when columns give way
        return text

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._sort_rows(column, order)
        self.layoutChanged.emit()

    def _sort_rows(self, column: int, order: Qt.SortOrder) -> None:
        name = self.COLUMNS[column]
        rows = list(zip(self._tracks, self._keys, strict=True))

        def key(row: tuple[LibraryTrackLike, str]) -> tuple[object, ...]:
            track, track_key = row
            title = _title_of(track).casefold()
            if name == "flag":
                return (track_key not in self._flagged, title)
            if name == "artist":
                return (track.artist.casefold(), track.album.casefold(), title)
            if name == "length":
                return (track.duration, title)
            if name == "format":
                return (track.format.casefold(), title)
            return (title, track.artist.casefold())

        rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        self._tracks = [track for track, _ in rows]
        self._keys = [track_key for _, track_key in rows]


class BrokenFilesModel(_TableModel):
    """Files that could not be read, each with the reason in plain words."""

    COLUMNS = ("file", "reason")

    def __init__(self) -> None:
        super().__init__()
        self._files: list[BrokenFileLike] = []

    def headings(self) -> tuple[str, ...]:
        return (tr("File"), tr("Why it could not be read"))

    def row_count(self) -> int:
        return len(self._files)

    def set_files(self, files: Sequence[BrokenFileLike]) -> None:
        self.beginResetModel()
        self._files = sorted(files, key=lambda broken: str(broken.path).casefold())
        self.endResetModel()

    def data(self, index: AnyIndex, role: int = DISPLAY) -> object:
        if not index.isValid() or role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        broken = self._files[index.row()]
        text = str(broken.path) if self.COLUMNS[index.column()] == "file" else broken.reason
        return cell_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text


class PlaylistTracksModel(_FlaggableTracksModel):
    """The entries of one playlist, in order; a missing file stays in the list, said plainly."""

    COLUMNS = ("number", "flag", "title", "length")

    def __init__(self, key_of: KeyOf) -> None:
        super().__init__()
        self._key_of = key_of
        self._tracks: list[Track] = []

    def headings(self) -> tuple[str, ...]:
        return ("#", tr("Flag"), tr("Title"), tr("Length"))

    def row_count(self) -> int:
        return len(self._tracks)

    def set_playlist(self, playlist: Playlist | None) -> None:
        self.beginResetModel()
        self._tracks = list(playlist.tracks) if playlist else []
        self._keys = [self._key_of(track.path) for track in self._tracks]
        self.endResetModel()

    def track(self, row: int) -> Track:
        return self._tracks[row]

    @staticmethod
    def status_text(track: Track) -> str:
        """The length, or why the entry cannot be played."""
        if track.playable:
            return clock_text(track.duration)
        if track.problem is not None:
            return tr("Missing: %1").replace("%1", track.problem.short)
        return tr("Missing")

    def data(self, index: AnyIndex, role: int = DISPLAY) -> object:
        if not index.isValid():
            return None
        row = index.row()
        column = self.COLUMNS[index.column()]
        if column == "flag":
            return _flag_data(self.is_flagged(row), role)
        track = self._tracks[row]
        if role == Qt.ItemDataRole.ForegroundRole and not track.playable:
            return QColor(theme.MUTED)
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == "number":
            text = str(row + 1)
        elif column == "title":
            text = track.title
        else:
            text = self.status_text(track)
        if role == Qt.ItemDataRole.ToolTipRole:
            problem = track.problem.long if track.problem is not None else ""
            return cell_tooltip(text, str(track.path), problem)
        return text


class FlaggedTracksModel(_TableModel):
    """Every flagged track, bundled or the person's own, by title."""

    COLUMNS = ("flag", "title", "since")

    def __init__(self) -> None:
        super().__init__()
        self._flags: list[TrackFlag] = []

    def headings(self) -> tuple[str, ...]:
        return (tr("Flag"), tr("Title"), tr("Flagged on"))

    def row_count(self) -> int:
        return len(self._flags)

    def set_flags(self, flags: Collection[TrackFlag]) -> None:
        self.beginResetModel()
        self._flags = sorted(flags, key=lambda flag: (flag.title.casefold(), flag.key))
        self.endResetModel()

    def flag(self, row: int) -> TrackFlag:
        return self._flags[row]

    def data(self, index: AnyIndex, role: int = DISPLAY) -> object:
        if not index.isValid():
            return None
        flag = self._flags[index.row()]
        column = self.COLUMNS[index.column()]
        if column == "flag":
            return _flag_data(True, role)
        if role not in (DISPLAY, Qt.ItemDataRole.ToolTipRole):
            return None
        title = column == "title"
        text = (flag.title or flag.key) if title else when_text(flag.flagged_at)
        if title and flag.by_therapist:  # the person can see who flagged it, and unflag it
            text = tr("%1 (flagged by your therapist’s homework)").replace("%1", text)
        if role == Qt.ItemDataRole.ToolTipRole:
            return cell_tooltip(text, flag.key) if title else cell_tooltip(text)
        return text
