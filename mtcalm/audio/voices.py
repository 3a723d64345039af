"""The sounds the mixer layers: a track playing once, and an ambience loop that never ends."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm.audio.decoder import SAMPLE_RATE, TrackDecoder
from mtcalm.audio.envelope import Ramp
from mtcalm.audio.metadata import AudioFileError

if TYPE_CHECKING:
    from mtcalm.audio.decoder import Frames

# A file that stops this much before its announced end was cut short; its last samples are
# faded so the cut is not a click.
EARLY_END_FRAMES = 2048
DECLICK_FRAMES = 256
LOOP_JOIN_SECONDS = 1.0


def equal_power(levels: Frames) -> Frames:
    """Crossfade shape: the two sides' powers always add up to one."""
    import numpy as np

    return np.asarray(np.sin(levels * (np.pi / 2)), dtype=np.float32)


def declick_tail(frames: Frames) -> None:
    """Fade the last few samples to silence in place."""
    import numpy as np

    count = min(DECLICK_FRAMES, len(frames))
    if count:
        frames[-count:] *= np.linspace(1.0, 0.0, count, dtype=np.float32)[:, None]


class TrackVoice:
    """One track of the programme: its decoder, its level and its crossfade envelope."""

    def __init__(self, decoder: TrackDecoder, index: int, envelope: float = 1.0) -> None:
        self.decoder = decoder
        self.index = index
        self.path = decoder.path
        self.gain = 1.0
        self.envelope = Ramp(envelope)
        self.leaving = False  # fading out for a crossfade or seek, to be dropped at silence
        self.announced = False  # TrackStarted has been sent: its first frames were heard
        self.ended = False
        self.error: AudioFileError | None = None  # why it ended early, if it broke

    @property
    def frames(self) -> int:
        return self.decoder.frames

    @property
    def position(self) -> int:
        return self.decoder.position

    @property
    def frames_left(self) -> int:
        return max(0, self.decoder.frames - self.decoder.position)

    @property
    def silent(self) -> bool:
        faded_out = not self.envelope.moving and self.envelope.value == 0
        return self.ended or (self.leaving and faded_out)

    def mix_into(self, out: Frames) -> int:
        """Add this voice's next ``len(out)`` frames, at its level and envelope, to ``out``.

        Returns how many frames it had; fewer than asked means it has ended.
        """
        wanted = len(out)
        frames = self.decoder.read(wanted)
        shape = equal_power(self.envelope.render(wanted))
        cut_here = self.decoder.cut_short and self.frames_left == 0
        if len(frames) < wanted or cut_here:
            self.ended = True
            self.error = self.decoder.error
            if self.error is None and (cut_here or self.frames_left > EARLY_END_FRAMES):
                self.error = AudioFileError(
                    "File cut short", f"{self.path} ends part-way through: the rest is missing."
                )
            if self.error is not None or self.decoder.length_unknown:  # no fade-out was due
                frames = frames.copy()
                declick_tail(frames)
        count = len(frames)
        if count:
            out[:count] += frames * (shape[:count, None] * self.gain)
        return count

    def close(self) -> None:
        self.decoder.close()


class LoopVoice:
    """An ambience file played round and round; the join is a crossfade of its end into its start.

    The file's last second is overlaid on its first, so even a file that was not made to loop
    joins without a gap or a click. Each pass after the first begins a second in.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.decoder = TrackDecoder(path)
        self.on = Ramp(0.0)
        self.gain = 1.0
        self.error: AudioFileError | None = None
        length = self.decoder.frames
        self._join = min(int(LOOP_JOIN_SECONDS * SAMPLE_RATE), length // 4)
        self._head = self.decoder.read(self._join).copy()
        if self._join < 1 or len(self._head) < self._join:
            self.decoder.close()
            raise AudioFileError("Too short to loop", f"{path} is too short to loop.")
        self._end = length
        self.decoder.seek(0)

    @property
    def silent(self) -> bool:
        return not self.on.moving and self.on.value == 0

    def read(self, count: int) -> Frames:
        """The next ``count`` frames of the endless loop. Raises :class:`AudioFileError`."""
        import numpy as np

        pieces: list[Frames] = []
        needed = count
        while needed > 0:
            position = self.decoder.position
            join_start = self._end - self._join
            if position < join_start:
                piece = self.decoder.read(min(needed, join_start - position))
                if self.decoder.error is not None:
                    return self._broken(pieces, piece, count)
                if len(piece) == 0:  # shorter than announced: join here
                    self._end = position
                    self._join = min(self._join, position // 2)
                    if self._join < 1:
                        raise AudioFileError("Too short to loop", f"{self.path} is too short.")
                    self.decoder.seek(0)
                    self.decoder.read(self._join)
                    continue
            else:
                offset = position - join_start
                taken = min(needed, self._end - position)
                tail = self.decoder.read(taken)
                if self.decoder.error is not None:
                    return self._broken(pieces, tail, count)
                cut_short = len(tail) < taken
                if cut_short:
                    tail = np.concatenate([tail, np.zeros((taken - len(tail), 2), np.float32)])
                share = (offset + np.arange(taken, dtype=np.float32)) / self._join
                head = self._head[offset : offset + taken]
                piece = (
                    tail * np.cos(share * math.pi / 2)[:, None]
                    + head * np.sin(share * math.pi / 2)[:, None]
                ).astype(np.float32)
                if cut_short or offset + taken >= self._join:
                    # Start the next pass where the overlaid head left off. Reading from the
                    # top keeps a resampler's start-up inside the part that is skipped.
                    self.decoder.seek(0)
                    self.decoder.read(self._join)
            pieces.append(piece)
            needed -= len(piece)
        return np.concatenate(pieces) if len(pieces) > 1 else pieces[0]

    def _broken(self, pieces: list[Frames], last: Frames, count: int) -> Frames:
        """The file broke: what was read, its end faded, then silence; :attr:`error` says why."""
        import numpy as np

        self.error = self.decoder.error
        heard = np.concatenate([*pieces, last]) if pieces else last.copy()
        declick_tail(heard)
        silence = np.zeros((count - len(heard), 2), dtype=np.float32)
        return np.concatenate([heard, silence])

    def close(self) -> None:
        self.decoder.close()
