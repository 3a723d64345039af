"""A homework package's homework.toml: the example read back, every value checked, and the
package written the same way twice."""

from __future__ import annotations

import stat
import zipfile
from datetime import date, time
from pathlib import Path

import pytest

from mtcalm.assets import assets_dir
from mtcalm.checkin import CRAVING
from mtcalm.homework.manifest import (
    MANIFEST_NAME,
    MAX_MANIFEST_BYTES,
    HomeworkError,
    package_path,
    read_manifest,
)
from mtcalm.homework.package import PackageExists, write_package

EXAMPLE_SOURCE = assets_dir() / "homework" / "example" / MANIFEST_NAME
EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"

MINIMAL = """\
format = 1
[homework]
id = "abcd-1234"
title = "Settle"
[therapist]
name = "Dr A"
[schedule]
starts = 2026-12-07
weeks = 2
sessions_per_week = 3
[[content]]
ref = "playlist:settle"
"""


def test_the_example_says_what_a_therapist_wrote() -> None:
    homework = read_manifest(EXAMPLE_SOURCE.read_bytes())
    assert (homework.id, homework.revision, homework.title) == (
        "example-settling-weeks",
        1,
        "Four weeks of settling",
    )
    assert homework.instructions.startswith("Three times a week")
    schedule = homework.schedule
    assert (schedule.starts, schedule.weeks, schedule.sessions_per_week) == (
        date(2026, 12, 7),
        4,
        3,
    )
    assert schedule.minimum_minutes == 15
    assert schedule.preferred_times == (time(8, 30), time(20, 0))
    assert [item.value for item in homework.content] == ["playlist:settle", "script:grounding"]
    assert homework.checkin_items[0] == CRAVING
    lonely = homework.checkin_items[1]
    assert (lonely.label, lonely.low_anchor, lonely.high_anchor) == (
        "How lonely do you feel?",
        "not at all",
        "very lonely",
    )
    assert [(a.title, a.track) for a in homework.avoid] == [
        ("Slow Tide", "bundled:music/settle/02-slow-tide.ogg")
    ]
    assert (assets_dir() / "music" / "settle" / "02-slow-tide.ogg").is_file()


def test_the_example_package_holds_exactly_its_source(tmp_path: Path) -> None:
    with zipfile.ZipFile(EXAMPLE_PACKAGE) as archive:
        assert archive.namelist() == [MANIFEST_NAME]
        assert archive.read(MANIFEST_NAME) == EXAMPLE_SOURCE.read_bytes()
    rebuilt = tmp_path / "example.mtcalm-homework"
    write_package(rebuilt, EXAMPLE_SOURCE.read_bytes())
    assert rebuilt.read_bytes() == EXAMPLE_PACKAGE.read_bytes(), "rebuild it after editing"


def test_a_package_is_written_the_same_way_twice_whole_and_owner_only(tmp_path: Path) -> None:
    files = {"audio/rain.ogg": b"OggS" + bytes(2000), "playlists/rain.toml": b"format = 1\n"}
    first, second = tmp_path / "a.mtcalm-homework", tmp_path / "b.mtcalm-homework"
    write_package(first, MINIMAL.encode(), files)
    write_package(second, MINIMAL.encode(), dict(reversed(files.items())))
    assert first.read_bytes() == second.read_bytes()
    assert stat.S_IMODE(first.stat().st_mode) == 0o600
    with pytest.raises(PackageExists):
        write_package(first, MINIMAL.encode())
    with pytest.raises(ValueError, match="not a name"):
        write_package(tmp_path / "c.mtcalm-homework", MINIMAL.encode(), {"../evil": b""})
    with pytest.raises(HomeworkError):
        write_package(tmp_path / "d.mtcalm-homework", b"format = 1\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mtcalm-homework", "b.mtcalm-homework"]


def changed(old: str, new: str) -> bytes:
    assert old in MINIMAL, old
    return MINIMAL.replace(old, new).encode()


