"""The journal to read together: the reads behind the journal page, without Qt.

Every read is one fixed query whose text depends on which filters are set, never on how many
sessions there are. A page of the list is read by **keyset**: newest first by
(started_at, id), the next page starting below the last key seen. That costs the same at the
100,000th session as at the first (an OFFSET would walk every row skipped), and no session is
repeated or missed when several share a start time. A row carries only what the list shows;
:func:`detail` reads everything about one session.

What is shown and what is filtered on are the same SQL expressions, so the list never shows a
flag that its filter would not find. The answers read here are those the journal itself would
show: mtcalm's own items on their own scales, from check-ins not skipped (see
:func:`mtcalm.journal.store._stored_item`).

Dates are local dates as stored: '2026-03-03T21:14:00+01:00' is on 3 March wherever the
journal is read, and compares as text against '2026-03-03' on the ``sessions_by_start`` index.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from mtcalm.checkin import (
    COMPARED_ITEMS,
    DISTRESS,
    DISTRESS_RISE_TO_FLAG,
    STIRRED_UP,
    CheckInItem,
    ItemChange,
    compare,
    distress_rose,
)
from mtcalm.journal.file import JournalUnreadable, unavailable
from mtcalm.journal.store import (
    CHECKIN_ONLY_REF,
    EventKind,
    Journal,
    Outcome,
    Reflection,
    SessionEvent,
    SessionKind,
    SessionRecord,
)

PAGE_SIZE = 200  # rows per page of the list: a few screens, read in a few milliseconds


class Entries(StrEnum):
    """Which kind of entry the list shows."""

    ALL = "all"
    LISTENING = SessionKind.LISTENING.value
    CHECKINS = SessionKind.CHECKIN.value


class Flag(StrEnum):
    """Why a session is flagged, for the person and their therapist to look at together."""

    DISTRESS_ROSE = "distress_rose"  # distress up by DISTRESS_RISE_TO_FLAG or more
    URGES = "urges"  # "Yes" to "did it stir up urges or hard memories?"
    TRIGGER_TRACK = "trigger_track"  # it played a track now flagged as a trigger


ANY_FLAG = frozenset(Flag)


@dataclass(frozen=True)
class JournalFilter:
    """What the list shows. Dates are local and inclusive; ``flags`` matches any of them;
    ``with_notes``: a note before or after, a written reflection, or a drawing.
    """

    since: date | None = None
    until: date | None = None
    content_ref: str | None = None
    entries: Entries = Entries.ALL
    flags: frozenset[Flag] = frozenset()
    with_notes: bool = False

    @property
    def is_everything(self) -> bool:
        return self == JournalFilter()


@dataclass(frozen=True, order=True)
class PageKey:
    """Where a row sits in the list: its stored start (as text) and its id."""

    started_at: str
    id: int


@dataclass(frozen=True)
class HistoryRow:
    """One line of the list: what it was, what changed, and what there is to read."""

    id: int
    stored_start: str
    started_at: datetime
    title: str
    kind: SessionKind
    outcome: Outcome
    listened_seconds: float
    changes: tuple[ItemChange, ...]  # the core items, before → after (None: not answered)
    before_skipped: bool
    after_taken: bool  # there is a check-in after (answered or skipped)
    after_skipped: bool
    flags: frozenset[Flag]
    has_checkin_note: bool
    has_reflection_note: bool
    has_drawing: bool

    @property
    def key(self) -> PageKey:
        return PageKey(self.stored_start, self.id)

    def change(self, key: str) -> ItemChange:
        return next(change for change in self.changes if change.key == key)


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


# -- the SQL ------------------------------------------------------------------------------------
# The item keys and scales written into the SQL are mtcalm's own constants, never input.


def _answer(phase: str, item: CheckInItem) -> str:
    """The answer to ``item`` in the session's ``phase`` check-in as the journal shows it, or
    NULL (an index seek on checkins (session_id, phase), then answers (checkin_id, item)).
    """
    scale = item.scale
    return (
        "(SELECT a.value FROM checkins AS c JOIN answers AS a ON a.checkin_id = c.id"
        f" WHERE c.session_id = s.id AND c.phase = '{phase}' AND c.skipped = 0"
        f" AND a.item = '{item.key}' AND a.scale = '{scale.key}'"
        f" AND a.scale_min = {scale.minimum} AND a.scale_max = {scale.maximum}"
        f" AND typeof(a.value) = 'integer' AND a.value BETWEEN {scale.minimum} AND {scale.maximum})"
    )


def _skipped(phase: str) -> str:
    """1 skipped, 0 taken, NULL not taken at all."""
    return (
        f"(SELECT c.skipped FROM checkins AS c WHERE c.session_id = s.id AND c.phase = '{phase}')"
    )


_DISTRESS_ROSE_SQL = (
    f"coalesce({_answer('after', DISTRESS)} - {_answer('before', DISTRESS)}"
    f" >= {DISTRESS_RISE_TO_FLAG}, 0)"
)
_URGES_SQL = f"coalesce({_answer('after', STIRRED_UP)} = 1, 0)"
# A track's file name: what a session's TRACK_STARTED event keeps ('x.ogg' of a key such as
# 'bundled:playlists/x.ogg'). rtrim strips every character but '/' from the right.
_FILE_NAME_SQL = (
    "substr(f.track_key, length(rtrim(f.track_key, replace(f.track_key, '/', ''))) + 1)"
)
# The tracks heard (journal 3) name a track by its key. Sessions from before they were kept
# have only their TRACK_STARTED events, which name the file: matched by that name.
_TRIGGER_SQL = (
    "(EXISTS (SELECT 1 FROM session_tracks AS t JOIN track_flags AS f"
    " ON f.track_key = t.track_key WHERE t.session_id = s.id)"
    " OR (NOT EXISTS (SELECT 1 FROM session_tracks AS t WHERE t.session_id = s.id)"
    " AND EXISTS (SELECT 1 FROM session_events AS e JOIN track_flags AS f"
    f" ON e.detail = {_FILE_NAME_SQL}"
    f" WHERE e.session_id = s.id AND e.kind = '{EventKind.TRACK_STARTED.value}'"
    " AND e.detail != '')))"
)
_BLANK = "char(32, 9, 10, 13)"  # spaces, tabs and line breaks: a note of only these is none
_CHECKIN_NOTE_SQL = (
    "EXISTS (SELECT 1 FROM checkins AS c WHERE c.session_id = s.id"
    f" AND trim(c.note, {_BLANK}) != '')"
)
_REFLECTION_NOTE_SQL = (
    "EXISTS (SELECT 1 FROM reflections AS r WHERE r.session_id = s.id"
    f" AND trim(r.note, {_BLANK}) != '')"
)
_DRAWING_SQL = (
    "EXISTS (SELECT 1 FROM reflections AS r WHERE r.session_id = s.id AND r.drawing != '')"
)
_FLAG_SQL = {
    Flag.DISTRESS_ROSE: _DISTRESS_ROSE_SQL,
    Flag.URGES: _URGES_SQL,
    Flag.TRIGGER_TRACK: _TRIGGER_SQL,
}

_ROW_COLUMNS = ", ".join(
    [
        "s.id, s.started_at, s.content_title, s.kind, s.outcome, s.listened_seconds",
        *(f"{_answer(phase, item)}" for item in COMPARED_ITEMS for phase in ("before", "after")),
        _skipped("before"),
        _skipped("after"),
        _URGES_SQL,
        _TRIGGER_SQL,
        _CHECKIN_NOTE_SQL,
        _REFLECTION_NOTE_SQL,
        _DRAWING_SQL,
    ]
)
_NEWEST_FIRST = " ORDER BY s.started_at DESC, s.id DESC"
_OLDEST_FIRST = " ORDER BY s.started_at, s.id"


def _conditions(journal_filter: JournalFilter) -> tuple[list[str], list[str], dict[str, object]]:
    """The conditions that select ``journal_filter``'s entries, and their parameters: first
    those an index answers (dates, content, kind), then those read per session (flags, notes).
    """
    indexed: list[str] = []
    per_session: list[str] = []
    parameters: dict[str, object] = {}
    if journal_filter.since is not None:
        indexed.append("s.started_at >= :since")
        parameters["since"] = journal_filter.since.isoformat()
    if journal_filter.until is not None:
        indexed.append("s.started_at < :until")
        parameters["until"] = (journal_filter.until + timedelta(days=1)).isoformat()
    if journal_filter.content_ref is not None:
        indexed.append("s.content_ref = :content_ref")
        parameters["content_ref"] = journal_filter.content_ref
    if journal_filter.entries is not Entries.ALL:
        indexed.append("s.kind = :kind")
        parameters["kind"] = journal_filter.entries.value
    if journal_filter.flags:
        flags = sorted(journal_filter.flags)  # one text for each set of flags
        per_session.append("(" + " OR ".join(_FLAG_SQL[flag] for flag in flags) + ")")
    if journal_filter.with_notes:
        per_session.append(f"({_CHECKIN_NOTE_SQL} OR {_REFLECTION_NOTE_SQL} OR {_DRAWING_SQL})")
    return indexed, per_session, parameters


def _where(journal_filter: JournalFilter) -> tuple[list[str], dict[str, object]]:
    indexed, per_session, parameters = _conditions(journal_filter)
    return indexed + per_session, parameters


def is_costly(journal_filter: JournalFilter) -> bool:
    """Whether the filter reads every session it passes over (flags, notes): at 100,000
    sessions a whole count then takes a second or more, so the page walks it in :func:`scan`
    slices instead.
    """
    return bool(journal_filter.flags) or journal_filter.with_notes


_BELOW = "s.started_at <= :at AND (s.started_at < :at OR s.id < :id)"
_ABOVE = "s.started_at >= :at AND (s.started_at > :at OR s.id > :id)"


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
    conditions, parameters = _where(journal_filter)
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
    conditions, parameters = _where(journal_filter)
    if before is not None:
        conditions.append(_BELOW)  # SQLite walks its (started_at, id) index down from the key
        parameters.update(at=before.started_at, id=before.id)
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    parameters["limit"] = max(0, limit)
    sql = f"SELECT {_ROW_COLUMNS} FROM sessions AS s{where}{_NEWEST_FIRST} LIMIT :limit"
    return [_row(values) for values in _read(journal, sql, parameters)]


def newer(
    journal: Journal, journal_filter: JournalFilter, *, than: PageKey, limit: int = PAGE_SIZE
) -> list[HistoryRow]:
    """Up to ``limit`` matching rows above ``than`` (written since), newest first: the
    ``limit`` nearest to it, so a caller that gets ``limit`` back knows there may be more.
    """
    conditions, parameters = _where(journal_filter)
    conditions.append(_ABOVE)
    parameters.update(at=than.started_at, id=than.id, limit=max(0, limit))
    where = " WHERE " + " AND ".join(conditions)
    sql = f"SELECT {_ROW_COLUMNS} FROM sessions AS s{where}{_OLDEST_FIRST} LIMIT :limit"
    return [_row(values) for values in reversed(_read(journal, sql, parameters))]


def find(journal: Journal, journal_filter: JournalFilter, session_id: int) -> HistoryRow | None:
    """The row of session ``session_id`` if it matches ``journal_filter``, else None."""
    conditions, parameters = _where(journal_filter)
    conditions.append("s.id = :session_id")
    parameters["session_id"] = session_id
    sql = f"SELECT {_ROW_COLUMNS} FROM sessions AS s WHERE " + " AND ".join(conditions)
    rows = _read(journal, sql, parameters)
    return _row(rows[0]) if rows else None


def position(journal: Journal, journal_filter: JournalFilter, key: PageKey) -> int:
    """How many matching rows come before ``key`` in the list (its row number, if it is one)."""
    conditions, parameters = _where(journal_filter)
    conditions.append(_ABOVE)
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
    indexed, per_session, parameters = _conditions(journal_filter)
    if below is not None:
        indexed.append(_BELOW)
        parameters.update(at=below.started_at, id=below.id)
    span = max(1, SCAN_SPAN if span is None else span)
    parameters["span"] = span
    where = " WHERE " + " AND ".join(indexed) if indexed else ""
    matches = " AND ".join(per_session) or "1"
    walked = _read(
        journal,
        f"SELECT s.id, s.started_at, s.kind, {matches} FROM sessions AS s{where}"
        f"{_NEWEST_FIRST} LIMIT :span",
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
            _row(values)
            for values in _read(
                journal,
                f"SELECT {_ROW_COLUMNS} FROM sessions AS s"
                f" WHERE s.id IN (SELECT value FROM json_each(:ids)){_NEWEST_FIRST}",
                {"ids": ids},
            )
        ]
    return Scan(tuple(rows), HistoryCount(sessions, checkins), resume)


# Every distinct content_ref, one index seek each (a skip-scan of sessions_by_content), with
# its newest title: a handful of seeks however many sessions there are.
_CONTENTS_SQL = """
WITH RECURSIVE refs(ref) AS (
    SELECT min(content_ref) FROM sessions
    UNION ALL
    SELECT (SELECT min(content_ref) FROM sessions WHERE content_ref > refs.ref)
    FROM refs WHERE refs.ref IS NOT NULL
)
SELECT ref, (SELECT content_title FROM sessions WHERE content_ref = refs.ref
             ORDER BY started_at DESC LIMIT 1)
