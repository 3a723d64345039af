"""Audio facts remembered between starts, keyed by path, size and modification time.

An unchanged file is never opened again, and neither is an unchanged broken one: its error is
remembered too. A changed, moved or missing file is read afresh, and so is one that failed for
a reason outside the file (permissions, a disk error), which may be gone by the next look.
The cache is derived data: a damaged cache file is simply rebuilt.

One cache may be shared between threads (the UI reading a playlist while a worker scans the
library): every method is safe to call from any thread. Reading a file from disk happens
outside the lock, so a slow file holds up only its own caller.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mtcalm.audio.metadata import AudioFileError, AudioInfo, read_audio_info
from mtcalm.datadir import write_file_atomically

CACHE_FILE = "audio-info-cache.json"
CACHE_VERSION = 1
# About 300 bytes an entry: room for a library of 100,000 files and more.
MAX_CACHE_BYTES = 64 * 1024 * 1024
MAX_CAUSES = 4  # how far down an error's causes to look for a system error


class AudioInfoCache:
    """A :func:`read_audio_info` that remembers. Call :meth:`save` to keep what it learned."""

    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self._entries = entries
        self._changed = False
        self._lock = threading.Lock()  # guards _entries and _changed
        self._saving = threading.Lock()  # one save at a time, so the newest is written last

    @classmethod
    def load(cls, data_dir: Path) -> AudioInfoCache:
        """The cache kept in ``data_dir``; empty when there is none or it is damaged."""
        path = data_dir / CACHE_FILE
        try:
            if path.stat().st_size > MAX_CACHE_BYTES:
                return cls(path, {})
            document = json.loads(path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return cls(path, {})
        if not isinstance(document, dict) or document.get("version") != CACHE_VERSION:
            return cls(path, {})
        entries = document.get("entries")
        return cls(path, entries if isinstance(entries, dict) else {})

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def read(self, audio_path: Path, status: os.stat_result | None = None) -> AudioInfo:
        """The facts of ``audio_path``, from the cache when the file is unchanged.

        Raises :class:`AudioFileError` as :func:`read_audio_info` does, remembered errors
        included. ``status`` is the file's ``stat()`` if the caller has it already.
        """
        if status is None:
            try:
                status = audio_path.stat()
            except OSError:
                return read_audio_info(audio_path)  # says plainly what is wrong
        key = str(audio_path)
        with self._lock:
            entry = self._entries.get(key)
        if isinstance(entry, dict) and _unchanged(entry, status):
            if "error" in entry:
                error = _error_from_entry(entry)
                if error is not None:
                    raise error
            else:
                cached = _info_from_entry(audio_path, entry)
                if cached is not None:
                    return cached
        try:
            info = read_audio_info(audio_path)
        except AudioFileError as error:
            self._remember(key, _error_entry(error, status))
            raise
        self._remember(key, _info_entry(info, status))
        return info

    def forget_missing(self, folders: Iterable[Path], present: set[str]) -> int:
        """Drop entries for files inside ``folders`` not in ``present``; how many were dropped."""
        prefixes = tuple(str(folder).rstrip(os.sep) + os.sep for folder in folders)
        if not prefixes:
            return 0
        with self._lock:
            gone = [key for key in self._entries if key.startswith(prefixes) and key not in present]
            for key in gone:
                del self._entries[key]
            if gone:
                self._changed = True
        return len(gone)

    def save(self) -> None:
        """Write the cache if it learned anything; a failure only costs the next start time."""
        with self._saving:
            with self._lock:
                if not self._changed:
                    return
                entries = dict(self._entries)  # entries are replaced, never changed in place
                self._changed = False
            document = {"version": CACHE_VERSION, "entries": entries}
            try:
                write_file_atomically(self.path, json.dumps(document).encode("utf-8"))
            except OSError:
                with self._lock:
                    self._changed = True

    def _remember(self, key: str, entry: dict[str, Any] | None) -> None:
        with self._lock:
            if entry is None:
                if self._entries.pop(key, None) is not None:
                    self._changed = True
            else:
                self._entries[key] = entry
                self._changed = True


def _unchanged(entry: dict[str, Any], status: os.stat_result) -> bool:
    return entry.get("size") == status.st_size and entry.get("mtime_ns") == status.st_mtime_ns


def _info_entry(info: AudioInfo, status: os.stat_result) -> dict[str, Any]:
    return {
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "duration": info.duration,
        "format": info.format,
        "title": info.title,
        "artist": info.artist,
        "album": info.album,
        "track_gain_db": info.track_gain_db,
        "track_peak": info.track_peak,
    }


def _error_entry(error: AudioFileError, status: os.stat_result) -> dict[str, Any] | None:
    """An entry for a broken file, or None when the failure may not be the file's own."""
    cause: BaseException | None = error.__cause__
    for _ in range(MAX_CAUSES):
        if cause is None:
            break
        if isinstance(cause, OSError) and cause.errno is not None:
            return None  # permissions, a disk or network error: look again next time
        cause = cause.__cause__ or cause.__context__
    return {
        "size": status.st_size,
        "mtime_ns": status.st_mtime_ns,
        "error": {"short": error.short, "long": error.long},
    }


def _info_from_entry(path: Path, entry: dict[str, Any]) -> AudioInfo | None:
    try:
        info = AudioInfo(
            path=path,
            duration=float(entry["duration"]),
            format=str(entry["format"]),
            title=str(entry.get("title", "")),
            artist=str(entry.get("artist", "")),
            album=str(entry.get("album", "")),
            track_gain_db=_optional_number(entry.get("track_gain_db")),
            track_peak=_optional_number(entry.get("track_peak")),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        return None
    if not math.isfinite(info.duration) or info.duration <= 0:
        return None
    return info


def _error_from_entry(entry: dict[str, Any]) -> AudioFileError | None:
    error = entry.get("error")
    if not isinstance(error, dict):
        return None
    short, long = error.get("short"), error.get("long")
    if not isinstance(short, str) or not isinstance(long, str) or not short:
        return None
    return AudioFileError(short[:200], long[:2000])


def _optional_number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number
