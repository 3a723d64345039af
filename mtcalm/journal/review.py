"""Review mode: a client's JSON export read into a journal of its own, in memory only.

A therapist opens a client's export to read it, not to keep it: the sessions are checked and
read into a new journal held in memory (:meth:`Journal.in_memory`), never into the therapist's
own journal, settings or data folder, and nothing of it is written to disk. Each export opened
gets a journal of its own, so several clients' exports never mix. Closing the journal frees it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mtcalm.journal.file import JournalError
from mtcalm.journal.import_json import ImportRefused, import_export
from mtcalm.journal.store import Journal

MAX_REVIEW_BYTES = 512 * 1024**2  # in memory a journal takes about 1.3 times its export


class ReviewCancelled(Exception):
    """The person stopped the reading; nothing was kept."""


def open_export_for_review(path: Path, should_stop: Callable[[], bool] | None = None) -> Journal:
    """The export at ``path`` read, checked whole, into a new journal in memory.

    ``should_stop`` is asked as the reading goes (from the thread that reads); when it says
    True the reading ends with :class:`ReviewCancelled`. A file that is not an export this
    mtcalm reads (damaged, too new, too large, not a file) raises :class:`ImportRefused` with
    its short and long text. Nothing is written anywhere, whatever happens.
    """
    _refuse_too_large(path)
    journal = Journal.in_memory(path)
    try:
        journal.interrupt_when(should_stop)
        try:
            import_export(path, journal)
        except (JournalError, sqlite3.Error) as error:
            if should_stop is not None and should_stop():
                raise ReviewCancelled() from error
            if isinstance(error, ImportRefused):
                raise
            raise ImportRefused(
                "The export could not be read",
                f"{path.name} could not be read into memory ({_reason(error)}).",
            ) from error
        if should_stop is not None and should_stop():
            raise ReviewCancelled()
        journal.interrupt_when(None)
    except BaseException:
        journal.close()
        raise
    return journal


def _refuse_too_large(path: Path) -> None:
    """An export larger than review holds in memory is refused before anything is read (one
    of 100,000 sessions is about 300 MB); the import into a data folder of its own reads it."""
    try:
        size = path.lstat().st_size
    except OSError:
        return  # the import says what is wrong with the file
    if size > MAX_REVIEW_BYTES:
        raise ImportRefused(
            "This export is too large to review in memory",
            f"{path.name} is {size / 1024**2:.0f} MB; review mode reads exports of up to "
            f"{MAX_REVIEW_BYTES // 1024**2} MB. It can be read into a data folder of its own: "
            f"mtcalm --data-dir FOLDER import {path.name}, then mtcalm --data-dir FOLDER.",
        )


def _reason(error: Exception) -> str:
    return error.long if isinstance(error, JournalError) else str(error)


def another_reader(journal: Journal) -> Journal:
    """Another read-only connection to a review journal, for a background thread (it closes
    it); the journal stays in memory while any connection to it is open.
    """
    return Journal(journal.memory_connection(), journal.path)


@dataclass(frozen=True)
class FlaggedTrack:
    """A track flagged in the export, and who flagged it ("person" or "therapist")."""

    track_key: str
    title: str
    flagged_at: datetime | None
    set_by: str


def flagged_tracks(journal: Journal) -> list[FlaggedTrack]:
    """The export's flagged tracks, oldest flag first, with who set each."""
    found: list[FlaggedTrack] = []
    for key, title, flagged_at, set_by in journal.reading(
        "SELECT track_key, title, flagged_at, set_by FROM track_flags"
        " ORDER BY flagged_at, track_key"
    ):
        try:
            moment: datetime | None = datetime.fromisoformat(str(flagged_at))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        found.append(FlaggedTrack(str(key), str(title), moment, str(set_by)))
    return found
