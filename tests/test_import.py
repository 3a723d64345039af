"""Importing a JSON export: lossless into an empty journal, never twice, and nothing hostile."""

from __future__ import annotations

import copy
import io
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.journal import import_json
from mtcalm.journal.export_json import ExportPeriod, write_json
from mtcalm.journal.import_json import ImportRefused, check_export, import_export
from mtcalm.journal.store import Journal
from tests.test_export import EXPORTED_AT, fill_journal

TABLES = (
    "sessions",
    "checkins",
    "answers",
    "emotions",
    "reflections",
    "session_events",
    "session_tracks",
    "track_flags",
    "item_definitions",
)


def export_of(journal: Journal, period: ExportPeriod | None = None, **options: bool) -> bytes:
    stream = io.BytesIO()
    write_json(journal, stream, period, exported_at=EXPORTED_AT, **options)
    return stream.getvalue()


def contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table the import writes to, read without the app."""
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in TABLES
        }
    finally:
        connection.close()


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A JSON export of a journal with everything in it."""
    with Journal.open(tmp_path / "source.sqlite3") as journal:
        fill_journal(journal)
        path = tmp_path / "export.json"
        path.write_bytes(export_of(journal))
    return path


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir(mode=0o700)
    return folder / "journal.sqlite3"


def test_an_export_imported_into_an_empty_journal_exports_the_same_file(
    exported: Path, target: Path
) -> None:
    with Journal.open(target) as journal:
        result = import_export(exported, journal)
        assert (result.sessions, result.added, result.flags_added) == (4, 4, 1)
        assert export_of(journal) == exported.read_bytes()


def test_the_round_trip_holds_without_notes_and_for_a_period(tmp_path: Path, target: Path) -> None:
    with Journal.open(tmp_path / "source.sqlite3") as source:
        fill_journal(source)
        period = ExportPeriod(since=date(2026, 3, 3))
        partial = tmp_path / "partial.json"
        partial.write_bytes(export_of(source, period, include_notes=False))
    with Journal.open(target) as journal:
        assert import_export(partial, journal).added == 3
        again = json.loads(export_of(journal, period, include_notes=False))
    assert again == json.loads(partial.read_bytes())
    with Journal.open(target) as journal:  # the notes left out come in as no notes
        assert all(
            record.before is None or record.before.note == "" for record in journal.sessions()
        )


def test_importing_twice_changes_nothing(exported: Path, target: Path) -> None:
    with Journal.open(target) as journal:
        import_export(exported, journal)
    before = contents(target)
    with Journal.open(target) as journal:
        result = import_export(exported, journal)
    assert (result.added, result.already_there, result.flags_added) == (0, 4, 0)
    assert contents(target) == before


def test_into_a_journal_with_sessions_only_the_missing_ones_are_added(
    exported: Path, target: Path, tmp_path: Path
) -> None:
    document = json.loads(exported.read_bytes())
    some = copy.deepcopy(document)
    some["sessions"] = document["sessions"][1:3]
    first_part = tmp_path / "some.json"
    first_part.write_text(json.dumps(some), encoding="utf-8")
    with Journal.open(target) as journal:
        journal.start_session("playlist:mine", "Mine", a_check_in())
        assert import_export(first_part, journal).added == 2
        result = import_export(exported, journal)
        assert (result.added, result.already_there) == (2, 2)
        uids = [record.uid for record in journal.sessions()]
    assert len(uids) == 5 and len(set(uids)) == 5
    assert {s["uid"] for s in document["sessions"]} < set(uids)


def a_check_in() -> CheckIn:
    return CheckIn(Phase.BEFORE, {"distress": 4})


