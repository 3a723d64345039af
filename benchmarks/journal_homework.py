"""Homework at 100,000 sessions, for ``benchmarks/journal.py`` (``--only programmes
homework-exports review``): each figure beside its floor in the same run.

- ``programmes``: Journal > Homework and review's Homework (``mtcalm.homework.programmes.
  programmes``), the example programme and a 52-week one in the journal, beside the very
  statements it ran, replayed on a plain connection (rows only);
- ``homework-exports``: the JSON export (version 2, with the programmes and their adherence) and
  the CSV export (with its homework column), beside the statements they ran replayed, and the
  CSV beside ``csv_floor``;
- ``review``: review mode reading the 100,000-session JSON export into memory
  (``open_export_for_review``), beside the same import as before it knew an empty journal (the
  chart sums kept by their triggers row by row, each session looked up by its uid), and a floor:
  ``json.load`` of the same file, then the same rows (read beforehand from the journal the
  export came from) written by ``executemany`` into a journal in memory, sums made once; and the
  peak resident size (``VmHWM``) of a child doing each.

The programmes go into a copy of the journal: the folder ``--data-dir`` names stays as made.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from journal import Figure, Statement, csv_floor, replay, same_reads, taking_turns

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "assets" / "homework" / "example.mtcalm-homework"
CHILD_TIMEOUT_SECONDS = 900
# Tables an import writes, in an order their foreign keys accept.
TABLES = (
    "item_definitions",
    "sessions",
    "checkins",
    "answers",
    "emotions",
    "reflections",
    "session_tracks",
    "session_events",
    "track_flags",
    "homework",
)
YEAR_MANIFEST = """format = 1

[homework]
id = "bench-year-of-listening"
revision = 1
title = "A year of listening"
instructions = "Three times a week, twenty quiet minutes."

[therapist]
name = "Your therapist"

[schedule]
starts = {starts}
weeks = 52
sessions_per_week = 3
minimum_minutes = 15

[[content]]
ref = "playlist:settle"

[[content]]
ref = "script:grounding"

[[content]]
ref = "script:body-scan"

[[content]]
ref = "playlist:sleep"

[checkin]
craving = true
"""


def latest_day(path: Path) -> date:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as raw:
        return date.fromisoformat(
            str(raw.execute("SELECT max(substr(started_at, 1, 10)) FROM sessions").fetchone()[0])
        )


def with_programmes(big: Path, work: Path) -> Path:
    """A copy of the journal with the example package and a 52-week programme (ending in the
    journal's last week, on content the generated sessions played) imported as a person does.
    """
    from mtcalm.homework.install import install_package
    from mtcalm.homework.package import write_package
    from mtcalm.journal.store import Journal

    folder = work / "programmes"
    copy = folder / "journal.sqlite3"
    if copy.exists():
        return copy
    folder.mkdir(mode=0o700)
    shutil.copyfile(big, copy)
    last = latest_day(copy)
    starts = date.fromordinal(last.toordinal() - 7 * 51 - last.weekday())
    year = work / "year.mtcalm-homework"
    write_package(year, YEAR_MANIFEST.format(starts=starts.isoformat()).encode())
    with Journal.open(copy) as journal:
        for package in (EXAMPLE, year):
            install_package(package, folder, journal)
    return copy


class Recording:
    """A connection that notes every ``execute`` (for the statements behind ``records``)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self.statements: list[Statement] = []

    def execute(self, sql: str, parameters: Any = ()) -> sqlite3.Cursor:
        self.statements.append((sql, parameters))
        return self._connection.execute(sql, parameters)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)


def every_statement(journal: Any, action: Callable[[], object]) -> list[Statement]:
    """Every statement ``action`` runs on ``journal``'s connection."""
    real = journal._connection
    recording = Recording(real)
    journal._connection = recording
    try:
        action()
    finally:
        journal._connection = real
    return recording.statements


def measure_programmes(copy: Path, rounds: int) -> Figure:
    from mtcalm.homework.programmes import programmes
    from mtcalm.journal.store import Journal

    today = latest_day(copy)
    journal = Journal.open(copy)
    raw = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)

    def listed() -> None:
        found = programmes(journal.reading, today)
        assert len(found) == 2 and sum(w.started for p in found for w in p.weeks) > 0

    try:
        ours, theirs = taking_turns(rounds, listed, replay(raw, same_reads(journal, listed)))
    finally:
        raw.close()
        journal.close()
    return Figure(
        "programmes(): example + 52 weeks", ours, "the same SELECTs, rows only", theirs, ""
    )


