"""Reading audio files a piece at a time: float32 stereo at the mixer's rate, with exact seeks.

libsndfile (through soundfile) decodes OGG Vorbis, OGG Opus, FLAC, MP3 and WAV in pieces, so
an hour-long file never sits in memory whole; soxr converts other sample rates as a stream.
It recognises formats by their content, so a file with the wrong extension still plays.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mtcalm.audio.metadata import AudioFileError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Frames = npt.NDArray[np.float32]  # shape (frames, 2)

SAMPLE_RATE = 44100
CHANNELS = 2
MAX_FILE_BYTES = 8 * 1024**3  # a four-hour 24-bit WAV still fits; anything larger is not music
LOWEST_RATE, HIGHEST_RATE = 8000, 384000
# Decoded ahead of what is asked for, so the last good frames before damage can be faded.
READ_AHEAD_FRAMES = 512


def _cannot_play(path: Path, reason: str) -> AudioFileError:
    return AudioFileError("Cannot play this file", f"{path} could not be played: {reason}")


class TrackDecoder:
    """One open file. Not thread-safe: the player's control thread alone uses it."""

    def __init__(self, path: Path) -> None:
        import numpy as np
        import soundfile

        self.path = path
        self._np = np
        try:
            if not path.is_file():
                raise AudioFileError("File not found", f"{path} does not exist or is not a file.")
            size = path.stat().st_size
        except OSError as error:
            raise AudioFileError("Unreadable file", f"{path}: {error.strerror or error}") from error
        if size == 0:
            raise AudioFileError("Empty file", f"{path} is empty.")
        if size > MAX_FILE_BYTES:
            raise AudioFileError("File too large", f"{path} is larger than mtcalm plays.")
        try:
            self._file: Any = soundfile.SoundFile(str(path))
        except (soundfile.LibsndfileError, RuntimeError, TypeError, ValueError) as error:
            raise _cannot_play(path, _reason(error)) from error
        except OSError as error:
            raise AudioFileError("Unreadable file", f"{path}: {error.strerror or error}") from error
        rate, channels = int(self._file.samplerate), int(self._file.channels)
        if not LOWEST_RATE <= rate <= HIGHEST_RATE or channels < 1:
            self._file.close()
            raise _cannot_play(path, f"it says {channels} channels at {rate} Hz")
        self.source_rate = rate
        self._channels = channels
        # A FLAC written as a stream says "length unknown"; libsndfile reports the largest count.
        self.length_unknown = int(self._file.frames) >= UNKNOWN_LENGTH
        # An Ogg stream's last page carries an end-of-stream mark; a file cut off part-way
        # (a pulled USB stick, an interrupted download) has none, though it decodes cleanly.
        self.cut_short = self._file.format == "OGG" and not _ogg_stream_ends(path)
        self.frames = max(0, math.ceil(int(self._file.frames) * SAMPLE_RATE / rate))
        if self.frames == 0:
            self._file.close()
            raise AudioFileError("No audio", f"{path} has no playable length.")
        self._resampler: Any = None
        self._pending = np.zeros((0, CHANNELS), dtype=np.float32)
        self._source_done = False
        self.position = 0  # the next frame read() returns, at the mixer's rate
        self.error: AudioFileError | None = None  # why reading stopped early, if it broke
        self.end_checked = False  # look_ahead() has decoded to the end: frames is the real length
        self._start_resampler()

    @property
    def seconds(self) -> float:
        return self.frames / SAMPLE_RATE

    def read(self, count: int) -> Frames:
        """Up to ``count`` frames; fewer only at the end of the file, or where it broke.

        It decodes a little ahead, so when a file turns out to be damaged part-way the frames
        before the damage are still returned (and can be faded); :attr:`error` then says why.
        """
        self._fill(count + READ_AHEAD_FRAMES)
        out, self._pending = self._pending[:count], self._pending[count:]
        self.position += len(out)
        return out

    def look_ahead(self, count: int) -> int:
        """Decode up to ``count`` frames ahead (kept for :meth:`read`); the real frames left.

        A file whose header promises more than it holds (an MP3 whose Xing header counts
        frames that are not there) is found out here: when it ends cleanly sooner, its
        :attr:`frames` become the frames it really has, so fades end at its real end.
        """
        self._fill(count)
        self.end_checked = True
        if self._source_done and self.error is None:
            real = self.position + len(self._pending)
            if real < self.frames:
                self.frames = max(real, 1)
        return max(0, self.frames - self.position)

    def _fill(self, wanted_frames: int) -> None:
        """Decode until ``wanted_frames`` are pending or the file has ended (or broken)."""
        np = self._np
        while len(self._pending) < wanted_frames and not self._source_done:
            missing = wanted_frames - len(self._pending)
            wanted = max(1024, math.ceil(missing * self.source_rate / SAMPLE_RATE))
            try:
                raw = self._read_source(wanted)
            except (RuntimeError, ValueError, OSError) as error:
                self._source_done = True
                reason = f"it is damaged part-way ({_reason(error)})"
                self.error = _cannot_play(self.path, reason)
                break
            last = len(raw) < wanted
            self._source_done = last
            piece = self._stereo(raw)
            if self._resampler is not None:
                piece = self._resampler.resample_chunk(piece, last=last)
            if len(piece):
                self._pending = np.concatenate([self._pending, piece.astype(np.float32)])
            if last and self.length_unknown:  # now it is known
                self.frames = max(1, self.position + len(self._pending))

    def _read_source(self, wanted: int) -> Frames:
        """Up to ``wanted`` frames from the file, float32, (frames, channels)."""
        if not self.length_unknown:
            raw: Frames = self._file.read(wanted, dtype="float32", always_2d=True)
            return raw
        # soundfile seeks after each read to keep its place, and that seek fails at the end of
        # a file of unknown length ("Internal psf_fseek() failed"), losing the last frames.
        import soundfile

        np = self._np
        out: Frames = np.empty((wanted, self._channels), dtype=np.float32)
        pointer = soundfile._ffi.cast("float *", out.ctypes.data)
        count = int(soundfile._snd.sf_readf_float(self._file._file, pointer, wanted))
        if count < 0:
            raise RuntimeError("libsndfile could not read it")
        return out[:count]

    def seek(self, frame: int) -> None:
        """Go to ``frame`` (at the mixer's rate), clamped to the file."""
        frame = min(max(0, frame), self.frames)
        source_frame = min(round(frame * self.source_rate / SAMPLE_RATE), int(self._file.frames))
        try:
            self._file.seek(source_frame)
        except (RuntimeError, ValueError, OSError) as error:
            raise _cannot_play(self.path, f"it cannot be searched ({_reason(error)})") from error
        self._pending = self._np.zeros((0, CHANNELS), dtype=self._np.float32)
        self._source_done = False
        self.error = None
        self._start_resampler()
        self.position = frame

    def close(self) -> None:
        self._file.close()

    def _start_resampler(self) -> None:
        if self.source_rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(
                self.source_rate, SAMPLE_RATE, CHANNELS, dtype="float32", quality="HQ"
            )

    def _stereo(self, raw: Frames) -> Frames:
        if self._channels == 1:
            return self._np.repeat(raw, 2, axis=1)
        return self._np.ascontiguousarray(raw[:, :2])  # surround files: their front left and right


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
    return text[:200]


UNKNOWN_LENGTH = 2**62  # frame counts from here up mean libsndfile does not know the length
OGG_TAIL_BYTES = 65536  # more than the largest Ogg page


def _ogg_stream_ends(path: Path) -> bool:
    """True when the file's last Ogg page is marked as the end of its stream."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - OGG_TAIL_BYTES))
            tail = handle.read()
    except OSError:
        return False
    page = tail.rfind(b"OggS")
    return page >= 0 and page + 5 < len(tail) and bool(tail[page + 5] & 0x04)
