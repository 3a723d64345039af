"""The player contract: a programme of tracks with fades, crossfades, ambience and a timer.

A :class:`Player` runs its own control thread, which alone touches the mixer and the output:
it keeps the output's short queue filled with the mixer's blocks, so a slow caller never
stalls the sound and a slow file never blocks the caller. Callers read :meth:`Player.status`
and drain :meth:`Player.poll_events`; events are released when their sound is heard.
Nothing here imports Qt.
"""

from __future__ import annotations

import bisect
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from mtcalm.audio.decoder import SAMPLE_RATE
from mtcalm.audio.events import (
    EndReason,
    OutputFailure,
    PlaybackEnded,
    PlayerError,
    PlayerEvent,
    PlayerState,
    PlayerStatus,
    StateChanged,
    TrackFailed,
    perceptual_gain,
)
from mtcalm.audio.levels import LevelAnalyser
from mtcalm.audio.mixer import Marker, Mixer
from mtcalm.audio.output import Clock, Output

__all__ = [
    "BLOCK_FRAMES",
    "Clock",
    "Output",
    "OutputFailure",
    "PlaybackEnded",
    "Player",
    "PlayerError",
    "PlayerState",
    "PlayerStatus",
    "perceptual_gain",
]

# 93 ms. The output keeps 0.2 s queued ahead (output.QUEUE_AHEAD_FRAMES), topped up every
# 50 ms: far more than the longest pause measured while the window builds a page (about
# 30 ms), and little enough that a pause or a seek is heard at once. (Blocks of 2048 frames
# and a 30 ms wake-up cost a third more CPU for no audible gain: 3.2% of a core against 2.2%.)
BLOCK_FRAMES = 4096
# While sound is queued the thread wakes this often to top the queue up. With nothing queued it
# sleeps until a command arrives.
TICK_SECONDS = 0.05
# Python passes its lock between busy threads every 5 ms by default. Rendering a block lets go
# of the lock and takes it back some twenty times (numpy, libsndfile), and each time another
# thread busy in Python (the window building a page) keeps it for a whole interval: a block
# of 4096 frames, 0.6 ms of work, took up to 96 ms, longer than the 93 ms it plays, and the
# sound starved. At 0.5 ms it took 0.5 ms however busy the caller (measured). Idle threads are
# not affected: the interval only matters while two threads want the lock.
SWITCH_INTERVAL_SECONDS = 0.0005
SWITCH_FADE_SECONDS = 0.5  # play() over a playing programme fades that one out this fast
SKIP_FADE_SECONDS = 1.5  # skip() fades the track being heard out this fast (less if less is left)


