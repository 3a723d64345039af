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
import shutil
import subprocess
import wave
from collections.abc import Callable, Iterator
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


DiskMaker = Callable[[int], Path]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[DiskMaker]:
    """``small_disk(kilobytes)``: a real, tiny tmpfs folder, for a disk that really fills up.

    Mounting needs root (as in CI); elsewhere the test is skipped with the reason.
    """
    mounted: list[Path] = []

    def make(kilobytes: int) -> Path:
        folder = tmp_path / f"small-disk-{len(mounted)}"
        folder.mkdir()
        result = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kilobytes}k,mode=0700", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            pytest.skip(f"a small disk needs a tmpfs mount, refused here: {result.stderr.strip()}")
        mounted.append(folder)
        return folder

    yield make
    for folder in mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def fill_disk(folder: Path, leave: int = 0) -> Path:
    """Fill the disk ``folder`` is on until nothing fits, then free ``leave`` bytes."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as handle:
        try:
            while handle.write(b"\0" * 4096):
                pass
        except OSError:
            pass
    if leave:
        size = filler.stat().st_size
        os.truncate(filler, max(0, size - leave))
    return filler


def unprivileged(command: list[str]) -> list[str]:
    """``command`` run so that file permissions apply to it, as they do to a person.

    As root (CI), util-linux's setpriv drops the powers that ignore permissions.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("permission cases as root need setpriv (util-linux) to drop root's powers")
    drop = "-dac_override,-dac_read_search,-fowner,-linux_immutable"
    return ["setpriv", f"--bounding-set={drop}", "--inh-caps=-all", "--", *command]
