"""Audio benchmark: CPU, latency and memory of mtcalm's engine beside bare pygame playback.

Every figure comes from a fresh process (``benchmarks/_audio_child.py``) and is set beside its
floor measured in the same run:

- CPU share of one core while a session plays with the UI idle: the mtcalm window with a
  session playing, beside a bare PySide6 window plus bare pygame playback of the same file
  (the two floors added up), and the engine alone beside bare pygame alone. SDL's dummy driver
  plays in real time without a sound card.
- Latency from the play call to the first sample in SDL's output (disk driver, real time):
  mtcalm's Player (a ReplayGain-tagged file, and an untagged one measured on the spot) beside
  ``pygame.mixer.music.play()``. Add a sound card's own buffer on real hardware.
- Peak resident memory of the whole process while playing an hour-long file (including a seek
  to 50 minutes in): engine, app and bare pygame.

    .venv/bin/python benchmarks/audio.py [--seconds 20] [--latency-runs 9] [--json]

Goals from the issue: CPU ≤ 3% of one core, latency ≤ 50 ms, peak memory well under 250 MB.
This is a benchmark, never a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_audio_child.py"
RESULTS = HERE / "results"
HOUR_FILE = RESULTS / "hour.ogg"
HOUR_SECONDS = 3600
CHILD_TIMEOUT_SECONDS = 600


def make_hour_file(path: Path) -> None:
    """An hour of soft chords with a little noise, OGG Vorbis, ReplayGain-tagged (once)."""
    import numpy as np
    import soundfile
    from mutagen.oggvorbis import OggVorbis

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.ogg")
    rng = np.random.default_rng(60)
    rate, step = 44100, 10
    with soundfile.SoundFile(partial, "w", rate, 2, format="OGG", subtype="VORBIS") as out:
        for start in range(0, HOUR_SECONDS, step):
            t = np.arange(step * rate) / rate + start
            chord = sum(0.08 * np.sin(2 * np.pi * f * t) for f in (196.0, 246.9, 293.7))
            left = chord + 0.01 * rng.standard_normal(len(t))
            right = chord + 0.01 * rng.standard_normal(len(t))
            out.write(np.stack([left, right], axis=1).astype(np.float32))
    tags = OggVorbis(partial)  # type: ignore[no-untyped-call]
    tags["title"] = "An hour"
    tags["replaygain_track_gain"] = "-2.00 dB"
    tags["replaygain_track_peak"] = "0.30"
    tags.save()
    partial.replace(path)


def untagged_copy(path: Path, folder: Path) -> Path:
    """A short untagged file, so the engine has to measure its level before it starts."""
    import numpy as np
    import soundfile

    copy = folder / "untagged.ogg"
    t = np.arange(5 * 44100) / 44100
    tone = 0.3 * np.sin(2 * np.pi * 330 * t)
    soundfile.write(copy, np.stack([tone, tone], axis=1).astype(np.float32), 44100)
    return copy


def child(mode: str, file: Path, seconds: float, env: dict[str, str], *extra: str) -> Any:
    completed = subprocess.run(
        [sys.executable, str(CHILD), mode, str(file), str(seconds), *extra],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    lines = [line for line in completed.stdout.splitlines() if line.startswith("{")]
    if completed.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} failed:\n{completed.stdout}\n{completed.stderr}")
    return json.loads(lines[-1])


def base_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    env["PYTHONPATH"] = str(HERE.parent)
    return env


def measure_cpu_and_memory(seconds: float) -> dict[str, Any]:
    env = base_env() | {"SDL_AUDIODRIVER": "dummy"}
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for mode in ("pygame", "engine", "window", "app"):
            extra = (str(Path(folder) / "data"),) if mode == "app" else ()
            results[mode] = child(mode, HOUR_FILE, seconds, env, *extra)
            print(
                f"  {mode:8} cpu {100 * results[mode]['cpu']:5.2f}% of one core, "
                f"peak memory {results[mode]['peak_rss_mb']:6.1f} MB",
                flush=True,
            )
    return results


def measure_latency(runs: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        untagged = untagged_copy(HOUR_FILE, Path(folder))
        variants = {
            "latency-pygame": HOUR_FILE,
            "latency-engine": HOUR_FILE,
            "latency-engine-untagged": untagged,
        }
        samples: dict[str, list[float]] = {mode: [] for mode in variants}
        for run in range(runs):
            for mode, file in variants.items():
                recording = Path(folder) / f"{mode}-{run}.raw"
                env = base_env() | {
                    "SDL_AUDIODRIVER": "disk",
                    "SDL_DISKAUDIOFILE": str(recording),
                }
                env.pop("SDL_DISKAUDIODELAY", None)
                found = child(mode, file, 0, env)["latency_ms"]
                if found is not None:
                    samples[mode].append(found)
                recording.unlink(missing_ok=True)
        for mode, values in samples.items():
            results[mode] = {
                "median_ms": statistics.median(values) if values else None,
                "max_ms": max(values) if values else None,
                "runs": len(values),
            }
            print(
                f"  {mode:24} median {results[mode]['median_ms']:5.1f} ms, "
                f"max {results[mode]['max_ms']:5.1f} ms ({len(values)} runs)",
                flush=True,
            )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="CPU window (default 20)")
    parser.add_argument("--latency-runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="also write benchmarks/results/")
    arguments = parser.parse_args()
    if not HOUR_FILE.exists():
        print("making an hour-long test file (once, about a minute)…", flush=True)
        make_hour_file(HOUR_FILE)
    print(f"file: {HOUR_FILE} ({HOUR_FILE.stat().st_size / 1e6:.1f} MB, 60 min)")
    print("CPU and peak memory (SDL dummy driver, real time):")
    usage = measure_cpu_and_memory(arguments.seconds)
    floor = usage["pygame"]["cpu"] + usage["window"]["cpu"]
    print(
        f"  app session {100 * usage['app']['cpu']:.2f}% vs floor (bare window + bare pygame) "
        f"{100 * floor:.2f}%; engine alone {100 * usage['engine']['cpu']:.2f}% vs pygame alone "
        f"{100 * usage['pygame']['cpu']:.2f}%"
    )
    print("Latency, play call to first sample (SDL disk driver, real time):")
    latency = measure_latency(arguments.latency_runs)
    if arguments.json:
        RESULTS.mkdir(exist_ok=True)
        report = {
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
            "usage": usage,
            "latency": latency,
        }
        out = RESULTS / "audio.json"
        out.write_text(json.dumps(report, indent=2), encoding="utf-8")
        print(f"written {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
