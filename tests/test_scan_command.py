"""``mtcalm scan``: the real command on folders of real and broken files."""

from __future__ import annotations

import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mtcalm import cli
from mtcalm.audio import info_cache
from mtcalm.audio.info_cache import CACHE_FILE
from mtcalm.audio.metadata import read_audio_info
from mtcalm.commands import scan as scan_command
from mtcalm.commands.scan import clock_text, printable
from mtcalm.datadir import DATA_DIR_VARIABLE
from tests.conftest import ToneMaker

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
HOSTILE = "bad\x1b[31mred\nnext line\x07.mp3"  # colour, a new line and a bell in a file name


def environment() -> dict[str, str]:
    child = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    child.update(QT_QPA_PLATFORM="offscreen", SDL_AUDIODRIVER="dummy")
    return child


def run_scan(tmp_path: Path, *arguments: str | Path) -> subprocess.CompletedProcess[str]:
    """``python -m mtcalm --data-dir DATA scan ...`` to its end."""
    command = [sys.executable, "-m", "mtcalm", "--data-dir", str(tmp_path / "data"), "scan"]
    result = subprocess.run(
        [*command, *(str(argument) for argument in arguments)],
        capture_output=True,
        text=True,
        errors="surrogateescape",
        timeout=60,
        env=environment(),
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture
def music(tmp_path: Path, make_tone: ToneMaker) -> Path:
    """Three good tones (1 s, 2 s, 1 min) and broken files of every kind."""
    root = tmp_path / "Music"
    (root / "Album").mkdir(parents=True)
    for name, seconds in [("one.wav", 1.0), ("Album/two.wav", 2.0), ("Album/long.wav", 60.0)]:
        (root / name).write_bytes(make_tone(Path(name).name, seconds=seconds).read_bytes())
    (root / "empty.ogg").write_bytes(b"")
    (root / "diary.mp3").write_text("Dear diary, today was calm. " * 40, encoding="utf-8")
    (root / "cut.wav").write_bytes((root / "one.wav").read_bytes()[:30])
    (root / "folder.ogg").mkdir()
    (root / HOSTILE).write_bytes(b"")
    (root / "notes.txt").write_text("not music", encoding="utf-8")
    return root


def test_the_summary_says_what_was_found(tmp_path: Path, music: Path) -> None:
    result = run_scan(tmp_path, music)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Folder: {music}"
    assert "Files: 3 playable, 4 unreadable" in lines
    assert "Total duration: 0:01:03" in lines
    assert "Formats: WAV 3" in lines
    assert "Unreadable files: 4" in lines
    listed = lines[lines.index("Unreadable files: 4") + 1 :]
    assert f"  {music / 'empty.ogg'}: Empty file" in listed
    assert any(line.startswith(f"  {music / 'diary.mp3'}: Unreadable audio") for line in listed)
    assert any(line.startswith(f"  {music / 'cut.wav'}: ") for line in listed)
    assert f"  {music}/bad\\x1b[31mred\\nnext line\\x07.mp3: Empty file" in listed
    assert len(listed) == 4, "one line for each unreadable file, whatever its name"


def test_hostile_names_never_reach_the_terminal_raw(tmp_path: Path, music: Path) -> None:
    weird = os.fsdecode(b"caf\xe9 \xff.ogg")  # bytes that are not UTF-8
    (music / weird).write_bytes(b"")
    (music / "right\u202eto left.ogg").write_bytes(b"")  # bidirectional override
    result = run_scan(tmp_path, music)

    assert result.returncode == 0
    for control in ("\x1b", "\x07", "\u202e", "\udce9", "\udcff"):
        assert control not in result.stdout
    assert "caf\\xe9 \\xff.ogg: Empty file" in result.stdout
    assert "right\\u202eto left.ogg: Empty file" in result.stdout


def test_json_gives_the_whole_picture(tmp_path: Path, music: Path) -> None:
    result = run_scan(tmp_path, music, "--json")

    assert result.returncode == 0 and result.stderr == ""
    document = json.loads(result.stdout)
    assert document["folder"] == str(music)
    assert document["files"] == 3
    assert document["seconds"] == pytest.approx(63.0, abs=0.01)
    assert document["formats"] == {"WAV": 3}
    assert document["folders_unreadable"] == []
    assert document["limit_reached"] is False
    unreadable = {Path(item["path"]).name: item["reason"] for item in document["unreadable"]}
    assert set(unreadable) == {"empty.ogg", "diary.mp3", "cut.wav", HOSTILE}
    assert unreadable[HOSTILE] == "Empty file"
    assert all("\x1b" not in line for line in result.stdout.splitlines())
    assert set(document) == {
        "folder", "files", "seconds", "formats", "unreadable", "folders_unreadable",
        "other_formats", "limit_reached", "scan_seconds",
    }  # fmt: skip


def test_other_audio_formats_and_deep_folders_are_mentioned(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    root = tmp_path / "Mixed"
    deep = root.joinpath(*["d"] * 40)
    deep.mkdir(parents=True)
    (root / "song.m4a").write_bytes(b"\x00" * 100)
    (root / "song.wma").write_bytes(b"\x00" * 100)
    (root / "tone.wav").write_bytes(make_tone("t.wav", seconds=0.5).read_bytes())

    text = run_scan(tmp_path, root)
    document = json.loads(run_scan(tmp_path, root, "--json").stdout)

    assert text.returncode == 0
    assert "Not played by mtcalm: 2 files (.m4a 1, .wma 1)" in text.stdout
    assert "Folders that could not be read: 1" in text.stdout
    assert "Too deep" in text.stdout
    assert document["other_formats"] == {".m4a": 1, ".wma": 1}
    assert document["folders_unreadable"][0]["reason"].startswith("Too deep")


def test_an_empty_folder_is_a_completed_scan(tmp_path: Path) -> None:
    (tmp_path / "Empty").mkdir()
    result = run_scan(tmp_path, tmp_path / "Empty")
    assert result.returncode == 0
    assert "Files: 0 playable, 0 unreadable" in result.stdout
    assert "Total duration: 0:00:00" in result.stdout
    assert "Formats: none" in result.stdout


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: tmp / "nowhere", "there is no folder"),
        (lambda tmp: (tmp / "a file.txt", (tmp / "a file.txt").write_text("x"))[0], "not a folder"),
    ],
)
def test_a_folder_that_is_not_there_is_a_usage_error(tmp_path: Path, make, message: str) -> None:
    result = run_scan(tmp_path, make(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, "one line"
    assert result.stderr.startswith("mtcalm: ") and message in result.stderr


@pytest.mark.parametrize("arguments", [[], ["--frobnicate", "."], [".", "extra"]])
def test_usage_errors_exit_2(tmp_path: Path, arguments: list[str]) -> None:
    result = run_scan(tmp_path, *arguments)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "error: " in result.stderr.splitlines()[-1]


def test_a_folder_that_cannot_be_read_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "Locked"
    locked.mkdir()
    real_scandir = os.scandir

    def guarded(path):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    status = cli.main(["--data-dir", str(tmp_path / "data"), "scan", str(locked)])
    captured = capsys.readouterr()
    assert status == 2 and captured.out == ""
    assert captured.err == f"mtcalm: cannot read the folder {locked}: Permission denied\n"


@pytest.mark.skipif(IS_ROOT, reason="root reads files and folders whatever their permissions")
def test_unreadable_files_and_folders_inside_are_listed(
    tmp_path: Path, music: Path
) -> None:  # pragma: no cover - runs only as an ordinary user
    secret = music / "one.wav"
    locked = music / "Album"
    secret.chmod(0)
    locked.chmod(0)
    try:
        result = run_scan(tmp_path, music)
    finally:
        secret.chmod(0o600)
        locked.chmod(0o700)
    assert result.returncode == 0
    assert f"  {locked}: Permission denied" in result.stdout
    assert f"  {secret}: Unreadable" in result.stdout


def test_the_second_scan_comes_from_the_cache(
    tmp_path: Path, music: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_scan(tmp_path, music, "--json")
    cache = tmp_path / "data" / CACHE_FILE
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.parent.stat().st_mode) == 0o700

    def fail(path: Path):
        raise AssertionError(f"{path} was opened again")

    monkeypatch.setattr(info_cache, "read_audio_info", fail)
    status = cli.main(["--data-dir", str(tmp_path / "data"), "scan", str(music), "--json"])
    again = json.loads(capsys.readouterr().out)
    before = json.loads(first.stdout)
    for document in (again, before):
        document.pop("scan_seconds")
    assert status == 0 and again == before


def test_nothing_is_written_outside_the_data_folder(tmp_path: Path, music: Path) -> None:
    def snapshot() -> dict[str, float]:
        return {str(path): path.lstat().st_mtime for path in music.rglob("*")}

    before = snapshot()
    run_scan(tmp_path, music)
    assert snapshot() == before
    assert sorted(path.name for path in (tmp_path / "data").iterdir()) == [CACHE_FILE]


def test_ctrl_c_exits_130_and_keeps_what_was_read(
    tmp_path: Path, music: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = read_audio_info
    reads: list[Path] = []

    def interrupted_on_the_third(path: Path):
        reads.append(path)
        if len(reads) == 3:
            raise KeyboardInterrupt
        return real(path)

    monkeypatch.setattr(info_cache, "read_audio_info", interrupted_on_the_third)
    status = cli.main(["--data-dir", str(tmp_path / "data"), "scan", str(music)])
    captured = capsys.readouterr()
    assert status == 130
    assert captured.out == ""
    assert captured.err == "mtcalm: interrupted\n"
    entries = json.loads((tmp_path / "data" / CACHE_FILE).read_text())["entries"]
    assert len(entries) == 2, "the two files read before Ctrl-C need not be read again"


@pytest.mark.slow
def test_ctrl_c_on_the_real_command(tmp_path: Path, make_tone: ToneMaker) -> None:
    tone = make_tone("t.wav", seconds=0.1)
    root = tmp_path / "Big"
    for album in range(40):
        folder = root / f"album {album}"
        folder.mkdir(parents=True)
        for track in range(250):  # 10,000 names for one file: links are made in an instant
            os.link(tone, folder / f"{track}.wav")
    data = tmp_path / "data"
    process = subprocess.Popen(
        [sys.executable, "-m", "mtcalm", "--data-dir", str(data), "scan", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
    )
    deadline = time.monotonic() + 20
    while not data.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # into the scan
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    if process.returncode == 0:
        pytest.skip("the scan finished before Ctrl-C arrived (a very fast machine)")
    assert process.returncode == 130
    assert stderr == "mtcalm: interrupted\n"
    assert stdout == ""


def test_a_closed_output_ends_quietly() -> None:
    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def fileno(self) -> int:
            raise io.UnsupportedOperation("no file descriptor")

    stderr = io.StringIO()
    assert scan_command._write(Gone(), stderr, "Files: 3\n") == 1
    assert stderr.getvalue() == ""


def test_help_documents_the_json_and_the_exit_statuses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.build_parser().parse_args(["scan", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for key in (
        "folder", "files", "seconds", "formats", "unreadable", "folders_unreadable",
        "other_formats", "limit_reached", "scan_seconds",
    ):  # fmt: skip
        assert f'"{key}"' in text
    for status in ("0 ", "1 ", "2 ", "130 "):
        assert f"\n  {status}" in text


def test_printable_escapes_only_what_a_terminal_would_act_on() -> None:
    assert printable("Calm – Évening/01 海.ogg") == "Calm – Évening/01 海.ogg"
    assert printable("a\nb\tc\rd\x1b[2J\x00") == "a\\nb\\tc\\rd\\x1b[2J\\x00"
    assert printable("back\\slash") == "back\\\\slash"
    assert printable("\u202e\u200b\x85") == "\\u202e\\u200b\\x85"
    assert printable(os.fsdecode(b"\xff")) == "\\xff"
    assert printable("\U000e0041") == "\\U000e0041"  # an invisible tag character


def test_durations_read_as_a_clock() -> None:
    assert clock_text(0) == "0:00:00"
    assert clock_text(63.4) == "0:01:03"
    assert clock_text(3599.6) == "1:00:00"
    assert clock_text(90061) == "25:01:01"


def test_a_terminal_sees_progress_that_is_erased_at_the_end(
    music: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    real = read_audio_info

    def slow(path: Path):
        time.sleep(0.03)  # slow enough for the scan to report on its way
        return real(path)

    monkeypatch.setattr(info_cache, "read_audio_info", slow)
    stdout, stderr = io.StringIO(), Terminal()
    arguments = cli.build_parser().parse_args(["scan", str(music)])
    assert scan_command.run_scan(arguments, data_dir, stdout, stderr) == 0
    shown = stderr.getvalue()
    assert "Reading " in shown and " of 7 files" in shown
    assert shown.endswith("\r\x1b[K"), "the progress line is erased"
    assert "Files: 3 playable" in stdout.getvalue()
