"""Tracks flagged as triggers, named so a flag survives moving the app or the music folder.

A bundled track is named by its place among the bundled assets ("bundled:playlists/x.ogg"),
so the flag holds after an update installs the assets elsewhere; any other file by its full path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol, TypeVar

from mtcalm.journal.store import Journal, TrackFlag

BUNDLED_PREFIX = "bundled:"


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a symlink loop, an unreadable folder
        return path.absolute()


def track_key(path: Path, assets_root: Path) -> str:
    """How the journal names the track at ``path``."""
    resolved = _resolved(path)
    root = _resolved(assets_root)
    if resolved.is_relative_to(root) and resolved != root:
        return BUNDLED_PREFIX + resolved.relative_to(root).as_posix()
    return resolved.as_posix()


class HasPath(Protocol):
    @property
    def path(self) -> Path: ...


TrackT = TypeVar("TrackT", bound=HasPath)


class TriggerFlags:
    """The person's trigger flags, read from and written to the journal."""

    def __init__(self, journal: Journal, assets_root: Path) -> None:
        self._journal = journal
        self._assets_root = assets_root
        self._flags = journal.flagged_tracks()

    def key(self, path: Path) -> str:
        return track_key(path, self._assets_root)

    def refresh(self) -> None:
        """Read the flags again (after another part of the app changed them)."""
        self._flags = self._journal.flagged_tracks()

    @property
    def flags(self) -> dict[str, TrackFlag]:
        return dict(self._flags)

    def is_flagged(self, path: Path) -> bool:
        return self.key(path) in self._flags

    def flag(self, path: Path, title: str) -> None:
        """Flag the track at ``path``; raises JournalWriteFailed when it cannot be kept."""
        self._journal.flag_track(self.key(path), title)
        self.refresh()

    def unflag(self, path: Path) -> None:
        self._journal.unflag_track(self.key(path))
        self.refresh()

    def set_flagged(self, path: Path, title: str, flagged: bool) -> None:
        """Flag or unflag the track at ``path``; raises JournalWriteFailed when not kept."""
        if flagged:
            self.flag(path, title)
        else:
            self.unflag(path)

    def flagged_indexes(self, tracks: Iterable[TrackT]) -> list[int]:
        """The positions of the flagged tracks among ``tracks``."""
        return [index for index, track in enumerate(tracks) if self.is_flagged(track.path)]

    def playable(
        self, tracks: Iterable[TrackT], *, include_flagged: bool = False
    ) -> tuple[TrackT, ...]:
        """``tracks`` without the flagged ones, unless the person chose to include them."""
        if include_flagged:
            return tuple(tracks)
        return tuple(track for track in tracks if not self.is_flagged(track.path))
