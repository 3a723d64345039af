"""M3U and M3U8 playlists: read what other players write, import them, export ours.

Reading: ``#EXTM3U``, ``#EXTINF:<seconds>[ attributes],<title>`` for the next entry and
``#PLAYLIST:<title>``; other ``#`` lines are comments. An entry is a path (relative to the
M3U file's folder, or absolute; Windows backslashes become ``/``) or a ``file://`` URL; web
addresses and other URLs are reported and left out. ``.m3u8`` is UTF-8 (a byte-order mark is
allowed); ``.m3u`` is tried as UTF-8, then Windows-1252, then Latin-1.

Importing keeps entries whose file is missing, in their place, and reports them: the
playlist then plays the rest, and a drive plugged in later brings them back.

Writing: UTF-8 for ``.m3u`` as for ``.m3u8`` (every current player reads it), whole seconds
in ``#EXTINF``, entries relative to the M3U's folder when the file is in it or below it;
a name that a plain line cannot carry (a line break, a leading ``#``) is written as a
``file://`` URL.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from mtcalm.datadir import why_not_written, write_file_atomically
from mtcalm.own_playlists import MAX_TITLE_LENGTH, OwnPlaylistError, OwnPlaylists
from mtcalm.playlists import MAX_TEXT, MAX_TRACKS, Playlist, playlist_entry
from mtcalm.tomlfile import DocumentError

MAX_M3U_BYTES = 1024 * 1024
MAX_M3U_ENTRIES = 10_000
MAX_LINE_CHARACTERS = 8192
M3U_SUFFIXES = (".m3u", ".m3u8")

_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]+://|file:)", re.IGNORECASE)  # not "C://"
_WINDOWS_DRIVE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\)")
_EXTINF = re.compile(
    r"^#EXTINF:\s*(?P<duration>[-+]?\d+(?:\.\d*)?)?(?P<attributes>(?:\s+[^\s=,]+=\"[^\"]*\")*)"
    r"\s*,(?P<title>.*)$",
    re.IGNORECASE,
)
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


class M3UError(DocumentError):
    """An M3U file that cannot be used at all; ``line`` is 1-based when known."""


@dataclass(frozen=True)
class M3UEntry:
    """One entry: its file, the title and length ``#EXTINF`` gave it, and its line."""

    path: Path
    title: str
    duration: float | None
    line: int


