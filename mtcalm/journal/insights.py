"""What helps me, and this week's practice: statistics read from the journal, without Qt.

"What helps" shows, for each playlist or script, background sound and time of day, how much
each check-in item changed from before to after a session, on average, with a 95% interval.

The interval is Student's t (n − 1 degrees of freedom), not a bootstrap. It needs only n, Σx and
Σx² of the changes, which SQLite sums in a single pass of one fixed GROUP BY query (plus one
title lookup per playlist or script shown), so the journal's values never travel into Python;
a bootstrap would need every one of them, and would give a slightly different answer each time
the page opens. Changes are whole numbers between −10 and 10, so their mean is close enough to
normal for t at the sizes we show, and t is wider than a percentile bootstrap at small n, which
is the honest side to err on. The sessions are one person's, not a random sample: the interval
describes the journal, it proves nothing.

Below :data:`MIN_SESSIONS` sessions a finding is "not enough yet" and carries no mean.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from statistics import NormalDist

from mtcalm.checkin import COMPARED_ITEMS

# Five sessions (four degrees of freedom) before a mean is shown. The interval's half-width is
# t·s/√n: 8.98 s at n = 2, 2.48 s at n = 3, 1.59 s at n = 4, 1.24 s at n = 5, 0.72 s at n = 10.
# Below five one unusual evening decides the picture; five is also about a week of homework.
MIN_SESSIONS = 5
CONFIDENCE = 0.95
EXPANSION_FROM = 1000  # degrees of freedom from which t_quantile needs no refining

_NO_SOUND_LABEL = "No background sound"
_ITEM_ORDER = {item.key: index for index, item in enumerate(COMPARED_ITEMS)}

# Local hours (as stored with their offset) that start each part of the day.
MORNING_FROM, AFTERNOON_FROM, EVENING_FROM, NIGHT_FROM = 5, 12, 17, 22

# Every compared item of every listening session, summed by the finest grouping there is:
# content, background sound, stored local hour, item, scale. n, Σx and Σx² add up, so the three
# groupings are put together from these cells in Python. The joins all run on indexes:
# checkins (session_id, phase) and answers (checkin_id, item). The unary + keeps SQLite from
# walking sessions in content_ref order (sessions_by_content) to group: that visits the journal
# in random order, about 20% slower at 100,000 sessions than the order it was written in.
_CHANGES_SQL = """
SELECT +s.content_ref, s.ambience, substr(s.started_at, 12, 2), b.item, b.scale,
       count(*), sum(a.value - b.value), sum((a.value - b.value) * (a.value - b.value))
FROM sessions AS s
JOIN checkins AS cb ON cb.session_id = s.id AND cb.phase = 'before'
JOIN checkins AS ca ON ca.session_id = s.id AND ca.phase = 'after'
JOIN answers AS b ON b.checkin_id = cb.id
JOIN answers AS a ON a.checkin_id = ca.id AND a.item = b.item
WHERE s.kind = 'listening'
  AND b.value IS NOT NULL AND a.value IS NOT NULL AND a.scale = b.scale
"""
# Stored local dates compare as text: '2026-11-30T21:14:03+01:00' >= '2026-11-30' (index range).
_WINDOW_SQL = " AND s.started_at >= :since AND s.started_at < :until"
_GROUP_SQL = " GROUP BY 1, 2, 3, 4, 5"
_BEYOND_ANY_DATE = "9999-12-32"

# Asked once per playlist or script shown: an index seek on sessions (content_ref, started_at),
# or a backward walk of sessions_by_start that stops at the first match.
_LATEST_TITLE_SQL = """
SELECT content_title FROM sessions WHERE content_ref = ? AND kind = 'listening'
ORDER BY started_at DESC LIMIT 1
"""

_WEEK_SQL = """
SELECT substr(started_at, 1, 10), count(*), total(listened_seconds) FROM sessions
WHERE kind = 'listening' AND started_at >= ? AND started_at < ?
GROUP BY 1
"""


class Grouping(StrEnum):
    """What sessions are grouped by to see what helps."""

    CONTENT = "content"  # a playlist or a guided-imagery script, by its content_ref
    BACKGROUND_SOUND = "background_sound"  # the ambience key, '' for none
    TIME_OF_DAY = "time_of_day"


class TimeOfDay(StrEnum):
    """Parts of the day, by the local hour the session started."""

    MORNING = "morning"  # 05–12
    AFTERNOON = "afternoon"  # 12–17
    EVENING = "evening"  # 17–22
    NIGHT = "night"  # 22–05


@dataclass(frozen=True)
class MeanChange:
    """The average change after − before, and the 95% interval around it."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class GroupFinding:
    """How one item changed over the sessions of one group.

    ``change`` is None when there are fewer than ``needed`` sessions: not enough yet.
    """

    grouping: Grouping
    key: str  # content_ref, ambience key ('' for none) or a TimeOfDay value
    label: str  # the content's latest title, the ambience key, or the part of the day
    item: str
    scale: str
    sessions: int
    needed: int
    change: MeanChange | None

    @property
    def enough(self) -> bool:
        return self.change is not None


