"""Audio facts remembered between starts, keyed by path, size and modification time.

An unchanged file is never opened again; a changed, moved or unreadable one is read afresh.
The cache is derived data: a damaged cache file is simply rebuilt.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mtcalm.audio.metadata import AudioFileError, AudioInfo, read_audio_info
from mtcalm.datadir import write_file_atomically

CACHE_FILE = "audio-info-cache.json"
CACHE_VERSION = 1
MAX_CACHE_BYTES = 16 * 1024 * 1024


class AudioInfoCache:
    """A :func:`read_audio_info` that remembers. Call :meth:`save` to keep what it learned."""

    def __init__(self, path: Path, entries: dict[str, dict[str, Any]]) -> None:
        self.path = path
        self._entries = entries
        self._changed = False

    @classmethod
    def load(cls, data_dir: Path) -> AudioInfoCache:
        path = data_dir / CACHE_FILE
        try:
            if path.stat().st_size > MAX_CACHE_BYTES:
                return cls(path, {})
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return cls(path, {})
        if not isinstance(document, dict) or document.get("version") != CACHE_VERSION:
            return cls(path, {})
        entries = document.get("entries")
        return cls(path, entries if isinstance(entries, dict) else {})

    def read(self, audio_path: Path) -> AudioInfo:
        """The facts of ``audio_path``, from the cache when the file is unchanged."""
        try:
            status = audio_path.stat()
        except OSError:
            return read_audio_info(audio_path)  # says plainly what is wrong
        key = str(audio_path)
        entry = self._entries.get(key)
        if isinstance(entry, dict):
            cached = _from_entry(audio_path, entry, status.st_size, status.st_mtime_ns)
            if cached is not None:
                return cached
        try:
            info = read_audio_info(audio_path)
        except AudioFileError:
            if self._entries.pop(key, None) is not None:
                self._changed = True
            raise
        fields = asdict(info)
        fields.pop("path")
        self._entries[key] = {"size": status.st_size, "mtime_ns": status.st_mtime_ns, **fields}
        self._changed = True
        return info

    def save(self) -> None:
        """Write the cache if it learned anything; a failure only costs the next start time."""
        if not self._changed:
            return
        document = {"version": CACHE_VERSION, "entries": self._entries}
        try:
            write_file_atomically(self.path, json.dumps(document).encode("utf-8"))
        except OSError:
            return
        self._changed = False


def _from_entry(path: Path, entry: dict[str, Any], size: int, mtime_ns: int) -> AudioInfo | None:
    if entry.get("size") != size or entry.get("mtime_ns") != mtime_ns:
        return None
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
    except (KeyError, TypeError, ValueError):
        return None
    if not math.isfinite(info.duration) or info.duration <= 0:
        return None
    return info


def _optional_number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number):
        raise ValueError("not a finite number")
    return number