class Player:
    """Plays a programme through one :class:`Output`. Every method is safe from any thread."""

    def __init__(
        self,
        output: Output,
        *,
        volume: float = 0.7,
        ambience_volume: float = 0.5,
        levels: LevelAnalyser | None = None,
    ) -> None:
        self.output_name = output.name
        self._output = output
        self._levels = levels or LevelAnalyser()
        self._mixer = Mixer(
            self._levels, volume=_clamp(volume), ambience_volume=_clamp(ambience_volume)
        )
        self._commands: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._events: queue.SimpleQueue[PlayerEvent] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._state = PlayerState.STOPPED
        self._volume = _clamp(volume)
        self._ambience_volume = _clamp(ambience_volume)
        self._status = PlayerStatus(PlayerState.STOPPED, -1, 0.0, 0.0, 0.0, self._volume)
        self._pending: list[tuple[int, PlayerEvent]] = []  # (output frame, event), in order
        self._markers: list[Marker] = []
        self._started_at = 0  # output frame where the programme began
        self._finished_at: int | None = None
        self._finish_reason = EndReason.COMPLETED
        self._next_programme: Callable[[], None] | None = None  # play() while one is playing
        self._closed = False
        if sys.getswitchinterval() > SWITCH_INTERVAL_SECONDS:
            sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        self._thread = threading.Thread(target=self._run, name="mtcalm-player", daemon=True)
        self._thread.start()

    # -- the contract ---------------------------------------------------------------------------

    def prepare(self, tracks: Sequence[Path]) -> None:
        """Measure the levels of tracks without ReplayGain now, so playing starts at once."""
        self._levels.request(tuple(tracks))

    def play(
        self,
        tracks: Sequence[Path],
        *,
        fade_in: float = 3.0,
        crossfade: float = 0.0,
        fade_out: float = 4.0,
        timer: float | None = None,
    ) -> None:
        """Start the programme from its first track.

        ``crossfade`` overlaps consecutive tracks (0 joins them sample to sample); the last
        track fades out over ``fade_out`` to end with it. With a ``timer`` (seconds) the
        programme plays round until the timer ends it with the same fade-out.
        """
        programme = tuple(tracks)
        self._levels.request(programme[1:])
        self._commands.put(
            lambda: self._do_play(
                lambda: self._start_programme(programme, fade_in, crossfade, fade_out, timer)
            )
        )

    def pause(self) -> None:
        self._commands.put(self._do_pause)

    def resume(self) -> None:
        self._commands.put(self._do_resume)

    def end(self, fade_out: float = 4.0) -> None:
        """End the programme gently: fade out over ``fade_out`` seconds, then stop."""
        self._commands.put(lambda: self._do_end(fade_out, cancel_next=True))

    def skip(self) -> None:
        """Go on to the programme's next track: the one heard fades out over about 1.5 s.

        The next track is announced with TrackStarted as usual. Skipping the last track ends
        the programme as :meth:`end` does, with the same short fade: PlaybackEnded then says
        EndReason.ENDED, since the person ended it before its end.
        """
        self._commands.put(self._do_skip)

    def seek(self, seconds: float) -> None:
        """Go to ``seconds`` into the track being heard."""
        self._commands.put(lambda: self._do_seek(seconds))

    def set_timer(self, seconds: float | None) -> None:
        """End the session ``seconds`` of listening from now, with the fade-out; None: no timer.

        "From now" is as heard: the sound already queued ahead counts towards it.
        """
        self._commands.put(
            lambda: self._do_timer(lambda: self._mixer.set_timer(self._heard_from_now(seconds)))
        )

    def _heard_from_now(self, seconds: float | None) -> float | None:
        """``seconds`` from what is heard now, as seconds from what is rendered."""
        if seconds is None:
            return None
        queued = max(0, self._output.written_frames() - self._output.played_frames())
        return max(0.0, seconds - queued / SAMPLE_RATE)

    def change_timer(self, seconds: float) -> None:
        """Lengthen (positive) or shorten (negative) the running timer."""
        self._commands.put(lambda: self._do_timer(lambda: self._mixer.change_timer(seconds)))

    def set_volume(self, volume: float) -> None:
        clamped = _clamp(volume)
        with self._lock:
            self._volume = clamped
        self._commands.put(lambda: self._mixer.set_volume(clamped))

    def set_ambience(self, path: Path | None) -> None:
        """Fade in a looping ambience under the music (None fades it out)."""
        self._commands.put(lambda: self._do_set_ambience(path))

    def set_ambience_volume(self, volume: float) -> None:
        clamped = _clamp(volume)
        with self._lock:
            self._ambience_volume = clamped
        self._commands.put(lambda: self._mixer.set_ambience_volume(clamped))

    def status(self) -> PlayerStatus:
        with self._lock:
            return replace(self._status, volume=self._volume, ambience_volume=self._ambience_volume)

    def poll_events(self) -> list[PlayerEvent]:
        """Every event heard since the last call, oldest first."""
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
        self._levels.close()
        self._closed = True

    # -- the control thread ---------------------------------------------------------------------

    def _run(self) -> None:
        _load_decoders()
        while True:
            try:
                command = self._commands.get(timeout=TICK_SECONDS if self._busy() else None)
            except queue.Empty:
                command = None
            try:
                while command is not None:
                    command()
                    if command == self._do_close:
                        return
                    command = self._commands.get_nowait()
            except queue.Empty:
                pass
            except Exception as error:  # never let the audio thread die silently
                self._fail(PlayerError("Playback stopped", f"An audio error happened: {error}"))
            try:
                self._feed()
                self._publish()
            except Exception as error:
                self._fail(PlayerError("Playback stopped", f"An audio error happened: {error}"))

    def _busy(self) -> bool:
        """Something is playing, or still to be heard."""
        return (
            (self._mixer.active and not self._mixer.paused_silent)
            or bool(self._pending)
            or self._finished_at is not None
            or self._output.played_frames() < self._output.written_frames()
        )

    def _feed(self) -> None:
        """Keep the output's queue filled while the programme plays."""
        mixer = self._mixer
        while mixer.active and not mixer.paused_silent and self._output.wants_block():
            offset = self._output.written_frames() - mixer.rendered  # mixer frame -> output frame
            rendered = mixer.render(BLOCK_FRAMES)
            for frame, event in rendered.events:
                self._pending.append((offset + frame, event))
            for marker in rendered.markers:
                self._markers.append(replace(marker, frame=offset + marker.frame))
            if rendered.ending in (EndReason.ENDED, EndReason.TIMER):
                fading = StateChanged(PlayerState.FADING)
                self._pending.append((self._output.written_frames(), fading))
            if len(rendered.block):
                self._output.write(rendered.block)
            if rendered.finished is not None:
                self._finish_at(self._output.written_frames(), rendered.finished)

    def _finish_at(self, frame: int, reason: EndReason) -> None:
        self._finished_at = frame
        self._finish_reason = reason

    def _publish(self) -> None:
        """Release the events now heard, and bring the status up to date."""
        played = self._output.played_frames()
        while self._pending and self._pending[0][0] <= played:
            _, event = self._pending.pop(0)
            if isinstance(event, StateChanged):
                self._set_state(event.state)
            else:
                self._events.put(event)
                if not isinstance(event, TrackFailed) and self._state is PlayerState.STOPPED:
                    self._set_state(PlayerState.PLAYING)
        if self._finished_at is not None and played >= self._finished_at and not self._pending:
            self._finished_at = None
            reason = self._finish_reason
            failed = reason is EndReason.FAILED
            self._set_state(PlayerState.ERROR if failed else PlayerState.STOPPED)
            self._events.put(PlaybackEnded(reason))
            if self._next_programme is not None:
                start, self._next_programme = self._next_programme, None
                start()
        self._update_status(played)

    def _update_status(self, played: int) -> None:
        index, position, duration = -1, 0.0, 0.0
        if self._markers:
            at = bisect.bisect_right([marker.frame for marker in self._markers], played) - 1
            if at > 0:
                del self._markers[:at]
                at = 0
            if at == 0:
                marker = self._markers[0]
                heard = marker.position + (played - marker.frame)
                index = marker.index
                position = min(heard, marker.duration) / SAMPLE_RATE
                duration = marker.duration / SAMPLE_RATE
        with self._lock:
            previous = self._status
            if index < 0 and previous.index >= 0:
                index, position, duration = previous.index, previous.position, previous.duration
            timer = self._mixer.timer_left()
            if timer is not None:  # the mixer counts what it has rendered; count what is heard
                timer += max(0, self._output.written_frames() - played)
            self._status = PlayerStatus(
                self._state,
                index,
                position,
                duration,
                max(0, played - self._started_at) / SAMPLE_RATE,
                self._volume,
                None if timer is None else timer / SAMPLE_RATE,
                self._mixer.ambience_path,
                self._ambience_volume,
            )

    def _do_play(self, start: Callable[[], None]) -> None:
        if self._state in (PlayerState.PLAYING, PlayerState.FADING, PlayerState.PAUSED):
            self._next_programme = start  # the one playing fades out first: never a cut
            self._do_end(SWITCH_FADE_SECONDS)
        else:
            start()

    def _start_programme(
        self,
        tracks: tuple[Path, ...],
        fade_in: float,
        crossfade: float,
        fade_out: float,
        timer: float | None,
    ) -> None:
        if tracks:
            self._levels.level(tracks[0])  # known before the first sample: no level jump
        self._pending.clear()
        self._markers.clear()
        self._finished_at = None
        self._started_at = self._output.written_frames()
        with self._lock:
            self._status = PlayerStatus(PlayerState.STOPPED, -1, 0.0, 0.0, 0.0, self._volume)
        self._mixer.start(
            tracks, fade_in=fade_in, crossfade=crossfade, fade_out=fade_out, timer=timer
        )

    def _do_timer(self, change: Callable[[], None]) -> None:
        """Change the timer; one lengthened during its fade-out brings the music back."""
        timer_ending = self._mixer.ending is EndReason.TIMER
        change()
        if timer_ending and self._mixer.ending is None:
            fading = StateChanged(PlayerState.FADING)
            self._pending = [item for item in self._pending if item[1] != fading]
            if self._state is PlayerState.FADING:
                self._set_state(PlayerState.PLAYING)

    def _starting(self) -> bool:
        """A programme has begun but its first sound is not heard yet."""
        return self._state is PlayerState.STOPPED and self._mixer.active

    def _do_pause(self) -> None:
        if self._state is PlayerState.PLAYING or self._starting():
            self._mixer.pause()
            self._set_state(PlayerState.PAUSED)

    def _do_resume(self) -> None:
        if self._state is PlayerState.PAUSED:
            self._mixer.resume()
            self._set_state(PlayerState.PLAYING)

    def _do_end(self, fade_out: float, *, cancel_next: bool = False) -> None:
        if cancel_next:
            self._next_programme = None  # the person ended it: nothing follows
        if self._starting():
            self._mixer.end(fade_out)
            self._set_state(PlayerState.FADING)
            return
        if self._state is PlayerState.FADING:
            switching = self._next_programme is not None
            self._mixer.end(min(fade_out, SWITCH_FADE_SECONDS) if switching else fade_out)
            return
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED):
            return
        if self._mixer.paused_silent:  # already quiet: stop at once
            self._mixer.stop()
            self._finish_at(self._output.written_frames(), EndReason.ENDED)
            return
        if self._state is PlayerState.PAUSED:  # the pause fade is under way: end from there
            self._mixer.resume()
            self._mixer.hold.move_to(self._mixer.hold.value, 0)
        self._mixer.end(fade_out)
        self._set_state(PlayerState.FADING)

    def _do_skip(self) -> None:
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED) and not self._starting():
            return
        if not self._mixer.skip(SKIP_FADE_SECONDS):
            self._do_end(SKIP_FADE_SECONDS, cancel_next=True)

    def _do_seek(self, seconds: float) -> None:
        if self._state not in (PlayerState.PLAYING, PlayerState.PAUSED, PlayerState.FADING):
            return
        error = self._mixer.seek(seconds)
        if error is not None:
            with self._lock:
                index = self._status.index
            self._events.put(TrackFailed(index, Path(), error))
            return
        # Show the new place at once, counting on from it until the new blocks are heard.
        with self._lock:
            status = self._status
            self._status = replace(status, position=min(max(0.0, seconds), status.duration))
        self._markers = [
            Marker(
                self._output.played_frames(),
                status.index,
                round(self._status.position * SAMPLE_RATE),
                round(status.duration * SAMPLE_RATE),
            )
        ]

    def _do_set_ambience(self, path: Path | None) -> None:
        from mtcalm.audio.events import AmbienceFailed

        error = self._mixer.set_ambience(path)
        if error is not None and path is not None:
            self._events.put(AmbienceFailed(path, error))

    def _do_close(self) -> None:
        self._mixer.close()
        self._output.stop()
        self._output.close()
        self._set_state(PlayerState.STOPPED)

    def _set_state(self, state: PlayerState) -> None:
        with self._lock:
            if self._state is state:
                return
            self._state = state
            self._status = replace(self._status, state=state)
        self._events.put(StateChanged(state))

    def _fail(self, error: PlayerError) -> None:
        try:
            self._mixer.close()
            self._output.stop()
        except Exception:  # the output is already broken; the state says so
            pass
        self._pending.clear()
        self._finished_at = None
        self._set_state(PlayerState.ERROR)
        self._events.put(TrackFailed(-1, Path(), error))
        self._events.put(PlaybackEnded(EndReason.FAILED))


def _clamp(value: float) -> float:
    return min(1.0, max(0.0, value))


def _load_decoders() -> None:
    """Import the decoding libraries now, so the first play() starts without waiting on them."""
    import soundfile  # noqa: F401

    from mtcalm.audio.metadata import preload

    preload()
