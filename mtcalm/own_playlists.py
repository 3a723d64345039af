"""The person's own playlists: format-1 files in ``<data>/playlists/``, one per playlist.

A playlist's id is its file name (``calm-evening.toml`` is ``playlist:calm-evening`` in the
journal), made once from its title and never changed, so renaming keeps journal references
valid. Every change is one atomic write of the whole file. Deleting moves the file into
``deleted/`` with a timestamp: nothing a person made is ever erased silently.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from mtcalm.assets import bundled_playlists_dir
from mtcalm.audio.metadata import AudioFileError, AudioInfo, read_audio_info
from mtcalm.datadir import DataDirError, ensure_private_dir, why_not_written
from mtcalm.playlists import (
    DEFAULT_CROSSFADE_SECONDS,
    MAX_TRACKS,
    PLAYLIST_SUFFIX,
    AudioReader,
    Playlist,
    PlaylistError,
    default_title,
    load_playlist,
    write_playlist,
)

OWN_PLAYLISTS_FOLDER = "playlists"  # inside the data folder: OwnPlaylists(data_dir / this)
MAX_TITLE_LENGTH = 120
MAX_ID_LENGTH = 48
MAX_OWN_PLAYLISTS = 1000
OWN_ID_PREFIX = "my-"
DELETED_FOLDER = "deleted"
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class OwnPlaylistError(Exception):
    """A change to an own playlist that cannot be made; ``message`` says why, for a person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OwnPlaylists:
    """The playlists a person makes, kept in ``folder`` (normally ``<data>/playlists``).

    ``reserved_ids`` are ids that are taken elsewhere (by default the bundled playlists');
    ``read_info`` reads a track's audio facts (the UI passes its cache).
    """

    def __init__(
        self,
        folder: Path,
        *,
        reserved_ids: Iterable[str] | None = None,
        read_info: AudioReader = read_audio_info,
    ) -> None:
        self.folder = folder
        self.read_info = read_info
        if reserved_ids is None:
            bundled = bundled_playlists_dir().glob(f"*{PLAYLIST_SUFFIX}")
            reserved_ids = (_file_id(path) for path in bundled)
        self.reserved_ids = frozenset(reserved_ids)

    # -- reading ------------------------------------------------------------------------------

    def load(self) -> tuple[list[Playlist], list[PlaylistError]]:
        """Every own playlist sorted by title, and separately the files that could not be read."""
        playlists: list[Playlist] = []
        broken: list[PlaylistError] = []
        seen: dict[str, Path] = {}
        for path in self._files():
            try:
                playlist = load_playlist(path, self.read_info, allow_empty=True)
            except PlaylistError as error:
                broken.append(error)
                continue
            if playlist.id in seen:  # "Calm.toml" beside "calm.toml": the journal cannot tell
                message = f"has the same id as {seen[playlist.id].name}: give it another name"
                broken.append(PlaylistError(path, message))
                continue
            seen[playlist.id] = path
            playlists.append(playlist)
        playlists.sort(key=lambda playlist: (playlist.title.casefold(), playlist.id))
        return playlists, broken

    def all(self) -> list[Playlist]:
        """Every own playlist that can be read, sorted by title (see :meth:`broken`)."""
        return self.load()[0]

    def broken(self) -> list[PlaylistError]:
        """The files in the folder that are not readable playlists, each with its reason."""
        return self.load()[1]

    def get(self, playlist_id: str) -> Playlist:
        """The own playlist ``playlist_id``; raises :class:`OwnPlaylistError`."""
        return self._load(self._path(playlist_id), self.read_info)

    # -- changing -----------------------------------------------------------------------------

    def create(self, title: str, tracks: Sequence[tuple[Path, str]] = ()) -> Playlist:
        """A new playlist named ``title``, with ``tracks`` (``(audio file, title)``) if given.

        Its id comes from the title and never repeats a bundled, existing or deleted one.
        """
        title = _checked_title(title)
        if len(tracks) > MAX_TRACKS:
            raise OwnPlaylistError(
                f"A playlist holds at most {MAX_TRACKS} tracks, not {len(tracks)}."
            )
        existing = list(self._files())
        if len(existing) >= MAX_OWN_PLAYLISTS:
            raise OwnPlaylistError(f"There are already {MAX_OWN_PLAYLISTS} playlists.")
        playlist_id = self._new_id(title, {_file_id(path) for path in existing})
        path = self.folder / f"{playlist_id}{PLAYLIST_SUFFIX}"
        entries = [(_absolute(audio), track_title, "") for audio, track_title in tracks]
        self._write(path, title, "", "", DEFAULT_CROSSFADE_SECONDS, entries)
        return self._load(path, self.read_info)

    def rename(self, playlist_id: str, title: str) -> Playlist:
        """Give the playlist a new title; its id and file stay the same."""
        title = _checked_title(title)
        path, playlist = self._for_change(playlist_id)
        self._write(path, title, *_header_rest(playlist), _entries(playlist))
        return self._load(path, self.read_info)

    def add_tracks(self, playlist_id: str, paths: Sequence[Path]) -> Playlist:
        """Add audio files at the end; a relative path is taken from the working folder.

        Each gets its title tag as title when it has one, else its file name shows.
        """
        path, playlist = self._for_change(playlist_id)
        total = len(playlist.tracks) + len(paths)
        if total > MAX_TRACKS:
            raise OwnPlaylistError(
                f"A playlist holds at most {MAX_TRACKS} tracks; this would make {total}."
            )
        added = [(_absolute(audio), self._tag_title(_absolute(audio)), "") for audio in paths]
        self._write(path, playlist.title, *_header_rest(playlist), _entries(playlist) + added)
        return self._load(path, self.read_info)

    def remove_track(self, playlist_id: str, index: int) -> Playlist:
        """Take out the track at ``index`` (0-based); the audio file itself is not touched."""
        path, playlist = self._for_change(playlist_id)
        entries = _entries(playlist)
        _check_index(index, len(entries))
        del entries[index]
        self._write(path, playlist.title, *_header_rest(playlist), entries)
        return self._load(path, self.read_info)

    def move_track(self, playlist_id: str, from_index: int, to_index: int) -> Playlist:
        """Move the track at ``from_index`` so that it ends up at ``to_index`` (both 0-based)."""
        path, playlist = self._for_change(playlist_id)
        entries = _entries(playlist)
        _check_index(from_index, len(entries))
        _check_index(to_index, len(entries))
        entries.insert(to_index, entries.pop(from_index))
        self._write(path, playlist.title, *_header_rest(playlist), entries)
        return self._load(path, self.read_info)

    def delete(self, playlist_id: str) -> Path:
        """Move the playlist's file into ``deleted/`` with a timestamp; where it went."""
        path = self._path(playlist_id)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        try:
            bin_folder = ensure_private_dir(self.folder / DELETED_FOLDER)
            target = bin_folder / f"{playlist_id}.{stamp}{PLAYLIST_SUFFIX}"
            counter = 1
            while target.exists() or target.is_symlink():
                counter += 1
                target = bin_folder / f"{playlist_id}.{stamp}-{counter}{PLAYLIST_SUFFIX}"
            path.rename(target)
        except (OSError, DataDirError) as error:
            raise OwnPlaylistError(
                f"The playlist could not be deleted: {_reason(error)}"
            ) from error
        return target

    # -- inside -------------------------------------------------------------------------------

    def _files(self) -> list[Path]:
        """The playlist files, the ones mtcalm named first (they win a clash of ids)."""
        if not self.folder.is_dir():
            return []
        found = [path for path in self.folder.glob(f"*{PLAYLIST_SUFFIX}") if path.is_file()]
        return sorted(found, key=lambda path: (not _ID.fullmatch(path.stem), path.name))

    def _path(self, playlist_id: str) -> Path:
        """The file of an existing own playlist; ids are checked, so no path leaves the folder.

        Files that a person put in the folder by hand keep their names; their id is the
        file name's slug, as :func:`mtcalm.playlists.load_playlist` makes it.
        """
        if not isinstance(playlist_id, str) or not _ID.fullmatch(playlist_id):
            raise OwnPlaylistError(f"There is no playlist {playlist_id!r}.")
        for path in self._files():
            if _file_id(path) == playlist_id:
                return path
        raise OwnPlaylistError(f"There is no playlist {playlist_id!r}.")

    def _for_change(self, playlist_id: str) -> tuple[Path, Playlist]:
        """The file and its contents, read without the audio (only the entries are needed)."""
        path = self._path(playlist_id)
        return path, self._load(path, _audio_not_read)

    def _load(self, path: Path, read_info: AudioReader) -> Playlist:
        try:
            return load_playlist(path, read_info, allow_empty=True)
        except PlaylistError as error:
            raise OwnPlaylistError(f"The playlist cannot be read: {error}") from error

    def _write(
        self,
        path: Path,
        title: str,
        purpose: str,
        suggested_use: str,
        crossfade_seconds: float,
        tracks: Sequence[tuple[Path, str, str]],
    ) -> None:
        try:
            ensure_private_dir(self.folder)
            write_playlist(path, title, purpose, suggested_use, crossfade_seconds, tracks)
        except PlaylistError as error:
            raise OwnPlaylistError(f"The playlist cannot be saved: {error.message}") from error
        except (OSError, DataDirError) as error:
            raise OwnPlaylistError(f"The playlist cannot be saved: {_reason(error)}") from error

    def _new_id(self, title: str, taken_stems: set[str]) -> str:
        taken = self.reserved_ids | taken_stems | self._deleted_ids()
        base = _slug(title)[:MAX_ID_LENGTH].strip("-") or "playlist"
        if base not in taken:
            return base
        prefixed = base if base.startswith(OWN_ID_PREFIX) else f"{OWN_ID_PREFIX}{base}"
        prefixed = prefixed[:MAX_ID_LENGTH].strip("-")
        if prefixed not in taken:
            return prefixed
        for number in range(2, MAX_OWN_PLAYLISTS * 2 + len(taken) + 2):
            candidate = f"{prefixed}-{number}"
            if candidate not in taken:
                return candidate
        raise OwnPlaylistError("No free name for a new playlist.")  # more ids than can exist

    def _deleted_ids(self) -> set[str]:
        """Ids of deleted playlists: never given out again, so old journal entries stay true."""
        folder = self.folder / DELETED_FOLDER
        if not folder.is_dir():
            return set()
        return {_slug(path.name.split(".", 1)[0]) for path in folder.glob(f"*{PLAYLIST_SUFFIX}")}

    def _tag_title(self, audio: Path) -> str:
        try:
            return " ".join(self.read_info(audio).title.split())[:MAX_TITLE_LENGTH]
        except AudioFileError:
            return ""


