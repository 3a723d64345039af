"""``mtcalm check`` on homework packages: the example passes, and a bad package gets one
plain line per problem and exit 1, never a traceback."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mtcalm.assets import assets_dir
from mtcalm.cli import main
from mtcalm.homework.manifest import MANIFEST_NAME
from mtcalm.homework.package import write_package
from tests.test_homework_manifest import MINIMAL

EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"


def checked(capsys: pytest.CaptureFixture[str], *paths: Path) -> tuple[int, str, list[str]]:
    status = main(["check", *(str(path) for path in paths)])
    captured = capsys.readouterr()
    return status, captured.out, captured.err.splitlines()


def test_the_example_package_passes_check_as_a_packager_runs_it() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mtcalm", "check", str(EXAMPLE_PACKAGE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == "1 file OK"


def test_what_the_manifest_names_must_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = MINIMAL.replace('ref = "playlist:settle"', 'ref = "playlist:no-such-thing"')
    raw += '[[content]]\nplaylist = "playlists/rain.toml"\n'
    raw += '[[avoid]]\ntitle = "Gone"\ntrack = "bundled:music/settle/99-gone.ogg"\n'
    package = tmp_path / "named.mtcalm-homework"
    write_package(package, raw.encode())

    status, out, lines = checked(capsys, package)

    assert (status, out) == (1, "")
    assert lines == [
        f"{package}: homework.toml: names playlist:no-such-thing, which this version of mtcalm"
        " does not include",
        f"{package}: homework.toml: names playlists/rain.toml, which the package does not hold",
        f"{package}: homework.toml: asks to avoid bundled:music/settle/99-gone.ogg, which this"
        " version of mtcalm does not include",
    ]


def test_a_manifest_problem_points_at_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "late.mtcalm-homework"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(MANIFEST_NAME, MINIMAL.replace("weeks = 2", "weeks = 99"))
    status, _, lines = checked(capsys, package)
    assert status == 1
    assert lines == [
        f"{package}: homework.toml:9: 'weeks' in [schedule] must be a whole number from 1 to 52"
    ]


def test_a_zip_without_a_manifest_and_a_hostile_one_are_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    no_manifest = tmp_path / "photos.zip"
    with zipfile.ZipFile(no_manifest, "w") as archive:
        archive.writestr("holiday.jpg", b"\xff\xd8")
    escaping = tmp_path / "escaping.mtcalm-homework"
    with zipfile.ZipFile(escaping, "w") as archive:
        archive.writestr(MANIFEST_NAME, MINIMAL)
        archive.writestr("../../outside.txt", b"x")
    before = sorted(p.name for p in tmp_path.iterdir())

    status, _, lines = checked(capsys, no_manifest, escaping)

    assert status == 1 and len(lines) == 2
    assert (
        lines[0]
        == f"{no_manifest}: it holds no homework.toml, so it is not an mtcalm homework package"
    )
    assert lines[1].startswith(f"{escaping}: ")
    assert sorted(p.name for p in tmp_path.iterdir()) == before, "nothing written"
