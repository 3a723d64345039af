"""What a printed summary lists besides the charts, without Qt: the sessions of a range a page
at a time, their totals, the flagged ones, and the trigger tracks played.

Ranges are local dates, both included, as in :mod:`mtcalm.journal.trends`. Every read is a
fixed query over the range's sessions (through the ``sessions_by_start`` index), so a short
range reads little however long the journal; sessions come a page at a time by keyset, never
all at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from mtcalm.checkin import DISTRESS, DISTRESS_RISE_TO_FLAG, STIRRED_UP, Scale
from mtcalm.journal.store import SESSION_COLUMNS, Journal, SessionKind, SessionRecord
from mtcalm.journal.trends import stored_moment, stored_number, stored_window

# Sessions oldest first, a page at a time after the last one read (no OFFSET to skip through).
_SESSIONS_PAGE_SQL = (
    f"SELECT {SESSION_COLUMNS} FROM sessions WHERE started_at >= ? AND started_at < ?"
    " AND (started_at, id) > (?, ?) ORDER BY started_at, id LIMIT ?"
)
_STAMP_SQL = "SELECT started_at FROM sessions WHERE id = ?"
_TOTALS_SQL = (
    "SELECT kind, count(*), total(listened_seconds) FROM sessions"
    " WHERE started_at >= ? AND started_at < ? GROUP BY kind"
)
# Listening sessions after which distress rose by the flagging margin, or urges or memories
# came up. Parameters: the distress scale, the "yes/no" scale, since, until, the margin.
_FLAGGED_SQL = """
SELECT s.id, s.started_at, s.content_title, db.value, da.value, coalesce(su.value, 0)
FROM sessions AS s
JOIN checkins AS ca ON ca.session_id = s.id AND ca.phase = 'after' AND ca.skipped = 0
LEFT JOIN checkins AS cb ON cb.session_id = s.id AND cb.phase = 'before' AND cb.skipped = 0
LEFT JOIN answers AS db ON db.checkin_id = cb.id AND db.item = 'distress' AND db.scale = ?1
LEFT JOIN answers AS da ON da.checkin_id = ca.id AND da.item = 'distress' AND da.scale = ?1
LEFT JOIN answers AS su ON su.checkin_id = ca.id AND su.item = 'stirred_up' AND su.scale = ?2
WHERE s.kind = 'listening' AND s.started_at >= ?3 AND s.started_at < ?4
  AND (da.value - db.value >= ?5 OR su.value = 1)
ORDER BY s.started_at, s.id
"""
# How often each track flagged as a trigger was played in the range (through the range's
# sessions, so a short range reads little).
_TRIGGERS_HEARD_SQL = """
SELECT t.track_key, count(DISTINCT s.id) FROM sessions AS s
JOIN session_tracks AS t ON t.session_id = s.id
JOIN track_flags AS f ON f.track_key = t.track_key
WHERE s.started_at >= ? AND s.started_at < ? GROUP BY t.track_key
"""


@dataclass(frozen=True)
class RangeTotals:
    """What a range holds: listening sessions, check-ins on their own, minutes listened."""

    listening_sessions: int
    checkins_alone: int
    minutes_listened: float


@dataclass(frozen=True)
class FlaggedSession:
    """A listening session worth a second look: distress rose, or urges or memories came up."""

    session_id: int
    started_at: datetime
    title: str
    distress_before: int | None
    distress_after: int | None
    stirred_up: bool

    @property
    def distress_rose(self) -> bool:
        before, after = self.distress_before, self.distress_after
        return before is not None and after is not None and after - before >= DISTRESS_RISE_TO_FLAG


def sessions_between(
    journal: Journal, since: date | None, until: date | None, *, page: int = 200
) -> Iterator[SessionRecord]:
    """Every session and check-in of the range, oldest first, read ``page`` at a time."""
    lowest, until_stamp = stored_window(since, until)
    after: tuple[str, int] = ("", 0)
    while True:
        # Each page starts its walk of sessions_by_start where the last one ended.
        start = max(lowest, after[0])
        records = journal.records(_SESSIONS_PAGE_SQL, (start, until_stamp, *after, page))
        yield from records
        if len(records) < page:
            return
        last = journal.reading(_STAMP_SQL, (records[-1].id,))  # as stored, not as parsed
        after = (str(last[0][0]) if last else "", records[-1].id)


def range_totals(journal: Journal, since: date | None, until: date | None) -> RangeTotals:
    counts = {row[0]: row[1:] for row in journal.reading(_TOTALS_SQL, stored_window(since, until))}
    listening = counts.get(SessionKind.LISTENING.value, (0, 0.0))
    alone = counts.get(SessionKind.CHECKIN.value, (0, 0.0))
    return RangeTotals(
        int(stored_number(listening[0])),
        int(stored_number(alone[0])),
        stored_number(listening[1]) / 60,
    )


def flagged_sessions(
    journal: Journal, since: date | None, until: date | None
) -> list[FlaggedSession]:
    """Listening sessions of the range after which distress rose by 2 or more, or the person
    said "yes" to urges or memories, oldest first.
    """
    scales = (DISTRESS.scale.key, STIRRED_UP.scale.key)
    window = stored_window(since, until)
    rows = journal.reading(_FLAGGED_SQL, (*scales, *window, DISTRESS_RISE_TO_FLAG))
    found = []
    for session_id, stamp, title, before, after, stirred in rows:
        started = stored_moment(stamp)
        if isinstance(session_id, int) and started is not None:
            found.append(
                FlaggedSession(
                    session_id,
                    started,
                    str(title),
                    _on_scale(before, DISTRESS.scale),
                    _on_scale(after, DISTRESS.scale),
                    stirred == 1,
                )
            )
    return [each for each in found if each.distress_rose or each.stirred_up]


def triggers_heard(journal: Journal, since: date | None, until: date | None) -> dict[str, int]:
    """For each track flagged as a trigger and played in the range, in how many sessions."""
    rows = journal.reading(_TRIGGERS_HEARD_SQL, stored_window(since, until))
    return {str(key): int(stored_number(count)) for key, count in rows}


def _on_scale(value: object, scale: Scale) -> int | None:
    return value if isinstance(value, int) and scale.contains(value) else None
