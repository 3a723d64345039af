"""The journal: every session with its check-ins, kept in one SQLite file.

Nothing else in mtcalm touches the database. Every write is one transaction; the schema is
versioned with ``PRAGMA user_version`` and migrated forward with a backup taken first. A
journal that is damaged, foreign or from a newer mtcalm is never written to.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from mtcalm.checkin import (
    ALL_ITEMS,
    EMOTION_WORDS,
    CheckIn,
    CheckInError,
    ItemChange,
    Phase,
    compare,
    distress_rose,
)

# "mtca" as a 32-bit integer: marks a SQLite file as an mtcalm journal.
APPLICATION_ID = 0x6D746361
SQLITE_HEADER = b"SQLite format 3\x00"


class Outcome(StrEnum):
    """How a session went. A session still ``in_progress`` after the app stopped ended early."""

    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"


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
SCHEMA_STEPS: tuple[SchemaStep, ...] = (_create_v1,)


class EventKind(StrEnum):
    """Things worth remembering about a session besides its check-ins."""

    TRACK_STARTED = "track_started"
    TRACK_FAILED = "track_failed"
    GROUNDING = "grounding"


@dataclass(frozen=True)
class SessionEvent:
    at: datetime
    kind: str
    detail: str


@dataclass(frozen=True)
class SessionRecord:
    """A session as the journal keeps it."""

    id: int
    started_at: datetime
    ended_at: datetime | None
    content_ref: str
    content_title: str
    planned_seconds: float | None
    listened_seconds: float
    outcome: Outcome
    before: CheckIn | None
    after: CheckIn | None

    @property
    def changes(self) -> tuple[ItemChange, ...]:
        return compare(self.before, self.after)

    @property
    def distress_rose(self) -> bool:
        """Flagged: distress went up by the flagging margin or more."""
        return distress_rose(self.changes)


def now() -> datetime:
    """The current local time, with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


