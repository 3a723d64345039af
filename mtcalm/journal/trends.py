"""Before and after over time: the numbers behind the charts, summed by SQLite, without Qt.

For every item asked before and after a listening session (distress, pleasantness, energy, and
the optional or custom items present in the range), each period (a week, a month, or one
session) gets the mean answer before, the mean answer after and the number of sessions. Only
sessions with both answers, on the same scale, count, so the mean change is exactly mean after
minus mean before. Check-ins on their own ("Just check in") have nothing to compare and are
left out.

Weeks are ISO weeks (Monday to Sunday) of the local date as stored with its offset: a session
at 00:30 on a Monday in Berlin belongs to that Monday's week, whatever UTC says. The journal
keeps the pairs summed by day and by month as answers are written (journal 5), so a week,
month or year is one fixed query over those sums (no SQL text that grows with the journal) and
one row per period and item reaches Python: the cost grows with the days and months in the
range, not with the sessions. Session by session is one more fixed query over the answers,
limited to :data:`MAX_SESSION_POINTS` sessions.

What a printed summary lists besides the charts is read by :mod:`mtcalm.journal.report_reads`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from mtcalm.checkin import COMPARED_ITEMS, KNOWN_ITEMS, OPTIONAL_ITEMS, Scale
from mtcalm.journal.schema import PAIR_COUNTS
from mtcalm.journal.store import Journal

# A range this short, with this few sessions, is shown session by session.
SESSIONS_UP_TO_DAYS = 31
MAX_SESSION_POINTS = 90
# Beyond about two years, weeks are too many to read as points: months; beyond ten, years.
WEEKS_UP_TO_DAYS = 7 * 106
MONTHS_UP_TO_DAYS = 3653

_BEYOND_ANY_DATE = "9999-12-32"
_ITEM_ORDER = {item.key: index for index, item in enumerate((*COMPARED_ITEMS, *OPTIONAL_ITEMS))}


class Period(StrEnum):
    """What one point of a chart stands for."""

    SESSION = "session"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


# Summed by the week, month or year of the local date as stored (the first characters of the
# time, never converted to UTC), from the sums journal 5 keeps by day and by month
# (mtcalm.journal.schema). For months and years, whole months come from the month sums and the
# days of the range's first and last month from the day sums; weeks are summed from days. So
# all time reads a few thousand rows, not every answer ever given, and one row per period and
# item reaches Python. A week is named by its Monday: six days back, then on to the next
# Monday. Parameters: the months' bounds, then the two ranges of days (see _sums_window).
_PERIOD_KEYS = {
    "week": "date(day, '-6 days', 'weekday 1')",
    "month": "substr(day, 1, 7) || '-01'",
    "year": "substr(day, 1, 4) || '-01-01'",
}
_SUMMED = "item, scale, scale_min, scale_max, pairs, before_total, after_total, definition_id"
_SUMS_SQL = {
    period: f"""
SELECT {key}, item, scale, scale_min, scale_max, sum(pairs), total(before_total),
       total(after_total), max(definition_id)
FROM (SELECT starts || '-01' AS day, {_SUMMED} FROM month_sums WHERE starts >= ? AND starts < ?
      UNION ALL
      SELECT starts AS day, {_SUMMED} FROM day_sums
      WHERE (starts >= ? AND starts < ?) OR (starts >= ? AND starts < ?))
GROUP BY 1, 2, 3, 4, 5 HAVING sum(pairs) > 0
"""
    for period, key in _PERIOD_KEYS.items()
}
# Session by session: the first sessions of the range only, up to the third parameter (the
# caller asks for a short range; the limit keeps a long one from reading everything).
_SESSION_SQL = (
    """
SELECT s.id, s.started_at, b.item, b.scale, b.scale_min, b.scale_max, b.value, a.value,
       b.definition_id
FROM (SELECT id, started_at, kind FROM sessions
      WHERE kind = 'listening' AND started_at >= ? AND started_at < ?
      ORDER BY started_at, id LIMIT ?) AS s
JOIN checkins AS cb ON cb.session_id = s.id AND cb.phase = 'before'
JOIN checkins AS ca ON ca.session_id = s.id AND ca.phase = 'after'
JOIN answers AS b ON b.checkin_id = cb.id
JOIN answers AS a ON a.checkin_id = ca.id AND a.item = b.item
WHERE"""
    + PAIR_COUNTS
    + """ORDER BY s.started_at, s.id
