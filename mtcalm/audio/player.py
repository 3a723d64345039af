"""The player contract: a programme of tracks, gentle fades, an explicit state and events.

A :class:`Player` runs its own control thread, which alone talks to the audio output, so a
slow file never blocks the caller and a busy caller never stalls a fade. Callers read
:meth:`Player.status` and drain :meth:`Player.poll_events`; nothing here imports Qt.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol


class PlayerState(StrEnum):
    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"
    FADING = "fading"
    ERROR = "error"


@dataclass(frozen=True)
class PlayerError:
    """An audio problem as a value: a short text for a notice and a longer one to explain."""

    short: str
    long: str


class OutputFailure(Exception):
    """Raised by an output for a file or device it cannot use."""

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
class PlaybackEnded:
    """The programme is over: ``completed`` when it played to its end, not when it was ended."""

    completed: bool


PlayerEvent = StateChanged | TrackStarted | TrackFailed | PlaybackEnded


@dataclass(frozen=True)
class PlayerStatus:
    state: PlayerState
    index: int  # the current track, -1 before the first
    position: float  # seconds into the current track
    listened: float  # seconds of the programme heard so far, pauses excluded
    volume: float


class Output(Protocol):
    """What a backend provides. Called only from the player's control thread."""

    name: str

    def load(self, path: Path) -> None:
        """Prepare ``path``; raise :class:`OutputFailure` if it cannot be played."""

    def start(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def stop(self) -> None: ...

    def set_gain(self, gain: float) -> None:
        """Linear gain, 0 to 1."""

    def is_finished(self) -> bool:
        """True once the loaded track has played to its end."""

    def close(self) -> None: ...


def perceptual_gain(volume: float) -> float:
    """Map a 0–1 volume control to a linear gain that sounds evenly spaced (cubic taper)."""
    volume = min(1.0, max(0.0, volume))
    return volume**3


PAUSE_FADE_SECONDS = 0.4
# A volume change glides, across the whole range in this long, so moving the slider never clicks.
VOLUME_GLIDE_SECONDS = PAUSE_FADE_SECONDS
# While the level moves, update it more often than an output takes a buffer (pygame's: 11.6 ms),
# so each buffer steps the level only a little: coarser steps are heard as clicks.
FAST_TICK = 0.005
# The most a fade moves on per update: a control thread held up by a busy machine makes the fade
# a little longer instead of jumping to catch up with the clock.
MAX_RAMP_STEP = 2 * FAST_TICK
IDLE_TICK = 0.05

Clock = Callable[[], float]


@dataclass
class _Ramp:
    start_level: float
    end_level: float
    seconds: float
    updated: float  # clock time of the last update
    progress: float = 0.0  # seconds of the fade done so far

    def advance(self, now: float) -> None:
        self.progress += min(MAX_RAMP_STEP, max(0.0, now - self.updated))
        self.updated = now

    def level(self) -> float:
        if self.seconds <= 0:
            return self.end_level
        share = min(1.0, self.progress / self.seconds)
        return self.start_level + (self.end_level - self.start_level) * share

    def done(self) -> bool:
        return self.progress >= self.seconds


class Player:
    """Plays a programme of tracks through one :class:`Output`, with fades and events."""

    def __init__(
        self, output: Output, *, volume: float = 0.7, clock: Clock = time.monotonic
    ) -> None:
        self.output_name = output.name
        self._output = output
        self._clock = clock
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[PlayerEvent] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._state = PlayerState.STOPPED
        self._tracks: tuple[Path, ...] = ()
        self._index = -1
        self._position = 0.0
        self._listened = 0.0
        self._volume = min(1.0, max(0.0, volume))
        self._volume_gain = perceptual_gain(self._volume)  # heard now; glides to the volume
        self._volume_glide: _Ramp | None = None
        self._fade_level = 0.0
        self._ramp: _Ramp | None = None
        self._after_ramp: Callable[[], None] | None = None
        self._last_tick = clock()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="mtcalm-player", daemon=True)
        self._thread.start()

    # -- the contract: safe to call from any thread -----------------------------------------

    def play(self, tracks: Sequence[Path], *, fade_in: float = 3.0) -> None:
        """Start the programme from its first track, fading in over ``fade_in`` seconds."""
        programme = tuple(tracks)
        self._commands.put(lambda: self._do_play(programme, fade_in))

    def pause(self) -> None:
        self._commands.put(self._do_pause)

    def resume(self) -> None:
        self._commands.put(self._do_resume)

    def end(self, fade_out: float = 4.0) -> None:
        """End the programme gently: fade out over ``fade_out`` seconds, then stop."""
        self._commands.put(lambda: self._do_end(fade_out))

    def set_volume(self, volume: float) -> None:
        clamped = min(1.0, max(0.0, volume))
        self._commands.put(lambda: self._do_set_volume(clamped))

    def status(self) -> PlayerStatus:
        with self._lock:
            return PlayerStatus(
                self._state, self._index, self._position, self._listened, self._volume
            )

    def poll_events(self) -> list[PlayerEvent]:
        """Every event since the last call, oldest first."""
        events = []
        while True:
            try:
                events.append(self._events.get_nowait())
            except queue.Empty:
                return events

    def close(self) -> None:
        """Stop at once and release the output (for shutting down; sessions use :meth:`end`)."""
        if self._closed:
            return
        self._commands.put(self._do_close)
        self._thread.join(timeout=5)
        self._closed = True

    # -- the control thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            timeout = FAST_TICK if self._ramp or self._volume_glide else IDLE_TICK
            try:
                command = self._commands.get(timeout=timeout)
            except queue.Empty:
                command = None
            try:
                if command is not None:
                    command()
                    if command == self._do_close:
                        return
                self._tick()
            except Exception as error:  # never let the audio thread die silently
                self._fail(PlayerError("Playback stopped", f"An audio error happened: {error}"))

    def _tick(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._last_tick)
        self._last_tick = now
        with self._lock:
            if self._state in (PlayerState.PLAYING, PlayerState.FADING) or (
                self._state is PlayerState.PAUSED and self._ramp is not None
            ):
                self._position += elapsed
                self._listened += elapsed
        if self._volume_glide is not None:
            self._volume_glide.advance(now)
            self._volume_gain = self._volume_glide.level()
            if self._volume_glide.done():
                self._volume_glide = None
            self._apply_gain()
        if self._ramp is not None:
            self._ramp.advance(now)
            self._fade_level = self._ramp.level()
            self._apply_gain()
            if self._ramp.done():
                self._ramp = None
                follow_up, self._after_ramp = self._after_ramp, None
                if follow_up:
                    follow_up()
        if self._state in (PlayerState.PLAYING, PlayerState.FADING) and self._output.is_finished():
            self._advance(self._index + 1)

    def _do_play(self, tracks: tuple[Path, ...], fade_in: float) -> None:
        self._output.stop()
        with self._lock:
            self._tracks = tracks
            self._index = -1
            self._listened = 0.0
        self._fade_level = 0.0
        self._volume_gain = perceptual_gain(self._volume)  # silent now: no need to glide
        self._volume_glide = None
        self._apply_gain()
        self._ramp_to(1.0, fade_in)
        self._advance(0)

    def _advance(self, index: int) -> None:
        """Start track ``index``, skipping any that cannot be played."""
        while index < len(self._tracks):
            path = self._tracks[index]
            try:
                self._output.load(path)
                self._apply_gain()
                self._output.start()
            except OutputFailure as failure:
                self._events.put(TrackFailed(index, path, failure.error))
                index += 1
                continue
            with self._lock:
                self._index = index
                self._position = 0.0
            self._events.put(TrackStarted(index, path))
            if self._state is not PlayerState.FADING:
                self._set_state(PlayerState.PLAYING)
            return
        self._output.stop()
        self._ramp = None
        self._after_ramp = None
        played_any = self._index >= 0
        self._set_state(PlayerState.STOPPED if played_any else PlayerState.ERROR)
        self._events.put(PlaybackEnded(completed=played_any))

    def _do_pause(self) -> None:
        if self._state is not PlayerState.PLAYING:
            return
        self._set_state(PlayerState.PAUSED)
        self._ramp_to(0.0, PAUSE_FADE_SECONDS, then=self._output.pause)

    def _do_resume(self) -> None:
        if self._state is not PlayerState.PAUSED:
            return
        if self._ramp is not None:  # still fading down for the pause: just turn back up
            self._after_ramp = None
        else:
            self._output.resume()
        self._set_state(PlayerState.PLAYING)
        self._ramp_to(1.0, PAUSE_FADE_SECONDS)

    def _do_end(self, fade_out: float) -> None:
        if self._state is PlayerState.PAUSED and self._ramp is None:
            self._finish_ended()  # already silent
            return
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED):
            return
        if self._state is PlayerState.PAUSED:
            self._after_ramp = None
        self._set_state(PlayerState.FADING)
        # Fade from wherever the level is now, taking proportionally less time if already low.
        self._ramp_to(0.0, fade_out * self._fade_level, then=self._finish_ended)

    def _finish_ended(self) -> None:
        self._output.stop()
        self._set_state(PlayerState.STOPPED)
        self._events.put(PlaybackEnded(completed=False))

    def _do_set_volume(self, volume: float) -> None:
        with self._lock:
            self._volume = volume
        target = perceptual_gain(volume)
        seconds = abs(target - self._volume_gain) * VOLUME_GLIDE_SECONDS
        self._volume_glide = _Ramp(self._volume_gain, target, seconds, self._clock())

    def _do_close(self) -> None:
        self._ramp = None
        self._output.stop()
        self._output.close()
        self._set_state(PlayerState.STOPPED)

    # -- helpers --------------------------------------------------------------------------------

    def _ramp_to(
        self, level: float, seconds: float, then: Callable[[], None] | None = None
    ) -> None:
        self._ramp = _Ramp(self._fade_level, level, max(0.0, seconds), self._clock())
        self._after_ramp = then

    def _apply_gain(self) -> None:
        self._output.set_gain(self._volume_gain * self._fade_level)

    def _set_state(self, state: PlayerState) -> None:
        with self._lock:
            if self._state is state:
                return
            self._state = state
        self._events.put(StateChanged(state))

    def _fail(self, error: PlayerError) -> None:
        self._ramp = None
        self._after_ramp = None
        with contextlib.suppress(Exception):  # the output is already broken; the state says so
            self._output.stop()
        self._set_state(PlayerState.ERROR)
        self._events.put(TrackFailed(self._index, Path(), error))
        self._events.put(PlaybackEnded(completed=False))