def test_imported_text_stays_exactly_the_text_it_was(tmp_path: Path, target: Path) -> None:
    with Journal.open(tmp_path / "source.sqlite3") as source:
        fill_journal(source)
        document = json.loads(export_of(source))
    hostile = '<b>bold</b> <img src=x onerror=alert(1)> ‮reversed\n"; DROP TABLE sessions; --'
    document["sessions"][0]["before"]["note"] = hostile
    document["sessions"][0]["content_title"] = "=cmd|' /C calc'!A0"
    path = tmp_path / "hostile-text.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with Journal.open(target) as journal:
        import_export(path, journal)
        record = journal.sessions()[-1]
    assert record.before is not None and record.before.note == hostile
    assert record.content_title == "=cmd|' /C calc'!A0"


def test_nothing_is_written_outside_the_data_folder(exported: Path, tmp_path: Path) -> None:
    def everything() -> set[Path]:
        return {path for path in tmp_path.rglob("*") if "target" not in path.parts}

    document = json.loads(exported.read_bytes())
    document["sessions"][0]["tracks"][0]["track_key"] = "../../outside.txt"
    document["sessions"][0]["content_ref"] = str(tmp_path / "escape.sqlite3")
    path = tmp_path / "paths.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "target").mkdir()
    seen = everything()
    with Journal.open(tmp_path / "target" / "journal.sqlite3") as journal:
        assert import_export(path, journal).added == 4
    assert everything() == seen


# -- hostile and broken files ------------------------------------------------------------------

Change = Callable[[dict[str, Any]], None]


def set_in(*path: object, value: object) -> Change:
    def change(document: dict[str, Any]) -> None:
        place: Any = document
        for step in path[:-1]:
            place = place[step]
        place[path[-1]] = value

    return change


def duplicate_first_session(document: dict[str, Any]) -> None:
    document["sessions"].append(copy.deepcopy(document["sessions"][0]))


def unknown_item_out_of_scale(document: dict[str, Any]) -> None:
    items = document["sessions"][0]["before"]["items"]
    items.append(
        {
            "key": "custom-mine",
            "label": "Mine",
            "scale": {"key": "custom-0-10", "min": 0, "max": 10},
            "low_anchor": "",
            "high_anchor": "",
            "value": 11,
        }
    )


DAMAGED: dict[str, Change] = {
    "a number as text": set_in("sessions", 0, "listened_seconds", value="590"),
    "negative seconds": set_in("sessions", 0, "listened_seconds", value=-1),
    "a value outside its scale": set_in("sessions", 0, "before", "items", 0, "value", value=11),
    "a value that is not whole": set_in("sessions", 0, "before", "items", 0, "value", value=5.5),
    "true as a value": set_in("sessions", 0, "before", "items", 0, "value", value=True),
    "an item of one's own out of scale": unknown_item_out_of_scale,
    "mtcalm's item on another scale": set_in(
        "sessions", 0, "before", "items", 0, "scale", "max", value=100
    ),
    "an item asked in the wrong phase": set_in(
        "sessions", 0, "before", "items", 0, "key", value="helpfulness"
    ),
    "a duplicate uid": duplicate_first_session,
    "an unknown outcome": set_in("sessions", 0, "outcome", value="cured"),
    "a time that is no time": set_in("sessions", 0, "started_at", value="yesterday"),
    "a word mtcalm does not know": set_in("sessions", 0, "before", "words", value=["euphoric"]),
    "answers in a skipped check-in": set_in("sessions", 0, "before", "skipped", value=True),
    "a note too long": set_in("sessions", 0, "before", "note", value="x" * 5001),
    "a NUL in a note": set_in("sessions", 0, "before", "note", value="a\x00b"),
    "half a UTF-16 pair": set_in("sessions", 0, "after", "note", value="\ud800"),
    "an unknown field": set_in("sessions", 0, "mood_score", value=3),
    "an unknown top-level field": set_in("risk", value=1),
    "a broken drawing": set_in(
        "sessions", 0, "reflection", "drawing", "strokes", 0, "c", value="#ff0000"
    ),
    "a uid that is not an identity": set_in("sessions", 0, "uid", value="../x"),
    "two tracks at one position": set_in("sessions", 0, "tracks", 1, "position", value=0),
    "sessions that are not a list": set_in("sessions", value={"0": 1}),
    "a flag twice": lambda document: document["track_flags"].append(
        copy.deepcopy(document["track_flags"][0])
    ),
}


