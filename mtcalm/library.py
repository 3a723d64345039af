"""The person's own music: the folders and files they added, and what a scan finds in them.

:class:`Library` is the list of added places, kept in ``library.json`` in the data folder.
:func:`scan_library` walks them and reads every audio file's facts through the
:class:`~mtcalm.audio.info_cache.AudioInfoCache`, so a rescan of an unchanged library opens
no file at all.

Threads: the UI runs :func:`scan_library` on a worker thread. :class:`Library` and
:class:`~mtcalm.audio.info_cache.AudioInfoCache` may be used from any thread (each locks its
own state). ``scan_library`` works on the roots it is given (take ``library.roots()`` before
starting it) and shares nothing else; ``progress`` is called on the scanning thread, so a UI
must pass it on to its own thread (a queued signal); the :class:`ScanResult` belongs to the
caller once ``scan_library`` has returned. Set ``cancel`` from any thread to stop a scan.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mtcalm.audio.info_cache import AudioInfoCache
from mtcalm.audio.metadata import AudioFileError
from mtcalm.datadir import why_not_written, write_file_atomically

LIBRARY_FILE = "library.json"
LIBRARY_VERSION = 1
MAX_LIBRARY_BYTES = 1024 * 1024
MAX_ROOTS = 1000
MAX_PATH_CHARACTERS = 4096

# What read_audio_info reads (mtcalm.audio.metadata: Ogg Vorbis, Opus, FLAC, MP3, WAV).
AUDIO_SUFFIXES = frozenset({".ogg", ".oga", ".opus", ".flac", ".mp3", ".wav", ".wave"})
# Audio that mtcalm does not play: counted, so a person knows why those files are missing.
OTHER_AUDIO_SUFFIXES = frozenset(
    {".m4a", ".m4b", ".mp4", ".aac", ".aif", ".aiff", ".aifc", ".wma", ".ape", ".wv", ".mpc",
     ".alac", ".mka", ".webm", ".dsf", ".dff", ".mid", ".midi", ".spx", ".tta", ".ac3", ".amr"}
)  # fmt: skip
FORMAT_NAMES = {
    "OggVorbis": "Ogg Vorbis",
    "OggOpus": "Opus",
    "FLAC": "FLAC",
    "EasyMP3": "MP3",
    "MP3": "MP3",
    "WAVE": "WAV",
}

MAX_DEPTH = 32  # folders below an added folder; music is rarely nested more than ten deep
MAX_FILES = 100_000  # audio files in one scan
MAX_ENTRIES = 2_000_000  # names looked at in one scan, audio or not: a scan of "/" ends
PROGRESS_INTERVAL_SECONDS = 0.05  # at most about 20 progress reports a second


class LibraryError(Exception):
    """The library list cannot be changed or kept; the message says why, for a person."""


# -- what a scan finds ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LibraryTrack:
    """One playable file of the person's music."""

    path: Path
    title: str  # the title tag, else the file name without its suffix
    artist: str
    album: str
    duration: float  # seconds
    format: str  # "Ogg Vorbis", "Opus", "FLAC", "MP3" or "WAV"