"""
)
# How many listening sessions a range holds, counted only up to the third parameter.
_FEW_SESSIONS_SQL = (
    "SELECT count(*) FROM (SELECT 1 FROM sessions WHERE kind = 'listening'"
    " AND started_at >= ? AND started_at < ? LIMIT ?)"
)
# The first and the latest listening session with a real date (a walk of sessions_by_start
# that stops at the first one found).
_FIRST_SQL = (
    "SELECT started_at FROM sessions WHERE kind = 'listening' AND started_at >= ?"
    " AND started_at < ? AND date(substr(started_at, 1, 10)) IS NOT NULL"
    " ORDER BY started_at LIMIT 1"
)
_LATEST_SQL = (
    "SELECT started_at FROM sessions WHERE kind = 'listening' AND started_at >= ?"
    " AND started_at < ? AND date(substr(started_at, 1, 10)) IS NOT NULL"
    " ORDER BY started_at DESC LIMIT 1"
)
# A handful of rows: one per distinct wording of an item ever asked.
_DEFINITIONS_SQL = "SELECT id, item, label, low_anchor, high_anchor FROM item_definitions"


@dataclass(frozen=True)
class TrendPoint:
    """One period of one item: the mean answer before and after over ``sessions`` sessions.

    ``starts`` is the week's Monday, the month's first day, or the session's local date;
    ``slot`` is the point's place on the time axis (0 is the range's first period), so weeks
    without sessions leave gaps. A session point carries its ``session_id`` and start time.
    """

    starts: date
    slot: int
    mean_before: float
    mean_after: float
    sessions: int
    session_id: int | None = None
    started_at: datetime | None = None

    @property
    def mean_change(self) -> float:
        """The mean of after − before over the same sessions."""
        return self.mean_after - self.mean_before


@dataclass(frozen=True)
class ItemTrend:
    """One compared item over the range. ``label`` and the anchors are as stored with the
    answers (empty for mtcalm's own items, which the UI names in the person's language).
    """

    key: str
    scale: str
    scale_min: int
    scale_max: int
    label: str
    low_anchor: str
    high_anchor: str
    points: tuple[TrendPoint, ...]

    @property
    def sessions(self) -> int:
        return sum(point.sessions for point in self.points)


@dataclass(frozen=True)
class Trends:
    """Every compared item over a range of local dates, by ``period``.

    ``first`` is the start of slot 0 and ``slots`` the number of periods on the axis (for
    sessions, the number of sessions shown).
    """

    period: Period
    since: date | None
    until: date | None
    first: date | None
    slots: int
    items: tuple[ItemTrend, ...]

    def item(self, key: str) -> ItemTrend | None:
        return next((item for item in self.items if item.key == key), None)

    def slot_start(self, slot: int) -> date | None:
        """The first day of week, month or year ``slot`` (None for sessions or no range)."""
        if self.first is None or self.period is Period.SESSION:
            return None
        if self.period is Period.WEEK:
            return self.first + timedelta(days=7 * slot)
        if self.period is Period.YEAR:
            return date(self.first.year + slot, 1, 1)
        months = self.first.year * 12 + self.first.month - 1 + slot
        return date(months // 12, months % 12 + 1, 1)


def trends(
    journal: Journal,
    *,
    since: date | None = None,
    until: date | None = None,
    period: Period | None = None,
) -> Trends:
    """Before and after of every compared item, by ``period`` (chosen for the range if None).

    ``since`` and ``until`` are local dates, both included. Session by session shows at most
    :data:`MAX_SESSION_POINTS` sessions, the first of the range.
    """
    window = stored_window(since, until)
    if period is None:
        period = choose_period(journal, since=since, until=until)
    definitions = _definitions(journal)
    if period is Period.SESSION:
        rows = journal.reading(_SESSION_SQL, (*window, MAX_SESSION_POINTS))
        return _by_session(rows, definitions, since, until)
    rows = journal.reading(
        _SUMS_SQL[period.value], _sums_window(*window, by_month=period is not Period.WEEK)
    )
    first = since or _stored_day(journal.reading(_FIRST_SQL, window))
    last = until or _stored_day(journal.reading(_LATEST_SQL, window))
    if first is None or last is None:
        return Trends(period, since, until, None, 0, ())
    first = starts_of(first, period)
    cells: dict[Cell, list[TrendPoint]] = {}
    latest: dict[Cell, int] = {}
    known: dict[tuple[object, ...], Cell | None] = {}  # the few items and scales, checked once
    for key, *item_columns, count, before, after, definition in rows:
        starts = _day_of(key)
        columns = tuple(item_columns)
        cell = known[columns] if columns in known else known.setdefault(columns, _cell(*columns))
        if starts is None or starts < first or cell is None or not isinstance(count, int):
            continue
        cells.setdefault(cell, []).append(
            TrendPoint(
                starts=starts,
                slot=_slot(first, starts, period),
                mean_before=stored_number(before) / count,
                mean_after=stored_number(after) / count,
                sessions=count,
            )
        )
        _keep_latest(latest, cell, definition)
    slots = _slot(first, starts_of(last, period), period) + 1
    slots = max([slots, *(point.slot + 1 for points in cells.values() for point in points)])
    return Trends(period, since, until, first, slots, _item_trends(cells, latest, definitions))


def choose_period(
    journal: Journal, *, since: date | None = None, until: date | None = None
) -> Period:
    """Sessions for a short range with few sessions, weeks up to about two years, months up to
    ten, years beyond.

    An open end is taken from the journal's first or latest listening session.
    """
    window = stored_window(since, until)
    first = since or _stored_day(journal.reading(_FIRST_SQL, window))
    last = until or _stored_day(journal.reading(_LATEST_SQL, window))
    if first is None or last is None:
        return Period.WEEK
    days = (last - first).days + 1
    if days <= SESSIONS_UP_TO_DAYS:
        counted = journal.reading(_FEW_SESSIONS_SQL, (*window, MAX_SESSION_POINTS + 1))
        if counted and isinstance(counted[0][0], int) and counted[0][0] <= MAX_SESSION_POINTS:
            return Period.SESSION
    if days <= WEEKS_UP_TO_DAYS:
        return Period.WEEK
    return Period.MONTH if days <= MONTHS_UP_TO_DAYS else Period.YEAR


def week_of(day: date) -> date:
    """The Monday of ``day``'s ISO week."""
    plain = _plain_date(day)
    return plain - timedelta(days=plain.weekday())


