"""When to remind the person of their listening homework: pure functions, without Qt.

Reminders come at the programme's preferred times, on the days of the programme (from the
day its schedule starts to the last day of its last week), and never when they would only
nag: not when reminders are off, not for the rest of a week whose sessions are all reached,
not again on a day the person already listened, not while snoozed.

Choices made here (tested in ``tests/test_homework_reminders.py``):

- **Snooze.** Nothing comes before the snooze ends. If a preferred time of the day the snooze
  ends in came due by then (it fell inside the snooze, or it was the reminder that was
  snoozed), the reminder comes at the snooze's end; otherwise at the first preferred time
  after it. So "Remind me in an hour" after the 18:00 reminder reminds at 19:00, and
  "Not today" (a snooze until tomorrow's midnight) reminds at tomorrow's first preferred
  time, never in the night. A snooze never makes a reminder on a day that has none.
- **Time zones and summer time.** Preferred times are wall-clock times in ``now``'s zone
  (give a :class:`zoneinfo.ZoneInfo` for summer time to be right). A time that does not exist
  that day (02:30 on the spring change in Berlin) comes once, as late as the clock skipped
  (03:30); a time that happens twice (02:30 on the autumn change) comes once, the first time.
- A programme with no preferred times gives no reminders.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path

from mtcalm.homework.adherence import Reading, WeekAdherence, content_refs, first_monday
from mtcalm.homework.manifest import Homework

SNOOZE_HOUR = timedelta(hours=1)
MAX_SNOOZE = timedelta(days=2)  # a stored snooze further ahead than this is not ours: ignored


def programme_days(homework: Homework) -> tuple[date, date]:
    """The first and last day reminders can come on."""
    last = first_monday(homework) + timedelta(days=7 * homework.schedule.weeks - 1)
    return homework.schedule.starts, last


def at_wall_clock(day: date, moment: time, zone: tzinfo) -> datetime:
    """``moment`` on ``day`` in ``zone``, as the clock on the wall shows it (see the module's
    note on summer time: a skipped time comes as late as the skip, a doubled one the first time).
    """
    naive = datetime.combine(day, moment.replace(tzinfo=None, fold=0))
    local = naive.replace(tzinfo=zone)
    return local.astimezone(UTC).astimezone(zone)  # normalises a time the clock skipped


def next_reminder(
    homework: Homework,
    week: WeekAdherence | None,
    now: datetime,
    *,
    snoozed_until: datetime | None = None,
    off: bool = False,
    done_today: bool = False,
) -> datetime | None:
    """The next moment to remind, at or after ``now`` (aware, local), or None for no reminder.

    ``week`` is the adherence of the week ``now`` falls in (None: not known, taken as not
    reached); ``done_today``: the person listened on ``now``'s day already.
    """
    times = homework.schedule.preferred_times
    if off or not times:
        return None
    if now.tzinfo is None:
        raise ValueError("now must know its time zone")
    zone = now.tzinfo
    instant = now.astimezone(UTC)
    today = now.date()
    first, last = programme_days(homework)

    def may_remind_on(day: date) -> bool:
        if not first <= day <= last:
            return False
        if done_today and day == today:
            return False
        if week is not None and week.starts <= day <= week.ends:
            return week.reached < week.due
        return True

    def preferred_on(day: date) -> list[datetime]:
        return sorted({at_wall_clock(day, moment, zone).astimezone(UTC) for moment in times})

    start = instant
    if snoozed_until is not None and snoozed_until.astimezone(UTC) > instant:
        start = snoozed_until.astimezone(UTC)
        ends = snoozed_until.astimezone(zone)
        if may_remind_on(ends.date()) and any(p <= start for p in preferred_on(ends.date())):
            return ends  # the reminder the snooze held back
    day = max(start.astimezone(zone).date(), first)
    while day <= last:  # at most a year of days; stops at the first that may be reminded on
        if may_remind_on(day):
            for moment in preferred_on(day):
                if moment >= start:
                    return moment.astimezone(zone)
        day += timedelta(days=1)
    return None


def snooze_an_hour(now: datetime) -> datetime:
    """When "Remind me in an hour" ends."""
    return (now.astimezone(UTC) + SNOOZE_HOUR).astimezone(now.tzinfo)


def snooze_until_tomorrow(now: datetime) -> datetime:
    """When "Not today" ends: the start of tomorrow in ``now``'s zone."""
    if now.tzinfo is None:
        raise ValueError("now must know its time zone")
    return at_wall_clock(now.date() + timedelta(days=1), time(0, 0), now.tzinfo)


def snooze_from_text(text: str, now: datetime) -> datetime | None:
    """The snooze a setting holds (an ISO date and time with its offset), or None when there is
    none, it is over, it cannot be read, or it lies further ahead than any snooze mtcalm offers.
    """
    if not text:
        return None
    try:
        until = datetime.fromisoformat(text)
    except ValueError:
        return None
    if until.tzinfo is None or until <= now or until - now > MAX_SNOOZE:
        return None
    return until.astimezone(now.tzinfo)


def listened_on(read: Reading, homework: Homework, day: date) -> bool:
    """Whether a listening session with the programme's content started on ``day`` (by the
    local date stored with it, as adherence counts), however long it lasted.
    """
    refs: Sequence[str] = content_refs(homework)
    marks = ", ".join("?" * len(refs)) or "NULL"
    rows = read(
        f"""
        SELECT 1 FROM sessions
        WHERE kind = 'listening' AND content_ref IN ({marks})
          AND started_at >= ? AND started_at < ?
        LIMIT 1
        """,
        (*refs, day.isoformat(), (day + timedelta(days=1)).isoformat()),
    )
    return bool(rows)


def local_zone() -> tzinfo:
    """This computer's time zone, with its summer time rules where they can be found; else
    the offset in force now (then a reminder on the day the clocks change may come an hour
    off until the next check, which re-reads the offset).
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    names = []
    if os.environ.get("TZ"):
        names.append(os.environ["TZ"].removeprefix(":"))
    with contextlib.suppress(OSError):
        target = str(Path("/etc/localtime").readlink())
        if "zoneinfo/" in target:
            names.append(target.split("zoneinfo/", 1)[1])
    with contextlib.suppress(OSError, UnicodeDecodeError):
        names.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    for name in names:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    fallback = datetime.now().astimezone().tzinfo
    assert fallback is not None
    return fallback