def _stamp(moment: datetime | None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


class Journal:
    """An open journal. Use :meth:`open`; close it with :meth:`close` or a ``with`` block."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        backup_dir: Path | None = None,
        schema_steps: Sequence[SchemaStep] = SCHEMA_STEPS,
    ) -> Journal:
        """Open (creating or migrating as needed) the journal at ``path``.

        Before a migration the old file is copied into ``backup_dir`` (default: a ``backups``
        folder beside the journal). Raises :class:`JournalUnreadable` or :class:`JournalTooNew`
        without changing the file when it cannot be used.
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
            raise _write_failure(error) from error
        except BaseException:
            connection.close()
            raise
        _make_owner_only(path)
        return cls(connection, path)

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._connection.execute("PRAGMA user_version").fetchone()[0])

    # -- writing ---------------------------------------------------------------------------

    def start_session(
        self,
        content_ref: str,
        content_title: str,
        before: CheckIn,
        *,
        planned_seconds: float | None = None,
        started_at: datetime | None = None,
    ) -> int:
        """Record a new session together with its first check-in; returns its id."""
        if before.phase is not Phase.BEFORE:
            raise CheckInError("a session starts with the check-in taken before it")
        stamp = _stamp(started_at)
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO sessions (started_at, updated_at, content_ref, content_title,"
                " planned_seconds) VALUES (?, ?, ?, ?, ?)",
                (stamp, stamp, content_ref, content_title, planned_seconds),
            )
            session_id = int(cursor.lastrowid or 0)
            _insert_checkin(cursor, session_id, before, stamp)
        return session_id

    def record_progress(self, session_id: int, listened_seconds: float) -> None:
        """Update how long the session has been listened to so far."""
        with self._transaction() as cursor:
            cursor.execute(
                "UPDATE sessions SET listened_seconds = ?, updated_at = ? WHERE id = ?",
                (max(0.0, listened_seconds), _stamp(None), session_id),
            )
            _require_row(cursor, session_id)

    def record_event(self, session_id: int, kind: EventKind, detail: str = "") -> None:
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO session_events (session_id, at, kind, detail) VALUES (?, ?, ?, ?)",
                (session_id, _stamp(None), kind.value, detail),
            )

    def finish_session(
        self,
        session_id: int,
        outcome: Outcome,
        listened_seconds: float,
        *,
        ended_at: datetime | None = None,
    ) -> None:
        """Mark the listening part of a session as completed or ended early."""
        if outcome is Outcome.IN_PROGRESS:
            raise ValueError("a finished session is completed or ended early")
        stamp = _stamp(ended_at)
        with self._transaction() as cursor:
            cursor.execute(
                "UPDATE sessions SET outcome = ?, listened_seconds = ?, ended_at = ?,"
                " updated_at = ? WHERE id = ?",
                (outcome.value, max(0.0, listened_seconds), stamp, stamp, session_id),
            )
            _require_row(cursor, session_id)

    def record_after(self, session_id: int, after: CheckIn) -> None:
        """Record the check-in taken after listening."""
        if after.phase is not Phase.AFTER:
            raise CheckInError("this check-in was not taken after a session")
        with self._transaction() as cursor:
            _insert_checkin(cursor, session_id, after, _stamp(None))

    # -- reading ---------------------------------------------------------------------------

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Sessions, newest first."""
        rows = self._connection.execute(
            "SELECT id, started_at, ended_at, content_ref, content_title, planned_seconds,"
            " listened_seconds, outcome FROM sessions ORDER BY started_at DESC, id DESC"
            " LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        checkins = self._checkins_for([row[0] for row in rows])
        return [
            SessionRecord(
                id=row[0],
                started_at=datetime.fromisoformat(row[1]),
                ended_at=datetime.fromisoformat(row[2]) if row[2] else None,
                content_ref=row[3],
                content_title=row[4],
                planned_seconds=row[5],
                listened_seconds=row[6],
                outcome=Outcome(row[7]),
                before=checkins.get((row[0], Phase.BEFORE)),
                after=checkins.get((row[0], Phase.AFTER)),
            )
            for row in rows
        ]

    def session(self, session_id: int) -> SessionRecord:
        for record in self.sessions():
            if record.id == session_id:
                return record
        raise KeyError(session_id)

    def events(self, session_id: int) -> list[SessionEvent]:
        rows = self._connection.execute(
            "SELECT at, kind, detail FROM session_events WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [SessionEvent(datetime.fromisoformat(at), kind, detail) for at, kind, detail in rows]

    def _checkins_for(self, session_ids: list[int]) -> dict[tuple[int, Phase], CheckIn]:
        if not session_ids:
            return {}
        marks = ",".join("?" * len(session_ids))
        checkin_rows = self._connection.execute(
            f"SELECT id, session_id, phase, skipped, note FROM checkins"
            f" WHERE session_id IN ({marks})",
            session_ids,
        ).fetchall()
        by_id = {row[0]: row for row in checkin_rows}
        answers: dict[int, dict[str, int | None]] = {checkin_id: {} for checkin_id in by_id}
        emotions: dict[int, list[str]] = {checkin_id: [] for checkin_id in by_id}
        scales = {item.key: item.scale.key for item in ALL_ITEMS}
        id_marks = ",".join("?" * len(by_id)) or "NULL"
        for checkin_id, item, value, scale in self._connection.execute(
            f"SELECT checkin_id, item, value, scale FROM answers WHERE checkin_id IN ({id_marks})",
            list(by_id),
        ):
            # An answer given on another scale is kept in the file but never reinterpreted.
            if scales.get(item) == scale:
                answers[checkin_id][item] = value
        for checkin_id, word in self._connection.execute(
            f"SELECT checkin_id, word FROM emotions WHERE checkin_id IN ({id_marks})"
            " ORDER BY rowid",
            list(by_id),
        ):
            if word in EMOTION_WORDS:
                emotions[checkin_id].append(word)
        result: dict[tuple[int, Phase], CheckIn] = {}
        for checkin_id, session_id, phase, skipped, note in checkin_rows:
            result[(session_id, Phase(phase))] = CheckIn(
                phase=Phase(phase),
                answers=answers[checkin_id],
                emotions=tuple(emotions[checkin_id]),
                note=note,
                skipped=bool(skipped),
            )
        return result

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Cursor]:
        cursor = self._connection.cursor()
        try:
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                if self._connection.in_transaction:  # SQLite may have rolled back already
                    cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if self._connection.in_transaction:
                self._connection.execute("ROLLBACK")
            raise _write_failure(error) from error
        except sqlite3.IntegrityError as error:
            raise JournalWriteFailed(
                "This could not be saved", f"The journal refused the entry: {error}."
            ) from error
        finally:
            cursor.close()


def _insert_checkin(cursor: sqlite3.Cursor, session_id: int, checkin: CheckIn, stamp: str) -> None:
    cursor.execute(
        "INSERT INTO checkins (session_id, phase, recorded_at, skipped, note)"
        " VALUES (?, ?, ?, ?, ?)",
        (session_id, checkin.phase.value, stamp, int(checkin.skipped), checkin.note),
    )
    checkin_id = cursor.lastrowid
    items = {item.key: item for item in ALL_ITEMS}
    cursor.executemany(
        "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                checkin_id,
                key,
                value,
                items[key].scale.key,
                items[key].scale.minimum,
                items[key].scale.maximum,
            )
            for key, value in checkin.all_answers().items()
        ],
    )
    cursor.executemany(
        "INSERT INTO emotions (checkin_id, word) VALUES (?, ?)",
        [(checkin_id, word) for word in dict.fromkeys(checkin.emotions)],
    )


def _require_row(cursor: sqlite3.Cursor, session_id: int) -> None:
    if cursor.rowcount != 1:
        raise KeyError(session_id)


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


def _write_failure(error: sqlite3.Error) -> JournalWriteFailed:
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
