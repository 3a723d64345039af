"""``mtcalm play``: the real command in a subprocess, its sound recorded by SDL's disk driver.

The recording is raw PCM at 44100 Hz, signed 16-bit, stereo interleaved, written in real time
(the player's fades follow the wall clock), with silence while the device is open. Lengths
are measured in recorded samples, never in wall-clock time.
"""

from __future__ import annotations

import argparse
import array
import math
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence
from itertools import pairwise
from pathlib import Path

import pytest

from mtcalm.audio.events import PlayerError
from mtcalm.audio.mixer import MAX_CROSSFADE_SECONDS
from mtcalm.cli import build_parser
from mtcalm.commands.play import (
    DEFAULT_CROSSFADE_SECONDS,
    DEFAULT_FADE_IN_SECONDS,
    DEFAULT_FADE_OUT_SECONDS,
    DEFAULT_VOLUME,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    failure_reason,
)
from mtcalm.commands.play import MAX_CROSSFADE_SECONDS as COMMAND_MAX_CROSSFADE
from mtcalm.datadir import DATA_DIR_VARIABLE

ToneMaker = Callable[..., Path]

SAMPLE_RATE = 44100
WINDOW = int(0.05 * SAMPLE_RATE)  # 50 ms: the level a listener follows
DROPOUT = int(0.01 * SAMPLE_RATE)  # a silent run this long inside the sound is not the music
NEAR_SILENCE = 0.1  # of the loudest window
LENGTH_TOLERANCE = 0.1  # seconds of recording: the quietest edges of a fade round to zero
SHORT_FADES = ("--fade-in", "0.3", "--fade-out", "0.3")
SDL_DISK_NOTICE = "CRITICAL:"  # SDL's disk driver announces itself on stderr


