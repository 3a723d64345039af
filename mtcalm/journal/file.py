"""The journal's file: creating, checking, backing up and migrating it, safely.

A journal that is damaged, foreign or from a newer mtcalm is refused before anything is written
to it; before a migration the whole file is copied into a backup; each migration step runs in
one transaction with the version it produces.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

# "mtca" as a 32-bit integer: marks a SQLite file as an mtcalm journal.
APPLICATION_ID = 0x6D746361
SQLITE_HEADER = b"SQLite format 3\x00"


class JournalError(Exception):
    """A journal problem, with a short text for a heading and a longer one to explain."""

    def __init__(self, short: str, long: str) -> None:
        super().__init__(f"{short}: {long}")
        self.short = short
        self.long = long


class JournalUnreadable(JournalError):
    """The file is damaged or is not an mtcalm journal; it is left exactly as it is."""


class JournalTooNew(JournalError):
    """The journal was written by a newer mtcalm; it is left exactly as it is."""


class JournalWriteFailed(JournalError):
    """A write did not happen (full disk, read-only folder...); nothing was half-written."""


def now() -> datetime:
    """The current local time, with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


def _create_v1(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            ended_at TEXT,
            content_ref TEXT NOT NULL,
            content_title TEXT NOT NULL,
            planned_seconds REAL,
            listened_seconds REAL NOT NULL DEFAULT 0 CHECK (listened_seconds >= 0),
            outcome TEXT NOT NULL DEFAULT 'in_progress'
                CHECK (outcome IN ('in_progress', 'completed', 'ended_early'))
        );
        CREATE INDEX sessions_by_start ON sessions (started_at);
        CREATE TABLE checkins (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            phase TEXT NOT NULL CHECK (phase IN ('before', 'after')),
            recorded_at TEXT NOT NULL,
            skipped INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (session_id, phase)
        );
        -- One row per item asked: value NULL means asked and not answered.
        CREATE TABLE answers (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            item TEXT NOT NULL,
            value INTEGER,
            scale TEXT NOT NULL,
            scale_min INTEGER NOT NULL,
            scale_max INTEGER NOT NULL,
            PRIMARY KEY (checkin_id, item)
        );
        CREATE TABLE emotions (
            checkin_id INTEGER NOT NULL REFERENCES checkins (id) ON DELETE CASCADE,
            word TEXT NOT NULL,
            PRIMARY KEY (checkin_id, word)
        );
        -- What happened during a session: tracks played or failed, grounding used.
        CREATE TABLE session_events (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            at TEXT NOT NULL,
            kind TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    )


def _create_v2(connection: sqlite3.Connection) -> None:
    _run_script(
        connection,
        """
        -- What the person wrote and drew after a session (drawing: mtcalm.drawing JSON or '').
        CREATE TABLE reflections (
            session_id INTEGER PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
            recorded_at TEXT NOT NULL,
            prompt TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            drawing TEXT NOT NULL DEFAULT ''
        );
        -- Tracks the person flagged as bringing up urges or hard memories.
        CREATE TABLE track_flags (
            track_key TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            flagged_at TEXT NOT NULL
        );
        """,
    )


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    """Run statements one by one inside the caller's transaction.

    ``executescript`` would commit first, breaking the all-or-nothing migration.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            connection.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


SchemaStep = Callable[[sqlite3.Connection], None]

# SCHEMA_STEPS[n] upgrades a journal from version n to n + 1. Append; never edit a shipped step.
SCHEMA_STEPS: tuple[SchemaStep, ...] = (_create_v1, _create_v2)


def open_connection(
    path: Path, backup_dir: Path | None, schema_steps: Sequence[SchemaStep]
) -> sqlite3.Connection:
    """A connection to the journal at ``path``, checked, backed up and migrated as needed.

    Raises :class:`JournalUnreadable` or :class:`JournalTooNew` without changing the file when
    it cannot be used, and :class:`JournalWriteFailed` when it cannot be written.
    """
    _refuse_foreign_file(path)
    if path.with_name(path.name + "-wal").exists():
        _probe_read_only(path, len(schema_steps))
    try:
        _create_owner_only(path)
        connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    except (OSError, sqlite3.Error) as error:
        raise JournalUnreadable(
            "The journal cannot be opened", f"{path} could not be opened: {error}."
        ) from error
    try:
        version = _check_readable(connection, path)
        target = len(schema_steps)
        _refuse_newer(path, version, target)
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        if version < target:
            if version > 0:
                _back_up(connection, backup_dir or path.parent / "backups", path, version)
            _migrate(connection, schema_steps, version)
    except sqlite3.OperationalError as error:
        connection.close()
        raise write_failure(error) from error
    except BaseException:
        connection.close()
        raise
    _make_owner_only(path)
    return connection


def _refuse_foreign_file(path: Path) -> None:
    """Refuse, without opening it for writing, a file that is not a SQLite database."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as error:
        raise JournalUnreadable(
            "The journal cannot be read", f"{path} could not be read: {error.strerror}."
        ) from error
    if header and header != SQLITE_HEADER:
        raise JournalUnreadable(
            "The journal is damaged",
            f"{path} is not a journal mtcalm can read (it may be damaged). It has been left "
            "untouched.",
        )


