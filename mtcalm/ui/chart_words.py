"""The words of a chart of before and after: its caption, its points said in sentences, and
the same numbers as rows of a table (for the panel's table, a screen reader and the PDF).

The items' names and the words of their scales are the check-in's own
(:mod:`mtcalm.ui.item_words`).
"""

from __future__ import annotations

from datetime import date

from mtcalm.checkin import BOTH, CheckInItem, Scale
from mtcalm.journal.trends import ItemTrend, Period, TrendPoint, Trends
from mtcalm.ui.item_words import item_title, scale_words
from mtcalm.ui.text import plural, tr


def trend_item(trend: ItemTrend) -> CheckInItem:
    """The item a trend is of, as it was asked (mtcalm's own, or one the person named)."""
    scale = Scale(trend.scale, trend.scale_min, trend.scale_max)
    return CheckInItem(trend.key, scale, BOTH, trend.label, trend.low_anchor, trend.high_anchor)


def scale_caption(trend: ItemTrend) -> str:
    """ "0 = completely calm, 10 = the worst you can imagine" (numbers alone without words)."""
    low, high = scale_words(trend_item(trend))
    ends = [
        f"{value} = {word}" for value, word in ((trend.scale_min, low), (trend.scale_max, high))
    ]
    if not (low or high):
        return (
            tr("Scale %1 to %2")
            .replace("%1", str(trend.scale_min))
            .replace("%2", str(trend.scale_max))
        )
    return ", ".join(end for end, word in zip(ends, (low, high), strict=True) if word)


def period_heading(period: Period) -> str:
    """What a column of periods is headed, and a chart's time axis named: "Week starting"."""
    return _period_words(period)[0]


def average_words(period: Period) -> str:
    """What one point of a chart is, in its title: "average per week"."""
    return _period_words(period)[1]


def _period_words(period: Period) -> tuple[str, str]:
    return {
        Period.WEEK: (tr("Week starting"), tr("average per week")),
        Period.MONTH: (tr("Month"), tr("average per month")),
        Period.YEAR: (tr("Year"), tr("average per year")),
        Period.SESSION: (tr("Session"), tr("session by session")),
    }[period]


def day_text(day: date, *, year: bool = True) -> str:
    return f"{day.day} {day:%b %Y}" if year else f"{day.day} {day:%b}"


def point_name(trends: Trends, point: TrendPoint) -> str:
    """ "Week of 3 Mar 2025", "March 2025", or "Mon 3 Mar 2025, 19:30"."""
    if trends.period is Period.WEEK:
        return tr("Week of %1").replace("%1", day_text(point.starts))
    if trends.period is Period.MONTH:
        return f"{point.starts:%B %Y}"
    if trends.period is Period.YEAR:
        return str(point.starts.year)
    moment = point.started_at
    return f"{moment:%a} {day_text(moment.date())}, {moment:%H:%M}" if moment else ""


def point_label(trends: Trends, point: TrendPoint) -> str:
    """A point under its column heading: "3 Mar 2025", "March 2025", "Mon 3 Mar 2025, 19:30"."""
    if trends.period is Period.WEEK:
        return day_text(point.starts)
    return point_name(trends, point)


def change_phrase(change: float) -> str:
    """ "down 2.1", "up 0.4" or "no change", to one decimal."""
    shown = f"{abs(change):.1f}"
    if shown == "0.0":
        return tr("no change")
    return (tr("down %1") if change < 0 else tr("up %1")).replace("%1", shown)


def point_sentence(trends: Trends, point: TrendPoint) -> str:
    """One point in words: "Week of 3 Mar 2025: before 6.2, after 4.0, down 2.2, 5 sessions"."""
    return (
        tr("%1: before %2, after %3, %4, %5")
        .replace("%1", point_name(trends, point))
        .replace("%2", f"{point.mean_before:.1f}")
        .replace("%3", f"{point.mean_after:.1f}")
        .replace("%4", change_phrase(point.mean_change))
        .replace("%5", plural(point.sessions, tr("1 session"), tr("%n sessions")))
    )


def chart_summary(trends: Trends, trend: ItemTrend) -> str:
    """What the whole chart shows, for a screen reader and the top of the table."""
    sessions = trend.sessions
    before = sum(p.mean_before * p.sessions for p in trend.points) / max(1, sessions)
    after = sum(p.mean_after * p.sessions for p in trend.points) / max(1, sessions)
    return (
        tr("%1, %2, over %3: before %4 on average, after %5, %6.")
        .replace("%1", item_title(trend.key, trend.label))
        .replace("%2", average_words(trends.period))
        .replace("%3", plural(sessions, tr("1 session"), tr("%n sessions")))
        .replace("%4", f"{before:.1f}")
        .replace("%5", f"{after:.1f}")
        .replace("%6", change_phrase(after - before))
    )


def table_rows(trends: Trends, trend: ItemTrend) -> list[tuple[str, ...]]:
    """The chart's numbers, one row per point: period, sessions, before, after, change (no
    count of sessions when each row is one session).
    """
    by_session = trends.period is Period.SESSION
    return [
        (
            point_label(trends, point),
            *(() if by_session else (str(point.sessions),)),
            f"{point.mean_before:.1f}",
            f"{point.mean_after:.1f}",
            change_phrase(point.mean_change),
        )
        for point in trend.points
    ]


def table_headings(period: Period) -> tuple[str, ...]:
    """The headings of :func:`table_rows`: the first column names the period, the last one
    is words, the others are numbers."""
    counts = () if period is Period.SESSION else (tr("Sessions"),)
    return (period_heading(period), *counts, tr("Before"), tr("After"), tr("Change"))