def starts_of(day: date, period: Period) -> date:
    """The first day of the week, month or year ``day`` is in (the day itself for sessions)."""
    plain = _plain_date(day)
    if period is Period.WEEK:
        return week_of(plain)
    if period is Period.MONTH:
        return plain.replace(day=1)
    if period is Period.YEAR:
        return date(plain.year, 1, 1)
    return plain


# -- inside ----------------------------------------------------------------------------------


Cell = tuple[str, str, int, int]  # item, scale, scale minimum, scale maximum
Definition = tuple[str, str, str]  # label, low anchor, high anchor


def _by_session(
    rows: Iterable[tuple[object, ...]],
    definitions: dict[int, Definition],
    since: date | None,
    until: date | None,
) -> Trends:
    order: dict[int, int] = {}  # session id → slot, in the order the query gave them
    cells: dict[Cell, list[TrendPoint]] = {}
    latest: dict[Cell, int] = {}
    for session_id, stamp, *item_columns, before, after, definition in rows:
        cell = _cell(*item_columns)
        started = stored_moment(stamp)
        if not isinstance(session_id, int) or cell is None or started is None:
            continue
        slot = order.setdefault(session_id, len(order))
        cells.setdefault(cell, []).append(
            TrendPoint(
                starts=started.date(),
                slot=slot,
                mean_before=stored_number(before),
                mean_after=stored_number(after),
                sessions=1,
                session_id=session_id,
                started_at=started,
            )
        )
        _keep_latest(latest, cell, definition)
    first = min((p.starts for points in cells.values() for p in points), default=None)
    items = _item_trends(cells, latest, definitions)
    return Trends(Period.SESSION, since, until, first, len(order), items)


def _definitions(journal: Journal) -> dict[int, Definition]:
    """Every stored wording of an item, by id: a handful of rows, read whole."""
    return {
        row[0]: (str(row[2]), str(row[3]), str(row[4]))
        for row in journal.reading(_DEFINITIONS_SQL)
        if isinstance(row[0], int)
    }


