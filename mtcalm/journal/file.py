"""The journal's file: creating, checking, backing up and migrating it, safely.

A journal that is damaged, foreign, read-only or from a newer mtcalm is refused before anything
is written to it, each with its own plain reason. A new journal is built under a temporary name
and only then given its name, so two processes creating it at once never see half a journal.
An upgrade takes SQLite's write lock, reads the format again, and only then backs the file up
and runs every step in one transaction: whoever comes second finds the work done.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mtcalm.datadir import (
    DISK_FULL,
    FULL_ERRNOS,
    create_owner_only,
    fsync_file,
    partial_path,
    publish,
    read_start,
    remove_partial,
    remove_stale_partials,
)
from mtcalm.journal import wal
from mtcalm.journal.schema import SCHEMA_STEPS as SCHEMA_STEPS  # the steps, named here too
from mtcalm.journal.schema import SchemaStep as SchemaStep
from mtcalm.journal.wal import wal_of

# "mtca" as a 32-bit integer: marks a SQLite file as an mtcalm journal.
APPLICATION_ID = 0x6D746361
SQLITE_HEADER = b"SQLite format 3\x00"


class JournalError(Exception):
    """A journal problem: a short text for a heading, a longer one in plain words to explain,
    and the file it is about (a detail, shown apart from the words).
    """

    def __init__(self, short: str, long: str, path: Path | None = None) -> None:
        super().__init__(f"{short}: {long}" + (f" ({path})" if path is not None else ""))
        self.short = short
        self.long = long
        self.path = path


class JournalUnreadable(JournalError):
    """The file is damaged or is not an mtcalm journal; it is left exactly as it is."""


class JournalEmpty(JournalUnreadable):
    """The journal file is there but holds nothing (0 bytes); it is left exactly as it is."""


class JournalTooNew(JournalError):
    """The journal was written by a newer mtcalm; it is left exactly as it is."""


class JournalReadOnly(JournalError):
    """The journal file is set to read-only; mtcalm does not change that without asking."""


class JournalFolderReadOnly(JournalError):
    """The journal's folder cannot be written to, so the journal cannot be kept."""


class JournalUnavailable(JournalError):
    """The journal could not be opened just now (a full disk, an I/O error); it is not
    damaged, and nothing was changed. Trying again later may work.
    """


class JournalMissing(JournalError):
    """There is no journal at the path (and it was not to be created)."""


class JournalWriteFailed(JournalError):
    """A write did not happen (full disk, read-only folder...); nothing was half-written."""


