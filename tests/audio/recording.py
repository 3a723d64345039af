"""Making test audio and measuring what the engine makes of it.

Files are written with soundfile, as 32-bit float WAV unless a test needs another format, so
every sample the engine reads is known exactly. The measurements work on numpy arrays: the
mixer's own blocks, or the real output recorded through SDL's disk driver (:class:`Recorder`).
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import soundfile

from mtcalm.audio.levels import LevelAnalyser
from mtcalm.audio.player import Player
from mtcalm.audio.pygame_backend import PygameOutput
from tests.audio.conftest import UnityLevels

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames
    from mtcalm.audio.output import Output
    from tests.audio.conftest import Listener, PlayerMaker

Audio = npt.NDArray[np.float64]  # (frames,) or (frames, channels)

RATE = 44100
FULL_SCALE = 32767

# Tones whose period is a whole number of samples at 44100 Hz (100, 70 and 50 samples): a file
# of 1.0 s (or any multiple of 700 samples) holds whole periods of each, so it ends where the
# next one begins and any jump at a join is the engine's, not the content's.
LOW_HZ, MIDDLE_HZ, HIGH_HZ = 441.0, 630.0, 882.0
WHOLE_PERIODS = 700  # samples: a whole number of periods of all three


# -- making audio -------------------------------------------------------------------------------


def sine(seconds: float, hz: float, amplitude: float = 0.5, rate: int = RATE) -> Audio:
    """A mono sine starting at phase 0."""
    count = round(seconds * rate)
    return amplitude * np.sin(2 * np.pi * hz * np.arange(count) / rate)


def write_audio(
    path: Path,
    samples: Audio,
    rate: int = RATE,
    *,
    stereo: bool = True,
    format: str | None = None,
    subtype: str | None = "FLOAT",
) -> Path:
    """Write ``samples`` (mono, or (frames, 2)); mono is doubled to stereo unless told not to."""
    data = np.asarray(samples, dtype=np.float32)
    if data.ndim == 1 and stereo:
        data = np.stack([data, data], axis=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), data, rate, format=format, subtype=subtype)
    return path


def write_sine(
    path: Path,
    seconds: float,
    hz: float,
    amplitude: float = 0.5,
    rate: int = RATE,
    *,
    stereo: bool = True,
    format: str | None = None,
    subtype: str | None = "FLOAT",
) -> Path:
    samples = sine(seconds, hz, amplitude, rate)
    return write_audio(path, samples, rate, stereo=stereo, format=format, subtype=subtype)


def write_steady(path: Path, seconds: float, left: float = 0.5, right: float = 0.5) -> Path:
    """A constant level on each channel: whatever the engine does to it is its envelope."""
    count = round(seconds * RATE)
    data = np.empty((count, 2))
    data[:, 0], data[:, 1] = left, right
    return write_audio(path, data)


def write_counting(path: Path, seconds: float) -> Path:
    """Each sample holds its own position (frame / 2**18, exact in float32): shows seeks."""
    count = round(seconds * RATE)
    assert count < 2**18
    return write_audio(path, np.arange(count) / 2**18)


def position_of(value: float) -> int:
    """The frame a sample of :func:`write_counting` came from."""
    return round(value * 2**18)


# -- measuring ----------------------------------------------------------------------------------


def largest_step(samples: Audio) -> float:
    """The largest change between two neighbouring samples."""
    return float(np.max(np.abs(np.diff(samples)))) if len(samples) > 1 else 0.0


def sine_step(hz: float, amplitude: float) -> float:
    """The largest step between two samples of a steady sine: its own steepest slope."""
    return 2 * math.pi * hz / RATE * amplitude


def largest_bend(samples: Audio) -> float:
    """The largest second difference: a jump shows here at its full size, a sine hardly at all."""
    return float(np.max(np.abs(np.diff(samples, 2)))) if len(samples) > 2 else 0.0


def sine_bend(hz: float, amplitude: float) -> float:
    """The largest second difference of a steady sine."""
    return (2 * math.pi * hz / RATE) ** 2 * amplitude


def longest_silence(samples: Audio, quiet: float = 0.0) -> int:
    """The longest run of samples no louder than ``quiet``."""
    silent = np.abs(samples) <= quiet
    if not silent.any():
        return 0
    edges = np.diff(np.concatenate([[0], silent.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int(np.max(stops - starts))


def amplitude_at(samples: Audio, hz: float) -> float:
    """The amplitude of the ``hz`` sine in ``samples`` (exact for a whole number of periods)."""
    phase = np.exp(-2j * np.pi * hz * np.arange(len(samples)) / RATE)
    return float(2 * abs(np.dot(samples, phase)) / len(samples))


def zero_crossing_hz(samples: Audio) -> float:
    """The pitch of a steady tone, from how often it crosses zero."""
    signs = np.signbit(samples)
    crossings = np.count_nonzero(signs[1:] != signs[:-1])
    return crossings / 2 / (len(samples) / RATE)


def rms(samples: Audio) -> float:
    return float(np.sqrt(np.mean(np.square(samples)))) if len(samples) else 0.0


def window_levels(samples: Audio, window: int) -> Audio:
    """RMS of consecutive windows of ``window`` samples."""
    count = len(samples) // window
    blocks = np.asarray(samples[: count * window], dtype=np.float64).reshape(count, window)
    return np.sqrt(np.mean(blocks * blocks, axis=1))


def decibels(ratio: float) -> float:
    return 20 * math.log10(ratio)


def describe(values: Audio | list[float]) -> str:
    return " ".join(f"{value:.2f}" for value in values)


# -- recording the real output ------------------------------------------------------------------


class Recorder:
    """Opens pygame on SDL's disk driver and reads back what it played, in real time."""

    def __init__(self, file: Path, players: PlayerMaker) -> None:
        self.file = file
        self._players = players
        self._player: Player | None = None

    def open_player(
        self, volume: float = 1.0, levels: LevelAnalyser | None = None, ambience: float = 0.5
    ) -> Player:
        """A player on the recorded output; tracks play at their own level unless told."""
        self._player = self._players(
            PygameOutput.open(), volume=volume, levels=levels or UnityLevels()
        )
        self._player.set_ambience_volume(ambience)
        return self._player

    def wait_for_more(self, listener: Listener, seconds: float) -> None:
        """Let the recording run on for ``seconds`` of output, so a tail is not cut off."""
        wanted = self.file.stat().st_size + int(seconds * RATE) * 4
        listener.wait_until(
            lambda: self.file.stat().st_size >= wanted, f"{seconds} s more of recording"
        )

    def left(self) -> Audio:
        """The left channel of everything played, in 16-bit steps (the right one is the same)."""
        assert self._player is not None
        self._player.close()  # closes the mixer, which finishes the file
        data = self.file.read_bytes()
        samples = np.frombuffer(data[: len(data) // 4 * 4], dtype="<i2").reshape(-1, 2)
        assert np.array_equal(samples[:, 0], samples[:, 1]), "both channels carry the same sound"
        return samples[:, 0].astype(np.float64)


def first_sound(samples: Audio) -> int:
    return int(np.flatnonzero(samples)[0])


def last_sound(samples: Audio) -> int:
    return int(np.flatnonzero(samples)[-1])


class Tap:
    """An output that passes every block on and keeps a copy: what a person would hear.

    With a ``gate``, the first block waits until the test opens it, so the test can change
    the world while the player has begun but nothing has been heard.
    """

    def __init__(self, output: Output, gate: threading.Event | None = None) -> None:
        self.output = output
        self.name = output.name
        self.gate = gate
        self.waiting = threading.Event()
        self.blocks: list[Audio] = []

    def wants_block(self) -> bool:
        return self.output.wants_block()

    def write(self, block: Frames) -> None:
        if self.gate is not None:
            self.waiting.set()
            self.gate.wait(timeout=30)
        self.blocks.append(np.array(block, dtype=np.float64))
        self.output.write(block)

    def played_frames(self) -> int:
        return self.output.played_frames()

    def written_frames(self) -> int:
        return self.output.written_frames()

    def stop(self) -> None:
        self.output.stop()

    def close(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.output.close()

    def heard(self) -> Audio:
        """Every frame sent, (frames, 2)."""
        return np.concatenate(self.blocks) if self.blocks else np.zeros((0, 2))