@dataclass(frozen=True, slots=True)
class BrokenFile:
    """A file that looks like audio but cannot be played, and why (short, for a list)."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class UnreadableFolder:
    """A folder the scan could not look into (or chose not to: too deep), and why."""

    path: Path
    reason: str


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """How far a scan has got: first finding files, then reading them."""

    files_done: int
    files_found: int
    current_path: Path | None
    finding: bool  # True while folders are still being searched (files_found still grows)


@dataclass
class ScanResult:
    """Everything a scan found; partial when it was cancelled or reached a limit."""

    tracks: list[LibraryTrack] = field(default_factory=list)
    broken: list[BrokenFile] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0  # how long the scan took
    folders_unreadable: list[UnreadableFolder] = field(default_factory=list)
    other_formats: dict[str, int] = field(default_factory=dict)  # ".m4a" -> files not played
    limit_reached: bool = False  # MAX_FILES or MAX_ENTRIES: the rest was not looked at

    @property
    def total_duration(self) -> float:
        return sum(track.duration for track in self.tracks)

    def formats(self) -> dict[str, int]:
        """How many playable files of each format, the most common first."""
        counts: dict[str, int] = {}
        for track in self.tracks:
            counts[track.format] = counts.get(track.format, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


ProgressCallback = Callable[[ScanProgress], None]


# -- scanning -------------------------------------------------------------------------------------


def scan_library(
    roots: Sequence[Path],
    cache: AudioInfoCache,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
) -> ScanResult:
    """Find and read the audio in ``roots`` (folders, searched through, and single files).

    Hidden files and folders are left out; a folder reached twice (a link back up the tree)
    is searched once. Broken files and unreadable folders are listed in the result, never
    raised. What the cache learned is saved at the end, cancelled or not.
    """
    started = time.perf_counter()
    result = ScanResult()
    search = _Search(result, progress, cancel)
    for root in roots:
        search.add_root(absolute(root))
        if search.stopped():
            break
    search.report(force=True)
    if not search.stopped():
        _read_all(search, cache)
    if not search.stopped() and not result.limit_reached:
        present = {str(path) for path, _ in search.found}
        cache.forget_missing(search.searched_roots, present)
    cache.save()
    result.seconds = time.perf_counter() - started
    return result


class _Search:
    """The state of one scan: what has been found so far, and when to report it."""

    def __init__(
        self,
        result: ScanResult,
        progress: ProgressCallback | None,
        cancel: threading.Event | None,
    ) -> None:
        self.result = result
        self.progress = progress
        self.cancel = cancel
        self.found: list[tuple[Path, os.stat_result]] = []
        self.done = 0
        self.finding = True
        self.current: Path | None = None
        self.searched_roots: list[Path] = []
        self._seen_files: set[str] = set()
        self._seen_folders: set[tuple[int, int]] = set()
        self._entries = 0
        self._last_report = time.monotonic()

    def stopped(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.result.cancelled = True
        return self.result.cancelled

    def report(self, force: bool = False) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if not force and now - self._last_report < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_report = now
        self.progress(ScanProgress(self.done, len(self.found), self.current, self.finding))

    def add_root(self, root: Path) -> None:
        try:
            status = root.stat()
        except OSError as error:
            if root.suffix.lower() in AUDIO_SUFFIXES:
                self.result.broken.append(BrokenFile(root, _system_reason(error)))
            else:
                self.result.folders_unreadable.append(UnreadableFolder(root, _system_reason(error)))
            return
        if stat.S_ISDIR(status.st_mode):
            self.searched_roots.append(root)
            self._search(root)
        elif stat.S_ISREG(status.st_mode):
            self._add_file(root, status)  # chosen by name: read whatever its suffix
        else:
            self.result.broken.append(BrokenFile(root, "Not a file: a device or pipe"))

    def _add_file(self, path: Path, status: os.stat_result) -> None:
        key = str(path)
        if key in self._seen_files:
            return
        if len(self.found) >= MAX_FILES:
            self.result.limit_reached = True
            return
        self._seen_files.add(key)
        self.found.append((path, status))

    def _search(self, root: Path) -> None:
        """Depth first, without recursion, each folder's entries in name order."""
        pending: list[tuple[str, int]] = [(str(root), 0)]
        while pending and not self.result.limit_reached:
            if self.stopped():
                return
            folder, depth = pending.pop()
            subfolders = self._search_folder(folder, depth)
            pending.extend((path, depth + 1) for path in reversed(subfolders))

    def _search_folder(self, folder: str, depth: int) -> list[str]:
        """Take in the files of ``folder``; its subfolders still to search."""
        try:
            identity = os.stat(folder)  # noqa: PTH116
            if (identity.st_dev, identity.st_ino) in self._seen_folders:
                return []  # a link to a folder already searched, or back up the tree
            self._seen_folders.add((identity.st_dev, identity.st_ino))
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            self.result.folders_unreadable.append(
                UnreadableFolder(Path(folder), _system_reason(error))
            )
            return []
        self._entries += len(entries)
        if self._entries > MAX_ENTRIES:
            self.result.limit_reached = True
        folder_path = self.current = Path(folder)
        subfolders: list[str] = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir():
                    if depth >= MAX_DEPTH:
                        self.result.folders_unreadable.append(
                            UnreadableFolder(
                                Path(entry.path),
                                f"Too deep: more than {MAX_DEPTH} folders down, not searched",
                            )
                        )
                    else:
                        subfolders.append(entry.path)
                    continue
                suffix = _suffix(name)
                if suffix in AUDIO_SUFFIXES:
                    self._take_audio(entry, folder_path)
                elif suffix in OTHER_AUDIO_SUFFIXES and entry.is_file():
                    others = self.result.other_formats
                    others[suffix] = others.get(suffix, 0) + 1
            except OSError as error:  # the entry vanished or its link cannot be followed
                if _suffix(name) in AUDIO_SUFFIXES:
                    self.result.broken.append(BrokenFile(Path(entry.path), _system_reason(error)))
        self.report()
        return subfolders

    def _take_audio(self, entry: os.DirEntry[str], folder: Path) -> None:
        if entry.is_file():
            self._add_file(folder / entry.name, entry.stat())
        elif entry.is_symlink() and not os.path.exists(entry.path):  # noqa: PTH110
            self.result.broken.append(
                BrokenFile(Path(entry.path), "Broken link: the file it points to is missing")
            )
        # anything else (a pipe, a device) is not music; a folder was handled before