def now() -> datetime:
    """The current local time, with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


# How long a connection waits for another one's write (an upgrade's backup holds the lock).
BUSY_TIMEOUT_SECONDS = 30.0
BACKUPS_FOLDER = "backups"  # beside the journal, in the data folder
FULL_DISK_BYTES = 256 * 1024  # less free than this, and SQLite cannot make its -shm


@dataclass(frozen=True)
class OpenedConnection:
    """A checked, up-to-date journal connection, and what the person should be told."""

    connection: sqlite3.Connection
    notices: tuple[str, ...] = ()


def open_connection(
    path: Path,
    backup_dir: Path | None,
    schema_steps: Sequence[SchemaStep],
    *,
    create: bool = True,
) -> OpenedConnection:
    """A connection to the journal at ``path``, created, checked, backed up and upgraded.

    Raises a :class:`JournalError` naming the real cause (empty, damaged, foreign, too new,
    read-only file or folder, missing) without changing the file when it cannot be used.
    """
    target = len(schema_steps)
    _refuse_unwritable_folder(path)
    notices: list[str] = []
    if not _exists(path):
        if not create:
            raise JournalMissing("There is no journal", "There is no journal here.", path)
        orphan = _set_aside(wal_of(path), "orphaned")
        if orphan is not None:  # it would be replayed onto the new journal
            notices.append(
                f"A file of recent changes ({orphan.name.split('.orphaned')[0]}) was found "
                f"without its journal. It was kept aside as {orphan.name}, and a new journal "
                "was started."
            )
        _create(path, schema_steps)
    _refuse_unusable_file(path)
    kept = set_aside_damaged_wal(path)
    if kept is not None:
        notices.append(
            f"When mtcalm last stopped it left a file of recent changes ({path.name}-wal) "
            f"that is damaged and cannot be read. It was kept aside as {kept.name}, so the "
            "journal could open; anything written in the last moments before mtcalm stopped "
            "may be missing."
        )
    if wal_of(path).exists():
        _probe_read_only(path, target)
    try:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise JournalUnreadable(
            "The journal cannot be opened", f"SQLite could not open it ({error}).", path
        ) from error
    try:
        version = _check_readable(connection, path)
        _refuse_newer(path, version, target)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        if version < target:
            _upgrade(connection, path, backup_dir or path.parent / BACKUPS_FOLDER, schema_steps)
    except sqlite3.OperationalError as error:
        connection.close()
        raise write_failure(error) from error
    except BaseException:
        connection.close()
        raise
    _make_owner_only(path)
    return OpenedConnection(connection, tuple(notices))


def _exists(path: Path) -> bool:
    try:
        path.lstat()
    except FileNotFoundError:
        return False
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be read", f"It could not be read ({error.strerror}).", path
        ) from error
    return True


def _create(path: Path, schema_steps: Sequence[SchemaStep]) -> None:
    """Build a complete journal under a temporary name, then give it ``path``'s name.

    If another process gives its own journal that name first, that one is used and this
    one is thrown away: a journal is never seen half-made, and never replaced.
    """
    remove_stale_partials(path.parent)
    temporary = partial_path(path)
    try:
        create_owner_only(temporary)
        connection = sqlite3.connect(temporary, isolation_level=None)
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            # No fsync per step: the whole file is fsynced once, below, before it gets its name.
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute("BEGIN IMMEDIATE")
            _apply_steps(connection, schema_steps, 0)
            connection.execute("COMMIT")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
        fsync_file(temporary)
        with contextlib.suppress(FileExistsError):  # another process made it first
            publish(temporary, path)
    except sqlite3.OperationalError as error:
        raise write_failure(error) from error
    except OSError as error:
        raise write_failure(sqlite3.OperationalError(str(error)), error) from error
    finally:
        remove_partial(temporary)


def _upgrade(
    connection: sqlite3.Connection,
    path: Path,
    backup_dir: Path,
    schema_steps: Sequence[SchemaStep],
) -> None:
    """Back up, then run every step from the journal's version, all under the write lock."""
    target = len(schema_steps)
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _check_readable(connection, path, check=False)  # as it is now, locked
        _refuse_newer(path, version, target)
        if version < target:
            if version > 0:
                from mtcalm.journal.backups import BackupFailed, upgrade_backup

                try:
                    upgrade_backup(path, backup_dir, version)
                except BackupFailed as failed:
                    raise JournalWriteFailed(
                        "The journal could not be upgraded",
                        f"A backup must be made before the journal is upgraded, and it could "
                        f"not be: {failed.long}",
                    ) from failed
            _apply_steps(connection, schema_steps, version)
    except BaseException:
        if connection.in_transaction:  # SQLite may have rolled back already
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _apply_steps(
    connection: sqlite3.Connection, schema_steps: Sequence[SchemaStep], version: int
) -> None:
    for step in schema_steps[version:]:
        step(connection)
    connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    connection.execute(f"PRAGMA user_version = {len(schema_steps)}")


def _refuse_unwritable_folder(path: Path) -> None:
    """A folder mtcalm cannot write to is said to be so, not called damaged."""
    folder = path.parent
    try:
        details = folder.stat()
    except OSError:
        return  # opening will say what is wrong
    own = hasattr(os, "getuid") and details.st_uid == os.getuid()
    if os.access(folder, os.W_OK | os.X_OK) and not (own and not details.st_mode & stat.S_IWUSR):
        return
    raise JournalFolderReadOnly(
        "Your data folder cannot be written to",
        "mtcalm cannot write in the folder where it keeps your journal: the folder is "
        "read-only, on a read-only disk, or belongs to another user. Nothing was changed. "
        "Make the folder writable for you again, then try again.",
        folder,
    )


def _refuse_unusable_file(path: Path) -> None:
    """Refuse, without opening it for writing, a file mtcalm must not use as it is.

    An empty file is refused even with a -wal beside it: SQLite deletes the -wal of a
    database with no pages, so nothing here connects to it.
    """
    try:
        details, header = read_start(path, len(SQLITE_HEADER))
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be read", f"It could not be read ({error.strerror}).", path
        ) from error
    if not stat.S_ISREG(details.st_mode):
        raise JournalUnreadable(
            "The journal is not a file",
            "Its name belongs to something that is not a file. It has been left as it is.",
            path,
        )
    if not header:
        raise JournalEmpty(
            "The journal file is empty",
            "It holds nothing, so the sessions it had cannot be shown. This can happen "
            "when a disk fills up or a copy does not finish. It has been left as it is.",
            path,
        )
    if header != SQLITE_HEADER:
        raise JournalUnreadable(
            "The journal is damaged",
            "It is not a journal mtcalm can read (it may be damaged). It has been left untouched.",
            path,
        )
    if not details.st_mode & stat.S_IWUSR or not os.access(path, os.W_OK):
        raise JournalReadOnly(
            "Your journal is set to read-only",
            "mtcalm can read it but not write to it, so new sessions could not be kept. It "
            "has not been changed. You can let mtcalm write to it again (only you will be able "
            "to read it), or make it writable yourself.",
            path,
        )


def allow_writing(path: Path) -> None:
    """Make a read-only journal writable again, for its owner only (the person asked)."""
    path.chmod(0o600)


