"""The player contract, run against every backend: what a person sees and hears it do.

Each test runs twice: with the silent backend and with pygame on SDL's dummy driver. Nothing
here times the code; waits end as soon as the awaited event arrives, within a generous limit.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mtcalm.audio.backends import open_player
from mtcalm.audio.events import (
    EndReason,
    PlaybackEnded,
    PlayerError,
    PlayerState,
    StateChanged,
    TrackStarted,
)
from mtcalm.audio.player import Player
from tests.audio.recording import Tap

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, Listener, OutputMaker, PlayerMaker

ToneMaker = Callable[..., Path]


def programme(make_tone: ToneMaker, *seconds: float) -> list[Path]:
    """Short tones, each at its own pitch, named in programme order."""
    return [
        make_tone(f"tone-{index}.wav", length, frequency=330.0 + 110 * index)
        for index, length in enumerate(seconds)
    ]


def broken_files(folder: Path) -> list[Path]:
    """Entries a playlist can name that no backend can play, one of each kind."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.wav"
    empty.write_bytes(b"")
    noise = folder / "noise.wav"
    noise.write_bytes(random.Random(7).randbytes(4000))
    truncated = folder / "truncated.wav"  # cut off inside its header
    return [folder / "missing.wav", empty, noise, truncated]


def assert_readable(error: PlayerError, path: Path) -> None:
    """A short text fit for a notice, and a longer one that names the file."""
    assert error.short.strip() and "\n" not in error.short and len(error.short) <= 40
    assert path.name in error.long
    assert len(error.long) > len(error.short)


@pytest.fixture
def broken(tmp_path: Path, make_tone: ToneMaker) -> list[Path]:
    paths = broken_files(tmp_path / "broken")
    whole = make_tone("whole.wav", 0.4)
    paths[3].write_bytes(whole.read_bytes()[:30])
    return paths


def test_a_programme_plays_every_track_in_order_then_ends_completed(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 0.5, 0.4, 0.6)
    player.play(tracks, fade_in=0.1, fade_out=0.1)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert listener.events == [
        TrackStarted(0, tracks[0]),
        StateChanged(PlayerState.PLAYING),
        TrackStarted(1, tracks[1]),
        TrackStarted(2, tracks[2]),
        StateChanged(PlayerState.STOPPED),
        PlaybackEnded(EndReason.COMPLETED),
    ]
    status = player.status()
    assert status.state is PlayerState.STOPPED
    assert status.index == 2
    # Every track was heard to its end, not cut short (playing can only take longer).
    assert status.listened >= 0.8 * 1.5


def test_listened_time_grows_while_playing_and_stands_still_while_paused(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 1.0, 0.5)
    player.play(tracks, fade_in=0.1, fade_out=0.1)
    listener.wait_for_event(TrackStarted(0, tracks[0]))
    listener.wait_until(lambda: player.status().listened > 0.1, "listened time to grow")

    player.pause()
    listener.wait_for_event(StateChanged(PlayerState.PAUSED))
    listened, position = listener.wait_until_still()
    status = player.status()
    assert status.state is PlayerState.PAUSED
    assert status.index == 0, "the paused track did not play on to its end"
    assert len(listener.started()) == 1
    assert 0 < position < 1.0

    player.resume()
    listener.wait_for_event(StateChanged(PlayerState.PLAYING))
    assert player.status().position >= position, "resuming goes on from where it paused"
    listener.wait_until(lambda: player.status().listened > listened, "listened time to grow")

    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert [event.index for event in listener.started()] == [0, 1]
    assert listener.states() == [
        PlayerState.PLAYING,
        PlayerState.PAUSED,
        PlayerState.PLAYING,
        PlayerState.STOPPED,
    ]


def test_end_fades_out_then_stops_without_completing(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 1.0, 1.0, 1.0)
    player.play(tracks, fade_in=0.1, fade_out=0.1)
    listener.wait_for_event(StateChanged(PlayerState.PLAYING))

    player.end(fade_out=0.3)
    listener.wait_for_event(StateChanged(PlayerState.FADING))
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    assert listener.states() == [PlayerState.PLAYING, PlayerState.FADING, PlayerState.STOPPED]
    assert listener.events[-1] == PlaybackEnded(EndReason.ENDED)
    assert player.status().state is PlayerState.STOPPED
    assert len(listener.started()) < 3, "ending did not wait for the programme to play out"