def _slug(text: str) -> str:
    """Lower-case ASCII letters, digits and dashes: ``Ruhe für Körper`` is ``ruhe-fur-korper``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.casefold()).strip("-")


def _file_id(path: Path) -> str:
    """The id :func:`mtcalm.playlists.load_playlist` gives the playlist in ``path``."""
    return re.sub(r"[^a-z0-9]+", "-", path.stem.casefold()).strip("-") or "playlist"


def _checked_title(title: str) -> str:
    if not isinstance(title, str):
        raise OwnPlaylistError("A playlist's title must be text.")
    title = title.strip()
    if not title:
        raise OwnPlaylistError("A playlist needs a title.")
    if len(title) > MAX_TITLE_LENGTH:
        raise OwnPlaylistError(
            f"A playlist's title can be at most {MAX_TITLE_LENGTH} characters long."
        )
    if any(unicodedata.category(character) in ("Cc", "Cs", "Zl", "Zp") for character in title):
        raise OwnPlaylistError("A playlist's title cannot hold line breaks or control characters.")
    return title


def _check_index(index: int, count: int) -> None:
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise OwnPlaylistError(f"There is no track {index!r} in this playlist of {count}.")


def _header_rest(playlist: Playlist) -> tuple[str, str, float]:
    return playlist.purpose, playlist.suggested_use, playlist.crossfade_seconds


def _entries(playlist: Playlist) -> list[tuple[Path, str, str]]:
    """The tracks as written: the title only when it is not the file name's default."""
    entries = []
    for track in playlist.tracks:
        written = Path(track.entry)  # as written: relative ones start at the playlist's folder
        title = "" if track.title == default_title(track.entry) else track.title
        entries.append((written, title, track.note))
    return entries


def _absolute(path: Path) -> Path:
    return path if path.is_absolute() else path.absolute()


def _audio_not_read(path: Path) -> AudioInfo:
    raise AudioFileError("Not read", f"{path} was not read.")


def _reason(error: Exception) -> str:
    """Why a playlist could not be written, in the words used wherever mtcalm writes."""
    if isinstance(error, OSError):
        return why_not_written(error)
    return str(error)
