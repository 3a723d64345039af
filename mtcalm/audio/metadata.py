"""The one boundary around mutagen: audio file facts in, mtcalm's own errors out."""

from __future__ import annotations

import functools
import math
import re
import stat
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AudioFileError(Exception):
    """Why a file cannot be used: a short text for a list, a longer one to explain."""

    short: str
    long: str

    def __str__(self) -> str:
        return f"{self.short}: {self.long}"


@dataclass(frozen=True)
class AudioInfo:
    """What mtcalm needs to know about a playable file."""

    path: Path
    duration: float
    format: str
    title: str = ""
    artist: str = ""
    album: str = ""
    track_gain_db: float | None = None
    track_peak: float | None = None


WAV_HEADER_BYTES = 44  # the canonical RIFF/WAVE header; longer ones only shorten the bound
_GAIN = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:dB)?\s*$", re.IGNORECASE)


@functools.cache
def _formats() -> list[type]:
    """The formats SDL_mixer plays. Naming them spares mutagen loading its ~50 other readers."""
    from mutagen.flac import FLAC
    from mutagen.mp3 import EasyMP3
    from mutagen.oggopus import OggOpus
    from mutagen.oggvorbis import OggVorbis
    from mutagen.wave import WAVE

    return [OggVorbis, OggOpus, FLAC, EasyMP3, WAVE]


def preload() -> None:
    """Import mutagen and its readers now, ahead of the first file."""
    import mutagen  # noqa: F401

    _formats()


def read_audio_info(path: Path) -> AudioInfo:
    """Read length and tags of ``path``; raises :class:`AudioFileError` for any failure."""
    import mutagen  # loaded on first use: keeps it off the start-up path

    try:
        try:
            status = path.stat()
        except FileNotFoundError:
            status = None
        if status is None or not stat.S_ISREG(status.st_mode):
            raise AudioFileError("File not found", f"{path} does not exist or is not a file.")
        size = status.st_size
        if size == 0:
            raise AudioFileError("Empty file", f"{path} is empty.")
        audio = mutagen.File(path, options=_formats())
    except AudioFileError:
        raise
    except mutagen.MutagenError as error:
        reason = str(error) or "the file is damaged or not what its name says"
        raise AudioFileError("Unreadable audio", f"{path} could not be read: {reason}") from error
    except OSError as error:
        raise AudioFileError("Unreadable file", f"{path}: {error.strerror or error}") from error
    except Exception as error:  # mutagen raises assorted errors on hostile files
        raise AudioFileError(
            "Unreadable audio", f"{path} could not be read ({type(error).__name__}: {error})"
        ) from error
    if audio is None or audio.info is None:
        raise AudioFileError("Not an audio file", f"{path} is not in an audio format mtcalm plays.")
    duration = _bounded_length(audio.info, size)
    if not math.isfinite(duration) or duration <= 0:
        raise AudioFileError("No audio", f"{path} has no playable length.")
    tags = audio.tags if audio.tags is not None else {}  # truthiness would count every tag
    return AudioInfo(
        path=path,
        duration=duration,
        format=type(audio).__name__,
        title=_first(tags, "title"),
        artist=_first(tags, "artist"),
        album=_first(tags, "album"),
        track_gain_db=_number(_first(tags, "replaygain_track_gain"), _GAIN),
        track_peak=_number(_first(tags, "replaygain_track_peak"), None),
    )


def _bounded_length(info: object, size: int) -> float:
    """The length, but for uncompressed audio never more than the bytes in the file hold.

    A WAV header announces its data size; a truncated file keeps the old, larger figure.
    """
    length = float(getattr(info, "length", 0.0) or 0.0)
    bits = getattr(info, "bits_per_sample", 0)
    channels = getattr(info, "channels", 0)
    rate = getattr(info, "sample_rate", 0)
    if type(info).__name__ == "WaveStreamInfo" and bits and channels and rate:
        bytes_per_second = rate * channels * bits / 8
        length = min(length, max(0.0, size - WAV_HEADER_BYTES) / bytes_per_second)
    return length


def _first(tags: object, key: str) -> str:
    try:
        values = tags[key]  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return ""
    if isinstance(values, list) and values:
        return str(values[0])[:500]
    return ""


def _number(text: str, pattern: re.Pattern[str] | None) -> float | None:
    if not text:
        return None
    if pattern is not None:
        match = pattern.match(text)
        if not match:
            return None
        text = match.group(1)
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
