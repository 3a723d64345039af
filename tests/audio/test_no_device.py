"""No sound card: plain words for the person, SDL's own words kept as the detail, and no
``ALSA lib ...`` lines in the terminal.

Each case opens the real backend in a fresh process (SDL reads its driver once per process),
with the ALSA driver named so that ALSA is probed even where another driver would come first.
On a machine that has a sound card the device opens, and these tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from mtcalm.audio.backends import open_player
from mtcalm.audio.events import PlayerError

OPEN_BACKEND = textwrap.dedent(
    """
    import ctypes, json, sys
    from mtcalm.audio.events import OutputFailure
    from mtcalm.audio.pygame_backend import PygameOutput
    try:
        PygameOutput.open().close()
        result = None
    except OutputFailure as failure:
        result = [failure.error.short, failure.error.long, failure.error.detail]
    sys.stderr.write("--- opened ---\\n")
    sys.stderr.flush()
    if "--after" in sys.argv:  # an ALSA error after the device was probed still shows
        try:
            alsa = ctypes.CDLL("libasound.so.2")
            pcm = ctypes.c_void_p()
            alsa.snd_pcm_open(ctypes.byref(pcm), b"no-such-pcm", 0, 0)
        except OSError:
            pass
    print(json.dumps(result))
    """
)

PLAIN_PYGAME = "import pygame\ntry:\n    pygame.mixer.init()\nexcept pygame.error:\n    pass\n"


def run(
    code: str, *arguments: str, driver: str | None = "alsa"
) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("SDL_DISKAUDIO")
    }
    environment.pop("SDL_AUDIODRIVER", None)
    if driver is not None:
        environment["SDL_AUDIODRIVER"] = driver
    environment["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    return subprocess.run(
        [sys.executable, "-c", code, *arguments],
        capture_output=True,
        text=True,
        timeout=60,  # only a hang comes near this
        env=environment,
    )


def alsa_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("ALSA lib")]


def failure_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    failure = json.loads(result.stdout.splitlines()[-1])
    if failure is None:
        pytest.skip("this machine has a sound device")
    return list(failure)


@pytest.mark.parametrize("driver", ["alsa", None], ids=["alsa", "sdl-default"])
def test_no_sound_card_gives_plain_words_and_keeps_alsa_out_of_the_terminal(
    driver: str | None,
) -> None:
    result = run(OPEN_BACKEND, driver=driver)
    short, long, detail = failure_of(result)
    print(f"short: {short!r}\nlong: {long!r}\ndetail: {detail!r}\nstderr: {result.stderr!r}")

    assert alsa_lines(result.stderr) == [], "ALSA's own lines stay out of the terminal"
    assert short == "No sound device was found"
    assert long.startswith("Sessions play silently.")
    for text in (short, long):
        assert "alsa" not in text.lower() and "sdl" not in text.lower(), text
    assert detail, "SDL's own reason is kept for a Details view"
    if driver == "alsa":
        assert "alsa" in detail.lower(), detail


def test_alsa_errors_after_the_device_was_probed_still_reach_stderr() -> None:
    control = run(PLAIN_PYGAME)
    if not alsa_lines(control.stderr):
        pytest.skip("ALSA's library is not installed here, so it prints nothing to hide")
    result = run(OPEN_BACKEND, "--after")
    failure_of(result)
    before, _, after = result.stderr.partition("--- opened ---")

    assert alsa_lines(before) == [], "quiet while the device is looked for"
    assert alsa_lines(after), "ALSA's own reporting is back afterwards"


def test_the_fallback_player_carries_the_notice_with_its_detail(
    sdl_audio: pytest.MonkeyPatch,
) -> None:
    sdl_audio.setenv("SDL_AUDIODRIVER", "no-such-sound-driver")
    player, problem = open_player(volume=0.6)
    player.close()

    assert isinstance(problem, PlayerError)
    assert problem.short == "No sound device was found"
    assert "silently" in problem.long
    assert "no-such-sound-driver" in problem.detail
    assert "no-such-sound-driver" not in problem.short + problem.long