@dataclass(frozen=True)
class M3UIssue:
    """A line that was left out or could not be read fully, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class M3UPlaylist:
    """What an M3U file holds: its title (``#PLAYLIST``, else empty), entries and issues."""

    title: str
    entries: list[M3UEntry] = field(default_factory=list)
    issues: list[M3UIssue] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Each issue as ``line N: message``."""
        return [str(issue) for issue in self.issues]


# -- reading ----------------------------------------------------------------------------------


def read_m3u(path: Path) -> M3UPlaylist:
    """Parse the M3U or M3U8 file at ``path``; raises :class:`M3UError` if it is unusable."""
    text = _read_text(path)
    playlist = M3UPlaylist(title="")
    pending: tuple[str, float | None] | None = None
    folder = Path(os.path.abspath(path.parent))  # noqa: PTH100 (lexical, like the entries)
    for number, raw_line in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw_line.strip()
        if not line:
            continue
        if len(line) > MAX_LINE_CHARACTERS:
            playlist.issues.append(M3UIssue(number, "the line is too long and was left out"))
            pending = None
            continue
        if line.startswith("#"):
            pending = _directive(line, number, playlist, pending)
            continue
        title, duration = pending or ("", None)
        pending = None
        entry_path = _entry_path(line, folder, number, playlist)
        if entry_path is None:
            continue
        if len(playlist.entries) >= MAX_M3U_ENTRIES:
            raise M3UError(path, f"more than {MAX_M3U_ENTRIES} entries", number)
        playlist.entries.append(M3UEntry(entry_path, title, duration, number))
    return playlist


def _read_text(path: Path) -> str:
    try:
        status = path.stat()
        if not stat.S_ISREG(status.st_mode):  # a folder, a device or a pipe: never open it
            raise M3UError(path, "cannot be read: it is not a regular file")
        if status.st_size > MAX_M3U_BYTES:
            raise M3UError(
                path, f"the file is too large ({status.st_size} bytes, at most {MAX_M3U_BYTES})"
            )
        raw = path.read_bytes()[: MAX_M3U_BYTES + 1]
    except M3UError:
        raise
    except OSError as error:
        raise M3UError(path, f"cannot be read: {error.strerror or error}") from error
    except ValueError as error:
        raise M3UError(path, "cannot be read: the name is not a valid path") from error
    if len(raw) > MAX_M3U_BYTES:
        raise M3UError(path, f"the file is too large (more than {MAX_M3U_BYTES} bytes)")
    if not raw.strip():
        raise M3UError(path, "the file is empty")
    if b"\x00" in raw:
        raise M3UError(path, "this is a binary file, not a playlist")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        if path.suffix.casefold() == ".m3u8":
            line = raw[: error.start].count(b"\n") + 1
            raise M3UError(path, "an .m3u8 file must be UTF-8 text", line) from error
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
    text = text.rstrip("\x1a")  # the end-of-file mark of old DOS editors
    if not text.strip():
        raise M3UError(path, "the file is empty")
    found = _BINARY.search(text)
    if found:
        line = text[: found.start()].count("\n") + 1
        raise M3UError(path, "this is a binary file, not a playlist", line)
    return text


def _directive(
    line: str, number: int, playlist: M3UPlaylist, pending: tuple[str, float | None] | None
) -> tuple[str, float | None] | None:
    """Take in one ``#`` line; the title and length waiting for the next entry."""
    upper = line.upper()
    if upper.startswith("#EXTINF:"):
        match = _EXTINF.match(line)
        if match is None:
            playlist.issues.append(M3UIssue(number, "#EXTINF is not '#EXTINF:<seconds>,<title>'"))
            return None
        duration = float(match["duration"] or "-1")
        known = math.isfinite(duration) and duration >= 0
        return _one_line(match["title"]), (duration if known else None)
    if upper.startswith("#PLAYLIST:"):
        playlist.title = _one_line(line[len("#PLAYLIST:") :])
    return pending  # a comment or a directive mtcalm does not use (#EXTGRP, #EXTALB, ...)


def _entry_path(line: str, folder: Path, number: int, playlist: M3UPlaylist) -> Path | None:
    """The file an entry line names, or None (with the reason added to the issues)."""
    if _URL.match(line):
        if not line.casefold().startswith("file:"):
            scheme = line.split(":", 1)[0]
            playlist.issues.append(
                M3UIssue(number, f"{scheme} addresses are not supported, only files: {line}")
            )
            return None
        return _file_url_path(line, number, playlist)
    if _WINDOWS_DRIVE.match(line) and sys.platform != "win32":
        playlist.issues.append(
            M3UIssue(number, f"a Windows path, not a file on this computer: {line}")
        )
        return None
    written = line.replace("\\", "/") if os.sep == "/" else line
    return Path(os.path.abspath(folder / written))  # noqa: PTH100 (keep symlinks as written)


def _file_url_path(url: str, number: int, playlist: M3UPlaylist) -> Path | None:
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:  # "file://[": an address that is not one (urllib reads a broken IPv6 host)
        playlist.issues.append(M3UIssue(number, f"not a valid file:// address: {url}"))
        return None
    if parts.netloc not in ("", "localhost"):
        playlist.issues.append(
            M3UIssue(number, f"a file on another computer ({parts.netloc}) is not supported")
        )
        return None
    name = os.fsdecode(urllib.parse.unquote_to_bytes(parts.path))
    if sys.platform == "win32" and re.match(r"^/[A-Za-z]:", name):
        name = name[1:]
    if not name or "\x00" in name or not Path(name).is_absolute():
        playlist.issues.append(M3UIssue(number, "the file:// address does not name a file"))
        return None
    return Path(os.path.abspath(name))  # noqa: PTH100


# -- importing --------------------------------------------------------------------------------


def import_m3u(path: Path, own: OwnPlaylists) -> tuple[Playlist, list[str]]:
    """Make an own playlist from the M3U at ``path``; the playlist and what was reported.

    Entries whose file is missing are kept (and reported); web addresses and unreadable lines
    are left out (and reported). Raises :class:`M3UError` when nothing can be imported or the
    playlist cannot be saved.
    """
    m3u = read_m3u(path)
    problems = m3u.problems
    if not m3u.entries:
        raise M3UError(path, "there is nothing to import: no entry names a file")
    entries = m3u.entries
    if len(entries) > MAX_TRACKS:
        problems.append(
            f"only the first {MAX_TRACKS} of {len(entries)} entries were imported "
            f"(a playlist holds at most {MAX_TRACKS})"
        )
        entries = entries[:MAX_TRACKS]
    kept = []
    for entry in entries:
        if len(str(entry.path)) > MAX_TEXT:
            problems.append(f"line {entry.line}: the path is too long and was left out")
            continue
        if not entry.path.is_file():
            problems.append(f"line {entry.line}: file not found: {entry.path}")
        kept.append((entry.path, entry.title[:MAX_TEXT]))
    if not kept:
        raise M3UError(path, "there is nothing to import: no entry names a usable file")
    title = (m3u.title or path.stem.replace("_", " ")).strip()[:MAX_TITLE_LENGTH] or "Imported"
    title = "".join(character if character.isprintable() else " " for character in title)
    try:
        playlist = own.create(title, kept)
    except OwnPlaylistError as error:
        raise M3UError(path, error.message) from error
    return playlist, problems


# -- writing ----------------------------------------------------------------------------------


def write_m3u(playlist: Playlist, path: Path, *, overwrite: bool = False) -> None:
    """Export ``playlist`` to ``path`` (``.m3u`` or ``.m3u8``, both UTF-8), atomically.

    Refuses to replace an existing file unless ``overwrite``; raises :class:`M3UError`.
    """
    if path.suffix.casefold() not in M3U_SUFFIXES:
        raise M3UError(path, "the file name must end in .m3u8 or .m3u")
    if not overwrite and (path.exists() or path.is_symlink()):
        raise M3UError(path, "the file exists already")
    if path.exists() and not path.is_file():
        raise M3UError(path, "this is not a file that can be replaced")
    folder = Path(os.path.abspath(path.parent))  # noqa: PTH100
    lines = ["#EXTM3U", f"#PLAYLIST:{_one_line(playlist.title)}"]
    for track in playlist.tracks:
        seconds = round(track.duration) if track.playable else -1
        lines.append(f"#EXTINF:{seconds},{_one_line(track.title)}")
        lines.append(m3u_entry(folder, track.path))
    try:
        data = ("\n".join(lines) + "\n").encode("utf-8")
    except UnicodeEncodeError as error:  # a title that is not valid text
        raise M3UError(path, "a title cannot be written as UTF-8") from error
    try:
        write_file_atomically(path, data)
    except OSError as error:
        raise M3UError(path, f"cannot be written: {why_not_written(error, path.parent)}") from error


def m3u_entry(folder: Path, audio: Path) -> str:
    """How ``audio`` is written in an M3U kept in ``folder`` (absolute); read back unchanged."""
    text = playlist_entry(folder, audio)
    plain_is_safe = (
        text == text.strip()
        and not text.startswith("#")
        and not _URL.match(text)
        and not (os.sep == "/" and "\\" in text)
        and not (sys.platform != "win32" and _WINDOWS_DRIVE.match(text))
        and text.isprintable()
    )
    if plain_is_safe:
        return text
    return Path(os.path.abspath(folder / audio)).as_uri()  # noqa: PTH100


def _one_line(text: str) -> str:
    """``text`` on one line: what cannot be printed (line breaks, tabs) becomes a space."""
    return "".join(c if c.isprintable() else " " for c in text).strip()
