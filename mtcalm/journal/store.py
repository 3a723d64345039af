"""The journal: every session with its check-ins, kept in one SQLite file.

Nothing outside ``mtcalm.journal`` touches the database (``mtcalm.journal.file`` opens it
safely; the package's other modules read and write through :meth:`Journal.reading` and
:meth:`Journal.writing`). Every write is one transaction; a session is written when it starts
and updated as it goes.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mtcalm.checkin import (
    EMOTION_WORDS,
    CheckIn,
    CheckInError,
    CheckInItem,
    Phase,
)
from mtcalm.journal.checkin_rows import definition_id as definition_id
from mtcalm.journal.checkin_rows import insert_checkin, no_items, stored_item
from mtcalm.journal.file import (
    SCHEMA_STEPS,
    JournalUnreadable,
    JournalWriteFailed,
    SchemaStep,
    means_damaged,
    now,
    open_connection,
    write_failure,
)
from mtcalm.journal.records import CHECKIN_ONLY_REF as CHECKIN_ONLY_REF
from mtcalm.journal.records import MAX_PROMPT_LENGTH as MAX_PROMPT_LENGTH
from mtcalm.journal.records import MAX_REFLECTION_NOTE_LENGTH as MAX_REFLECTION_NOTE_LENGTH
from mtcalm.journal.records import MAX_TRACK_KEY_LENGTH as MAX_TRACK_KEY_LENGTH
from mtcalm.journal.records import MAX_TRACK_TITLE_LENGTH as MAX_TRACK_TITLE_LENGTH
from mtcalm.journal.records import EventKind as EventKind
from mtcalm.journal.records import JournalSummary as JournalSummary
from mtcalm.journal.records import Outcome as Outcome
from mtcalm.journal.records import Reflection as Reflection
from mtcalm.journal.records import ReflectionMark as ReflectionMark
from mtcalm.journal.records import SessionEvent as SessionEvent
from mtcalm.journal.records import SessionKind as SessionKind
from mtcalm.journal.records import SessionRecord as SessionRecord
from mtcalm.journal.records import TrackFlag as TrackFlag

if TYPE_CHECKING:  # drawings are read and written with reflections, never at start-up
    from mtcalm.drawing import Drawing


SESSION_COLUMNS = (
    "id, started_at, ended_at, content_ref, content_title, planned_seconds, listened_seconds,"
    " outcome, uid, kind, ambience"
)
CHUNK = 500  # ids per query when reading many sessions' check-ins


def _stamp(moment: datetime | None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


class Journal:
    """An open journal. Use :meth:`open`; close it with :meth:`close` or a ``with`` block."""

    def __init__(
        self, connection: sqlite3.Connection, path: Path, notices: Sequence[str] = ()
    ) -> None:
        self._connection = connection
        self.path = path
        self.notices = tuple(notices)  # what opening it found and did (a damaged -wal set aside)
        self._memory_uri: str | None = None  # set for a journal held in memory only

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        backup_dir: Path | None = None,
        schema_steps: Sequence[SchemaStep] = SCHEMA_STEPS,
        create: bool = True,
    ) -> Journal:
        """Open (creating or upgrading as needed) the journal at ``path``.

        Before an upgrade the old file is copied into ``backup_dir`` (default: a ``backups``
        folder beside the journal). Raises a :class:`JournalError` naming the cause, without
        changing the file, when it cannot be used.
        """
        opened = open_connection(path, backup_dir, schema_steps, create=create)
        return cls(opened.connection, path, opened.notices)

    @classmethod
    def in_memory(cls, label: Path) -> Journal:
        """A new, empty journal of the current format held in memory only: nothing of it is
        ever on disk, and closing it frees it. ``label`` names it (a file it was read from).

        Other connections to it (for a background thread) come from
        :meth:`memory_connection`. This connection may be used from any one thread at a time.
        """
        from mtcalm.journal.file import _apply_steps

        uri = f"file:mtcalm-memory-{new_uid()}?mode=memory&cache=shared"
        connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        try:
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("BEGIN IMMEDIATE")
            _apply_steps(connection, SCHEMA_STEPS, 0)
            connection.execute("COMMIT")
        except BaseException:
            connection.close()
            raise
        journal = cls(connection, label)
        journal._memory_uri = uri
        return journal

    def memory_connection(self) -> sqlite3.Connection:
        """Another, read-only connection to a journal made by :meth:`in_memory` (for the
        package's background reads); its caller closes it. Raises ValueError for a file.
        """
        uri = self._memory_uri
        if uri is None:
            raise ValueError("this journal is a file: open it again by its path")
        connection = sqlite3.connect(uri, uri=True, isolation_level=None)
        connection.execute("PRAGMA query_only = ON")
        return connection

    def interrupt_when(self, should_stop: Callable[[], bool] | None) -> None:
        """Have SQLite abandon what it is doing (raising OperationalError, "interrupted") as soon
        as ``should_stop()`` says so: a long load that is cancelled. None: never again.
        """
        if should_stop is None:
            self._connection.set_progress_handler(None, 0)
        else:
            self._connection.set_progress_handler(lambda: 1 if should_stop() else 0, 10_000)

    def reopen(self) -> None:
        """Open the file again in place (after a restore), for everyone who holds this object."""
        opened = open_connection(self.path, None, SCHEMA_STEPS, create=False)
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()
        self._connection = opened.connection
        self.notices = opened.notices

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
                "INSERT INTO sessions (uid, started_at, updated_at, content_ref, content_title,"
                " planned_seconds) VALUES (?, ?, ?, ?, ?, ?)",
                (new_uid(), stamp, stamp, content_ref, content_title, planned_seconds),
            )
            session_id = int(cursor.lastrowid or 0)
            insert_checkin(cursor, session_id, before, stamp)
        return session_id

    def record_checkin(self, checkin: CheckIn, *, recorded_at: datetime | None = None) -> int:
        """Keep a check-in taken on its own ("Just check in"); returns its entry's id."""
        if checkin.phase is not Phase.BEFORE:
            raise CheckInError("a check-in on its own is taken as one before listening")
        stamp = _stamp(recorded_at)
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO sessions (uid, kind, started_at, updated_at, ended_at, content_ref,"
                " content_title, outcome) VALUES (?, ?, ?, ?, ?, ?, '', ?)",
                (
                    new_uid(),
                    SessionKind.CHECKIN.value,
                    stamp,
                    stamp,
                    stamp,
                    CHECKIN_ONLY_REF,
                    Outcome.COMPLETED.value,
                ),
            )
            session_id = int(cursor.lastrowid or 0)
            insert_checkin(cursor, session_id, checkin, stamp)
        return session_id

    def set_ambience(self, session_id: int, key: str) -> None:
        """The background sound chosen in the session ('' for none); the last one is kept."""
        with self._transaction() as cursor:
            cursor.execute("UPDATE sessions SET ambience = ? WHERE id = ?", (key, session_id))
            _require_row(cursor, session_id)

    def record_track_heard(
        self, session_id: int, position: int, track_key: str, title: str, heard_seconds: float
    ) -> None:
        """How long the track at ``position`` of the session has been heard (never less than
        was kept before: a later, shorter report does not undo listening).
        """
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO session_tracks (session_id, position, track_key, title,"
                " heard_seconds) VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id, position)"
                " DO UPDATE SET heard_seconds = max(heard_seconds, excluded.heard_seconds)",
                (
                    session_id,
                    position,
                    track_key[:MAX_TRACK_KEY_LENGTH],
                    title[:MAX_TRACK_TITLE_LENGTH],
                    max(0.0, heard_seconds),
                ),
            )

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
            insert_checkin(cursor, session_id, after, _stamp(None))

    def record_reflection(
        self,
        session_id: int,
        prompt: str,
        note: str,
        drawing: Drawing,
        *,
        recorded_at: datetime | None = None,
    ) -> None:
        """Keep (or replace) the reflection written and drawn after session ``session_id``."""
        if len(note) > MAX_REFLECTION_NOTE_LENGTH:
            raise ValueError(f"the note is longer than {MAX_REFLECTION_NOTE_LENGTH} characters")
        prompt = prompt[:MAX_PROMPT_LENGTH]
        from mtcalm.drawing import to_json

        stored_drawing = "" if drawing.is_empty else to_json(drawing)
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO reflections (session_id, recorded_at, prompt, note, drawing)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (session_id) DO UPDATE SET"
                " recorded_at = excluded.recorded_at, prompt = excluded.prompt,"
                " note = excluded.note, drawing = excluded.drawing",
                (session_id, _stamp(recorded_at), prompt, note, stored_drawing),
            )

    def flag_track(self, track_key: str, title: str) -> None:
        """Flag a track as a trigger; flagging it again keeps when it was first flagged."""
        if not track_key or len(track_key) > MAX_TRACK_KEY_LENGTH:
            raise ValueError("a flagged track needs a key of a usable length")
        with self._transaction() as cursor:
            cursor.execute(
                "INSERT INTO track_flags (track_key, title, flagged_at) VALUES (?, ?, ?)"
                " ON CONFLICT (track_key) DO UPDATE SET title = excluded.title",
                (track_key, title[:MAX_TRACK_TITLE_LENGTH], _stamp(None)),
            )

    def unflag_track(self, track_key: str) -> None:
        """Take the trigger flag off a track (nothing happens if it had none)."""
        with self._transaction() as cursor:
            cursor.execute("DELETE FROM track_flags WHERE track_key = ?", (track_key,))

    # -- reading ---------------------------------------------------------------------------

    def reflection(self, session_id: int) -> Reflection | None:
        """The reflection kept for a session, or None; a damaged drawing never raises."""
        from mtcalm.drawing import MAX_TEXT_BYTES, Drawing, DrawingError, from_json

        # A drawing too large to be ours (put there by another tool) is not even read.
        row = self._connection.execute(
            "SELECT recorded_at, prompt, note, CASE WHEN length(CAST(drawing AS BLOB)) <= ?"
            " THEN drawing END FROM reflections WHERE session_id = ?",
            (MAX_TEXT_BYTES, session_id),
        ).fetchone()
        if row is None:
            return None
        recorded_at, prompt, note, stored_drawing = row
        drawing, problem = Drawing(), ""
        if stored_drawing is None:
            problem = "The drawing could not be shown: it is too large."
        elif stored_drawing:
            try:
                drawing = from_json(stored_drawing)
            except DrawingError as error:
                problem = f"The drawing could not be shown: {error}."
        return Reflection(
            recorded_at=_moment(recorded_at),
            prompt=str(prompt),
            note=str(note),
            drawing=drawing,
            drawing_problem=problem,
        )

    def reflection_marks(self) -> dict[int, ReflectionMark]:
        """For every session with a reflection, whether it has a note and a drawing."""
        rows = self._connection.execute(
            "SELECT session_id, note != '', drawing != '' FROM reflections"
        ).fetchall()
        return {row[0]: ReflectionMark(bool(row[1]), bool(row[2])) for row in rows}

    def flagged_tracks(self) -> dict[str, TrackFlag]:
        """Every track flagged as a trigger, by its key."""
        rows = self._connection.execute(
            "SELECT track_key, title, flagged_at, set_by = 'therapist' FROM track_flags"
            " ORDER BY flagged_at, track_key"
        ).fetchall()
        return {
            key: TrackFlag(key, title, _moment(flagged_at), bool(therapist))
            for key, title, flagged_at, therapist in rows
        }

    def summary(self) -> JournalSummary:
        """How many sessions the journal holds and when they began (an index read, fast)."""
        count, first, newest = self._connection.execute(
            "SELECT count(*), min(started_at), max(started_at) FROM sessions"
        ).fetchone()
        return JournalSummary(
            int(count), _moment(first) if first else None, _moment(newest) if newest else None
        )

    def sessions(self, limit: int | None = None) -> list[SessionRecord]:
        """Sessions, newest first (the ``limit`` newest)."""
        return self._records(
            f"SELECT {SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )

    def session(self, session_id: int) -> SessionRecord:
        records = self._records(
            f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
        )
        if not records:
            raise KeyError(session_id)
        return records[0]

    def records(self, sql: str, parameters: Sequence[object] = ()) -> list[SessionRecord]:
        """The sessions a query selects, in its order, with their check-ins. ``sql`` selects
        :data:`SESSION_COLUMNS` from ``sessions`` (for the package's own paged reads).
        """
        return self._records(sql, parameters)

    def events(self, session_id: int) -> list[SessionEvent]:
        rows = self._connection.execute(
            "SELECT at, kind, detail FROM session_events WHERE session_id = ? ORDER BY id",
            (session_id,),
        ).fetchall()
        return [SessionEvent(_moment(at), kind, detail) for at, kind, detail in rows]

    def tracks_heard(self, session_id: int) -> list[tuple[str, float]]:
        """The session's tracks in order, with the seconds each was heard."""
        rows = self._connection.execute(
            "SELECT title, heard_seconds FROM session_tracks WHERE session_id = ?"
            " ORDER BY position",
            (session_id,),
        ).fetchall()
        return [(str(title), float(seconds)) for title, seconds in rows]

    def _records(self, sql: str, parameters: Sequence[object]) -> list[SessionRecord]:
        with self._damage_told():
            rows = self._connection.execute(sql, parameters).fetchall()
            checkins = self._checkins_for([row[0] for row in rows])
        return [
            SessionRecord(
                id=row[0],
                started_at=_moment(row[1]),
                ended_at=_moment(row[2]) if row[2] else None,
                content_ref=row[3],
                content_title=row[4],
                planned_seconds=row[5],
                listened_seconds=row[6],
                outcome=Outcome(row[7]),
                before=checkins.get((row[0], Phase.BEFORE)),
                after=checkins.get((row[0], Phase.AFTER)),
                uid=row[8] or "",
                kind=SessionKind(row[9]),
                ambience=row[10],
            )
            for row in rows
        ]

    def _checkins_for(self, session_ids: list[int]) -> dict[tuple[int, Phase], CheckIn]:
        """The check-ins of the sessions named, read in chunks (one SQL variable per id would
        fail past SQLite's limit on a long list).
        """
        result: dict[tuple[int, Phase], CheckIn] = {}
        for start in range(0, len(session_ids), CHUNK):
            result.update(self._checkins_chunk(session_ids[start : start + CHUNK]))
        return result

    def _checkins_chunk(self, session_ids: list[int]) -> dict[tuple[int, Phase], CheckIn]:
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
        items: dict[int, list[CheckInItem]] = {checkin_id: [] for checkin_id in by_id}
        emotions: dict[int, list[str]] = {checkin_id: [] for checkin_id in by_id}
        id_marks = ",".join("?" * len(by_id)) or "NULL"
        for row in self._connection.execute(
            "SELECT a.checkin_id, a.item, a.value, a.scale, a.scale_min, a.scale_max,"
            " d.label, d.low_anchor, d.high_anchor FROM answers a"
            " LEFT JOIN item_definitions d ON d.id = a.definition_id"
            f" WHERE a.checkin_id IN ({id_marks}) ORDER BY a.checkin_id, a.rowid",
            list(by_id),
        ):
            checkin_id, key, value = row[0], row[1], row[2]
            phase = Phase(by_id[checkin_id][2])
            item = stored_item(key, phase, *row[3:])
            if item is None:
                continue
            if value is not None and (not isinstance(value, int) or not item.scale.contains(value)):
                continue  # kept in the file, never shown as something it was not
            items[checkin_id].append(item)
            answers[checkin_id][key] = value
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
                answers={} if skipped else answers[checkin_id],
                emotions=() if skipped else tuple(emotions[checkin_id]),
                note=note,
                skipped=bool(skipped),
                items=tuple(items[checkin_id]) or no_items(Phase(phase)),
            )
        return result

    # -- for the journal package's own modules ---------------------------------------------

    def reading(
        self, sql: str, parameters: Sequence[object] | Mapping[str, object] = ()
    ) -> list[tuple[object, ...]]:
        """The rows of one read-only query (a damaged page raises JournalUnreadable)."""
        with self._damage_told():
            return [tuple(row) for row in self._connection.execute(sql, parameters).fetchall()]

    @contextlib.contextmanager
    def _damage_told(self) -> Iterator[None]:
        """A read that finds a damaged page says so as the journal's damage, never as a raw
        SQLite error (opening checks only the first entries; the whole file is checked later).
        """
        try:
            yield
        except sqlite3.DatabaseError as error:
            if means_damaged(error):
                raise JournalUnreadable(
                    "The journal is damaged",
                    "Part of it cannot be read safely. It has been left as it is; a backup "
                    "can be restored under Your data.",
                    self.path,
                ) from error
            raise

    @contextlib.contextmanager
    def writing(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction (a failure rolls it back and raises JournalWriteFailed)."""
        with self._transaction() as cursor:
            yield cursor

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
            raise write_failure(error) from error
        except sqlite3.IntegrityError as error:
            raise JournalWriteFailed(
                "This could not be saved", f"The journal refused the entry: {error}."
            ) from error
        finally:
            cursor.close()


def _moment(stamp: object) -> datetime:
    """A stored time; one damaged by another tool reads as the earliest time, not an error."""
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)


def new_uid() -> str:
    """A session's lasting identity: 32 hex digits, random."""
    import uuid  # not on the start-up path: a session is made after the window is up

    return uuid.uuid4().hex


def _require_row(cursor: sqlite3.Cursor, session_id: int) -> None:
    if cursor.rowcount != 1:
        raise KeyError(session_id)
