"""Broken files through the real player, on the silent backend and on pygame (SDL's dummy driver).

Whatever is wrong with a file, the person gets a short notice and a longer explanation naming
it, and the music goes on with the next track. The outputs are wrapped in a :class:`Tap` that
keeps a copy of every block the player sends, so the tests can also listen to the cut.
Nothing here times the code; waits end as soon as the awaited event arrives.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import soundfile

from mtcalm.audio.backends import open_player
from mtcalm.audio.events import (
    AmbienceFailed,
    EndReason,
    PlaybackEnded,
    PlayerError,
    PlayerState,
    TrackStarted,
)
from mtcalm.audio.player import Player
from tests.audio.conftest import UnityLevels
from tests.audio.recording import (
    LOW_HZ,
    MIDDLE_HZ,
    RATE,
    Audio,
    Tap,
    amplitude_at,
    largest_step,
    sine_step,
    write_audio,
    write_sine,
    zero_crossing_hz,
)

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, Listener, OutputMaker, PlayerMaker

LEVEL = 0.5
FADES = {"fade_in": 0.05, "fade_out": 0.05}


@pytest.fixture
def tap(make_output: OutputMaker) -> Tap:
    return Tap(make_output())


@pytest.fixture
def measured(tap: Tap, players: PlayerMaker) -> Player:
    """A player that measures levels for itself, as the app's does."""
    return players(tap, volume=1.0)


@pytest.fixture
def unity(tap: Tap, players: PlayerMaker) -> Player:
    """A player that plays every file at its own level, so its samples are known."""
    return players(tap, volume=1.0, levels=UnityLevels())


def assert_readable(error: PlayerError, path: Path) -> None:
    """A short text fit for a notice, and a longer one that names the file."""
    assert error.short.strip() == error.short and error.short
    assert "\n" not in error.short and len(error.short) <= 40, error.short
    assert path.name in error.long, error.long
    assert len(error.long) > len(error.short)


# -- making broken files --------------------------------------------------------------------------


def ogg_pages(data: bytes) -> list[int]:
    """Where each page of an Ogg stream ends."""
    ends, at = [], 0
    while at < len(data):
        assert data[at : at + 4] == b"OggS", "an Ogg page"
        segments = data[at + 26]
        at += 27 + segments + sum(data[at + 27 : at + 27 + segments])
        ends.append(at)
    return ends


def flac_header_length(data: bytes) -> int:
    """Bytes taken by 'fLaC' and the metadata blocks (STREAMINFO and the rest)."""
    assert data[:4] == b"fLaC"
    at = 4
    while True:
        last = data[at] & 0x80
        at += 4 + int.from_bytes(data[at + 1 : at + 4], "big")
        if last:
            return at


def busy_ogg(path: Path, seconds: float) -> Path:
    """An OGG Vorbis tone with a little noise, so the encoder spreads it over many pages."""
    count = round(seconds * RATE)
    tone = LEVEL * np.sin(2 * np.pi * LOW_HZ * np.arange(count) / RATE)
    tone += 0.01 * np.random.default_rng(3).standard_normal(count)
    return write_audio(path, tone, format="OGG", subtype="VORBIS")


def cut_in_half(whole: Path, path: Path) -> Path:
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def random_after_header(whole: Path, path: Path, header: int) -> Path:
    data = whole.read_bytes()
    path.write_bytes(data[:header] + random.Random(11).randbytes(len(data) - header))
    return path


def make_broken(kind: str, folder: Path) -> Path:
    """One entry no backend can play, of the kind named."""
    folder.mkdir(parents=True, exist_ok=True)
    if kind == "missing":
        return folder / "missing.ogg"
    if kind == "empty":
        path = folder / "empty.ogg"
        path.write_bytes(b"")
        return path
    if kind == "directory":
        path = folder / "a folder.flac"
        path.mkdir()
        return path
    if kind == "text named .ogg":
        path = folder / "notes.ogg"
        path.write_text("Breathe in for four, out for six.\n" * 40, encoding="utf-8")
        return path
    if kind == "ogg headers then noise":
        whole = busy_ogg(folder / "whole.ogg", 1.0)
        header = ogg_pages(whole.read_bytes())[1]  # identification, comments and setup
        return random_after_header(whole, folder / "corrupt.ogg", header)
    if kind == "flac header then noise":
        whole = write_sine(folder / "whole.flac", 1.0, LOW_HZ, format="FLAC", subtype="PCM_16")
        header = flac_header_length(whole.read_bytes())
        return random_after_header(whole, folder / "corrupt.flac", header)
    if kind == "too short":
        path = folder / "click.wav"
        write_audio(path, np.full(3, 0.1))
        return path
    raise AssertionError(kind)


