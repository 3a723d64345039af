"""Hermetic tests: offscreen Qt, a named SDL audio driver, a fresh data folder per test."""

from __future__ import annotations

import os

# Before anything imports Qt or SDL.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
os.environ.pop("MTCALM_DATA_DIR", None)

import array
import math
import wave
from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLE_RATE = 44100

ToneMaker = Callable[..., Path]
PlaylistMaker = Callable[..., Path]


def write_tone(
    path: Path,
    seconds: float,
    frequency: float = 440.0,
    amplitude: float = 0.5,
    sample_rate: int = SAMPLE_RATE,
) -> Path:
    """A stereo 16-bit WAV sine, so tests have real audio without bundled files."""
    frames = int(seconds * sample_rate)
    samples = array.array("h")
    for index in range(frames):
        value = int(amplitude * 32767 * math.sin(2 * math.pi * frequency * index / sample_rate))
        samples.append(value)
        samples.append(value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(2)
        handle.setsampwidth(2)
        handle.setframerate(sample_rate)
        handle.writeframes(samples.tobytes())
    return path


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data folder of this test's own (not yet created: mtcalm creates it)."""
    return tmp_path / "data"


@pytest.fixture
def make_tone(tmp_path: Path) -> ToneMaker:
    """``make_tone("a.wav", seconds=1.0, frequency=440, amplitude=0.5)`` in a temp folder."""

    def make(
        name: str, seconds: float = 1.0, frequency: float = 440.0, amplitude: float = 0.5
    ) -> Path:
        return write_tone(tmp_path / "audio" / name, seconds, frequency, amplitude)

    return make


@pytest.fixture
def make_playlist(tmp_path: Path) -> PlaylistMaker:
    """Write a playlist file naming ``tracks`` (paths, or names that need not exist)."""

    def make(
        tracks: list[Path | str],
        title: str = "Test calm",
        name: str = "test.toml",
        crossfade: float = 0,
    ) -> Path:
        folder = tmp_path / "playlists"
        folder.mkdir(parents=True, exist_ok=True)
        lines = [
            "format = 1",
            "[playlist]",
            f'title = "{title}"',
            'purpose = "For tests."',
            'suggested_use = "Anywhere."',
            f"crossfade_seconds = {crossfade}",
        ]
        for index, track in enumerate(tracks, start=1):
            lines += ["[[track]]", f'file = "{Path(track).as_posix()}"', f'title = "Track {index}"']
        path = folder / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    return make
