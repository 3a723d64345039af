"""The mixer: turns a programme into blocks of samples, with every fade drawn sample by sample.

It layers the tracks (overlapping them for a crossfade, or joining them sample to sample when
the crossfade is 0), an ambience loop, and the session's fades, pause and volume. It has no
clock and no thread: the player asks for the next block and sends it to an output, so the
mixer's arithmetic can be tested faster than real time. Every event it reports carries the
output frame at which it will be heard.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm.audio.decoder import SAMPLE_RATE, TrackDecoder
from mtcalm.audio.envelope import Ramp
from mtcalm.audio.events import (
    AmbienceFailed,
    EndReason,
    PlayerError,
    PlayerEvent,
    TrackFailed,
    TrackStarted,
)
from mtcalm.audio.levels import LevelAnalyser
from mtcalm.audio.metadata import AudioFileError
from mtcalm.audio.voices import DECLICK_FRAMES, LoopVoice, TrackVoice

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

PAUSE_FADE_SECONDS = 0.4
VOLUME_GLIDE_SECONDS = 0.4  # across the whole range: moving the slider never clicks
SEEK_FADE_SECONDS = 0.03
AMBIENCE_FADE_SECONDS = 3.0
RESUME_AFTER_TIMER_SECONDS = 1.0  # the timer was extended during its fade-out: come back up
MAX_CROSSFADE_SECONDS = 12.0
SHORTEST_TIMER_FADE_SECONDS = 1.0
# The fade-in and the fade-out together take at most this share of the time there is (the
# timer's, or the programme's): a 4 s track with a session's 3 s and 4 s fades would otherwise
# fade out before it has faded in, and be silent. They shrink in proportion, as crossfades do.
FADE_SHARE = 0.4
# Near a track's end its last seconds are decoded ahead, so the fade-out or crossfade ends at
# its real end even when its header promised more frames than it has.
LOOK_AHEAD_MARGIN_SECONDS = 1.0
LOOK_AHEAD_LIMIT_SECONDS = 30.0  # beyond this (a very long fade) the header is taken at its word


def frames(seconds: float) -> int:
    return max(0, round(seconds * SAMPLE_RATE))


def level_gain(levels: Frames) -> Frames:
    """Perceptual taper for fades and volume: a steady glide sounds like a steady change."""
    return levels * levels * levels


@dataclass(frozen=True)
class Marker:
    """From output ``frame`` on, track ``index`` is heard from ``position`` (frames)."""

    frame: int
    index: int
    position: int
    duration: int


@dataclass
class Rendered:
    block: Frames
    events: list[tuple[int, PlayerEvent]] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    ending: EndReason | None = None  # the ending fade began in this block
    finished: EndReason | None = None  # the programme ended with this block's last frame


def _real_frames_left(decoder: TrackDecoder, needed: int) -> int:
    """Frames left in the file; decoded ahead to be sure only when fewer than ``needed``."""
    declared = max(0, decoder.frames - decoder.position)
    return declared if declared >= needed else decoder.look_ahead(needed)


def _error(failure: AudioFileError) -> PlayerError:
    return PlayerError(failure.short, failure.long)


class Mixer:
    """Used by one thread (the player's control thread); holds the open files."""

    def __init__(self, levels: LevelAnalyser, *, volume: float, ambience_volume: float) -> None:
        self._levels = levels
        self.volume = Ramp(volume)
        self.opening = Ramp(0.0)  # the fade-in
        self.closing = Ramp(1.0)  # the fade-out that ends the programme
        self.hold = Ramp(1.0)  # pause and resume
        self.ambience_volume = Ramp(ambience_volume)
        self._tracks: tuple[Path, ...] = ()
        self._voices: list[TrackVoice] = []
        self._upcoming: TrackVoice | None = None
        self._next_index = 0
        self._played_this_pass = False
        self._played_any = False
        self._repeat = False
        self._crossfade = 0
        self._fade_in = 0
        self._fade_out = 0
        self._fades_fitted = False
        self._skipping: TrackVoice | None = None  # fading out, the next track waits for it
        self._ambience: list[LoopVoice] = []
        self.ambience_path: Path | None = None
        self.rendered = 0
        self.timer_end: int | None = None
        self.ending: EndReason | None = None
        self.active = False

    # -- commands -------------------------------------------------------------------------------

    def start(
        self,
        tracks: Sequence[Path],
        *,
        fade_in: float,
        crossfade: float,
        fade_out: float,
        timer: float | None,
    ) -> None:
        """Begin a programme from its first track (closing any that was playing)."""
        self._close_voices()
        self._tracks = tuple(tracks)
        self._next_index = 0
        self._played_this_pass = self._played_any = False
        self._crossfade = frames(min(MAX_CROSSFADE_SECONDS, max(0.0, crossfade)))
        self._fade_in, self._fade_out = frames(fade_in), frames(fade_out)
        self._fades_fitted = False  # fitted to the time there is when the first track opens
        self.rendered = 0
        self.ending = None
        self.opening = Ramp(0.0)
        self.opening.move_to(1.0, self._fade_in)
        self.closing = Ramp(1.0)
        self.hold = Ramp(1.0)
        self.set_timer(timer)
        self.active = True

    def end(self, fade_out: float, reason: EndReason = EndReason.ENDED) -> None:
        """Fade to silence, taking less time the quieter it already is, then finish."""
        if not self.active:
            return
        self.ending = reason
        self._fold_opening()
        self.closing.move_to(0.0, round(frames(fade_out) * self.closing.value))

    def _fold_opening(self) -> None:
        """From here on only the closing fade moves, so an ending never grows louder."""
        level = self.opening.value * self.closing.value
        self.opening = Ramp(1.0)
        self.closing = Ramp(level)

    def skip(self, fade_out: float) -> bool:
        """Fade the track being heard out over ``fade_out`` (less if less is left), then go on
        with the next. False when it is the programme's last track (nothing to go on to)."""
        current = self._current()
        if not self.active or self.ending is not None or current is None or current.leaving:
            return True  # nothing playing to skip, or already on its way out
        if self._is_last(current):
            return False
        # While paused nothing is heard: the next track is simply there when the music resumes.
        length = max(min(frames(fade_out), current.frames_left), DECLICK_FRAMES)
        length = 0 if self.paused_silent else length
        current.leaving = True
        current.envelope.move_to(0.0, length)
        self._skipping = current
        return True

    def pause(self) -> None:
        self.hold.move_to(0.0, round(frames(PAUSE_FADE_SECONDS) * self.hold.value))

    def resume(self) -> None:
        self.hold.move_to(1.0, round(frames(PAUSE_FADE_SECONDS) * (1.0 - self.hold.value)))

    @property
    def paused_silent(self) -> bool:
        """Paused, and the pause fade has reached silence: nothing more to render for now."""
        return self.hold.target == 0.0 and not self.hold.moving

    def set_volume(self, volume: float) -> None:
        glide = abs(volume - self.volume.value) * frames(VOLUME_GLIDE_SECONDS)
        self.volume.move_to(volume, round(glide))

    def set_ambience_volume(self, volume: float) -> None:
        glide = abs(volume - self.ambience_volume.value) * frames(VOLUME_GLIDE_SECONDS)
        self.ambience_volume.move_to(volume, round(glide))

    def set_ambience(self, path: Path | None) -> PlayerError | None:
        """Fade the present ambience out and ``path`` (if any) in; the error if it cannot loop."""
        for voice in self._ambience:
            voice.on.move_to(0.0, round(frames(AMBIENCE_FADE_SECONDS) * voice.on.value))
        self.ambience_path = None
        if path is None:
            return None
        try:
            voice = LoopVoice(path)
        except AudioFileError as failure:
            return _error(failure)
        voice.gain = self._levels.level(path).gain  # at full ambience volume, as loud as music
        voice.on.move_to(1.0, frames(AMBIENCE_FADE_SECONDS))
        self._ambience.append(voice)
        self.ambience_path = path
        return None

    def set_timer(self, seconds: float | None) -> None:
        """End the session ``seconds`` from now with the fade-out; None for no timer."""
        if seconds is None:
            self.timer_end = None
            self._repeat = False
        else:
            self.timer_end = self.rendered + frames(max(0.0, seconds))
            self._repeat = True  # a short programme plays again until the timer ends it
        self._revisit_timer_fade()

    def change_timer(self, seconds: float) -> None:
        """Lengthen (positive) or shorten (negative) a running timer."""
        if self.timer_end is not None:
            change = round(seconds * SAMPLE_RATE)
            self.timer_end = max(self.rendered, self.timer_end + change)
            self._revisit_timer_fade()

    def timer_left(self) -> int | None:
        return None if self.timer_end is None else max(0, self.timer_end - self.rendered)

    def seek(self, seconds: float) -> PlayerError | None:
        """Move within the track being heard, crossfading briefly from the old place."""
        current = self._current()
        if current is None:
            return None
        target = min(frames(max(0.0, seconds)), max(0, current.frames - 1))
        if self.paused_silent:
            try:
                current.decoder.seek(target)
            except AudioFileError as failure:
                return _error(failure)
            return None
        try:
            decoder = TrackDecoder(current.path)
            decoder.seek(target)
        except AudioFileError as failure:
            return _error(failure)
        voice = TrackVoice(decoder, current.index, envelope=0.0)
        voice.gain = current.gain
        voice.announced = True  # the same track, heard from another place
        length = frames(SEEK_FADE_SECONDS)
        voice.envelope.move_to(1.0, length)
        for old in self._voices:
            old.leaving = True
            old.envelope.move_to(0.0, length)
        self._voices.append(voice)
        return None

    def stop(self) -> None:
        """End the programme at once (it is already silent); the ambience stays chosen."""
        self._close_voices()
        self.active = False

    def close(self) -> None:
        self.stop()
        for voice in self._ambience:
            voice.close()
        self._ambience.clear()
        self.ambience_path = None

    # -- rendering ------------------------------------------------------------------------------

    def render(self, count: int) -> Rendered:
        """The next block: ``count`` frames, or fewer when the programme ends or pause is silent."""
        import numpy as np

        out = np.zeros((count, 2), dtype=np.float32)
        result = Rendered(out)
        done = 0
        while done < count and self.active and not self.paused_silent:
            if not self._schedule(result):
                break
            current = self._current()
            span = min(count - done, self._frames_to_next_point(current))
            segment = out[done : done + span]
            if current is not None:
                result.markers.append(
                    Marker(self.rendered, current.index, current.position, current.frames)
                )
            longest = 0
            for voice in self._voices:
                had = voice.mix_into(segment)
                longest = max(longest, had)
                if had and not voice.announced:
                    voice.announced = True  # heard from here: it counts as played
                    self._played_this_pass = self._played_any = True
                    event = TrackStarted(voice.index, voice.path)
                    result.events.append((self.rendered, event))
            if longest < span and self._voices and all(voice.ended for voice in self._voices):
                # The sound ended sooner than its header said: what follows (the next track, or
                # the end) comes at once, with no silence padded in.
                span = longest
                segment = segment[:span]
            self._mix_ambience(segment, result)
            master = level_gain(self.volume.render(span))
            master *= level_gain(self.opening.render(span))
            master *= level_gain(self.closing.render(span))
            master *= level_gain(self.hold.render(span))
            segment *= master[:, None]
            self.rendered += span
            done += span
            self._drop_finished_voices(result)
            if self.ending is not None and not self.closing.moving and self.closing.value == 0:
                self._finish(result, self.ending)
        result.block = out[:done]
        return result

    def _current(self) -> TrackVoice | None:
        for voice in reversed(self._voices):
            if not voice.leaving:
                return voice
        return self._voices[-1] if self._voices else None

    def _frames_to_next_point(self, current: TrackVoice | None) -> int:
        """Frames until something must change: a crossfade, a fade, a pause reaching silence."""
        points = [1 << 30]
        if current is not None and not current.leaving and not current.ended:
            points.append(current.frames_left)
            crossfade = self._crossfade_for(current)
            if current.frames_left > crossfade:
                points.append(current.frames_left - crossfade)
            if self._is_last(current) and current.frames_left > self._fade_out:
                points.append(current.frames_left - self._fade_out)
        if self.timer_end is not None and self.ending is None:
            fade_start = self.timer_end - self._fade_out - self.rendered
            if fade_start > 0:
                points.append(fade_start)
        for ramp in (self.closing, self.hold):
            if ramp.moving and ramp.target == 0.0:
                points.append(ramp.frames_left)
        if self._skipping is not None and self._skipping.envelope.moving:
            points.append(self._skipping.envelope.frames_left)
        return max(1, min(points))

    def _crossfade_for(self, current: TrackVoice) -> int:
        """The crossfade out of ``current``: at most half of it, and half of what follows."""
        limit = current.frames // 2
        if self._upcoming is not None:
            limit = min(limit, self._upcoming.frames // 2)
        return min(self._crossfade, limit)

    def _is_last(self, current: TrackVoice) -> bool:
        return not self._repeat and self._upcoming is None and self._next_index >= len(self._tracks)

    def _schedule(self, result: Rendered) -> bool:
        """Start the next track, the programme's last fade or the timer's fade when it is time.

        False when the programme has ended.
        """
        current = self._current()
        if current is not None and not current.leaving and not current.ended:
            self._find_real_end(current)
        skipping = self._skipping is not None and not self._skipping.silent
        if not skipping:
            self._skipping = None
        if current is None or current.ended or current.leaving:
            due, crossfade = not skipping, 0  # after a skip, the next begins once it is silent
        else:
            crossfade = min(self._crossfade_for(current), current.frames_left)
            due = current.frames_left <= self._crossfade_for(current)
        started = due and self._start_next(current, crossfade, result)
        if due and not started and all(voice.silent for voice in self._voices):
            reason = EndReason.COMPLETED if self._played_any else EndReason.FAILED
            self._finish(result, self.ending or reason)
            return False
        current = self._current()
        if (
            self.ending is None
            and current is not None
            and not current.leaving
            and self._is_last(current)
            and current.frames_left <= self._fade_out
        ):
            self._begin_ending(EndReason.COMPLETED, current.frames_left, result)
        timer_due = self.timer_end is not None and self.timer_end - self.rendered <= self._fade_out
        if timer_due and self.ending is None:
            self._begin_ending(EndReason.TIMER, self._timer_fade_length(), result)
        return True

    def _begin_ending(self, reason: EndReason, length: int, result: Rendered) -> None:
        self.ending = reason
        self._fold_opening()
        self.closing.move_to(0.0, length)
        result.ending = result.ending or reason

    def _start_next(self, current: TrackVoice | None, crossfade: int, result: Rendered) -> bool:
        """Bring in the next playable track; False when the programme has none left."""
        voice = self._upcoming or self._open_next(result)
        self._upcoming = None
        if voice is None:
            return False
        if not self._fades_fitted:
            self._fit_fades(voice)
        voice.gain = self._levels.level(voice.path).gain
        if current is None or current.ended:
            pass  # nothing to overlap: it starts where the last one stopped
        elif current.leaving:  # already fading out (the track meant to follow it broke)
            voice.envelope = Ramp(0.0)
            voice.envelope.move_to(1.0, max(current.envelope.frames_left, DECLICK_FRAMES))
        elif crossfade > 0:
            voice.envelope = Ramp(0.0)
            voice.envelope.move_to(1.0, crossfade)
            current.envelope.move_to(0.0, crossfade)
            current.leaving = True
        else:
            current.leaving = True
            current.envelope.move_to(0.0, 0)
        self._voices.append(voice)
        self._upcoming = self._open_next(result)  # know now whether this one is the last
        return True

    def _fit_fades(self, first: TrackVoice) -> None:
        """Shrink the fades in proportion to take at most FADE_SHARE of the time there is."""
        self._fades_fitted = True
        both = self._fade_in + self._fade_out
        if both == 0:
            return
        needed = math.ceil(both / FADE_SHARE)
        if self.timer_end is not None:
            time = self.timer_end - self.rendered
        else:
            time = self._programme_frames(first, needed)
        if time >= needed:
            return
        scale = FADE_SHARE * max(0, time) / both
        self._fade_in = round(self._fade_in * scale)
        self._fade_out = round(self._fade_out * scale)
        if self.ending is None and self.rendered == 0:
            self.opening = Ramp(0.0)
            self.opening.move_to(1.0, self._fade_in)

    def _programme_frames(self, first: TrackVoice, needed: int) -> int:
        """The programme's real length from ``first`` on, counted only as far as ``needed``."""
        total = _real_frames_left(first.decoder, needed)
        for path in self._tracks[first.index + 1 :]:
            if total >= needed:
                break
            try:
                decoder = TrackDecoder(path)
            except AudioFileError:
                continue  # it will be reported when its turn comes
            try:
                total += _real_frames_left(decoder, needed - total)
            finally:
                decoder.close()
        return total

    def _find_real_end(self, current: TrackVoice) -> None:
        """Decode a track's last seconds ahead, so its fade ends where its sound really does."""
        decoder = current.decoder
        if decoder.end_checked:
            return
        horizon = self._fade_out + self._crossfade + frames(LOOK_AHEAD_MARGIN_SECONDS)
        if current.frames_left <= min(horizon, frames(LOOK_AHEAD_LIMIT_SECONDS)):
            decoder.look_ahead(current.frames_left + 1)

    def _open_next(self, result: Rendered) -> TrackVoice | None:
        while True:
            if self._next_index >= len(self._tracks):
                if not (self._repeat and self._played_this_pass):
                    return None
                self._next_index = 0
                self._played_this_pass = False
            index = self._next_index
            self._next_index += 1
            path = self._tracks[index]
            try:
                return TrackVoice(TrackDecoder(path), index)
            except AudioFileError as failure:
                result.events.append((self.rendered, TrackFailed(index, path, _error(failure))))

    def _mix_ambience(self, segment: Frames, result: Rendered) -> None:
        if not self._ambience:
            return
        level = level_gain(self.ambience_volume.render(len(segment)))
        for voice in list(self._ambience):
            on = level_gain(voice.on.render(len(segment)))
            try:
                segment += voice.read(len(segment)) * (on * level * voice.gain)[:, None]
            except AudioFileError as failure:
                voice.error = failure
            broken, voice.error = voice.error, None
            if broken is not None:  # what it had was faded out; it is silent from here
                result.events.append((self.rendered, AmbienceFailed(voice.path, _error(broken))))
                voice.on.move_to(0.0, 0)
            if voice.silent:
                voice.close()
                self._ambience.remove(voice)
                if self.ambience_path == voice.path and not self._ambience:
                    self.ambience_path = None

    def _drop_finished_voices(self, result: Rendered) -> None:
        for voice in list(self._voices):
            if voice.error is not None:
                failure = voice.error
                result.events.append(
                    (self.rendered, TrackFailed(voice.index, voice.path, _error(failure)))
                )
                voice.error = None
            if voice.silent:
                voice.close()
                self._voices.remove(voice)

    def _revisit_timer_fade(self) -> None:
        """A timer changed during its fade-out: come back up, or fade to its new end."""
        if self.ending is not EndReason.TIMER:
            return
        if self.timer_end is None or self.timer_end - self.rendered > self._fade_out:
            self.ending = None
            self.closing.move_to(1.0, frames(RESUME_AFTER_TIMER_SECONDS))
        else:
            self.closing.move_to(0.0, self._timer_fade_length())

    def _timer_fade_length(self) -> int:
        """Frames to fade over until the timer's end; never a cut, even for a timer set to now.

        A timer moved to less than a second away ends a second away instead.
        """
        assert self.timer_end is not None
        shortest = min(self._fade_out, frames(SHORTEST_TIMER_FADE_SECONDS))
        length = max(self.timer_end - self.rendered, shortest, 1)
        self.timer_end = self.rendered + length
        return length

    def _finish(self, result: Rendered, reason: EndReason) -> None:
        result.finished = reason
        self.stop()

    def _close_voices(self) -> None:
        self._skipping = None
        for voice in self._voices:
            voice.close()
        self._voices.clear()
        if self._upcoming is not None:
            self._upcoming.close()
            self._upcoming = None
