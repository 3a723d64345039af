"""``mtcalm homework new|show|check``: a therapist scripts packages; nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mtcalm.assets import assets_dir
from mtcalm.cli import main
from mtcalm.homework.manifest import MANIFEST_NAME
from tests.conftest import ToneMaker
from tests.test_homework_manifest import MINIMAL

EXAMPLE_SOURCE = assets_dir() / "homework" / "example" / MANIFEST_NAME
EXAMPLE_PACKAGE = assets_dir() / "homework" / "example.mtcalm-homework"
RAIN = """\
format = 1
[playlist]
title = "Rain on the roof"

[[track]]
file = "../audio/rain.wav"
"""
LAKE = (assets_dir() / "scripts" / "grounding.toml").read_text(encoding="utf-8")
EXAMPLE_SHOWN = [
    "Four weeks of settling",
    "Revision 1 of example-settling-weeks",
    "Therapist: Your therapist",
    "How to reach them: As agreed at your last session",
    "",
    "Instructions:",
    "  Three times a week, find twenty quiet minutes. Check in, listen, and check in again.",
    "  If the music stirs up cravings or hard memories, stop, ground yourself, and flag the track.",
    "  We will look at the journal together at our next session.",
    "",
    "Schedule: 3 sessions a week for 4 weeks from Monday 7 December 2026, at least 15 minutes "
    "each; reminders at 08:30 and 20:00",
    "",
    "To listen to:",
    "  Settle (a playlist; comes with mtcalm)",
    "  Here and now: grounding (a guided-imagery script; comes with mtcalm)",
    "",
    "Added to the check-in:",
    "  Craving or urge to use, 0 to 10",
    "  How lonely do you feel? 0 (not at all) to 10 (very lonely)",
    "",
    "Support contacts: none",
    "",
    "Tracks to avoid:",
    "  Slow Tide (comes with mtcalm)",
]


class Ran:
    def __init__(self, status: int, out: str, err: str) -> None:
        self.status, self.out, self.err = status, out, err


@pytest.fixture
def mtcalm(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """Run ``mtcalm ARGS`` through :func:`mtcalm.cli.main`."""

    def run(*arguments: str | Path) -> Ran:
        status = main([str(argument) for argument in arguments])
        captured = capsys.readouterr()
        return Ran(status, captured.out, captured.err)

    return run


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def with_music(folder: Path, make_tone: ToneMaker) -> Path:
    """A homework.toml in ``folder`` with a playlist, a script that plays it, and its audio."""
    make_tone("rain.wav", seconds=0.5)
    make_tone("thunder.wav", seconds=0.3)
    write(folder / "playlists" / "rain.toml", RAIN)
    write(
        folder / "scripts" / "lake.toml", LAKE.replace('playlist = "settle"', 'playlist = "rain"')
    )
    manifest = MINIMAL.replace('ref = "playlist:settle"', 'script = "scripts/lake.toml"')
    manifest += '[[content]]\nplaylist = "playlists/rain.toml"\n'
    manifest += '[[avoid]]\ntitle = "Thunder"\ntrack = "audio/thunder.wav"\n'
    manifest += '[[contact]]\nname = "Dr A"\nreach = "clinic, weekdays"\nnote = "Not at night."\n'
    return write(folder / "source.toml", manifest)


def test_new_builds_a_package_that_check_passes_and_import_imports(
    tmp_path: Path, mtcalm, data_dir: Path
) -> None:
    manifest = write(tmp_path / MANIFEST_NAME, MINIMAL)
    package = tmp_path / "out" / "settle.mtcalm-homework"
    package.parent.mkdir()
    done = mtcalm("homework", "new", manifest, "--output", package)
    assert (done.status, done.err) == (0, "")
    size = package.stat().st_size
    assert done.out == f"Wrote {package}: 1 file, {size} bytes\n"
    assert sorted(package.parent.iterdir()) == [package], "no temporary file is left"
    assert package.stat().st_mode & 0o077 == 0
    assert mtcalm("check", package).out == "1 file OK\n"
    assert mtcalm("homework", "check", package).out == "1 file OK\n"
    imported = mtcalm("--data-dir", data_dir, "import", package)
    assert imported.status == 0, imported.err
    assert imported.out.startswith("Imported the homework “Settle” (revision 1) from Dr A.")


def test_new_from_the_examples_source_gives_the_example_byte_for_byte(
    tmp_path: Path, mtcalm
) -> None:
    rebuilt = tmp_path / "example.mtcalm-homework"
    done = mtcalm("homework", "new", EXAMPLE_SOURCE, "--output", rebuilt)
    assert done.status == 0, done.err
    assert rebuilt.read_bytes() == EXAMPLE_PACKAGE.read_bytes()
    assert mtcalm("homework", "new", EXAMPLE_SOURCE, "--output", rebuilt, "--force").status == 0
    assert rebuilt.read_bytes() == EXAMPLE_PACKAGE.read_bytes()


def test_a_package_with_a_playlist_a_script_and_audio(
    tmp_path: Path, mtcalm, make_tone: ToneMaker, data_dir: Path
) -> None:
    manifest = with_music(tmp_path, make_tone)
    package = tmp_path / "rain.mtcalm-homework"
    done = mtcalm("homework", "new", manifest, "--output", package)
    assert done.status == 0, done.err
    with zipfile.ZipFile(package) as archive:
        assert archive.namelist() == [
            "audio/rain.wav",
            "audio/thunder.wav",
            MANIFEST_NAME,
            "playlists/rain.toml",
            "scripts/lake.toml",
        ]
        assert archive.read(MANIFEST_NAME) == manifest.read_bytes()
        assert archive.read("audio/rain.wav") == (tmp_path / "audio" / "rain.wav").read_bytes()
    assert done.out == f"Wrote {package}: 5 files, {package.stat().st_size / 1024:.1f} KB\n"
    shown = mtcalm("homework", "show", package)
    assert shown.status == 0, shown.err
    assert shown.out.split("To listen to:\n")[1].splitlines()[:2] == [
        "  Here and now: grounding (a guided-imagery script; in the package: scripts/lake.toml)",
        "  Rain on the roof (a playlist; in the package: playlists/rain.toml)",
    ]
    assert "Support contacts:\n  Dr A: clinic, weekdays\n    Not at night.\n" in shown.out
    assert shown.out.endswith("Tracks to avoid:\n  Thunder (in the package: audio/thunder.wav)\n")
    assert mtcalm("--data-dir", data_dir, "import", package).status == 0
    assert (data_dir / "homework" / "abcd-1234-r1" / "audio" / "rain.wav").is_file()


def refusal(
    tmp_path: Path, make_tone: ToneMaker, change: str
) -> tuple[list[str | Path], Path, str]:
    """The arguments of a ``new`` that must be refused, its output and what it must say."""
    manifest = with_music(tmp_path, make_tone)
    output = tmp_path / "out.mtcalm-homework"
    arguments: list[str | Path] = ["homework", "new", manifest, "--output", output]
    lake = tmp_path / "scripts" / "lake.toml"
    if change == "manifest":
        write(manifest, MINIMAL.replace("weeks = 2", "weeks = 0"))
        return arguments, output, f"{manifest}:9: 'weeks' in [schedule] must be a whole number"
    if change == "missing":
        lake.unlink()
        return arguments, output, f"{manifest} names scripts/lake.toml, but there is no file"
    if change == "missing audio":
        (tmp_path / "audio" / "thunder.wav").unlink()
        return arguments, output, f"{manifest} names audio/thunder.wav, but there is no file"
    if change == "outside":
        outside = write(tmp_path.parent / f"{tmp_path.name}-elsewhere.toml", RAIN)
        lake.unlink()
        lake.symlink_to(outside)
        return arguments, output, "names scripts/lake.toml, which leads outside"
    if change == "track outside":
        write(tmp_path / "playlists" / "rain.toml", RAIN.replace("../audio/", "../../"))
        return arguments, output, 'rain.toml:6: track 1 "../../rain.wav" must name a file in'
    if change == "unreadable audio":
        (tmp_path / "audio" / "rain.wav").write_bytes(b"not audio at all" * 10)
        return arguments, output, 'rain.toml:6: track 1 "../audio/rain.wav": '
    if change == "script's playlist":
        write(lake, LAKE.replace('playlist = "settle"', 'playlist = "nowhere"'))
        return arguments, output, 'lake.toml: plays the playlist "nowhere", which is neither'
    if change == "bundled":
        write(manifest, MINIMAL.replace("playlist:settle", "playlist:nowhere"))
        return arguments, output, "the package would be refused, so nothing was written: "
    if change == "exists":
        output.write_bytes(b"keep me")
        return arguments, output, f"{output} exists already; add --force to replace it"
    assert change == "no folder"
    output = tmp_path / "nowhere" / "out.mtcalm-homework"
    return [*arguments[:-1], output], output, f"there is no folder {output.parent}"


@pytest.mark.parametrize(
    "change",
    [
        "manifest",
        "missing",
        "missing audio",
        "outside",
        "track outside",
        "unreadable audio",
        "script's playlist",
        "bundled",
        "exists",
        "no folder",
    ],
)
def test_new_refuses_in_one_line_and_writes_nothing(
    tmp_path: Path, mtcalm, make_tone: ToneMaker, change: str
) -> None:
    arguments, output, says = refusal(tmp_path, make_tone, change)
    before = sorted(tmp_path.iterdir())
    done = mtcalm(*arguments)
    assert (done.status, done.out) == (1, "")
    assert done.err.startswith("mtcalm: ") and done.err.count("\n") == 1
    assert says in done.err
    assert "Traceback" not in done.err
    assert sorted(tmp_path.iterdir()) == before, "nothing written, no temporary file left"
    if change == "exists":
        assert output.read_bytes() == b"keep me"
    else:
        assert not output.exists()


def test_force_replaces_a_package(tmp_path: Path, mtcalm) -> None:
    output = tmp_path / "out.mtcalm-homework"
    output.write_bytes(b"an older build")
    done = mtcalm("homework", "new", EXAMPLE_SOURCE, "--output", output, "--force")
    assert done.status == 0, done.err
    assert output.read_bytes() == EXAMPLE_PACKAGE.read_bytes()
    assert sorted(tmp_path.iterdir()) == [output]


def test_show_prints_the_example_as_a_person_would_see_it(mtcalm) -> None:
    done = mtcalm("homework", "show", EXAMPLE_PACKAGE)
    assert (done.status, done.err) == (0, "")
    assert done.out.splitlines() == EXAMPLE_SHOWN


def test_show_refuses_a_hostile_package_in_one_line(tmp_path: Path, mtcalm) -> None:
    package = tmp_path / "escaping.mtcalm-homework"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr(MANIFEST_NAME, MINIMAL)
        archive.writestr("audio/../../../outside.wav", b"RIFF")
    done = mtcalm("homework", "show", package)
    assert (done.status, done.out) == (1, "")
    assert done.err.startswith("mtcalm: This homework package cannot be used: ")
    assert done.err.count("\n") == 1 and "Traceback" not in done.err
    assert mtcalm("homework", "show", tmp_path / "gone.mtcalm-homework").status == 1


def test_show_gives_text_from_a_package_as_plain_text_with_controls_escaped(
    tmp_path: Path, mtcalm, make_tone: ToneMaker
) -> None:
    manifest = MINIMAL.replace(
        'title = "Settle"', 'title = "<b>Calm</b> & <script>x</script> \\u202e"'
    ).replace('ref = "playlist:settle"', 'playlist = "playlists/rain.toml"')
    manifest += '[[contact]]\nname = "Dr A"\nnote = "Ring\\tme"\n'
    write(tmp_path / MANIFEST_NAME, manifest)
    write(tmp_path / "playlists" / "rain.toml", RAIN.replace("roof", "roof\\u001b[2J"))
    make_tone("rain.wav", seconds=0.2)
    package = tmp_path / "odd.mtcalm-homework"
    assert mtcalm("homework", "new", tmp_path / MANIFEST_NAME, "--output", package).status == 0
    shown = mtcalm("homework", "show", package).out.splitlines()
    assert shown[0] == "<b>Calm</b> & <script>x</script> \\u202e"
    assert "  Rain on the roof\\x1b[2J (a playlist; in the package: playlists/rain.toml)" in shown
    assert "    Ring\\tme" in shown
    assert all(character.isprintable() for line in shown for character in line)


def test_usage_errors_exit_2(tmp_path: Path, mtcalm) -> None:
    for arguments in (
        ["homework"],
        ["homework", "new", EXAMPLE_SOURCE],
        ["homework", "show"],
        ["homework", "check"],
        ["homework", "burn", EXAMPLE_PACKAGE],
    ):
        with pytest.raises(SystemExit) as stopped:
            mtcalm(*arguments)
        assert stopped.value.code == 2


def test_the_commands_as_a_therapist_runs_them(tmp_path: Path) -> None:
    package = tmp_path / "example.mtcalm-homework"
    new = [sys.executable, "-m", "mtcalm", "homework", "new", str(EXAMPLE_SOURCE)]
    built = subprocess.run(
        [*new, "--output", str(package)], capture_output=True, text=True, timeout=120, check=False
    )
    assert (built.returncode, built.stderr) == (0, "")
    assert built.stdout == f"Wrote {package}: 1 file, {package.stat().st_size} bytes\n"
    shown = subprocess.run(
        [sys.executable, "-m", "mtcalm", "homework", "show", str(package)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (shown.returncode, shown.stderr) == (0, "")
    assert shown.stdout.splitlines() == EXAMPLE_SHOWN


def test_show_into_a_closed_pipe_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mtcalm homework show FILE | head -1` printed 'unexpected error: BrokenPipeError'."""
    capsys.readouterr()
    reading, writing = os.pipe()
    os.close(reading)  # the reader (head) has gone
    with os.fdopen(writing, "w") as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        status = main(["homework", "show", str(EXAMPLE_PACKAGE)])
        monkeypatch.undo()
    assert status == 1
    assert capsys.readouterr().err == ""
