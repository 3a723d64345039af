"""One measurement in a fresh process, for benchmarks/audio.py. Prints one JSON line.

    _audio_child.py MODE FILE SECONDS [DATA_DIR]

Modes, each playing FILE through SDL (whatever driver SDL_AUDIODRIVER names):
  pygame   the floor: pygame's own streaming (``mixer.music``), nothing else
  window   the UI floor: a bare PySide6 window, shown and idle, no audio
  engine   mtcalm's Player on the pygame output, no window
  app      the mtcalm window with a session playing FILE, the UI idle
  latency-pygame, latency-engine, latency-engine-untagged
           time from the play call to the first non-zero sample SDL's disk driver writes

For CPU and memory modes: after 2 s of playing, the process's CPU time is read over SECONDS
of wall time; then it seeks to 50 minutes in (when the file is that long) and plays on for
5 s, and reports its peak resident memory.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

WARM_UP_SECONDS = 2.0
LATE_SEEK_SECONDS = 50 * 60.0
AFTER_SEEK_SECONDS = 5.0


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_share(wall_seconds: float, idle: Any) -> float:
    """Share of one core used while ``idle(seconds)`` lets the process get on with playing."""
    idle(WARM_UP_SECONDS)
    cpu, wall = time.process_time(), time.monotonic()
    idle(wall_seconds)
    return (time.process_time() - cpu) / (time.monotonic() - wall)


def sleep(seconds: float) -> None:
    time.sleep(seconds)


def run_pygame(file: Path, seconds: float) -> dict[str, float]:
    import pygame

    pygame.mixer.init(frequency=44100, size=-16, channels=2, buffer=512)
    pygame.mixer.music.load(str(file))
    pygame.mixer.music.play()
    share = cpu_share(seconds, sleep)
    pygame.mixer.music.set_pos(LATE_SEEK_SECONDS)
    time.sleep(AFTER_SEEK_SECONDS)
    pygame.mixer.quit()
    return {"cpu": share, "peak_rss_mb": peak_rss_mb()}


def run_engine(file: Path, seconds: float) -> dict[str, float]:
    from mtcalm.audio.player import Player
    from mtcalm.audio.pygame_backend import PygameOutput

    player = Player(PygameOutput.open(), volume=0.7)
    player.play([file], fade_in=3.0)
    share = cpu_share(seconds, sleep)
    player.seek(LATE_SEEK_SECONDS)
    time.sleep(AFTER_SEEK_SECONDS)
    status = player.status()
    player.close()
    return {"cpu": share, "peak_rss_mb": peak_rss_mb(), "position": status.position}


def qt_idle(app: Any) -> Any:
    from PySide6.QtCore import QEventLoop, QTimer

    def idle(seconds: float) -> None:
        loop = QEventLoop()
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()

    return idle


def run_window(file: Path, seconds: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(960, 720)
    window.show()
    share = cpu_share(seconds, qt_idle(app))
    window.close()
    return {"cpu": share, "peak_rss_mb": peak_rss_mb()}


def run_app(file: Path, seconds: float, data_dir: Path) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication

    from mtcalm.audio.events import PlayerError, PlayerState
    from mtcalm.audio.player import Player
    from mtcalm.audio.pygame_backend import PygameOutput
    from mtcalm.playlists import load_playlist
    from mtcalm.ui.main_window import MainWindow
    from mtcalm.ui.theme import apply_theme
    from mtcalm.workspace import Workspace

    app = QApplication([])
    apply_theme(app)

    def open_audio(volume: float) -> tuple[Player, PlayerError | None]:
        return Player(PygameOutput.open(), volume=volume), None

    listing = data_dir.parent / "benchmark.toml"
    listing.write_text(
        'format = 1\n[playlist]\ntitle = "Benchmark"\npurpose = "An hour of sound."\n'
        f'[[track]]\nfile = "{file}"\ntitle = "Hour"\n',
        encoding="utf-8",
    )
    playlist = load_playlist(listing)
    window = MainWindow(Workspace.open(data_dir), [playlist], open_audio)
    window.resize(960, 720)
    window.show()
    idle = qt_idle(app)
    idle(0.5)
    window.home.cards[0].begin_button.click()
    idle(0.2)
    window.screens.checkin_before.skip_all.click()
    for _ in range(50):  # the first sound is heard within a fraction of a second
        idle(0.1)
        if window.screens.ensure_audio().player.status().state is PlayerState.PLAYING:
            break
    else:
        raise RuntimeError("the session did not start playing")
    share = cpu_share(seconds, idle)
    audio = window.screens.ensure_audio()
    audio.player.seek(LATE_SEEK_SECONDS)
    idle(AFTER_SEEK_SECONDS)
    position = audio.player.status().position
    window.close()
    return {"cpu": share, "peak_rss_mb": peak_rss_mb(), "position": position}


def recorded_frames(recording: Path) -> int:
    return recording.stat().st_size // 4 if recording.exists() else 0


def first_sound_after(recording: Path, frame: int) -> int | None:
    import numpy as np

    samples = np.fromfile(recording, dtype=np.int16).reshape(-1, 2)[frame:]
    loud = np.flatnonzero(np.any(samples != 0, axis=1))
    return int(loud[0]) if len(loud) else None


def run_latency(mode: str, file: Path, recording: Path) -> dict[str, float | None]:
    """Play ``file`` on SDL's disk driver (real time) and find its first sample."""
    if mode == "latency-pygame":
        import pygame

        pygame.mixer.init(frequency=44100, size=-16, channels=2, buffer=512)
        pygame.mixer.music.load(str(file))
        time.sleep(0.5)  # the mixer runs, writing silence
        frame = recorded_frames(recording)
        pygame.mixer.music.play()
        time.sleep(0.6)
        pygame.mixer.quit()
    else:
        from mtcalm.audio.player import Player
        from mtcalm.audio.pygame_backend import PygameOutput

        player = Player(PygameOutput.open(), volume=1.0)
        time.sleep(0.5)
        frame = recorded_frames(recording)
        player.play([file], fade_in=0.0)
        time.sleep(0.6)
        player.close()
    found = first_sound_after(recording, frame)
    return {"latency_ms": None if found is None else found / 44.1}


def main() -> int:
    mode, file = sys.argv[1], Path(sys.argv[2])
    seconds = float(sys.argv[3])
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    result: dict[str, Any]
    if mode == "pygame":
        result = run_pygame(file, seconds)
    elif mode == "engine":
        result = run_engine(file, seconds)
    elif mode == "window":
        result = run_window(file, seconds)
    elif mode == "app":
        result = run_app(file, seconds, Path(sys.argv[4]))
    elif mode.startswith("latency-"):
        result = run_latency(mode, file, Path(os.environ["SDL_DISKAUDIOFILE"]))
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    print(json.dumps({"mode": mode, **result}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
