"""Every homework programme in the journal, newest first: its state on a given day, its weeks
from actual listening, replaced and left revisions, and a manifest that no longer reads."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.adherence import WeekAdherence
from mtcalm.homework.programmes import State, has_programmes, programmes
from mtcalm.journal.store import Journal, Outcome
from tests.test_homework_manifest import MINIMAL

BERLIN = timezone(timedelta(hours=1))
# Week 1 is Monday 7 to Sunday 13 December 2026; four weeks, three sessions, ten minutes.
FOUR_WEEKS = MINIMAL.replace("weeks = 2", "weeks = 4").replace(
    "sessions_per_week = 3", "sessions_per_week = 3\nminimum_minutes = 10"
)


def manifest(revision: int = 1, title: str = "Settle", text: str = FOUR_WEEKS) -> str:
    return text.replace('title = "Settle"', f'title = "{title}"\nrevision = {revision}')


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def add(
    journal: Journal,
    text: str,
    *,
    revision: int = 1,
    imported: str = "2026-12-01T10:00:00+01:00",
    replaced: str | None = None,
    left: str | None = None,
    title: str = "Settle",
    identity: str = "abcd-1234",
) -> None:
    with journal.writing() as cursor:
        cursor.execute(
            "INSERT INTO homework (id, revision, title, therapist, manifest, imported_at,"
            " replaced_at, left_at) VALUES (?, ?, ?, 'Dr A', ?, ?, ?, ?)",
            (identity, revision, title, text, imported, replaced, left),
        )


def listened(
    journal: Journal,
    when: datetime,
    minutes: float,
    ref: str = "playlist:settle",
    outcome: Outcome = Outcome.COMPLETED,
) -> None:
    session = journal.start_session(ref, "Title", CheckIn(Phase.BEFORE, {}), started_at=when)
    journal.finish_session(session, outcome, minutes * 60)


def counts(weeks: Sequence[WeekAdherence]) -> list[tuple[int, int, int, int, int, int]]:
    return [
        (w.number, w.started, w.completed, w.ended_early, w.reached, round(w.minutes))
        for w in weeks
    ]


def test_an_empty_journal_has_no_programmes(journal: Journal) -> None:
    assert programmes(journal.reading, date(2026, 12, 9)) == []
    assert not has_programmes(journal.reading)


def test_a_programme_in_progress_shows_its_weeks_from_what_was_heard(journal: Journal) -> None:
    add(journal, manifest())
    listened(journal, datetime(2026, 12, 8, 20, 0, tzinfo=BERLIN), 12)
    listened(journal, datetime(2026, 12, 10, 20, 0, tzinfo=BERLIN), 4, outcome=Outcome.ENDED_EARLY)
    listened(journal, datetime(2026, 12, 15, 8, 0, tzinfo=BERLIN), 20)
    listened(journal, datetime(2026, 12, 15, 9, 0, tzinfo=BERLIN), 30, ref="playlist:other")

    (programme,) = programmes(journal.reading, date(2026, 12, 16))

    assert has_programmes(journal.reading)
    assert (programme.title, programme.therapist, programme.revision) == ("Settle", "Dr A", 1)
    assert programme.state is State.IN_PROGRESS
    assert programme.imported_on == date(2026, 12, 1)
    assert programme.homework is not None and programme.problem == ""
    assert counts(programme.weeks) == [
        (1, 2, 1, 1, 1, 16),
        (2, 1, 1, 0, 1, 20),  # the other playlist is not part of the programme
        (3, 0, 0, 0, 0, 0),
        (4, 0, 0, 0, 0, 0),
    ]
    week_two, week_three = programme.weeks[1], programme.weeks[2]
    assert programme.current(week_two, date(2026, 12, 16))
    assert programme.upcoming(week_three, date(2026, 12, 16))
    assert not programme.upcoming(week_two, date(2026, 12, 16))


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 12, 6), State.NOT_STARTED),
        (date(2026, 12, 7), State.IN_PROGRESS),
        (date(2027, 1, 3), State.IN_PROGRESS),  # the last Sunday of week 4
        (date(2027, 1, 4), State.FINISHED),
    ],
)
def test_the_state_follows_the_day(journal: Journal, today: date, state: State) -> None:
    add(journal, manifest())
    assert programmes(journal.reading, today)[0].state is state


def test_a_replaced_revision_keeps_its_weeks_up_to_the_replacement(journal: Journal) -> None:
    stamp = "2026-12-15T10:00:00+01:00"  # Tuesday of week 2
    add(journal, manifest(1), revision=1, replaced=stamp)
    add(journal, manifest(2, "Settle, more often"), revision=2, imported=stamp)
    listened(journal, datetime(2026, 12, 8, 20, 0, tzinfo=BERLIN), 12)
    listened(journal, datetime(2026, 12, 16, 20, 0, tzinfo=BERLIN), 15)  # after the change

    newer, older = programmes(journal.reading, date(2026, 12, 17))

    assert (newer.revision, newer.title, newer.state) == (
        2,
        "Settle, more often",
        State.IN_PROGRESS,
    )
    assert (older.revision, older.state) == (1, State.REPLACED)
    assert (older.replaced_by, older.ended_on) == (2, date(2026, 12, 15))
    # its own weeks up to the week it was replaced in, that week whole
    assert counts(older.weeks) == [(1, 1, 1, 0, 1, 12), (2, 1, 1, 0, 1, 15)]
    # the same content in the same weeks counts for the new revision as well
    assert counts(newer.weeks)[:2] == [(1, 1, 1, 0, 1, 12), (2, 1, 1, 0, 1, 15)]
    assert len(newer.weeks) == 4


def test_a_left_programme_says_when(journal: Journal) -> None:
    add(journal, manifest(), left="2026-12-22T18:00:00+01:00")  # Tuesday of week 3
    (programme,) = programmes(journal.reading, date(2027, 2, 1))
    assert programme.state is State.LEFT
    assert programme.ended_on == date(2026, 12, 22)
    assert [week.number for week in programme.weeks] == [1, 2, 3]
    assert programme.replaced_by is None


def test_an_unreadable_manifest_is_listed_with_its_problem(journal: Journal) -> None:
    add(journal, manifest(), identity="good-programme", imported="2026-12-01T10:00:00+01:00")
    add(
        journal,
        "format = 1\n[homework\n",
        identity="broken-programme",
        title="<b>Kept title</b>",
        imported="2026-12-02T10:00:00+01:00",
    )
    found = programmes(journal.reading, date(2026, 12, 9))
    assert [programme.state for programme in found] == [State.UNREADABLE, State.IN_PROGRESS]
    broken = found[0]
    assert broken.title == "<b>Kept title</b>"
    assert broken.homework is None and broken.weeks == ()
    assert "not valid TOML" in broken.problem


def test_a_manifest_from_a_newer_format_is_unreadable_not_hidden(journal: Journal) -> None:
    add(journal, manifest().replace("format = 1", "format = 9"))
    (programme,) = programmes(journal.reading, date(2026, 12, 9))
    assert programme.state is State.UNREADABLE
    assert "Update mtcalm" in programme.problem


def test_one_read_of_the_table_and_one_query_per_programme(journal: Journal) -> None:
    stamp = "2026-12-15T10:00:00+01:00"
    add(journal, manifest(1), revision=1, replaced=stamp)
    add(journal, manifest(2), revision=2, imported=stamp)
    add(journal, "broken", identity="broken-programme", imported="2026-12-16T10:00:00+01:00")
    queries: list[str] = []

    def read(sql: str, parameters: Sequence[object]) -> list[tuple[object, ...]]:
        queries.append(sql)
        return journal.reading(sql, parameters)

    found = programmes(read, date(2026, 12, 17))
    assert len(found) == 3
    assert len(queries) == 3  # the table, then the two programmes that read
    assert "FROM homework" in queries[0]
