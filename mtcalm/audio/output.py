"""What a backend provides the player: somewhere to send blocks, and when they are heard."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from mtcalm.audio.decoder import SAMPLE_RATE

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

Clock = Callable[[], float]

# How much sound an output keeps queued ahead of what is heard: 0.2 s. Whatever holds the
# player's thread up for less than that (Python's lock held by the window, a slow disk) is
# never heard as a gap; a change (pause, volume, seek, end) is heard at most this much plus
# one block later.
QUEUE_AHEAD_FRAMES = SAMPLE_RATE // 5


class Output(Protocol):
    """A sound device, real or silent. Called only from the player's control thread."""

    name: str

    def wants_block(self) -> bool:
        """True while there is room for another block without a long queue."""

    def write(self, block: Frames) -> None:
        """Queue a block to follow the last one without a gap."""

    def played_frames(self) -> int:
        """Frames heard so far, counting every block ever written."""

    def written_frames(self) -> int: ...

    def stop(self) -> None:
        """Drop whatever is queued, at once (shutting down; sessions fade first)."""

    def close(self) -> None: ...


class PlaybackClock:
    """When each written block is heard, for an output that plays in real time without gaps."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self._written = 0
        self._dropped = 0
        self._drains_at: float | None = None  # when everything written will have been heard

    @property
    def written(self) -> int:
        return self._written

    def wrote(self, frames: int) -> None:
        now = self._clock()
        start = now if self._drains_at is None else max(now, self._drains_at)
        self._drains_at = start + frames / SAMPLE_RATE
        self._written += frames

    def played(self) -> int:
        if self._drains_at is None:
            return self._written
        waiting = max(0.0, self._drains_at - self._clock()) * SAMPLE_RATE
        return max(self._dropped, self._written - math.ceil(waiting))

    def queued(self) -> int:
        return self._written - self.played()

    def drained(self) -> None:
        """The device says it has played everything."""
        self._drains_at = None
        self._dropped = self._written

    dropped = drained
