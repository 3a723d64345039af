"""The bundled ambience loops: made to loop seamlessly, evenly loud, tagged, and listed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

import mtcalm.ambience
from mtcalm.ambience import Ambience, bundled_ambience
from mtcalm.audio.loudness import integrated_loudness
from mtcalm.audio.metadata import read_audio_info
from mtcalm.audio.voices import LOOP_JOIN_SECONDS, LoopVoice

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "assets" / "ambience"
LOOPS = {"rain": "Rain", "sea": "Sea", "stream": "Stream"}
RATE = 44100

Frames = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Loop:
    path: Path
    frames: Frames  # (frames, channels), as decoded
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.frames) / self.rate


@pytest.fixture(scope="module")
def loops() -> dict[str, Loop]:
    """Each bundled loop decoded once for the whole module."""
    decoded = {}
    for slug in LOOPS:
        path = FOLDER / f"{slug}.ogg"
        frames, rate = sf.read(path, dtype="float32", always_2d=True)
        decoded[slug] = Loop(path, frames, rate)
    return decoded


def decibels(value: float) -> float:
    return float(20.0 * np.log10(value))


def test_the_folder_holds_only_the_bundled_loops() -> None:
    names = sorted(path.name for path in FOLDER.iterdir())
    assert names == sorted(f"{slug}.ogg" for slug in LOOPS)


def test_each_loop_is_stereo_44100_hz_and_45_to_90_seconds(loops: dict[str, Loop]) -> None:
    for slug, loop in loops.items():
        print(f"{slug}: {loop.seconds:.2f} s, {loop.frames.shape[1]} channels, {loop.rate} Hz")
        assert loop.rate == RATE
        assert loop.frames.shape[1] == 2
        assert 45.0 <= loop.seconds <= 90.0


def test_no_loop_peaks_above_minus_1_dbfs(loops: dict[str, Loop]) -> None:
    for slug, loop in loops.items():
        peak = decibels(float(np.max(np.abs(loop.frames))))
        print(f"{slug}: peak {peak:.2f} dBFS")
        assert peak <= -1.0


def test_the_loops_are_within_1_lu_of_each_other_and_quieter_than_the_music(
    loops: dict[str, Loop],
) -> None:
    levels = {slug: integrated_loudness(loop.frames, loop.rate) for slug, loop in loops.items()}
    print(", ".join(f"{slug} {level:.2f} LUFS" for slug, level in levels.items() if level))
    known = [level for level in levels.values() if level is not None]
    assert len(known) == len(LOOPS), "none of them is silent"
    assert max(known) - min(known) <= 1.0
    assert all(-36.0 <= level <= -26.0 for level in known), "ambience sits under -20 LUFS music"


def test_each_loop_is_tagged_with_title_artist_album_genre_and_replaygain(
    loops: dict[str, Loop],
) -> None:
    for slug, loop in loops.items():
        info = read_audio_info(loop.path)
        tags: Any = OggVorbis(loop.path).tags
        peak = float(np.max(np.abs(loop.frames)))
        level = integrated_loudness(loop.frames, loop.rate)
        assert info.title == LOOPS[slug]
        assert info.artist == "mtcalm"
        assert info.album == "mtcalm ambience"
        assert tags["genre"] == ["Ambient"]
        assert info.duration == pytest.approx(loop.seconds, abs=0.01)
        assert info.track_gain_db is not None and level is not None
        assert info.track_gain_db == pytest.approx(-18.0 - level, abs=1.0)
        assert info.track_peak == pytest.approx(peak, rel=0.05)


def test_the_sample_after_the_last_continues_the_first(loops: dict[str, Loop]) -> None:
    for slug, loop in loops.items():
        x = loop.frames.astype(np.float64)
        join = np.abs(x[0] - x[-1])
        steps = np.abs(np.diff(x, axis=0))
        inside = np.percentile(steps, 99.9, axis=0)
        print(f"{slug}: join step {join.round(5)}, median step {np.median(steps, 0).round(5)}, "
              f"99.9th percentile {inside.round(5)}")  # fmt: skip
        assert np.all(join <= inside)


def test_looped_by_the_engine_the_join_is_as_even_as_the_rest(loops: dict[str, Loop]) -> None:
    """LoopVoice overlays the last second on the first; nothing stands out where it does."""
    block = int(0.4 * RATE)

    def block_levels(frames: Frames) -> npt.NDArray[np.float64]:
        count = len(frames) // block
        levels = [integrated_loudness(frames[i * block : (i + 1) * block], RATE) for i in
                  range(count)]  # fmt: skip
        return np.asarray([-70.0 if level is None else level for level in levels])

    for slug, loop in loops.items():
        n, join = len(loop.frames), int(LOOP_JOIN_SECONDS * RATE)
        voice = LoopVoice(loop.path)
        heard = voice.read(n + 2 * RATE)
        voice.close()
        steps = np.abs(np.diff(loop.frames.astype(np.float64), axis=0))
        after, before = heard[[n - join, n]], heard[[n - join - 1, n - 1]]
        seams = np.abs(after.astype(np.float64) - before)
        round_once = np.concatenate([loop.frames, loop.frames[:block]])
        whole = np.max(np.abs(np.diff(block_levels(round_once))))
        near = np.max(np.abs(np.diff(block_levels(heard[n - join - 2 * RATE : n + RATE]))))
        print(f"{slug}: 400 ms blocks change by up to {near:.2f} dB around the engine's join, "
              f"{whole:.2f} dB anywhere in the file")  # fmt: skip
        assert np.all(seams <= np.percentile(steps, 99.9, axis=0))
        assert near <= whole + 0.5


def test_the_loops_together_are_smaller_than_6_mb() -> None:
    total = sum(path.stat().st_size for path in FOLDER.glob("*.ogg"))
    print(f"{total / 1e6:.2f} MB")
    assert total < 6_000_000


def test_bundled_ambience_lists_the_loops_by_title() -> None:
    found = bundled_ambience()
    assert [ambience.title for ambience in found] == sorted(LOOPS.values())
    assert {ambience.key: ambience.title for ambience in found} == LOOPS
    assert all(ambience.path == FOLDER / f"{ambience.key}.ogg" for ambience in found)


def write_vorbis(path: Path, title: str | None) -> Path:
    """A one-second quiet hum as Ogg Vorbis, titled or not."""
    hum = 0.1 * np.sin(2 * np.pi * 220.0 * np.arange(RATE) / RATE)
    sf.write(path, np.stack([hum, hum], axis=1), RATE, format="OGG", subtype="VORBIS")
    if title is not None:
        audio: Any = OggVorbis(path)
        audio["title"] = title
        audio.save()
    return path


def test_a_broken_file_is_left_out_and_an_untitled_one_is_named_after_its_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "assets" / "ambience"
    folder.mkdir(parents=True)
    untitled = write_vorbis(folder / "soft-hum.ogg", None)
    titled = write_vorbis(folder / "wind.ogg", "Evening Wind")
    (folder / "broken.ogg").write_bytes(b"OggS" + bytes(range(256)) * 8)
    (folder / "empty.ogg").write_bytes(b"")
    shutil.copy(untitled, folder / "notes.txt")  # not an .ogg: not listed
    monkeypatch.setattr(mtcalm.ambience, "assets_dir", lambda: tmp_path / "assets")

    assert bundled_ambience() == [
        Ambience(key="wind", title="Evening Wind", path=titled),
        Ambience(key="soft-hum", title="Soft hum", path=untitled),
    ]


def test_no_ambience_folder_lists_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mtcalm.ambience, "assets_dir", lambda: tmp_path)
    assert bundled_ambience() == []


def test_importing_the_module_reads_nothing() -> None:
    probe = "import sys, mtcalm.ambience; print('mutagen' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
