"""Homework in the journal's exports: the JSON (version 2) carries every programme revision and
who flagged each track, losslessly; its adherence is derived and ignored on import; the CSV
names the programme a session counted for; a damaged homework record is refused whole."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.cli import main
from mtcalm.homework.install import install_package
from mtcalm.homework.package import write_package
from mtcalm.journal.export_csv import write_csv
from mtcalm.journal.export_json import ExportPeriod, write_json
from mtcalm.journal.import_json import import_export
from mtcalm.journal.store import Journal, Outcome
from tests.test_export import fill_journal

BERLIN = timezone(timedelta(hours=1))
EXPORTED_AT = datetime(2026, 12, 20, 9, 30, tzinfo=BERLIN)
SETTLE = """\
format = 1
[homework]
id = "settle-weeks"
revision = {revision}
title = "{title}"
[therapist]
name = "Dr A"
[schedule]
starts = 2026-12-09
weeks = 2
sessions_per_week = 3
minimum_minutes = 10
[[content]]
ref = "playlist:settle"
[[content]]
ref = "script:grounding"
[[avoid]]
title = "Slow Tide"
track = "bundled:music/settle/02-slow-tide.ogg"
"""
SLEEP = """\
format = 1
[homework]
id = "sleep-week-1"
title = "=Sleep better"
[therapist]
name = "Dr B"
[schedule]
starts = 2026-12-14
weeks = 1
sessions_per_week = 2
[[content]]
ref = "playlist:sleep"
"""
TABLES = ("homework", "track_flags", "sessions")


def install(data_dir: Path, journal: Journal, manifest: str, name: str, when: datetime) -> None:
    package = data_dir.parent / f"{name}.mtcalm-homework"
    write_package(package, manifest.encode())
    install_package(package, data_dir, journal, now=when)


def listened(
    journal: Journal, when: datetime, minutes: float, ref: str, early: bool = False
) -> None:
    session = journal.start_session(ref, ref, CheckIn(Phase.BEFORE, {}), started_at=when)
    outcome = Outcome.ENDED_EARLY if early else Outcome.COMPLETED
    journal.finish_session(session, outcome, minutes * 60, ended_at=when + timedelta(hours=1))


def fill_homework(data_dir: Path, journal: Journal) -> None:
    """Sessions, two revisions of one programme (the first replaced), a programme left, and
    tracks flagged by the person and by the therapist's homework."""
    fill_journal(journal)  # March: sessions, and a track the person flagged
    install(data_dir, journal, SETTLE.format(revision=1, title="Settle"), "r1", at(1, 10))
    install(data_dir, journal, SETTLE.format(revision=2, title="Settle, again"), "r2", at(8, 18))
    install(data_dir, journal, SLEEP, "sleep", at(10, 9))
    with journal.writing() as cursor:  # the person left it
        cursor.execute(
            "UPDATE homework SET left_at = ? WHERE id = 'sleep-week-1'", (at(16, 8).isoformat(),)
        )
    listened(journal, at(7, 20), 30, "playlist:settle")  # before the programme's first day...
    listened(journal, at(9, 20), 12.25, "playlist:settle")  # ...but in its first week
    listened(journal, at(10, 21), 4, "script:grounding", early=True)
    listened(journal, at(11, 20), 20, "playlist:other")  # not the programme's
    listened(journal, at(15, 20), 11, "playlist:settle")
    listened(journal, at(15, 22), 25, "playlist:sleep")
    listened(journal, at(22, 20), 15, "playlist:settle")  # after its last week


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=BERLIN)


def export_of(journal: Journal, period: ExportPeriod | None = None, **options: Any) -> bytes:
    stream = io.BytesIO()
    write_json(journal, stream, period, exported_at=options.pop("exported_at", EXPORTED_AT))
    return stream.getvalue()


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in TABLES
        }
    finally:
        connection.close()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        fill_homework(data_dir, journal)
    return data_dir / "journal.sqlite3"


