"""Backups of the journal: consistent copies a person can restore, and a rolling set of them.

Every copy goes through SQLite's backup API into a temporary name, is checked with
``integrity_check``, fsynced, and only then given its name: a copy that exists is whole, and a
failed or killed attempt leaves nothing that looks like a backup. Copies are single files
(rollback-journal mode), owner-only, in the ``backups`` folder of the data folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from mtcalm.datadir import (
    DISK_FULL,
    create_owner_only,
    fsync_file,
    partial_path,
    publish,
    read_start,
    remove_partial,
    remove_stale_partials,
    why_not_written,
)
from mtcalm.journal.file import (
    APPLICATION_ID,
    BACKUPS_FOLDER,
    SQLITE_HEADER,
    JournalError,
    now,
    wal_is_damaged,
)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
# The whole copy in one step: one read snapshot, which writers in WAL mode never block. Copied
# in steps, SQLite starts the copy again whenever another connection commits between two steps,
# and under steady writes a journal over one step would never finish (measured by the soak).
ALL_PAGES = -1
STAMP_FORMAT = "%Y%m%d-%H%M%S"
NOT_MADE = "The backup could not be made"


class BackupKind(StrEnum):
    """Why a copy was made; part of its file name."""

    DAILY = "daily"
    MANUAL = "manual"
    BEFORE_RESTORE = "before-restore"
    DAMAGED = "damaged"  # a journal that could not be read, kept byte for byte before a restore
    UPGRADE = "upgrade"  # named <journal>-v<version>-<time>, as since the first upgrade


class BackupFailed(Exception):
    """No backup was made; nothing that looks like one was left behind.

    ``unreadable`` says the journal itself could not be read as one (damaged, empty, foreign),
    rather than the copy failing to be written.
    """

    def __init__(self, short: str, long: str, *, unreadable: bool = False) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long
        self.unreadable = unreadable


class BackupStopped(BackupFailed):
    """The copy was asked to stop (the app is quitting); nothing was left behind."""


@dataclass(frozen=True)
class Backup:
    """A copy of a journal in the backups folder, as its name describes it."""

    path: Path
    journal_stem: str  # "journal" for journal.sqlite3
    kind: BackupKind
    made_at: datetime  # local time, to the second
    size: int


_NAME = re.compile(
    r"(?P<stem>.+)-(?P<kind>daily|manual|before-restore|damaged|v\d+)-"
    r"(?P<stamp>\d{8}-\d{6})(?:-\d+)?\.sqlite3"
)


def parse_backup_name(path: Path) -> Backup | None:
    """The backup ``path`` names, or None for any other file."""
    match = _NAME.fullmatch(path.name)
    if match is None:
        return None
    try:
        made_at = datetime.strptime(match["stamp"], STAMP_FORMAT)
        size = path.stat().st_size
    except (ValueError, OSError):
        return None
    kind_text = match["kind"]
    kind = BackupKind.UPGRADE if kind_text.startswith("v") else BackupKind(kind_text)
    return Backup(path, match["stem"], kind, made_at, size)


def list_backups(folder: Path, journal_stem: str | None = None) -> list[Backup]:
    """The backups in ``folder`` (of one journal, if named), newest first."""
    try:
        entries = [Path(entry.path) for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return []
    found = [backup for path in entries if (backup := parse_backup_name(path)) is not None]
    if journal_stem is not None:
        found = [backup for backup in found if backup.journal_stem == journal_stem]
    return sorted(found, key=lambda backup: (backup.made_at, backup.path.name), reverse=True)


def backup_path(folder: Path, journal_path: Path, kind: BackupKind, label: str = "") -> Path:
    """A new name in ``folder`` for a copy of ``journal_path``; never one already there."""
    stamp = now().strftime(STAMP_FORMAT)
    middle = label or kind.value
    candidate = folder / f"{journal_path.stem}-{middle}-{stamp}{journal_path.suffix}"
    counter = 1
    while candidate.exists():
        candidate = folder / f"{journal_path.stem}-{middle}-{stamp}-{counter}{journal_path.suffix}"
        counter += 1
    return candidate


def write_backup(
    journal_path: Path,
    destination: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
    tidy: bool = False,
) -> Path:
    """Copy the journal, consistently, to ``destination``; never replaces a file there.

    With ``tidy`` (mtcalm's own backups folder) temporary files that killed processes left
    there are removed first. Raises :class:`BackupFailed` with a plain reason (a full disk, a
    damaged journal...).
    """
    folder = destination.parent
    _refuse_unreadable_source(journal_path)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise BackupFailed(NOT_MADE, why_not_written(error, folder)) from error
    if tidy:
        remove_stale_partials(folder)
    if destination.exists():
        raise BackupFailed(
            NOT_MADE,
            f"{destination} exists already; mtcalm never replaces a file. Choose another name.",
        )
    temporary = partial_path(destination)
    try:
        create_owner_only(temporary)
        _copy(journal_path, temporary, should_stop)
        _check_copy(temporary, journal_path)
        stop_if_asked(should_stop)
        fsync_file(temporary)
        publish(temporary, destination)
    except FileExistsError as error:
        raise BackupFailed(
            NOT_MADE,
            f"{destination} exists already; mtcalm never replaces a file. Choose another name.",
        ) from error
    except OSError as error:
        raise BackupFailed(NOT_MADE, why_not_written(error, folder)) from error
    except sqlite3.Error as error:
        raise _failure(error, journal_path) from error
    finally:
        remove_partial(temporary)
    return destination


def _refuse_unreadable_source(journal_path: Path) -> None:
    """Refuse, before SQLite touches it, a journal it would misread or tidy away: not a file,
    empty (SQLite deletes an empty database's -wal), not SQLite, or with a damaged -wal.
    """
    try:
        details, header = read_start(journal_path, len(SQLITE_HEADER))
    except FileNotFoundError as error:
        raise BackupFailed(
            "There is nothing to back up", f"There is no journal at {journal_path}."
        ) from error
    except OSError as error:
        raise BackupFailed(
            NOT_MADE, f"The journal {journal_path} could not be read.", unreadable=True
        ) from error
    if not stat.S_ISREG(details.st_mode) or header != SQLITE_HEADER:
        raise BackupFailed(
            NOT_MADE,
            f"The journal {journal_path} is empty, damaged or not a journal; it has been left "
            "as it is.",
            unreadable=True,
        )
    try:
        damaged_wal = wal_is_damaged(journal_path)
    except JournalError as error:
        raise BackupFailed(NOT_MADE, error.long, unreadable=True) from error
    if damaged_wal:
        raise BackupFailed(
            NOT_MADE,
            "The file of the journal's recent changes is damaged. Open mtcalm once to set it "
            "aside, then back up again.",
            unreadable=True,
        )


def _copy(journal_path: Path, temporary: Path, should_stop: Callable[[], bool] | None) -> None:
    source = _connect_to_read(journal_path)
    try:
        target = sqlite3.connect(temporary)
        try:
            stop_if_asked(should_stop)
            source.backup(target, pages=ALL_PAGES)
            stop_if_asked(should_stop)
        finally:
            target.close()
    finally:
        source.close()


def _connect_to_read(journal_path: Path) -> sqlite3.Connection:
    """A connection that only reads; read-write when allowed, so that closing it tidies up
    (a read-only one would leave an empty -wal and a -shm beside a closed journal).
    """
    uri = journal_path.absolute().as_uri()
    try:
        connection = sqlite3.connect(f"{uri}?mode=rw", uri=True, timeout=30)
    except sqlite3.OperationalError:
        connection = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=30)
    connection.execute("PRAGMA query_only = ON")
    return connection


def stop_if_asked(should_stop: Callable[[], bool] | None) -> None:
    if should_stop is not None and should_stop():
        raise BackupStopped("The backup was stopped", "mtcalm was closing.")


def _check_copy(temporary: Path, journal_path: Path) -> None:
    """Make the copy a single file and check every page of it."""
    copy = sqlite3.connect(temporary, isolation_level=None)
    try:
        copy.execute("PRAGMA journal_mode = DELETE")  # the copied header said WAL
        verdict = copy.execute("PRAGMA integrity_check").fetchall()
        application_id = copy.execute("PRAGMA application_id").fetchone()[0]
    finally:
        copy.close()
    if verdict != [("ok",)]:
        raise BackupFailed(
            NOT_MADE,
            f"The journal {journal_path} is damaged, so a checked copy of it could not be made. "
            "It has been left as it is.",
            unreadable=True,
        )
    if application_id != APPLICATION_ID:
        raise BackupFailed(NOT_MADE, f"{journal_path} is not an mtcalm journal.", unreadable=True)


def _failure(error: sqlite3.Error, journal_path: Path) -> BackupFailed:
    message = str(error).lower()
    if "full" in message:
        return BackupFailed(NOT_MADE, DISK_FULL)
    if "not a database" in message or "malformed" in message:
        return BackupFailed(
            NOT_MADE,
            f"The journal {journal_path} is damaged, so a checked copy of it could not be "
            "made. It has been left as it is.",
            unreadable=True,
        )
    if "unable to open" in message:
        return BackupFailed(
            NOT_MADE, f"The journal {journal_path} could not be read.", unreadable=True
        )
    return BackupFailed(NOT_MADE, f"SQLite said: {error}.")


def upgrade_backup(journal_path: Path, folder: Path, version: int) -> Path:
    """The copy taken before an upgrade from ``version`` (the caller holds the write lock)."""
    destination = backup_path(folder, journal_path, BackupKind.UPGRADE, f"v{version}")
    return write_backup(journal_path, destination, tidy=True)


def manual_backup(journal_path: Path, destination: Path | None = None) -> Path:
    """A copy made because the person asked: to ``destination``, or into the backups folder."""
    if destination is None:
        folder = journal_path.parent / BACKUPS_FOLDER
        destination = backup_path(folder, journal_path, BackupKind.MANUAL)
        return write_backup(journal_path, destination, tidy=True)
    return write_backup(journal_path, destination)


# -- the rolling daily copies ---------------------------------------------------------------


def daily_backup_due(backups: Sequence[Backup], journal_stem: str, today: date) -> bool:
    """No daily copy of this journal was made today."""
    return not any(
        backup.kind is BackupKind.DAILY
        and backup.journal_stem == journal_stem
        and backup.made_at.date() == today
        for backup in backups
    )


def daily_copies_to_remove(
    backups: Sequence[Backup],
    journal_stem: str,
    *,
    keep_daily: int = KEEP_DAILY,
    keep_weekly: int = KEEP_WEEKLY,
) -> list[Backup]:
    """The daily copies beyond the newest of each of the last 7 days and then of 4 weeks.

    Only daily copies are ever removed: copies made by hand, before a restore or before an
    upgrade are the person's to keep.
    """
    daily = sorted(
        (b for b in backups if b.kind is BackupKind.DAILY and b.journal_stem == journal_stem),
        key=lambda backup: backup.made_at,
        reverse=True,
    )
    kept: list[Backup] = []
    days: set[date] = set()
    for backup in daily:
        day = backup.made_at.date()
        if day not in days and len(days) < keep_daily:
            days.add(day)
            kept.append(backup)
    oldest_day = min(days) if days else None
    weeks: set[tuple[int, int]] = set()
    for backup in daily:
        day = backup.made_at.date()
        week = day.isocalendar()[:2]
        if oldest_day is not None and day >= oldest_day:
            continue
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.add(week)
            kept.append(backup)
    return [backup for backup in daily if backup not in kept]


def make_daily_backup(
    journal_path: Path,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Backup | None:
    """Today's copy of the journal if there is none yet, then the oldest pruned; or None."""
    folder = journal_path.parent / BACKUPS_FOLDER
    moment = now()
    existing = list_backups(folder, journal_path.stem)
    if not daily_backup_due(existing, journal_path.stem, moment.date()):
        return None
    destination = backup_path(folder, journal_path, BackupKind.DAILY)
    write_backup(journal_path, destination, should_stop=should_stop, tidy=True)
    made = parse_backup_name(destination)
    for old in daily_copies_to_remove(list_backups(folder, journal_path.stem), journal_path.stem):
        with contextlib.suppress(OSError):
            old.path.unlink()
    return made
