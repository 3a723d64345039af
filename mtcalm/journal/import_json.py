"""Bringing a JSON export back into a journal: all or nothing, never twice, never trusted.

A session is matched by its lasting identity (``uid``): one the journal has already is left as
it is, so importing the same file twice changes nothing; so is a homework programme, by its
identity and revision. Versions 1 and 2 are read (2 adds the homework programmes, who flagged a
track, and a derived adherence, which is checked to be a list and otherwise ignored). Every
value is checked before it is written, in one transaction that a single bad value rolls back
whole. Into an empty journal the import gives back exactly what was exported: the journal's
JSON export is the same file.

The file is read as it is written, a session at a time, so a large export never sits in memory
whole. It must be a regular file (not a link, a device or a pipe) of at most
:data:`MAX_IMPORT_BYTES`, checked before anything is read; a session may take at most
:data:`MAX_SESSION_CHARS`. The top level is read by hand and each value in it by ``json``, so
``format`` and ``version`` must come before ``sessions`` (as mtcalm writes them). Text comes in
as text: nothing in the file names a place to write, and nothing in it is run.
"""

from __future__ import annotations

import codecs
import json
import os
import sqlite3
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from mtcalm.checkin import CheckInItem
from mtcalm.journal import export_homework
from mtcalm.journal.checkin_rows import insert_checkin
from mtcalm.journal.export_homework import Programme
from mtcalm.journal.export_json import FORMAT_NAME, FORMAT_VERSION
from mtcalm.journal.import_checks import (
    CheckedItems,
    ImportedSession,
    damaged,
    imported_session,
    track_flags,
)
from mtcalm.journal.import_checks import ImportRefused as ImportRefused  # part of this API
from mtcalm.journal.schema import change_sums_sql
from mtcalm.journal.store import Journal

MAX_IMPORT_BYTES = 1024**3  # an export of 100,000 sessions with notes is about 300 MB
MAX_SESSION_CHARS = 32 * 1024**2  # the largest drawing (4 MB of text) and notes, with room
MAX_HEADER_CHARS = 64 * 1024**2  # any other top-level value (the flagged tracks)
READ_BYTES = 1024**2
LOOKAHEAD = 16  # an error this close to the end of what was read may be a value cut in two
NOT_EXPORT = "This is not an mtcalm export"
SUMS_TABLES = ("day_sums", "month_sums")
ADDED_IN_VERSION_2 = frozenset({"homework", "adherence"})
HEADER_FIELDS = frozenset(
    {"format", "version", "exported_at", "exported_by", "period", "notes_included"}
    | {"track_flags", "sessions"}
    | ADDED_IN_VERSION_2
)


@dataclass(frozen=True)
class ImportResult:
    """What an import found and did."""

    sessions: int  # in the file
    added: int  # new to the journal
    flags_added: int = 0
    homework_added: int = 0  # programme revisions new to the journal

    @property
    def already_there(self) -> int:
        return self.sessions - self.added


# -- reading the file ------------------------------------------------------------------------


