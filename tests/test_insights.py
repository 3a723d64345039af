"""What helps me and this week's progress, on a real journal filled with plain SQL."""

from __future__ import annotations

import math
import sqlite3
import statistics
from collections.abc import Iterator, Mapping
from datetime import date
from pathlib import Path

import pytest

from mtcalm.journal.insights import (
    MIN_SESSIONS,
    GroupFinding,
    Grouping,
    MeanChange,
    TimeOfDay,
    describe,
    progress,
    t_quantile,
    time_of_day,
    two_tailed_probability,
    what_helps,
)
from mtcalm.journal.store import Journal

# Student's t, two-sided 95%, from a printed table.
T_TABLE = {1: 12.706, 2: 4.303, 4: 2.776, 5: 2.571, 11: 2.201, 30: 2.042, 1000: 1.962}

SCALES = {"distress": "sud-0-10", "pleasantness": "slider-0-10", "energy": "slider-0-10"}
NEXT_VERSION_COLUMNS = {
    "kind": "TEXT NOT NULL DEFAULT 'listening'",
    "ambience": "TEXT NOT NULL DEFAULT ''",
    "uid": "TEXT",
}

Answer = int | None | tuple[int | None, str]  # a value, or a value and the scale it was given on


@pytest.fixture
def connection(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A journal made by the app, with the next version's session columns if it lacks them."""
    path = tmp_path / "j.sqlite3"
    Journal.open(path).close()
    opened = sqlite3.connect(path, isolation_level=None)
    columns = {row[1] for row in opened.execute("PRAGMA table_info(sessions)")}
    for name, declaration in NEXT_VERSION_COLUMNS.items():
        if name not in columns:
            opened.execute(f"ALTER TABLE sessions ADD COLUMN {name} {declaration}")
    yield opened
    opened.close()


def add_session(
    connection: sqlite3.Connection,
    started_at: str,
    before: Mapping[str, Answer] | None = None,
    after: Mapping[str, Answer] | None = None,
    *,
    ref: str = "playlist:settle",
    title: str = "Settle",
    ambience: str = "",
    kind: str = "listening",
    listened_seconds: float = 600.0,
) -> int:
    cursor = connection.execute(
        "INSERT INTO sessions (started_at, updated_at, content_ref, content_title,"
        " listened_seconds, outcome, kind, ambience) VALUES (?, ?, ?, ?, ?, 'completed', ?, ?)",
        (started_at, started_at, ref, title, listened_seconds, kind, ambience),
    )
    session_id = int(cursor.lastrowid or 0)
    for phase, answers in (("before", before), ("after", after)):
        if answers is None:
            continue
        checkin = connection.execute(
            "INSERT INTO checkins (session_id, phase, recorded_at) VALUES (?, ?, ?)",
            (session_id, phase, started_at),
        )
        for item, answer in answers.items():
            value, scale = answer if isinstance(answer, tuple) else (answer, scale_of(item))
            connection.execute(
                "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
                " VALUES (?, ?, ?, ?, 0, 10)",
                (checkin.lastrowid, item, value, scale),
            )
    return session_id


def scale_of(item: str) -> str:
    return SCALES.get(item, f"{item}-0-10")


def add_changes(
    connection: sqlite3.Connection, item: str, changes: list[int], ambience: str = ""
) -> None:
    """One session per change of ``item``, starting from 5, in the evenings of November 2026."""
    for day, change in enumerate(changes, start=1):
        stamp = f"2026-11-{day:02d}T20:00:00+01:00"
        add_session(connection, stamp, {item: 5}, {item: 5 + change}, ambience=ambience)


def finding(
    findings: list[GroupFinding], grouping: Grouping, key: str, item: str = "distress"
) -> GroupFinding:
    matches = [f for f in findings if (f.grouping, f.key, f.item) == (grouping, key, item)]
    assert len(matches) == 1, findings
    return matches[0]


def expected_interval(changes: list[int]) -> tuple[float, float, float]:
    """Mean and 95% interval worked out by hand with the printed t value."""
    mean = statistics.mean(changes)
    half = T_TABLE[len(changes) - 1] * statistics.stdev(changes) / math.sqrt(len(changes))
    return mean, mean - half, mean + half


# -- Student's t -----------------------------------------------------------------------------


@pytest.mark.parametrize(("degrees", "table_value"), sorted(T_TABLE.items()))
def test_t_quantile_matches_the_printed_table(degrees: int, table_value: float) -> None:
    assert t_quantile(degrees) == pytest.approx(table_value, abs=0.0005)


def test_t_quantile_approaches_the_normal_value_and_leaves_five_percent_in_the_tails() -> None:
    assert t_quantile(1_000_000) == pytest.approx(1.95996, abs=1e-5)
    assert t_quantile(10, confidence=0.99) == pytest.approx(3.169, abs=0.0005)
    for degrees in (1, 2, 3, 7, 29, 250, 99_999):
        assert two_tailed_probability(t_quantile(degrees), degrees) == pytest.approx(0.05)


def test_t_quantile_refuses_what_has_no_answer() -> None:
    with pytest.raises(ValueError):
        t_quantile(0)
    with pytest.raises(ValueError):
        t_quantile(5, confidence=1.0)


# -- what helps ------------------------------------------------------------------------------


def test_known_changes_give_the_mean_and_t_interval_worked_out_by_hand(
    connection: sqlite3.Connection,
) -> None:
    changes = [-3, -2, -2, -1, -3, -1]
    add_changes(connection, "distress", changes)

    settle = finding(what_helps(connection), Grouping.CONTENT, "playlist:settle")

    mean, low, high = expected_interval(changes)  # −2.0, −2.939, −1.061
    assert settle.sessions == 6
    assert settle.scale == "sud-0-10"
    assert settle.change is not None
    assert settle.change.mean == pytest.approx(mean)
    assert settle.change.low == pytest.approx(low, abs=1e-3)
    assert settle.change.high == pytest.approx(high, abs=1e-3)
    assert describe(settle) == (
        "Settle: distress down 2.0 on average over 6 sessions, likely between 1.1 and 2.9"
    )


def test_one_session_counts_in_each_grouping(connection: sqlite3.Connection) -> None:
    add_changes(connection, "pleasantness", [1, 2, 3, 2, 2, 1, 3, 2, 2, 3, 1, 2], ambience="rain")

    findings = what_helps(connection)

    assert [(f.grouping, f.key, f.sessions) for f in findings] == [
        (Grouping.CONTENT, "playlist:settle", 12),
        (Grouping.BACKGROUND_SOUND, "rain", 12),
        (Grouping.TIME_OF_DAY, "evening", 12),
    ]
    mean, low, high = expected_interval([1, 2, 3, 2, 2, 1, 3, 2, 2, 3, 1, 2])
    for each in findings:
        assert each.change is not None
        assert (each.change.mean, each.change.low, each.change.high) == pytest.approx(
            (mean, low, high), abs=1e-3
        )


def test_below_the_minimum_it_is_not_enough_yet(connection: sqlite3.Connection) -> None:
    add_changes(connection, "distress", [-1, -2, -1, -2])

    settle = finding(what_helps(connection), Grouping.CONTENT, "playlist:settle")
    assert MIN_SESSIONS == 5
    assert (settle.sessions, settle.needed, settle.change, settle.enough) == (4, 5, None, False)
    assert describe(settle) == "Settle: distress, not enough sessions yet (4 of 5)"
    assert finding(what_helps(connection, minimum=4), Grouping.CONTENT, "playlist:settle").enough

    add_session(connection, "2026-11-20T20:00:00+01:00", {"distress": 6}, {"distress": 4})
    assert finding(what_helps(connection), Grouping.CONTENT, "playlist:settle").enough
    with pytest.raises(ValueError):
        what_helps(connection, minimum=1)


def test_equal_changes_give_an_interval_of_no_width(connection: sqlite3.Connection) -> None:
    add_changes(connection, "distress", [-2] * 7)

    settle = finding(what_helps(connection), Grouping.CONTENT, "playlist:settle")

    assert settle.change == MeanChange(-2.0, -2.0, -2.0)
    assert describe(settle) == "Settle: distress down 2.0 on average over 7 sessions"


def test_checkin_only_sessions_are_left_out(connection: sqlite3.Connection) -> None:
    add_changes(connection, "distress", [-1] * 5)
    # A check-in without a session has only a 'before'; this one is given an 'after' too, so
    # only its kind keeps it out.
    stamp = "2026-11-25T20:00:00+01:00"
    add_session(connection, stamp, {"distress": 9}, {"distress": 0}, kind="checkin")
    add_session(connection, stamp, {"distress": 9}, None, kind="checkin", ref="", title="")

    findings = what_helps(connection)

    assert {f.key for f in findings if f.grouping is Grouping.CONTENT} == {"playlist:settle"}
    assert all(f.sessions == 5 and f.change == MeanChange(-1, -1, -1) for f in findings)


def test_unanswered_missing_and_rescaled_answers_are_left_out(
    connection: sqlite3.Connection,
) -> None:
    stamp = "2026-11-10T09:00:00+01:00"
    add_session(connection, stamp, {"distress": 6, "energy": 3}, {"distress": 4, "energy": 5})
    add_session(connection, stamp, {"distress": None, "energy": 3}, {"distress": 4, "energy": 4})
    add_session(connection, stamp, {"distress": 6, "energy": 3}, {"distress": None})
    add_session(connection, stamp, {"distress": 6}, None)  # stopped before the check-in after
    add_session(connection, stamp, {"distress": (60, "sud-0-100")}, {"distress": 4})
    add_session(connection, stamp, {"distress": (60, "sud-0-100")}, {"distress": (20, "sud-0-100")})

    content = [
        (f.item, f.scale, f.sessions)
        for f in what_helps(connection, minimum=2)
        if f.grouping is Grouping.CONTENT
    ]
    assert content == [
        ("distress", "sud-0-10", 1),
        ("distress", "sud-0-100", 1),  # its own finding: never mixed with the 0–10 answers
        ("energy", "slider-0-10", 2),
    ]


def test_optional_and_custom_items_are_compared_after_the_usual_three(
    connection: sqlite3.Connection,
) -> None:
    before = {"energy": 4, "custom-sleepiness": 7, "craving": 6, "distress": 5, "tension": 5}
    after = {"energy": 4, "custom-sleepiness": 3, "craving": 2, "distress": 3, "tension": 4}
    for day in range(1, 6):
        add_session(connection, f"2026-11-{day:02d}T14:00:00+01:00", before, after)
    add_session(connection, "2026-11-09T14:00:00+01:00", None, {"helpfulness": (3, "helpful-0-4")})

    content = [f for f in what_helps(connection) if f.grouping is Grouping.CONTENT]

    assert [f.item for f in content] == [
        "distress",
        "energy",
        "craving",
        "custom-sleepiness",
        "tension",
    ]
    assert describe(content[3]) == "Settle: sleepiness down 4.0 on average over 5 sessions"
    assert describe(content[1]) == "Settle: no change in energy on average over 5 sessions"


@pytest.mark.parametrize(
    ("started_at", "part"),
    [
        ("2026-11-30T00:30:00+01:00", TimeOfDay.NIGHT),  # just after midnight
        ("2026-11-30T04:59:59+01:00", TimeOfDay.NIGHT),
        ("2026-11-30T05:00:00+01:00", TimeOfDay.MORNING),
        ("2026-11-30T11:59:59+01:00", TimeOfDay.MORNING),
        ("2026-11-30T12:00:00+01:00", TimeOfDay.AFTERNOON),
        ("2026-11-30T16:59:59+01:00", TimeOfDay.AFTERNOON),
        ("2026-11-30T17:00:00+01:00", TimeOfDay.EVENING),
        ("2026-11-30T21:59:59+01:00", TimeOfDay.EVENING),
        ("2026-11-30T22:00:00+01:00", TimeOfDay.NIGHT),
        ("2026-11-30T23:59:59+01:00", TimeOfDay.NIGHT),  # just before midnight
        ("2026-11-30T08:00:00+09:00", TimeOfDay.MORNING),  # 23:00 the day before in UTC
        ("2026-11-30T21:30:00-08:00", TimeOfDay.EVENING),  # 05:30 the next day in UTC
        ("2026-11-30T12:30:00+05:30", TimeOfDay.AFTERNOON),  # 07:00 UTC
        ("2026-11-30T06:00:00Z", TimeOfDay.MORNING),
    ],
)
def test_time_of_day_is_the_stored_local_hour(
    connection: sqlite3.Connection, started_at: str, part: TimeOfDay
) -> None:
    add_session(connection, started_at, {"distress": 5}, {"distress": 4})

    times = [f for f in what_helps(connection) if f.grouping is Grouping.TIME_OF_DAY]

    assert [(f.key, f.label, f.sessions) for f in times] == [
        (part.value, part.value.capitalize(), 1)
    ]


def test_every_hour_has_its_part_of_the_day() -> None:
    parts = [time_of_day(hour) for hour in range(24)]
    assert parts == (
        [TimeOfDay.NIGHT] * 5
        + [TimeOfDay.MORNING] * 7
        + [TimeOfDay.AFTERNOON] * 5
        + [TimeOfDay.EVENING] * 5
        + [TimeOfDay.NIGHT] * 2
    )


def test_a_damaged_time_stays_out_of_time_of_day_only(connection: sqlite3.Connection) -> None:
    add_session(connection, "yesterday evening", {"distress": 5}, {"distress": 4})

    groupings = [f.grouping for f in what_helps(connection)]

    assert groupings == [Grouping.CONTENT, Grouping.BACKGROUND_SOUND]


def test_groups_are_named_by_latest_title_and_background_sound(
    connection: sqlite3.Connection,
) -> None:
    add_session(connection, "2026-11-01T20:00:00+01:00", {"distress": 5}, {"distress": 4})
    add_session(
        connection, "2026-11-03T20:00:00+01:00", {"distress": 5}, {"distress": 4}, ambience="sea"
    )
    # Renamed since; a check-in without a session never names the playlist.
    add_session(connection, "2026-11-02T20:00:00+01:00", None, None, title="Settle down")
    add_session(connection, "2026-11-04T20:00:00+01:00", None, None, kind="checkin", title="x")

    findings = what_helps(connection)

    assert [(f.grouping, f.key, f.label, f.sessions) for f in findings] == [
        (Grouping.CONTENT, "playlist:settle", "Settle", 2),
        (Grouping.BACKGROUND_SOUND, "", "No background sound", 1),
        (Grouping.BACKGROUND_SOUND, "sea", "sea", 1),
        (Grouping.TIME_OF_DAY, "evening", "Evening", 2),
    ]
    add_session(connection, "2026-11-05T20:00:00+01:00", None, None, title="Settling")
    assert finding(what_helps(connection), Grouping.CONTENT, "playlist:settle").label == "Settling"


def test_since_and_until_are_local_dates_both_included(connection: sqlite3.Connection) -> None:
    for stamp in (
        "2026-11-29T23:59:59+01:00",
        "2026-11-30T00:00:00+01:00",  # still 29 November in UTC
        "2026-12-06T23:30:00-05:00",  # already 7 December in UTC
        "2026-12-07T00:00:00-05:00",
    ):
        add_session(connection, stamp, {"distress": 5}, {"distress": 4})

    def counted(since: date | None, until: date | None) -> int:
        found = what_helps(connection, since=since, until=until)
        return finding(found, Grouping.CONTENT, "playlist:settle").sessions if found else 0

    assert counted(date(2026, 11, 30), date(2026, 12, 6)) == 2
    assert counted(date(2026, 11, 30), None) == 3
    assert counted(None, date(2026, 12, 6)) == 3
    assert counted(None, None) == 4
    assert counted(date(2026, 12, 8), None) == 0


def test_the_query_is_the_same_text_whatever_the_number_of_sessions(
    connection: sqlite3.Connection,
) -> None:
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    add_changes(connection, "distress", [-1, 0])
    statements.clear()
    what_helps(connection)
    few = list(statements)
    add_changes(connection, "distress", [-1] * 25)
    statements.clear()
    what_helps(connection)
    connection.set_trace_callback(None)

    assert statements == few
    assert not any(" IN (" in statement.upper() for statement in statements)


def test_the_query_finds_checkins_and_answers_through_indexes(
    connection: sqlite3.Connection,
) -> None:
    add_changes(connection, "distress", [-1, 0])
    statements: list[str] = []
    connection.set_trace_callback(statements.append)
    what_helps(connection)
    connection.set_trace_callback(None)
    changes_query = next(s for s in statements if "JOIN answers" in s)

    plan = [row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + changes_query)]

    scans = [step for step in plan if step.startswith("SCAN")]
    walked = [step for step in plan if step.startswith("SEARCH s USING INDEX sessions_by_kind")]
    # One table walked through (sessions, or the listening ones by the kind index); every other
    # one looked up by index.
    assert len(scans) + len(walked) == 1, plan
    assert not any(step.startswith("SCAN") and " s" not in step for step in scans), plan
    for table in ("ca", "b", "a"):
        assert any(step.startswith(f"SEARCH {table} USING") for step in plan), plan


