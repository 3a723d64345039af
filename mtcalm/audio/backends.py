"""Choosing a backend: real sound when a device opens, silence (with a notice) otherwise."""

from __future__ import annotations

from mtcalm.audio.events import OutputFailure, PlayerError
from mtcalm.audio.null_backend import NullOutput
from mtcalm.audio.player import Player


def open_player(*, volume: float = 0.7, silent: bool = False) -> tuple[Player, PlayerError | None]:
    """A ready player, and the reason when it had to fall back to the silent backend."""
    if silent:
        return Player(NullOutput(), volume=volume), None
    from mtcalm.audio.pygame_backend import PygameOutput

    try:
        output = PygameOutput.open()
    except OutputFailure as failure:
        return Player(NullOutput(), volume=volume), failure.error
    return Player(output, volume=volume), None