def _refuse_constant(name: str) -> None:
    raise damaged(f"it holds {name}, which is not a number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document = dict(pairs)
    if len(document) != len(pairs):
        raise damaged("an object in it names the same field twice")
    return document


class _ExportReader:
    """The top level of an export read by hand; each value in it by ``json``'s decoder."""

    def __init__(self, stream: IO[bytes], name: str) -> None:
        self._stream = stream
        self._name = name
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._json = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_refuse_constant)
        self._buffer = ""
        self._position = 0
        self._read = 0
        self._ended = False

    def _fill(self) -> None:
        if self._position > READ_BYTES:
            self._buffer, self._position = self._buffer[self._position :], 0
        chunk = self._stream.read(READ_BYTES)
        self._read += len(chunk)
        if self._read > MAX_IMPORT_BYTES:
            raise too_large(self._name, self._read)
        try:
            text = self._decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as error:
            raise ImportRefused(NOT_EXPORT, f"{self._name} is not UTF-8 text.") from error
        if "\x00" in text:
            raise damaged("it holds a NUL character")
        self._buffer += text
        self._ended = not chunk

    def peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            buffer = self._buffer
            while self._position < len(buffer) and buffer[self._position] in " \t\n\r":
                self._position += 1
            if self._position < len(buffer) or self._ended:
                return buffer[self._position : self._position + 1]
            self._fill()

    def expect(self, character: str, problem: str) -> None:
        if self.peek() != character:
            raise damaged(problem)
        self._position += 1

    def value(self, limit: int) -> Any:
        """The next JSON value, read on until it is whole (up to ``limit`` characters)."""
        self.peek()
        while True:
            try:
                document, end = self._json.raw_decode(self._buffer, self._position)
            except json.JSONDecodeError as error:
                if self._ended or not self._may_go_on(error):
                    raise damaged(f"it is cut short or not valid JSON ({error.msg})") from None
                end = -1
            except RecursionError:
                raise damaged("it is nested deeper than any export") from None
            except ValueError:  # an integer of thousands of digits
                raise damaged("it holds a number longer than any export") from None
            # A value that ends where the text read so far ends may go on (a number, say).
            if end != -1 and (end < len(self._buffer) or self._ended):
                self._position = end
                return document
            if len(self._buffer) - self._position > limit:
                size = f"{limit // 1024**2} MB" if limit >= 1024**2 else f"{limit} characters"
                raise damaged(f"one of its values is larger than {size}")
            self._fill()

    def _may_go_on(self, error: json.JSONDecodeError) -> bool:
        """Whether the text read so far may only stop short of a valid value."""
        return error.msg.startswith("Unterminated") or error.pos >= len(self._buffer) - LOOKAHEAD


def too_large(name: str, size: int) -> ImportRefused:
    return ImportRefused(
        "The file is too large",
        f"{name} is {size / 1024**2:.0f} MB; an export mtcalm imports is at most "
        f"{MAX_IMPORT_BYTES // 1024**2} MB.",
    )


@dataclass(frozen=True)
class _Rest:
    """What an export holds besides its sessions, checked."""

    flags: list[tuple[str, str, str, str]]  # key, title, when flagged, set by
    programmes: list[Programme]


def _read(stream: IO[bytes], name: str, on_session: Callable[[ImportedSession], None]) -> _Rest:
    """Check the export in ``stream``, handing each session on; the rest of what it holds."""
    reader = _ExportReader(stream, name)
    first = reader.peek()
    if first != "{":
        what = "an export" if first and first in '["-0123456789tfn' else "JSON"
        raise ImportRefused(NOT_EXPORT, f"{name} is not {what}.")
    reader.expect("{", "")
    header: dict[str, Any] = {}
    uids: set[str] = set()
    while header or reader.peek() != "}":  # no comma before the first field or the last "}"
        key = reader.value(1024)
        if not isinstance(key, str):
            raise damaged("its top level is not an object of named fields")
        if key in header:
            raise damaged(f"it names {key!r} twice")
        reader.expect(":", "its top level is not an object of named fields")
        if key == "sessions":
            _check_kind(header, name, complete=True)
            _read_sessions(reader, uids, on_session)
            header[key] = None
        else:
            header[key] = reader.value(MAX_HEADER_CHARS)
            _check_kind(header, name, complete=False)
        if reader.peek() == "}":
            break
        reader.expect(",", "its fields are not separated by commas")
    reader.expect("}", "it does not end where an export ends")
    if reader.peek():
        raise damaged("there is more after the end of the export")
    _check_kind(header, name, complete=True)
    version = header["version"]
    known = HEADER_FIELDS if version > 1 else HEADER_FIELDS - ADDED_IN_VERSION_2
    unknown = sorted(set(header) - known)
    if unknown:
        raise damaged(f"it has a field this mtcalm does not know ({unknown[0]!r})")
    if "sessions" not in header:
        raise damaged("it has no list of sessions")
    if not isinstance(header.get("adherence", []), list):  # derived: read, never written
        raise damaged("its adherence is not a list")
    return _Rest(
        track_flags(header.get("track_flags", []), version),
        export_homework.programmes(header.get("homework", [])),
    )