def _read_all(search: _Search, cache: AudioInfoCache) -> None:
    search.finding = False
    result = search.result
    tracks = result.tracks
    broken = result.broken
    for path, status in search.found:
        if search.stopped():
            return
        search.current = path
        try:
            info = cache.read(path, status)
        except AudioFileError as error:
            broken.append(BrokenFile(path, broken_reason(path, error)))
        else:
            tracks.append(
                LibraryTrack(
                    path=path,
                    title=info.title.strip() or path.stem,
                    artist=info.artist.strip(),
                    album=info.album.strip(),
                    duration=info.duration,
                    format=FORMAT_NAMES.get(info.format, info.format),
                )
            )
        search.done += 1
        search.report()
    search.current = None
    search.report(force=True)


def absolute(path: Path) -> Path:
    """``path`` made absolute and tidied ("a/../b" is "b"), symbolic links kept as named."""
    return Path(os.path.abspath(path))  # noqa: PTH100 (resolve() would follow the links)


def _suffix(name: str) -> str:
    # The scan's inner loop works on strings: a Path for every name costs more than the rest.
    return os.path.splitext(name)[1].lower()  # noqa: PTH122


def broken_reason(path: Path, error: AudioFileError) -> str:
    """The error's short text, with the detail its long text adds (without the path again)."""
    text = error.long.strip()
    named = str(path)
    detail = ""
    if text.startswith(named):
        rest = text[len(named) :].strip()
        if rest.startswith(":"):  # "PATH: Permission denied"
            detail = rest[1:].strip()
        elif rest.startswith("could not be read:"):
            detail = rest.removeprefix("could not be read:").strip()
        elif rest.startswith("could not be read (") and rest.endswith(")"):
            detail = rest.removeprefix("could not be read (")[:-1].strip()
    # mutagen often names the file in its own words ("'/a/b.flac' is not a valid FLAC file")
    detail = detail.replace(repr(named), "the file").replace(named, "the file").removesuffix(".")
    return f"{error.short}: {detail}" if detail else error.short


def _system_reason(error: OSError) -> str:
    if isinstance(error, FileNotFoundError):
        return "Not found"
    if isinstance(error, PermissionError):
        return "Permission denied"
    return error.strerror or type(error).__name__


# -- the list of added places ---------------------------------------------------------------------