def test_end_while_paused_stops_at_once_because_it_is_already_quiet(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 1.0, 1.0)
    player.play(tracks, fade_in=0.1, fade_out=0.1)
    listener.wait_for_event(StateChanged(PlayerState.PLAYING))
    player.pause()
    listener.wait_for_event(StateChanged(PlayerState.PAUSED))
    listener.wait_until_still()

    player.end(fade_out=0.3)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    assert listener.states() == [PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.STOPPED]
    assert player.status().state is PlayerState.STOPPED


def test_volume_is_kept_between_silence_and_full(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    def volume_is(wanted: float) -> Callable[[], bool]:
        return lambda: player.status().volume == wanted

    player.play(programme(make_tone, 1.0), fade_in=0.1, fade_out=0.1)
    for asked, kept in ((1.7, 1.0), (-0.4, 0.0), (0.35, 0.35), (1.0, 1.0)):
        player.set_volume(asked)
        listener.wait_until(volume_is(kept), f"volume {kept}")
    assert not listener.failed()


@pytest.mark.parametrize("asked, kept", [(2.0, 1.0), (-1.0, 0.0)])
def test_a_new_player_keeps_its_volume_between_silence_and_full(
    make_output: OutputMaker, players: PlayerMaker, asked: float, kept: float
) -> None:
    assert players(make_output(), volume=asked).status().volume == kept


def test_broken_entries_are_reported_and_the_programme_plays_on(
    player: Player, listener: Listener, make_tone: ToneMaker, broken: list[Path]
) -> None:
    first, last = programme(make_tone, 0.4, 0.4)
    tracks = [broken[0], first, *broken[1:], last]
    player.play(tracks, fade_in=0.1, fade_out=0.1)

    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert [(event.index, event.path) for event in listener.started()] == [(1, first), (5, last)]
    failures = listener.failed()
    assert [(event.index, event.path) for event in failures] == [
        (index, tracks[index]) for index in (0, 2, 3, 4)
    ]
    for failure in failures:
        assert_readable(failure.error, failure.path)
    assert player.status().state is PlayerState.STOPPED


def test_a_programme_of_only_broken_entries_ends_in_error(
    player: Player, listener: Listener, broken: list[Path]
) -> None:
    player.play(broken, fade_in=0.1, fade_out=0.1)

    assert listener.wait_for_end() == PlaybackEnded(EndReason.FAILED)
    assert [event.index for event in listener.failed()] == [0, 1, 2, 3]
    assert not listener.started()
    assert listener.states() == [PlayerState.ERROR]
    assert player.status().state is PlayerState.ERROR


def test_close_can_be_called_again(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    player.play(programme(make_tone, 1.0), fade_in=0.1, fade_out=0.1)
    listener.wait_for_event(StateChanged(PlayerState.PLAYING))

    player.close()
    player.close()
    assert player.status().state is PlayerState.STOPPED
    assert not listener.failed()


def test_a_player_that_never_played_closes_twice(player: Player) -> None:
    player.close()
    player.close()
    assert player.status().state is PlayerState.STOPPED


def test_calls_from_other_threads_while_playing_are_safe(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 1.0, 1.0)
    player.play(tracks, fade_in=0.1, fade_out=0.1)
    listener.wait_for_event(StateChanged(PlayerState.PLAYING))
    problems: list[BaseException] = []
    start = threading.Barrier(4)

    def fiddle(seed: int) -> None:
        chance = random.Random(seed)
        try:
            start.wait()
            for _ in range(200):
                action = chance.choice(("pause", "resume", "volume", "status"))
                if action == "pause":
                    player.pause()
                elif action == "resume":
                    player.resume()
                elif action == "volume":
                    player.set_volume(chance.uniform(-0.5, 1.5))
                else:
                    status = player.status()
                    assert 0.0 <= status.volume <= 1.0
                    assert status.index in (0, 1)
        except BaseException as error:
            problems.append(error)

    threads = [threading.Thread(target=fiddle, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems

    player.set_volume(0.5)
    player.resume()
    listener.wait_until(
        lambda: player.status().volume == 0.5 and player.status().state is PlayerState.PLAYING,
        "the player to settle on the last commands",
    )
    player.end(fade_out=0.2)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    assert not listener.failed(), "the control thread kept working"
    assert len(listener.ended()) == 1
    assert player.status().state is PlayerState.STOPPED


def test_a_slow_file_never_holds_up_the_caller(
    make_output: OutputMaker, players: PlayerMaker, listen: Listen, make_tone: ToneMaker
) -> None:
    output = Tap(make_output(), gate=threading.Event())
    player = players(output)
    listener = listen(player)
    tracks = programme(make_tone, 0.4)

    player.play(tracks, fade_in=0.1, fade_out=0.1)
    # play() has returned; the player is still busy handing over its first block.
    assert output.waiting.wait(timeout=10), "the control thread began playing"
    player.set_volume(0.4)
    player.pause()
    player.resume()
    assert player.status().state is PlayerState.STOPPED
    assert not listener.collect()

    assert output.gate is not None
    output.gate.set()
    listener.wait_for_event(TrackStarted(0, tracks[0]))
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    assert player.status().volume == 0.4


def test_without_a_sound_device_the_player_works_silently_and_says_why(
    sdl_audio: pytest.MonkeyPatch, listen: Listen, make_tone: ToneMaker
) -> None:
    sdl_audio.setenv("SDL_AUDIODRIVER", "no-such-sound-driver")
    player, problem = open_player(volume=0.6)
    try:
        assert problem is not None
        assert "no sound device" in problem.short.lower()
        assert problem.long
        assert player.output_name == "silent"

        listener = listen(player)
        tracks = programme(make_tone, 0.4, 0.4)
        player.play(tracks, fade_in=0.1, fade_out=0.1)
        assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
        assert [event.index for event in listener.started()] == [0, 1]
        assert player.status().state is PlayerState.STOPPED
    finally:
        player.close()


def test_the_silent_choice_needs_no_sound_device(sdl_audio: pytest.MonkeyPatch) -> None:
    sdl_audio.setenv("SDL_AUDIODRIVER", "no-such-sound-driver")
    player, problem = open_player(silent=True)
    player.close()
    assert problem is None
    assert player.output_name == "silent"


def test_ending_straight_after_play_ends_it_rather_than_playing_it_through(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 3.0, 3.0)
    player.play(tracks, fade_in=0.2, fade_out=0.1)
    player.end(fade_out=0.2)

    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
    assert len(listener.started()) <= 1
    assert player.status().listened < 3.0, "it did not play the first track through"


def test_pausing_straight_after_play_holds_the_music_until_resumed(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 1.0)
    player.play(tracks, fade_in=0.2, fade_out=0.1)
    player.pause()
    listener.wait_for_state(PlayerState.PAUSED)
    listened, _ = listener.wait_until_still()
    assert listened < 1.0, "paused before the track could play out"
    assert not listener.ended()

    player.resume()
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)


def test_a_timer_ends_the_session_with_its_fade_and_counts_as_completed(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 0.6)
    player.play(tracks, fade_in=0.1, fade_out=0.3, timer=1.5)

    ended = listener.wait_for_end()
    assert ended == PlaybackEnded(EndReason.TIMER) and ended.completed
    assert PlayerState.FADING in listener.states(), "it faded out rather than stopping"
    assert len(listener.started()) >= 2, "a programme shorter than the timer plays round again"
    assert player.status().listened >= 1.5


def test_lengthening_the_timer_during_its_fade_brings_the_music_back(
    player: Player, listener: Listener, make_tone: ToneMaker
) -> None:
    tracks = programme(make_tone, 5.0)
    player.play(tracks, fade_in=0.1, fade_out=1.0, timer=1.5)
    listener.wait_for_event(StateChanged(PlayerState.FADING))

    player.change_timer(300)
    listener.wait_for_state(PlayerState.PLAYING)
    timer_left = player.status().timer_left
    assert timer_left is not None and timer_left > 290
    player.pause()
    listener.wait_for_state(PlayerState.PAUSED)
    player.end(fade_out=0.1)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.ENDED)