@pytest.fixture
def exported(source: Path, tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    with Journal.open(source) as journal:
        path.write_bytes(export_of(journal))
    return path


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir(mode=0o700)
    return folder / "journal.sqlite3"


# -- what the export holds ---------------------------------------------------------------------


def test_the_export_holds_every_programme_revision_and_who_flagged_each_track(
    exported: Path,
) -> None:
    document = json.loads(exported.read_bytes())
    assert document["version"] == 2
    assert [(p["id"], p["revision"], p["title"]) for p in document["homework"]] == [
        ("settle-weeks", 1, "Settle"),
        ("settle-weeks", 2, "Settle, again"),
        ("sleep-week-1", 1, "=Sleep better"),
    ]
    first, second, left = document["homework"]
    assert first["replaced_at"] == "2026-12-08T18:00:00+01:00" and second["replaced_at"] is None
    assert left["left_at"] == "2026-12-16T08:00:00+01:00" and first["left_at"] is None
    assert first["imported_at"] == "2026-12-01T10:00:00+01:00"
    assert left["manifest"] == SLEEP and left["therapist"] == "Dr B"
    assert all("folder" not in programme for programme in document["homework"])
    assert {f["track_key"]: f["set_by"] for f in document["track_flags"]} == {
        "/music/two.flac": "person",
        "bundled:music/settle/02-slow-tide.ogg": "therapist",
    }


def test_adherence_is_derived_week_by_week_from_the_sessions_exported(exported: Path) -> None:
    adherence = json.loads(exported.read_bytes())["adherence"]
    assert [(a["id"], a["revision"]) for a in adherence] == [
        ("settle-weeks", 1),
        ("settle-weeks", 2),
        ("sleep-week-1", 1),
    ]
    assert adherence[1]["weeks"] == [
        {
            "week": 1,
            "starts": "2026-12-07",
            "days_counted": 7,
            "due": 3,
            "started": 3,  # the 7th, the 9th and the grounding script; not playlist:other
            "completed": 2,
            "ended_early": 1,
            "reached": 2,  # 30 and 12.25 minutes of at least 10
            "minutes": 46.2,  # 30 + 12.25 + 4, to a tenth
        },
        {
            "week": 2,
            "starts": "2026-12-14",
            "days_counted": 7,
            "due": 3,
            "started": 1,
            "completed": 1,
            "ended_early": 0,
            "reached": 1,
            "minutes": 11.0,
        },
    ]
    sleep = adherence[2]["weeks"]
    assert [(w["started"], w["minutes"]) for w in sleep] == [(1, 25.0)]


def test_a_period_counts_only_its_own_sessions_and_keeps_every_programme(source: Path) -> None:
    period = ExportPeriod(date(2026, 12, 10), date(2026, 12, 14))
    with Journal.open(source) as journal:
        document = json.loads(export_of(journal, period))
    assert len(document["homework"]) == 3  # the programme, whatever the period
    weeks = document["adherence"][1]["weeks"]
    assert [(w["week"], w["days_counted"], w["started"], w["minutes"]) for w in weeks] == [
        (1, 4, 1, 4.0),  # the 10th to the 13th: the grounding script only
        (2, 1, 0, 0.0),  # the 14th alone
    ]
    period = ExportPeriod(until=date(2026, 11, 30))
    with Journal.open(source) as journal:
        document = json.loads(export_of(journal, period))
    assert all(entry["weeks"] == [] for entry in document["adherence"])


# -- the round trip ----------------------------------------------------------------------------


def test_export_import_export_gives_the_same_file_but_for_when_it_was_made(
    exported: Path, target: Path
) -> None:
    with Journal.open(target) as journal:
        result = import_export(exported, journal)
        assert (result.added, result.flags_added, result.homework_added) == (11, 2, 3)
        later = datetime(2027, 1, 5, 8, 0, tzinfo=BERLIN)
        again = export_of(journal, exported_at=later)
    original = exported.read_bytes()
    assert again != original
    assert again.replace(b"2027-01-05T08:00:00+01:00", b"2026-12-20T09:30:00+01:00") == original
    kept = contents(target)
    assert [row[5] for row in kept["homework"]] == ["", "", ""]  # no folder: not on this computer
    assert sorted(str(row[3]) for row in kept["track_flags"]) == ["person", "therapist"]


def test_a_period_export_comes_back_the_same_too(
    source: Path, target: Path, tmp_path: Path
) -> None:
    period = ExportPeriod(date(2026, 12, 10), date(2026, 12, 14))
    path = tmp_path / "period.json"
    with Journal.open(source) as journal:
        path.write_bytes(export_of(journal, period))
    with Journal.open(target) as journal:
        import_export(path, journal)
        assert export_of(journal, period) == path.read_bytes()


def test_importing_twice_changes_nothing(exported: Path, target: Path) -> None:
    with Journal.open(target) as journal:
        import_export(exported, journal)
    before = contents(target)
    with Journal.open(target) as journal:
        result = import_export(exported, journal)
    assert (result.added, result.flags_added, result.homework_added) == (0, 0, 0)
    assert contents(target) == before


def test_a_programme_the_journal_has_is_left_as_it_is(exported: Path, source: Path) -> None:
    """Into the journal it came from: the folder its package's files are in stays named."""
    with Journal.open(source) as journal, journal.writing() as cursor:
        cursor.execute("UPDATE homework SET folder = 'homework/' || id || '-r' || revision")
    before = contents(source)
    with Journal.open(source) as journal:
        result = import_export(exported, journal)
    assert (result.added, result.homework_added) == (0, 0)
    assert contents(source) == before
    assert before["homework"][0][5] == "homework/settle-weeks-r1"


def test_version_1_still_imports_as_before(exported: Path, target: Path) -> None:
    document = json.loads(exported.read_bytes())
    document["version"] = 1
    del document["homework"], document["adherence"]
    for flag in document["track_flags"]:
        del flag["set_by"]
    path = write(exported, document)
    with Journal.open(target) as journal:
        result = import_export(path, journal)
    assert (result.added, result.flags_added, result.homework_added) == (11, 2, 0)
    kept = contents(target)
    assert kept["homework"] == []
    assert [row[3] for row in kept["track_flags"]] == ["person", "person"]


def test_the_adherence_in_a_file_is_ignored_not_imported(exported: Path, target: Path) -> None:
    document = json.loads(exported.read_bytes())
    document["adherence"] = [{"id": "settle-weeks", "weeks": [{"started": 99}]}, "anything"]
    with Journal.open(target) as journal:
        import_export(write(exported, document), journal)
        again = json.loads(export_of(journal))
    assert again["adherence"] == json.loads(exported.read_bytes())["adherence"]


def test_the_import_command_says_how_many_programmes_it_added(
    exported: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "fresh"), "import", str(exported)]) == 0
    out = capsys.readouterr().out
    assert "Imported 11 sessions" in out
    assert "3 homework programme revisions were added." in out