def tones(folder: Path, *seconds: float) -> list[Path]:
    """Good tracks, each at its own pitch."""
    return [
        write_sine(folder / f"tone-{index}.wav", length, 330.0 + 110 * index)
        for index, length in enumerate(seconds)
    ]


def play(player: Player, listener: Listener, tracks: list[Path], **options: float) -> EndReason:
    player.play(tracks, **{**FADES, **options})
    return listener.wait_for_end().reason


# -- entries that cannot be played at all ---------------------------------------------------------

UNPLAYABLE = [
    "missing",
    "empty",
    "directory",
    "text named .ogg",
    "ogg headers then noise",
    "flac header then noise",
]


@pytest.mark.parametrize("kind", UNPLAYABLE)
def test_an_unplayable_entry_is_reported_by_name_and_the_next_track_plays(
    measured: Player, listen: Listen, tmp_path: Path, kind: str
) -> None:
    first, last = tones(tmp_path / "good", 0.3, 0.3)
    broken = make_broken(kind, tmp_path / "broken")
    listener = listen(measured)

    assert play(measured, listener, [first, broken, last]) is EndReason.COMPLETED
    failures = listener.failed()
    assert [(failure.index, failure.path) for failure in failures] == [(1, broken)]
    assert_readable(failures[0].error, broken)
    print(f"{kind}: {failures[0].error.short!r} / {failures[0].error.long!r}")
    started = [event.index for event in listener.started()]
    assert started[0] == 0 and started[-1] == 2, "the programme went on to the next track"
    assert measured.status().state is PlayerState.STOPPED


def test_a_programme_of_only_broken_entries_ends_failed_and_in_error(
    measured: Player, listen: Listen, tmp_path: Path
) -> None:
    kinds = ["directory", "text named .ogg", "ogg headers then noise", "missing"]
    broken = [make_broken(kind, tmp_path / f"broken-{index}") for index, kind in enumerate(kinds)]
    listener = listen(measured)

    assert play(measured, listener, broken) is EndReason.FAILED
    assert [(failure.index, failure.path) for failure in listener.failed()] == [
        (index, path) for index, path in enumerate(broken)
    ]
    for failure in listener.failed():
        assert_readable(failure.error, failure.path)
    assert not listener.started()
    assert listener.states() == [PlayerState.ERROR]
    assert measured.status().state is PlayerState.ERROR


def test_a_programme_whose_only_file_breaks_before_a_sound_ends_in_error(
    measured: Player, listen: Listen, tmp_path: Path, tap: Tap
) -> None:
    broken = make_broken("flac header then noise", tmp_path / "broken")
    listener = listen(measured)

    reason = play(measured, listener, [broken])
    assert not np.any(tap.heard()), "nothing was heard"
    assert reason is EndReason.FAILED
    assert measured.status().state is PlayerState.ERROR


# -- misnamed -------------------------------------------------------------------------------------


def test_a_flac_file_named_mp3_plays_in_full(
    unity: Player, listen: Listen, tap: Tap, tmp_path: Path
) -> None:
    misnamed = write_sine(
        tmp_path / "really a flac.mp3", 0.5, LOW_HZ, format="FLAC", subtype="PCM_16"
    )
    listener = listen(unity)

    assert play(unity, listener, [misnamed]) is EndReason.COMPLETED
    assert not listener.failed()
    assert listener.started() == [TrackStarted(0, misnamed)]
    heard = tap.heard()[:, 0]
    steady = heard[round(0.1 * RATE) : round(0.4 * RATE)]
    assert len(heard) == round(0.5 * RATE), "all of it"
    assert zero_crossing_hz(steady) == pytest.approx(LOW_HZ, abs=1.0)
    assert amplitude_at(steady, LOW_HZ) == pytest.approx(LEVEL, rel=0.01)


# -- files that end early or break part-way ------------------------------------------------------


