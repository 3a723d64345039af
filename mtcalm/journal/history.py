"""The journal to read together: the reads behind the journal page, without Qt.

Every read is one fixed query whose text depends on which filters are set, never on how many
sessions there are (the SQL is built in :mod:`mtcalm.journal.history_sql`). A page of the list
is read by **keyset**: newest first by (started_at, id), the next page starting below the last
key seen. That costs the same at the 100,000th session as at the first (an OFFSET would walk
every row skipped), and no session is repeated or missed when several share a start time. A
row carries only what the list shows; :func:`detail` reads everything about one session.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mtcalm.checkin import STIRRED_UP, ItemChange, compare, distress_rose
from mtcalm.journal.file import JournalUnreadable, unavailable
from mtcalm.journal.history_sql import (
    ABOVE,
    BELOW,
    CONTENTS_SQL,
    NEWEST_FIRST,
    OLDEST_FIRST,
    ROW_COLUMNS,
    STAMP_SQL,
    TRIGGER_SQL,
    TRIGGER_TITLES_SQL,
    all_conditions,
    history_row,
    split_conditions,
)

# The filter, the keyset and the row are defined with the SQL that reads them; callers take
# them from here, with the reads.
from mtcalm.journal.history_sql import ANY_FLAG as ANY_FLAG
from mtcalm.journal.history_sql import Entries as Entries
from mtcalm.journal.history_sql import Flag as Flag
from mtcalm.journal.history_sql import HistoryRow as HistoryRow
from mtcalm.journal.history_sql import JournalFilter as JournalFilter
from mtcalm.journal.history_sql import PageKey as PageKey
from mtcalm.journal.store import (
    CHECKIN_ONLY_REF,
    Journal,
    Reflection,
    SessionEvent,
    SessionKind,
    SessionRecord,
)

PAGE_SIZE = 200  # rows per page of the list: a few screens, read in a few milliseconds


@dataclass(frozen=True)
class HistoryCount:
    """How many entries match: listening sessions and check-ins on their own."""

    sessions: int
    checkins: int

    @property
    def total(self) -> int:
        return self.sessions + self.checkins


@dataclass(frozen=True)
class Content:
    """A playlist or script the journal has sessions of, by its newest title."""

    ref: str
    title: str


@dataclass(frozen=True)
class SessionDetail:
    """Everything the journal keeps about one session, for the detail view."""

    record: SessionRecord
    flags: frozenset[Flag]
    trigger_tracks: tuple[str, ...]  # titles of the flagged tracks it played
    reflection: Reflection | None
    events: tuple[SessionEvent, ...]
    tracks: tuple[tuple[str, float], ...]  # title, seconds heard, in order

    @property
    def changes(self) -> tuple[ItemChange, ...]:
        """Before → after of every item asked both times (optional and own items too)."""
        return compare(self.record.before, self.record.after)


@dataclass(frozen=True)
class JournalStamp:
    """A cheap sign of whether what the list shows may have changed since it was read."""

    entries: int  # sessions and check-ins
    checkins: int
    newest_id: int
    newest_checkin_id: int  # a check-in after, added to a session already listed
    reflections: int
    flagged_tracks: tuple[str, ...]

    @property
    def everything(self) -> HistoryCount:
        """The count of the whole journal (what :func:`count` says with no filter)."""
        return HistoryCount(self.entries - self.checkins, self.checkins)


def is_costly(journal_filter: JournalFilter) -> bool:
    """Whether the filter reads every session it passes over (flags, notes): at 100,000
    sessions a whole count then takes a second or more, so the page walks it in :func:`scan`
    slices instead.
    """
    return bool(journal_filter.flags) or journal_filter.with_notes


Parameters = Sequence[object] | Mapping[str, object]


def _read(journal: Journal, sql: str, parameters: Parameters) -> list[tuple[object, ...]]:
    """The rows of ``sql``; a journal that cannot be read just now raises a JournalError."""
    try:
        # sqlite3 takes named parameters as a mapping; Journal.reading passes them on as given.
        return journal.reading(sql, parameters)
    except sqlite3.Error as error:
        raise unavailable(error, journal.path) from error


def count(journal: Journal, journal_filter: JournalFilter) -> HistoryCount:
    """How many sessions and check-ins match ``journal_filter``."""
    if journal_filter.is_everything:
        return stamp(journal).everything
    conditions, parameters = all_conditions(journal_filter)
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    rows = _read(
        journal, f"SELECT s.kind, count(*) FROM sessions AS s{where} GROUP BY 1", parameters
    )
    counts = {str(kind): int(str(number)) for kind, number in rows}
    return HistoryCount(
        counts.get(SessionKind.LISTENING.value, 0), counts.get(SessionKind.CHECKIN.value, 0)
    )


def page(
    journal: Journal,
    journal_filter: JournalFilter,
    *,
    before: PageKey | None = None,
    limit: int = PAGE_SIZE,
) -> list[HistoryRow]:
    """Up to ``limit`` matching rows, newest first, from just below ``before`` (or the top)."""
    conditions, parameters = all_conditions(journal_filter)
    if before is not None:
        conditions.append(BELOW)  # SQLite walks its (started_at, id) index down from the key
        parameters.update(at=before.started_at, id=before.id)
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    parameters["limit"] = max(0, limit)
    sql = f"SELECT {ROW_COLUMNS} FROM sessions AS s{where}{NEWEST_FIRST} LIMIT :limit"
    return [history_row(values) for values in _read(journal, sql, parameters)]


def newer(
    journal: Journal, journal_filter: JournalFilter, *, than: PageKey, limit: int = PAGE_SIZE
) -> list[HistoryRow]:
    """Up to ``limit`` matching rows above ``than`` (written since), newest first: the
    ``limit`` nearest to it, so a caller that gets ``limit`` back knows there may be more.
    """
    conditions, parameters = all_conditions(journal_filter)
    conditions.append(ABOVE)
    parameters.update(at=than.started_at, id=than.id, limit=max(0, limit))
    where = " WHERE " + " AND ".join(conditions)
    sql = f"SELECT {ROW_COLUMNS} FROM sessions AS s{where}{OLDEST_FIRST} LIMIT :limit"
    return [history_row(values) for values in reversed(_read(journal, sql, parameters))]


def find(journal: Journal, journal_filter: JournalFilter, session_id: int) -> HistoryRow | None:
    """The row of session ``session_id`` if it matches ``journal_filter``, else None."""
    conditions, parameters = all_conditions(journal_filter)
    conditions.append("s.id = :session_id")
    parameters["session_id"] = session_id
    sql = f"SELECT {ROW_COLUMNS} FROM sessions AS s WHERE " + " AND ".join(conditions)
    rows = _read(journal, sql, parameters)
    return history_row(rows[0]) if rows else None


def position(journal: Journal, journal_filter: JournalFilter, key: PageKey) -> int:
    """How many matching rows come before ``key`` in the list (its row number, if it is one)."""
    conditions, parameters = all_conditions(journal_filter)
    conditions.append(ABOVE)
    parameters.update(at=key.started_at, id=key.id)
    sql = "SELECT count(*) FROM sessions AS s WHERE " + " AND ".join(conditions)
    return int(str(_read(journal, sql, parameters)[0][0]))


@dataclass(frozen=True)
class Scan:
    """One slice of a walk down the list: the rows kept, how many matched, where to go on."""

    rows: tuple[HistoryRow, ...]
    matched: HistoryCount
    resume: PageKey | None  # None: the walk reached the end of the journal


SCAN_SPAN = 2_000  # entries looked at per slice: tens of milliseconds with every flag asked


def scan(
    journal: Journal,
    journal_filter: JournalFilter,
    *,
    below: PageKey | None = None,
    span: int | None = None,
    limit: int | None = None,
) -> Scan:
    """Look at no more than ``span`` entries below ``below`` (those the indexed conditions
    select), and keep those the whole filter selects, up to ``limit`` rows (None: count only,
    read no rows). However rare the matches, one slice never reads much.
    """
    indexed, per_session, parameters = split_conditions(journal_filter)
    if below is not None:
        indexed.append(BELOW)
        parameters.update(at=below.started_at, id=below.id)
    span = max(1, SCAN_SPAN if span is None else span)
    parameters["span"] = span
    where = " WHERE " + " AND ".join(indexed) if indexed else ""
    matches = " AND ".join(per_session) or "1"
    walked = _read(
        journal,
        f"SELECT s.id, s.started_at, s.kind, {matches} FROM sessions AS s{where}"
        f"{NEWEST_FIRST} LIMIT :span",
        parameters,
    )
    kept: list[int] = []
    sessions = checkins = 0
    resume = PageKey(str(walked[-1][1]), int(str(walked[-1][0]))) if len(walked) >= span else None
    for session_id, started_at, kind, matched in walked:
        if not matched:
            continue
        if kind == SessionKind.CHECKIN.value:
            checkins += 1
        else:
            sessions += 1
        if limit is not None:
            kept.append(int(str(session_id)))
            if len(kept) >= limit:
                resume = PageKey(str(started_at), kept[-1])
                break
    rows: list[HistoryRow] = []
    if kept:
        ids = json.dumps(kept)  # one parameter, however many: never a growing IN-list
        rows = [
            history_row(values)
            for values in _read(
                journal,
                f"SELECT {ROW_COLUMNS} FROM sessions AS s"
                f" WHERE s.id IN (SELECT value FROM json_each(:ids)){NEWEST_FIRST}",
                {"ids": ids},
            )
        ]
    return Scan(tuple(rows), HistoryCount(sessions, checkins), resume)


def contents(journal: Journal) -> list[Content]:
    """The playlists and scripts the journal has sessions of, by title."""
    rows = _read(journal, CONTENTS_SQL, {"checkin_ref": CHECKIN_ONLY_REF})
    found = [Content(str(ref), str(title or ref)) for ref, title in rows]
    return sorted(found, key=lambda content: (content.title.casefold(), content.ref))


def stamp(journal: Journal) -> JournalStamp:
    """How many entries and check-ins, the newest ids, the reflections, the flagged tracks:
    a few index reads, however long the journal.
    """
    entries, checkins, newest, newest_checkin, reflections = (
        int(str(value)) for value in _read(journal, STAMP_SQL, ())[0]
    )
    flagged = _read(journal, "SELECT track_key FROM track_flags ORDER BY track_key", ())
    return JournalStamp(
        entries,
        checkins,
        newest,
        newest_checkin,
        reflections,
        tuple(str(key) for (key,) in flagged),
    )


def detail(journal: Journal, session_id: int) -> SessionDetail:
    """Everything about session ``session_id``; KeyError when it is not in the journal."""
    marks = _read(journal, f"SELECT {TRIGGER_SQL} FROM sessions AS s WHERE s.id = ?", (session_id,))
    if not marks:
        raise KeyError(session_id)
    triggers = _read(journal, TRIGGER_TITLES_SQL, {"session_id": session_id})
    try:
        record = journal.session(session_id)
        reflection = journal.reflection(session_id)
        events = journal.events(session_id)
        tracks = journal.tracks_heard(session_id)
    except sqlite3.Error as error:
        raise unavailable(error, journal.path) from error
    except (TypeError, ValueError) as error:  # a value another program wrote, of the wrong type
        raise JournalUnreadable(
            "This entry cannot be shown",
            "Part of what the journal keeps for it is damaged. The rest of the journal is fine.",
            journal.path,
        ) from error
    flags = set()
    if distress_rose(record.changes):
        flags.add(Flag.DISTRESS_ROSE)
    after = record.after
    asked_urges = after is not None and after.item(STIRRED_UP.key) == STIRRED_UP
    if asked_urges and after is not None and after.value(STIRRED_UP.key) == 1:
        flags.add(Flag.URGES)
    if marks[0][0]:
        flags.add(Flag.TRIGGER_TRACK)
    return SessionDetail(
        record=record,
        flags=frozenset(flags),
        trigger_tracks=tuple(dict.fromkeys(str(title) for (title,) in triggers)),
        reflection=reflection,
        events=tuple(events),
        tracks=tuple(tracks),
    )