def write(exported: Path, document: dict[str, Any]) -> Path:
    path = exported.with_name("changed.json")
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


# -- the CSV -----------------------------------------------------------------------------------


def csv_rows(journal: Journal, period: ExportPeriod | None = None) -> list[dict[str, str]]:
    stream = io.BytesIO()
    write_csv(journal, stream, period)
    return list(csv.DictReader(io.StringIO(stream.getvalue().decode("utf-8-sig"), newline="")))


def test_the_csv_names_the_programme_each_session_counted_for(source: Path) -> None:
    with Journal.open(source) as journal:
        rows = csv_rows(journal)
        header = list(rows[0])
    assert header[-1] == "homework"
    counted = [
        (row["started_at"][:10], row["content_ref"], row["homework"])
        for row in rows
        if row["started_at"].startswith("2026-12")
    ]
    assert counted == [
        ("2026-12-07", "playlist:settle", "Settle, again"),  # the newest revision it counts for
        ("2026-12-09", "playlist:settle", "Settle, again"),
        ("2026-12-10", "script:grounding", "Settle, again"),
        ("2026-12-11", "playlist:other", ""),
        ("2026-12-15", "playlist:settle", "Settle, again"),
        ("2026-12-15", "playlist:sleep", "'=Sleep better"),  # a title is never run as a formula
        ("2026-12-22", "playlist:settle", ""),  # after the programme's last week
    ]
    assert all(row["homework"] == "" for row in rows if row["started_at"].startswith("2026-03"))


def test_a_csv_without_homework_has_the_column_empty(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.sqlite3") as journal:
        fill_journal(journal)
        rows = csv_rows(journal)
    assert len(rows) == 4 and all(row["homework"] == "" for row in rows)
