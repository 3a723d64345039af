"""A silent output: keeps time as if it were playing, so sessions work without a sound device."""

from __future__ import annotations

import time
from pathlib import Path

from mtcalm.audio.metadata import AudioFileError, read_audio_info
from mtcalm.audio.player import Clock, OutputFailure, PlayerError


class NullOutput:
    """Plays nothing, but every track lasts as long as the file says."""

    name = "silent"

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._duration = 0.0
        self._played = 0.0
        self._started_at: float | None = None
        self.gain = 0.0

    def load(self, path: Path) -> None:
        try:
            self._duration = read_audio_info(path).duration
        except AudioFileError as error:
            raise OutputFailure(PlayerError(error.short, error.long)) from error
        self._played = 0.0
        self._started_at = None

    def start(self) -> None:
        self._started_at = self._clock()

    def pause(self) -> None:
        if self._started_at is not None:
            self._played += self._clock() - self._started_at
            self._started_at = None

    def resume(self) -> None:
        if self._started_at is None:
            self._started_at = self._clock()

    def stop(self) -> None:
        self._started_at = None
        self._duration = 0.0
        self._played = 0.0

    def set_gain(self, gain: float) -> None:
        self.gain = gain

    def is_finished(self) -> bool:
        if self._duration <= 0:
            return False
        running = self._clock() - self._started_at if self._started_at is not None else 0.0
        return self._played + running >= self._duration

    def close(self) -> None:
        self.stop()
