"""Review mode's core: a client's export read into a journal in memory, kept apart, freed."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.install import install_package
from mtcalm.homework.programmes import programmes
from mtcalm.journal import import_json
from mtcalm.journal.export_json import FORMAT_NAME, write_export_file, write_json
from mtcalm.journal.file import JournalWriteFailed
from mtcalm.journal.import_json import ImportRefused
from mtcalm.journal.review import (
    ReviewCancelled,
    another_reader,
    flagged_tracks,
    open_export_for_review,
)
from mtcalm.journal.store import Journal, Outcome

ZONE = timezone(timedelta(hours=1))
EXAMPLE = Path(__file__).resolve().parents[1] / "assets" / "homework" / "example.mtcalm-homework"
HOSTILE_TITLE = "<b>x</b>"


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (names and bytes)."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def add_sessions(journal: Journal, titles: Sequence[str], first: datetime) -> None:
    """One listening session per title, a day apart, with a check-in before and after."""
    for number, title in enumerate(titles):
        started = first + timedelta(days=number)
        session = journal.start_session(
            "playlist:settle",
            title,
            CheckIn(Phase.BEFORE, {"distress": 7, "pleasantness": 3}),
            planned_seconds=1200,
            started_at=started,
        )
        journal.finish_session(
            session, Outcome.COMPLETED, 1100.0, ended_at=started + timedelta(minutes=20)
        )
        journal.record_after(session, CheckIn(Phase.AFTER, {"distress": 3, "pleasantness": 6}))


def make_export(
    folder: Path,
    titles: Sequence[str],
    *,
    homework: bool = True,
    flag: tuple[str, str] | None = ("/music/storm.flac", HOSTILE_TITLE),
    name: str = "client.json",
) -> Path:
    """A client's data folder with sessions, flags and (optionally) the example homework,
    exported whole as JSON beside it; the export's path.
    """
    data_dir = folder / f"{name}-data"
    data_dir.mkdir(parents=True)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        if homework:
            install_package(EXAMPLE, data_dir, journal)
        add_sessions(journal, titles, datetime(2026, 12, 8, 19, 0, tzinfo=ZONE))
        if flag is not None:
            journal.flag_track(*flag)

        def fill(temporary: Path) -> None:
            with temporary.open("wb") as stream:
                write_json(journal, stream)

        output = folder / name
        write_export_file(output, fill)
    return output


@pytest.fixture
def export(tmp_path: Path) -> Path:
    return make_export(tmp_path / "client", ["Settle one", "Settle two", "Settle three"])


def test_an_export_is_read_whole_into_memory_with_its_homework_and_flags(export: Path) -> None:
    before = snapshot(export.parent)
    with open_export_for_review(export) as journal:
        assert journal.summary().sessions == 3
        assert {record.content_title for record in journal.sessions()} == {
            "Settle one",
            "Settle two",
            "Settle three",
        }
        # in memory: the main database has no file at all
        assert [row[2] for row in journal.reading("PRAGMA database_list")] == [""]
        flags = {flag.title: flag.set_by for flag in flagged_tracks(journal)}
        assert flags[HOSTILE_TITLE] == "person"
        assert flags["Slow Tide"] == "therapist"  # the example homework's track to avoid
        found = programmes(journal.reading, date(2026, 12, 9))
        assert [programme.title for programme in found] == ["Four weeks of settling"]
        first_week = found[0].weeks[0]
        assert (first_week.started, first_week.completed) == (3, 3)
    assert snapshot(export.parent) == before  # nothing written beside the export


def test_two_exports_never_mix(tmp_path: Path) -> None:
    first = make_export(tmp_path / "a", ["Anna's evening"], name="anna.json")
    second = make_export(tmp_path / "b", ["Ben's morning", "Ben's noon"], name="ben.json")
    with open_export_for_review(first) as anna, open_export_for_review(second) as ben:
        assert [record.content_title for record in anna.sessions()] == ["Anna's evening"]
        assert sorted(record.content_title for record in ben.sessions()) == [
            "Ben's morning",
            "Ben's noon",
        ]


def test_another_reader_sees_the_same_journal_and_closing_frees_it(export: Path) -> None:
    journal = open_export_for_review(export)
    with another_reader(journal) as reader:
        assert reader.summary().sessions == 3
        with pytest.raises(JournalWriteFailed):  # a reader never writes
            reader.flag_track("/music/new.flac", "New")
        assert reader.flagged_tracks().keys() == journal.flagged_tracks().keys()
    journal.close()
    # Connecting to the same memory now finds a new, empty database: the old one is gone.
    connection = journal.memory_connection()
    try:
        assert connection.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 0
    finally:
        connection.close()


def test_a_file_journal_has_no_memory_to_share(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "journal.sqlite3") as journal, pytest.raises(ValueError):
        journal.memory_connection()


def refused_by(path: Path) -> ImportRefused:
    with pytest.raises(ImportRefused) as refused:
        open_export_for_review(path)
    return refused.value


def test_a_malformed_export_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text(f'{{"format": "{FORMAT_NAME}", "version": 1, "sessions": [{{"uid": ', "utf-8")
    refused = refused_by(path)
    assert refused.short == "The export is damaged"
    assert "cut short" in refused.long
    not_json = tmp_path / "notes.json"
    not_json.write_text("Dear diary", "utf-8")
    assert refused_by(not_json).short == "This is not an mtcalm export"
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["broken.json", "notes.json"]


def test_an_export_from_a_newer_mtcalm_is_refused(export: Path) -> None:
    document = json.loads(export.read_text("utf-8"))
    document["version"] = 99
    newer = export.with_name("newer.json")
    newer.write_text(json.dumps(document), "utf-8")
    refused = refused_by(newer)
    assert refused.short == "This export is from a newer mtcalm"
    assert "version 99" in refused.long


def test_a_huge_export_is_refused_before_it_is_read(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_json, "MAX_IMPORT_BYTES", 1024)
    refused = refused_by(export)
    assert refused.short == "The file is too large"


def test_a_link_or_a_missing_file_is_refused(export: Path) -> None:
    link = export.with_name("link.json")
    link.symlink_to(export)
    assert refused_by(link).short == "This is not a file"
    assert refused_by(export.with_name("gone.json")).short == "There is no such file"


def test_a_reading_that_is_told_to_stop_stops_and_keeps_nothing(export: Path) -> None:
    stop = threading.Event()
    stop.set()
    with pytest.raises(ReviewCancelled):
        open_export_for_review(export, stop.is_set)


def test_a_reading_asked_to_stop_half_way_stops(tmp_path: Path) -> None:
    export = make_export(tmp_path, [f"Session {n}" for n in range(60)], homework=False)
    asked = 0

    def should_stop() -> bool:
        nonlocal asked
        asked += 1
        return asked > 3  # asked as SQLite works: a few times in, the person cancels

    with pytest.raises(ReviewCancelled):
        open_export_for_review(export, should_stop)


def test_an_export_larger_than_memory_should_hold_is_refused_with_a_way_to_read_it(
    export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A review found one export of up to 1 GB (the import's limit) could take the app down."""
    from mtcalm.journal import review

    monkeypatch.setattr(review, "MAX_REVIEW_BYTES", 1024)
    refused = refused_by(export)
    assert refused.short == "This export is too large to review in memory"
    assert f"import {export.name}" in refused.long