class Played:
    """A finished run of ``mtcalm play``: its exit status, output and the recorded sound."""

    def __init__(self, result: subprocess.CompletedProcess[str], recording: Path) -> None:
        self.returncode = result.returncode
        self.stdout = result.stdout
        self.stderr = result.stderr
        self._recording = recording

    def messages(self) -> list[str]:
        """mtcalm's own lines on stderr (SDL's disk-driver notice left out)."""
        return [line for line in self.stderr.splitlines() if not line.startswith(SDL_DISK_NOTICE)]

    def left(self) -> array.array[int]:
        """The left channel of everything recorded (the tones are the same on both)."""
        samples = array.array("h")
        data = self._recording.read_bytes() if self._recording.exists() else b""
        samples.frombytes(data[: len(data) // 4 * 4])
        return samples[0::2]


def child_environment(driver: str, recording: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    environment.pop("SDL_DISKAUDIODELAY", None)  # real time: the fades follow the wall clock
    environment.update(
        SDL_AUDIODRIVER=driver,
        SDL_DISKAUDIOFILE=str(recording),
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    return environment


def command(tmp_path: Path, arguments: Sequence[str | Path]) -> list[str]:
    data_dir = tmp_path / "data"
    return [sys.executable, "-m", "mtcalm", "--data-dir", str(data_dir), "play"] + [
        str(argument) for argument in arguments
    ]


def play(tmp_path: Path, *arguments: str | Path, driver: str = "disk") -> Played:
    """Run ``mtcalm play`` to its end; ``driver`` "disk" records what was played."""
    recording = tmp_path / "out.raw"
    result = subprocess.run(
        command(tmp_path, arguments),
        capture_output=True,
        text=True,
        timeout=60,
        env=child_environment(driver, recording),
    )
    assert "Traceback" not in result.stderr, result.stderr
    return Played(result, recording)


# -- reading the recording ----------------------------------------------------------------------


def rms(samples: Sequence[int]) -> float:
    return math.sqrt(sum(value * value for value in samples) / len(samples)) if samples else 0.0


def sound_span(samples: Sequence[int]) -> tuple[int, int]:
    """The first and one past the last sample that is not silence."""
    first = next(index for index, value in enumerate(samples) if value)
    last = next(index for index in range(len(samples) - 1, -1, -1) if samples[index])
    return first, last + 1


def window_levels(samples: Sequence[int]) -> list[float]:
    """RMS of consecutive 50 ms windows of the sound, as shares of the loudest window."""
    start, stop = sound_span(samples)
    levels = [rms(samples[begin : begin + WINDOW]) for begin in range(start, stop, WINDOW)]
    loudest = max(levels)
    return [level / loudest for level in levels]


def sounding_seconds(samples: Sequence[int]) -> float:
    """How long the sound lasted, leaving out any dropout (a silent run of 10 ms or more)."""
    start, stop = sound_span(samples)
    silent = run = 0
    for value in samples[start:stop]:
        run = run + 1 if value == 0 else 0
        if run == DROPOUT:
            silent += DROPOUT
        elif run > DROPOUT:
            silent += 1
    return (stop - start - silent) / SAMPLE_RATE


def frequency(samples: Sequence[int]) -> float:
    """The pitch of a steady tone, from how often it crosses zero."""
    signs = [value >= 0 for value in samples]
    crossings = sum(1 for before, after in pairwise(signs) if before != after)
    return crossings / 2 / (len(samples) / SAMPLE_RATE)


def describe(shares: Sequence[float]) -> str:
    return " ".join(f"{share:.2f}" for share in shares)


def assert_fades_out(left: Sequence[int]) -> None:
    levels = window_levels(left)
    print(f"50 ms windows: {describe(levels)}")
    assert levels[-1] < NEAR_SILENCE, f"ends near silence: {describe(levels)}"
    tail = levels[-6:]  # the last 300 ms: a fade passes through the levels between, a cut not
    assert any(NEAR_SILENCE < level < 0.9 for level in tail), f"a fade: {describe(tail)}"


def assert_fades_in_and_out(left: Sequence[int]) -> None:
    levels = window_levels(left)
    assert levels[0] < NEAR_SILENCE, f"starts near silence: {describe(levels)}"
    assert_fades_out(left)


# -- what is heard ------------------------------------------------------------------------------


@pytest.mark.slow
def test_files_play_in_order_with_a_fade_in_and_a_fade_out(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    first = make_tone("first.wav", 1.0, frequency=440.0)
    second = make_tone("second.wav", 1.0, frequency=660.0)
    played = play(tmp_path, first, second, *SHORT_FADES)

    assert played.returncode == 0, played.stderr
    assert played.messages() == []
    assert played.stdout.splitlines() == ["Playing 1: first.wav", "Playing 2: second.wav"]
    left = played.left()
    assert any(left), "sound was written"
    assert_fades_in_and_out(left)
    seconds = sounding_seconds(left)
    print(f"sounded for {seconds:.3f} s")
    assert seconds == pytest.approx(2.0, abs=LENGTH_TOLERANCE), "joined without a gap"
    start, stop = sound_span(left)
    opening = frequency(left[start + int(0.3 * SAMPLE_RATE) : start + int(0.6 * SAMPLE_RATE)])
    closing = frequency(left[stop - int(0.6 * SAMPLE_RATE) : stop - int(0.3 * SAMPLE_RATE)])
    assert opening == pytest.approx(440.0, rel=0.02), "the first file is heard first"
    assert closing == pytest.approx(660.0, rel=0.02), "the second file is heard last"


@pytest.mark.slow
def test_a_crossfade_shortens_the_programme_by_the_overlap(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    first = make_tone("first.wav", 1.0, frequency=440.0)
    second = make_tone("second.wav", 1.0, frequency=660.0)
    played = play(tmp_path, first, second, *SHORT_FADES, "--crossfade", "0.5")

    assert played.returncode == 0, played.stderr
    left = played.left()
    assert_fades_in_and_out(left)
    seconds = sounding_seconds(left)
    print(f"sounded for {seconds:.3f} s")
    assert seconds == pytest.approx(2.0 - 0.5, abs=LENGTH_TOLERANCE)


@pytest.mark.slow
def test_seconds_ends_playback_early_with_a_fade(tmp_path: Path, make_tone: ToneMaker) -> None:
    tone = make_tone("long.wav", 1.4)
    played = play(tmp_path, tone, *SHORT_FADES, "--seconds", "0.8")

    assert played.returncode == 0, played.stderr
    assert played.messages() == []
    left = played.left()
    assert_fades_in_and_out(left)
    seconds = sounding_seconds(left)
    print(f"sounded for {seconds:.3f} s")
    assert seconds == pytest.approx(0.8, abs=LENGTH_TOLERANCE)


@pytest.mark.slow
def test_seconds_longer_than_the_files_plays_them_round_again(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    tone = make_tone("short.wav", 0.6)
    played = play(tmp_path, tone, *SHORT_FADES, "--seconds", "1.4")

    assert played.returncode == 0, played.stderr
    assert played.stdout.splitlines()[:2] == ["Playing 1: short.wav"] * 2
    left = played.left()
    assert_fades_in_and_out(left)
    assert sounding_seconds(left) == pytest.approx(1.4, abs=LENGTH_TOLERANCE)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("number", "status", "said"),
    [
        (signal.SIGINT, EXIT_INTERRUPTED, "interrupted"),
        (signal.SIGTERM, EXIT_TERMINATED, "terminated"),  # `timeout`, a logout
    ],
)
def test_ctrl_c_or_sigterm_fades_out_quickly_and_exits(
    tmp_path: Path, make_tone: ToneMaker, number: int, status: int, said: str
) -> None:
    first = make_tone("first.wav", 1.4, frequency=440.0)
    second = make_tone("second.wav", 1.4, frequency=660.0)
    recording = tmp_path / "out.raw"
    # --fade-out 0: the programme's own end would be a cut, so a fade at the end is Ctrl-C's.
    arguments: list[str | Path] = [first, second, "--fade-in", "0.1", "--fade-out", "0"]
    process = subprocess.Popen(
        command(tmp_path, arguments),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_environment("disk", recording),
        # A test run started in the background inherits SIGINT ignored; a terminal's is not.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()  # the first file is being heard
        process.send_signal(number)
        rest, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    played = Played(subprocess.CompletedProcess([], process.returncode, "", stderr), recording)

    assert "Traceback" not in stderr, stderr
    assert first_line == "Playing 1: first.wav\n"
    assert process.returncode == status, stderr
    assert played.messages() == [f"mtcalm: {said}"]
    assert "Playing 2" not in rest, "stopped within the first file"
    assert_fades_out(played.left())


# -- files it cannot play -------------------------------------------------------------------------


QUICK = ("--fade-in", "0.05", "--fade-out", "0.05")


def cannot_play_line(line: str, path: Path) -> str:
    """The reason given in ``mtcalm: cannot play PATH: reason``."""
    prefix = f"mtcalm: cannot play {path}: "
    assert line.startswith(prefix), line
    reason = line.removeprefix(prefix)
    assert len(reason) > 3, f"a reason is given: {line}"
    return reason


def test_a_missing_file_among_good_ones_is_named_and_skipped(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    first = make_tone("first.wav", 0.3)
    last = make_tone("last.wav", 0.3)
    missing = tmp_path / "gone.wav"
    played = play(tmp_path, first, missing, last, *QUICK, driver="dummy")

    assert played.returncode == 0, played.stderr
    [line] = played.messages()
    assert cannot_play_line(line, missing) == "it does not exist or is not a file"
    assert played.stdout.splitlines() == ["Playing 1: first.wav", "Playing 3: last.wav"]


def test_a_text_file_named_ogg_is_refused_with_a_reason(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    tone = make_tone("tone.wav", 0.3)
    impostor = tmp_path / "notes.ogg"
    impostor.write_text("Breathe in for four, out for six.\n", encoding="utf-8")
    played = play(tmp_path, impostor, tone, *QUICK, driver="dummy")

    assert played.returncode == 0, played.stderr
    [line] = played.messages()
    print(line)
    cannot_play_line(line, impostor)
    assert played.stdout.splitlines() == ["Playing 2: tone.wav"]


def test_only_bad_files_fail_with_one_line_each_and_a_summary(tmp_path: Path) -> None:
    missing = tmp_path / "gone.wav"
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    impostor = tmp_path / "notes.ogg"
    impostor.write_text("not audio\n", encoding="utf-8")
    folder = tmp_path / "folder.flac"
    folder.mkdir()
    played = play(tmp_path, missing, empty, impostor, folder, *QUICK, driver="dummy")

    assert played.returncode == 1
    assert played.stdout == ""
    lines = played.messages()
    assert len(lines) == 5, played.stderr
    for line, path in zip(lines, [missing, empty, impostor, folder], strict=False):
        cannot_play_line(line, path)
    assert lines[-1] == "mtcalm: nothing could be played (4 of 4 files failed)"


def test_an_ambience_it_cannot_play_is_named_and_the_music_plays(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    tone = make_tone("tone.wav", 0.3)
    missing = tmp_path / "rain.ogg"
    played = play(tmp_path, tone, "--ambience", missing, *QUICK, driver="dummy")

    assert played.returncode == 0, played.stderr
    [line] = played.messages()
    cannot_play_line(line, missing)


def test_no_sound_device_fails_with_one_clear_line(tmp_path: Path, make_tone: ToneMaker) -> None:
    tone = make_tone("tone.wav", 0.3)
    played = play(tmp_path, tone, *QUICK, driver="no-such-driver")

    assert played.returncode == 1
    assert played.stdout == ""
    [line] = played.stderr.splitlines()
    print(line)
    assert line.startswith("mtcalm: no sound device was found: ")
    assert "no-such-driver" in line, "SDL's own reason is kept"


def test_the_data_folder_is_created_private(tmp_path: Path, make_tone: ToneMaker) -> None:
    tone = make_tone("tone.wav", 0.2)
    played = play(tmp_path, tone, *QUICK, driver="dummy")

    assert played.returncode == 0, played.stderr
    data_dir = tmp_path / "data"
    assert data_dir.is_dir()
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert list(data_dir.iterdir()) == [], "play writes nothing there"


# -- usage --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arguments",
    [
        [],
        ["tone.wav", "--seconds", "-1"],
        ["tone.wav", "--crossfade", "13"],
        ["tone.wav", "--volume", "loud"],
        ["tone.wav", "--frobnicate"],
    ],
)
def test_usage_errors_exit_2_with_a_message(tmp_path: Path, arguments: list[str]) -> None:
    played = play(tmp_path, *arguments, driver="dummy")

    assert played.returncode == 2
    assert played.stdout == ""
    assert played.stderr.startswith("usage: mtcalm"), played.stderr
    assert "error: " in played.stderr.splitlines()[-1]


def parse(*arguments: str) -> argparse.Namespace:
    return build_parser().parse_args(["play", *arguments])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "the following arguments are required: FILE"),
        (["a.wav", "--fade-in", "-1"], "argument --fade-in: seconds cannot be negative"),
        (["a.wav", "--fade-out", "soon"], "argument --fade-out: 'soon' is not a number"),
        (["a.wav", "--fade-out", "nan"], "'nan' is not a finite number"),
        (["a.wav", "--seconds", "0"], "argument --seconds: must be more than 0 seconds"),
        (["a.wav", "--seconds", "-5"], "argument --seconds: seconds cannot be negative"),
        (["a.wav", "--seconds", "1e308"], "argument --seconds: must be at most 86400 seconds"),
        (["a.wav", "--fade-in", "86401"], "argument --fade-in: must be at most 86400 seconds"),
        (["a.wav", "--seconds", "inf"], "'inf' is not a finite number"),
        (["a.wav", "--crossfade", "12.5"], "argument --crossfade: must be from 0 to 12"),
        (["a.wav", "--crossfade", "-0.1"], "argument --crossfade: must be from 0 to 12"),
        (["a.wav", "--volume", "1.01"], "argument --volume: must be from 0 to 1"),
        (["a.wav", "--volume", "-0.5"], "argument --volume: must be from 0 to 1"),
    ],
)
def test_arguments_are_checked(
    arguments: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse(*arguments)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_defaults_and_limits() -> None:
    arguments = parse("a.wav", "b.ogg")
    assert arguments.files == [Path("a.wav"), Path("b.ogg")]
    assert arguments.fade_in == DEFAULT_FADE_IN_SECONDS == 3.0
    assert arguments.fade_out == DEFAULT_FADE_OUT_SECONDS == 4.0
    assert arguments.crossfade == DEFAULT_CROSSFADE_SECONDS == 0.0
    assert arguments.volume == DEFAULT_VOLUME == 0.7
    assert arguments.seconds is None
    assert arguments.ambience is None
    assert COMMAND_MAX_CROSSFADE == MAX_CROSSFADE_SECONDS, "the engine's own limit"
    edges = parse("a.wav", "--crossfade", "12", "--volume", "0", "--fade-in", "0")
    assert (edges.crossfade, edges.volume, edges.fade_in) == (12.0, 0.0, 0.0)


def test_help_shows_the_defaults_and_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse("--help")
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default: 3,", "(default: 4,", "(default: 0)", "(default: 0.7,"):
        assert shown in text
    assert "130 interrupted" in text


def test_failure_reasons_do_not_repeat_the_path() -> None:
    path = Path("/music/a b.ogg")
    cases = {
        f"{path} does not exist or is not a file.": "it does not exist or is not a file",
        f"{path} is empty.": "it is empty",
        f"{path}: Permission denied": "Permission denied",
        f"{path} could not be played: Error opening '{path}': Format not recognised.": (
            "Format not recognised"
        ),
        f"{path} could not be played: it says 0 channels at 5 Hz": "it says 0 channels at 5 Hz",
        "Something else entirely.": "Something else entirely",
    }
    for long, reason in cases.items():
        assert failure_reason(path, PlayerError("Short", long)) == reason