@pytest.mark.parametrize(
    ("raw", "says", "line"),
    [
        (changed("format = 1", "format = 2"), "Update mtcalm", 1),
        (changed("format = 1", 'format = "1"'), "'format' must be a whole number", None),
        (changed('id = "abcd-1234"', 'id = "../x"'), "'id' must be 8 to 64", 3),
        (changed('title = "Settle"', 'title = ""'), "[homework] needs 'title'", 4),
        (changed('title = "Settle"', f'title = "{"x" * 121}"'), "too long", 4),
        (changed('title = "Settle"', 'title = "a\\u0007b"'), "control characters", 4),
        (changed('title = "Settle"', "title = 5"), "'title' in [homework] must be text", 4),
        (changed("[therapist]\nname", "[therapist]\nnom"), "'nom', which mtcalm does not know", 6),
        (changed("starts = 2026-12-07", 'starts = "soon"'), "must be a date", 8),
        (changed("weeks = 2", "weeks = 0"), "'weeks' in [schedule] must be a whole number", 9),
        (changed("weeks = 2", "weeks = 53"), "from 1 to 52", 9),
        (changed("weeks = 2", 'weeks = 2\npreferred_times = ["25:00"]'), "time of day", 10),
        (changed('ref = "playlist:settle"', 'ref = "http://x"'), "must name bundled content", 12),
        (
            changed(
                'ref = "playlist:settle"', 'ref = "playlist:settle"\nscript = "scripts/a.toml"'
            ),
            "exactly one",
            None,
        ),
        (changed('ref = "playlist:settle"', 'playlist = "../playlists/a.toml"'), "playlists/", 12),
        (changed('ref = "playlist:settle"', 'playlist = "/etc/a.toml"'), "playlists/", 12),
        (changed('ref = "playlist:settle"', 'playlist = "playlists\\\\a.toml"'), "playlists/", 12),
        (changed('[[content]]\nref = "playlist:settle"\n', ""), "nothing to listen to", None),
        (changed("[[content]]", "[checkin]\ncraving = 'yes'\n[[content]]"), "true or false", 12),
        (changed("[[content]]", "[[contact]]\nreach = '555'\n[[content]]"), "needs 'name'", None),
        (
            changed("[[content]]", "[[avoid]]\ntitle = 'x'\ntrack = '/home/x.ogg'\n[[content]]"),
            "bundled track",
            13,
        ),
        (
            changed(
                "[[content]]",
                "".join(f"[[checkin.question]]\nlabel = 'Q{n}'\n" for n in range(9))
                + "[[content]]",
            ),
            "at most 8 questions",
            None,
        ),
        (  # a tab or line break in a question crashed `mtcalm check` with a traceback
            changed("[[content]]", '[[checkin.question]]\nlabel = "How\\tlonely?"\n[[content]]'),
            "one line",
            12,
        ),
        (b"format = 1\n\xff\xfe", "not UTF-8", 2),
        (b"format = 1\n[homework\n", "not valid TOML", 2),
        (b"format = 1\n# " + b"x" * MAX_MANIFEST_BYTES, "too large", None),
        (MINIMAL.replace("[homework]", "[home]").encode(), "'home', which mtcalm does not know", 2),
    ],
)
def test_every_value_is_checked_with_a_plain_message(
    raw: bytes, says: str, line: int | None
) -> None:
    with pytest.raises(HomeworkError) as raised:
        read_manifest(raw)
    assert says in raised.value.message
    if line is not None:
        assert raised.value.line == line


def test_the_minimal_package_needs_nothing_more() -> None:
    homework = read_manifest(MINIMAL.encode())
    assert homework.revision == 1 and homework.schedule.minimum_minutes == 10
    assert homework.checkin_items == () and homework.contacts == () and homework.avoid == ()


def test_questions_of_the_therapists_own_get_distinct_keys() -> None:
    raw = changed(
        "[[content]]",
        "[[checkin.question]]\nlabel = 'Lonely?'\n[[checkin.question]]\nlabel = 'lonely'\n"
        "[[content]]",
    )
    keys = [item.key for item in read_manifest(raw).checkin_items]
    assert keys == ["custom-lonely", "custom-lonely-2"]


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("audio/rain.ogg", "audio/rain.ogg"),
        ("playlists/a b.toml", "playlists/a b.toml"),
        ("../x", None),
        ("a/../x", None),
        ("/etc/passwd", None),
        ("C:/x", None),
        ("c:x", None),
        ("a\\b", None),
        ("a//b", None),
        ("./a", None),
        ("a/\x00", None),
        ("a/\u202ex", None),
        ("", None),
    ],
)
def test_a_path_inside_a_package_stays_inside(value: str, kept: str | None) -> None:
    assert package_path(value) == kept
