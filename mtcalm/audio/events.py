"""The player contract's vocabulary: states, errors as values, events and status."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class PlayerState(StrEnum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    FADING = "fading"  # ending: asked to end, or the timer ran out
    ERROR = "error"


@dataclass(frozen=True)
class PlayerError:
    """An audio problem as a value: a short text for a notice and a longer one to explain.

    Both are plain words for the person; ``detail`` keeps the technical reason (SDL's or a
    library's own message) for a "Details" view, and is empty when there is nothing more.
    """

    short: str
    long: str
    detail: str = ""


class OutputFailure(Exception):
    """Raised for a file or device that cannot be used; carries the :class:`PlayerError`."""

    def __init__(self, error: PlayerError) -> None:
        super().__init__(error.long)
        self.error = error


@dataclass(frozen=True)
class StateChanged:
    state: PlayerState


@dataclass(frozen=True)
class TrackStarted:
    index: int
    path: Path


@dataclass(frozen=True)
class TrackFailed:
    index: int
    path: Path
    error: PlayerError


@dataclass(frozen=True)
class AmbienceFailed:
    path: Path
    error: PlayerError


class EndReason(StrEnum):
    COMPLETED = "completed"  # the programme played to its end
    TIMER = "timer"  # the session timer ran out
    ENDED = "ended"  # the person ended it
    FAILED = "failed"  # nothing could be played


@dataclass(frozen=True)
class PlaybackEnded:
    """The programme is over and its last sound has been heard."""

    reason: EndReason

    @property
    def completed(self) -> bool:
        """True when it ran its full course: to the programme's end or the timer's."""
        return self.reason in (EndReason.COMPLETED, EndReason.TIMER)


PlayerEvent = StateChanged | TrackStarted | TrackFailed | AmbienceFailed | PlaybackEnded


@dataclass(frozen=True)
class PlayerStatus:
    state: PlayerState
    index: int  # the track being heard, -1 before the first
    position: float  # seconds into that track, as heard
    duration: float  # that track's length in seconds, 0 before the first
    listened: float  # seconds of the programme heard so far, pauses excluded
    volume: float
    timer_left: float | None = None  # seconds until the session timer ends it, if one is set
    ambience: Path | None = None
    ambience_volume: float = 0.5


def perceptual_gain(volume: float) -> float:
    """Map a 0–1 control to a linear gain that sounds evenly spaced (cubic taper)."""
    volume = min(1.0, max(0.0, volume))
    return volume**3