class Library:
    """The folders and files the person added, kept in ``library.json`` in the data folder.

    Every method may be called from any thread. Changes are saved at once, atomically; a
    change that cannot be saved raises :class:`LibraryError` and is not made.
    """

    def __init__(self, path: Path, roots: Iterable[Path], problem: str | None = None) -> None:
        self.path = path
        self._roots: list[Path] = list(roots)
        self._lock = threading.Lock()
        self.problem = problem  # why the saved list could not be read in full, if it could not

    @classmethod
    def load(cls, data_dir: Path) -> Library:
        """The library kept in ``data_dir``: empty if there is none yet.

        A damaged file is copied aside to ``library.json.damaged`` and the library starts with
        what could be read of it; :attr:`problem` says what happened.
        """
        path = data_dir / LIBRARY_FILE
        try:
            if path.stat().st_size > MAX_LIBRARY_BYTES:
                return cls._damaged(path, b"", "the saved library list is too large")
            data = path.read_bytes()
        except FileNotFoundError:
            return cls(path, [])
        except OSError as error:
            return cls(path, [], f"the saved library list cannot be read: {error.strerror}")
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):
            return cls._damaged(path, data, "the saved library list is damaged")
        if not isinstance(document, dict) or document.get("version") != LIBRARY_VERSION:
            return cls._damaged(path, data, "the saved library list is not one mtcalm knows")
        listed = document.get("roots")
        if not isinstance(listed, list):
            return cls._damaged(path, data, "the saved library list is damaged")
        roots: list[Path] = []
        for item in listed[:MAX_ROOTS]:
            root = _valid_root(item)
            if root is not None and root not in roots:
                roots.append(root)
        if len(roots) != len(listed):
            return cls._damaged(path, data, "some places in the saved library list were unusable")
        return cls(path, roots)

    @classmethod
    def _damaged(cls, path: Path, data: bytes, problem: str) -> Library:
        roots: list[Path] = []
        if data:
            with contextlib.suppress(OSError):  # the original stays until a save replaces it
                write_file_atomically(path.with_name(path.name + ".damaged"), data)
            try:
                listed = json.loads(data).get("roots")
            except (ValueError, RecursionError, AttributeError):
                listed = None
            items = listed[:MAX_ROOTS] if isinstance(listed, list) else []
            candidates = [_valid_root(item) for item in items]
            for root in candidates:
                if root is not None and root not in roots:
                    roots.append(root)
        return cls(path, roots, problem)

    def roots(self) -> list[Path]:
        """The added folders and files, in the order they were added (a copy)."""
        with self._lock:
            return list(self._roots)

    def add_folder(self, folder: Path) -> bool:
        """Add a folder of music; False when it was in the library already."""
        folder = absolute(folder)
        if not folder.is_dir():
            raise LibraryError(f"{folder} is not a folder.")
        return bool(self._add([folder]))

    def add_files(self, files: Iterable[Path]) -> list[BrokenFile]:
        """Add single files; the ones not added, with why (files already there are no problem)."""
        accepted: list[Path] = []
        refused: list[BrokenFile] = []
        for file in files:
            path = absolute(file)
            if len(str(path)) > MAX_PATH_CHARACTERS:
                refused.append(BrokenFile(path, "The path is too long"))
            elif not path.is_file():
                refused.append(BrokenFile(path, "Not a file"))
            else:
                accepted.append(path)
        self._add(accepted)
        return refused

    def remove(self, root: Path) -> bool:
        """Take a folder or file out of the library (the files themselves are left alone)."""
        root = absolute(root)
        with self._lock:
            if root not in self._roots:
                return False
            self._save([path for path in self._roots if path != root])
            return True

    def _add(self, paths: list[Path]) -> int:
        with self._lock:
            new = [path for path in dict.fromkeys(paths) if path not in self._roots]
            if not new:
                return 0
            if len(self._roots) + len(new) > MAX_ROOTS:
                raise LibraryError(f"The library holds at most {MAX_ROOTS} folders and files.")
            self._save([*self._roots, *new])
            return len(new)

    def _save(self, roots: list[Path]) -> None:
        """Write ``roots`` and make them the library's (the caller holds the lock)."""
        document = {"version": LIBRARY_VERSION, "roots": [str(path) for path in roots]}
        data = json.dumps(document, indent=1).encode("utf-8", "surrogateescape")
        try:
            write_file_atomically(self.path, data)
        except OSError as error:
            reason = why_not_written(error, self.path.parent)
            raise LibraryError(f"The library list could not be saved. {reason}") from error
        self._roots = roots
        self.problem = None


def _valid_root(item: object) -> Path | None:
    if not isinstance(item, str) or not item or len(item) > MAX_PATH_CHARACTERS or "\0" in item:
        return None
    path = Path(item)
    return path if path.is_absolute() else None
