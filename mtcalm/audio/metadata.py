"""The one boundary around mutagen: audio file facts in, mtcalm's own errors out."""

from __future__ import annotations

import math
import re
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


_GAIN = re.compile(r"^\s*([+-]?\d+(?:\.\d+)?)\s*(?:dB)?\s*$", re.IGNORECASE)


def read_audio_info(path: Path) -> AudioInfo:
    """Read length and tags of ``path``; raises :class:`AudioFileError` for any failure."""
    import mutagen  # loaded on first use: keeps it off the start-up path

    try:
        if not path.is_file():
            raise AudioFileError("File not found", f"{path} does not exist or is not a file.")
        if path.stat().st_size == 0:
            raise AudioFileError("Empty file", f"{path} is empty.")
        audio = mutagen.File(path, easy=True)
    except AudioFileError:
        raise
    except mutagen.MutagenError as error:
        raise AudioFileError("Unreadable audio", f"{path} could not be read: {error}") from error
    except OSError as error:
        raise AudioFileError("Unreadable file", f"{path}: {error.strerror or error}") from error
    except Exception as error:  # mutagen raises assorted errors on hostile files
        raise AudioFileError(
            "Unreadable audio", f"{path} could not be read ({type(error).__name__}: {error})"
        ) from error
    if audio is None or audio.info is None:
        raise AudioFileError("Not an audio file", f"{path} is not in an audio format mtcalm plays.")
    duration = float(getattr(audio.info, "length", 0.0) or 0.0)
    if not math.isfinite(duration) or duration <= 0:
        raise AudioFileError("No audio", f"{path} has no playable length.")
    tags = audio.tags or {}
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