@dataclass(frozen=True)
class Progress:
    """This week's practice. Never a streak: missing a day costs nothing here (the guide)."""

    week_starts: date
    sessions: int
    minutes_listened: float
    practised_on: tuple[date, ...]  # the local dates with at least one listening session

    @property
    def days_practised(self) -> int:
        return len(self.practised_on)


def what_helps(
    connection: sqlite3.Connection,
    *,
    since: date | None = None,
    until: date | None = None,
    minimum: int = MIN_SESSIONS,
) -> list[GroupFinding]:
    """Before → after change of every compared item, by content, background sound and time of day.

    Only listening sessions count, and a change only when both answers exist, are not empty and
    are on the same scale. ``since`` and ``until`` are local dates, both included.
    """
    if minimum < 2:
        raise ValueError("an interval needs at least two sessions")
    if since is None and until is None:
        rows = connection.execute(_CHANGES_SQL + _GROUP_SQL).fetchall()
    else:
        window = {
            "since": "" if since is None else _day(since),
            "until": _BEYOND_ANY_DATE if until is None else _day_after(until),
        }
        rows = connection.execute(_CHANGES_SQL + _WINDOW_SQL + _GROUP_SQL, window).fetchall()
    # A stored hour that is not '00'–'23' (a damaged time) stays out of time of day only.
    parts = {f"{hour:02d}": (Grouping.TIME_OF_DAY, time_of_day(hour).value) for hour in range(24)}
    cells: dict[tuple[Grouping, str, str, str], list[float]] = {}  # [n, Σx, Σx²]
    for content_ref, ambience, hour, item, scale, count, total, squares in rows:
        for group in (
            (Grouping.CONTENT, content_ref),
            (Grouping.BACKGROUND_SOUND, ambience),
            parts.get(hour),
        ):
            if group is None:
                continue
            sums = cells.get((*group, item, scale))
            if sums is None:
                cells[(*group, item, scale)] = [count, total, squares]
            else:
                sums[0] += count
                sums[1] += total
                sums[2] += squares
    contents = {key for grouping, key, _, _ in cells if grouping is Grouping.CONTENT}
    titles = {key: _latest_title(connection, key) for key in contents}
    findings = [
        GroupFinding(
            grouping=grouping,
            key=key,
            label=_label(grouping, key, titles),
            item=item,
            scale=scale,
            sessions=int(count),
            needed=minimum,
            change=_mean_change(count, total, squares) if count >= minimum else None,
        )
        for (grouping, key, item, scale), (count, total, squares) in cells.items()
    ]
    return sorted(findings, key=_finding_order)


def time_of_day(hour: int) -> TimeOfDay:
    """The part of the day a local hour (0–23) falls in."""
    if MORNING_FROM <= hour < AFTERNOON_FROM:
        return TimeOfDay.MORNING
    if AFTERNOON_FROM <= hour < EVENING_FROM:
        return TimeOfDay.AFTERNOON
    if EVENING_FROM <= hour < NIGHT_FROM:
        return TimeOfDay.EVENING
    return TimeOfDay.NIGHT


def progress(connection: sqlite3.Connection, today: date, *, week_starts_on: int = 0) -> Progress:
    """Listening sessions, minutes listened and days practised in the calendar week of ``today``.

    The week starts on ``week_starts_on`` (0 = Monday … 6 = Sunday). A session's day is the
    local date it was stored with, not UTC. Deliberately no streak: the guide forbids anything
    that punishes a missed day.
    """
    if not 0 <= week_starts_on <= 6:
        raise ValueError("week_starts_on is a weekday number, 0 (Monday) to 6 (Sunday)")
    week_starts = _plain_date(today) - timedelta(days=(today.weekday() - week_starts_on) % 7)
    rows = connection.execute(
        _WEEK_SQL, (_day(week_starts), _day(week_starts + timedelta(days=7)))
    ).fetchall()
    days: list[date] = []
    for day, _, _ in rows:
        try:
            days.append(date.fromisoformat(str(day)))
        except ValueError:
            continue  # a damaged time still counts as a session, not as a day
    return Progress(
        week_starts=week_starts,
        sessions=sum(int(count) for _, count, _ in rows),
        minutes_listened=sum(float(seconds) for _, _, seconds in rows) / 60,
        practised_on=tuple(sorted(days)),
    )


def describe(finding: GroupFinding, label: str | None = None) -> str:
    """A finding in plain words, e.g. "Settle: distress down 2.1 on average over 12 sessions,
    likely between 1.4 and 2.8". ``label`` replaces the finding's own (a translated name).
    """
    name = finding.label if label is None else label
    item = finding.item.removeprefix("custom-").replace("_", " ")
    change = finding.change
    if change is None:
        return f"{name}: {item}, not enough sessions yet ({finding.sessions} of {finding.needed})"
    over = f"on average over {finding.sessions} sessions"
    direction = _direction(change.mean)
    if direction:
        text = f"{name}: {item} {direction} {abs(change.mean):.1f} {over}"
    else:
        text = f"{name}: no change in {item} {over}"
    if f"{change.low:.1f}" == f"{change.high:.1f}":
        return text  # every change the same, or so many sessions that the interval is a point
    if direction and {_direction(change.low), _direction(change.high)} <= {direction, ""}:
        near, far = sorted((abs(change.low), abs(change.high)))
        return f"{text}, likely between {near:.1f} and {far:.1f}"
    return f"{text}, likely between {_signed(change.low)} and {_signed(change.high)}"


