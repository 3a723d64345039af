"""Journal 5's sums by day and by month: always what the answers say, however they were written.

The charts read these sums instead of every answer, so a sum that drifted from the answers
would draw a wrong chart without any error. Each test compares them with the same numbers
worked out here from the answers alone, after the app's own writes, an import, an upgrade,
and another tool's changes and deletions.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase, custom_item, items_for
from mtcalm.journal.file import SCHEMA_STEPS
from mtcalm.journal.schema import rebuild_sums
from mtcalm.journal.store import Journal
from mtcalm.journal.trends import Period, trends
from tests.legacy_journals import write_old_session

ZONE = timezone(timedelta(hours=-5))
FIRST_DAY = date(2025, 12, 29)

# The pairs the sums must hold, worked out here without the app's SQL: by local day and by
# local month of the stored start, for listening sessions only, both answers on the same scale
# and inside it, neither check-in skipped.
EXPECTED = """
SELECT substr(s.started_at, 1, {length}), b.item, b.scale, b.scale_min, b.scale_max,
       count(*), total(b.value), total(a.value)
FROM sessions AS s, checkins AS cb, checkins AS ca, answers AS b, answers AS a
WHERE cb.session_id = s.id AND cb.phase = 'before' AND ca.session_id = s.id
  AND ca.phase = 'after' AND b.checkin_id = cb.id AND a.checkin_id = ca.id
  AND a.item = b.item AND s.kind = 'listening' AND cb.skipped = 0 AND ca.skipped = 0
  AND date(substr(s.started_at, 1, 10)) IS NOT NULL
  AND (a.scale, a.scale_min, a.scale_max) = (b.scale, b.scale_min, b.scale_max)
  AND b.value BETWEEN b.scale_min AND b.scale_max AND a.value BETWEEN a.scale_min AND a.scale_max
GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
"""
KEPT = """
SELECT starts, item, scale, scale_min, scale_max, pairs, before_total, after_total
FROM {table} WHERE pairs != 0 ORDER BY 1, 2, 3, 4, 5
"""


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    opened = Journal.open(tmp_path / "journal.sqlite3")
    yield opened
    opened.close()


def sums_and_expected(path: Path) -> list[tuple[list[tuple[object, ...]], ...]]:
    connection = sqlite3.connect(path)
    try:
        return [
            (
                connection.execute(KEPT.format(table=table)).fetchall(),
                connection.execute(EXPECTED.format(length=length)).fetchall(),
            )
            for table, length in (("day_sums", 10), ("month_sums", 7))
        ]
    finally:
        connection.close()


def assert_sums_match(path: Path) -> int:
    """The sums are exactly what the answers say; how many pairs they hold."""
    for kept, expected in sums_and_expected(path):
        assert kept == expected
    return sum(int(str(row[5])) for row in sums_and_expected(path)[0][0])


def at(day: date, hour: int = 20) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def listen(
    journal: Journal, when: datetime, before: dict[str, int | None], after: dict[str, int | None]
) -> int:
    session = journal.start_session(
        "playlist:settle", "Settle", CheckIn(Phase.BEFORE, before), started_at=when
    )
    journal.record_after(session, CheckIn(Phase.AFTER, after))
    return session


def test_the_apps_own_writes_keep_the_sums(journal: Journal) -> None:
    listen(journal, at(FIRST_DAY), {"distress": 7, "energy": 3}, {"distress": 4, "energy": 5})
    listen(journal, at(FIRST_DAY, 23), {"distress": 5}, {"distress": 4, "energy": 2})
    listen(journal, at(FIRST_DAY + timedelta(days=3)), {"distress": 6}, {"distress": 2})
    shoulders = custom_item("custom-shoulders", "Shoulders", "loose", "tight")
    extra = journal.start_session(
        "script:beach",
        "Beach",
        CheckIn(Phase.BEFORE, {"custom-shoulders": 8}, items=items_for(Phase.BEFORE, (shoulders,))),
        started_at=at(FIRST_DAY + timedelta(days=3)),
    )
    journal.record_after(
        extra,
        CheckIn(Phase.AFTER, {"custom-shoulders": 3}, items=items_for(Phase.AFTER, (shoulders,))),
    )
    journal.start_session(
        "playlist:settle",
        "Settle",
        CheckIn(Phase.BEFORE, {"distress": 9}),
        started_at=at(FIRST_DAY + timedelta(days=4)),
    )  # never finished
    journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 3}), recorded_at=at(FIRST_DAY))

    # distress three times, energy once (the other only after), shoulders once
    assert assert_sums_match(journal.path) == 5
    rows = journal.reading(
        "SELECT starts, pairs, before_total, after_total FROM month_sums WHERE item = 'distress'"
        " ORDER BY starts"
    )
    assert rows == [("2025-12", 2, 12.0, 8.0), ("2026-01", 1, 6.0, 2.0)]


def test_a_skipped_check_in_and_a_check_in_on_its_own_count_nothing(journal: Journal) -> None:
    session = journal.start_session(
        "playlist:settle",
        "Settle",
        CheckIn(Phase.BEFORE, {"distress": 5}),
        started_at=at(FIRST_DAY),
    )
    journal.record_after(session, CheckIn(Phase.AFTER, {}, skipped=True))
    journal.record_checkin(CheckIn(Phase.BEFORE, {"distress": 2}), recorded_at=at(FIRST_DAY))

    assert assert_sums_match(journal.path) == 0
    assert trends(journal, period=Period.WEEK).items == ()


def test_an_upgrade_sums_everything_an_older_journal_holds(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    with Journal.open(path, schema_steps=SCHEMA_STEPS[:4]) as old:
        for number in range(40):
            write_old_session(
                old,
                "playlist:a",
                "A",
                CheckIn(Phase.BEFORE, {"distress": number % 11, "energy": 5}),
                after=CheckIn(Phase.AFTER, {"distress": (number * 3) % 11}),
                started_at=at(FIRST_DAY + timedelta(days=number)),
            )
        assert not old.reading("SELECT name FROM sqlite_master WHERE name = 'day_sums'")

    with Journal.open(path) as journal:
        assert journal.schema_version == len(SCHEMA_STEPS)
        assert assert_sums_match(path) == 40
        found = trends(journal, period=Period.MONTH)
        distress = found.item("distress")
        assert distress is not None and distress.sessions == 40


def test_an_import_keeps_the_sums(journal: Journal, tmp_path: Path) -> None:
    from mtcalm.journal.export_json import write_json
    from mtcalm.journal.import_json import import_export

    for number in range(12):
        listen(
            journal,
            at(FIRST_DAY + timedelta(days=5 * number)),
            {"distress": 8},
            {"distress": number % 8},
        )
    exported = tmp_path / "export.json"
    with exported.open("wb") as stream:
        write_json(journal, stream)

    with Journal.open(tmp_path / "other.sqlite3") as other:
        import_export(exported, other)
        assert assert_sums_match(other.path) == 12
        import_export(exported, other)  # twice: nothing added, nothing counted twice
        assert assert_sums_match(other.path) == 12
        assert other.reading("SELECT * FROM day_sums") == journal.reading("SELECT * FROM day_sums")


def test_another_tools_changes_and_deletions_keep_the_sums(journal: Journal) -> None:
    """Random edits a database browser could make, checked after every one."""
    rng = random.Random(11)
    for _ in range(60):
        day = FIRST_DAY + timedelta(days=rng.randrange(90))
        listen(
            journal,
            at(day, rng.randrange(24)),
            {"distress": rng.choice([None, *range(11)]), "energy": rng.randrange(11)},
            {"distress": rng.randrange(11), "energy": rng.choice([None, 4])},
        )
    edits = (
        "UPDATE answers SET value = {v} WHERE rowid = (SELECT rowid FROM answers"
        " ORDER BY random() LIMIT 1)",
        "UPDATE answers SET value = 42 WHERE rowid = (SELECT rowid FROM answers"
        " ORDER BY random() LIMIT 1)",
        "UPDATE answers SET scale = 'sud-0-100', scale_max = 100 WHERE rowid ="
        " (SELECT rowid FROM answers ORDER BY random() LIMIT 1)",
        "UPDATE answers SET item = 'pleasantness' WHERE rowid ="
        " (SELECT rowid FROM answers WHERE item = 'energy' ORDER BY random() LIMIT 1)",
        "DELETE FROM answers WHERE rowid = (SELECT rowid FROM answers ORDER BY random() LIMIT 1)",
        "UPDATE checkins SET skipped = 1 - skipped WHERE id ="
        " (SELECT id FROM checkins ORDER BY random() LIMIT 1)",
        "DELETE FROM checkins WHERE id = (SELECT id FROM checkins ORDER BY random() LIMIT 1)",
        "UPDATE sessions SET started_at = '2026-0{v}-15T09:00:00+02:00' WHERE id ="
        " (SELECT id FROM sessions ORDER BY random() LIMIT 1)",
        "UPDATE sessions SET started_at = 'not a time' WHERE id ="
        " (SELECT id FROM sessions ORDER BY random() LIMIT 1)",
        "UPDATE sessions SET kind = 'checkin' WHERE id ="
        " (SELECT id FROM sessions ORDER BY random() LIMIT 1)",
        "DELETE FROM sessions WHERE id = (SELECT id FROM sessions ORDER BY random() LIMIT 1)",
        "UPDATE answers SET value = value WHERE checkin_id IN (SELECT id FROM checkins"
        " WHERE session_id = (SELECT id FROM sessions ORDER BY random() LIMIT 1))",
        "UPDATE answers SET scale = 'sud-0-100', scale_max = 100 WHERE checkin_id IN (SELECT id"
        " FROM checkins WHERE session_id = (SELECT id FROM sessions ORDER BY random() LIMIT 1))",
    )
    other_tool = sqlite3.connect(journal.path, isolation_level=None)
    other_tool.execute("PRAGMA foreign_keys = ON")
    refused = 0
    try:
        for _ in range(120):
            try:
                other_tool.execute(rng.choice(edits).format(v=rng.randrange(1, 10)))
            except sqlite3.IntegrityError:
                refused += 1  # undone whole, the triggers' changes with it
            assert_sums_match(journal.path)
    finally:
        other_tool.close()
    assert journal.reading("SELECT count(*) < 60 FROM sessions") == [(1,)], "some were deleted"
    assert refused, "an edit the journal refused left the sums as they were"


def test_a_session_cascading_away_is_taken_out_once(journal: Journal) -> None:
    kept = listen(journal, at(FIRST_DAY), {"distress": 6}, {"distress": 2})
    gone = listen(journal, at(FIRST_DAY, 21), {"distress": 9}, {"distress": 1})
    with journal.writing() as cursor:
        cursor.execute("DELETE FROM sessions WHERE id = ?", (gone,))

    assert assert_sums_match(journal.path) == 1
    assert journal.reading("SELECT pairs, before_total, after_total FROM day_sums") == [
        (1, 6.0, 2.0)
    ]
    assert kept


def test_sums_made_again_are_the_same(journal: Journal) -> None:
    for number in range(30):
        listen(
            journal,
            at(FIRST_DAY + timedelta(days=number * 7)),
            {"distress": number % 11},
            {"distress": 3},
        )
    kept = journal.reading("SELECT * FROM day_sums"), journal.reading("SELECT * FROM month_sums")

    with journal.writing() as cursor:
        rebuild_sums(cursor.connection)

    assert (
        journal.reading("SELECT * FROM day_sums"),
        journal.reading("SELECT * FROM month_sums"),
    ) == kept
    assert assert_sums_match(journal.path) == 30


def test_a_year_chart_from_months_and_edge_days_matches_the_answers(journal: Journal) -> None:
    """Whole months come from the month sums, the partial ones at both ends from days."""
    values = {}
    for number in range(200):
        day = FIRST_DAY + timedelta(days=number * 3)
        before, after = number % 11, (number * 7) % 11
        listen(journal, at(day), {"distress": before}, {"distress": after})
        values[day] = (before, after)
    since, until = date(2026, 2, 17), date(2027, 3, 9)

    for period in (Period.MONTH, Period.YEAR):
        found = trends(journal, since=since, until=until, period=period)
        distress = found.item("distress")
        assert distress is not None
        inside = [pair for day, pair in values.items() if since <= day <= until]
        assert distress.sessions == len(inside)
        before_sum = sum(p.mean_before * p.sessions for p in distress.points)
        after_sum = sum(p.mean_after * p.sessions for p in distress.points)
        assert before_sum == pytest.approx(sum(b for b, _ in inside))
        assert after_sum == pytest.approx(sum(a for _, a in inside))
