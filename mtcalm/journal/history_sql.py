"""The SQL behind the journal's list: what a filter selects, where a page starts (the keyset),
what one row of the list reads, and the row made of it. No Qt; :mod:`mtcalm.journal.history`
runs these reads.

What is shown and what is filtered on are the same SQL expressions, so the list never shows a
flag that its filter would not find. The answers read here are those the journal itself would
show: mtcalm's own items on their own scales, from check-ins not skipped (see
:func:`mtcalm.journal.checkin_rows.stored_item`). Every text here is fixed for a given set of
filters: none grows with the number of sessions.

Dates are local dates as stored: '2026-03-03T21:14:00+01:00' is on 3 March wherever the
journal is read, and compares as text against '2026-03-03' on the ``sessions_by_start`` index.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    distress_rose,
)
from mtcalm.journal.store import EventKind, Outcome, SessionKind


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
TRIGGER_SQL = (
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
    Flag.TRIGGER_TRACK: TRIGGER_SQL,
}

ROW_COLUMNS = ", ".join(
    [
        "s.id, s.started_at, s.content_title, s.kind, s.outcome, s.listened_seconds",
        *(f"{_answer(phase, item)}" for item in COMPARED_ITEMS for phase in ("before", "after")),
        _skipped("before"),
        _skipped("after"),
        _URGES_SQL,
        TRIGGER_SQL,
        _CHECKIN_NOTE_SQL,
        _REFLECTION_NOTE_SQL,
        _DRAWING_SQL,
    ]
)
NEWEST_FIRST = " ORDER BY s.started_at DESC, s.id DESC"
OLDEST_FIRST = " ORDER BY s.started_at, s.id"


def split_conditions(
    journal_filter: JournalFilter,
) -> tuple[list[str], list[str], dict[str, object]]:
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


def all_conditions(journal_filter: JournalFilter) -> tuple[list[str], dict[str, object]]:
    """Every condition of ``journal_filter`` (indexed first), and their parameters."""
    indexed, per_session, parameters = split_conditions(journal_filter)
    return indexed + per_session, parameters


# Keyset: the rows below (older than) or above (newer than) the key :at, :id.
BELOW = "s.started_at <= :at AND (s.started_at < :at OR s.id < :id)"
ABOVE = "s.started_at >= :at AND (s.started_at > :at OR s.id > :id)"


# Every distinct content_ref, one index seek each (a skip-scan of sessions_by_content), with
# its newest title: a handful of seeks however many sessions there are.
CONTENTS_SQL = """
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


# Each count(*) on its own, so SQLite counts an index's entries rather than reading rows.
STAMP_SQL = f"""
SELECT (SELECT count(*) FROM sessions),
       (SELECT count(*) FROM sessions WHERE kind = '{SessionKind.CHECKIN.value}'),
       (SELECT coalesce(max(id), 0) FROM sessions),
       (SELECT coalesce(max(id), 0) FROM checkins),
       (SELECT count(*) FROM reflections)
"""


# The titles of the flagged tracks a session played (matched as TRIGGER_SQL matches them).
TRIGGER_TITLES_SQL = f"""
SELECT f.title FROM session_tracks AS t JOIN track_flags AS f ON f.track_key = t.track_key
WHERE t.session_id = :session_id
UNION ALL
SELECT f.title FROM session_events AS e JOIN track_flags AS f ON e.detail = {_FILE_NAME_SQL}
WHERE e.session_id = :session_id AND e.kind = '{EventKind.TRACK_STARTED.value}'
  AND e.detail != ''
  AND NOT EXISTS (SELECT 1 FROM session_tracks AS t WHERE t.session_id = :session_id)
"""


# -- the row ------------------------------------------------------------------------------------


def history_row(values: Sequence[object]) -> HistoryRow:
    """The list's row made of the values :data:`ROW_COLUMNS` reads, in that order."""
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