FROM refs WHERE ref IS NOT NULL AND ref != :checkin_ref
"""


def contents(journal: Journal) -> list[Content]:
    """The playlists and scripts the journal has sessions of, by title."""
    rows = _read(journal, _CONTENTS_SQL, {"checkin_ref": CHECKIN_ONLY_REF})
    found = [Content(str(ref), str(title or ref)) for ref, title in rows]
    return sorted(found, key=lambda content: (content.title.casefold(), content.ref))


# Each count(*) on its own, so SQLite counts an index's entries rather than reading rows.
_STAMP_SQL = f"""
SELECT (SELECT count(*) FROM sessions),
       (SELECT count(*) FROM sessions WHERE kind = '{SessionKind.CHECKIN.value}'),
       (SELECT coalesce(max(id), 0) FROM sessions),
       (SELECT coalesce(max(id), 0) FROM checkins),
       (SELECT count(*) FROM reflections)
"""


def stamp(journal: Journal) -> JournalStamp:
    """How many entries and check-ins, the newest ids, the reflections, the flagged tracks:
    a few index reads, however long the journal.
    """
    entries, checkins, newest, newest_checkin, reflections = (
        int(str(value)) for value in _read(journal, _STAMP_SQL, ())[0]
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
    marks = _read(
        journal, f"SELECT {_TRIGGER_SQL} FROM sessions AS s WHERE s.id = ?", (session_id,)
    )
    if not marks:
        raise KeyError(session_id)
    triggers = _read(journal, _TRIGGER_TITLES_SQL, {"session_id": session_id})
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


_TRIGGER_TITLES_SQL = f"""
SELECT f.title FROM session_tracks AS t JOIN track_flags AS f ON f.track_key = t.track_key
WHERE t.session_id = :session_id
UNION ALL
SELECT f.title FROM session_events AS e JOIN track_flags AS f ON e.detail = {_FILE_NAME_SQL}
WHERE e.session_id = :session_id AND e.kind = '{EventKind.TRACK_STARTED.value}'
  AND e.detail != ''
  AND NOT EXISTS (SELECT 1 FROM session_tracks AS t WHERE t.session_id = :session_id)
