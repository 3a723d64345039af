"""The mixer on its own: every sample it renders, checked against what a person should hear.

No device and no thread: each test starts a programme and asks for blocks, as the player's
control thread does, so the arithmetic is exact and runs faster than real time. Tracks play at
their own level (UnityLevels) and the volume is 1.0, so a steady file's output is its envelope.
Files are 32-bit float WAV unless a test is about another format: every sample is known.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from mtcalm.audio.events import EndReason, PlayerEvent, TrackFailed, TrackStarted
from mtcalm.audio.mixer import (
    AMBIENCE_FADE_SECONDS,
    PAUSE_FADE_SECONDS,
    RESUME_AFTER_TIMER_SECONDS,
    SEEK_FADE_SECONDS,
    VOLUME_GLIDE_SECONDS,
    Marker,
    Mixer,
    frames,
)
from mtcalm.audio.voices import LOOP_JOIN_SECONDS, LoopVoice
from tests.audio.conftest import UnityLevels
from tests.audio.recording import (
    HIGH_HZ,
    LOW_HZ,
    MIDDLE_HZ,
    RATE,
    WHOLE_PERIODS,
    Audio,
    amplitude_at,
    decibels,
    largest_bend,
    largest_step,
    last_sound,
    longest_silence,
    position_of,
    sine,
    sine_bend,
    sine_step,
    window_levels,
    write_audio,
    write_counting,
    write_sine,
    write_steady,
    zero_crossing_hz,
)

LEVEL = 0.5  # the steady files' level and the tones' amplitude
BLOCK = 4096  # what the player asks for
LIMIT_SECONDS = 60.0  # a programme that never ends fails the test instead of hanging it


@dataclass
class Played:
    """What the mixer rendered, in order, with what it reported."""

    samples: Audio  # (frames, 2)
    events: list[tuple[int, PlayerEvent]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    endings: list[EndReason] = field(default_factory=list)  # ending fades begun
    finished: EndReason | None = None

    @property
    def left(self) -> Audio:
        return self.samples[:, 0]

    @property
    def right(self) -> Audio:
        return self.samples[:, 1]

    def started(self) -> list[tuple[int, int]]:
        """(frame, index) of each TrackStarted."""
        return [(at, event.index) for at, event in self.events if isinstance(event, TrackStarted)]


def render(mixer: Mixer, count: int | None = None, block: int = BLOCK) -> Played:
    """The next ``count`` frames (or the rest of the programme), ``block`` frames at a time.

    Stops early when the programme finishes or a pause has reached silence.
    """
    played = Played(np.zeros((0, 2)))
    pieces: list[Audio] = []
    done = 0
    while count is None or done < count:
        wanted = block if count is None else min(block, count - done)
        rendered = mixer.render(wanted)
        pieces.append(np.asarray(rendered.block, dtype=np.float64))
        played.events += rendered.events
        played.markers += rendered.markers
        if rendered.ending is not None:
            played.endings.append(rendered.ending)
        done += len(rendered.block)
        if rendered.finished is not None:
            played.finished = rendered.finished
            break
        if len(rendered.block) < wanted:
            break
        assert done < LIMIT_SECONDS * RATE, "the programme never ended"
    played.samples = np.concatenate(pieces) if pieces else played.samples
    return played


def falling(count: int) -> Audio:
    """The gain of a fade-out over ``count`` frames: the level falls in a line, cubed."""
    return (1.0 - np.arange(1, count + 1) / count) ** 3


def rising(count: int) -> Audio:
    return (np.arange(1, count + 1) / count) ** 3


@pytest.fixture
def mixer() -> Iterator[Mixer]:
    mixer = Mixer(UnityLevels(), volume=1.0, ambience_volume=1.0)
    yield mixer
    mixer.close()


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    return tmp_path / "audio"


def start(
    mixer: Mixer,
    tracks: list[Path],
    *,
    fade_in: float = 0.0,
    crossfade: float = 0.0,
    fade_out: float = 0.0,
    timer: float | None = None,
) -> None:
    mixer.start(tracks, fade_in=fade_in, crossfade=crossfade, fade_out=fade_out, timer=timer)


# -- fades ---------------------------------------------------------------------------------------


def test_a_fade_in_rises_from_silence_evenly_and_is_full_after_exactly_its_length(
    mixer: Mixer, audio: Path
) -> None:
    # (2 s: the fades take at most 40% of the programme, so a 0.5 s fade-in needs 1.25 s.)
    start(mixer, [write_steady(audio / "steady.wav", 2.0)], fade_in=0.5)
    gain = render(mixer).left / LEVEL
    length = frames(0.5)

    assert gain[0] < 1e-9, "it starts from silence"
    np.testing.assert_allclose(gain[:length], rising(length), rtol=1e-5, atol=1e-9)
    assert gain[length - 1] == pytest.approx(1.0), "full at exactly the fade-in's length"
    assert np.all(gain[length : frames(1.0)] == 1.0), "and full from then on"
    # Heard as an even rise: the level (the cube root of the gain) climbs the same each sample.
    climbs = np.diff(np.cbrt(gain[:length]))
    np.testing.assert_allclose(climbs, 1 / length, rtol=1e-2)


@pytest.mark.parametrize("crossfade", [0.0, 0.5])
def test_the_last_track_fades_out_to_end_exactly_at_its_last_sample(
    mixer: Mixer, audio: Path, crossfade: float
) -> None:
    first = write_steady(audio / "first.wav", 1.0, left=LEVEL, right=0.0)
    last = write_steady(audio / "last.wav", 2.0, left=0.0, right=LEVEL)
    start(mixer, [first, last], crossfade=crossfade, fade_out=0.5)
    played = render(mixer)
    gain = played.right / LEVEL
    length = frames(0.5)

    assert played.finished is EndReason.COMPLETED
    assert played.endings == [EndReason.COMPLETED]
    assert len(gain) == frames(3.0 - crossfade), "the programme ends with the last sample"
    np.testing.assert_allclose(gain[-length:], falling(length), rtol=1e-5, atol=1e-9)
    assert gain[-1] == 0.0 and gain[-2] > 0.0, "silent exactly at the last sample, not before"
    assert np.all(gain[frames(1.0) : -length] == 1.0), "full until the fade-out"


def test_ending_fades_from_full_level_to_silence_and_then_renders_nothing(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 4.0)], fade_out=0.5)
    render(mixer, frames(1.0))
    mixer.end(1.0)
    played = render(mixer)
    length = frames(1.0)

    assert played.finished is EndReason.ENDED
    assert len(played.left) == length, "it ends when its fade does"
    np.testing.assert_allclose(played.left / LEVEL, falling(length), rtol=1e-5, atol=1e-9)
    assert len(mixer.render(BLOCK).block) == 0, "nothing is heard after the end"


def test_ending_again_during_the_fade_goes_on_from_the_present_level(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 6.0)])
    render(mixer, frames(0.5))
    mixer.end(2.0)
    first = render(mixer, frames(1.0))
    mixer.end(2.0)  # pressed again halfway down
    rest = render(mixer)
    gain = np.concatenate([first.left, rest.left]) / LEVEL

    assert rest.finished is EndReason.ENDED
    assert np.all(np.diff(gain) <= 1e-7), "the level never rises on the way down"
    assert largest_step(gain) < 1e-3, "and never jumps"
    assert len(gain) <= frames(2.0), "pressing end again does not make the ending longer"


def test_ending_during_the_fade_in_never_gets_louder(mixer: Mixer, audio: Path) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 10.0)], fade_in=3.0)  # the player's default
    before = render(mixer, frames(0.5)).left / LEVEL
    mixer.end(4.0)  # the player's default
    after = render(mixer).left / LEVEL

    rise = decibels(float(after.max() / before[-1]))
    print(f"end() half a second into a 3 s fade-in: the level then rises {rise:.1f} dB")
    assert float(np.max(np.diff(np.concatenate([before[-1:], after])))) <= 1e-7, (
        f"after end() the level rose {rise:.1f} dB"
    )


# -- crossfades and joins --------------------------------------------------------------------------


def test_a_crossfade_draws_sine_and_cosine_curves_over_exactly_its_length(
    mixer: Mixer, audio: Path
) -> None:
    # Each track on a channel of its own, so each curve can be read separately.
    first = write_steady(audio / "first.wav", 3.0, left=LEVEL, right=0.0)
    second = write_steady(audio / "second.wav", 3.0, left=0.0, right=LEVEL)
    start(mixer, [first, second], crossfade=1.0)
    played = render(mixer)
    begins, length = frames(2.0), frames(1.0)
    share = np.arange(1, length + 1) / length
    outgoing, incoming = played.left / LEVEL, played.right / LEVEL

    assert played.started() == [(0, 0), (begins, 1)], "the second is heard from the overlap"
    assert np.all(outgoing[:begins] == 1.0) and np.all(incoming[:begins] == 0.0)
    crossing = slice(begins, begins + length)
    np.testing.assert_allclose(outgoing[crossing], np.cos(share * math.pi / 2), atol=1e-6)
    np.testing.assert_allclose(incoming[crossing], np.sin(share * math.pi / 2), atol=1e-6)
    power = outgoing[crossing] ** 2 + incoming[crossing] ** 2
    np.testing.assert_allclose(power, 1.0, atol=1e-5, err_msg="equal power all through")
    assert outgoing[begins + length - 2] > 1e-6, "the first track is heard to its last sample"
    assert np.all(abs(outgoing[begins + length - 1 :]) < 1e-9), "which is where the overlap ends"
    assert np.all(incoming[begins + length : frames(5.0)] == 1.0)


def test_two_tones_are_both_heard_through_a_crossfade_at_an_even_loudness(
    mixer: Mixer, audio: Path
) -> None:
    first = write_sine(audio / "low.wav", 2.0, LOW_HZ)
    second = write_sine(audio / "middle.wav", 2.0, MIDDLE_HZ)
    start(mixer, [first, second], crossfade=1.0)
    heard = render(mixer).left
    begins, length = frames(1.0), frames(1.0)

    # Windows of whole periods of both tones: each tone's amplitude is read without the other.
    rows = []
    for at in range(begins - 2 * WHOLE_PERIODS, begins + length + 2 * WHOLE_PERIODS, WHOLE_PERIODS):
        window = heard[at : at + WHOLE_PERIODS]
        low, middle = amplitude_at(window, LOW_HZ) / LEVEL, amplitude_at(window, MIDDLE_HZ) / LEVEL
        rows.append((at, low, middle))
    inside = [(low, middle) for at, low, middle in rows if begins <= at <= begins + length - 700]
    before = [(low, middle) for at, low, middle in rows if at + WHOLE_PERIODS <= begins]
    after = [(low, middle) for at, low, middle in rows if at >= begins + length]
    middle_row = inside[len(inside) // 2]
    print(
        f"crossfade of 1 s: {len(inside)} windows of 15.9 ms hold both tones; midway "
        f"{middle_row[0]:.3f} and {middle_row[1]:.3f} of full"
    )

    assert all(low == pytest.approx(1, abs=1e-4) and middle < 1e-4 for low, middle in before)
    assert all(low > 1e-3 and middle > 1e-3 for low, middle in inside), "both tones heard"
    assert all(middle == pytest.approx(1, abs=1e-4) and low < 1e-4 for low, middle in after)
    assert len(inside) == length // WHOLE_PERIODS, "for the whole second of the crossfade"
    for low, middle in inside:
        assert low**2 + middle**2 == pytest.approx(1.0, abs=2e-3), "the loudness holds steady"
    assert middle_row == pytest.approx((math.sqrt(0.5), math.sqrt(0.5)), abs=0.02)
    allowed = math.sqrt(2) * sine_bend(MIDDLE_HZ, LEVEL)
    assert largest_bend(heard) <= allowed * 1.01, "no click anywhere"


def test_a_crossfade_longer_than_half_a_short_track_is_shortened_to_half_of_it(
    mixer: Mixer, audio: Path
) -> None:
    short = write_steady(audio / "short.wav", 1.0, left=LEVEL, right=0.0)
    longer = write_steady(audio / "longer.wav", 3.0, left=0.0, right=LEVEL)
    start(mixer, [short, longer], crossfade=4.0)
    played = render(mixer)
    half = frames(0.5)

    assert played.started() == [(0, 0), (half, 1)]
    assert np.all(played.left[:half] == LEVEL), "the short track is heard alone for its first half"
    assert int(np.flatnonzero(played.right)[0]) == half
    heard = np.flatnonzero(abs(played.left) > 1e-9)
    assert int(heard[-1]) == frames(1.0) - 2, "and faded out over its second half"
    np.testing.assert_allclose(
        played.right[half : 2 * half] / LEVEL,
        np.sin(np.arange(1, half + 1) / half * math.pi / 2),
        atol=1e-6,
    )


def test_a_short_track_between_long_ones_is_heard_at_its_full_level(
    mixer: Mixer, audio: Path
) -> None:
    before = write_steady(audio / "before.wav", 6.0, left=LEVEL, right=0.0)
    short = write_steady(audio / "short.wav", 1.0, left=0.0, right=LEVEL)
    after = write_steady(audio / "after.wav", 6.0, left=LEVEL, right=0.0)
    start(mixer, [before, short, after], crossfade=4.0)
    played = render(mixer)

    loudest = played.right.max() / LEVEL
    print(f"a 1 s track between 6 s ones, crossfade 4 s: heard at most at {loudest:.2f} of full")
    assert loudest >= 0.99


def test_crossfade_zero_joins_the_files_sample_to_sample(mixer: Mixer, audio: Path) -> None:
    tones = [sine(1.0, hz, LEVEL) for hz in (LOW_HZ, MIDDLE_HZ, HIGH_HZ)]
    paths = [write_audio(audio / f"tone-{index}.wav", tone) for index, tone in enumerate(tones)]
    start(mixer, paths, crossfade=0.0)
    played = render(mixer)
    joined = np.concatenate(tones).astype(np.float32)

    assert played.started() == [(0, 0), (frames(1.0), 1), (frames(2.0), 2)]
    np.testing.assert_array_equal(
        played.left[: len(joined)], joined, err_msg="every sample, in order: no gap, no overlap"
    )
    assert np.array_equal(played.left, played.right)
    assert last_sound(played.left) == len(joined) - 1, "nothing is added after the last sample"
    for join in (frames(1.0), frames(2.0)):
        around = played.left[join - 50 : join + 50]
        assert largest_step(around) <= sine_step(HIGH_HZ, LEVEL) * 1.001, "no jump at the join"


def test_the_sound_does_not_depend_on_the_size_of_the_blocks_asked_for(
    audio: Path,
) -> None:
    paths = [
        write_sine(audio / "low.wav", 1.0, LOW_HZ),
        write_steady(audio / "steady.wav", 0.8),
        write_sine(audio / "high.wav", 1.2, HIGH_HZ),
    ]
    results = []
    for block in (BLOCK, 1000, 333):
        mixer = Mixer(UnityLevels(), volume=1.0, ambience_volume=1.0)
        start(mixer, paths, fade_in=0.3, crossfade=0.25, fade_out=0.4)
        results.append(render(mixer, block=block))
        mixer.close()
    first = results[0]
    for other in results[1:]:
        assert other.started() == first.started()
        assert other.finished is first.finished is EndReason.COMPLETED
        np.testing.assert_allclose(other.samples, first.samples, atol=1e-6)


def test_track_started_events_carry_the_frame_where_each_track_is_first_heard(
    mixer: Mixer, audio: Path, tmp_path: Path
) -> None:
    paths = [
        write_steady(audio / "a.wav", 1.0),
        tmp_path / "missing.wav",
        write_steady(audio / "b.wav", 1.5),
        write_steady(audio / "c.wav", 0.8),
    ]
    start(mixer, paths, crossfade=0.25)
    played = render(mixer)
    overlap = frames(0.25)
    second = frames(1.0) - overlap
    third = second + frames(1.5) - overlap

    assert played.started() == [(0, 0), (second, 2), (third, 3)]
    assert [event.index for _, event in played.events if isinstance(event, TrackFailed)] == [1]
    assert np.all(played.left[: third + frames(0.8)] > 0), "no gap where the missing one was"
    assert last_sound(played.left) == third + frames(0.8) - 1


# -- pause, resume and seek ---------------------------------------------------------------------


def test_pausing_fades_to_silence_in_0_4_s_and_then_renders_nothing(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 3.0)])
    render(mixer, frames(0.5))
    mixer.pause()
    fading = render(mixer)  # stops by itself where the pause reaches silence
    length = frames(PAUSE_FADE_SECONDS)

    assert len(fading.left) == length, "silent after exactly 0.4 s"
    np.testing.assert_allclose(fading.left / LEVEL, falling(length), rtol=1e-5, atol=1e-9)
    assert mixer.paused_silent
    for _ in range(3):
        idle = mixer.render(BLOCK)
        assert len(idle.block) == 0, "nothing to send while paused"
        assert not idle.events and not idle.markers and idle.finished is None


def test_resuming_goes_on_from_the_very_sample_where_the_pause_fell_silent(
    mixer: Mixer, audio: Path
) -> None:
    track = write_counting(audio / "counting.wav", 3.0)
    start(mixer, [track])
    render(mixer, frames(0.5))
    mixer.pause()
    render(mixer)
    mixer.render(BLOCK)  # paused: nothing
    paused_at = frames(0.5) + frames(PAUSE_FADE_SECONDS)
    mixer.resume()
    played = render(mixer, frames(1.0))
    length = frames(PAUSE_FADE_SECONDS)
    expected = (paused_at + np.arange(len(played.left))) / 2**18

    assert played.markers[0] == Marker(paused_at, 0, paused_at, frames(3.0))
    np.testing.assert_allclose(played.left[:length] / expected[:length], rising(length), rtol=1e-4)
    assert [position_of(value) for value in played.left[length : length + 5]] == list(
        range(paused_at + length, paused_at + length + 5)
    ), "no sample skipped or repeated"
    np.testing.assert_array_equal(played.left[length:], expected[length:].astype(np.float32))


def test_a_seek_crossfades_for_30_ms_from_the_old_place_to_the_new_one_without_a_click(
    mixer: Mixer, audio: Path
) -> None:
    tone = sine(3.0, LOW_HZ, LEVEL)
    start(mixer, [write_audio(audio / "tone.wav", tone)])
    before = render(mixer, frames(1.0)).left
    target = frames(2.0) + 25  # a quarter period on: the phases do not line up
    mixer.seek(target / RATE)
    played = render(mixer, frames(0.5))
    length = frames(SEEK_FADE_SECONDS)
    share = np.arange(1, length + 1) / length
    old = tone[frames(1.0) : frames(1.0) + length].astype(np.float32)
    new = tone[target:].astype(np.float32)
    expected = old * np.cos(share * math.pi / 2) + new[:length] * np.sin(share * math.pi / 2)

    assert played.markers[0] == Marker(frames(1.0), 0, target, frames(3.0)), "the new place"
    np.testing.assert_allclose(played.left[:length], expected, atol=1e-6)
    np.testing.assert_array_equal(played.left[length:], new[length : len(played.left)])
    heard = np.concatenate([before[-100:], played.left[: length + 100]])
    # The sine's own slope, and what the 30 ms curve adds to it at most.
    allowed = sine_step(LOW_HZ, LEVEL) + LEVEL * math.pi / 2 / length
    assert largest_step(heard) <= allowed, "no click"


def test_a_seek_while_paused_resumes_from_the_new_place(mixer: Mixer, audio: Path) -> None:
    start(mixer, [write_counting(audio / "counting.wav", 3.0)])
    render(mixer, frames(0.5))
    mixer.pause()
    render(mixer)
    mixer.seek(2.0)
    assert len(mixer.render(BLOCK).block) == 0, "seeking does not end the pause"
    mixer.resume()
    played = render(mixer, frames(0.5))
    settled = frames(PAUSE_FADE_SECONDS)

    assert played.markers[0].position == frames(2.0)
    assert position_of(played.left[settled]) == frames(2.0) + settled


# -- volume ---------------------------------------------------------------------------------------


def test_changing_the_volume_glides_along_the_volume_curve_without_a_step(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 3.0)])
    render(mixer, frames(0.5))
    mixer.set_volume(0.2)
    down = render(mixer, frames(0.1)).left / LEVEL
    rest = render(mixer, frames(0.5)).left / LEVEL
    glide = round(0.8 * frames(VOLUME_GLIDE_SECONDS))
    level = 1.0 - 0.8 * np.arange(1, glide + 1) / glide
    gain = np.concatenate([down, rest])

    np.testing.assert_allclose(gain[:glide], level**3, rtol=1e-5)
    np.testing.assert_allclose(gain[glide:], 0.2**3, rtol=1e-5)
    steepest = 3 * 0.8 / glide  # the cube's slope at full level
    assert largest_step(np.concatenate([[1.0], gain])) <= steepest * 1.01, "no step"

    mixer.set_volume(1.0)  # back up, from wherever it is
    up = render(mixer, frames(0.5)).left / LEVEL
    steepest = 3 / frames(VOLUME_GLIDE_SECONDS)
    assert largest_step(np.concatenate([gain[-1:], up])) <= steepest * 1.01
    assert up[-1] == pytest.approx(1.0)


def test_changing_the_volume_halfway_through_a_glide_turns_back_without_a_step(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 3.0)])
    render(mixer, frames(0.2))
    mixer.set_volume(0.0)
    down = render(mixer, frames(0.15)).left / LEVEL
    mixer.set_volume(0.8)
    back = render(mixer, frames(0.5)).left / LEVEL
    gain = np.concatenate([[1.0], down, back])

    assert largest_step(gain) <= 3 / frames(VOLUME_GLIDE_SECONDS) * 1.01
    assert gain[-1] == pytest.approx(0.8**3)


# -- the timer ------------------------------------------------------------------------------------


def test_the_timer_ends_the_session_exactly_on_time_with_the_fade_out_before_it(
    mixer: Mixer, audio: Path
) -> None:
    # A programme shorter than the timer plays round again.
    start(mixer, [write_steady(audio / "steady.wav", 1.0)], fade_out=0.5, timer=2.5)
    played = render(mixer)
    gain = played.left / LEVEL
    length = frames(0.5)

    assert played.finished is EndReason.TIMER
    assert played.endings == [EndReason.TIMER]
    assert len(gain) == frames(2.5), "the last sample is at the timer's end"
    assert played.started() == [(0, 0), (frames(1.0), 0), (frames(2.0), 0)]
    assert np.all(gain[:-length] == 1.0), "full until the fade-out, even where it went round"
    np.testing.assert_allclose(gain[-length:], falling(length), rtol=1e-5, atol=1e-9)
    assert gain[-1] == 0.0


@pytest.mark.parametrize("change, ends", [(+1.0, 3.5), (-1.0, 1.5)])
def test_changing_the_timer_moves_the_end_and_its_fade_out(
    mixer: Mixer, audio: Path, change: float, ends: float
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 1.0)], fade_out=0.5, timer=2.5)
    first = render(mixer, frames(0.5))
    mixer.change_timer(change)
    assert mixer.timer_left() == frames(2.0 + change)
    rest = render(mixer)
    gain = np.concatenate([first.left, rest.left]) / LEVEL
    length = frames(0.5)

    assert rest.finished is EndReason.TIMER
    assert len(gain) == frames(ends)
    assert np.all(gain[:-length] == 1.0)
    np.testing.assert_allclose(gain[-length:], falling(length), rtol=1e-5, atol=1e-9)


def test_lengthening_the_timer_during_its_fade_brings_the_music_back_up(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 1.0)], fade_out=1.0, timer=2.5)
    first = render(mixer, frames(2.0))  # halfway down the fade
    mixer.change_timer(+2.0)
    rest = render(mixer)
    gain = np.concatenate([first.left, rest.left]) / LEVEL
    turned = frames(2.0)
    back_up = turned + frames(RESUME_AFTER_TIMER_SECONDS)
    length = frames(1.0)

    assert rest.finished is EndReason.TIMER
    assert len(gain) == frames(4.5), "it ends at the lengthened timer"
    assert gain[turned - 1] == pytest.approx(0.5**3, rel=1e-4), "it was halfway down"
    assert np.all(np.diff(gain[turned - 1 : back_up]) >= 0), "then rises"
    assert largest_step(gain[turned - 100 : back_up]) < 1e-4, "without a step"
    assert np.all(gain[back_up:-length] == 1.0), "to full level"
    np.testing.assert_allclose(gain[-length:], falling(length), rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("change", [+1.0, -1.0])
def test_a_timer_changed_during_its_fade_out_ends_when_the_timer_says(
    mixer: Mixer, audio: Path, change: float
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 1.0)], fade_out=4.0, timer=10.0)
    render(mixer, frames(8.0))  # two seconds left, halfway down the fade
    mixer.change_timer(change)
    said = mixer.timer_left()
    assert said is not None
    rest = render(mixer)

    print(
        f"timer changed by {change:+.0f} s: says {said / RATE:.1f} s left, ends after "
        f"{len(rest.left) / RATE:.1f} s"
    )
    assert rest.finished is EndReason.TIMER
    assert len(rest.left) == said


def test_shortening_the_timer_past_the_present_still_fades_rather_than_cuts(
    mixer: Mixer, audio: Path
) -> None:
    start(mixer, [write_steady(audio / "steady.wav", 1.0)], fade_out=0.5, timer=600.0)
    before = render(mixer, frames(1.0)).left
    mixer.change_timer(-900.0)
    rest = render(mixer)
    gain = np.concatenate([before, rest.left]) / LEVEL

    assert rest.finished is EndReason.TIMER
    step = largest_step(gain)
    print(f"timer shortened past the present: largest step {step:.2f} of full level")
    assert step <= 1 / 32, "no cut: at most 1/32 of the level between two samples"


# -- ambience -------------------------------------------------------------------------------------


def test_an_ambience_file_not_made_to_loop_joins_its_end_to_its_start_without_a_gap_or_click(
    audio: Path,
) -> None:
    hz, seconds = 203.0, 0.7  # 142.1 periods: its end does not meet its start
    file = sine(seconds, hz, LEVEL)
    loop = LoopVoice(write_audio(audio / "hum.wav", file))
    sizes = list(itertools.islice(itertools.cycle([1000, BLOCK, 333, 1]), 60))
    heard = np.concatenate([loop.read(size) for size in sizes])
    loop.close()
    left = heard[:, 0].astype(np.float64)
    join = min(frames(LOOP_JOIN_SECONDS), len(file) // 4)
    period = len(file) - join  # each pass after the first begins where the overlaid head ended
    plain_jump = abs(file[-1] - file[0])
    step, bend = largest_step(left), largest_bend(left)
    print(
        f"loop of a {seconds} s {hz:.0f} Hz tone: {len(left) / period:.1f} passes; largest step "
        f"{step / sine_step(hz, LEVEL):.2f}, bend {bend / sine_bend(hz, LEVEL):.2f} times the "
        f"sine's own; played plainly end to start it would jump "
        f"{plain_jump / sine_step(hz, LEVEL):.0f} times"
    )

    assert plain_jump > 10 * sine_step(hz, LEVEL), "the file itself would click if looped plainly"
    assert len(left) == sum(sizes), "every frame asked for"
    assert np.array_equal(heard[:, 0], heard[:, 1])
    assert longest_silence(left, quiet=1e-3) <= RATE // 1000, "no gap"
    # An equal-power join of a tone with itself may add up to 3 dB where the phases agree.
    assert step <= math.sqrt(2) * sine_step(hz, LEVEL) * 1.01, "no jump"
    assert bend <= math.sqrt(2) * sine_bend(hz, LEVEL) * 1.05, "no click"
    np.testing.assert_array_equal(left[: period - 1], file[: period - 1].astype(np.float32))
    np.testing.assert_allclose(left[2 * period :], left[period:-period], atol=1e-6)


def test_a_noise_ambience_keeps_an_even_loudness_across_its_joins(audio: Path) -> None:
    noise = np.random.default_rng(7).standard_normal((frames(0.7), 2)) * 0.1
    loop = LoopVoice(write_audio(audio / "rain.wav", noise))
    heard = np.concatenate([loop.read(BLOCK) for _ in range(40)]).astype(np.float64)
    loop.close()
    window = frames(0.05)
    levels = window_levels(heard[:, 0], window) / 0.1
    spread = [decibels(float(levels.min())), decibels(float(levels.max()))]
    print(f"noise loop, 50 ms windows: {spread[0]:+.2f} to {spread[1]:+.2f} dB of the file's level")

    assert spread[0] > -1.0 and spread[1] < 1.0


def test_the_ambience_fades_in_under_the_music_at_its_own_volume(
    audio: Path, tmp_path: Path
) -> None:
    music = write_steady(audio / "music.wav", 5.0, left=LEVEL, right=0.0)
    hum = write_audio(audio / "hum.wav", np.stack([np.zeros(frames(0.7)), sine(0.7, 203.0)], 1))
    mixer = Mixer(UnityLevels(), volume=1.0, ambience_volume=0.5)
    start(mixer, [music], fade_out=0.5)
    assert mixer.set_ambience(hum) is None
    played = render(mixer, frames(3.5))
    reference = LoopVoice(hum)
    alone = reference.read(frames(3.5))[:, 1].astype(np.float64)
    length = frames(AMBIENCE_FADE_SECONDS)
    expected = alone * 0.5**3
    expected[:length] *= rising(length)

    assert ambience_of(mixer) == hum
    np.testing.assert_allclose(played.right, expected, atol=1e-6)
    assert np.all(played.left == LEVEL), "the music is not touched by the ambience's volume"

    mixer.set_ambience_volume(1.0)
    louder = render(mixer, frames(0.5))
    alone = reference.read(frames(0.5))[:, 1].astype(np.float64)
    gain = louder.right / np.where(np.abs(alone) > 0.05, alone, np.nan)
    glide = round(0.5 * frames(VOLUME_GLIDE_SECONDS))
    known = ~np.isnan(gain)
    level = (0.5 + 0.5 * np.arange(1, glide + 1) / glide) ** 3
    np.testing.assert_allclose(gain[:glide][known[:glide]], level[known[:glide]], rtol=1e-4)
    np.testing.assert_allclose(gain[glide:][known[glide:]], 1.0, rtol=1e-4)

    mixer.set_ambience(None)
    render(mixer, frames(AMBIENCE_FADE_SECONDS))
    assert ambience_of(mixer) is None
    quiet = render(mixer, frames(0.3))
    assert np.all(quiet.right == 0.0), "faded out and gone"
    reference.close()
    mixer.close()


def ambience_of(mixer: Mixer) -> Path | None:
    return mixer.ambience_path


# -- formats --------------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [22050, 48000, 96000])
def test_a_file_at_another_sample_rate_plays_at_its_pitch_and_length(
    mixer: Mixer, audio: Path, rate: int
) -> None:
    path = write_sine(audio / f"at-{rate}.wav", 1.0, 1000.0, LEVEL, rate=rate, subtype="PCM_16")
    start(mixer, [path], fade_out=0.05)
    played = render(mixer)
    steady = played.left[frames(0.1) : frames(0.9)]
    pitch = zero_crossing_hz(steady)
    level = amplitude_at(steady, 1000.0) / LEVEL
    print(f"{rate} Hz file: {len(played.left)} frames, {pitch:.2f} Hz, level {level:.4f}")

    assert len(played.left) == frames(1.0), "it lasts its second"
    assert pitch == pytest.approx(1000.0, abs=1.0)
    assert level == pytest.approx(1.0, abs=0.01)
    assert np.array_equal(played.left, played.right)


def test_a_mono_file_plays_on_both_channels(mixer: Mixer, audio: Path) -> None:
    tone = sine(0.5, LOW_HZ, LEVEL)
    start(mixer, [write_audio(audio / "mono.wav", tone, stereo=False)])
    played = render(mixer)

    np.testing.assert_array_equal(played.left[: len(tone)], tone.astype(np.float32))
    np.testing.assert_array_equal(played.right[: len(tone)], tone.astype(np.float32))