def _keep_latest(latest: dict[Cell, int], cell: Cell, definition: object) -> None:
    """Remember the newest wording an item was asked in (definitions only ever get new ids)."""
    if isinstance(definition, int):
        latest[cell] = max(definition, latest.get(cell, definition))


def _item_trends(
    cells: dict[Cell, list[TrendPoint]], latest: dict[Cell, int], definitions: dict[int, Definition]
) -> tuple[ItemTrend, ...]:
    items = []
    for cell, points in cells.items():
        key, scale, low, high = cell
        label, low_anchor, high_anchor = definitions.get(latest.get(cell, -1), ("", "", ""))
        if key in KNOWN_ITEMS:  # mtcalm's own items: the UI names them in the person's language
            label, low_anchor, high_anchor = "", "", ""
        ordered = tuple(sorted(points, key=lambda point: point.slot))
        items.append(ItemTrend(key, scale, low, high, label, low_anchor, high_anchor, ordered))
    return tuple(sorted(items, key=_item_order))


def _cell(item: object, scale: object, low: object, high: object) -> Cell | None:
    """The item and scale of a row, if it is an item asked before and after, on the scale
    mtcalm gives it when it is mtcalm's own; None for anything else (or a damaged row).
    """
    if not isinstance(item, str) or not item or not isinstance(scale, str):
        return None
    if not isinstance(low, int) or not isinstance(high, int) or low >= high:
        return None
    known = KNOWN_ITEMS.get(item)
    if known is not None and not (known.compared and known.scale == Scale(scale, low, high)):
        return None
    return (item, scale, low, high)


def _item_order(trend: ItemTrend) -> tuple[int, str, str, str]:
    return (
        _ITEM_ORDER.get(trend.key, len(_ITEM_ORDER)),
        trend.label.casefold(),
        trend.key,
        trend.scale,
    )


def _slot(first: date, day: date, period: Period) -> int:
    if period is Period.WEEK:
        return (day - first).days // 7
    if period is Period.YEAR:
        return day.year - first.year
    return (day.year - first.year) * 12 + day.month - first.month


def _sums_window(since: str, until: str, *, by_month: bool) -> tuple[str, ...]:
    """The parameters of a sums query for the stored days ``since`` (included) to ``until``
    (excluded): the whole months between them, then the days before and after those months
    (days only for weeks, which months do not divide).
    """
    if not by_month:
        return ("", "", since, until, "", "")
    months_from = since[:7] if since[8:] in ("", "01") else _month_after(since[:7])
    months_to = until[:7]
    if months_from >= months_to:  # no whole month: days only
        return ("", "", since, until, "", "")
    return (months_from, months_to, since, f"{months_from}-01", f"{months_to}-01", until)


def _month_after(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    if year >= 9999 and number >= 12:
        return "9999-13"  # after every stored month, and still four digits of year
    return f"{year + number // 12:04d}-{number % 12 + 1:02d}"


def _stored_day(rows: list[tuple[object, ...]]) -> date | None:
    return _day_of(rows[0][0]) if rows else None


def _day_of(stored: object) -> date | None:
    """The local date a stored time or period key starts with; None when it is damaged."""
    try:
        return date.fromisoformat(str(stored)[:10])
    except ValueError:
        return None


def stored_moment(stamp: object) -> datetime | None:
    """A stored time; None when another tool damaged it."""
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return None


def stored_number(value: object) -> float:
    """A stored number (a count, a sum); 0 for anything else."""
    return float(value) if isinstance(value, int | float) else 0.0


def stored_window(since: date | None, until: date | None) -> tuple[str, str]:
    """The stored-time bounds of a range of local dates, both included."""
    if since is not None and until is not None and _plain_date(since) > _plain_date(until):
        raise ValueError("the range starts after it ends")
    return (
        "" if since is None else _plain_date(since).isoformat(),
        _BEYOND_ANY_DATE if until is None else _day_after(until),
    )


def _plain_date(day: date) -> date:
    """A date, also when given a datetime (whose isoformat() would carry the time)."""
    return date(day.year, day.month, day.day)


def _day_after(day: date) -> str:
    plain = _plain_date(day)
    return _BEYOND_ANY_DATE if plain == date.max else (plain + timedelta(days=1)).isoformat()
