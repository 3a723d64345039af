"""What a person hears, measured: SDL's disk driver records the real mixed output.

The recording is raw PCM at 44100 Hz, signed 16-bit, stereo interleaved; silence is written
while the mixer is open. It runs in real time (no SDL_DISKAUDIODELAY) because the player's
fades follow the wall clock. Tones are 0.5 of full scale and play at volume 1.0, where the
mixer passes them through unchanged, so the full level is known.
"""

from __future__ import annotations

import array
import math
import time
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mtcalm.audio.events import EndReason, PlaybackEnded, PlayerState, perceptual_gain
from mtcalm.audio.player import Player
from mtcalm.audio.pygame_backend import PygameOutput

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, Listener, PlayerMaker

from tests.audio.conftest import UnityLevels

ToneMaker = Callable[..., Path]

SAMPLE_RATE = 44100
FULL_SCALE = 32767
AMPLITUDE = 0.5
FULL_LEVEL = AMPLITUDE * FULL_SCALE / math.sqrt(2)  # RMS of the tone as written
WINDOW = int(0.05 * SAMPLE_RATE)  # 50 ms: the level a listener follows


class Recorder:
    """Opens pygame on SDL's disk driver and reads back what it played."""

    def __init__(self, file: Path, players: PlayerMaker) -> None:
        self.file = file
        self._players = players
        self._player: Player | None = None

    def open_player(self, volume: float = 1.0) -> Player:
        self._player = self._players(PygameOutput.open(), volume=volume, levels=UnityLevels())
        return self._player

    def wait_for_more(self, listener: Listener, seconds: float) -> None:
        """Let the recording run on for ``seconds`` of output, so a tail is not cut off."""
        wanted = self.file.stat().st_size + int(seconds * SAMPLE_RATE) * 4
        listener.wait_until(
            lambda: self.file.stat().st_size >= wanted, f"{seconds} s more of recording"
        )

    def left(self) -> array.array[int]:
        """The left channel of everything played (the right one is the same)."""
        assert self._player is not None
        self._player.close()  # closes the mixer, which finishes the file
        samples = array.array("h")
        data = self.file.read_bytes()
        samples.frombytes(data[: len(data) // 4 * 4])
        assert samples[0::2] == samples[1::2], "both channels carry the same tone"
        return samples[0::2]


@pytest.fixture
def recorder(sdl_audio: pytest.MonkeyPatch, tmp_path: Path, players: PlayerMaker) -> Recorder:
    file = tmp_path / "out.raw"
    sdl_audio.setenv("SDL_AUDIODRIVER", "disk")
    sdl_audio.setenv("SDL_DISKAUDIOFILE", str(file))
    sdl_audio.delenv("SDL_DISKAUDIODELAY", raising=False)
    return Recorder(file, players)


# -- reading the recording ------------------------------------------------------------------------


def rms(samples: Sequence[int]) -> float:
    return math.sqrt(sum(value * value for value in samples) / len(samples)) if samples else 0.0


def levels(samples: Sequence[int], start: int, stop: int) -> list[float]:
    """RMS of consecutive 50 ms windows from ``start`` up to ``stop``, as shares of full level."""
    return [
        rms(samples[begin : begin + WINDOW]) / FULL_LEVEL
        for begin in range(start, stop - WINDOW + 1, WINDOW)
    ]


def first_sound(samples: Sequence[int]) -> int:
    return next(index for index, value in enumerate(samples) if value)


def last_sound(samples: Sequence[int]) -> int:
    return next(index for index in range(len(samples) - 1, -1, -1) if samples[index])


def largest_step(samples: Sequence[int]) -> int:
    return max(abs(after - before) for before, after in pairwise(samples))


def longest_silence(samples: Sequence[int], start: int, stop: int) -> int:
    longest = run = 0
    for value in samples[start:stop]:
        run = run + 1 if value == 0 else 0
        longest = max(longest, run)
    return longest


def frequency(samples: Sequence[int]) -> float:
    """The pitch of a steady tone, from how often it crosses zero."""
    signs = [value >= 0 for value in samples]
    crossings = sum(1 for before, after in pairwise(signs) if before != after)
    return crossings / 2 / (len(samples) / SAMPLE_RATE)


def decibels(ratio: float) -> float:
    return 20 * math.log10(ratio)


def sine_step(hz: float, amplitude: float = AMPLITUDE) -> float:
    """The largest step between two samples of a steady sine: its own steepest slope."""
    return 2 * math.pi * hz / SAMPLE_RATE * amplitude * FULL_SCALE


# A level change at a buffer boundary adds up to (change × amplitude) to a step. Allow changes
# of 1/32 of the level (0.27 dB, far below what anyone hears as a step) on top of the sine's own
# slope: a cut from full level steps up to 16 times the sine's own, a 0.4 s pause fade moving
# in 46 ms stairs measured 2.2 times it, and the 128 volume steps alone add at most 1/128.
def allowed_step(hz: float, amplitude: float = AMPLITUDE) -> float:
    return sine_step(hz, amplitude) + amplitude * FULL_SCALE / 32


def describe(shares: Sequence[float]) -> str:
    return " ".join(f"{share:.2f}" for share in shares)


# -- the measurements ---------------------------------------------------------------------------


def test_a_fade_in_rises_smoothly_from_silence_to_full_level(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker
) -> None:
    # 4 s: the fades (1.3 s) fit within 40% of it, so they keep their lengths.
    tone = make_tone("steady.wav", 4.0, frequency=440.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([tone], fade_in=1.0, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 1.7, "the fade-in and full level")
    player.end(fade_out=0.3)
    listener.wait_for_end()
    left = recorder.left()

    start = first_sound(left)
    heard = levels(left, start, last_sound(left))
    top = next(index for index, share in enumerate(heard) if share >= 0.98)
    rise = heard[: top + 1]
    steps = [after - before for before, after in pairwise(rise)]
    print(f"fade-in, 50 ms windows: {describe(rise)}; largest rise {max(steps):.3f}")

    assert rise[0] < 0.1, f"starts near silence: {describe(rise)}"
    assert min(steps) > -0.01, f"never falls back on the way up: {describe(rise)}"
    # The fade follows the perceptual curve (level cubed), whose steepest 50 ms is its end.
    assert max(steps) <= 3.2 * WINDOW / SAMPLE_RATE, f"no window jumps: {describe(rise)}"
    # Heard as an even rise: the cube root of the level climbs by the same amount each window.
    climbs = [b ** (1 / 3) - a ** (1 / 3) for a, b in pairwise(rise) if a >= 0.01]
    assert all(0.03 <= climb <= 0.07 for climb in climbs), f"even: {describe(climbs)}"
    assert len(rise) * WINDOW >= 0.5 * SAMPLE_RATE, "the rise is spread over the fade"
    full = heard[top + 1 : top + 5]
    assert len(full) == 4, "full level was held after the fade"
    assert all(abs(decibels(share)) < 0.1 for share in full), f"full level: {describe(full)}"


def test_ending_fades_to_silence_without_a_cut(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker
) -> None:
    tone = make_tone("long.wav", 4.0, frequency=440.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([tone], fade_in=0.2, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 0.8, "the tone at full level")
    player.end(fade_out=1.0)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    recorder.wait_for_more(listener, 0.2)
    left = recorder.left()

    end = last_sound(left)
    assert len(left) - end > 0.1 * SAMPLE_RATE, "the recording ran on in silence after the end"
    heard = levels(left, first_sound(left), end + 1)
    last_full = max(index for index, share in enumerate(heard) if share >= 0.98)
    fall = heard[last_full:]
    steps = [before - after for before, after in pairwise(fall)]
    tail = rms(left[end + 1 - int(0.02 * SAMPLE_RATE) : end + 1]) / FULL_LEVEL
    print(
        f"fade-out, 50 ms windows: {describe(fall)}; largest drop {max(steps):.3f}; "
        f"last 20 ms {decibels(tail):.1f} dB"
    )

    assert min(steps) > -0.01, f"never rises again on the way down: {describe(fall)}"
    # The perceptual curve (level cubed) falls fastest at its start: 3 times the average.
    assert max(steps) <= 3.2 * WINDOW / SAMPLE_RATE, f"no window drops: {describe(fall)}"
    # (The first window holds the start of the fade, part full and part falling.)
    drops = [a ** (1 / 3) - b ** (1 / 3) for a, b in pairwise(fall[1:]) if b >= 0.01]
    assert all(0.03 <= drop <= 0.07 for drop in drops), f"even: {describe(drops)}"
    assert len(fall) * WINDOW >= 0.5 * SAMPLE_RATE, "the fall is spread over the fade"
    assert decibels(tail) < -30, "the last 20 ms before silence are already quiet: no cut"


def test_pausing_and_resuming_make_no_click(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker
) -> None:
    tone = make_tone("long.wav", 4.0, frequency=440.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([tone], fade_in=0.5, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 0.7, "the tone at full level")
    player.pause()
    listener.wait_until_still()  # paused: the output is silent now
    player.resume()
    listener.wait_until(lambda: player.status().state is PlayerState.PLAYING, "playing again")
    resumed = player.status().listened
    listener.wait_until(lambda: player.status().listened >= resumed + 0.5, "full level again")
    player.pause()
    paused = player.status().listened
    # Changing one's mind halfway through the pause fade (listened time runs on while it fades).
    listener.wait_until(lambda: player.status().listened >= paused + 0.2, "half the pause fade")
    player.resume()
    resumed = player.status().listened
    listener.wait_until(lambda: player.status().listened >= resumed + 0.5, "full level again")
    player.end(fade_out=0.5)
    listener.wait_for_end()
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    step = largest_step(left)
    print(f"pause and resume: largest step {step}, the sine's own {sine_step(440.0):.0f}")
    assert longest_silence(left, start, end) > 0.2 * SAMPLE_RATE, "the pause was heard as silence"
    assert step <= allowed_step(440.0), (
        f"a step of {step} between two samples is a click; the sine itself steps at most "
        f"{sine_step(440.0):.0f}"
    )


def test_half_volume_sounds_as_the_volume_curve_says_and_changes_without_a_click(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker
) -> None:
    tone = make_tone("long.wav", 4.0, frequency=440.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([tone], fade_in=0.5, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 1.2, "the tone at full level")
    player.set_volume(0.5)
    changed = player.status().position
    listener.wait_until(lambda: player.status().position >= changed + 1.0, "the quieter tone")
    player.end(fade_out=0.5)
    listener.wait_for_end()
    left = recorder.left()

    heard = levels(left, first_sound(left), last_sound(left))
    loud, quiet = plateaus(heard)
    difference = decibels(quiet / loud)
    expected = decibels(perceptual_gain(0.5))
    step = largest_step(left)
    print(
        f"volume 1.0: {decibels(loud):.2f} dB, 0.5: {decibels(quiet):.2f} dB of full level; "
        f"difference {difference:.2f} dB (expected {expected:.2f}); largest step {step}"
    )
    assert abs(decibels(loud)) < 0.1, "volume 1.0 plays the file at its own level"
    assert abs(difference - expected) < 1.0
    assert step <= allowed_step(440.0), f"the volume change clicked: a step of {step}"


def plateaus(shares: Sequence[float], length: int = 6) -> tuple[float, float]:
    """The first two levels held steady (within 1%) for ``length`` windows in a row."""
    found: list[float] = []
    index = 0
    while index + length <= len(shares) and len(found) < 2:
        run = shares[index : index + length]
        if max(run) - min(run) <= 0.01 * max(run) and (
            not found or abs(decibels(run[0] / found[-1])) > 1
        ):
            found.append(sum(run) / length)
            index += length
        else:
            index += 1
    assert len(found) == 2, f"two steady levels in {describe(shares)}"
    return found[0], found[1]


def test_a_missing_file_in_the_middle_is_skipped_and_the_next_tone_follows(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker, tmp_path: Path
) -> None:
    first = make_tone("first.wav", 0.8, frequency=440.0, amplitude=AMPLITUDE)
    last = make_tone("last.wav", 0.8, frequency=660.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([first, tmp_path / "gone.wav", last], fade_in=0.2, fade_out=0.3)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert [event.index for event in listener.failed()] == [1]
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    opening = frequency(left[start + int(0.3 * SAMPLE_RATE) : start + int(0.6 * SAMPLE_RATE)])
    closing = frequency(left[end - int(0.4 * SAMPLE_RATE) : end - int(0.1 * SAMPLE_RATE)])
    gap = longest_silence(left, start, end) / SAMPLE_RATE
    print(f"first tone {opening:.1f} Hz, after the missing file {closing:.1f} Hz, gap {gap:.3f} s")
    assert opening == pytest.approx(440.0, rel=0.02)
    assert closing == pytest.approx(660.0, rel=0.02), "the next track's tone is heard"
    assert gap < 1.0, "the music goes on rather than falling silent"


def test_a_caller_busy_in_python_never_starves_the_sound(
    recorder: Recorder, listen: Listen, make_tone: ToneMaker
) -> None:
    # The window's thread computing for a second and a half, as a heavy page build might.
    # Not luck: SDL plays from its own queue without Python's lock, 0.17–0.25 s stays queued
    # ahead, and the player takes Python's lock back within 0.5 ms (its switch interval), so a
    # block costs it a few ms however busy the caller; before, a block cost up to 96 ms of
    # waiting for the lock, more than the 93 ms it played, and an underrun could leave the old
    # output's queue stuck for good (the "stall" seen on loaded machines).
    tone = make_tone("long.wav", 3.0, frequency=440.0, amplitude=AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([tone], fade_in=0.2, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 0.3, "the tone at full level")
    busy_until = time.monotonic() + 1.5
    while time.monotonic() < busy_until:
        sum(index * index for index in range(5000))
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    left = recorder.left()

    # Between the fades, where even the quietest sample of the tone is far from silence.
    start = first_sound(left) + int(0.25 * SAMPLE_RATE)
    end = last_sound(left) - int(0.35 * SAMPLE_RATE)
    gap = longest_silence(left, start, end)
    step = largest_step(left)
    print(f"busy caller: longest silence {gap} samples, largest step {step}")
    assert gap <= 2, "no gap while the caller was busy"  # a sine's own zero crossing
    assert step <= allowed_step(440.0), "no jump while the caller was busy"