def measure_exports(copy: Path, work: Path, rounds: int) -> list[Figure]:
    """The JSON and CSV exports of the copy with its programmes, beside their floors."""
    from mtcalm.journal.export_csv import write_csv
    from mtcalm.journal.export_json import write_json
    from mtcalm.journal.store import Journal

    journal = Journal.open(copy)
    raw = sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)
    times = max(3, rounds // 3)

    def json_export() -> None:
        with (work / "export.json").open("wb") as stream:
            write_json(journal, stream)

    def csv_export() -> None:
        with (work / "export.csv").open("wb") as stream:
            write_csv(journal, stream)

    figures = []
    try:
        reads = replay(raw, every_statement(journal, json_export))
        ours, theirs = taking_turns(times, json_export, reads)
        figures.append(Figure("JSON export v2", ours, "the same SELECTs, rows only", theirs))
        reads = replay(raw, every_statement(journal, csv_export))
        ours, theirs = taking_turns(times, csv_export, reads)
        figures.append(Figure("CSV export (homework column)", ours, "the same SELECTs", theirs))
        ours, theirs = taking_turns(times, csv_export, csv_floor(raw, work))
        figures.append(Figure("CSV export (homework column)", ours, "scans + csv rows", theirs))
    finally:
        raw.close()
        journal.close()
    return figures


def export_for_review(copy: Path, work: Path) -> Path:
    """The JSON export of the copy (written by ``measure_exports`` when it ran)."""
    from mtcalm.journal.export_json import write_json
    from mtcalm.journal.store import Journal

    path = work / "export.json"
    if not path.exists():
        with Journal.open(copy) as journal, path.open("wb") as stream:
            write_json(journal, stream)
    return path


@contextlib.contextmanager
def as_before() -> Iterator[None]:
    """The import as before it knew an empty journal: the chart sums kept by their triggers
    answer by answer, and every session looked up by its uid.
    """
    from mtcalm.journal import import_json

    knows = import_json._has_no_sessions
    import_json._has_no_sessions = lambda cursor: False
    try:
        yield
    finally:
        import_json._has_no_sessions = knows


def same_rows(copy: Path) -> dict[str, tuple[str, list[tuple[object, ...]]]]:
    """Every row the import writes, read from the journal the export came from: for each
    table, its INSERT and its rows.
    """
    rows = {}
    with contextlib.closing(sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True)) as raw:
        for table in TABLES:
            cursor = raw.execute(f"SELECT * FROM {table}")
            names = [column[0] for column in cursor.description]
            marks = ", ".join("?" * len(names))
            insert = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})"
            rows[table] = (insert, cursor.fetchall())
    return rows


def review_floor(
    export: Path, rows: dict[str, tuple[str, list[tuple[object, ...]]]]
) -> Callable[[], None]:
    """``json.load`` of the export, then its rows by ``executemany`` into a journal in memory,
    the sums made once, as the least a review load can do.
    """
    from mtcalm.journal.schema import change_sums_sql
    from mtcalm.journal.store import Journal

    def run() -> None:
        with export.open("rb") as stream:
            json.load(stream)
        journal = Journal.in_memory(export)
        try:
            with journal.writing() as cursor:
                names = cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                ).fetchall()
                for (name,) in names:
                    cursor.execute(f"DROP TRIGGER {name}")
                for insert, table_rows in rows.values():
                    cursor.executemany(insert, table_rows)
                for table in ("day_sums", "month_sums"):
                    cursor.execute(change_sums_sql(table))
        finally:
            journal.close()

    return run


def measure_review(copy: Path, export: Path, rounds: int) -> list[Figure]:
    """Review mode's load, now and as before, beside the floor, in turns (no warm-up: each
    takes tens of seconds, and the file was just written, so it is in the page cache).
    """
    from mtcalm.journal.review import open_export_for_review

    def review() -> None:
        open_export_for_review(export).close()

    def before() -> None:
        with as_before():
            review()

    floor = review_floor(export, same_rows(copy))
    times: dict[str, list[float]] = {"now": [], "before": [], "floor": []}
    actions = [("now", review), ("before", before), ("floor", floor)]
    for number in range(max(3, rounds // 3)):
        turn = actions[number % 3 :] + actions[: number % 3]
        for name, action in turn:
            started = time.perf_counter()
            action()
            times[name].append((time.perf_counter() - started) * 1000)
            print(f"  review round {number + 1}, {name}: {times[name][-1]:.0f} ms", flush=True)
    floor_name = "json.load + the same rows by executemany, sums once"
    return [
        Figure("review load of the JSON export", times["now"], floor_name, times["floor"]),
        Figure(
            "review load, as before (sums by triggers)",
            times["before"],
            floor_name,
            times["floor"],
        ),
    ]


def review_memory(export: Path, environment: dict[str, str]) -> dict[str, object]:
    """Peak resident size of a child reading the export for review, and of one that only
    parses it with ``json.load``.
    """
    found: dict[str, object] = {}
    for what in ("review", "json"):
        command = [sys.executable, str(Path(__file__).resolve()), f"--child-{what}", str(export)]
        try:
            done = subprocess.run(
                command,
                env=environment,
                capture_output=True,
                text=True,
                timeout=CHILD_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            found[what] = {"problem": f"not done within {CHILD_TIMEOUT_SECONDS} s"}
            continue
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
        found[what] = (
            json.loads(lines[-1][len("RESULT ") :])
            if lines
            else {"problem": f"exit status {done.returncode}: {done.stderr[-2000:]}"}
        )
    return found


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child(what: str, export: Path) -> int:
    """In the child: read ``export`` for review (or only parse it), report time and peak."""
    sys.path.insert(0, str(ROOT))
    started_mb = peak_mb()
    started = time.perf_counter()
    if what == "review":
        from mtcalm.journal.review import open_export_for_review

        journal = open_export_for_review(export)
        sessions = journal.reading("SELECT count(*) FROM sessions")[0][0]
    else:
        with export.open("rb") as stream:
            sessions = len(json.load(stream)["sessions"])
    seconds = time.perf_counter() - started
    result = {
        "sessions": sessions,
        "seconds": round(seconds, 1),
        "peak_mb": round(peak_mb(), 1),
        "at_start_mb": round(started_mb, 1),
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] in ("--child-review", "--child-json"):
        sys.exit(child(sys.argv[1][len("--child-") :], Path(sys.argv[2])))
    sys.exit("run benchmarks/journal.py --only programmes homework-exports review")
