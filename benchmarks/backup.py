"""Backup and restore of a journal of 100,000 sessions, beside raw SQLite in the same run.

A journal is generated (by default 100,000 sessions with both check-ins, a note, emotion words
and a few events each: years of twice-daily use). Then, median of ``--rounds``:

- floor: ``shutil.copyfile`` of the file, and SQLite's backup API into a new file, unchecked;
- mtcalm ``write_backup``: the backup API, made one file, ``integrity_check``, fsync, renamed;
- ``inspect_journal(thorough=True)``: what the app runs on a copy before offering to restore it;
- ``restore_journal``: copy in, check, back up the journal replaced, fold in its -wal, rename;
- ``Journal.open`` of the journal, as at every start;
- ``Journal.summary()``: the count and dates "Your data" shows.

    .venv/bin/python benchmarks/backup.py [--sessions 100000] [--rounds 5] [--json FILE]

A benchmark, never a test: nothing fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _machine import git_revision, machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from mtcalm.journal.backups import write_backup  # noqa: E402
from mtcalm.journal.restore import inspect_journal, restore_journal  # noqa: E402
from mtcalm.journal.store import Journal  # noqa: E402

WORDS = ("calm", "tired", "anxious", "hopeful", "sad", "restless")


def generate(path: Path, sessions: int, seed: int = 7) -> None:
    """A journal of ``sessions`` sessions, written in one transaction through the schema."""
    Journal.open(path).close()  # the real schema, created as the app does
    rng = random.Random(seed)
    connection = sqlite3.connect(path)
    with connection:
        checkin_id = 0
        for number in range(1, sessions + 1):
            day, minute = divmod(number * 720, 1440)
            stamp = f"20{10 + day // 365:02d}-{1 + (day // 30) % 12:02d}-{1 + day % 28:02d}"
            stamp += f"T{minute // 60:02d}:{minute % 60:02d}:00+00:00"
            connection.execute(
                "INSERT INTO sessions (id, started_at, updated_at, ended_at, content_ref,"
                " content_title, planned_seconds, listened_seconds, outcome)"
                " VALUES (?, ?, ?, ?, 'playlist:settle', 'Settle', 620, ?, 'completed')",
                (number, stamp, stamp, stamp, rng.uniform(60, 620)),
            )
            for phase in ("before", "after"):
                checkin_id += 1
                note = "A few words about the day. " * rng.randint(0, 4)
                connection.execute(
                    "INSERT INTO checkins (id, session_id, phase, recorded_at, note)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (checkin_id, number, phase, stamp, note),
                )
                connection.executemany(
                    "INSERT INTO answers VALUES (?, ?, ?, 'scale-0-10', 0, 10)",
                    [(checkin_id, item, rng.randint(0, 10)) for item in ("distress", "energy")],
                )
                connection.execute(
                    "INSERT INTO emotions VALUES (?, ?)", (checkin_id, rng.choice(WORDS))
                )
            connection.executemany(
                "INSERT INTO session_events (session_id, at, kind, detail) VALUES (?, ?, ?, ?)",
                [(number, stamp, "track_started", f"{n:02d}-piece.ogg") for n in range(3)],
            )
    connection.close()


def timed(rounds: int, action: Callable[[int], object]) -> list[float]:
    """Milliseconds of ``action(round)`` over ``rounds`` rounds."""
    times = []
    for number in range(rounds):
        started = time.perf_counter()
        action(number)
        times.append((time.perf_counter() - started) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, metavar="FILE")
    arguments = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="mtcalm-backup-bench-"))
    try:
        data = work / "data"
        data.mkdir(mode=0o700)
        journal = data / "journal.sqlite3"
        started = time.perf_counter()
        generate(journal, arguments.sessions)
        generated = time.perf_counter() - started
        size_mb = journal.stat().st_size / 1e6
        copies = work / "copies"
        copies.mkdir()

        def raw_copy(n: int) -> None:
            shutil.copyfile(journal, copies / f"raw-{n}.sqlite3")

        def raw_backup_api(n: int) -> None:
            source = sqlite3.connect(journal)
            target = sqlite3.connect(copies / f"api-{n}.sqlite3")
            source.backup(target)
            target.close()
            source.close()

        def mtcalm_backup(n: int) -> None:
            write_backup(journal, copies / f"mtcalm-{n}.sqlite3")

        def inspect(n: int) -> None:
            inspect_journal(copies / "mtcalm-0.sqlite3", thorough=True)

        def restore(n: int) -> None:
            restore_journal(copies / f"mtcalm-{n}.sqlite3", journal)

        def open_journal(n: int) -> None:
            Journal.open(journal).close()

        opened = Journal.open(journal)

        def summary(n: int) -> None:
            opened.summary()

        results = {
            "floor: shutil.copyfile": timed(arguments.rounds, raw_copy),
            "floor: SQLite backup API, unchecked": timed(arguments.rounds, raw_backup_api),
            "mtcalm write_backup (checked, fsynced)": timed(arguments.rounds, mtcalm_backup),
            "inspect_journal(thorough=True)": timed(arguments.rounds, inspect),
            "restore_journal": timed(arguments.rounds, restore),
            "Journal.open (as at every start)": timed(arguments.rounds, open_journal),
            "Journal.summary() (Your data)": timed(arguments.rounds, summary),
        }
        opened.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)

    about = machine({"sqlite": "pysqlite"}) | {"sqlite": sqlite3.sqlite_version}
    print(
        f"revision {git_revision(HERE.parent)}; " + ", ".join(f"{k} {v}" for k, v in about.items())
    )
    print(
        f"journal: {arguments.sessions} sessions, {size_mb:.1f} MB (generated in"
        f" {generated:.1f} s); median of {arguments.rounds} rounds, ms"
    )
    floor = statistics.median(results["floor: SQLite backup API, unchecked"])
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"  {name:42s} {median:9.1f}   (min {min(times):.1f}, max {max(times):.1f};"
            f" {median / floor:.2f}x the backup API)"
        )
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "sessions": arguments.sessions,
            "size_mb": size_mb,
            "machine": about,
            "milliseconds": results,
        }
        arguments.json.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