def cut_ogg(folder: Path) -> tuple[Path, int]:
    """An OGG Vorbis file cut in half, and how many frames of it can still be decoded."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = busy_ogg(folder / "whole.ogg", 2.0)
    cut = cut_in_half(whole, folder / "cut.ogg")
    remaining = soundfile.info(str(cut)).frames
    assert 0 < remaining < round(2.0 * RATE)
    return cut, remaining


def cut_flac(folder: Path) -> Path:
    """A FLAC file cut in half: it announces 2 s and breaks part-way."""
    folder.mkdir(parents=True, exist_ok=True)
    whole = write_sine(folder / "whole.flac", 2.0, LOW_HZ, format="FLAC", subtype="PCM_16")
    return cut_in_half(whole, folder / "cut.flac")


def test_a_truncated_ogg_plays_its_first_part_then_the_next_track(
    unity: Player, listen: Listen, tap: Tap, tmp_path: Path
) -> None:
    cut, remaining = cut_ogg(tmp_path / "cut")
    (after,) = tones(tmp_path / "good", 0.4)
    listener = listen(unity)

    assert play(unity, listener, [cut, after]) is EndReason.COMPLETED
    assert [event.index for event in listener.started()] == [0, 1]
    heard = tap.heard()[:, 0]
    first = heard[round(0.1 * RATE) : remaining - round(0.05 * RATE)]
    print(
        f"the OGG cut in half plays {remaining / RATE:.2f} s of its 2 s; failures: "
        f"{listener.failed()}"
    )
    assert zero_crossing_hz(first) == pytest.approx(LOW_HZ, rel=0.02), "its first part"
    assert len(heard) == remaining + round(0.4 * RATE), "then all of the next track"


def test_the_cut_of_a_truncated_ogg_is_faded_not_a_click(
    unity: Player, listen: Listen, tap: Tap, tmp_path: Path
) -> None:
    cut, remaining = cut_ogg(tmp_path / "cut")
    (after,) = tones(tmp_path / "good", 0.4)
    listener = listen(unity)

    play(unity, listener, [cut, after])
    assert_no_click_at(tap.heard()[:, 0], remaining, "where the OGG was cut")


def assert_no_click_at(heard: Audio, at: int, where: str) -> None:
    """No step around ``at`` larger than the loudest tone's slope and 1/32 of the level."""
    around = heard[at - 200 : at + 200]
    allowed = sine_step(MIDDLE_HZ, LEVEL) + LEVEL / 32
    step = largest_step(around)
    print(f"{where}: largest step {step:.3f}, allowed {allowed:.3f}")
    assert step <= allowed, f"a step of {step:.3f} {where} is a click"


def first_silence(heard: Audio, after: int, length: int = 10) -> int:
    """Where the first run of ``length`` silent samples after ``after`` begins."""
    silent = np.convolve(heard[after:] == 0, np.ones(length), "valid") == length
    assert silent.any(), "a silence"
    return after + int(np.argmax(silent))


def test_a_flac_that_breaks_part_way_is_reported_and_the_next_track_plays(
    measured: Player, listen: Listen, tmp_path: Path
) -> None:
    cut = cut_flac(tmp_path / "cut")
    (after,) = tones(tmp_path / "good", 0.3)
    listener = listen(measured)

    assert play(measured, listener, [cut, after]) is EndReason.COMPLETED
    assert [event.index for event in listener.started()] == [0, 1]
    assert [(failure.index, failure.path) for failure in listener.failed()] == [(0, cut)]
    assert_readable(listener.failed()[0].error, cut)
    assert measured.status().state is PlayerState.STOPPED


def test_where_a_flac_breaks_part_way_it_is_faded_not_cut(
    unity: Player, listen: Listen, tap: Tap, tmp_path: Path
) -> None:
    cut = cut_flac(tmp_path / "cut")
    (after,) = tones(tmp_path / "good", 0.3)
    listener = listen(unity)

    play(unity, listener, [cut, after])
    heard = tap.heard()[:, 0]
    # Its faded end reaches exactly 0, and the next track (a sine from phase 0) follows at once.
    broke = first_silence(heard, after=round(0.1 * RATE), length=2)
    silence = int(np.argmax(np.abs(heard[broke:]) > 0))
    print(f"the FLAC broke after {broke / RATE:.3f} s; {silence / RATE * 1000:.0f} ms of silence")
    assert_no_click_at(heard, broke, "where the FLAC broke")


def test_a_track_that_breaks_at_once_does_not_cut_off_the_crossfade_into_it(
    unity: Player, listen: Listen, tap: Tap, tmp_path: Path
) -> None:
    before, after = tones(tmp_path / "good", 1.0, 0.5)
    broken = make_broken("flac header then noise", tmp_path / "broken")
    listener = listen(unity)

    assert play(unity, listener, [before, broken, after], crossfade=0.3) is EndReason.COMPLETED
    heard = tap.heard()[:, 0]
    step = largest_step(heard)
    allowed = sine_step(440.0, LEVEL) + LEVEL / 32
    print(f"crossfade into a file that breaks at once: largest step {step:.3f}")
    assert step <= allowed, f"a step of {step:.3f} is a click"


# -- a file that goes away -----------------------------------------------------------------------