def _check_kind(header: dict[str, Any], name: str, *, complete: bool) -> None:
    """Refuse, as soon as it shows, a file that is not an export this mtcalm can read."""
    if "format" in header and header["format"] != FORMAT_NAME:
        raise ImportRefused(NOT_EXPORT, f"{name} is JSON, but not an mtcalm journal export.")
    version = header.get("version")
    if "version" in header and (type(version) is not int or version < 1):
        raise damaged("its version is not a number mtcalm writes")
    if type(version) is int and version > FORMAT_VERSION:
        raise ImportRefused(
            "This export is from a newer mtcalm",
            f"{name} is an export of version {version}; this mtcalm reads up to version "
            f"{FORMAT_VERSION}. Update mtcalm to import it.",
        )
    if complete and ("format" not in header or "version" not in header):
        raise ImportRefused(
            NOT_EXPORT,
            f'{name} does not say it is an mtcalm export ("format" and "version" come before '
            "the sessions).",
        )


def _read_sessions(
    reader: _ExportReader, uids: set[str], on_session: Callable[[ImportedSession], None]
) -> None:
    reader.expect("[", "its sessions are not a list")
    if reader.peek() == "]":
        reader.expect("]", "")
        return
    items: CheckedItems = {}
    while True:
        position = len(uids) + 1
        session = imported_session(reader.value(MAX_SESSION_CHARS), position, items)
        if session.uid in uids:
            raise damaged(f"session {position} has the same uid as an earlier one")
        uids.add(session.uid)
        on_session(session)
        if reader.peek() == "]":
            reader.expect("]", "")
            return
        reader.expect(",", "its sessions are not separated by commas")


def _open(source: Path) -> IO[bytes]:
    """``source`` opened for reading, if it is a regular file of a size mtcalm imports."""
    name = str(source)
    try:
        details = source.lstat()
    except FileNotFoundError:
        raise ImportRefused("There is no such file", f"{name} does not exist.") from None
    except OSError as error:
        raise ImportRefused("The file cannot be read", f"{name}: {error.strerror}.") from None
    if stat.S_ISLNK(details.st_mode):
        raise ImportRefused("This is not a file", f"{name} is a link; name the file itself.")
    if not stat.S_ISREG(details.st_mode):
        raise ImportRefused("This is not a file", f"{name} is a folder, a device or a pipe.")
    if details.st_size > MAX_IMPORT_BYTES:
        raise too_large(name, details.st_size)
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
    try:
        descriptor = os.open(source, flags)
    except OSError as error:
        raise ImportRefused("The file cannot be read", f"{name}: {error.strerror}.") from None
    opened = os.fstat(descriptor)
    if (opened.st_dev, opened.st_ino) != (details.st_dev, details.st_ino):
        os.close(descriptor)
        raise ImportRefused("The file cannot be read", f"{name} changed as it was opened.")
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


def check_export(source: Path) -> int:
    """Read the export at ``source`` through, checking everything, writing nothing; how many
    sessions it holds. Raises :class:`ImportRefused`.
    """
    count = 0

    def counted(session: ImportedSession) -> None:
        nonlocal count
        count += 1

    with _open(source) as stream:
        _read(stream, str(source), counted)
    return count


# -- writing ---------------------------------------------------------------------------------