def _check_readable(connection: sqlite3.Connection, path: Path) -> int:
    """The journal's schema version, after checking the file is intact and ours."""
    damaged = JournalUnreadable(
        "The journal is damaged",
        f"{path} is damaged and cannot be read safely. It has been left untouched.",
    )
    try:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise damaged
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        has_tables = connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] > 0
    except sqlite3.DatabaseError as error:
        raise damaged from error
    if application_id not in (0, APPLICATION_ID) or (application_id == 0 and has_tables):
        raise JournalUnreadable(
            "This is not an mtcalm journal",
            f"{path} is a database of another program. It has been left untouched.",
        )
    return version


def _refuse_newer(path: Path, version: int, target: int) -> None:
    if version > target:
        raise JournalTooNew(
            "This journal is from a newer mtcalm",
            f"{path} was written by a newer version of mtcalm (journal format {version}; "
            f"this version knows up to {target}). It has been left untouched.",
        )


def _probe_read_only(path: Path, target: int) -> None:
    """Check a journal that has a -wal beside it (left by a crash or another window) unwritten.

    A writable connection that refused it would still fold the -wal into the file on closing.
    """
    try:
        probe = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise JournalUnreadable(
            "The journal cannot be opened", f"{path} could not be opened: {error}."
        ) from error
    try:
        _refuse_newer(path, _check_readable(probe, path), target)
    finally:
        probe.close()


def _migrate(connection: sqlite3.Connection, steps: Sequence[SchemaStep], version: int) -> None:
    for target in range(version + 1, len(steps) + 1):
        connection.execute("BEGIN IMMEDIATE")
        try:
            steps[target - 1](connection)
            connection.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            connection.execute(f"PRAGMA user_version = {target}")
        except BaseException:
            if connection.in_transaction:  # SQLite may have rolled back already
                connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _back_up(connection: sqlite3.Connection, folder: Path, path: Path, version: int) -> Path:
    """Copy the whole journal, consistently, before it is migrated."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = now().strftime("%Y%m%d-%H%M%S")
    destination = folder / f"{path.stem}-v{version}-{stamp}{path.suffix}"
    counter = 1
    while destination.exists():  # never overwrite an earlier backup
        destination = folder / f"{path.stem}-v{version}-{stamp}-{counter}{path.suffix}"
        counter += 1
    _create_owner_only(destination)
    backup = sqlite3.connect(destination)
    try:
        connection.backup(backup)
    finally:
        backup.close()
    destination.chmod(0o600)
    return destination


def _create_owner_only(path: Path) -> None:
    """Create ``path`` empty and owner-only if missing: SQLite then gives its -wal the same mode."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _make_owner_only(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            candidate.chmod(0o600)


def write_failure(error: sqlite3.Error) -> JournalWriteFailed:
    message = str(error).lower()
    if "full" in message:
        long = "The disk is full. Free some space, then try again; nothing was lost."
    elif "readonly" in message or "read-only" in message:
        long = "The journal's folder cannot be written to. Nothing was lost."
    elif "locked" in message or "busy" in message:
        long = "Another mtcalm window is writing to the journal. Try again in a moment."
    else:
        long = f"The journal could not be written ({error}). Nothing was lost."
    return JournalWriteFailed("This could not be saved", long)
