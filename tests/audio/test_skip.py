"""``Player.skip()``: the track heard fades out over about 1.5 s, then the next one plays.

Skipping the last track ends the programme as ``end()`` does (EndReason.ENDED: the person
ended it). The mixer's arithmetic is checked sample by sample, the contract on both backends,
and what is heard through SDL's disk driver in real time.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from mtcalm.audio.events import EndReason, PlaybackEnded, PlayerEvent, PlayerState, TrackStarted
from mtcalm.audio.mixer import Mixer, frames
from mtcalm.audio.player import SKIP_FADE_SECONDS, Player
from mtcalm.audio.voices import equal_power
from tests.audio.conftest import UnityLevels
from tests.audio.recording import (
    FULL_SCALE,
    LOW_HZ,
    MIDDLE_HZ,
    RATE,
    Recorder,
    amplitude_at,
    first_sound,
    largest_step,
    last_sound,
    longest_silence,
    sine_step,
    write_sine,
    write_steady,
)

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, Listener, PlayerMaker

LEVEL = 0.5


@pytest.fixture
def mixer() -> Iterator[Mixer]:
    mixer = Mixer(UnityLevels(), volume=1.0, ambience_volume=1.0)
    yield mixer
    mixer.close()


def render(mixer: Mixer, count: int) -> tuple[np.ndarray, list[tuple[int, PlayerEvent]]]:
    blocks, events = [], []
    done = 0
    while done < count and mixer.active:
        rendered = mixer.render(min(4096, count - done))
        blocks.append(rendered.block)
        events.extend(rendered.events)
        done += len(rendered.block)
    return np.concatenate(blocks), events


# -- the mixer's arithmetic ---------------------------------------------------------------------


def test_a_skip_fades_the_track_out_over_its_length_and_the_next_follows_at_once(
    mixer: Mixer, tmp_path: Path
) -> None:
    first = write_steady(tmp_path / "first.wav", 5.0, left=LEVEL, right=0.0)
    second = write_steady(tmp_path / "second.wav", 5.0, left=0.0, right=LEVEL)
    mixer.start([first, second], fade_in=0.0, crossfade=0.0, fade_out=0.0, timer=None)
    render(mixer, frames(1.0))

    assert mixer.skip(SKIP_FADE_SECONDS) is True
    heard, events = render(mixer, frames(2.0))
    fade = frames(SKIP_FADE_SECONDS)
    shape = equal_power(np.linspace(1.0, 0.0, fade + 1, dtype=np.float32)[1:])

    np.testing.assert_allclose(heard[:fade, 0] / LEVEL, shape, atol=1e-5)
    assert np.all(heard[fade:, 0] == 0.0), "the skipped track is not heard again"
    assert np.all(heard[:fade, 1] == 0.0), "the next waits for the fade"
    assert np.all(heard[fade:, 1] == LEVEL), "then plays from its start at its level"
    assert events == [(frames(1.0) + fade, TrackStarted(1, second))]


def test_a_skip_near_the_end_of_a_track_fades_over_what_is_left(
    mixer: Mixer, tmp_path: Path
) -> None:
    first = write_steady(tmp_path / "first.wav", 1.2, left=LEVEL, right=0.0)
    second = write_steady(tmp_path / "second.wav", 2.0, left=0.0, right=LEVEL)
    mixer.start([first, second], fade_in=0.0, crossfade=0.0, fade_out=0.0, timer=None)
    render(mixer, frames(1.0))
    mixer.skip(SKIP_FADE_SECONDS)
    heard, events = render(mixer, frames(0.5))

    left = frames(0.2)
    assert heard[left - 1, 0] < 0.01 and np.all(heard[left:, 0] == 0.0)
    assert events == [(frames(1.2), TrackStarted(1, second))], "no later than its own end"


def test_skipping_the_last_track_is_refused_by_the_mixer(mixer: Mixer, tmp_path: Path) -> None:
    only = write_steady(tmp_path / "only.wav", 3.0)
    mixer.start([only], fade_in=0.0, crossfade=0.0, fade_out=0.0, timer=None)
    render(mixer, frames(0.5))
    assert mixer.skip(SKIP_FADE_SECONDS) is False, "the player ends the programme instead"


# -- the contract, on both backends -------------------------------------------------------------


def tones(folder: Path, *seconds: float) -> list[Path]:
    return [
        write_sine(folder / f"tone-{index}.wav", length, 330.0 + 110 * index)
        for index, length in enumerate(seconds)
    ]


def test_skip_goes_on_to_the_next_track_and_ends_after_the_last(
    player: Player, listener: Listener, tmp_path: Path
) -> None:
    programme = tones(tmp_path, 20.0, 20.0)
    player.play(programme, fade_in=0.1, fade_out=0.3)
    listener.wait_for_event(TrackStarted(0, programme[0]))
    listener.wait_for_state(PlayerState.PLAYING)

    player.skip()
    listener.wait_for_event(TrackStarted(1, programme[1]))
    assert player.status().index == 1
    player.skip()  # the last: the programme ends as if the person ended it
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    assert listener.states()[-2:] == [PlayerState.FADING, PlayerState.STOPPED]


def test_skip_while_paused_waits_for_resume_with_the_next_track(
    player: Player, listener: Listener, tmp_path: Path
) -> None:
    programme = tones(tmp_path, 20.0, 20.0)
    player.play(programme, fade_in=0.1, fade_out=0.3)
    listener.wait_for_state(PlayerState.PLAYING)
    player.pause()
    listener.wait_for_state(PlayerState.PAUSED)
    player.skip()
    listener.wait_until_still()
    assert TrackStarted(1, programme[1]) not in listener.collect(), "nothing is heard yet"

    player.resume()
    listener.wait_for_event(TrackStarted(1, programme[1]))
    player.end(0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)


# -- what is heard ------------------------------------------------------------------------------


@pytest.fixture
def recorder(sdl_audio: pytest.MonkeyPatch, tmp_path: Path, players: PlayerMaker) -> Recorder:
    file = tmp_path / "out.raw"
    sdl_audio.setenv("SDL_AUDIODRIVER", "disk")
    sdl_audio.setenv("SDL_DISKAUDIOFILE", str(file))
    sdl_audio.delenv("SDL_DISKAUDIODELAY", raising=False)  # real time
    return Recorder(file, players)


def test_a_skip_is_heard_as_a_smooth_fade_then_the_next_tone(
    recorder: Recorder, listen: Listen, tmp_path: Path
) -> None:
    first = write_sine(tmp_path / "first.wav", 6.0, LOW_HZ, LEVEL)
    second = write_sine(tmp_path / "second.wav", 6.0, MIDDLE_HZ, LEVEL)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([first, second], fade_in=0.2, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 1.0, "a second of the first tone")
    player.skip()
    listener.wait_for_event(TrackStarted(1, second))
    listener.wait_until(lambda: player.status().position >= 1.0, "a second of the next tone")
    player.end(0.3)
    listener.wait_for_end()
    left = recorder.left() / FULL_SCALE

    # Where the first tone stops being whole: the skip's fade begins there.
    window = 700  # whole periods of both tones
    start = first_sound(left) + int(0.5 * RATE)
    pieces = range(start, last_sound(left) - window, window)
    low = np.array([amplitude_at(left[at : at + window], LOW_HZ) for at in pieces])
    high = np.array([amplitude_at(left[at : at + window], MIDDLE_HZ) for at in pieces])
    fade_start = np.flatnonzero(low < 0.99 * LEVEL)[0]
    fade_end = fade_start + np.flatnonzero(low[fade_start:] < 0.01)[0]  # silent from here
    fade_seconds = (fade_end - fade_start) * window / RATE
    next_start = np.flatnonzero(high > 0.99 * LEVEL)[0]
    gap = longest_silence(left[start + fade_start * window : start + next_start * window])
    step = largest_step(left)
    print(
        f"skip: the first tone faded over {fade_seconds:.2f} s, the next at full level "
        f"{(next_start - fade_end) * window / RATE:.3f} s later; silence {gap} samples, "
        f"largest step {step:.4f} (the tones' own {sine_step(MIDDLE_HZ, LEVEL):.4f})"
    )
    # The fade's shape is equal-power (a quarter sine): from 99% to 1% is 90% of its length.
    between = (math.asin(0.99) - math.asin(0.01)) / (math.pi / 2)
    assert fade_seconds == pytest.approx(SKIP_FADE_SECONDS * between, abs=0.05), "1.5 s long"
    assert np.all(np.diff(low[fade_start:fade_end]) <= 1e-3), "falling all the way"
    assert np.all(high[: fade_end - 1] < 0.01), "the next tone waits for the fade"
    assert next_start - fade_end <= 2, "and follows it at once"
    assert gap < 0.01 * RATE, "no gap between them"
    assert step <= sine_step(MIDDLE_HZ, LEVEL) * 1.05, "no click anywhere"
