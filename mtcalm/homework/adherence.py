"""Was the homework done? Week by week, from actual listening, without Qt.

A programme's week 1 is the week (Monday to Sunday) its schedule starts in, and it runs for
``weeks`` weeks. A listening session counts for the programme when it played one of the
programme's playlists or scripts and started in one of its weeks, by the local date stored
with the session (as the journal's charts count days: a session at 23:30 on a Sunday in Berlin
belongs to that Sunday's week). What counts is what the player measured: the minutes actually
heard (pauses excluded), never what anyone said. A session reaches the goal when at least the
programme's ``minimum_minutes`` were heard, whether it was completed or ended early.

One fixed query sums the weeks in SQLite over the journal's index of sessions by content and
start (its text grows with the programme's content, at most 20 items, never with the journal).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from mtcalm.homework.manifest import Content, Homework


@dataclass(frozen=True)
class WeekAdherence:
    """One week of a programme: what was asked and what the player measured."""

    number: int  # 1 for the programme's first week
    starts: date  # its Monday
    due: int  # sessions asked for
    started: int  # sessions started with the programme's content
    completed: int  # of those, played to their end
    ended_early: int  # of those, ended before their end
    reached: int  # of those, with at least the programme's minimum minutes heard
    minutes: float  # minutes actually heard, in all of them

    @property
    def ends(self) -> date:
        return self.starts + timedelta(days=6)


def first_monday(homework: Homework) -> date:
    """The Monday of the programme's first week."""
    starts = homework.schedule.starts
    return starts - timedelta(days=starts.weekday())


def week_of(homework: Homework, day: date) -> int | None:
    """The programme week ``day`` falls in (1 for the first), or None outside the programme."""
    number = (day - first_monday(homework)).days // 7 + 1
    return number if 1 <= number <= homework.schedule.weeks else None


def content_refs(homework: Homework) -> tuple[str, ...]:
    """How the journal names the programme's content: bundled refs as they are; a playlist or
    script in the package as mtcalm names it once imported (by its file name).
    """
    return tuple(dict.fromkeys(_ref(item) for item in homework.content))


Reading = Callable[[str, Sequence[object]], list[tuple[object, ...]]]  # Journal.reading


def adherence(
    read: Reading,
    homework: Homework,
    *,
    refs: Sequence[str] | None = None,
    between: tuple[str, str] | None = None,
) -> tuple[WeekAdherence, ...]:
    """Every week of the programme, from the sessions ``read`` finds (``Journal.reading``).

    ``refs`` overrides :func:`content_refs` (the content as the journal names it); ``between``
    counts only sessions with ``low <= started_at < high`` (text bounds on the stored start,
    as :meth:`mtcalm.journal.export_json.ExportPeriod.bounds` gives them).
    """
    names = tuple(refs) if refs is not None else content_refs(homework)
    monday = first_monday(homework)
    weeks = homework.schedule.weeks
    end = monday + timedelta(days=7 * weeks)
    low, high = monday.isoformat(), end.isoformat()
    if between is not None:
        low, high = max(low, between[0]), min(high, between[1])
    minimum = homework.schedule.minimum_minutes * 60
    marks = ", ".join("?" * len(names)) or "NULL"
    rows = read(
        f"""
        SELECT CAST((julianday(substr(started_at, 1, 10)) - julianday(?)) / 7 AS INTEGER),
               count(*), total(outcome = 'completed'), total(outcome = 'ended_early'),
               total(listened_seconds >= ?), total(listened_seconds)
        FROM sessions
        WHERE kind = 'listening' AND content_ref IN ({marks})
          AND started_at >= ? AND started_at < ?
          AND date(substr(started_at, 1, 10)) IS NOT NULL
        GROUP BY 1
        """,
        (monday.isoformat(), minimum, *names, low, high),
    )
    found = {
        row[0]: [value if isinstance(value, int | float) else 0 for value in row[1:]]
        for row in rows
        if isinstance(row[0], int)
    }
    due = homework.schedule.sessions_per_week
    result = []
    for index in range(weeks):
        started, completed, early, reached, seconds = found.get(index, [0, 0, 0, 0, 0.0])
        result.append(
            WeekAdherence(
                number=index + 1,
                starts=monday + timedelta(days=7 * index),
                due=due,
                started=int(started),
                completed=int(completed),
                ended_early=int(early),
                reached=int(reached),
                minutes=float(seconds) / 60,
            )
        )
    return tuple(result)


def counts_for(homework: Homework, content_ref: str, day: date, *, kind: str = "listening") -> bool:
    """Whether a session of ``kind`` that played ``content_ref`` and started on the local date
    ``day`` counts for the programme (the rule :func:`adherence` counts by).
    """
    return (
        kind == "listening"
        and content_ref in content_refs(homework)
        and week_of(homework, day) is not None
    )


def _ref(item: Content) -> str:
    if item.kind == "ref":
        return item.value
    stem = item.value.rsplit("/", 1)[-1].removesuffix(".toml")
    # the id mtcalm gives a playlist or script file (mtcalm.playlists, mtcalm.scripts)
    return f"{item.kind}:{re.sub(r'[^a-z0-9]+', '-', stem.casefold()).strip('-') or item.kind}"


@dataclass(frozen=True)
class ThisWeek:
    """What Home shows of the programme in progress: its week (None before it starts)."""

    homework: Homework
    week: WeekAdherence | None


def current_programme(read: Reading, today: date) -> Homework | None:
    """The programme the person follows now: the newest imported revision not replaced or
    left, unless its last week has ended before ``today``. One read of a small table.
    """
    from mtcalm.homework.manifest import HomeworkError, read_manifest

    rows = read(  # a newer revision wins even when both came in unreplaced (a journal export)
        "SELECT manifest FROM homework AS h WHERE replaced_at IS NULL AND left_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM homework AS newer"
        "  WHERE newer.id = h.id AND newer.revision > h.revision)"
        " ORDER BY imported_at DESC, rowid DESC LIMIT 1",
        (),
    )
    if not rows or not isinstance(rows[0][0], str):
        return None
    try:
        homework = read_manifest(rows[0][0].encode("utf-8"))
    except (HomeworkError, UnicodeEncodeError):
        return None  # changed by another tool: nothing to follow, the journal itself is sound
    last_day = first_monday(homework) + timedelta(days=7 * homework.schedule.weeks - 1)
    return homework if today <= last_day else None


def this_week(read: Reading, today: date) -> ThisWeek | None:
    """The programme in progress and this week of it, or None when there is none."""
    homework = current_programme(read, today)
    if homework is None:
        return None
    number = week_of(homework, today)
    if number is None:
        return ThisWeek(homework, None)  # it starts later
    return ThisWeek(homework, adherence(read, homework)[number - 1])