def write_changed(exported: Path, change: Change) -> Path:
    document = json.loads(exported.read_bytes())
    change(document)
    path = exported.with_name("changed.json")
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def assert_refused_and_unchanged(source: Path, target: Path, words: str) -> ImportRefused:
    before = contents(target)
    with pytest.raises(ImportRefused) as refused, Journal.open(target) as journal:
        import_export(source, journal)
    assert words in f"{refused.value.short}: {refused.value.long}", refused.value
    assert contents(target) == before
    return refused.value


@pytest.fixture
def lived_in(target: Path) -> Path:
    """A journal with a session of its own, to see that a refused import leaves it alone."""
    with Journal.open(target) as journal:
        journal.start_session("playlist:mine", "Mine", a_check_in())
    return target


@pytest.mark.parametrize("kind", sorted(DAMAGED))
def test_a_damaged_export_is_refused_whole(kind: str, exported: Path, lived_in: Path) -> None:
    refused = assert_refused_and_unchanged(
        write_changed(exported, DAMAGED[kind]), lived_in, "The export is damaged"
    )
    assert refused.long.endswith(".")


def test_a_bad_session_after_good_ones_brings_none_of_them_in(
    exported: Path, lived_in: Path
) -> None:
    def break_the_last(document: dict[str, Any]) -> None:
        document["sessions"][-1]["kind"] = "séance"

    assert_refused_and_unchanged(
        write_changed(exported, break_the_last), lived_in, "Session 4: 'kind'"
    )


RAW: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "This is not an mtcalm export"),
    "text": (b"Dear diary", "is not JSON"),
    "an array": (b"[1, 2, 3]", "is not an export"),
    "another program's JSON": (
        b'{"format": "fhir", "version": 1, "sessions": []}',
        "not an mtcalm",
    ),
    "no format": (b'{"sessions": []}', "does not say it is an mtcalm export"),
    "format after sessions": (
        b'{"sessions": [], "format": "mtcalm-journal-export", "version": 1}',
        "come before the sessions",
    ),
    "a newer version": (
        b'{"format": "mtcalm-journal-export", "version": 3, "sessions": []}',
        "from a newer mtcalm",
    ),
    "a version as text": (
        b'{"format": "mtcalm-journal-export", "version": "1", "sessions": []}',
        "Its version is not a number",
    ),
    "cut short": (
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": [{"uid": "a',
        "not valid JSON",
    ),
    "not UTF-8": (b'{"format": "mtcalm-journal-\xff"}', "not UTF-8 text"),
    "NaN": (
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": [NaN]}',
        "NaN, which is not a number",
    ),
    "more after the end": (
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": []} {}',
        "more after the end",
    ),
    "a field twice": (
        b'{"format": "mtcalm-journal-export", "version": 1, "version": 1, "sessions": []}',
        "names 'version' twice",
    ),
    "deeply nested": (
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": ['
        + b"[" * 100_000
        + b"]" * 100_000
        + b"]}",
        "nested deeper than any export",
    ),
    "a NUL byte": (b'{"format": "mtcalm-journal-export"\x00}', "holds a NUL character"),
    "a number of 5000 digits": (
        b'{"format": "mtcalm-journal-export", "version": 1' + b"0" * 5000 + b', "sessions": []}',
        "a number longer than any export",
    ),
    "a trailing comma": (
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": [],}',
        "not valid JSON",
    ),
}


@pytest.mark.parametrize("kind", sorted(RAW))
def test_a_file_that_is_not_a_usable_export_is_refused(
    kind: str, tmp_path: Path, lived_in: Path
) -> None:
    data, words = RAW[kind]
    path = tmp_path / "file.json"
    path.write_bytes(data)
    assert_refused_and_unchanged(path, lived_in, words)
    with pytest.raises(ImportRefused):
        check_export(path)


