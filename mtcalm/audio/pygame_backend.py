"""The pygame (SDL_mixer) output: streams each file with ``pygame.mixer.music``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mtcalm.audio.player import OutputFailure, PlayerError

SAMPLE_RATE = 44100
# 11.6 ms per buffer (pygame's own default): the gain, and so every fade, moves once per buffer.
BUFFER_SAMPLES = 512


def _import_pygame() -> Any:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    return pygame


class PygameOutput:
    """Plays through the first sound device SDL finds. Create it with :meth:`open`."""

    name = "pygame"

    def __init__(self, pygame: Any) -> None:
        self._pygame = pygame
        self._music = pygame.mixer.music
        self._playing = False
        self._paused = False

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
            pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=BUFFER_SAMPLES)
        except pygame.error as error:
            raise OutputFailure(
                PlayerError(
                    "No sound device",
                    f"mtcalm could not open one ({error}), so sessions play silently. "
                    "Check-ins, timing and the journal still work.",
                )
            ) from error
        return cls(pygame)

    def load(self, path: Path) -> None:
        self._playing = False
        self._paused = False
        if not path.is_file():
            raise OutputFailure(PlayerError("File not found", f"{path} does not exist."))
        try:
            if path.stat().st_size == 0:
                raise OutputFailure(PlayerError("Empty file", f"{path} is empty."))
            self._music.load(str(path))
        except OSError as error:
            raise OutputFailure(
                PlayerError("Unreadable file", f"{path}: {error.strerror or error}")
            ) from error
        except self._pygame.error as error:
            raise OutputFailure(
                PlayerError("Cannot play this file", f"{path} could not be played: {error}")
            ) from error

    def start(self) -> None:
        try:
            self._music.play()
        except self._pygame.error as error:
            raise OutputFailure(
                PlayerError("Cannot play this file", f"Playback did not start: {error}")
            ) from error
        self._playing = True
        self._paused = False

    def pause(self) -> None:
        self._music.pause()
        self._paused = True

    def resume(self) -> None:
        self._music.unpause()
        self._paused = False

    def stop(self) -> None:
        self._music.stop()
        self._playing = False
        self._paused = False

    def set_gain(self, gain: float) -> None:
        self._music.set_volume(gain)

    def is_finished(self) -> bool:
        return self._playing and not self._paused and not self._music.get_busy()

    def close(self) -> None:
        self.stop()
        self._music.unload()
        self._pygame.mixer.quit()