@pytest.mark.slow
def test_a_hundred_thousand_sessions_are_all_counted(connection: sqlite3.Connection) -> None:
    sessions = 100_000
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO sessions (id, started_at, updated_at, content_ref, content_title, kind)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                n,
                f"20{10 + n % 16}-0{1 + n % 9}-1{n % 10}T{n % 24:02d}:00:00+01:00",
                "2026-01-01T00:00:00+01:00",
                f"playlist:p{n % 4}",
                f"P{n % 4}",
                "checkin" if n % 50 == 0 else "listening",
            )
            for n in range(1, sessions + 1)
        ),
    )
    connection.executemany(
        "INSERT INTO checkins (id, session_id, phase, recorded_at) VALUES (?, ?, ?, '')",
        (
            (2 * n + side, n, ("before", "after")[side])
            for n in range(1, sessions + 1)
            for side in (0, 1)
        ),
    )
    # Before 5; after 5 + (n % 7 − 3); every 10th after left unanswered.
    connection.executemany(
        "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
        " VALUES (?, 'distress', ?, 'sud-0-10', 0, 10)",
        (
            (2 * n + side, 5 if side == 0 else (None if n % 10 == 0 else 5 + n % 7 - 3))
            for n in range(1, sessions + 1)
            for side in (0, 1)
        ),
    )
    connection.execute("COMMIT")
    counted = [n for n in range(1, sessions + 1) if n % 50 != 0 and n % 10 != 0]

    findings = what_helps(connection)

    by_grouping = {
        grouping: [f for f in findings if f.grouping is grouping] for grouping in Grouping
    }
    for grouping, found in by_grouping.items():
        assert sum(f.sessions for f in found) == len(counted), grouping
    settle = finding(findings, Grouping.CONTENT, "playlist:p1")
    ones = [n % 7 - 3 for n in counted if n % 4 == 1]
    assert settle.sessions == len(ones)
    assert settle.change is not None
    assert settle.change.mean == pytest.approx(statistics.mean(ones))
    half = 1.96 * statistics.stdev(ones) / math.sqrt(len(ones))
    assert settle.change.high - settle.change.mean == pytest.approx(half, rel=1e-3)


