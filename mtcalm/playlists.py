"""Receptive-listening playlists: a small, human-editable TOML format.

A playlist file looks like this (paths are relative to the file's folder)::

    format = 1
    [playlist]
    title = "Settle"
    purpose = "Arrive, slow down and let the day fall away."
    suggested_use = "At the start of the evening, sitting or lying down."
    crossfade_seconds = 4

    [[track]]
    file = "../music/settle/01-harbour.ogg"
    title = "Harbour at dawn"
    note = "Slow, open chords."

A missing or unreadable track is reported on the playlist, never fatal.
"""

from __future__ import annotations

import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtcalm.audio.metadata import AudioFileError, AudioInfo, read_audio_info

PLAYLIST_SUFFIX = ".toml"
PLAYLIST_FORMAT = 1
MAX_PLAYLIST_BYTES = 256 * 1024
MAX_TRACKS = 500
MAX_TEXT = 2000
MAX_CROSSFADE_SECONDS = 12.0


class PlaylistError(ValueError):
    """A playlist file that cannot be used; ``line`` is 1-based when known."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Track:
    """One entry of a playlist, with its audio facts once they are read."""

    path: Path
    title: str
    note: str = ""
    info: AudioInfo | None = None
    problem: AudioFileError | None = None

    @property
    def duration(self) -> float:
        return self.info.duration if self.info else 0.0

    @property
    def playable(self) -> bool:
        return self.info is not None


@dataclass(frozen=True)
class Playlist:
    """A playlist as loaded from its file."""

    id: str
    source: Path
    title: str
    purpose: str
    suggested_use: str
    crossfade_seconds: float
    tracks: tuple[Track, ...] = field(default_factory=tuple)

    @property
    def ref(self) -> str:
        """How the journal names this playlist."""
        return f"playlist:{self.id}"

    @property
    def duration(self) -> float:
        return sum(track.duration for track in self.tracks)

    @property
    def playable_tracks(self) -> tuple[Track, ...]:
        return tuple(track for track in self.tracks if track.playable)

    @property
    def problems(self) -> tuple[str, ...]:
        return tuple(
            f"{track.title}: {track.problem.short}" for track in self.tracks if track.problem
        )


AudioReader = Callable[[Path], AudioInfo]


def load_playlist(path: Path, read_info: AudioReader = read_audio_info) -> Playlist:
    """Parse and validate the playlist at ``path``, reading each track's audio facts."""
    document = _read_toml(path)
    if document.get("format") != PLAYLIST_FORMAT:
        raise PlaylistError(path, f"'format = {PLAYLIST_FORMAT}' is missing or different", 1)
    header = document.get("playlist")
    if not isinstance(header, dict):
        raise PlaylistError(path, "a [playlist] table is missing", _line_of(path, "[playlist]"))
    title = _text(path, header, "title", required=True)
    crossfade = header.get("crossfade_seconds", 4)
    if (
        not isinstance(crossfade, int | float)
        or isinstance(crossfade, bool)
        or not 0 <= crossfade <= MAX_CROSSFADE_SECONDS
    ):
        raise PlaylistError(
            path,
            f"crossfade_seconds must be a number from 0 to {MAX_CROSSFADE_SECONDS:g}",
            _line_of(path, "crossfade_seconds"),
        )
    entries = document.get("track", [])
    if not isinstance(entries, list) or not entries:
        raise PlaylistError(path, "the playlist has no [[track]] entries")
    if len(entries) > MAX_TRACKS:
        raise PlaylistError(path, f"more than {MAX_TRACKS} tracks")
    tracks = tuple(
        _track(path, entry, read_info, number) for number, entry in enumerate(entries, start=1)
    )
    return Playlist(
        id=_slug(path.stem),
        source=path,
        title=title,
        purpose=_text(path, header, "purpose"),
        suggested_use=_text(path, header, "suggested_use"),
        crossfade_seconds=float(crossfade),
        tracks=tracks,
    )


def load_playlists(folder: Path, read_info: AudioReader = read_audio_info) -> list[Playlist]:
    """Every valid playlist in ``folder``, sorted by title; broken files are skipped."""
    found = []
    for path in sorted(folder.glob(f"*{PLAYLIST_SUFFIX}")):
        try:
            found.append(load_playlist(path, read_info))
        except PlaylistError:
            continue
    return sorted(found, key=lambda playlist: playlist.title.casefold())


def _track(path: Path, entry: Any, read_info: AudioReader, number: int) -> Track:
    if not isinstance(entry, dict):
        raise PlaylistError(path, "each [[track]] must be a table")
    try:
        file_text = _text(path, entry, "file", required=True)
        title = _text(path, entry, "title") or Path(file_text).stem
        note = _text(path, entry, "note")
    except PlaylistError as error:  # point at this track, not the first line using the key
        raise PlaylistError(
            path, f"track {number}: {error.message}", _line_of(path, "[[track]]", number)
        ) from error
    audio_path = (path.parent / file_text).resolve()
    try:
        return Track(audio_path, title, note, info=read_info(audio_path))
    except AudioFileError as problem:
        return Track(audio_path, title, note, problem=problem)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a folder, a device or a pipe: never open it
            raise PlaylistError(path, "cannot be read: it is not a regular file")
        size = status.st_size
        if size > MAX_PLAYLIST_BYTES:
            raise PlaylistError(path, f"the file is too large ({size} bytes)")
        raw = path.read_bytes()
    except OSError as error:
        raise PlaylistError(path, f"cannot be read: {error.strerror or error}") from error
    if b"\x00" in raw:
        raise PlaylistError(path, "this is a binary file, not a playlist")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise PlaylistError(path, "the file is not UTF-8 text", line) from error
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise PlaylistError(path, message, int(match.group(1)) if match else None) from error
    except RecursionError as error:
        raise PlaylistError(path, "the file is nested too deeply") from error


def _text(path: Path, table: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise PlaylistError(path, f"'{key}' must be text", _line_of(path, key))
    value = value.strip()
    if required and not value:
        raise PlaylistError(path, f"'{key}' is missing", _line_of(path, key))
    if len(value) > MAX_TEXT:
        raise PlaylistError(path, f"'{key}' is longer than {MAX_TEXT} characters")
    return value


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int | None:
    """The line starting with ``needle`` (its nth occurrence): enough to point a person at it."""
    try:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip().startswith(needle):
                occurrence -= 1
                if occurrence == 0:
                    return number
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.casefold()).strip("-") or "playlist"
