"""Adherence week by week, from what the player measured: the schedule's arithmetic across
weeks and time zones, and what counts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.adherence import (
    adherence,
    content_refs,
    current_programme,
    first_monday,
    this_week,
    week_of,
)
from mtcalm.homework.manifest import read_manifest
from mtcalm.journal.store import Journal, Outcome
from tests.test_homework_manifest import MINIMAL

BERLIN = timezone(timedelta(hours=1))
AUCKLAND = timezone(timedelta(hours=13))
EXTRA_CONTENT = (
    '[[content]]\nref = "script:grounding"\n[[content]]\nplaylist = "playlists/Rain Song.toml"\n'
)
# Wednesday 9 December 2026: week 1 is Monday 7 to Sunday 13 December; two weeks.
HOMEWORK = read_manifest(
    (
        MINIMAL.replace("starts = 2026-12-07", "starts = 2026-12-09").replace(
            "sessions_per_week = 3", "sessions_per_week = 3\nminimum_minutes = 10"
        )
        + EXTRA_CONTENT
    ).encode()
)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def listened(
    journal: Journal,
    when: datetime,
    minutes: float,
    ref: str = "playlist:settle",
    outcome: Outcome = Outcome.COMPLETED,
) -> int:
    session = journal.start_session(ref, "Title", CheckIn(Phase.BEFORE, {}), started_at=when)
    journal.record_progress(session, minutes * 60)
    journal.finish_session(session, outcome, minutes * 60)
    return session


def weeks(journal: Journal) -> list[tuple[int, int, int, int, int, float]]:
    return [
        (w.number, w.started, w.completed, w.ended_early, w.reached, round(w.minutes, 6))
        for w in adherence(journal.reading, HOMEWORK)
    ]


def test_the_weeks_run_monday_to_sunday_from_the_week_the_schedule_starts_in() -> None:
    assert first_monday(HOMEWORK) == date(2026, 12, 7)
    assert week_of(HOMEWORK, date(2026, 12, 6)) is None
    assert week_of(HOMEWORK, date(2026, 12, 7)) == 1
    assert week_of(HOMEWORK, date(2026, 12, 13)) == 1
    assert week_of(HOMEWORK, date(2026, 12, 14)) == 2
    assert week_of(HOMEWORK, date(2026, 12, 20)) == 2
    assert week_of(HOMEWORK, date(2026, 12, 21)) is None


def test_content_is_named_as_the_journal_names_it() -> None:
    assert content_refs(HOMEWORK) == (
        "playlist:settle",
        "script:grounding",
        "playlist:rain-song",
    )


def test_each_week_counts_what_the_player_measured(journal: Journal) -> None:
    listened(journal, datetime(2026, 12, 7, 8, 0, tzinfo=BERLIN), 12)  # week 1, reached
    listened(journal, datetime(2026, 12, 9, 20, 0, tzinfo=BERLIN), 4, outcome=Outcome.ENDED_EARLY)
    listened(journal, datetime(2026, 12, 10, 20, 0, tzinfo=BERLIN), 10, ref="script:grounding")
    listened(journal, datetime(2026, 12, 15, 20, 0, tzinfo=BERLIN), 11, ref="playlist:rain-song")
    listened(journal, datetime(2026, 12, 15, 21, 0, tzinfo=BERLIN), 30, ref="playlist:sleep")
    journal.record_checkin(CheckIn(Phase.BEFORE, {}), recorded_at=datetime(2026, 12, 8, 9, 0))

    assert weeks(journal) == [
        (1, 3, 2, 1, 2, 26.0),
        (2, 1, 1, 0, 1, 11.0),
    ]


def test_a_week_is_the_local_week_of_the_stored_time_across_time_zones(journal: Journal) -> None:
    # 23:30 on Sunday 13 December in Berlin: still week 1 there, though Monday in Auckland.
    listened(journal, datetime(2026, 12, 13, 23, 30, tzinfo=BERLIN), 15)
    # 00:30 on Monday 14 December in Auckland: week 2, though Sunday in Berlin and in UTC.
    listened(journal, datetime(2026, 12, 14, 0, 30, tzinfo=AUCKLAND), 15)

    assert [row[:2] for row in weeks(journal)] == [(1, 1), (2, 1)]


def test_sessions_outside_the_programme_do_not_count(journal: Journal) -> None:
    listened(journal, datetime(2026, 12, 6, 23, 59, tzinfo=BERLIN), 20)  # the Sunday before
    listened(journal, datetime(2026, 12, 21, 0, 1, tzinfo=BERLIN), 20)  # the Monday after
    listened(journal, datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN), 20, ref="playlist:other")

    assert [row[1] for row in weeks(journal)] == [0, 0]


def test_an_unfinished_session_counts_as_started_with_the_minutes_heard(journal: Journal) -> None:
    session = journal.start_session(
        "playlist:settle",
        "Settle",
        CheckIn(Phase.BEFORE, {}),
        started_at=datetime(2026, 12, 8, 9, 0, tzinfo=BERLIN),
    )
    journal.record_progress(session, 11 * 60)  # the app was killed here

    assert weeks(journal)[0] == (1, 1, 0, 0, 1, 11.0)


def programme(journal: Journal, raw: str, revision: int = 1) -> None:
    with journal.writing() as cursor:
        cursor.execute(
            "INSERT INTO homework (id, revision, title, manifest, imported_at)"
            " VALUES ('abcd-1234', ?, 'Settle', ?, ?)",
            (revision, raw, f"2026-12-0{revision}T09:00:00+01:00"),
        )


def test_this_week_from_before_the_start_to_after_the_end(journal: Journal) -> None:
    raw = MINIMAL.replace("starts = 2026-12-07", "starts = 2026-12-09")
    programme(journal, raw)
    listened(journal, datetime(2026, 12, 15, 9, 0, tzinfo=BERLIN), 12)

    before = this_week(journal.reading, date(2026, 12, 6))
    assert before is not None and before.week is None, "it starts later: shown, no week yet"
    second = this_week(journal.reading, date(2026, 12, 16))
    assert second is not None and second.week is not None
    assert (second.week.number, second.week.started, second.week.reached) == (2, 1, 1)
    assert this_week(journal.reading, date(2026, 12, 20)) is not None, "its last day"
    assert this_week(journal.reading, date(2026, 12, 21)) is None, "over"


def test_a_replaced_or_damaged_programme_is_not_followed(journal: Journal) -> None:
    programme(journal, MINIMAL)
    programme(journal, MINIMAL.replace("weeks = 2", "weeks = 3"), revision=2)
    with journal.writing() as cursor:
        cursor.execute("UPDATE homework SET replaced_at = '2026-12-02' WHERE revision = 1")
    current = current_programme(journal.reading, date(2026, 12, 8))
    assert current is not None and current.schedule.weeks == 3
    with journal.writing() as cursor:
        cursor.execute("UPDATE homework SET manifest = 'format = 99' WHERE revision = 2")
    assert current_programme(journal.reading, date(2026, 12, 8)) is None


def test_a_newer_revision_is_followed_even_when_the_older_came_in_later(journal: Journal) -> None:
    """An imported journal export can bring revisions in any order, none marked replaced."""
    with journal.writing() as cursor:
        for revision, weeks, imported in ((2, 3, "2026-12-01"), (1, 2, "2026-12-05")):
            cursor.execute(
                "INSERT INTO homework (id, revision, title, manifest, imported_at)"
                " VALUES ('abcd-1234', ?, 'Settle', ?, ?)",
                (revision, MINIMAL.replace("weeks = 2", f"weeks = {weeks}"), imported),
            )
    current = current_programme(journal.reading, date(2026, 12, 8))
    assert current is not None and current.schedule.weeks == 3
