"""``mtcalm check``: every file gets a clear verdict, in seconds, and never a traceback."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import types
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm.assets import bundled_playlists_dir
from mtcalm.audio.metadata import AudioFileError, AudioInfo
from mtcalm.cli import main
from mtcalm.commands.check import MAX_CHECK_BYTES, escape
from mtcalm.datadir import DATA_DIR_VARIABLE
from mtcalm.m3u import M3UError, read_m3u
from mtcalm.playlists import MAX_PLAYLIST_BYTES, PlaylistError, load_playlist
from tests.conftest import PlaylistMaker, ToneMaker

HEADER = 'format = 1\n[playlist]\ntitle = "Calm"\n'
FUZZ = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Checked:
    """One run of ``mtcalm check`` through :func:`mtcalm.cli.main`."""

    def __init__(self, status: int, stdout: str, stderr: str) -> None:
        self.status = status
        self.stdout = stdout
        self.lines = stderr.splitlines()


@pytest.fixture
def check(capsys: pytest.CaptureFixture[str]) -> types.FunctionType:
    def run(*files: str | Path) -> Checked:
        status = main(["check", *(str(path) for path in files)])
        captured = capsys.readouterr()
        return Checked(status, captured.out, captured.err)

    return run  # type: ignore[return-value]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def the_problem(result: Checked, path: Path) -> str:
    """The one problem reported, without the path it starts with."""
    assert result.status == 1
    assert result.stdout == ""
    [line] = result.lines
    assert line.startswith(f"{path}:"), line
    assert "Traceback" not in line
    return line[len(str(path)) :]


def run_mtcalm(
    arguments: Sequence[str | Path], timeout: float = 30
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "mtcalm", *(str(argument) for argument in arguments)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=environment,
    )


# -- the real command -------------------------------------------------------------------------


def test_the_command_says_ok_for_the_bundled_playlists(tmp_path: Path) -> None:
    files = sorted(bundled_playlists_dir().glob("*.toml"))
    result = run_mtcalm(["--data-dir", tmp_path / "data", "check", *files])
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{len(files)} file{'s' if len(files) != 1 else ''} OK\n"
    assert result.stderr == ""
    assert not (tmp_path / "data").exists()  # checking writes nothing, not even the data folder


def test_the_command_reports_path_line_message_and_exits_1(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.toml", HEADER + '[[track]]\nfile = "gone.ogg"\n')
    broken = write(tmp_path / "broken.toml", HEADER + "title = \n")
    result = run_mtcalm(["check", bad, broken])
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'{bad}:5: track 1 "gone.ogg": File not found: {tmp_path / "gone.ogg"} does not exist '
        "or is not a file.",
        f"{broken}:4: not valid TOML: Invalid value",
    ]


@pytest.mark.parametrize("arguments", [["check"], ["check", "--frobnicate", "x.toml"]])
def test_usage_errors_exit_2(arguments: list[str]) -> None:
    result = run_mtcalm(arguments)
    assert result.returncode == 2
    assert result.stderr.startswith("usage: mtcalm")
    assert "Traceback" not in result.stderr


def test_a_named_pipe_is_never_opened(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    result = run_mtcalm(["check", pipe], timeout=30)  # opening it would block forever
    assert result.returncode == 1
    assert result.stderr == f"{pipe}: not a regular file (a device or a pipe?): it was not opened\n"


def test_deep_nesting_is_refused_within_seconds(tmp_path: Path) -> None:
    path = write(tmp_path / "deep.toml", "a = " + "[" * 100_000)
    result = run_mtcalm(["check", path], timeout=30)
    assert result.returncode == 1
    assert result.stderr == f"{path}: the file is nested too deeply\n"


# -- playlists --------------------------------------------------------------------------------


def test_every_bundled_playlist_is_valid(check: types.FunctionType) -> None:
    files = sorted(bundled_playlists_dir().glob("*.toml"))
    result = check(*files)
    assert result.lines == []
    assert result.status == 0
    assert result.stdout.endswith(" OK\n")


def test_a_valid_playlist_and_m3u(
    check: types.FunctionType, make_tone: ToneMaker, make_playlist: PlaylistMaker, tmp_path: Path
) -> None:
    tone = make_tone("a.wav", seconds=0.2)
    playlist = make_playlist([tone, "../audio/a.wav"])
    m3u = write(tmp_path / "audio" / "list.m3u8", "#EXTM3U\n#EXTINF:0,A\na.wav\n")
    result = check(playlist, m3u)
    assert (result.status, result.stdout, result.lines) == (0, "2 files OK\n", [])


def test_each_missing_or_unreadable_entry_is_named_with_its_line(
    check: types.FunctionType, make_tone: ToneMaker, make_playlist: PlaylistMaker, tmp_path: Path
) -> None:
    good = make_tone("good.wav", seconds=0.2)
    write(tmp_path / "audio" / "fake.wav", b"this is not audio at all")
    path = make_playlist([good, "gone.wav", "../audio/fake.wav"])
    result = check(path)
    assert result.status == 1
    assert [line.split(": ")[0] for line in result.lines] == [f"{path}:11", f"{path}:14"]
    assert 'track 2 "gone.wav": File not found' in result.lines[0]
    assert 'track 3 "../audio/fake.wav": ' in result.lines[1]


def test_a_playlist_whose_every_entry_is_missing_lists_them_all(
    check: types.FunctionType, make_playlist: PlaylistMaker
) -> None:
    result = check(make_playlist(["a.wav", "b.wav"]))
    assert result.status == 1
    assert len(result.lines) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HEADER.replace("format = 1", "format = 2"), ":1: 'format = 1' is missing or different"),
        ("format = 1\n[playlist]\ntitle = 3\n", ":3: 'title' must be text"),
        (HEADER, ": the playlist has no [[track]] entries"),
        (HEADER + "crossfade_seconds = 99\n", ":4: crossfade_seconds must be a number from 0"),
        ('format = 1\n[playlist]\ntitle = "x\n', ":3: not valid TOML: Illegal character"),
    ],
)
def test_invalid_playlists_name_the_problem_and_line(
    check: types.FunctionType, tmp_path: Path, content: str, expected: str
) -> None:
    path = write(tmp_path / "p.toml", content)
    assert the_problem(check(path), path).startswith(expected)


def test_a_playlist_over_its_own_limit_is_refused(
    check: types.FunctionType, tmp_path: Path
) -> None:
    path = write(tmp_path / "big.toml", HEADER + "#" * MAX_PLAYLIST_BYTES + "\n")
    assert "too large" in the_problem(check(path), path)


# -- what is not a playlist, or not a file at all ---------------------------------------------


def test_hostile_inputs_each_get_one_clear_line(check: types.FunctionType, tmp_path: Path) -> None:
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(MAX_CHECK_BYTES * 50)  # sparse: refused by its size, never read
    cases = {
        tmp_path / "missing.toml": "no such file",
        folder: "this is a folder, not a file",
        pipe: "not a regular file",
        write(tmp_path / "empty.toml", b""): "the file is empty",
        write(tmp_path / "blank.toml", b"\n \n"): "the file is empty",
        write(tmp_path / "image.toml", b"\x89PNG\r\n\x1a\n\x00\x00IHDR"): "binary",
        write(tmp_path / "latin.toml", HEADER.encode() + b"x = '\xe9'\n"): "not UTF-8",
        huge: "too large",
        write(tmp_path / "deep.toml", "a = " + "[" * 100_000): "nested too deeply",
        write(tmp_path / "deep2.toml", "a = " + "{b = " * 50_000): "",
        write(tmp_path / "notes.txt", "Just some notes.\n"): "not a file mtcalm checks",
        write(tmp_path / "other.toml", 'name = "x"\n'): "not a file mtcalm checks",
        write(tmp_path / "both.toml", "[playlist]\n[script]\n"): "both [playlist] and [script]",
        write(tmp_path / "noise.m3u", b"\x01\x02\x03"): "binary",
    }
    result = check(*cases)
    assert result.status == 1
    assert result.stdout == ""
    assert len(result.lines) == len(cases), result.lines
    for line, (path, needle) in zip(result.lines, cases.items(), strict=True):
        assert line.startswith(f"{path}"), line
        assert needle in line, line
        assert "Traceback" not in line
    assert "line 1" not in result.lines[6]  # the line number has its own place
    assert result.lines[6].startswith(f"{tmp_path / 'latin.toml'}:4: ")


def test_control_characters_in_paths_and_messages_are_escaped(
    check: types.FunctionType, tmp_path: Path
) -> None:
    path = write(tmp_path / "red\x1b[31m\nname.toml", HEADER + '[[track]]\nfile = "a\\u0007.ogg"\n')
    result = check(path)
    assert result.status == 1
    [line] = result.lines
    assert "\x1b" not in line and "\x07" not in line
    assert "red\\x1b[31m\\nname.toml:5: " in line
    assert '"a\\x07.ogg"' in line


def test_escape_shows_invisible_and_undecodable_characters() -> None:
    assert escape("a\tb\u202ec\udcffd") == "a\\tb\\u202ec\\xffd"
    assert escape("café – ☾") == "café – ☾"


def test_content_decides_not_the_name(
    check: types.FunctionType, make_tone: ToneMaker, tmp_path: Path
) -> None:
    make_tone("a.wav", seconds=0.2)
    playlist = write(tmp_path / "audio" / "list.txt", HEADER + '[[track]]\nfile = "a.wav"\n')
    m3u = write(tmp_path / "audio" / "list.cfg", "#EXTM3U\na.wav\n")
    assert check(playlist, m3u).stdout == "2 files OK\n"


# -- M3U --------------------------------------------------------------------------------------


def test_an_m3u_with_problems_names_each_line(check: types.FunctionType, tmp_path: Path) -> None:
    path = write(
        tmp_path / "list.m3u",
        "#EXTM3U\n#EXTINF:3,Web\nhttps://radio.example/a\n#EXTINF:x\ngone.mp3\n",
    )
    result = check(path)
    assert result.status == 1
    assert [line.split(": ")[0] for line in result.lines] == [
        f"{path}:3",
        f"{path}:4",
        f"{path}:5",
    ]
    assert "https addresses are not supported" in result.lines[0]
    assert "File not found" in result.lines[2]


def test_an_m3u_that_names_nothing_is_a_problem(check: types.FunctionType, tmp_path: Path) -> None:
    path = write(tmp_path / "list.m3u8", "#EXTM3U\n# only comments\n")
    assert "no entries" in the_problem(check(path), path)


# -- guided-imagery scripts -------------------------------------------------------------------


def test_a_script_is_checked_by_the_scripts_module(
    check: types.FunctionType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class ScriptError(ValueError):
        def __init__(self, path: Path, message: str, line: int | None = None) -> None:
            super().__init__(message)
            self.path, self.message, self.line = path, message, line

    def load_script(path: Path) -> object:
        if "bad" in path.name:
            raise ScriptError(path, "'steps' must be a list", 7)
        return object()

    scripts = types.ModuleType("mtcalm.scripts")
    scripts.ScriptError = ScriptError  # type: ignore[attr-defined]
    scripts.load_script = load_script  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mtcalm.scripts", scripts)
    good = write(tmp_path / "good.toml", 'format = 1\n[script]\ntitle = "Beach"\n')
    bad = write(tmp_path / "bad.toml", 'format = 1\n[script]\ntitle = "Beach"\n')

    assert check(good).stdout == "1 file OK\n"
    assert the_problem(check(bad), bad) == ":7: 'steps' must be a list"


def test_a_script_without_the_scripts_module_is_reported(
    check: types.FunctionType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "mtcalm.scripts", None)  # as if it were not there
    path = write(tmp_path / "s.toml", '[script]\ntitle = "Beach"\n')
    assert "cannot be checked" in the_problem(check(path), path)


# -- fuzzing: only the parsers' own errors ever come out --------------------------------------


def no_audio(path: Path) -> AudioInfo:
    raise AudioFileError("Not read", f"{path}")


TOML_PIECES = st.sampled_from(
    [
        "format = 1\n",
        "format = 2\n",
        "[playlist]\n",
        "[[track]]\n",
        "[playlist.x]\n",
        "track = [1]\n",
        'title = "T"\n',
        "title = 3\n",
        'file = "a.ogg"\n',
        'file = "/"\n',
        'file = ""\n',
        'file = "\\u0000"\n',
        'file = "../../../../etc/passwd"\n',
        "crossfade_seconds = 1e400\n",
        "crossfade_seconds = -0.0\n",
        'note = """\n',
        "x = [[[\n",
        "= \n",
        "\ufeff",
        "\r\n",
    ]
)


