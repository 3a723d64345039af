"""A JSON export's homework, refused whole when damaged or hostile: a manifest that is not TOML,
too large or not the record's own, wrong types, a flag set by someone unknown, version 2 fields
in a version 1 file, a file from a newer mtcalm. Each says what is wrong; nothing changes."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.homework.manifest import MAX_MANIFEST_BYTES
from mtcalm.journal.import_json import ImportRefused, check_export, import_export
from mtcalm.journal.store import Journal
from tests.test_export_homework import SLEEP, contents, export_of, fill_homework, write


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


# -- damaged and hostile homework --------------------------------------------------------------

Change = Callable[[dict[str, Any]], None]


def in_programme(field: str, value: object, position: int = 0) -> Change:
    def change(document: dict[str, Any]) -> None:
        document["homework"][position][field] = value

    return change


def replace_in_manifest(old: str, new: str) -> Change:
    def change(document: dict[str, Any]) -> None:
        manifest = document["homework"][2]["manifest"]
        document["homework"][2]["manifest"] = manifest.replace(old, new)

    return change


def duplicate_programme(document: dict[str, Any]) -> None:
    document["homework"].append(copy.deepcopy(document["homework"][0]))


def set_top(field: str, value: object) -> Change:
    def change(document: dict[str, Any]) -> None:
        document[field] = value

    return change


HOSTILE: dict[str, tuple[Change, str]] = {
    "a manifest that is not TOML": (
        in_programme("manifest", "format = 1\n[homework\n"),
        "Homework programme 1: its manifest cannot be used (line 2): homework.toml is not valid",
    ),
    "a manifest of a newer homework format": (
        replace_in_manifest("format = 1", "format = 9"),
        "Homework programme 3: its manifest cannot be used (line 1): this package is homework "
        "format 9",
    ),
    "a huge manifest": (
        in_programme("manifest", SLEEP + "#" * MAX_MANIFEST_BYTES, 2),
        "Homework programme 3: 'manifest' is not text of at most 262144 characters",
    ),
    "a manifest of huge characters": (
        in_programme("manifest", SLEEP + "#" + "☾" * (MAX_MANIFEST_BYTES // 3), 2),
        "'manifest' is not a homework.toml of at most 262144 bytes",
    ),
    "a manifest that is a number": (
        in_programme("manifest", 5),
        "'manifest' is not text",
    ),
    "a revision as text": (in_programme("revision", "1"), "'revision' is not a whole number"),
    "a time that is no time": (
        in_programme("replaced_at", 12),
        "Homework programme 1: 'replaced_at' is not a time as ISO 8601",
    ),
    "an id that is not the manifest's": (
        in_programme("id", "someone-else"),
        "Homework programme 1: 'id' is not what its manifest says ('settle-weeks')",
    ),
    "a revision that is not the manifest's": (
        in_programme("revision", 7, 1),
        "Homework programme 2: 'revision' is not what its manifest says (2)",
    ),
    "a title that is not the manifest's": (
        in_programme("title", "Something kinder", 2),
        "'title' is not what its manifest says ('=Sleep better')",
    ),
    "a folder, a path on another computer": (
        in_programme("folder", "/etc"),
        "Homework programme 1 has a field this mtcalm does not know ('folder')",
    ),
    "the same revision twice": (duplicate_programme, "is revision 1 of 'settle-weeks' again"),
    "a flag set by someone else": (
        lambda document: document["track_flags"][1].update(set_by="admin"),
        "Flagged track 2: 'set_by' is not one of person, therapist",
    ),
    "homework that is not a list": (
        set_top("homework", {"settle-weeks": 1}),
        "Its homework programmes are not a list",
    ),
    "adherence that is not a list": (set_top("adherence", {}), "Its adherence is not a list"),
    "a NUL in a manifest": (
        in_programme("manifest", SLEEP + "# \x00", 2),
        "'manifest' holds a NUL character",
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_damaged_homework_record_is_refused_whole_and_says_what_is_wrong(
    kind: str, exported: Path, target: Path
) -> None:
    change, words = HOSTILE[kind]
    document = json.loads(exported.read_bytes())
    change(document)
    path = write(exported, document)
    with Journal.open(target) as journal:
        journal.start_session("playlist:mine", "Mine", CheckIn(Phase.BEFORE, {}))
    before = contents(target)
    with pytest.raises(ImportRefused) as refused, Journal.open(target) as journal:
        import_export(path, journal)
    assert refused.value.short == "The export is damaged"
    assert words in refused.value.long and refused.value.long.endswith(".")
    assert "Traceback" not in refused.value.long
    assert contents(target) == before  # not one session of the file came in
    with pytest.raises(ImportRefused):
        check_export(path)


@pytest.mark.parametrize(
    "change",
    [
        set_top("homework", []),
        set_top("adherence", []),
        lambda document: document["track_flags"][0].update(set_by="person"),
    ],
)
def test_a_version_1_file_with_version_2_fields_is_refused(change: Change, exported: Path) -> None:
    document = json.loads(exported.read_bytes())
    document["version"] = 1
    del document["homework"], document["adherence"]
    for flag in document["track_flags"]:
        del flag["set_by"]
    change(document)
    with pytest.raises(ImportRefused) as refused:
        check_export(write(exported, document))
    assert "a field this mtcalm does not know" in refused.value.long


def test_a_file_from_a_newer_mtcalm_is_refused(exported: Path) -> None:
    document = json.loads(exported.read_bytes())
    document["version"] = 3
    with pytest.raises(ImportRefused) as refused:
        check_export(write(exported, document))
    assert refused.value.short == "This export is from a newer mtcalm"
    assert "this mtcalm reads up to version 2" in refused.value.long


def test_a_manifest_another_program_damaged_is_left_out_of_the_export(
    source: Path, tmp_path: Path, target: Path
) -> None:
    with Journal.open(source) as journal:
        with journal.writing() as cursor:
            cursor.execute("UPDATE homework SET manifest = 'nonsense' WHERE revision = 2")
        path = tmp_path / "left-out.json"
        path.write_bytes(export_of(journal))
    document = json.loads(path.read_bytes())
    assert [(p["id"], p["revision"]) for p in document["homework"]] == [
        ("settle-weeks", 1),
        ("sleep-week-1", 1),
    ]
    with Journal.open(target) as journal:  # and what is written imports
        assert import_export(path, journal).homework_added == 2