# -- progress --------------------------------------------------------------------------------


def test_progress_counts_the_calendar_week_by_stored_local_dates(
    connection: sqlite3.Connection,
) -> None:
    for stamp, minutes in (
        ("2026-11-29T23:59:59+01:00", 100),  # Sunday: last week
        ("2026-11-30T00:00:00+01:00", 10),  # Monday 00:00 (still Sunday in UTC): this week
        ("2026-11-30T20:00:00+01:00", 5),
        ("2026-12-02T07:00:00+01:00", 7.5),
        ("2026-12-06T23:59:59-08:00", 20),  # Sunday (Monday in UTC): this week
        ("2026-12-07T00:00:00+01:00", 100),  # Monday: next week
    ):
        add_session(connection, stamp, listened_seconds=minutes * 60)
    add_session(connection, "2026-12-03T09:00:00+01:00", {"distress": 3}, kind="checkin")

    week = progress(connection, date(2026, 12, 2))

    assert week.week_starts == date(2026, 11, 30)
    assert week.sessions == 4
    assert week.minutes_listened == pytest.approx(42.5)
    assert week.practised_on == (date(2026, 11, 30), date(2026, 12, 2), date(2026, 12, 6))
    assert week.days_practised == 3
    for today in (date(2026, 11, 30), date(2026, 12, 6)):  # its first and last day
        assert progress(connection, today) == week

    sunday_week = progress(connection, date(2026, 12, 2), week_starts_on=6)
    assert sunday_week.week_starts == date(2026, 11, 29)
    assert (sunday_week.sessions, sunday_week.days_practised) == (4, 3)
    assert sunday_week.minutes_listened == pytest.approx(122.5)


