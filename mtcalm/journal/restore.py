"""Looking inside a journal file without changing it, and restoring one from a backup.

A restore is all or nothing: the chosen file is copied in under a temporary name and checked
there; the journal it replaces is backed up and its -wal folded in; only then does the copy
take the journal's name, in one rename. A kill at any moment leaves the old journal or the
restored one, never a mixture (a -wal left beside a restored file would bring old sessions
back, so none is left).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from mtcalm.datadir import (
    create_owner_only,
    fsync_file,
    fsync_folder,
    partial_path,
    publish,
    read_start,
    remove_partial,
    why_not_written,
)
from mtcalm.journal.backups import (
    BackupFailed,
    BackupKind,
    backup_path,
    write_backup,
)
from mtcalm.journal.file import (
    APPLICATION_ID,
    BACKUPS_FOLDER,
    SCHEMA_STEPS,
    SQLITE_HEADER,
    JournalError,
    JournalTooNew,
    JournalUnreadable,
)

MAX_RESTORE_BYTES = 2 * 1024**3  # a journal of 100,000 sessions is about 100 MB
COPY_CHUNK = 1024 * 1024


class RestoreRefused(Exception):
    """Nothing was restored and nothing was changed; a short and a long text."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


@dataclass(frozen=True)
class JournalFacts:
    """What a journal file holds, read without changing it."""

    path: Path
    version: int
    sessions: int
    first: datetime | None  # when its first session started
    newest: datetime | None  # when its newest session started
    size: int


def inspect_journal(path: Path, *, thorough: bool = False) -> JournalFacts:
    """Read ``path`` as a journal without writing to it; raises a :class:`JournalError`.

    ``thorough`` checks every page (``integrity_check``: before a restore, and of a file
    chosen to restore); otherwise only the header and where each table and index starts, as
    opening does (about 2 ms at any size: choosing among journal files at start-up, or
    checking a journal's version before an export, must not read a 200 MB file whole).
    """
    try:
        details, header = read_start(path, len(SQLITE_HEADER))
        size = details.st_size
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be read", f"{path.name} could not be read ({error.strerror}).", path
        ) from error
    if not stat.S_ISREG(details.st_mode):
        raise JournalUnreadable("This is not a file", f"{path.name} is not a file.", path)
    if size > MAX_RESTORE_BYTES:
        raise JournalUnreadable(
            "This is not an mtcalm journal",
            f"{path.name} is larger than a journal can be ({size // 1024**2} MB).",
            path,
        )
    if header != SQLITE_HEADER:
        raise JournalUnreadable(
            "This is not an mtcalm journal", f"{path.name} is not an mtcalm journal.", path
        )
    try:
        connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as error:
        raise JournalUnreadable(
            "The journal cannot be read", f"{path.name} could not be opened ({error}).", path
        ) from error
    try:
        return _facts(connection, path, size, thorough)
    finally:
        connection.close()