_SESSION_INSERT = """
INSERT INTO sessions (uid, kind, started_at, updated_at, ended_at, content_ref, content_title,
                      ambience, planned_seconds, listened_seconds, outcome)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""


def import_export(source: Path, journal: Journal) -> ImportResult:
    """Add the sessions of the export at ``source`` that ``journal`` does not have, and its
    flagged tracks and homework programmes, in one transaction. Raises :class:`ImportRefused`
    (nothing changed) or :class:`mtcalm.journal.file.JournalWriteFailed` (a full disk: nothing
    changed either).
    """
    count = added = flags_added = homework_added = 0
    definitions: dict[CheckInItem, int] = {}
    with _open(source) as stream, journal.writing() as cursor:
        empty = _has_no_sessions(cursor)
        set_aside = _sums_set_aside(cursor) if empty else []
        known = "SELECT 1 FROM sessions WHERE uid = ?"

        def add(session: ImportedSession) -> None:
            nonlocal count, added
            count += 1
            # An empty journal has none of them (a uid twice in the file is refused on reading).
            if not empty and cursor.execute(known, (session.uid,)).fetchone():
                return
            _insert(cursor, session, definitions)
            added += 1

        rest = _read(stream, str(source), add)
        _sums_made(cursor, set_aside)
        for flag in rest.flags:
            cursor.execute(
                "INSERT INTO track_flags (track_key, title, flagged_at, set_by) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (track_key) DO NOTHING",
                flag,
            )
            flags_added += cursor.rowcount
        for programme in rest.programmes:
            cursor.execute(export_homework.INSERT, programme.row())
            homework_added += cursor.rowcount
    return ImportResult(count, added, flags_added, homework_added)


def _has_no_sessions(cursor: sqlite3.Cursor) -> bool:
    """Whether the journal is empty (review mode, a first import): then no session of the file
    is there already, and the sums are made once at the end.
    """
    return cursor.execute("SELECT 1 FROM sessions LIMIT 1").fetchone() is None


def _sums_set_aside(cursor: sqlite3.Cursor) -> list[str]:
    """For an import into an empty journal, the triggers that keep the day and month sums are
    dropped and the sums made once at its end (:func:`_sums_made`): the same sums, without a
    join for every answer written (at 100,000 sessions, 10 to 25 s of the import). The
    statements that make them again.

    All inside the import's transaction: a refused or cancelled import rolls them back with it.
    """
    triggers = cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'sums\\_%'"
        " ESCAPE '\\' ORDER BY rowid"
    ).fetchall()
    for name, _ in triggers:
        cursor.execute(f'DROP TRIGGER "{name}"')
    return [str(sql) for _, sql in triggers]


def _sums_made(cursor: sqlite3.Cursor, set_aside: list[str]) -> None:
    """Add every pair of the import to the sums, as the triggers would have, and make the
    triggers again (exactly as they were written).
    """
    if not set_aside:
        return
    for table in SUMS_TABLES:
        cursor.execute(change_sums_sql(table))
    for statement in set_aside:
        cursor.execute(statement)


def _insert(
    cursor: sqlite3.Cursor, session: ImportedSession, definitions: dict[CheckInItem, int]
) -> None:
    cursor.execute(_SESSION_INSERT, (session.uid, *session.row))
    session_id = int(cursor.lastrowid or 0)
    for checkin, recorded_at in session.checkins:
        insert_checkin(cursor, session_id, checkin, recorded_at, definitions)
    if session.reflection is not None:
        cursor.execute(
            "INSERT INTO reflections (session_id, recorded_at, prompt, note, drawing)"
            " VALUES (?, ?, ?, ?, ?)",
            (session_id, *session.reflection),
        )
    cursor.executemany(
        "INSERT INTO session_tracks (session_id, position, track_key, title, heard_seconds)"
        " VALUES (?, ?, ?, ?, ?)",
        [(session_id, *track) for track in session.tracks],
    )
    cursor.executemany(
        "INSERT INTO session_events (session_id, at, kind, detail) VALUES (?, ?, ?, ?)",
        [(session_id, *event) for event in session.events],
    )