def t_quantile(degrees_of_freedom: int, confidence: float = CONFIDENCE) -> float:
    """Student's t value that leaves (1 − confidence) in the two tails together.

    Newton's method on the exact distribution (regularized incomplete beta), started from the
    Cornish–Fisher expansion and kept inside a bracket so it always converges. From
    :data:`EXPANSION_FROM` degrees of freedom the expansion alone is within 1e-11.
    """
    if degrees_of_freedom < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    if not 0 < confidence < 1:
        raise ValueError("confidence is between 0 and 1")
    df = float(degrees_of_freedom)
    tails = 1.0 - confidence
    z = NormalDist().inv_cdf(1.0 - tails / 2)
    t = (
        z
        + (z**3 + z) / (4 * df)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3)
    )
    if degrees_of_freedom >= EXPANSION_FROM:
        return t
    low, high = 0.0, math.inf
    for _ in range(200):
        excess = two_tailed_probability(t, degrees_of_freedom) - tails
        if excess == 0:
            return t
        if excess > 0:
            low = t
        else:
            high = t
        step = excess / (2 * _t_density(t, df))
        if low < t + step < high:
            t += step
            if abs(step) <= 1e-8 * t:  # Newton's error after such a step is about step²
                return t
        else:  # Newton left the bracket: halve it instead
            t = 2 * t if math.isinf(high) else (low + high) / 2
    return t


def two_tailed_probability(t: float, degrees_of_freedom: int) -> float:
    """P(|T| ≥ t) for Student's t with the given degrees of freedom."""
    df = float(degrees_of_freedom)
    return _incomplete_beta(df / (df + t * t), df / 2, 0.5)


# -- inside ----------------------------------------------------------------------------------


def _mean_change(count: float, total: float, squares: float) -> MeanChange:
    """Mean and t-interval from n, Σx and Σx² of the changes."""
    n = int(count)
    mean = total / n
    # Exact in integers when the answers are integers, so equal changes give exactly zero.
    variance = max(0.0, (n * squares - total * total) / (n * (n - 1)))
    half_width = t_quantile(n - 1) * math.sqrt(variance / n)
    return MeanChange(mean=mean, low=mean - half_width, high=mean + half_width)


def _latest_title(connection: sqlite3.Connection, content_ref: str) -> str:
    """The title a playlist or script had at its latest listening session."""
    row = connection.execute(_LATEST_TITLE_SQL, (content_ref,)).fetchone()
    return str(row[0]) if row is not None else ""


def _label(grouping: Grouping, key: str, titles: dict[str, str]) -> str:
    if grouping is Grouping.CONTENT:
        return titles.get(key) or key
    if grouping is Grouping.BACKGROUND_SOUND:
        return key or _NO_SOUND_LABEL
    return key.capitalize()


def _finding_order(finding: GroupFinding) -> tuple[int, int, str, str, int, str, str]:
    parts = list(TimeOfDay)
    return (
        list(Grouping).index(finding.grouping),
        parts.index(TimeOfDay(finding.key)) if finding.grouping is Grouping.TIME_OF_DAY else 0,
        finding.label.casefold(),
        finding.key,
        _ITEM_ORDER.get(finding.item, len(_ITEM_ORDER)),
        finding.item,
        finding.scale,
    )


def _direction(value: float) -> str:
    """'down', 'up', or '' when the value shows as 0.0."""
    if f"{abs(value):.1f}" == "0.0":
        return ""
    return "down" if value < 0 else "up"


def _signed(value: float) -> str:
    direction = _direction(value)
    return f"{direction} {abs(value):.1f}" if direction else "no change"


def _plain_date(day: date) -> date:
    """A date, also when given a datetime (whose isoformat() would carry the time)."""
    return date(day.year, day.month, day.day)


def _day(day: date) -> str:
    return _plain_date(day).isoformat()


def _day_after(day: date) -> str:
    plain = _plain_date(day)
    return _BEYOND_ANY_DATE if plain == date.max else (plain + timedelta(days=1)).isoformat()


def _t_density(t: float, df: float) -> float:
    return math.exp(
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(t * t / df)
    )


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """The regularized incomplete beta function I_x(a, b), by its continued fraction."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1) / (a + b + 2):
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def _beta_fraction(x: float, a: float, b: float) -> float:
    """The continued fraction of I_x(a, b), evaluated by the modified Lentz method."""
    tiny = 1e-300  # stands in for a zero denominator
    c = 1.0
    d = 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    fraction = d
    for m in range(1, 10_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            fraction *= d * c
        if abs(d * c - 1.0) < 1e-15:
            return fraction
    raise ArithmeticError("the incomplete beta continued fraction did not converge")
