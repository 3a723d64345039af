"""What a person hears from the engine, recorded through SDL's disk driver in real time.

pygame opens on SDL's ``disk`` driver, which writes the real mixed output (44100 Hz, 16-bit,
stereo) to a file; the tests read it back and measure crossfades, joins, loops, levels, seeks
and the timer's fade. Tones have a whole number of periods where files meet, so any jump at a
join is the engine's. Waits end when the awaited event arrives; the measured figures are
printed (``pytest -s``).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
from mutagen.oggvorbis import OggVorbis

from mtcalm.audio.events import EndReason, PlaybackEnded, PlayerState
from mtcalm.audio.levels import LevelAnalyser
from tests.audio.recording import (
    FULL_SCALE,
    HIGH_HZ,
    LOW_HZ,
    MIDDLE_HZ,
    RATE,
    WHOLE_PERIODS,
    Audio,
    Recorder,
    amplitude_at,
    decibels,
    describe,
    first_sound,
    largest_step,
    last_sound,
    longest_silence,
    rms,
    sine,
    sine_step,
    window_levels,
    write_audio,
    write_sine,
    zero_crossing_hz,
)

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, PlayerMaker

AMPLITUDE = 0.5
FULL = AMPLITUDE * FULL_SCALE  # a tone's amplitude in the recording, at its own level
MILLISECOND = RATE // 1000
ROUNDING = 2  # 16-bit rounding on either side of a step


@pytest.fixture
def recorder(sdl_audio: pytest.MonkeyPatch, tmp_path: Path, players: PlayerMaker) -> Recorder:
    file = tmp_path / "out.raw"
    sdl_audio.setenv("SDL_AUDIODRIVER", "disk")
    sdl_audio.setenv("SDL_DISKAUDIOFILE", str(file))
    sdl_audio.delenv("SDL_DISKAUDIODELAY", raising=False)
    return Recorder(file, players)


@pytest.fixture
def audio(tmp_path: Path) -> Path:
    return tmp_path / "audio"


def seconds(value: float) -> int:
    return round(value * RATE)


def sixteen_bit(samples: Audio) -> Audio:
    """``samples`` as the pygame output writes them (float32 scaled and rounded)."""
    scaled = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * FULL_SCALE
    return np.rint(scaled).astype(np.float64)


def find(recording: Audio, piece: Audio, near: int, reach: int = seconds(0.2)) -> int:
    """Where ``piece`` occurs in the recording, searching ``reach`` either side of ``near``."""
    for at in range(max(0, near - reach), near + reach):
        if np.array_equal(recording[at : at + len(piece)], piece):
            return at
    pytest.fail(f"the expected samples were not heard near {near / RATE:.3f} s")


# -- crossfades and joins --------------------------------------------------------------------------


def test_a_crossfade_is_heard_as_both_tones_together_at_an_even_loudness(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    low = write_sine(audio / "low.wav", 2.0, LOW_HZ, AMPLITUDE)
    middle = write_sine(audio / "middle.wav", 2.0, MIDDLE_HZ, AMPLITUDE)
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([low, middle], fade_in=0.2, crossfade=1.0, fade_out=0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    # Windows of whole periods of both tones: each tone's amplitude is read without the other.
    starts = range(start, end - WHOLE_PERIODS, WHOLE_PERIODS)
    shares = np.array(
        [
            [amplitude_at(left[at : at + WHOLE_PERIODS], hz) / FULL for hz in (LOW_HZ, MIDDLE_HZ)]
            for at in starts
        ]
    )
    # Past the fade-in and before the fade-out, where the level is steady within a window.
    steady = slice(seconds(0.3) // WHOLE_PERIODS, len(shares) - seconds(0.3) // WHOLE_PERIODS)
    both = np.flatnonzero((shares[steady, 0] > 0.01) & (shares[steady, 1] > 0.01))
    both += steady.start
    overlap = len(both) * WHOLE_PERIODS / RATE
    began = (both[0] * WHOLE_PERIODS) / RATE
    power = shares[steady, 0] ** 2 + shares[steady, 1] ** 2
    halfway = shares[both[len(both) // 2]]
    print(
        f"crossfade of 1 s: both tones above -40 dB for {overlap:.3f} s, from {began:.3f} s "
        f"after the first sound; halfway {halfway[0]:.3f} and {halfway[1]:.3f} of full; "
        f"loudness through it {decibels(math.sqrt(power.min())):+.2f} to "
        f"{decibels(math.sqrt(power.max())):+.2f} dB"
    )

    assert np.all(np.diff(both) == 1), "one overlap, not several"
    # Equal-power curves keep both above -40 dB for all but 1.3% of the crossfade.
    assert 0.95 <= overlap <= 1.02, "the two tracks overlap for the crossfade's length"
    assert began == pytest.approx(1.0, abs=0.03), "the second comes in a second from the end"
    assert halfway == pytest.approx([math.sqrt(0.5), math.sqrt(0.5)], abs=0.03)
    assert np.all(np.abs(10 * np.log10(power)) < 0.5), "the loudness holds through it"


def test_gapless_joins_are_heard_sample_for_sample_with_no_gap_or_click(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    tones = [sine(1.0, hz, AMPLITUDE) for hz in (LOW_HZ, MIDDLE_HZ, HIGH_HZ)]
    paths = [write_audio(audio / f"tone-{index}.wav", tone) for index, tone in enumerate(tones)]
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play(paths, fade_in=0.2, crossfade=0.0, fade_out=0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    expected = sixteen_bit(np.concatenate(tones))
    join = seconds(1.0)
    first_join = find(left, expected[join - 350 : join + 350], first_sound(left) + join - 350)
    programme = first_join + 350 - join  # where the first file's first sample was heard
    middle = slice(seconds(0.25), seconds(2.75))  # past the fades: the files as they are
    heard = left[programme:][middle]
    gap = longest_silence(heard)
    step = largest_step(heard)
    own = sine_step(HIGH_HZ, AMPLITUDE) * FULL_SCALE
    joins = [
        largest_step(left[programme + at - 20 : programme + at + 20])
        for at in (seconds(1.0), seconds(2.0))
    ]
    pitches = [
        zero_crossing_hz(left[programme + seconds(at + 0.3) : programme + seconds(at + 0.7)])
        for at in (0.0, 1.0, 2.0)
    ]
    print(
        f"gapless: pitches {describe(pitches)} Hz; longest silence {gap} samples; largest step "
        f"{step:.0f} (at the joins {joins[0]:.0f}, {joins[1]:.0f}; the {HIGH_HZ:.0f} Hz sine's "
        f"own {own:.0f})"
    )

    assert np.array_equal(heard, expected[middle]), "every sample of the files, in order"
    assert gap <= MILLISECOND, "no gap"
    assert step <= own + ROUNDING, "no click"
    assert pitches == pytest.approx([LOW_HZ, MIDDLE_HZ, HIGH_HZ], rel=0.01)


def test_an_ambience_loop_goes_round_without_a_gap_or_a_click(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    hz, length = 203.0, 0.7  # 142.1 periods: a file that was not made to loop
    hum = write_sine(audio / "hum.wav", length, hz, AMPLITUDE)
    silence = write_audio(audio / "silence.wav", np.zeros(seconds(4.9)))
    player = recorder.open_player(volume=1.0, ambience=1.0)
    listener = listen(player)
    player.set_ambience(hum)
    player.play([silence], fade_in=0.1, fade_out=0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    period = seconds(length) - seconds(length) // 4  # the loop's last quarter overlays its start
    full = slice(start + seconds(3.1), end - seconds(0.3))  # after its 3 s fade-in
    steady = left[full]
    repeats = np.abs(steady[period:] - steady[:-period])
    gap = longest_silence(left[start + seconds(1.0) : end - seconds(0.3)])
    step = largest_step(left)
    own = sine_step(hz, AMPLITUDE) * FULL_SCALE
    passes = (len(steady) - period) / period
    print(
        f"ambience loop of a {length} s {hz:.0f} Hz tone: {passes:.1f} passes compared at full "
        f"level, largest difference between passes {repeats.max():.0f}; longest silence {gap} "
        f"samples; largest step {step:.0f} (the sine's own {own:.0f})"
    )

    assert passes >= 1.0
    assert repeats.max() <= ROUNDING, "each pass is the same, so no join lost or added a sample"
    assert gap <= MILLISECOND, "no gap"
    # An equal-power join of a tone with itself may add up to 3 dB where the phases agree.
    assert step <= math.sqrt(2) * own + ROUNDING, "no click"


# -- levels ---------------------------------------------------------------------------------------


def tagged_ogg(path: Path, hz: float, amplitude: float, gain: str) -> Path:
    write_sine(path, 1.2, hz, amplitude, format="OGG", subtype="VORBIS")
    tags = OggVorbis(str(path))
    tags["replaygain_track_gain"] = gain
    tags.save()
    return path


def two_levels(recorder: Recorder, listen: Listen, tracks: list[Path]) -> tuple[float, float]:
    """Play two 1.2 s tracks back to back; the RMS of each one's steady middle (16-bit steps)."""
    player = recorder.open_player(volume=1.0, levels=LevelAnalyser())
    listener = listen(player)
    player.play(tracks, fade_in=0.2, crossfade=0.0, fade_out=0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    left = recorder.left()
    start = first_sound(left)
    first = left[start + seconds(0.3) : start + seconds(1.0)]
    second = left[start + seconds(1.5) : start + seconds(2.2)]
    assert zero_crossing_hz(first) == pytest.approx(LOW_HZ, rel=0.01)
    assert zero_crossing_hz(second) == pytest.approx(MIDDLE_HZ, rel=0.01)
    return rms(first), rms(second)


def test_tracks_with_different_replaygain_tags_play_at_one_level(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    # 0.5 and 0.2 of full scale are 7.96 dB apart; their tags say so.
    loud = tagged_ogg(audio / "loud.ogg", LOW_HZ, 0.5, "-6.00 dB")
    quiet = tagged_ogg(audio / "quiet.ogg", MIDDLE_HZ, 0.2, "+1.96 dB")
    first, second = two_levels(recorder, listen, [loud, quiet])

    # ReplayGain brings tracks to -18 LUFS; mtcalm plays them 2 dB lower, at -20.
    expected = decibels(0.5 / math.sqrt(2)) - 6.0 - 2.0
    heard = [decibels(level / FULL_SCALE) for level in (first, second)]
    print(
        f"ReplayGain: files 7.96 dB apart heard at {heard[0]:.2f} and {heard[1]:.2f} dBFS "
        f"(tags say {expected:.2f}); difference {heard[0] - heard[1]:+.2f} dB"
    )
    assert abs(heard[0] - heard[1]) < 1.0
    assert heard[0] == pytest.approx(expected, abs=0.5), "the tags, not a measurement, were used"


def test_untagged_tracks_at_different_levels_are_measured_to_one_level(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    loud = write_sine(audio / "loud.wav", 1.2, LOW_HZ, 0.5)
    quiet = write_sine(audio / "quiet.wav", 1.2, MIDDLE_HZ, 0.15)
    first, second = two_levels(recorder, listen, [loud, quiet])

    heard = [decibels(level / FULL_SCALE) for level in (first, second)]
    print(
        f"measured levels: files {decibels(0.5 / 0.15):.2f} dB apart heard at {heard[0]:.2f} "
        f"and {heard[1]:.2f} dBFS; difference {heard[0] - heard[1]:+.2f} dB"
    )
    assert abs(heard[0] - heard[1]) < 1.0


# -- seek and timer -------------------------------------------------------------------------------


def test_a_seek_is_heard_without_a_click(recorder: Recorder, listen: Listen, audio: Path) -> None:
    # Two seconds of the low tone, then two of the middle one: whole periods, so the file
    # itself joins cleanly and the seek is heard as the change of pitch.
    track = write_audio(
        audio / "two-halves.wav",
        np.concatenate([sine(2.0, LOW_HZ, AMPLITUDE), sine(2.0, MIDDLE_HZ, AMPLITUDE)]),
    )
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([track], fade_in=0.2, fade_out=0.3)
    listener.wait_until(lambda: player.status().position >= 0.8, "the low tone at full level")
    player.seek(2.5)
    listener.wait_until(lambda: player.status().position >= 3.2, "the middle tone after the seek")
    player.end(fade_out=0.3)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    windows = range(start, end - WHOLE_PERIODS, WHOLE_PERIODS)
    middle_louder = [
        amplitude_at(left[at : at + WHOLE_PERIODS], MIDDLE_HZ)
        > amplitude_at(left[at : at + WHOLE_PERIODS], LOW_HZ)
        for at in windows
    ]
    switch = start + middle_louder.index(True) * WHOLE_PERIODS
    before = zero_crossing_hz(left[switch - seconds(0.4) : switch - seconds(0.1)])
    after = zero_crossing_hz(left[switch + seconds(0.1) : switch + seconds(0.4)])
    step = largest_step(left)
    gap = longest_silence(left[start + seconds(0.3) : end - seconds(0.3)])
    own = sine_step(MIDDLE_HZ, AMPLITUDE) * FULL_SCALE
    print(
        f"seek after {(switch - start) / RATE:.2f} s: {before:.1f} Hz before, {after:.1f} Hz "
        f"after; largest step {step:.0f} (the {MIDDLE_HZ:.0f} Hz sine's own {own:.0f}); "
        f"longest silence {gap} samples"
    )

    assert before == pytest.approx(LOW_HZ, rel=0.01)
    assert after == pytest.approx(MIDDLE_HZ, rel=0.01), "the seek was heard"
    assert all(middle_louder[middle_louder.index(True) :]), "and stayed"
    # Two sines crossfaded over 30 ms with equal-power curves step at most sqrt(2) times the
    # faster one's own slope.
    assert step <= math.sqrt(2) * own + ROUNDING, "no click"
    assert gap <= MILLISECOND, "no gap"


def test_the_timer_fades_the_music_out_and_ends_the_session_on_time(
    recorder: Recorder, listen: Listen, audio: Path
) -> None:
    track = write_sine(audio / "second.wav", 1.0, LOW_HZ, AMPLITUDE)  # plays round
    player = recorder.open_player(volume=1.0)
    listener = listen(player)
    player.play([track], fade_in=0.2, fade_out=1.0, timer=2.5)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.TIMER)
    assert player.status().state is PlayerState.STOPPED
    recorder.wait_for_more(listener, 0.1)
    left = recorder.left()

    start, end = first_sound(left), last_sound(left)
    lasted = (end + 1 - start) / RATE
    window = seconds(0.05)
    levels = window_levels(left[start:], window) / (FULL / math.sqrt(2))
    full = levels[seconds(0.3) // window : seconds(1.45) // window]
    fall = levels[seconds(1.5) // window : (end - start) // window]
    rises = np.diff(fall)
    tail = rms(left[end + 1 - seconds(0.02) : end + 1]) / (FULL / math.sqrt(2))
    gap = longest_silence(left[start + seconds(0.3) : start + seconds(1.6)])
    print(
        f"timer of 2.5 s: sound lasted {lasted:.3f} s; fade-out, 50 ms windows: "
        f"{describe(fall)}; last 20 ms {decibels(tail):.1f} dB; longest silence {gap} samples"
    )

    # The cubic fade is below half a 16-bit step for its last 31 ms, the fade-in for its first 6.
    assert 2.5 - 0.06 <= lasted <= 2.5, "the session ended when the timer did"
    assert np.all(np.abs(full - 1.0) < 0.02), "full level, going round, until the fade"
    assert np.all(rises < 0.01), "the fade never rises on the way down"
    assert fall[0] > 0.8 and fall[-1] < 0.05, "it falls over the last second"
    assert decibels(tail) < -30, "the last 20 ms before the end are already quiet: no cut"
    assert gap <= MILLISECOND, "going round made no gap"
