"""Receptive-listening playlists: a small, human-editable TOML format (docs/playlists.md).

A playlist file looks like this (relative ``file`` entries resolve against the file's folder)::

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

The file is UTF-8 (a byte-order mark is allowed), at most 256 KiB, with at most 500 tracks.
A missing or unreadable track is reported on the playlist with its entry and line, never
fatal: the rest plays. :func:`write_playlist` writes the same format, which this module
reads back unchanged.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mtcalm.audio.metadata import AudioFileError, AudioInfo, read_audio_info
from mtcalm.datadir import write_file_atomically
from mtcalm.tomlfile import DocumentError, read_toml

PLAYLIST_SUFFIX = ".toml"
PLAYLIST_FORMAT = 1
MAX_PLAYLIST_BYTES = 256 * 1024
MAX_TRACKS = 500
MAX_TEXT = 2000
MAX_CROSSFADE_SECONDS = 12.0
DEFAULT_CROSSFADE_SECONDS = 4.0


class PlaylistError(DocumentError):
    """A playlist file that cannot be used; ``line`` is 1-based when known."""


@dataclass(frozen=True)
class Track:
    """One entry of a playlist, with its audio facts once they are read.

    ``entry`` is the ``file`` text as written in the playlist and ``line`` the line it is on
    (when known), so a problem can point a person at it.
    """

    path: Path
    title: str
    note: str = ""
    info: AudioInfo | None = None
    problem: AudioFileError | None = None
    entry: str = ""
    line: int | None = None

    @property
    def duration(self) -> float:
        return self.info.duration if self.info else 0.0

    @property
    def playable(self) -> bool:
        return self.info is not None


@dataclass(frozen=True)
class EntryProblem:
    """A track that cannot be played: its number, the entry as written, its line and why."""

    number: int
    entry: str
    line: int | None
    short: str
    long: str

    @property
    def message(self) -> str:
        """One line naming the entry: ``track 2 "gone.ogg": File not found``."""
        return f'track {self.number} "{self.entry}": {self.short}'


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
        """Short texts for a list a person reads: ``Harbour at dawn: File not found``."""
        return tuple(
            f"{track.title}: {track.problem.short}" for track in self.tracks if track.problem
        )

    @property
    def entry_problems(self) -> tuple[EntryProblem, ...]:
        """Each unplayable track with its entry as written and its line, for ``mtcalm check``."""
        return tuple(
            EntryProblem(number, track.entry, track.line, track.problem.short, track.problem.long)
            for number, track in enumerate(self.tracks, start=1)
            if track.problem
        )


AudioReader = Callable[[Path], AudioInfo]


def load_playlist(
    path: Path, read_info: AudioReader = read_audio_info, *, allow_empty: bool = False
) -> Playlist:
    """Parse and validate the playlist at ``path``, reading each track's audio facts.

    A playlist without tracks is refused unless ``allow_empty`` (a person's own playlist,
    just made, has none yet).
    """
    document, text = read_toml_document(path)
    lines = _Lines(text)
    if document.get("format") != PLAYLIST_FORMAT:
        raise PlaylistError(path, f"'format = {PLAYLIST_FORMAT}' is missing or different", 1)
    header = document.get("playlist")
    if not isinstance(header, dict):
        raise PlaylistError(path, "a [playlist] table is missing", lines.find("[playlist]"))
    title = _text(path, lines, header, "title", required=True)
    crossfade = header.get("crossfade_seconds", DEFAULT_CROSSFADE_SECONDS)
    if not _is_crossfade(crossfade):
        raise PlaylistError(
            path,
            f"crossfade_seconds must be a number from 0 to {MAX_CROSSFADE_SECONDS:g}",
            lines.find("crossfade_seconds"),
        )
    entries = document.get("track", [])
    if not isinstance(entries, list):
        raise PlaylistError(path, "'track' must be a list of [[track]] tables")
    if not entries and not allow_empty:
        raise PlaylistError(path, "the playlist has no [[track]] entries")
    if len(entries) > MAX_TRACKS:
        raise PlaylistError(path, f"more than {MAX_TRACKS} tracks")
    tracks = tuple(
        _track(path, lines, entry, read_info, number)
        for number, entry in enumerate(entries, start=1)
    )
    return Playlist(
        id=_slug(path.stem),
        source=path,
        title=title,
        purpose=_text(path, lines, header, "purpose"),
        suggested_use=_text(path, lines, header, "suggested_use"),
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


def write_playlist(
    path: Path,
    title: str,
    purpose: str,
    suggested_use: str,
    crossfade_seconds: float,
    tracks: Sequence[tuple[Path, str, str]],
) -> None:
    """Write a format-1 playlist to ``path`` atomically and owner-only.

    ``tracks`` are ``(audio file, title, note)``; a relative audio path is taken as relative to
    the playlist's folder, as in the file. An entry is written relative when the audio file is
    in the playlist's folder or below it, else absolute. Texts are written stripped, as
    :func:`load_playlist` reads them; an empty track title is left out (the file name is used).
    Raises :class:`PlaylistError` for anything the format cannot hold, and ``OSError`` when the
    file cannot be written.
    """
    title = title.strip()
    if not title:
        raise PlaylistError(path, "the playlist needs a title")
    if not _is_crossfade(crossfade_seconds):
        raise PlaylistError(
            path, f"crossfade_seconds must be a number from 0 to {MAX_CROSSFADE_SECONDS:g}"
        )
    if len(tracks) > MAX_TRACKS:
        raise PlaylistError(path, f"a playlist holds at most {MAX_TRACKS} tracks")
    lines = [
        f"# mtcalm playlist (format {PLAYLIST_FORMAT}); relative paths start at this file's folder",
        f"format = {PLAYLIST_FORMAT}",
        "",
        "[playlist]",
        _key_value(path, "title", title),
    ]
    if purpose.strip():
        lines.append(_key_value(path, "purpose", purpose.strip()))
    if suggested_use.strip():
        lines.append(_key_value(path, "suggested_use", suggested_use.strip()))
    lines.append(f"crossfade_seconds = {float(crossfade_seconds)!r}")
    folder = _absolute(path.parent)
    for number, (audio, track_title, note) in enumerate(tracks, start=1):
        entry = playlist_entry(folder, audio)
        if not entry or "\x00" in entry or len(entry) > MAX_TEXT:
            raise PlaylistError(path, f"track {number}: {audio!s} cannot be written as an entry")
        lines += ["", "[[track]]", _key_value(path, "file", entry, number)]
        if track_title.strip():
            lines.append(_key_value(path, "title", track_title.strip(), number))
        if note.strip():
            lines.append(_key_value(path, "note", note.strip(), number))
    data = "\n".join(lines) + "\n"
    try:
        encoded = data.encode("utf-8")
    except UnicodeEncodeError as error:  # a file name that is not valid text (lone surrogate)
        raise PlaylistError(path, "a text or file name cannot be written as UTF-8") from error
    if len(encoded) > MAX_PLAYLIST_BYTES:
        raise PlaylistError(path, f"the playlist would be larger than {MAX_PLAYLIST_BYTES} bytes")
    write_file_atomically(path, encoded)


def playlist_entry(folder: Path, audio: Path) -> str:
    """How ``audio`` is written in a playlist kept in ``folder`` (which must be absolute).

    Relative (with ``/``) when it is in ``folder`` or below it, else absolute.
    """
    target = _absolute(folder / audio)
    if target.is_relative_to(folder):
        return target.relative_to(folder).as_posix()
    return target.as_posix() if os.sep == "/" else str(target)


def read_toml_document(
    path: Path, max_bytes: int = MAX_PLAYLIST_BYTES
) -> tuple[dict[str, Any], str]:
    """The TOML document at ``path`` and its text, refusing what is not a small UTF-8 file."""
    return read_toml(path, max_bytes=max_bytes, error=PlaylistError, what="a playlist")


# -- reading ----------------------------------------------------------------------------------


class _Lines:
    """Finds the line a key is on: enough to point a person at it, never parsing TOML."""

    def __init__(self, text: str) -> None:
        self.lines = [line.strip() for line in text.split("\n")]  # as TOML counts lines
        self._track_lines: list[tuple[int, int | None]] | None = None

    def find(self, needle: str) -> int | None:
        for number, line in enumerate(self.lines, start=1):
            if line.startswith(needle):
                return number
        return None

    def track(self, number: int) -> tuple[int | None, int | None]:
        """The lines of the ``number``-th ``[[track]]`` header and of its ``file`` key."""
        if self._track_lines is None:
            self._track_lines = self._find_tracks()
        if 1 <= number <= len(self._track_lines):
            return self._track_lines[number - 1]
        return None, None

    def _find_tracks(self) -> list[tuple[int, int | None]]:
        found: list[tuple[int, int | None]] = []
        inside = False
        for number, line in enumerate(self.lines, start=1):
            if line.startswith("[[track]]"):
                found.append((number, None))
                inside = True
            elif line.startswith("["):
                inside = False
            elif inside and found[-1][1] is None and re.match(r"file\s*=", line):
                found[-1] = (found[-1][0], number)
        return found


def _track(path: Path, lines: _Lines, entry: Any, read_info: AudioReader, number: int) -> Track:
    header_line, file_line = lines.track(number)
    if not isinstance(entry, dict):
        raise PlaylistError(path, f"track {number}: each [[track]] must be a table", header_line)
    try:
        file_text = _file_entry(path, entry)
        title = _text(path, lines, entry, "title") or default_title(file_text)
        note = _text(path, lines, entry, "note")
    except PlaylistError as error:  # point at this track, not the first line using the key
        raise PlaylistError(path, f"track {number}: {error.message}", header_line) from error
    line = file_line or header_line
    audio_path = _resolve(path.parent / file_text)
    try:
        info = read_info(audio_path)
    except AudioFileError as problem:
        return Track(audio_path, title, note, problem=problem, entry=file_text, line=line)
    return Track(audio_path, title, note, info=info, entry=file_text, line=line)


def _file_entry(path: Path, table: dict[str, Any]) -> str:
    """The ``file`` value exactly as written (a file name may start or end with a space)."""
    value = table.get("file", "")
    if not isinstance(value, str):
        raise PlaylistError(path, "'file' must be text")
    if not value:  # " " can be a file name: only an empty entry is missing
        raise PlaylistError(path, "'file' is missing")
    if len(value) > MAX_TEXT:
        raise PlaylistError(path, f"'file' is longer than {MAX_TEXT} characters")
    if "\x00" in value:
        raise PlaylistError(path, "'file' contains a NUL character, which no file name can")
    return value


def default_title(entry: str) -> str:
    """The title of a track that has none: its file name without the ending, on one line (the
    file name as it is when that leaves nothing, never the folders before it).
    """
    return " ".join((Path(entry).stem or entry).split()) or Path(entry).name or entry


def _resolve(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, an unusable name
        return _absolute(path)


def _absolute(path: Path) -> Path:
    """``path`` made absolute with ``..`` removed by its text, not by following symlinks."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (Path.absolute keeps "..")