def test_a_file_that_vanishes_while_queued_is_reported_when_its_turn_comes(
    make_output: OutputMaker, players: PlayerMaker, listen: Listen, tmp_path: Path
) -> None:
    gate = threading.Event()
    output = Tap(make_output(), gate)
    player = players(output, volume=1.0)
    listener = listen(player)
    tracks = tones(tmp_path / "good", 0.3, 0.3, 0.3, 0.3)

    player.play(tracks, **FADES)
    assert output.waiting.wait(timeout=10), "the player began"
    tracks[2].unlink()  # the first is playing and the second is open; the third goes away
    gate.set()

    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert [event.index for event in listener.started()] == [0, 1, 3]
    failures = listener.failed()
    assert [(failure.index, failure.path) for failure in failures] == [(2, tracks[2])]
    assert_readable(failures[0].error, tracks[2])


# -- ambience -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["missing", "empty", "directory", "text named .ogg", "too short"])
def test_an_ambience_that_cannot_play_is_reported_and_the_music_goes_on(
    measured: Player, listen: Listen, tmp_path: Path, kind: str
) -> None:
    music = tones(tmp_path / "good", 0.3, 0.3)
    broken = make_broken(kind, tmp_path / "broken")
    listener = listen(measured)

    measured.set_ambience(broken)
    assert play(measured, listener, music) is EndReason.COMPLETED
    problems = [event for event in listener.events if isinstance(event, AmbienceFailed)]
    assert [problem.path for problem in problems] == [broken]
    assert_readable(problems[0].error, broken)
    print(f"ambience {kind}: {problems[0].error.short!r}")
    assert [event.index for event in listener.started()] == [0, 1]
    assert not listener.failed()
    assert measured.status().ambience is None


def test_an_ambience_that_breaks_part_way_is_reported_and_the_music_goes_on(
    measured: Player, listen: Listen, tmp_path: Path
) -> None:
    music = tones(tmp_path / "good", 0.7, 0.7)
    broken = cut_flac(tmp_path / "cut")  # breaks about 0.84 s in
    listener = listen(measured)

    measured.set_ambience(broken)
    assert play(measured, listener, music) is EndReason.COMPLETED
    problems = [event for event in listener.events if isinstance(event, AmbienceFailed)]
    assert [problem.path for problem in problems] == [broken]
    assert_readable(problems[0].error, broken)
    assert [event.index for event in listener.started()] == [0, 1]
    assert not listener.failed()


def test_where_an_ambience_breaks_part_way_it_is_faded_not_cut(
    make_output: OutputMaker, players: PlayerMaker, listen: Listen, tmp_path: Path
) -> None:
    tap = Tap(make_output())
    player = players(tap, volume=1.0, levels=UnityLevels())
    player.set_ambience_volume(1.0)
    silence = write_audio(tmp_path / "silence.wav", np.zeros(round(1.2 * RATE)))
    broken = cut_flac(tmp_path / "cut")
    listener = listen(player)

    player.set_ambience(broken)
    play(player, listener, [silence])
    heard = tap.heard()[:, 0]
    broke = int(np.flatnonzero(np.abs(heard) > 1e-9)[-1]) + 1
    local = float(np.max(np.abs(heard[broke - 1000 : broke])))
    step = largest_step(heard[broke - 200 : broke + 200])
    allowed = sine_step(LOW_HZ, local) + local / 32
    print(f"the ambience broke at {broke / RATE:.3f} s at level {local:.3f}: step {step:.4f}")
    assert step <= allowed, "the ambience was cut, not faded"


# -- no sound device ------------------------------------------------------------------------------


def test_the_no_sound_device_notice_is_short_and_explains_that_sessions_play_silently(
    sdl_audio: pytest.MonkeyPatch,
) -> None:
    # (test_player_contract.py plays through the fallback; this reads the notice itself.)
    sdl_audio.setenv("SDL_AUDIODRIVER", "no-such-sound-driver")
    player, problem = open_player(volume=0.6)
    player.close()

    assert problem is not None
    assert problem.short and "\n" not in problem.short and len(problem.short) <= 40
    assert "silent" in problem.long.lower(), problem.long
    assert player.status().volume == 0.6


def test_the_bundled_ogg_files_are_not_taken_for_cut_ones() -> None:
    from mtcalm.assets import assets_dir
    from mtcalm.audio.decoder import TrackDecoder

    files = sorted(assets_dir().rglob("*.ogg"))
    assert files
    for file in files:
        decoder = TrackDecoder(file)
        try:
            assert not decoder.cut_short, f"{file} ends with an end-of-stream page"
        finally:
            decoder.close()