def _check_readable(connection: sqlite3.Connection, path: Path, *, check: bool = True) -> int:
    """The journal's schema version, after checking the file is ours and, with ``check``,
    intact as far as a check that costs the same at any size can tell (the schema, the first
    entry of every table and index: :mod:`mtcalm.journal.integrity`). Every page is read off
    the start-up path, and before any backup or restore.
    """
    from mtcalm.journal.integrity import check_first_entries

    damaged = JournalUnreadable(
        "The journal is damaged",
        "mtcalm cannot read it safely, so it has been left untouched.",
        path,
    )
    try:
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        has_tables = connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0
        if check and application_id == APPLICATION_ID:
            check_first_entries(connection)
    except sqlite3.DatabaseError as error:
        if means_damaged(error):
            raise damaged from error
        raise unavailable(error, path) from error
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and has_tables):
        raise JournalUnreadable(
            "This is not an mtcalm journal",
            "The file is another program's database. It has been left untouched.",
            path,
        )
    return version


SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def means_damaged(error: sqlite3.Error) -> bool:
    """Whether SQLite found the file damaged (not merely unable to read it just now)."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is None:  # raised by hand, or an older Python: judge by the words
        message = str(error).lower()
        return "malformed" in message or "not a database" in message
    return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)


def unavailable(error: sqlite3.Error, path: Path) -> JournalError:
    """A journal that could not be read just now: busy, a full disk, an I/O error."""
    if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
        return write_failure(error)
    if _disk_full(path.parent):
        long = (
            "The disk is full, so the journal cannot be opened. Free some space, then try "
            "again; nothing was lost."
        )
    else:
        long = f"It could not be opened ({error}). Nothing was changed; try again in a moment."
    return JournalUnavailable("The journal cannot be opened right now", long, path)


def _disk_full(folder: Path) -> bool:
    import shutil  # only when something has gone wrong

    try:
        return shutil.disk_usage(folder).free < FULL_DISK_BYTES
    except OSError:
        return False


def _is_busy(error: sqlite3.Error) -> bool:
    message = str(error).lower()
    return "locked" in message or "busy" in message


def _refuse_newer(path: Path, version: int, target: int) -> None:
    if version > target:
        raise JournalTooNew(
            "This journal is from a newer mtcalm",
            f"A newer version of mtcalm wrote it (journal format {version}; this version "
            f"knows up to {target}). It has been left untouched.",
            path,
        )


def _probe_read_only(path: Path, target: int) -> None:
    """Check a journal that has a -wal beside it (left by a crash or another window) unwritten.

    A writable connection that refused it would still fold the -wal into the file on closing.
    """
    try:
        probe = sqlite3.connect(
            f"{path.absolute().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_SECONDS
        )
    except sqlite3.Error as error:
        raise JournalUnreadable(
            "The journal cannot be opened", f"SQLite could not open it ({error}).", path
        ) from error
    try:
        _refuse_newer(path, _check_readable(probe, path), target)
    finally:
        probe.close()


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def set_aside_damaged_wal(path: Path) -> Path | None:
    """Move a -wal whose header SQLite cannot read out of the way; where it went, or None.

    SQLite would otherwise ignore such a file and delete it without a word.
    """
    if not wal_is_damaged(path):
        return None
    return _set_aside(wal_of(path), "damaged")


def wal_is_damaged(path: Path) -> bool:
    """Whether the journal at ``path`` has a -wal beside it that SQLite cannot use."""
    try:
        return wal.is_damaged(wal_of(path))
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be read",
            f"The file of its recent changes could not be read ({error.strerror}).",
            wal_of(path),
        ) from error


def _set_aside(file: Path, label: str) -> Path | None:
    try:
        return wal.set_aside(file, label, now().strftime("%Y%m%d-%H%M%S"))
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be opened",
            f"The file of its recent changes could not be moved aside ({error.strerror}). "
            "Nothing was changed.",
            file,
        ) from error


def _make_owner_only(path: Path) -> None:
    """Take away what others may do with the journal's files; never add to the owner's."""
    for candidate in (path, wal_of(path), _sidecar(path, "-shm")):
        with contextlib.suppress(OSError):
            mode = stat.S_IMODE(candidate.stat().st_mode)
            if mode & 0o077:
                candidate.chmod(mode & 0o700)


def write_failure(error: sqlite3.Error, cause: OSError | None = None) -> JournalWriteFailed:
    message = str(error).lower()
    if "full" in message or (cause is not None and cause.errno in FULL_ERRNOS):
        long = DISK_FULL
    elif "readonly" in message or "read-only" in message or "permission" in message:
        long = "The journal's folder cannot be written to. Nothing was lost."
    elif _is_busy(error):
        long = "Another mtcalm is writing to the journal. Try again in a moment."
    else:
        long = f"The journal could not be written ({error}). Nothing was lost."
    return JournalWriteFailed("This could not be saved", long)
