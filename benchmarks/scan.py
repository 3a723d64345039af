"""Library scan benchmark: mtcalm's scan of ~3,000 audio files beside a bare mutagen loop.

The first run makes a folder of small real audio files (Ogg Vorbis, FLAC, MP3 and WAV in equal
parts, 1-4 s each, tagged, in artist/album folders) under the git-ignored benchmarks/results/,
and keeps it for later runs. Then, in one process, after one warm-up of each:

- **bare**: ``mutagen.File(path)`` over the same files, in a list made beforehand: the floor;
- **cold**: ``scan_library`` with an empty cache in a fresh data folder: finding the files,
  reading them all, saving the cache;
- **rescan**: ``scan_library`` again over the unchanged folder, loading the cache the cold
  scan saved (as the next start of the app, or the next ``mtcalm scan``, does).

The bare loop runs before and after the cold scan and rescan in turn, for ``--rounds`` rounds;
the files stay in the page cache throughout (the warm-up reads them all), so this measures
mtcalm's work, not the disk.
Finally ``mtcalm scan DIR --json`` is run as a command a few times on the saved cache (the
whole process: interpreter start, imports, scan, output).

    .venv/bin/python benchmarks/scan.py [--rounds 5] [--files 3000]

Goals: cold scan at least 0.8x the bare loop's speed (medians); rescan at most 0.5 s.
This is a benchmark, never a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _machine import git_revision, load_average, machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CORPUS = RESULTS / "scan-library"
MARKER = CORPUS / ".corpus.json"  # hidden: the scan leaves it out
OUTPUT = RESULTS / "scan.json"
CORPUS_VERSION = 1
SAMPLE_RATE = 22050
FORMATS = [  # (suffix, soundfile format, subtype)
    ("ogg", "OGG", "VORBIS"),
    ("flac", "FLAC", "PCM_16"),
    ("mp3", "MP3", "MPEG_LAYER_III"),
    ("wav", "WAV", "PCM_16"),
]
TRACKS_PER_ALBUM = 10
ALBUMS_PER_ARTIST = 10
GOAL_COLD_SPEED = 0.8
GOAL_RESCAN_SECONDS = 0.5
COMMAND_RUNS = 3

sys.path.insert(0, str(ROOT))  # run from a checkout without installing


# -- the corpus ---------------------------------------------------------------------------------


def usable_formats() -> list[tuple[str, str, str]]:
    import soundfile

    available = soundfile.available_formats()
    return [entry for entry in FORMATS if entry[1] in available]


def build_corpus(files: int) -> list[Path]:
    """Make the folder of audio files, unless the one on disk is complete and the same."""
    import numpy
    import soundfile

    formats = usable_formats()
    wanted = {"version": CORPUS_VERSION, "files": files, "formats": [f[0] for f in formats]}
    try:
        if json.loads(MARKER.read_text(encoding="utf-8")) == wanted:
            return corpus_files()
    except (OSError, ValueError):
        pass
    shutil.rmtree(CORPUS, ignore_errors=True)
    CORPUS.mkdir(parents=True)
    print(f"making {files} audio files in {CORPUS} (once) ...", flush=True)
    started = time.perf_counter()
    generator = numpy.random.default_rng(7)
    for index in range(files):
        suffix, container, subtype = formats[index % len(formats)]
        track = index % TRACKS_PER_ALBUM + 1
        album = index // TRACKS_PER_ALBUM % ALBUMS_PER_ARTIST + 1
        artist = index // (TRACKS_PER_ALBUM * ALBUMS_PER_ARTIST) + 1
        folder = CORPUS / f"Artist {artist:02d}" / f"Album {album:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        seconds = 1 + index % 4
        times = numpy.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
        pitch = 220 + 20 * (index % 24)
        sound = 0.3 * numpy.sin(2 * numpy.pi * pitch * times)
        sound += 0.01 * generator.standard_normal(times.size)
        path = folder / f"{track:02d} Track {index + 1}.{suffix}"
        with soundfile.SoundFile(
            path, "w", SAMPLE_RATE, 1, format=container, subtype=subtype
        ) as handle:
            handle.title = f"Track {index + 1}"
            handle.artist = f"Artist {artist:02d}"
            handle.album = f"Album {album:02d}"
            handle.write(sound.astype(numpy.float32))
    MARKER.write_text(json.dumps(wanted), encoding="utf-8")
    print(f"made them in {time.perf_counter() - started:.1f} s", flush=True)
    return corpus_files()


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and path != MARKER)


# -- the variants -------------------------------------------------------------------------------


def bare_loop(files: list[Path]) -> int:
    import mutagen

    read = 0
    for path in files:
        if mutagen.File(path) is not None:
            read += 1
    return read


def mtcalm_scan(data_dir: Path) -> tuple[int, int]:
    from mtcalm.audio.info_cache import AudioInfoCache
    from mtcalm.library import scan_library

    cache = AudioInfoCache.load(data_dir)
    result = scan_library([CORPUS], cache)
    return len(result.tracks), len(result.broken)


def timed(work: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU seconds of ``work()``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def opened_on_rescan(data_dir: Path) -> int:
    """How many files a rescan opens (should be none): counted outside the timed runs."""
    from mtcalm.audio import info_cache
    from mtcalm.audio.metadata import AudioInfo

    real = info_cache.read_audio_info  # type: ignore[attr-defined]
    opened = []

    def counting(path: Path) -> AudioInfo:
        opened.append(path)
        return real(path)

    info_cache.read_audio_info = counting  # type: ignore[attr-defined]
    try:
        mtcalm_scan(data_dir)
    finally:
        info_cache.read_audio_info = real  # type: ignore[attr-defined]
    return len(opened)


def command_rescan(data_dir: Path) -> list[float]:
    """Wall seconds of the whole ``mtcalm scan DIR --json`` process, on the saved cache."""
    environment = {key: value for key, value in os.environ.items() if key != "MTCALM_DATA_DIR"}
    environment["PYTHONPATH"] = str(ROOT)
    runs = []
    for _ in range(COMMAND_RUNS):
        started = time.perf_counter()
        command = ["-m", "mtcalm", "--data-dir", str(data_dir), "scan", str(CORPUS), "--json"]
        completed = subprocess.run(
            [sys.executable, *command],
            capture_output=True,
            text=True,
            check=False,
            env=environment,
        )
        runs.append(time.perf_counter() - started)
        if completed.returncode != 0:
            raise RuntimeError(f"mtcalm scan failed: {completed.stderr}")
    return runs


# -- reporting ----------------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds (default 5)")
    parser.add_argument("--files", type=int, default=3000, help="files in the folder (3000)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"JSON (default {OUTPUT})")
    arguments = parser.parse_args(argv)
    if arguments.rounds < 1 or arguments.files < len(FORMATS):
        parser.error("--rounds must be at least 1 and --files at least 4")

    files = build_corpus(arguments.files)
    about = machine({"mutagen": "mutagen"})
    print(
        f"{about['cpus']} CPUs, Python {about['python']}, mutagen {about['mutagen']}, "
        f"{len(files)} files, {arguments.rounds} rounds after 1 warm-up, "
        f"load average {about['load_average']}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="mtcalm-scan-bench-"))
    try:
        return measure(arguments, files, work, about)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def measure(
    arguments: argparse.Namespace, files: list[Path], work: Path, about: dict[str, str]
) -> int:
    wall: dict[str, list[float]] = {"bare": [], "cold": [], "rescan": []}
    cpu: dict[str, list[float]] = {"bare": [], "cold": [], "rescan": []}
    counts: dict[str, object] = {}
    for round_number in range(arguments.rounds + 1):  # round 0 is the warm-up
        data_dir = work / f"data-{round_number}"
        data_dir.mkdir()
        variants: dict[str, Callable[[], object]] = {
            "bare": lambda: bare_loop(files),
            "cold": lambda data_dir=data_dir: mtcalm_scan(data_dir),  # type: ignore[misc]
            "rescan": lambda data_dir=data_dir: mtcalm_scan(data_dir),  # type: ignore[misc]
        }
        # The rescan needs the cold scan's cache: the bare loop goes before or after the pair.
        rotated = ["bare", "cold", "rescan"] if round_number % 2 else ["cold", "rescan", "bare"]
        line = []
        for variant in rotated:
            seconds, cpu_seconds, value = timed(variants[variant])
            counts[variant] = value
            if round_number:
                wall[variant].append(seconds)
                cpu[variant].append(cpu_seconds)
            line.append(f"{variant} {seconds * 1000:8.1f} ms")
        label = "warm-up" if round_number == 0 else f"round {round_number}"
        print(f"  {label:<8} " + "  ".join(line), flush=True)

    kept = work / "data-1"
    opened = opened_on_rescan(kept)
    command = command_rescan(kept)
    results = {variant: summary(values) for variant, values in wall.items()}
    cpu_results = {variant: summary(values) for variant, values in cpu.items()}
    speed = results["bare"]["median"] / results["cold"]["median"]
    cpu_speed = cpu_results["bare"]["median"] / cpu_results["cold"]["median"]
    rescan = results["rescan"]["median"]

    print()
    print(f"Library scan of {len(files)} files (wall-clock ms; CPU ms beside)")
    print(f"{'variant':<34}{'median':>9}{'min':>9}{'max':>9}{'cpu':>9}")
    names = {
        "bare": "bare mutagen.File loop (floor)",
        "cold": "mtcalm cold scan (empty cache)",
        "rescan": "mtcalm rescan (unchanged)",
    }
    for variant, name in names.items():
        row = results[variant]
        print(
            f"{name:<34}{row['median'] * 1000:>9.1f}{row['min'] * 1000:>9.1f}"
            f"{row['max'] * 1000:>9.1f}{cpu_results[variant]['median'] * 1000:>9.1f}"
        )
    print(f"{'mtcalm scan --json, whole command':<34}{statistics.median(command) * 1000:>9.1f}")
    print(
        f"cold scan speed: {speed:.2f}x the bare loop (CPU: {cpu_speed:.2f}x; goal >= "
        f"{GOAL_COLD_SPEED}x: {'met' if speed >= GOAL_COLD_SPEED else 'not met'})"
    )
    print(
        f"rescan: {rescan * 1000:.0f} ms (goal <= {GOAL_RESCAN_SECONDS * 1000:.0f} ms: "
        f"{'met' if rescan <= GOAL_RESCAN_SECONDS else 'not met'}); files opened: {opened}"
    )
    print(f"found: bare read {counts['bare']}; mtcalm (tracks, broken) {counts['cold']}")
    load_after = load_average()
    print(f"load average at the end: {load_after}")

    document = {
        "benchmark": "scan",
        "files": len(files),
        "rounds": arguments.rounds,
        "revision": git_revision(ROOT),
        "machine": about,
        "load_average_at_end": load_after,
        "wall_seconds": results,
        "cpu_seconds": cpu_results,
        "runs": {"wall": wall, "cpu": cpu},
        "command_rescan_seconds": command,
        "cold_speed_vs_bare": speed,
        "cold_cpu_speed_vs_bare": cpu_speed,
        "goal_cold_speed": GOAL_COLD_SPEED,
        "goal_rescan_seconds": GOAL_RESCAN_SECONDS,
        "files_opened_on_rescan": opened,
    }
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
