"""Before and after over time: weekly, monthly and per-session numbers summed by SQLite, and
what a printed summary lists (flags, sessions a page at a time, totals)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CRAVING, CheckIn, CheckInItem, Phase, custom_item, items_for
from mtcalm.journal import trends as trends_module
from mtcalm.journal.report_reads import (
    flagged_sessions,
    range_totals,
    sessions_between,
    triggers_heard,
)
from mtcalm.journal.store import Journal
from mtcalm.journal.trends import MAX_SESSION_POINTS, Period, choose_period, trends, week_of

BERLIN_WINTER = timezone(timedelta(hours=1))
MONDAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def at(day: date, hour: int = 19, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN_WINTER)


def listen(
    journal: Journal,
    when: datetime,
    before: dict[str, int | None],
    after: dict[str, int | None] | None,
    *extra: CheckInItem,
    title: str = "Settle",
) -> int:
    """A listening session with its check-ins; ``after`` None: none was taken."""
    session = journal.start_session(
        "playlist:settle",
        title,
        CheckIn(Phase.BEFORE, before, items=items_for(Phase.BEFORE, extra)),
        started_at=when,
    )
    if after is not None:
        journal.record_after(
            session, CheckIn(Phase.AFTER, after, items=items_for(Phase.AFTER, extra))
        )
    return session


def points(found: trends_module.Trends, key: str) -> list[tuple[date, float, float, int]]:
    item = found.item(key)
    assert item is not None, [each.key for each in found.items]
    return [(p.starts, p.mean_before, p.mean_after, p.sessions) for p in item.points]


# -- weeks, months, sessions -------------------------------------------------------------------


def test_weekly_means_before_and_after_are_worked_out_by_hand(journal: Journal) -> None:
    listen(journal, at(MONDAY), {"distress": 7}, {"distress": 4})
    listen(journal, at(MONDAY + timedelta(days=3)), {"distress": 5}, {"distress": 4})
    listen(journal, at(MONDAY + timedelta(days=8)), {"distress": 6}, {"distress": 2})

    found = trends(journal, since=MONDAY, until=MONDAY + timedelta(days=13), period=Period.WEEK)

    assert found.period is Period.WEEK
    assert points(found, "distress") == [
        (MONDAY, 6.0, 4.0, 2),
        (MONDAY + timedelta(days=7), 6.0, 2.0, 1),
    ]
    distress = found.item("distress")
    assert distress is not None
    assert [p.mean_change for p in distress.points] == [-2.0, -4.0]
    assert (distress.scale_min, distress.scale_max, distress.sessions) == (0, 10, 3)


def test_a_week_is_the_iso_week_of_the_local_date_as_stored(journal: Journal) -> None:
    sunday_night = at(MONDAY - timedelta(days=1), 23, 30)
    monday_early = at(MONDAY, 0, 30)  # still Sunday in UTC
    listen(journal, sunday_night, {"distress": 8}, {"distress": 6})
    listen(journal, monday_early, {"distress": 4}, {"distress": 1})

    found = trends(journal, period=Period.WEEK)

    assert week_of(MONDAY + timedelta(days=6)) == MONDAY
    assert points(found, "distress") == [
        (MONDAY - timedelta(days=7), 8.0, 6.0, 1),
        (MONDAY, 4.0, 1.0, 1),
    ]


def test_only_pairs_count_and_check_ins_on_their_own_never_do(journal: Journal) -> None:
    listen(journal, at(MONDAY), {"distress": 9, "energy": 3}, {"distress": 5, "energy": None})
    listen(journal, at(MONDAY, 20), {"distress": 8}, None)  # no check-in after
    skipped = journal.start_session(
        "playlist:settle", "Settle", CheckIn(Phase.BEFORE, {"distress": 2}), started_at=at(MONDAY)
    )
    journal.record_after(skipped, CheckIn.skipped_in(Phase.AFTER))
    journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 0}), recorded_at=at(MONDAY, 21))

    found = trends(journal, period=Period.WEEK)

    assert points(found, "distress") == [(MONDAY, 9.0, 5.0, 1)]
    assert found.item("energy") is None  # answered before only: nothing to compare
    assert found.item("helpfulness") is None  # asked after only


def test_optional_and_custom_items_follow_the_usual_three_with_their_stored_words(
    journal: Journal,
) -> None:
    shoulders = custom_item("custom-shoulders", "Tight shoulders", "loose", "locked")
    renamed = custom_item("custom-shoulders", "Shoulders and neck", "soft", "rigid")
    listen(
        journal,
        at(MONDAY),
        {"distress": 6, "craving": 7, "custom-shoulders": 8},
        {"distress": 3, "craving": 4, "custom-shoulders": 5},
        CRAVING,
        shoulders,
    )
    listen(
        journal,
        at(MONDAY + timedelta(days=1)),
        {"custom-shoulders": 6},
        {"custom-shoulders": 2},
        renamed,
    )

    found = trends(journal, period=Period.WEEK)

    assert [item.key for item in found.items] == ["distress", "craving", "custom-shoulders"]
    custom = found.item("custom-shoulders")
    assert custom is not None
    assert (custom.label, custom.low_anchor, custom.high_anchor) == (
        "Shoulders and neck",
        "soft",
        "rigid",
    )  # the newest wording; both sessions are on the same scale, so both count
    assert points(found, "custom-shoulders") == [(MONDAY, 7.0, 3.5, 2)]
    craving = found.item("craving")
    assert craving is not None and craving.label == ""  # mtcalm's own: the UI names it


def test_answers_on_another_scale_or_outside_it_are_left_out(journal: Journal) -> None:
    first = listen(journal, at(MONDAY), {"distress": 6}, {"distress": 3})
    second = listen(journal, at(MONDAY, 20), {"distress": 5}, {"distress": 5})
    listen(journal, at(MONDAY, 21), {"distress": 4}, {"distress": 2})
    with journal.writing() as cursor:  # as another tool might have left them
        cursor.execute(
            "UPDATE answers SET scale = 'sud-0-100', scale_max = 100 WHERE checkin_id IN"
            " (SELECT id FROM checkins WHERE session_id = ?) AND item = 'distress'",
            (first,),
        )
        cursor.execute(
            "UPDATE answers SET value = 42 WHERE item = 'distress' AND checkin_id ="
            " (SELECT id FROM checkins WHERE session_id = ? AND phase = 'after')",
            (second,),
        )

    assert points(trends(journal, period=Period.WEEK), "distress") == [(MONDAY, 4.0, 2.0, 1)]


def test_months_and_a_gap_of_a_month_without_sessions(journal: Journal) -> None:
    listen(journal, at(date(2026, 1, 5)), {"distress": 8}, {"distress": 6})
    listen(journal, at(date(2026, 1, 25)), {"distress": 6}, {"distress": 2})
    listen(journal, at(date(2026, 3, 31)), {"distress": 5}, {"distress": 5})

    found = trends(journal, period=Period.MONTH)

    assert points(found, "distress") == [
        (date(2026, 1, 1), 7.0, 4.0, 2),
        (date(2026, 3, 1), 5.0, 5.0, 1),
    ]
    distress = found.item("distress")
    assert distress is not None
    assert [p.slot for p in distress.points] == [0, 2]  # February stays empty: the line breaks
    assert found.slots == 3
    assert found.slot_start(1) == date(2026, 2, 1)


def test_years_for_a_history_of_many_years(journal: Journal) -> None:
    listen(journal, at(date(2012, 12, 31), 23, 30), {"distress": 9}, {"distress": 7})
    listen(journal, at(date(2013, 1, 1), 0, 30), {"distress": 8}, {"distress": 4})
    listen(journal, at(date(2026, 3, 2)), {"distress": 4}, {"distress": 2})

    found = trends(journal)

    assert found.period is Period.YEAR
    assert points(found, "distress") == [
        (date(2012, 1, 1), 9.0, 7.0, 1),
        (date(2013, 1, 1), 8.0, 4.0, 1),  # New Year's night by the local clock
        (date(2026, 1, 1), 4.0, 2.0, 1),
    ]
    assert (found.slots, found.slot_start(5)) == (15, date(2017, 1, 1))


def test_the_axis_spans_the_whole_range_asked_for(journal: Journal) -> None:
    listen(journal, at(MONDAY + timedelta(days=14)), {"distress": 5}, {"distress": 3})

    found = trends(journal, since=MONDAY + timedelta(days=2), until=MONDAY + timedelta(days=40))

    assert found.period is Period.WEEK
    assert found.first == MONDAY
    assert found.slots == 6  # the weeks of 2 Mar … 6 Apr
    distress = found.item("distress")
    assert distress is not None and [p.slot for p in distress.points] == [2]


def test_session_by_session_for_a_short_range(journal: Journal) -> None:
    first = listen(journal, at(MONDAY, 8), {"distress": 7}, {"distress": 3})
    listen(journal, at(MONDAY, 9), {"energy": 2}, {"energy": 6})
    third = listen(journal, at(MONDAY, 20), {"distress": 6}, {"distress": 6})

    found = trends(journal, since=MONDAY, until=MONDAY + timedelta(days=6))

    assert found.period is Period.SESSION
    assert found.slots == 3
    distress = found.item("distress")
    assert distress is not None
    assert [(p.session_id, p.slot, p.mean_before, p.mean_after) for p in distress.points] == [
        (first, 0, 7.0, 3.0),
        (third, 2, 6.0, 6.0),
    ]
    assert distress.points[0].started_at == at(MONDAY, 8)


def test_the_period_is_chosen_by_the_length_of_the_range_and_its_sessions(
    journal: Journal,
) -> None:
    assert choose_period(journal) is Period.WEEK  # nothing yet
    listen(journal, at(MONDAY), {"distress": 5}, {"distress": 4})
    assert choose_period(journal) is Period.SESSION
    assert choose_period(journal, since=MONDAY, until=MONDAY + timedelta(days=31)) is Period.WEEK
    assert choose_period(journal, since=MONDAY, until=MONDAY + timedelta(days=800)) is Period.MONTH
    assert choose_period(journal, since=date(2001, 1, 1), until=MONDAY) is Period.YEAR
    for hour in range(MAX_SESSION_POINTS):
        when = at(MONDAY) + timedelta(hours=hour)
        listen(journal, when, {"distress": 5}, {"distress": 4})
    assert choose_period(journal, since=MONDAY, until=MONDAY + timedelta(days=6)) is Period.WEEK
    shown = trends(journal, since=MONDAY, until=MONDAY + timedelta(days=6), period=Period.SESSION)
    assert shown.slots == MAX_SESSION_POINTS  # never every session of a long range


def test_a_damaged_time_is_left_out_and_a_backwards_range_refused(journal: Journal) -> None:
    listen(journal, at(MONDAY), {"distress": 5}, {"distress": 4})
    damaged = listen(journal, at(MONDAY, 20), {"distress": 9}, {"distress": 1})
    with journal.writing() as cursor:
        cursor.execute(
            "UPDATE sessions SET started_at = '2026-13-45Tnonsense' WHERE id = ?", (damaged,)
        )

    for period in Period:
        found = trends(journal, period=period)
        assert [(p.mean_before, p.mean_after) for p in found.items[0].points] == [(5.0, 4.0)]
    with pytest.raises(ValueError):
        trends(journal, since=MONDAY, until=MONDAY - timedelta(days=1))


def test_an_empty_journal_has_nothing_to_chart(journal: Journal) -> None:
    for period in (None, *Period):
        found = trends(journal, period=period)
        assert (found.items, found.first) == ((), None)


# -- the queries stay the same size and use the indexes -----------------------------------------


def recorded(journal: Journal, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    statements: list[str] = []
    real = journal.reading

    def reading(sql: str, parameters: object = ()) -> list[tuple[object, ...]]:
        statements.append(sql)
        return real(sql, parameters)  # type: ignore[arg-type]

    monkeypatch.setattr(journal, "reading", reading)
    return statements


@pytest.mark.parametrize("period", list(Period))
def test_the_sql_is_the_same_text_whatever_the_number_of_sessions(
    journal: Journal, monkeypatch: pytest.MonkeyPatch, period: Period
) -> None:
    statements = recorded(journal, monkeypatch)
    listen(journal, at(MONDAY), {"distress": 5}, {"distress": 4})
    trends(journal, period=period)
    few = list(statements)
    for day in range(1, 40):
        listen(journal, at(MONDAY + timedelta(days=day)), {"distress": 5}, {"distress": 4})
    statements.clear()
    trends(journal, period=period)

    assert statements == few
    assert not any(" IN (" in statement.upper() for statement in statements)


@pytest.mark.parametrize("period", [Period.WEEK, Period.MONTH, Period.YEAR])
def test_weeks_months_and_years_read_the_sums_by_key_range_only(
    journal: Journal, monkeypatch: pytest.MonkeyPatch, period: Period
) -> None:
    listen(journal, at(MONDAY), {"distress": 5}, {"distress": 4})
    statements = recorded(journal, monkeypatch)
    trends(journal, since=MONDAY - timedelta(days=400), until=MONDAY, period=period)
    sums = next(sql for sql in statements if "day_sums" in sql)

    plan = [str(row[3]) for row in journal.reading("EXPLAIN QUERY PLAN " + sums, ("",) * 6)]

    assert "answers" not in sums and "checkins" not in sums, "no answer is read one by one"
    for table in ("day_sums", "month_sums"):
        assert any(step.startswith(f"SEARCH {table} USING PRIMARY KEY") for step in plan), plan
        assert not any(step.startswith(f"SCAN {table}") for step in plan), plan


@pytest.mark.slow
def test_thirty_thousand_sessions_are_all_counted(journal: Journal) -> None:
    sessions = 30_000
    with journal.writing() as cursor:
        cursor.executemany(
            "INSERT INTO sessions (id, uid, started_at, updated_at, content_ref, content_title)"
            " VALUES (?, ?, ?, '', 'playlist:p', 'P')",
            (
                (n, f"{n:032x}", f"{(MONDAY + timedelta(days=n % 70)).isoformat()}T08:00:00+01:00")
                for n in range(1, sessions + 1)
            ),
        )
        cursor.executemany(
            "INSERT INTO checkins (id, session_id, phase, recorded_at) VALUES (?, ?, ?, '')",
            (
                (2 * n + side, n, ("before", "after")[side])
                for n in range(1, sessions + 1)
                for side in (0, 1)
            ),
        )
        cursor.executemany(
            "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
            " VALUES (?, 'distress', ?, 'sud-0-10', 0, 10)",
            (
                (2 * n + side, 6 if side == 0 else n % 5)
                for n in range(1, sessions + 1)
                for side in (0, 1)
            ),
        )

    found = trends(journal, period=Period.WEEK)

    distress = found.item("distress")
    assert distress is not None
    assert distress.sessions == sessions
    assert len(distress.points) == 10
    everything = sum(p.mean_after * p.sessions for p in distress.points)
    assert everything == pytest.approx(sum(n % 5 for n in range(1, sessions + 1)))


# -- what the printed summary lists -------------------------------------------------------------


def test_flags_are_distress_up_by_two_and_yes_to_urges(journal: Journal) -> None:
    rose = listen(journal, at(MONDAY, 8), {"distress": 3}, {"distress": 5})
    listen(journal, at(MONDAY, 9), {"distress": 3}, {"distress": 4})  # up 1: not flagged
    stirred = listen(journal, at(MONDAY, 10), {"distress": 5}, {"distress": 2, "stirred_up": 1})
    listen(journal, at(MONDAY, 11), {"distress": 5}, {"stirred_up": 0})
    listen(journal, at(MONDAY + timedelta(days=9)), {"distress": 1}, {"distress": 9})

    found = flagged_sessions(journal, MONDAY, MONDAY + timedelta(days=6))

    assert [(f.session_id, f.distress_rose, f.stirred_up) for f in found] == [
        (rose, True, False),
        (stirred, False, True),
    ]
    assert (found[0].distress_before, found[0].distress_after) == (3, 5)
    assert found[0].started_at == at(MONDAY, 8)


def test_sessions_are_read_a_page_at_a_time_oldest_first_without_repeats(
    journal: Journal,
) -> None:
    made = [listen(journal, at(MONDAY, 9), {"distress": n % 10}, None) for n in range(7)]
    made.append(journal.record_checkin(CheckIn(Phase.BEFORE, {}), recorded_at=at(MONDAY, 10)))
    made.insert(0, listen(journal, at(MONDAY, 8), {}, None))
    listen(journal, at(MONDAY + timedelta(days=1)), {}, None)  # outside the range

    read = [record.id for record in sessions_between(journal, MONDAY, MONDAY, page=3)]

    assert read == made  # same start times are kept in the order they were made


def test_totals_and_triggers_heard_in_the_range(journal: Journal) -> None:
    first = listen(journal, at(MONDAY), {"distress": 5}, {"distress": 4})
    journal.record_progress(first, 600)
    second = listen(journal, at(MONDAY, 21), {"distress": 5}, {"distress": 4})
    journal.record_progress(second, 300)
    journal.record_checkin(CheckIn(Phase.BEFORE, {}), recorded_at=at(MONDAY, 22))
    for session in (first, second):
        journal.record_track_heard(session, 0, "/music/rain.ogg", "Rain", 100)
    journal.record_track_heard(first, 1, "/music/sea.ogg", "Sea", 100)
    journal.flag_track("/music/rain.ogg", "Rain")
    journal.flag_track("/music/never.ogg", "Never played")

    totals = range_totals(journal, MONDAY, MONDAY)

    assert (totals.listening_sessions, totals.checkins_alone) == (2, 1)
    assert totals.minutes_listened == pytest.approx(15.0)
    assert triggers_heard(journal, MONDAY, MONDAY) == {"/music/rain.ogg": 2}
    assert triggers_heard(journal, MONDAY + timedelta(days=1), None) == {}


def test_sessions_between_reads_through_a_journal_written_by_plain_sql(tmp_path: Path) -> None:
    """A journal another tool wrote with equal start times and no check-ins still pages."""
    path = tmp_path / "journal.sqlite3"
    Journal.open(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.executemany(
            "INSERT INTO sessions (id, uid, started_at, updated_at, content_ref, content_title)"
            " VALUES (?, ?, '2026-03-02T08:00:00+01:00', '', 'x', 'X')",
            ((n, f"{n:032x}") for n in range(1, 12)),
        )
    connection.close()
    with Journal.open(path) as journal:
        assert [r.id for r in sessions_between(journal, None, None, page=4)] == list(range(1, 12))