def test_an_empty_export_is_a_valid_one(tmp_path: Path, target: Path) -> None:
    with Journal.open(tmp_path / "empty.sqlite3") as empty:
        path = tmp_path / "empty.json"
        path.write_bytes(export_of(empty))
    assert check_export(path) == 0
    with Journal.open(target) as journal:
        assert import_export(path, journal).added == 0
        assert export_of(journal) == path.read_bytes()


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path, lived_in: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: it takes no room on the disk
        handle.truncate(import_json.MAX_IMPORT_BYTES + 1)
    refused = assert_refused_and_unchanged(huge, lived_in, "The file is too large")
    assert "at most 1024 MB" in refused.long


def test_a_session_too_large_for_any_export_is_refused(
    tmp_path: Path, lived_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_json, "MAX_SESSION_CHARS", 2 * 1024**2)
    monkeypatch.setattr(import_json, "READ_BYTES", 64 * 1024)
    path = tmp_path / "big-session.json"
    path.write_bytes(
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": [{"uid": "'
        + b"a" * (3 * 1024**2)
        + b'"}]}'
    )
    assert_refused_and_unchanged(path, lived_in, "larger than 2 MB")


def test_links_folders_devices_and_pipes_are_refused(
    exported: Path, tmp_path: Path, lived_in: Path
) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(exported)
    assert_refused_and_unchanged(link, lived_in, "is a link")
    assert_refused_and_unchanged(tmp_path, lived_in, "is a folder, a device or a pipe")
    assert_refused_and_unchanged(Path("/dev/zero"), lived_in, "is a folder, a device or a pipe")
    pipe = tmp_path / "pipe.json"
    os.mkfifo(pipe)  # nobody writes to it: reading it would wait for ever
    assert_refused_and_unchanged(pipe, lived_in, "is a folder, a device or a pipe")
    assert_refused_and_unchanged(tmp_path / "missing.json", lived_in, "does not exist")


def test_a_file_read_in_small_pieces_reads_the_same(
    exported: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values split across reads (a number, a character of several bytes) come out whole."""
    monkeypatch.setattr(import_json, "READ_BYTES", 7)
    with Journal.open(target) as journal:
        assert import_export(exported, journal).added == 4
        assert export_of(journal) == exported.read_bytes()


def test_a_mistake_early_in_a_long_file_is_named_as_such(
    tmp_path: Path, lived_in: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_json, "READ_BYTES", 4096)
    monkeypatch.setattr(import_json, "MAX_SESSION_CHARS", 1024**2)  # not "too large"
    path = tmp_path / "early-mistake.json"
    path.write_bytes(
        b'{"format": "mtcalm-journal-export", "version": 1, "sessions": [{"uid": nope}'
        + b" " * (2 * 1024**2)
        + b"]}"
    )
    assert_refused_and_unchanged(path, lived_in, "not valid JSON (Expecting value)")


def test_every_refused_file_is_one_line_and_exit_1_from_the_command(
    exported: Path, tmp_path: Path, lived_in: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mtcalm.cli import main

    files = [
        write_changed(exported, change).rename(tmp_path / f"damaged-{position}.json")
        for position, change in enumerate(DAMAGED.values())
    ]
    for position, (data, _) in enumerate(RAW.values()):
        files.append(tmp_path / f"raw-{position}.json")
        files[-1].write_bytes(data)
    before = contents(lived_in)
    for path in [*files, tmp_path, tmp_path / "missing.json"]:
        assert main(["--data-dir", str(lived_in.parent), "import", str(path)]) == 1
        out, err = capsys.readouterr()
        assert out == "" and len(err.splitlines()) == 1, err
        assert err.startswith("mtcalm: ") and err.rstrip().endswith("Nothing was imported.")
    assert contents(lived_in) == before
