"""Fades fit the time there is: a short track, or a short timer, is heard, not faded away.

The fade-in and the fade-out together take at most 40% of the programme's real length (or of
the timer), shrinking in proportion, so a 2 s or 4 s file played with a session's 3 s and 4 s
fades is heard at its full level for most of its length. The mixer's arithmetic is checked
sample by sample; the real output is recorded through SDL's disk driver in real time, and
``mtcalm play`` runs as a subprocess, also recorded. Lengths are counted in samples.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from mtcalm.audio.events import EndReason, PlaybackEnded
from mtcalm.audio.levels import track_level
from mtcalm.audio.mixer import FADE_SHARE, Mixer, frames
from mtcalm.commands.play import DEFAULT_FADE_IN_SECONDS, DEFAULT_FADE_OUT_SECONDS
from mtcalm.datadir import DATA_DIR_VARIABLE
from tests.audio.conftest import UnityLevels
from tests.audio.recording import (
    FULL_SCALE,
    RATE,
    Audio,
    Recorder,
    decibels,
    describe,
    first_sound,
    last_sound,
    rms,
    window_levels,
    write_sine,
    write_steady,
)

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, PlayerMaker

FADE_IN, FADE_OUT = DEFAULT_FADE_IN_SECONDS, DEFAULT_FADE_OUT_SECONDS  # a session's: 3 s and 4 s
LEVEL = 0.5
HZ = 441.0  # 100 samples a period: a 50 ms window holds whole periods
WINDOW = int(0.05 * RATE)


@pytest.fixture
def mixer() -> Iterator[Mixer]:
    mixer = Mixer(UnityLevels(), volume=1.0, ambience_volume=1.0)
    yield mixer
    mixer.close()


def render_all(mixer: Mixer) -> Audio:
    blocks = []
    while mixer.active:
        blocks.append(np.asarray(mixer.render(4096).block[:, 0], dtype=np.float64))
    return np.concatenate(blocks)


def full_share(gain: Audio) -> float:
    """The share of the samples heard at the file's own level."""
    return float(np.count_nonzero(gain >= 0.999)) / len(gain)


# -- the mixer's arithmetic ---------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [2.0, 4.0])
def test_a_track_shorter_than_the_fades_gets_fades_in_proportion_and_is_heard(
    mixer: Mixer, tmp_path: Path, seconds: float
) -> None:
    track = write_steady(tmp_path / "short.wav", seconds)
    mixer.start([track], fade_in=FADE_IN, crossfade=0.0, fade_out=FADE_OUT, timer=None)
    gain = render_all(mixer) / LEVEL
    scale = FADE_SHARE * seconds / (FADE_IN + FADE_OUT)
    rise, fall = frames(FADE_IN * scale), frames(FADE_OUT * scale)

    assert len(gain) == frames(seconds), "the whole track is played"
    assert gain[0] < 1e-6 and gain[-1] < 1e-6, "it still fades in and out"
    assert gain[rise - 1] == pytest.approx(1.0), "full level when the shorter fade-in ends"
    assert np.all(gain[rise : len(gain) - fall] >= 0.999), "and held until the fade-out"
    assert full_share(gain) == pytest.approx(1 - FADE_SHARE, abs=0.01)


def test_a_short_timer_gets_fades_in_proportion(mixer: Mixer, tmp_path: Path) -> None:
    track = write_steady(tmp_path / "long.wav", 10.0)
    mixer.start([track], fade_in=FADE_IN, crossfade=0.0, fade_out=FADE_OUT, timer=5.0)
    gain = render_all(mixer) / LEVEL

    assert len(gain) == frames(5.0), "it ends on time"
    assert full_share(gain) == pytest.approx(1 - FADE_SHARE, abs=0.01)
    assert gain[-1] < 1e-6


def test_a_programme_of_short_tracks_shares_the_fades_over_its_whole_length(
    mixer: Mixer, tmp_path: Path
) -> None:
    tracks = [write_steady(tmp_path / f"{index}.wav", 2.0) for index in range(2)]
    mixer.start(tracks, fade_in=FADE_IN, crossfade=0.0, fade_out=FADE_OUT, timer=None)
    gain = render_all(mixer) / LEVEL

    assert len(gain) == frames(4.0)
    assert full_share(gain) == pytest.approx(1 - FADE_SHARE, abs=0.01), "as one 4 s track"


