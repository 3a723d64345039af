"""Start-up benchmark: cold start to first window painted, mtcalm beside a bare PySide6 window.

Each run is a fresh Python process (``benchmarks/_startup_child.py``) started with this
interpreter. The "floor" child shows a bare QMainWindow; the "mtcalm" child starts the real app
through ``mtcalm.cli.main``. Both are measured the same way: from just before the child is spawned
until the child's first frame of its top-level window has been painted (see the child's docstring).
The runs are interleaved, floor and mtcalm alternating (and alternating which goes first), after
one discarded warm-up run of each.

    .venv/bin/python benchmarks/startup.py --runs 9
    xvfb-run -a -s '-screen 0 1280x800x24' .venv/bin/python benchmarks/startup.py --platform xcb
    .venv/bin/python benchmarks/startup.py --data-dir DIR   # a folder from make_journal.py

The goal (from the issue) is mtcalm at most 1.5x the floor, comparing medians. A third child,
"page", shows the same first page as mtcalm (the header, the home page's headings and rows of
text, the same style sheet) with plain PySide6 calls and no mtcalm code: what the content alone
costs, and so the least any app showing that page could take. This is a benchmark, never a
test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from _machine import git_revision, load_average, machine

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_startup_child.py"
VARIANTS = ("floor", "page", "mtcalm")
GOAL_RATIO = 1.5
CHILD_TIMEOUT_SECONDS = 120
CLOCK = getattr(time, "CLOCK_MONOTONIC", None)

# The marks each child reports, in the order they happen (see _startup_child.py).
PHASES = {
    "floor": ["child_start", "imported", "app_created", "window_created", "shown"],
    "page": ["child_start", "imported", "app_created", "window_created", "shown"],
    "mtcalm": [
        "child_start",
        "imported",
        "theme_start",
        "theme_end",
        "window_end",
        "audio_start",
        "audio_end",
    ],
}
END_MARKS = ["first_paint", "first_frame"]


def now_ns() -> int:
    """The same clock the child reads: CLOCK_MONOTONIC is one clock for the whole system."""
    if CLOCK is None:
        return time.time_ns()
    return time.clock_gettime_ns(CLOCK)


@dataclass
class Run:
    variant: str
    order: int
    warm_up: bool
    total_ms: float
    cpu_ms: float  # user + system CPU time of the whole child process, start to exit
    marks_ms: dict[str, float]  # every mark, in ms since the spawn
    info: dict[str, str] = field(default_factory=dict)


class ChildFailed(RuntimeError):
    pass


def child_environment(qt_platform: str, pycache: Path | None) -> dict[str, str]:
    environment = dict(os.environ)
    environment.update(
        QT_QPA_PLATFORM=qt_platform,
        SDL_AUDIODRIVER="dummy",  # no device search: the machine may have no sound card
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    environment.pop("MTCALM_DATA_DIR", None)  # the child gets --data-dir anyway
    if pycache is not None:
        # An installed app runs from cached bytecode (pip compiles it; an editable checkout
        # writes it on its first start). With PYTHONDONTWRITEBYTECODE set, as on CI machines,
        # every start would compile mtcalm's modules from source instead. A private cache,
        # filled by the warm-up runs, gives every measured run the installed situation without
        # writing anything into the source tree.
        environment.pop("PYTHONDONTWRITEBYTECODE", None)
        environment["PYTHONPYCACHEPREFIX"] = str(pycache)
    return environment


def home_page_content() -> dict[str, object]:
    """What mtcalm's home page shows on its first frame, as plain texts for the "page" child:
    the bundled guided imagery and music with the words the home page puts around them.
    """
    from mtcalm.assets import bundled_playlists_dir, bundled_scripts_dir
    from mtcalm.playlists import load_playlists
    from mtcalm.scripts import load_scripts
    from mtcalm.ui.theme import STYLE_SHEET

    playlists = load_playlists(bundled_playlists_dir())
    titles = {playlist.id: playlist.title for playlist in playlists}
    scripts = [
        [
            script.title,
            script.summary,
            f"{round(script.duration / 60)} min · with the “{titles.get(script.playlist)}” music",
        ]
        for script in load_scripts(bundled_scripts_dir())
    ]
    scripts[0].insert(1, "A good place to start. Your eyes stay open.")
    music = [
        [
            playlist.title,
            playlist.purpose,
            f"{round(playlist.duration / 60)} min · {len(playlist.playable_tracks)} tracks",
        ]
        for playlist in playlists
    ]
    return {
        "style_sheet": STYLE_SHEET,
        "point_size": 11.5,
        "wordmark": "mtcalm",
        "sections": [
            "Listen",
            "Breathe",
            "My music",
            "Journal",
            "Your data",
            "Get support",
            "Stop and ground",
        ],
        "actions": ["Just check in"],
        "title": "What would you like to listen to?",
        "intro": "You check in briefly before and after, so you can see what changed.",
        "begin": "Begin",
        "groups": [
            {
                "heading": "Guided imagery",
                "intro": "Words to follow over music. You can open your eyes and stop at any time.",
                "rows": scripts,
            },
            {
                "heading": "Music to listen to",
                "intro": "Music on its own: no words, nothing to follow.",
                "rows": music,
            },
        ],
    }


def run_child(
    python: str,
    variant: str,
    environment: dict[str, str],
    order: int,
    warm_up: bool,
    kept_data_dir: Path | None = None,
    page_dir: Path | None = None,
    start_dir: Path | None = None,
) -> Run:
    """One start. A fresh data folder each time (a first start), or ``kept_data_dir``, or
    exactly the data folder ``start_dir`` (one made by make_journal.py, say); the "page" child
    reads ``page_dir/page.json``.
    """
    data_dir = kept_data_dir or Path(tempfile.mkdtemp(prefix="mtcalm-startup-"))
    try:
        target = page_dir if variant == "page" and page_dir is not None else data_dir / "data"
        if start_dir is not None and variant != "page":
            target = start_dir
        command = [python, str(CHILD), variant, str(target)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        spawned = now_ns()
        completed = subprocess.run(
            command,
            env=environment,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_SECONDS,
            check=False,
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    finally:
        if kept_data_dir is None:
            shutil.rmtree(data_dir, ignore_errors=True)
    cpu_ms = 1000 * (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    marks: dict[str, float] = {}
    info: dict[str, str] = {}
    for line in completed.stdout.splitlines():
        parts = line.split(maxsplit=2)
        if len(parts) == 3 and parts[0] == "MARK":
            marks[parts[1]] = (int(parts[2]) - spawned) / 1e6
        elif len(parts) == 3 and parts[0] == "INFO":
            info[parts[1]] = parts[2]
    if completed.returncode != 0 or "first_frame" not in marks:
        raise ChildFailed(
            f"{variant} child failed (exit status {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return Run(variant, order, warm_up, marks["first_frame"], cpu_ms, marks, info)


def summarise(runs: list[Run]) -> dict[str, dict[str, float]]:
    summary: dict[str, dict[str, float]] = {}
    for variant in VARIANTS:
        totals = [run.total_ms for run in runs if run.variant == variant]
        summary[variant] = {
            "median_ms": statistics.median(totals),
            "min_ms": min(totals),
            "max_ms": max(totals),
            "runs": len(totals),
            "cpu_median_ms": statistics.median(
                run.cpu_ms for run in runs if run.variant == variant
            ),
        }
    return summary


def phase_medians(runs: list[Run], variant: str) -> list[tuple[str, float]]:
    chosen = [run for run in runs if run.variant == variant]
    rows = []
    for name in [*PHASES[variant], *END_MARKS]:
        values = [run.marks_ms[name] for run in chosen if name in run.marks_ms]
        if values:
            rows.append((name, statistics.median(values)))
    return rows


def print_report(runs: list[Run], qt_platform: str) -> dict[str, dict[str, float]]:
    measured = [run for run in runs if not run.warm_up]
    summary = summarise(measured)
    ratio = summary["mtcalm"]["median_ms"] / summary["floor"]["median_ms"]
    page_ratio = summary["page"]["median_ms"] / summary["floor"]["median_ms"]
    print()
    print(f"Start-up to first painted frame, platform {qt_platform} (ms since spawn)")
    print(f"{'variant':<10}{'median':>10}{'min':>10}{'max':>10}{'runs':>6}{'cpu':>10}")
    for variant in VARIANTS:
        row = summary[variant]
        print(
            f"{variant:<10}{row['median_ms']:>10.1f}{row['min_ms']:>10.1f}"
            f"{row['max_ms']:>10.1f}{int(row['runs']):>6}{row['cpu_median_ms']:>10.1f}"
        )
    verdict = "met" if ratio <= GOAL_RATIO else "not met"
    print(f"ratio mtcalm/floor (medians): {ratio:.2f}x  (goal <= {GOAL_RATIO}x: {verdict})")
    print(
        f"ratio page/floor (medians): {page_ratio:.2f}x  (the same first page in plain PySide6; "
        f"mtcalm/page {summary['mtcalm']['median_ms'] / summary['page']['median_ms']:.2f}x)"
    )
    print(
        "cpu: median user+system CPU time of the whole child process (start to exit); "
        "less sensitive to other load than the wall-clock figures"
    )
    for variant in VARIANTS:
        print()
        print(f"{variant}: median time of each mark since spawn (ms)")
        for name, value in phase_medians(measured, variant):
            print(f"  {name:<16}{value:>8.1f}")
    info = next((run.info for run in measured if run.variant == "mtcalm"), {})
    if info:
        print()
        print(
            f"mtcalm loaded {info.get('playlists', '?')} bundled playlist(s) "
            f"with {info.get('tracks', '?')} track(s)"
        )
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=9, help="measured runs of each (default 9)")
    parser.add_argument(
        "--platform",
        choices=["offscreen", "xcb"],
        default="offscreen",
        help="Qt platform plugin; xcb needs a display, e.g. under xvfb-run (default offscreen)",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the runs as JSON")
    parser.add_argument(
        "--returning",
        action="store_true",
        help="keep one data folder for all runs (the warm-up creates the journal): the start "
        "of someone who already has a journal, instead of a first start",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="start every run on this data folder, used as it is (for example one made by "
        "benchmarks/make_journal.py): the start of someone with that journal",
    )
    parser.add_argument(
        "--python", default=sys.executable, help="interpreter for the children (default: this one)"
    )
    parser.add_argument(
        "--as-environment",
        action="store_true",
        help="keep this environment's bytecode settings (PYTHONDONTWRITEBYTECODE, "
        "PYTHONPYCACHEPREFIX) instead of a private bytecode cache filled by the warm-up",
    )
    arguments = parser.parse_args(argv)
    if arguments.runs < 1:
        parser.error("--runs must be at least 1")
    if arguments.data_dir is not None and not arguments.data_dir.is_dir():
        parser.error(f"--data-dir {arguments.data_dir} is not a folder")
    if arguments.platform == "xcb" and not os.environ.get("DISPLAY"):
        parser.error(
            "--platform xcb needs a display; run it under "
            "xvfb-run -a -s '-screen 0 1280x800x24' ..."
        )
    pycache = None if arguments.as_environment else Path(tempfile.mkdtemp(prefix="mtcalm-pyc-"))
    kept = Path(tempfile.mkdtemp(prefix="mtcalm-returning-")) if arguments.returning else None
    arguments.kept_data_dir = kept
    arguments.page_dir = Path(tempfile.mkdtemp(prefix="mtcalm-page-"))
    (arguments.page_dir / "page.json").write_text(
        json.dumps(home_page_content(), ensure_ascii=False), encoding="utf-8"
    )
    try:
        return measure(arguments, child_environment(arguments.platform, pycache))
    finally:
        for folder in (pycache, kept, arguments.page_dir):
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)


def measure(arguments: argparse.Namespace, environment: dict[str, str]) -> int:
    packages = {"pyside6": "PySide6-Essentials", "pygame-ce": "pygame-ce"}
    about = machine(packages, load_key="load_average_at_start")
    bytecode = "as in the environment" if arguments.as_environment else "private cache"
    print(
        f"{about['cpus']} CPUs, Python {about['python']}, PySide6 {about['pyside6']}, "
        f"platform {arguments.platform}, {arguments.runs} runs each after 1 warm-up, "
        f"bytecode: {bytecode}, load average {about['load_average_at_start']}"
    )
    if arguments.data_dir is not None:
        print(f"every start on the data folder {arguments.data_dir}")

    runs: list[Run] = []
    schedule: list[tuple[str, bool]] = [(variant, True) for variant in VARIANTS]
    for index in range(arguments.runs):
        turn = index % len(VARIANTS)  # each goes first in turn
        schedule.extend((variant, False) for variant in VARIANTS[turn:] + VARIANTS[:turn])
    for order, (variant, warm_up) in enumerate(schedule):
        run = run_child(
            arguments.python,
            variant,
            environment,
            order,
            warm_up,
            arguments.kept_data_dir,
            arguments.page_dir,
            arguments.data_dir,
        )
        runs.append(run)
        label = "warm-up" if warm_up else f"round {(order - len(VARIANTS)) // len(VARIANTS) + 1}"
        print(f"  {label:<8} {variant:<7} {run.total_ms:8.1f} ms", flush=True)

    summary = print_report(runs, arguments.platform)
    load_after = load_average()
    print(f"load average at the end: {load_after}")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "benchmark": "startup",
            "measure": "ms from spawning the child to its first painted frame",
            "platform": arguments.platform,
            "bytecode": bytecode,
            "data_dir": str(arguments.data_dir) if arguments.data_dir else None,
            "runs_each": arguments.runs,
            "revision": git_revision(HERE.parent),
            "machine": about,
            "load_average_at_end": load_after,
            "summary": summary,
            "ratio": summary["mtcalm"]["median_ms"] / summary["floor"]["median_ms"],
            "page_ratio": summary["page"]["median_ms"] / summary["floor"]["median_ms"],
            "goal_ratio": GOAL_RATIO,
            "runs": [asdict(run) for run in runs],
        }
        arguments.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {arguments.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
