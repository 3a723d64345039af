"""Players for the audio tests: each backend behind one fixture, and patient waiting on events."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pygame
import pytest

from mtcalm.audio.events import (
    PlaybackEnded,
    PlayerEvent,
    PlayerState,
    StateChanged,
    TrackFailed,
    TrackStarted,
)
from mtcalm.audio.levels import LevelAnalyser, LevelSource, TrackLevel
from mtcalm.audio.null_backend import NullOutput
from mtcalm.audio.output import Output
from mtcalm.audio.player import Player
from mtcalm.audio.pygame_backend import PygameOutput

# Generous: waiting ends as soon as the awaited thing happens; this only bounds a hang.
PATIENCE_SECONDS = 10.0
POLL_SECONDS = 0.01

OutputMaker = Callable[[], Output]
PlayerMaker = Callable[..., Player]  # (output, volume=0.7, levels=None)
Listen = Callable[[Player], "Listener"]


class UnityLevels(LevelAnalyser):
    """Every file plays at its own level: for measurements that need the level known."""

    def level(self, path: Path) -> TrackLevel:
        return TrackLevel(0.0, LevelSource.DEFAULT)

    def request(self, paths: Iterable[Path]) -> None:
        pass


def quit_mixer() -> None:
    """Close pygame's own mixer if anything opened it (outputs close SDL's audio themselves)."""
    if pygame.mixer.get_init():
        pygame.mixer.quit()


class Listener:
    """Collects a player's events, oldest first, and waits for things to happen."""

    def __init__(self, player: Player) -> None:
        self.player = player
        self.events: list[PlayerEvent] = []

    def collect(self) -> list[PlayerEvent]:
        self.events.extend(self.player.poll_events())
        return self.events

    def wait_until(
        self, holds: Callable[[], bool], what: str, patience: float = PATIENCE_SECONDS
    ) -> None:
        deadline = time.monotonic() + patience
        while True:
            self.collect()
            if holds():
                return
            if time.monotonic() > deadline:
                pytest.fail(
                    f"waited {patience:.0f} s for {what}; status {self.player.status()}, "
                    f"events {self.events}"
                )
            time.sleep(POLL_SECONDS)

    def wait_for_event(self, wanted: PlayerEvent) -> None:
        self.wait_until(lambda: wanted in self.events, f"{wanted}")

    def wait_for_end(self) -> PlaybackEnded:
        self.wait_until(lambda: bool(self.ended()), "the end of the programme")
        return self.ended()[0]

    def wait_for_state(self, state: PlayerState) -> None:
        self.wait_until(lambda: self.player.status().state is state, f"state {state}")

    def wait_until_still(self, hold: float = 0.3) -> tuple[float, float]:
        """Wait until listened time and position have not moved for ``hold`` seconds."""
        last = (-1.0, -1.0)
        since = time.monotonic()

        def still() -> bool:
            nonlocal last, since
            status = self.player.status()
            now = (status.listened, status.position)
            if now != last:
                last, since = now, time.monotonic()
            return time.monotonic() - since >= hold

        self.wait_until(still, f"listened time and position to stand still for {hold} s")
        return last

    def started(self) -> list[TrackStarted]:
        return [event for event in self.events if isinstance(event, TrackStarted)]

    def failed(self) -> list[TrackFailed]:
        return [event for event in self.events if isinstance(event, TrackFailed)]

    def ended(self) -> list[PlaybackEnded]:
        return [event for event in self.events if isinstance(event, PlaybackEnded)]

    def states(self) -> list[PlayerState]:
        return [event.state for event in self.events if isinstance(event, StateChanged)]


@pytest.fixture
def players() -> Iterator[PlayerMaker]:
    """``players(output, volume=...)``: a Player that is always closed at the end of the test."""
    opened: list[Player] = []

    def make(output: Output, volume: float = 0.7, levels: LevelAnalyser | None = None) -> Player:
        player = Player(output, volume=volume, levels=levels)
        opened.append(player)
        return player

    yield make
    for player in opened:
        player.close()


@pytest.fixture
def sdl_audio(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """SDL's audio closed before and after the test; set its environment on the patch given."""
    quit_mixer()
    yield monkeypatch
    quit_mixer()


@pytest.fixture(params=["silent", "pygame"])
def make_output(request: pytest.FixtureRequest, sdl_audio: pytest.MonkeyPatch) -> OutputMaker:
    """Opens the backend under test: the silent one, or pygame on SDL's dummy driver."""
    if request.param == "silent":
        return NullOutput
    sdl_audio.setenv("SDL_AUDIODRIVER", "dummy")
    return PygameOutput.open


@pytest.fixture
def player(make_output: OutputMaker, players: PlayerMaker) -> Player:
    return players(make_output())


@pytest.fixture
def listen() -> Listen:
    """``listen(player)``: a :class:`Listener` for a player the test made itself."""
    return Listener


@pytest.fixture
def listener(player: Player) -> Listener:
    return Listener(player)