def test_fades_that_fit_keep_their_lengths(mixer: Mixer, tmp_path: Path) -> None:
    track = write_steady(tmp_path / "long.wav", 20.0)
    mixer.start([track], fade_in=FADE_IN, crossfade=0.0, fade_out=FADE_OUT, timer=None)
    gain = render_all(mixer) / LEVEL

    rise, fall = frames(FADE_IN), frames(FADE_OUT)
    assert gain[rise - 2] < 1.0 == gain[rise - 1], "full exactly when the 3 s fade-in ends"
    assert gain[-fall] < 1.0 == gain[-fall - 1], "full until the 4 s fade-out begins"


# -- what is heard ------------------------------------------------------------------------------


@pytest.fixture
def recorder(sdl_audio: pytest.MonkeyPatch, tmp_path: Path, players: PlayerMaker) -> Recorder:
    file = tmp_path / "out.raw"
    sdl_audio.setenv("SDL_AUDIODRIVER", "disk")
    sdl_audio.setenv("SDL_DISKAUDIOFILE", str(file))
    sdl_audio.delenv("SDL_DISKAUDIODELAY", raising=False)  # real time
    return Recorder(file, players)


def heard_levels(left: Audio, expected_rms: float) -> tuple[Audio, float]:
    """Levels of 50 ms windows over the sound, in dB of ``expected_rms``; and its peak in dBFS."""
    sound = left[first_sound(left) : last_sound(left) + 1]
    levels = np.array([decibels(max(v, 1e-9) / expected_rms) for v in window_levels(sound, WINDOW)])
    return levels, decibels(float(np.abs(sound).max()) / FULL_SCALE)


@pytest.mark.parametrize("seconds", [2.0, 4.0])
def test_a_short_file_with_a_sessions_fades_is_heard_at_its_level_for_most_of_its_length(
    recorder: Recorder, listen: Listen, tmp_path: Path, seconds: float
) -> None:
    track = write_sine(tmp_path / "short.wav", seconds, HZ, LEVEL)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([track], fade_in=FADE_IN, fade_out=FADE_OUT)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    source = LEVEL * FULL_SCALE / math.sqrt(2)
    levels, peak = heard_levels(left, source)
    near = np.count_nonzero(np.abs(levels) < 1.0) * WINDOW / RATE
    whole = decibels(rms(left[first_sound(left) : last_sound(left) + 1]) / source)
    print(
        f"{seconds:g} s file, fades {FADE_IN:g}/{FADE_OUT:g} s: peak {peak:.1f} dBFS, whole "
        f"{whole:.1f} dB of the source, {near:.2f} s within 1 dB; 50 ms windows (dB): "
        f"{describe(list(levels))}"
    )
    assert peak > decibels(LEVEL) - 0.5, "it reaches the file's own peak"
    assert near >= 0.5 * seconds, "heard at the file's level for at least half its length"
    assert whole > -3.0, "its loudness over the whole is close to the file's own"
    assert levels[0] < -20 and levels[-1] < -20, "it still fades in and out"


def test_mtcalm_play_seconds_5_with_its_default_fades_reaches_the_files_level(
    tmp_path: Path,
) -> None:
    track = write_sine(tmp_path / "tone.wav", 10.0, HZ, LEVEL)
    recording = tmp_path / "out.raw"
    environment = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    environment.pop("SDL_DISKAUDIODELAY", None)
    environment.update(SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(recording))
    data = tmp_path / "data"
    command = [sys.executable, "-m", "mtcalm", "--data-dir", str(data), "play", str(track)]
    result = subprocess.run(
        [*command, "--seconds", "5", "--volume", "1"],
        capture_output=True,
        text=True,
        timeout=120,  # only a hang comes near this
        env=environment,
    )
    assert result.returncode == 0, result.stderr
    raw = recording.read_bytes()
    left = np.frombuffer(raw[: len(raw) // 4 * 4], dtype="<i2")[0::2].astype(np.float64)

    # The engine brings every file to one loudness; at volume 1 that is all it changes.
    expected = LEVEL * FULL_SCALE / math.sqrt(2) * track_level(track).gain
    levels, peak = heard_levels(left, expected)
    near = np.count_nonzero(np.abs(levels) < 1.0) * WINDOW / RATE
    sounding = (last_sound(left) + 1 - first_sound(left)) / RATE
    print(
        f"--seconds 5: sounded {sounding:.2f} s, peak {peak:.1f} dBFS (level-matched file "
        f"{decibels(LEVEL * track_level(track).gain):.1f}), {near:.2f} s within 1 dB"
    )
    # The quietest ends of the fades round to 0 in 16 bits: about 0.05 s at each end.
    assert sounding == pytest.approx(5.0, abs=0.2)
    assert peak > decibels(LEVEL * track_level(track).gain) - 0.5, "it reaches full level"
    assert near >= 2.5, "and holds it for half the time"
