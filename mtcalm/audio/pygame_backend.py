"""The pygame (SDL_mixer) output: the mixer's blocks, queued back to back on one channel.

``Channel.queue`` holds one block while another plays, and joins them without a gap, so
the mixer (not SDL) decides every sample: crossfades, loops and fades are exact.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from mtcalm.audio.decoder import CHANNELS, SAMPLE_RATE
from mtcalm.audio.events import OutputFailure, PlayerError
from mtcalm.audio.output import Clock, PlaybackClock

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

BUFFER_SAMPLES = 512  # SDL's device buffer: 11.6 ms
FULL_SCALE = 32767


def _import_pygame() -> Any:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # SDL would take SIGINT and SIGTERM for its own event queue, which nothing here reads:
    # the process would then ignore a logout or `timeout`. Python keeps them.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    import pygame

    return pygame


class PygameOutput:
    """Plays through the first sound device SDL finds. Create it with :meth:`open`."""

    name = "pygame"

    def __init__(self, pygame: Any, clock: Clock = time.monotonic) -> None:
        import numpy as np

        self._np = np
        self._pygame = pygame
        self._channel = pygame.mixer.Channel(0)
        self._channel.set_volume(1.0)
        self._clock = PlaybackClock(clock)

    @classmethod
    def open(cls) -> PygameOutput:
        """Open the sound device; raises :class:`OutputFailure` when there is none."""
        try:
            pygame = _import_pygame()
        except ImportError as error:
            raise OutputFailure(
                PlayerError("Sound is unavailable", f"pygame could not be loaded: {error}")
            ) from error
        try:
            pygame.mixer.init(
                frequency=SAMPLE_RATE, size=-16, channels=CHANNELS, buffer=BUFFER_SAMPLES
            )
            pygame.mixer.set_num_channels(1)
        except pygame.error as error:
            raise OutputFailure(
                PlayerError(
                    "No sound device",
                    f"mtcalm could not open one ({error}), so sessions play silently. "
                    "Check-ins, timing and the journal still work.",
                )
            ) from error
        frequency, size, channels = pygame.mixer.get_init()
        if (frequency, size, channels) != (SAMPLE_RATE, -16, CHANNELS):
            pygame.mixer.quit()
            raise OutputFailure(
                PlayerError(
                    "Sound device not usable",
                    f"The sound device opened as {frequency} Hz, {channels} channels, "
                    f"{abs(size)}-bit, not the {SAMPLE_RATE} Hz stereo 16-bit mtcalm needs.",
                )
            )
        return cls(pygame)

    def wants_block(self) -> bool:
        return self._channel.get_queue() is None

    def write(self, block: Frames) -> None:
        np = self._np
        samples = np.rint(np.clip(block, -1.0, 1.0) * FULL_SCALE).astype(np.int16)
        sound = self._pygame.mixer.Sound(buffer=samples.tobytes())
        if self._idle():
            self._clock.drained()
        # Always queue, never play(): while SDL hands over from one block to the next the
        # channel briefly reports not busy, and play() then would skip the block just queued.
        # queue() plays at once on a channel that is truly idle.
        self._channel.queue(sound)
        self._clock.wrote(len(block))

    def played_frames(self) -> int:
        if self._idle():
            self._clock.drained()
        return self._clock.played()

    def _idle(self) -> bool:
        return self._channel.get_sound() is None

    def written_frames(self) -> int:
        return self._clock.written

    def stop(self) -> None:
        self._channel.stop()
        self._clock.dropped()

    def close(self) -> None:
        self.stop()
        self._pygame.mixer.quit()