def test_a_week_without_sessions_is_zero_and_never_a_broken_streak(
    connection: sqlite3.Connection,
) -> None:
    week = progress(connection, date(2026, 12, 2))

    assert week.sessions == 0
    assert week.minutes_listened == 0
    assert week.practised_on == ()
    assert not any("streak" in name for name in dir(week))
    with pytest.raises(ValueError):
        progress(connection, date(2026, 12, 2), week_starts_on=7)


# -- plain words -----------------------------------------------------------------------------


def made(change: MeanChange | None, item: str = "distress", sessions: int = 12) -> GroupFinding:
    return GroupFinding(
        Grouping.CONTENT, "playlist:settle", "Settle", item, "sud-0-10", sessions, 5, change
    )


@pytest.mark.parametrize(
    ("finding_made", "words"),
    [
        (
            made(MeanChange(-2.1, -2.8, -1.4)),
            "Settle: distress down 2.1 on average over 12 sessions, likely between 1.4 and 2.8",
        ),
        (
            made(MeanChange(1.26, 0.44, 2.06), item="pleasantness"),
            "Settle: pleasantness up 1.3 on average over 12 sessions, likely between 0.4 and 2.1",
        ),
        (
            made(MeanChange(0.5, -0.3, 1.3), item="energy"),
            "Settle: energy up 0.5 on average over 12 sessions, likely between down 0.3 and up 1.3",
        ),
        (
            made(MeanChange(0.04, -0.6, 0.7)),
            "Settle: no change in distress on average over 12 sessions,"
            " likely between down 0.6 and up 0.7",
        ),
        (
            made(MeanChange(-1.0, -1.0, -1.0)),
            "Settle: distress down 1.0 on average over 12 sessions",
        ),
        (made(None, sessions=3), "Settle: distress, not enough sessions yet (3 of 5)"),
    ],
)
def test_describe_says_up_down_or_no_change(finding_made: GroupFinding, words: str) -> None:
    assert describe(finding_made) == words
    assert not {"better", "worse"} & set(words.split())


def test_describe_takes_the_ui_s_own_name() -> None:
    assert describe(made(MeanChange(-2.0, -2.0, -2.0)), label="Rain") == (
        "Rain: distress down 2.0 on average over 12 sessions"
    )
