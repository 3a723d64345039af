"""The bundled ambience loops (rain, sea, a stream) that can play under a session's music."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mtcalm.assets import assets_dir
from mtcalm.audio.metadata import AudioFileError, read_audio_info

AMBIENCE_FOLDER = "ambience"
AMBIENCE_SUFFIX = ".ogg"


@dataclass(frozen=True)
class Ambience:
    """One ambience loop: a stable key (the file's stem), a title to show, and its file."""

    key: str
    title: str
    path: Path


def bundled_ambience_dir() -> Path:
    """The folder of bundled ambience loops, installed or in a source checkout."""
    return assets_dir() / AMBIENCE_FOLDER


def bundled_ambience() -> list[Ambience]:
    """The bundled loops sorted by title; a file that cannot be read is left out."""
    try:
        paths = sorted(
            path
            for path in bundled_ambience_dir().iterdir()
            if path.suffix.lower() == AMBIENCE_SUFFIX and path.is_file()
        )
    except OSError:
        return []
    found: list[Ambience] = []
    for path in paths:
        try:
            info = read_audio_info(path)
        except AudioFileError:
            continue
        title = info.title.strip() or _title_from_stem(path.stem)
        found.append(Ambience(key=path.stem, title=title, path=path))
    return sorted(found, key=lambda ambience: (ambience.title.casefold(), ambience.key))


def _title_from_stem(stem: str) -> str:
    """``quiet-forest`` -> ``Quiet forest``."""
    words = stem.replace("_", " ").replace("-", " ").split()
    return " ".join(words).capitalize() or stem
