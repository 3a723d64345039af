"""Level matching: every track is brought to one loudness before it reaches the volume control.

ReplayGain tags are used when a file has them (read through the one mutagen boundary). For
other files the loudness is measured from 400 ms blocks spread evenly over the whole track,
which costs a fraction of a second however long it is. Measuring happens on its own thread,
ahead of the music; until a measurement is in, a track plays at a cautious default gain.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from mtcalm.audio.decoder import SAMPLE_RATE, TrackDecoder
from mtcalm.audio.loudness import BLOCK_SECONDS, integrated_loudness
from mtcalm.audio.metadata import AudioFileError, read_audio_info

TARGET_LUFS = -20.0  # the bundled music's own level: it plays unchanged
REPLAYGAIN_REFERENCE_LUFS = -18.0  # ReplayGain 2.0 gains bring a track to this
DEFAULT_GAIN_DB = -8.0  # unmeasured: assume a loud modern master, so nothing startles
LOWEST_GAIN_DB, HIGHEST_GAIN_DB = -24.0, 12.0
PEAK_CEILING = 0.98
SAMPLED_BLOCKS = 64


class LevelSource(StrEnum):
    REPLAYGAIN = "replaygain"
    MEASURED = "measured"
    DEFAULT = "default"


@dataclass(frozen=True)
class TrackLevel:
    gain_db: float
    source: LevelSource

    @property
    def gain(self) -> float:
        return float(10.0 ** (self.gain_db / 20.0))


DEFAULT_LEVEL = TrackLevel(DEFAULT_GAIN_DB, LevelSource.DEFAULT)


def _bounded(gain_db: float, peak: float | None) -> float:
    gain_db = min(HIGHEST_GAIN_DB, max(LOWEST_GAIN_DB, gain_db))
    if peak and peak > 0:
        import math

        gain_db = min(gain_db, 20.0 * math.log10(PEAK_CEILING / peak))
    return gain_db


def replaygain_level(path: Path) -> TrackLevel | None:
    """The level from the file's ReplayGain track tags, if it has them."""
    try:
        info = read_audio_info(path)
    except AudioFileError:
        return None
    if info.track_gain_db is None:
        return None
    offset = TARGET_LUFS - REPLAYGAIN_REFERENCE_LUFS
    gain_db = _bounded(info.track_gain_db + offset, info.track_peak)
    return TrackLevel(gain_db, LevelSource.REPLAYGAIN)


def measured_level(path: Path) -> TrackLevel | None:
    """The level from the track's measured loudness; None when it cannot be read or is silent."""
    import numpy as np

    try:
        decoder = TrackDecoder(path)
    except AudioFileError:
        return None
    try:
        block = int(BLOCK_SECONDS * SAMPLE_RATE)
        if decoder.frames <= SAMPLED_BLOCKS * block * 2:
            audio = decoder.read(decoder.frames)
        else:
            pieces = []
            stride = decoder.frames // SAMPLED_BLOCKS
            for start in range(stride // 2, decoder.frames - block, stride):
                decoder.seek(start)
                pieces.append(decoder.read(block))
            audio = np.concatenate(pieces)
    except AudioFileError:
        return None
    finally:
        decoder.close()
    loudness = integrated_loudness(audio, SAMPLE_RATE)
    if loudness is None:
        return None
    peak = float(np.max(np.abs(audio))) if len(audio) else None
    return TrackLevel(_bounded(TARGET_LUFS - loudness, peak), LevelSource.MEASURED)


def track_level(path: Path) -> TrackLevel:
    return replaygain_level(path) or measured_level(path) or DEFAULT_LEVEL


def _identity(path: Path) -> tuple[str, int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path), stat.st_size, stat.st_mtime_ns)


class LevelAnalyser:
    """Finds track levels on its own thread and remembers them while the file is unchanged."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int, int], TrackLevel] = {}
        self._lock = threading.Lock()
        self._waiting: queue.SimpleQueue[Path | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def known(self, path: Path) -> TrackLevel | None:
        key = _identity(path)
        with self._lock:
            return self._known.get(key) if key else None

    def level(self, path: Path) -> TrackLevel:
        """The level now: measured if need be (a fraction of a second), then remembered."""
        found = self.known(path)
        if found is not None:
            return found
        level = track_level(path)
        self._remember(path, level)
        return level

    def request(self, paths: Iterable[Path]) -> None:
        """Measure these in the background, in order, unless already known."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="mtcalm-levels", daemon=True)
            self._thread.start()
        for path in paths:
            self._waiting.put(path)

    def close(self) -> None:
        if self._thread is not None:
            self._waiting.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _remember(self, path: Path, level: TrackLevel) -> None:
        key = _identity(path)
        if key is not None:
            with self._lock:
                self._known[key] = level

    def _run(self) -> None:
        while (path := self._waiting.get()) is not None:
            if self.known(path) is None:
                try:
                    self._remember(path, track_level(path))
                except Exception:  # a hostile file must not end the thread; it plays at default
                    self._remember(path, DEFAULT_LEVEL)