"""


def _row(values: Sequence[object]) -> HistoryRow:
    session_id, stored_start, title, kind, outcome, listened = values[:6]
    answers = values[6:12]
    before_skipped, after_skipped, urges, trigger, checkin_note, note, drawing = values[12:]
    changes = tuple(
        ItemChange(item.key, _number(answers[2 * n]), _number(answers[2 * n + 1]))
        for n, item in enumerate(COMPARED_ITEMS)
    )
    flags = {flag for flag, on in ((Flag.URGES, urges), (Flag.TRIGGER_TRACK, trigger)) if on}
    if distress_rose(changes):
        flags.add(Flag.DISTRESS_ROSE)
    return HistoryRow(
        id=int(str(session_id)),
        stored_start=str(stored_start),
        started_at=_moment(stored_start),
        title=str(title),
        kind=_kind(kind),
        outcome=_outcome(outcome),
        listened_seconds=max(0.0, float(str(listened or 0))),
        changes=changes,
        before_skipped=bool(before_skipped),
        after_taken=after_skipped is not None,
        after_skipped=bool(after_skipped),
        flags=frozenset(flags),
        has_checkin_note=bool(checkin_note),
        has_reflection_note=bool(note),
        has_drawing=bool(drawing),
    )


def _number(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _moment(stamp_text: object) -> datetime:
    """A stored time; one damaged by another tool reads as the earliest time, not an error."""
    try:
        return datetime.fromisoformat(str(stamp_text))
    except ValueError:
        return datetime.min


def _kind(value: object) -> SessionKind:
    try:
        return SessionKind(str(value))
    except ValueError:
        return SessionKind.LISTENING


def _outcome(value: object) -> Outcome:
    try:
        return Outcome(str(value))
    except ValueError:
        return Outcome.ENDED_EARLY
