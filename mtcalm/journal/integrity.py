"""How mtcalm makes sure the journal file is sound, at a cost that does not grow with it.

Opening checks what costs the same at any size: the header and schema SQLite must read, the
journal's own marks, and the first entry of every table and index (their root pages and the
way down to the first row). A journal of 100,000 sessions opens as fast as an empty one.

Every page is read, with ``PRAGMA quick_check``, off the start-up path: by
:func:`check_whole_journal` on its own connection that only reads, on a background thread after
the window is up, and at most once a day (:func:`whole_check_due`: not on a day a daily backup
was made, since making one checks every page of the copy). Every backup and every restore
checks every page of what it copies too (``mtcalm.journal.backups``, ``mtcalm.journal.restore``).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from mtcalm.journal.file import BACKUPS_FOLDER, BUSY_TIMEOUT_SECONDS, means_damaged, now

# How many SQLite steps between two looks at ``should_stop``: a few milliseconds of work.
STEPS_BETWEEN_STOP_CHECKS = 20_000


def check_first_entries(connection: sqlite3.Connection) -> None:
    """Read what every use of the journal relies on, as cheaply as that can be done: the
    schema, the header's counts, and the first entry of every table and index.

    Raises :class:`sqlite3.DatabaseError` when SQLite finds something damaged (see
    :func:`mtcalm.journal.file.means_damaged`).
    """
    connection.execute("PRAGMA schema_version").fetchone()
    pages = int(connection.execute("PRAGMA page_count").fetchone()[0])
    free = int(connection.execute("PRAGMA freelist_count").fetchone()[0])
    if free > pages:
        raise sqlite3.DatabaseError("database disk image is malformed (free pages)")
    trees = connection.execute(
        "SELECT type, name, tbl_name FROM sqlite_schema"
        " WHERE type IN ('table', 'index') AND rootpage > 0"
    ).fetchall()
    connection.execute("PRAGMA cell_size_check = ON")  # look closer at the pages read here
    try:
        for kind, name, table in trees:
            _read_first_entry(connection, str(kind), str(name), str(table))
    finally:
        connection.execute("PRAGMA cell_size_check = OFF")


def _read_first_entry(connection: sqlite3.Connection, kind: str, name: str, table: str) -> None:
    """Walk the b-tree from its root to its first entry; no column is read (a large first row
    costs nothing more).
    """
    if kind == "table":
        sql = f"SELECT 1 FROM {_quoted(name)} NOT INDEXED LIMIT 1"
    else:
        sql = f"SELECT 1 FROM {_quoted(table)} INDEXED BY {_quoted(name)} LIMIT 1"
    try:
        connection.execute(sql).fetchall()
    except sqlite3.DatabaseError as error:
        if means_damaged(error):
            raise
        # Not damage: an index SQLite cannot walk on its own (a partial index), a collation or
        # module this SQLite lacks. Other checks, and the whole check, still cover it.


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Verdict(StrEnum):
    """What reading every page of the journal found."""

    SOUND = "sound"
    DAMAGED = "damaged"
    NOT_CHECKED = "not_checked"  # stopped, busy or unreadable just now: try another time


@dataclass(frozen=True)
class WholeCheck:
    """The result of :func:`check_whole_journal`, with words for the person when it matters."""

    verdict: Verdict
    short: str = ""
    long: str = ""
    seconds: float = 0.0

    @property
    def damaged(self) -> bool:
        return self.verdict is Verdict.DAMAGED


DAMAGED_SHORT = "Part of your journal is damaged"
DAMAGED_LONG = (
    "mtcalm read every part of your journal file and found some of it damaged; a disk problem "
    "or an unfinished copy can do this. Nothing has been changed. Some of what the journal "
    "shows may be missing or may not be saved. In Your data you can restore a recent backup: "
    "the journal as it is now is kept first, exactly as it is."
)


def whole_check_due(journal_path: Path, today: date | None = None) -> bool:
    """Whether to read every page today: not if a daily backup was made today (making it read
    and checked every page of a copy of the journal).
    """
    from mtcalm.journal.backups import daily_backup_due, list_backups

    folder = journal_path.parent / BACKUPS_FOLDER
    stem = journal_path.stem
    return daily_backup_due(list_backups(folder, stem), stem, today or now().date())


def check_whole_journal(
    journal_path: Path, *, should_stop: Callable[[], bool] | None = None
) -> WholeCheck:
    """Read every page of the journal (``PRAGMA quick_check``) on a connection of its own that
    never writes, while the app goes on using the journal. Never raises.

    ``should_stop`` is asked every few milliseconds; when it says yes the check ends at once
    with :attr:`Verdict.NOT_CHECKED`.
    """
    started = time.monotonic()

    def result(verdict: Verdict, short: str = "", long: str = "") -> WholeCheck:
        return WholeCheck(verdict, short, long, time.monotonic() - started)

    try:
        connection = _connect_to_read(journal_path)
    except sqlite3.Error as error:
        return result(Verdict.NOT_CHECKED, "The journal could not be checked", str(error))
    try:
        if should_stop is not None:
            connection.set_progress_handler(
                lambda: 1 if should_stop() else 0, STEPS_BETWEEN_STOP_CHECKS
            )
        verdict = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as error:
        if means_damaged(error):
            return result(Verdict.DAMAGED, DAMAGED_SHORT, DAMAGED_LONG)
        if should_stop is not None and should_stop():
            return result(Verdict.NOT_CHECKED, "The check was stopped", "mtcalm was closing.")
        return result(Verdict.NOT_CHECKED, "The journal could not be checked", str(error))
    finally:
        connection.close()
    if verdict != [("ok",)]:
        return result(Verdict.DAMAGED, DAMAGED_SHORT, DAMAGED_LONG)
    return result(Verdict.SOUND)


def _connect_to_read(journal_path: Path) -> sqlite3.Connection:
    """A connection that never writes; opened read-write when allowed so that, if it is the
    last to close, SQLite tidies the -wal and -shm away as usual.
    """
    if not journal_path.is_file():  # SQLite would make an empty database at the name
        raise sqlite3.OperationalError(f"there is no journal at {journal_path}")
    uri = journal_path.absolute().as_uri()
    try:
        connection = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    except sqlite3.OperationalError:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS)
    connection.execute("PRAGMA query_only = ON")
    return connection
