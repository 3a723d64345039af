"""When homework reminders come: the programme's days and preferred times, a reached week, a day
already listened, snoozes, reminders off, and the days the clocks change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.adherence import WeekAdherence
from mtcalm.homework.manifest import Homework, read_manifest
from mtcalm.homework.reminders import (
    listened_on,
    local_zone,
    next_reminder,
    programme_days,
    snooze_an_hour,
    snooze_from_text,
    snooze_until_tomorrow,
)
from mtcalm.journal.store import Journal, Outcome
from tests.test_homework_manifest import MINIMAL

ZONE = timezone(timedelta(hours=1))
# Wednesday 9 December 2026; week 1 is Monday 7 to Sunday 13; the last day is Sunday 20.
BASE = read_manifest(MINIMAL.replace("starts = 2026-12-07", "starts = 2026-12-09").encode())


def programme(
    *times: time, starts: date = date(2026, 12, 9), weeks: int = 2, per_week: int = 3
) -> Homework:
    schedule = replace(
        BASE.schedule,
        starts=starts,
        weeks=weeks,
        sessions_per_week=per_week,
        preferred_times=tuple(sorted(times)),
    )
    return replace(BASE, schedule=schedule)


HOMEWORK = programme(time(8, 30), time(18, 0))


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=ZONE)


def week(number: int = 1, reached: int = 0, due: int = 3) -> WeekAdherence:
    starts = date(2026, 12, 7) + timedelta(days=7 * (number - 1))
    return WeekAdherence(number, starts, due, reached, reached, 0, reached, 20.0 * reached)


def berlin() -> tzinfo:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo("Europe/Berlin")
    except ZoneInfoNotFoundError:  # pragma: no cover - a machine without time zone data
        pytest.skip("no time zone data (Debian: tzdata)")


# -- the programme's days and times -------------------------------------------------------------


def test_the_first_reminder_is_on_the_day_the_programme_starts() -> None:
    assert programme_days(HOMEWORK) == (date(2026, 12, 9), date(2026, 12, 20))
    assert next_reminder(HOMEWORK, None, at(7, 10)) == at(9, 8, 30), "not on Monday before it"


def test_the_next_preferred_time_today_comes_next() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 9)) == at(10, 18)
    assert next_reminder(HOMEWORK, week(), at(10, 18)) == at(10, 18), "at or after now"
    assert next_reminder(HOMEWORK, week(), at(10, 18, 0, 1)) == at(11, 8, 30)


def test_the_last_day_reminds_and_after_it_nothing_does() -> None:
    assert next_reminder(HOMEWORK, week(2), at(20, 7)) == at(20, 8, 30)
    assert next_reminder(HOMEWORK, week(2), at(20, 18, 0, 1)) is None
    assert next_reminder(HOMEWORK, None, at(21, 7)) is None


def test_reminders_off_give_none() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 7), off=True) is None


def test_a_programme_without_preferred_times_gives_none() -> None:
    assert next_reminder(programme(), week(), at(10, 7)) is None


def test_a_time_without_its_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        next_reminder(HOMEWORK, week(), datetime(2026, 12, 10, 7))


# -- a reached week, a day already listened ---------------------------------------------------


def test_a_week_whose_sessions_are_reached_rests_until_next_week() -> None:
    assert next_reminder(HOMEWORK, week(1, reached=2), at(10, 7)) == at(10, 8, 30)
    assert next_reminder(HOMEWORK, week(1, reached=3), at(10, 7)) == at(14, 8, 30)
    assert next_reminder(HOMEWORK, week(1, reached=5), at(13, 19)) == at(14, 8, 30)


def test_the_last_week_reached_gives_no_more_reminders() -> None:
    assert next_reminder(HOMEWORK, week(2, reached=3), at(15, 7)) is None


def test_a_week_given_for_another_week_does_not_hold_this_one_back() -> None:
    assert next_reminder(HOMEWORK, week(1, reached=3), at(15, 7)) == at(15, 8, 30)


def test_once_listened_today_the_next_reminder_is_tomorrow() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 7), done_today=True) == at(11, 8, 30)
    assert next_reminder(HOMEWORK, week(), at(10, 17), done_today=True) == at(11, 8, 30)


# -- snoozes ------------------------------------------------------------------------------------


def test_remind_me_in_an_hour_after_a_reminder_comes_back_in_an_hour() -> None:
    clicked = at(10, 18, 0, 5)
    until = snooze_an_hour(clicked)
    assert until == at(10, 19, 0, 5)
    assert next_reminder(HOMEWORK, week(), clicked, snoozed_until=until) == until


def test_a_preferred_time_inside_a_snooze_comes_when_it_ends() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 8), snoozed_until=at(10, 9)) == at(10, 9)


def test_a_snooze_with_nothing_due_leaves_the_next_preferred_time() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 7), snoozed_until=at(10, 8)) == at(10, 8, 30)


def test_not_today_waits_for_tomorrows_first_time_never_midnight() -> None:
    clicked = at(10, 8, 31)
    until = snooze_until_tomorrow(clicked)
    assert until == at(11, 0)
    assert next_reminder(HOMEWORK, week(), clicked, snoozed_until=until) == at(11, 8, 30)


def test_an_hour_snoozed_late_at_night_does_not_remind_in_the_night() -> None:
    late = programme(time(23, 0))
    clicked = at(10, 23, 30)
    until = snooze_an_hour(clicked)
    assert next_reminder(late, week(), clicked, snoozed_until=until) == at(11, 23)


def test_a_snooze_that_is_over_is_ignored() -> None:
    assert next_reminder(HOMEWORK, week(), at(10, 7), snoozed_until=at(10, 6)) == at(10, 8, 30)


def test_a_snooze_ending_after_listening_or_in_a_reached_week_does_not_remind() -> None:
    clicked = at(10, 18, 0, 5)
    until = snooze_an_hour(clicked)
    assert next_reminder(HOMEWORK, week(), clicked, snoozed_until=until, done_today=True) == at(
        11, 8, 30
    )
    assert next_reminder(HOMEWORK, week(1, 3), clicked, snoozed_until=until) == at(14, 8, 30)
    assert next_reminder(HOMEWORK, week(), clicked, snoozed_until=until, off=True) is None


def test_a_stored_snooze_is_read_back_only_when_it_makes_sense() -> None:
    now = at(10, 12)
    assert snooze_from_text(at(10, 13).isoformat(), now) == at(10, 13)
    assert snooze_from_text("", now) is None
    assert snooze_from_text("soon", now) is None
    assert snooze_from_text("2026-12-10T13:00:00", now) is None, "no zone: not ours"
    assert snooze_from_text(at(10, 11).isoformat(), now) is None, "over"
    assert snooze_from_text(at(25, 11).isoformat(), now) is None, "further than any snooze"


# -- the days the clocks change (Europe/Berlin) -------------------------------------------------


def test_a_time_the_clock_skips_comes_once_as_late_as_the_skip() -> None:
    zone = berlin()
    spring = programme(time(2, 30), starts=date(2026, 3, 23), weeks=2)
    now = datetime(2026, 3, 29, 0, 0, tzinfo=zone)
    due = next_reminder(spring, None, now)
    assert due is not None
    assert due.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert (due.hour, due.minute, due.utcoffset()) == (3, 30, timedelta(hours=2))
    after = next_reminder(spring, None, due + timedelta(minutes=1))
    assert after == datetime(2026, 3, 30, 2, 30, tzinfo=zone), "once that day, then as usual"


def test_a_time_that_happens_twice_comes_once_the_first_time() -> None:
    zone = berlin()
    autumn = programme(time(2, 30), starts=date(2026, 10, 19), weeks=2)
    now = datetime(2026, 10, 25, 0, 0, tzinfo=zone)
    due = next_reminder(autumn, None, now)
    assert due is not None
    assert due.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "summer time's"
    later = (due.astimezone(UTC) + timedelta(minutes=1)).astimezone(zone)
    again = next_reminder(autumn, None, later)
    assert again is not None
    assert again.astimezone(UTC) == datetime(2026, 10, 26, 1, 30, tzinfo=UTC), "not at 02:30 CET"


def test_not_today_ends_at_midnight_by_the_wall_clock_on_a_change_day() -> None:
    zone = berlin()
    until = snooze_until_tomorrow(datetime(2026, 3, 28, 20, 0, tzinfo=zone))
    assert until.astimezone(UTC) == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    until = snooze_until_tomorrow(datetime(2026, 3, 29, 20, 0, tzinfo=zone))
    assert until.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_the_local_zone_is_a_time_zone() -> None:
    assert datetime.now(local_zone()).utcoffset() is not None


# -- every answer keeps the rules ---------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.integers(min_value=0, max_value=60 * 24 * 20),
    times=st.lists(st.times().map(lambda t: t.replace(second=0, microsecond=0)), max_size=6),
    reached=st.integers(min_value=0, max_value=4),
    snooze=st.one_of(st.none(), st.integers(min_value=-120, max_value=60 * 30)),
    done_today=st.booleans(),
)
def test_a_reminder_is_never_in_the_past_nor_outside_the_programme(
    minutes: int, times: list[time], reached: int, snooze: int | None, done_today: bool
) -> None:
    homework = programme(*set(times))
    now = at(6, 0) + timedelta(minutes=minutes)
    this = week(1 if now.date() <= date(2026, 12, 13) else 2, reached)
    until = now + timedelta(minutes=snooze) if snooze is not None else None
    due = next_reminder(homework, this, now, snoozed_until=until, done_today=done_today)
    if due is None:
        return
    first, last = programme_days(homework)
    assert due >= now and first <= due.date() <= last
    assert not (done_today and due.date() == now.date())
    if until is not None and until > now:
        assert due >= until
    assert due.time() in homework.schedule.preferred_times or due == until
    if this.starts <= due.date() <= this.ends:
        assert reached < this.due


# -- what counts as listened today --------------------------------------------------------------


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def listened(journal: Journal, when: datetime, ref: str = "playlist:settle") -> None:
    session = journal.start_session(ref, "Title", CheckIn(Phase.BEFORE, {}), started_at=when)
    journal.record_progress(session, 60)
    journal.finish_session(session, Outcome.ENDED_EARLY, 60)


def test_listening_to_the_programme_that_day_counts_however_briefly(journal: Journal) -> None:
    assert not listened_on(journal.reading, HOMEWORK, date(2026, 12, 10))
    listened(journal, at(10, 23, 30))
    listened(journal, at(11, 9), ref="playlist:other")
    assert listened_on(journal.reading, HOMEWORK, date(2026, 12, 10))
    assert not listened_on(journal.reading, HOMEWORK, date(2026, 12, 11)), "other content"
    assert not listened_on(journal.reading, HOMEWORK, date(2026, 12, 9))
