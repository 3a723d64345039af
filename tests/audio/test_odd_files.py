"""Odd but real files always end: at their real end, at the timer, or with a reported error.

The corpus in ``odd_files/`` (made by its ``make_odd_files.py``) holds digital silence in
every container, MP3s whose Xing headers promise more frames than they hold, MP3s with ID3
tags before and after the audio, Opus, an Ogg whose comment spans pages, a FLAC that does not
know its length, a WAV cut short and a 20 ms sound.

Each plays through the real output on SDL's disk driver with no delay (SDL_DISKAUDIODELAY=0):
the device then drains its queue two hundred times faster than real time, which is what made
the old output's hand-over race (a block left queued on an idle channel) show in most runs.
Runs are repeated for that reason. Limits are generous and only there to catch a hang; what
is checked is counted in frames, never in wall-clock time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from mtcalm.audio.decoder import SAMPLE_RATE, TrackDecoder
from mtcalm.audio.events import EndReason, PlaybackEnded, TrackStarted
from mtcalm.audio.pygame_backend import PygameOutput
from mtcalm.datadir import DATA_DIR_VARIABLE
from tests.audio.recording import Tap

if TYPE_CHECKING:
    from tests.audio.conftest import Listen, PlayerMaker

CORPUS = Path(__file__).parent / "odd_files"
FILES = sorted(path for path in CORPUS.iterdir() if path.suffix != ".py")
REPEATS = 3
FADE = 0.1  # seconds, in and out, as `mtcalm play FILE --seconds 1 --fade-in 0.1 --fade-out 0.1`
TIMER = 1.0
HANG_SECONDS = 60  # only a hang comes near this: each run takes about a second


def real_frames(path: Path) -> int:
    """The frames the file really holds, at the mixer's rate, decoded to its end."""
    decoder = TrackDecoder(path)
    total = 0
    try:
        while len(piece := decoder.read(SAMPLE_RATE)):
            total += len(piece)
    finally:
        decoder.close()
    return total


def test_the_corpus_is_small_and_covers_the_odd_kinds() -> None:
    names = {path.name for path in FILES}
    assert len(FILES) >= 12
    assert sum(path.stat().st_size for path in FILES) < 1024 * 1024
    assert {"xing-cut-short.mp3", "xing-says-longer.mp3", "multipage-comment.ogg"} <= names
    for suffix in (".flac", ".wav", ".aiff", ".mp3", ".opus"):
        assert any(name.startswith("silence") and name.endswith(suffix) for name in names)


def test_the_lying_mp3_headers_really_promise_more_than_they_hold() -> None:
    for name in ("xing-cut-short.mp3", "xing-says-longer.mp3"):
        path = CORPUS / name
        decoder = TrackDecoder(path)
        declared = decoder.frames
        decoder.close()
        real = real_frames(path)
        print(f"{name}: declared {declared} frames, decoded {real}")
        assert real < declared - SAMPLE_RATE // 10, "the header claims a tenth of a second more"


@pytest.fixture
def fast_disk(sdl_audio: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """SDL's disk driver at full speed: the queue drains as fast as the disk takes it."""
    file = tmp_path / "out.raw"
    sdl_audio.setenv("SDL_AUDIODRIVER", "disk")
    sdl_audio.setenv("SDL_DISKAUDIOFILE", str(file))
    sdl_audio.setenv("SDL_DISKAUDIODELAY", "0")
    return file


@pytest.mark.parametrize("timer", [TIMER, None], ids=["timer", "once"])
@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_each_odd_file_ends_through_the_player(
    path: Path, timer: float | None, fast_disk: Path, players: PlayerMaker, listen: Listen
) -> None:
    real = real_frames(path)
    for _ in range(REPEATS):
        tap = Tap(PygameOutput.open())
        player = players(tap, volume=1.0)  # the app's own level measurement, silence and all
        listener = listen(player)
        player.play([path], fade_in=FADE, fade_out=FADE, timer=timer)
        ended = listener.wait_for_end()
        heard = len(tap.heard())
        player.close()

        assert TrackStarted(0, path) in listener.events, "it was played, not refused"
        if timer is not None:
            assert ended == PlaybackEnded(EndReason.TIMER)
            assert heard == round(timer * SAMPLE_RATE), "it ends exactly at the timer"
        else:
            assert ended.completed, ended
            assert heard <= real, f"it ends at its real end ({real} frames), not after: {heard}"


@pytest.mark.parametrize("name", ["xing-cut-short.mp3", "xing-says-longer.mp3"])
def test_a_lying_mp3_fades_out_to_its_real_end_without_an_error(
    name: str, fast_disk: Path, players: PlayerMaker, listen: Listen
) -> None:
    path = CORPUS / name
    real = real_frames(path)
    tap = Tap(PygameOutput.open())
    player = players(tap, volume=1.0)
    listener = listen(player)
    player.play([path], fade_in=FADE, fade_out=1.0)
    assert listener.wait_for_end() == PlaybackEnded(EndReason.COMPLETED)
    heard = tap.heard()[:, 0]

    assert listener.failed() == [], "its real end is its end, not damage"
    assert len(heard) == real, "the programme ends with its last real frame"
    assert abs(heard[-1]) < 1e-3, "the fade-out reached silence at the real end, not before it"
    assert abs(heard[-SAMPLE_RATE // 2 :]).max() > 1e-3, "and was still fading half a second before"


def command_environment(recording: Path, data: Path) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != DATA_DIR_VARIABLE}
    environment.update(
        SDL_AUDIODRIVER="disk",
        SDL_DISKAUDIOFILE=str(recording),
        SDL_DISKAUDIODELAY="0",
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    return environment


def run_play(tmp_path: Path, path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    data = tmp_path / "data"
    arguments = [sys.executable, "-m", "mtcalm", "--data-dir", str(data), "play", str(path)]
    try:
        return subprocess.run(
            [*arguments, *options],
            capture_output=True,
            text=True,
            timeout=HANG_SECONDS,
            env=command_environment(tmp_path / "out.raw", data),
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`mtcalm play {path.name} {' '.join(options)}` never ended")


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_mtcalm_play_of_each_odd_file_ends(tmp_path: Path, path: Path) -> None:
    options = ("--seconds", f"{TIMER:g}", "--fade-in", f"{FADE:g}", "--fade-out", f"{FADE:g}")
    # The kinds the issue saw hang only some of the time are run again (the Player test above
    # repeats every file); the others once, to keep the suite short.
    racy = path.name.startswith(("silence", "xing"))
    for _ in range(REPEATS if racy else 1):
        played = run_play(tmp_path, path, *options)
        assert "Traceback" not in played.stderr, played.stderr
        assert played.returncode == 0, played.stderr
        assert played.stdout.startswith("Playing 1: "), played.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["xing-cut-short.mp3", "xing-says-longer.mp3"])
def test_mtcalm_play_of_a_lying_mp3_without_a_timer_ends_at_its_real_end(
    tmp_path: Path, name: str
) -> None:
    path = CORPUS / name
    for _ in range(REPEATS):
        played = run_play(tmp_path, path, "--fade-in", "0.1", "--fade-out", "0.5")
        assert "Traceback" not in played.stderr, played.stderr
        assert played.returncode == 0, played.stderr
        assert "mtcalm: " not in played.stderr, "no error: its real end is its end"