def _facts(connection: sqlite3.Connection, path: Path, size: int, thorough: bool) -> JournalFacts:
    damaged = JournalUnreadable(
        "The journal is damaged", f"{path.name} is damaged and cannot be read safely.", path
    )
    try:
        if thorough:
            if connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                raise damaged
        else:
            from mtcalm.journal.integrity import check_first_entries

            check_first_entries(connection)
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.DatabaseError as error:
        raise damaged from error
    if application_id != APPLICATION_ID or version < 1:
        raise JournalUnreadable(
            "This is not an mtcalm journal",
            f"{path.name} is another program's database.",
            path,
        )
    if version > len(SCHEMA_STEPS):
        raise JournalTooNew(
            "This journal is from a newer mtcalm",
            f"A newer version of mtcalm wrote {path.name} (journal format {version}; this "
            f"version knows up to {len(SCHEMA_STEPS)}).",
            path,
        )
    try:
        count, first, newest = connection.execute(
            "SELECT count(*), min(started_at), max(started_at) FROM sessions"
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise damaged from error
    return JournalFacts(path, version, int(count), _moment(first), _moment(newest), size)


def _moment(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Restored:
    """What was restored, and where the journal it replaced was kept."""

    facts: JournalFacts
    replaced_kept_as: Path | None


def restore_journal(
    source: Path, journal_path: Path, *, should_stop: Callable[[], bool] | None = None
) -> Restored:
    """Make ``source`` (a backup or an exported journal file) the journal at ``journal_path``.

    The caller holds the data folder (:class:`mtcalm.instance.InstanceLock`) and has closed
    its own connection. Raises :class:`RestoreRefused`, with nothing changed, when the file
    cannot be restored or the journal it would replace cannot be kept first.
    """
    _refuse_the_journal_itself(source, journal_path)
    temporary = partial_path(journal_path)
    try:
        _copy_in(source, temporary)
        facts = _check_copy(temporary, source)
        kept, readable = _keep_current(journal_path, should_stop)
        _fold_in_wal(journal_path, readable)
        fsync_file(temporary)
        temporary.replace(journal_path)
        fsync_folder(journal_path.parent)
    except OSError as error:
        raise RestoreRefused(
            "Nothing was restored", why_not_written(error, journal_path.parent)
        ) from error
    finally:
        remove_partial(temporary)
    return Restored(replace(facts, path=journal_path), kept)


def _refuse_the_journal_itself(source: Path, journal_path: Path) -> None:
    with contextlib.suppress(OSError):
        if journal_path.exists() and source.samefile(journal_path):
            raise RestoreRefused(
                "Nothing was restored", f"{source} is the journal in use; choose a backup."
            )


def _copy_in(source: Path, temporary: Path) -> None:
    """Copy ``source`` (and a -wal beside it) to ``temporary``, refusing what is not a file."""
    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block
    except OSError as error:
        raise RestoreRefused(
            "Nothing was restored", f"{source} could not be read: {error.strerror or error}."
        ) from error
    details = os.fstat(descriptor)
    if not stat.S_ISREG(details.st_mode):
        os.close(descriptor)
        raise RestoreRefused("Nothing was restored", f"{source} is not a file.")
    with os.fdopen(descriptor, "rb") as handle:
        if details.st_size > MAX_RESTORE_BYTES:
            raise RestoreRefused(
                "Nothing was restored",
                f"{source} is larger than a journal can be ({details.st_size // 1024**2} MB).",
            )
        if handle.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RestoreRefused(
                "Nothing was restored",
                f"{source} is not an mtcalm journal or backup (it may be damaged).",
            )
        handle.seek(0)
        create_owner_only(temporary)
        with temporary.open("wb") as copy:
            shutil.copyfileobj(handle, copy, COPY_CHUNK)
    wal = source.with_name(source.name + "-wal")
    with contextlib.suppress(FileNotFoundError):
        if stat.S_ISREG(wal.stat().st_mode) and wal.stat().st_size <= MAX_RESTORE_BYTES:
            create_owner_only(temporary.with_name(temporary.name + "-wal"))
            shutil.copyfile(wal, temporary.with_name(temporary.name + "-wal"))


def _check_copy(temporary: Path, source: Path) -> JournalFacts:
    """Check every page of the copy, and make it one file (any -wal folded in)."""
    try:
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
        facts = inspect_journal(temporary, thorough=True)
    except JournalError as error:
        raise RestoreRefused(
            "Nothing was restored", error.long.replace(temporary.name, source.name)
        ) from error
    except sqlite3.DatabaseError as error:
        raise RestoreRefused(
            "Nothing was restored", f"{source} is damaged and cannot be read ({error})."
        ) from error
    return replace(facts, path=source)


def _keep_current(
    journal_path: Path, should_stop: Callable[[], bool] | None
) -> tuple[Path | None, bool]:
    """Back up the journal about to be replaced; a damaged one is copied byte for byte.

    Returns where it was kept, and whether it could be read.
    """
    folder = journal_path.parent / BACKUPS_FOLDER
    if not journal_path.exists():
        wal = journal_path.with_name(journal_path.name + "-wal")
        if not wal.exists():
            return None, False
        lone = backup_path(folder, journal_path, BackupKind.DAMAGED)  # a -wal without its file
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            _copy_exactly(wal, lone.with_name(lone.name + "-wal"))
        except OSError as error:
            raise RestoreRefused(
                "Nothing was restored",
                f"A file left beside the journal could not be kept first: "
                f"{why_not_written(error, folder)}",
            ) from error
        return lone.with_name(lone.name + "-wal"), False
    destination = backup_path(folder, journal_path, BackupKind.BEFORE_RESTORE)
    try:
        return write_backup(journal_path, destination, should_stop=should_stop), True
    except BackupFailed as failed:
        if not failed.unreadable:
            raise RestoreRefused(
                "Nothing was restored",
                f"The journal it would replace could not be backed up first: {failed.long}",
            ) from failed
    destination = backup_path(folder, journal_path, BackupKind.DAMAGED)
    try:  # damaged: keep the file and its -wal exactly as they are
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for suffix in ("", "-wal"):
            original = journal_path.with_name(journal_path.name + suffix)
            if original.exists():
                _copy_exactly(original, destination.with_name(destination.name + suffix))
    except OSError as error:
        raise RestoreRefused(
            "Nothing was restored",
            f"The journal it would replace could not be kept first: "
            f"{why_not_written(error, folder)}",
        ) from error
    return destination, False


def _copy_exactly(original: Path, destination: Path) -> None:
    temporary = partial_path(destination)
    try:
        create_owner_only(temporary)
        shutil.copyfile(original, temporary)
        fsync_file(temporary)
        publish(temporary, destination)
    finally:
        remove_partial(temporary)


def _fold_in_wal(journal_path: Path, readable: bool) -> None:
    """Leave no -wal or -shm beside the journal: a readable journal's -wal is folded in first.

    A damaged journal's -wal was copied with it already.
    """
    wal = journal_path.with_name(journal_path.name + "-wal")
    if readable and wal.exists():
        try:
            connection = sqlite3.connect(f"{journal_path.absolute().as_uri()}?mode=rw", uri=True)
            try:
                busy = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                connection.close()
        except sqlite3.Error as error:
            raise RestoreRefused(
                "Nothing was restored", f"The journal in use could not be prepared ({error})."
            ) from error
        if busy:
            raise RestoreRefused(
                "Nothing was restored",
                "Another program is using the journal. Close it, then try again.",
            )
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            journal_path.with_name(journal_path.name + suffix).unlink()
