"""A silent output: keeps time as if it were playing, so sessions work without a sound device."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from mtcalm.audio.output import QUEUE_AHEAD_FRAMES, Clock, PlaybackClock

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

QUEUED_FRAMES = QUEUE_AHEAD_FRAMES  # as much queued ahead as the real output keeps


class NullOutput:
    """Plays every block in real time, into silence."""

    name = "silent"

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = PlaybackClock(clock)
        self.loudest = 0.0  # the largest sample written, so tests can see what would be heard

    def wants_block(self) -> bool:
        return self._clock.queued() < QUEUED_FRAMES

    def write(self, block: Frames) -> None:
        if len(block):
            self.loudest = max(self.loudest, float(abs(block).max()))
        self._clock.wrote(len(block))

    def played_frames(self) -> int:
        return self._clock.played()

    def written_frames(self) -> int:
        return self._clock.written

    def stop(self) -> None:
        self._clock.dropped()

    def close(self) -> None:
        self.stop()