@FUZZ
@given(pieces=st.lists(TOML_PIECES | st.text(max_size=20), max_size=25))
def test_fuzzed_playlists_raise_only_playlist_errors(tmp_path: Path, pieces: list[str]) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes("".join(pieces).encode("utf-8", "surrogatepass"))
    try:
        load_playlist(path, no_audio)
    except PlaylistError as error:
        assert error.message


@FUZZ
@given(content=st.binary(max_size=300))
def test_fuzzed_bytes_as_playlists_raise_only_playlist_errors(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_bytes(content)
    try:
        load_playlist(path, no_audio)
    except PlaylistError as error:
        assert error.message


M3U_PIECES = st.sampled_from(
    [
        "#EXTM3U\n",
        "#EXTINF:",
        "#EXTINF:-1,",
        '#EXTINF:5 a="b,c",T\n',
        "#PLAYLIST:",
        "file://",
        "file:///a%00b\n",
        "file:///%ff%fe\n",
        "file://host/x\n",
        "http://x\n",
        "C:\\a\\b.mp3\n",
        "\\\\server\\share\n",
        "../" * 50,
        "\r",
        "\n",
        "\ufeff",
        "\x1a",
        "9" * 400,
    ]
)


@FUZZ
@given(pieces=st.lists(M3U_PIECES | st.text(max_size=20), max_size=25), utf8=st.booleans())
def test_fuzzed_m3u_raises_only_m3u_errors(tmp_path: Path, pieces: list[str], utf8: bool) -> None:
    path = tmp_path / ("fuzz.m3u8" if utf8 else "fuzz.m3u")
    path.write_bytes("".join(pieces).encode("utf-8", "surrogatepass"))
    try:
        m3u = read_m3u(path)
    except M3UError as error:
        assert error.message
        return
    assert all(entry.path.is_absolute() for entry in m3u.entries)
    assert all(entry.line >= 1 for entry in m3u.entries)


@FUZZ
@given(content=st.binary(max_size=300))
def test_fuzzed_bytes_as_m3u_raise_only_m3u_errors(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "fuzz.m3u"
    path.write_bytes(content)
    try:
        read_m3u(path)
    except M3UError as error:
        assert error.message


def bundled_scripts() -> list[Path]:
    from mtcalm.assets import assets_dir

    return sorted((assets_dir() / "scripts").glob("*.toml"))


@pytest.mark.skipif(
    importlib.util.find_spec("mtcalm.scripts") is None or not bundled_scripts(),
    reason="no guided-imagery scripts yet",
)
def test_the_bundled_scripts_are_valid_and_a_broken_one_is_not(
    check: types.FunctionType, tmp_path: Path
) -> None:
    files = bundled_scripts()
    assert check(*files).stdout == f"{len(files)} file{'s' if len(files) != 1 else ''} OK\n"
    broken = write(tmp_path / "broken.toml", "[script]\n")
    result = check(broken)
    assert result.status == 1
    assert result.lines and result.lines[0].startswith(f"{broken}")