def _text(
    path: Path, lines: _Lines, table: dict[str, Any], key: str, *, required: bool = False
) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise PlaylistError(path, f"'{key}' must be text", lines.find(key))
    value = value.strip()
    if required and not value:
        raise PlaylistError(path, f"'{key}' is missing", lines.find(key))
    if len(value) > MAX_TEXT:
        raise PlaylistError(path, f"'{key}' is longer than {MAX_TEXT} characters", lines.find(key))
    return value


def _is_crossfade(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= MAX_CROSSFADE_SECONDS
    )


def _slug(stem: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", stem.casefold()).strip("-") or "playlist"


# -- writing ----------------------------------------------------------------------------------

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}
_ESCAPES["\r"] = "\\r"


def toml_string(text: str) -> str:
    """``text`` as a TOML basic string; raises ValueError for text that is not valid Unicode."""
    parts = ['"']
    for character in text:
        code = ord(character)
        if character in _ESCAPES:
            parts.append(_ESCAPES[character])
        elif code < 0x20 or code == 0x7F:
            parts.append(f"\\u{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError("a lone surrogate cannot be written in TOML")
        else:
            parts.append(character)
    parts.append('"')
    return "".join(parts)


def _key_value(path: Path, key: str, value: str, track: int | None = None) -> str:
    where = f"track {track}: " if track else ""
    if len(value) > MAX_TEXT:
        raise PlaylistError(path, f"{where}'{key}' is longer than {MAX_TEXT} characters")
    try:
        return f"{key} = {toml_string(value)}"
    except ValueError as error:
        raise PlaylistError(path, f"{where}'{key}' is not valid text") from error
