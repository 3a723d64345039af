"""The journal at 100,000 sessions: each figure beside raw SQLite doing the same in the same run.

    .venv/bin/python benchmarks/journal.py [--sessions 100000] [--rounds 9] [--starts 7]
        [--data-dir DIR] [--only save open page exports homework startup memory
        programmes homework-exports review] [--json FILE]

A journal is made by ``benchmarks/make_journal.py`` (or ``--data-dir`` names a folder it made),
and an empty one beside it. Medians of ``--rounds``, mtcalm and raw SQLite taking turns:

- a durable check-in save: ``Journal.start_session`` (synchronous=FULL, as the app runs it)
  beside the same rows inserted by hand on a connection with the same pragmas (goal ≤ 20 ms);
- ``Journal.open``, empty and at 100,000, with the check on opening and with the old
  ``PRAGMA quick_check``, beside a bare connect; and the whole check, run off the start-up path;
- the first page of the list: ``journal.sessions(limit=200)`` and, when it exists,
  ``mtcalm.journal.history.page()``, beside the same SELECTs;
- CSV export, and the charts of "Changes over time" (all time, a year, two years), beside the
  same SELECTs (goals ≤ 2 s and ≤ 100 ms);
- Home's "This week's homework" for a programme ending in the journal's last week, beside the
  same SELECTs;
- start-up to the first frame with that journal and with the empty one, through
  ``benchmarks/startup.py``'s child (goal within 1.15×);
- memory of the app with the journal page open: the peak resident size (``VmHWM``) of a child
  that opens the window on the journal and shows the Journal section (goal ≤ 150 MB).

Not by default (minutes each), with ``--only``: ``programmes``, ``homework-exports`` and
``review``, the homework programmes, the JSON and CSV exports with them, and review mode's
load of the JSON export (``benchmarks/journal_homework.py`` says what each is beside).

A benchmark, never a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from _machine import git_revision, load_average, machine

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing

from mtcalm.checkin import CheckIn, Phase, items_for  # noqa: E402
from mtcalm.journal import integrity  # noqa: E402
from mtcalm.journal.personal import chosen_items  # noqa: E402
from mtcalm.journal.store import SESSION_COLUMNS, Journal  # noqa: E402

NOTE = "Rough day at work; shoulders tight. Hoping the rain track helps."
PAGE = 200
PARTS = ["save", "open", "page", "exports", "homework", "startup", "memory"]
HOMEWORK_PARTS = ["programmes", "homework-exports", "review"]  # journal_homework.py
SETTLE_MS = 1500  # after the first frame (the sound device opens), after the page is shown
CHILD_TIMEOUT_SECONDS = 900  # the journal page before issue 11 took minutes at 100,000
Parameters = Sequence[object] | Mapping[str, object]
Statement = tuple[str, Parameters]
NEWEST = f"SELECT {SESSION_COLUMNS} FROM sessions ORDER BY started_at DESC, id DESC LIMIT ?"


@dataclass
class Figure:
    """One thing measured, in milliseconds: mtcalm's times beside the floor's."""

    name: str
    mtcalm: list[float]
    floor_name: str = ""
    floor: list[float] | None = None
    goal: str = ""


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def taking_turns(
    rounds: int, mine: Callable[[], object], raw: Callable[[], object]
) -> tuple[list[float], list[float]]:
    """Times of ``mine`` and ``raw``, alternating which goes first, after a warm-up of each."""
    mine()
    raw()
    ours: list[float] = []
    theirs: list[float] = []
    for number in range(rounds):
        pair = (raw, mine) if number % 2 else (mine, raw)
        for action in pair:
            (ours if action is mine else theirs).append(timed(action))
    return ours, theirs


def connect_raw(path: Path) -> sqlite3.Connection:
    """A plain connection with the pragmas the app's has."""
    raw = sqlite3.connect(path, isolation_level=None)
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = FULL"):
        raw.execute(f"PRAGMA {pragma}")
    return raw


def same_reads(journal: Journal, action: Callable[[], object]) -> list[Statement]:
    """The statements ``action`` runs through ``journal.reading``, to run again on raw SQLite."""
    statements: list[Statement] = []
    reading = journal.reading

    def capture(sql: str, parameters: Parameters = ()) -> list[tuple[object, ...]]:
        statements.append((sql, parameters))
        return reading(sql, parameters)

    journal.reading = capture  # type: ignore[method-assign]
    try:
        action()
    finally:
        del journal.reading
    return statements


def replay(raw: sqlite3.Connection, statements: list[Statement]) -> Callable[[], None]:
    """The same reads, rows only: what SQLite itself costs."""

    def run() -> None:
        for sql, parameters in statements:
            raw.execute(sql, parameters).fetchall()

    return run


def measure_save(path: Path, rounds: int) -> Figure:
    """A durable check-in save into the big journal, beside the same rows by hand."""
    journal = Journal.open(path)
    items = items_for(Phase.BEFORE, chosen_items(journal))
    before = CheckIn(
        Phase.BEFORE, {item.key: 4 for item in items}, ("tired", "tense"), NOTE, items=items
    )
    definitions = {
        item.key: journal.reading(
            "SELECT id FROM item_definitions WHERE item = ? AND label = ? AND scale = ?"
            " AND low_anchor = ? AND high_anchor = ?",
            (item.key, item.label, item.scale.key, item.low_anchor, item.high_anchor),
        )[0][0]
        for item in items
    }
    raw = connect_raw(path)

    def save() -> None:
        journal.start_session("playlist:settle", "Settle", before, planned_seconds=617.0)

    def insert() -> None:
        stamp = "2026-12-01T20:15:00+01:00"
        raw.execute("BEGIN IMMEDIATE")
        session = raw.execute(
            "INSERT INTO sessions (uid, started_at, updated_at, content_ref, content_title,"
            " planned_seconds) VALUES (?, ?, ?, 'playlist:settle', 'Settle', 617.0)",
            (uuid.uuid4().hex, stamp, stamp),
        ).lastrowid
        checkin = raw.execute(
            "INSERT INTO checkins (session_id, phase, recorded_at, skipped, note)"
            " VALUES (?, 'before', ?, 0, ?)",
            (session, stamp, NOTE),
        ).lastrowid
        raw.executemany(
            "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max,"
            " definition_id) VALUES (?, ?, 4, ?, ?, ?, ?)",
            [
                (checkin, key, scale.key, scale.minimum, scale.maximum, definitions[key])
                for key, scale in ((item.key, item.scale) for item in items)
            ],
        )
        raw.executemany(
            "INSERT INTO emotions (checkin_id, word) VALUES (?, ?)",
            [(checkin, word) for word in before.emotions],
        )
        raw.execute("COMMIT")

    try:
        ours, theirs = taking_turns(rounds, save, insert)
    finally:
        raw.close()
        journal.close()
    return Figure("durable check-in save", ours, "the same rows by hand", theirs, "≤ 20 ms")


@contextlib.contextmanager
def old_policy() -> Iterator[None]:
    """Opening as before issue 11: ``PRAGMA quick_check`` reads every page at every start."""
    cheap = integrity.check_first_entries

    def quick_check(connection: sqlite3.Connection) -> None:
        if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("database disk image is malformed")

    integrity.check_first_entries = quick_check
    try:
        yield
    finally:
        integrity.check_first_entries = cheap


def measure_open(big: Path, empty: Path, rounds: int, size: str) -> list[Figure]:
    def bare(path: Path) -> Callable[[], None]:
        def connect() -> None:
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA user_version").fetchone()
            connection.close()

        return connect

    def opening(path: Path) -> Callable[[], None]:
        return lambda: Journal.open(path).close()

    figures = []
    for label, path in (("empty", empty), (size, big)):
        ours, theirs = taking_turns(rounds, opening(path), bare(path))
        figures.append(Figure(f"Journal.open, {label}", ours, "connect + user_version", theirs))
    for label, path in (("empty", empty), (size, big)):
        with old_policy():
            old = [timed(opening(path)) for _ in range(max(3, rounds // 2))]
        figures.append(Figure(f"Journal.open, {label}, old quick_check", old))

    def quick_check() -> None:
        with contextlib.closing(sqlite3.connect(big)) as connection:
            connection.execute("PRAGMA quick_check").fetchall()

    whole, quick = taking_turns(
        max(3, rounds // 3), lambda: integrity.check_whole_journal(big), quick_check
    )
    figures.append(
        Figure(f"whole check, {size} (off start-up)", whole, "PRAGMA quick_check", quick)
    )
    return figures


def measure_first_page(big: Path, rounds: int) -> list[Figure]:
    journal = Journal.open(big)
    raw = sqlite3.connect(f"{big.as_uri()}?mode=ro", uri=True)

    def raw_sessions() -> None:
        ids = [row[0] for row in raw.execute(NEWEST, (PAGE,)).fetchall()]
        marks = ",".join("?" * len(ids))
        checkins = [
            row[0]
            for row in raw.execute(f"SELECT id FROM checkins WHERE session_id IN ({marks})", ids)
        ]
        marks = ",".join("?" * len(checkins))
        raw.execute(
            "SELECT a.*, d.* FROM answers a LEFT JOIN item_definitions d ON d.id ="
            f" a.definition_id WHERE a.checkin_id IN ({marks})",
            checkins,
        ).fetchall()
        raw.execute(f"SELECT * FROM emotions WHERE checkin_id IN ({marks})", checkins).fetchall()

    ours, theirs = taking_turns(rounds, lambda: journal.sessions(limit=PAGE), raw_sessions)
    figures = [
        Figure("sessions(limit=200)", ours, "the same SELECTs, rows only", theirs, "≤ 200 ms")
    ]
    try:
        from mtcalm.journal import history
    except ImportError:
        print("  history.page(): not measured (mtcalm.journal.history is not there yet)")
    else:
        everything = history.JournalFilter()

        def first_page() -> None:
            history.page(journal, everything, limit=PAGE)

        def counted() -> None:
            history.count(journal, everything)

        for name, action, goal in (
            ("history.page(), 200 rows", first_page, "≤ 200 ms"),
            ("history.count() (all entries)", counted, ""),
        ):
            reads = replay(raw, same_reads(journal, action))
            ours, theirs = taking_turns(rounds, action, reads)
            figures.append(Figure(name, ours, "the same SELECTs, rows only", theirs, goal))
    raw.close()
    journal.close()
    return figures


def measure_exports_and_charts(big: Path, work: Path, rounds: int) -> list[Figure]:
    """CSV export of every session, and the charts as "Changes over time" asks for them."""
    from mtcalm.journal.export_csv import write_csv
    from mtcalm.journal.trends import Period, trends

    journal = Journal.open(big)
    raw = sqlite3.connect(f"{big.as_uri()}?mode=ro", uri=True)
    figures = []

    def export() -> None:
        with (work / "export.csv").open("wb") as stream:
            write_csv(journal, stream)

    reads = replay(raw, same_reads(journal, export))
    ours, theirs = taking_turns(max(3, rounds // 3), export, reads)
    figures.append(Figure("CSV export", ours, "the same SELECTs, rows only", theirs, "≤ 2 s"))
    ours, theirs = taking_turns(max(3, rounds // 3), export, csv_floor(raw, work))
    floor_name = "every row it needs by plain scans, nothing joined, + csv writing as many rows"
    figures.append(Figure("CSV export", ours, floor_name, theirs, "≤ 2 s"))
    latest = journal.reading("SELECT max(substr(started_at, 1, 10)) FROM sessions")[0][0]
    end = date.fromisoformat(str(latest))
    charts: list[tuple[str, Callable[[], object]]] = [
        ("charts: All time (the period it chooses)", lambda: trends(journal)),
        (
            "charts: Last 12 months (weeks)",
            lambda: trends(journal, since=end - timedelta(days=364), until=end),
        ),
        (
            "charts: two years (weeks)",
            lambda: trends(journal, since=end - timedelta(days=729), until=end),
        ),
        (
            "charts: weeks over the whole journal (never asked)",
            lambda: trends(journal, period=Period.WEEK),
        ),
    ]
    for name, chart in charts:
        reads = replay(raw, same_reads(journal, chart))
        ours, theirs = taking_turns(rounds, chart, reads)
        goal = "" if "never" in name else "≤ 100 ms"
        figures.append(Figure(name, ours, "the same SELECTs, rows only", theirs, goal))
    raw.close()
    journal.close()
    return figures


def measure_homework(path: Path, rounds: int) -> Figure:
    """Home's "This week's homework" at the journal's last date: the example programme, moved
    to end in the journal's last week, read as Home reads it, beside the same SELECTs.
    """
    from mtcalm.homework.adherence import this_week

    journal = Journal.open(path)
    latest = date.fromisoformat(
        str(journal.reading("SELECT max(substr(started_at, 1, 10)) FROM sessions")[0][0])
    )
    starts = latest - timedelta(days=21)
    example = Path(__file__).resolve().parents[1] / "assets" / "homework" / "example"
    manifest = (example / "homework.toml").read_text(encoding="utf-8")
    manifest = manifest.replace("starts = 2026-12-07", f"starts = {starts.isoformat()}")
    with journal.writing() as cursor:
        cursor.execute(
            "INSERT INTO homework (id, revision, title, manifest, imported_at)"
            " VALUES ('example-settling-weeks', 1, 'Example', ?, ?)",
            (manifest, f"{starts.isoformat()}T09:00:00+00:00"),
        )
    raw = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)

    def home() -> None:
        this_week(journal.reading, latest)

    ours, theirs = taking_turns(rounds, home, replay(raw, same_reads(journal, home)))
    raw.close()
    journal.close()
    return Figure("Home: this week's homework", ours, "the same SELECTs, rows only", theirs)


def csv_floor(raw: sqlite3.Connection, work: Path) -> Callable[[], None]:
    """Less than any CSV export can do: read every row it needs with plain table scans (no
    join, no subquery, nothing put together), then have the csv module write as many rows of
    the same width, made up beforehand.
    """
    import csv

    sessions = int(raw.execute("SELECT count(*) FROM sessions").fetchone()[0])
    row: list[object] = ["0" * 32, "listening", "2026-11-30T21:14:03+01:00", "2026-11-30T21:34"]
    row += ["playlist:settle", "Settle", "rain", 1200, 1187.5, "completed", 0, 0]
    row += [str(number % 11) for number in range(22)]
    row += ["0", "calm;tired", "relaxed", "Rough day at work.", "Shoulders dropped.", "", 0, 1]
    rows = [row] * sessions
    scans = (
        "SELECT uid, kind, started_at, ended_at, content_ref, content_title, ambience,"
        " planned_seconds, listened_seconds, outcome, id FROM sessions",
        "SELECT id, session_id, phase, skipped, note FROM checkins",
        "SELECT checkin_id, item, value FROM answers",
        "SELECT checkin_id, word FROM emotions",
        "SELECT session_id, note FROM reflections",
    )

    def run() -> None:
        for sql in scans:
            raw.execute(sql).fetchall()
        with (work / "floor.csv").open("w", encoding="utf-8-sig", newline="") as stream:
            csv.writer(stream).writerows(rows)

    return run


def measure_startup(big_dir: Path, empty_dir: Path, starts: int, size: str) -> list[Figure]:
    """Cold start to the first painted frame, on each folder in turn (startup.py's child):
    wall time, and the child's CPU time (less swayed by other work on the machine).
    """
    import startup

    pycache = Path(tempfile.mkdtemp(prefix="mtcalm-pyc-"))
    environment = startup.child_environment("offscreen", pycache)
    runs: dict[Path, list[startup.Run]] = {big_dir: [], empty_dir: []}
    try:
        for order in range(starts + 1):
            pair = (big_dir, empty_dir) if order % 2 else (empty_dir, big_dir)
            for folder in pair:
                run = startup.run_child(
                    sys.executable, "mtcalm", environment, order, order == 0, start_dir=folder
                )
                if order:  # the first round fills the bytecode cache
                    runs[folder].append(run)
    finally:
        shutil.rmtree(pycache, ignore_errors=True)
    big, empty = runs[big_dir], runs[empty_dir]
    return [
        Figure(
            f"start-up to first frame, {size}",
            [run.total_ms for run in big],
            "empty journal",
            [run.total_ms for run in empty],
            "≤ 1.15×",
        ),
        Figure(
            f"start-up CPU time, {size}",
            [run.cpu_ms for run in big],
            "empty journal",
            [run.cpu_ms for run in empty],
        ),
    ]


def measure_memory(data_dir: Path, environment: dict[str, str]) -> dict[str, object]:
    """The app on ``data_dir`` with the Journal section shown, in a child of its own."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child-page", str(data_dir)]
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
        return {"problem": f"the journal page did not open within {CHILD_TIMEOUT_SECONDS} s"}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            found: dict[str, object] = json.loads(line[len("RESULT ") :])
            return found
    return {"problem": f"exit status {done.returncode}: {done.stderr[-2000:]}"}


def child_page(data_dir: str) -> int:
    """In the child: start the app, show the Journal section after the first frame, report."""
    import resource

    from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

    import mtcalm.cli
    import mtcalm.ui.app as app_module

    def peak_mb() -> float:
        # VmHWM is this program's own peak; ru_maxrss also counts the parent's size at the
        # fork before exec, which after in-process figures is larger than the app.
        with contextlib.suppress(OSError, ValueError):
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    found: dict[str, object] = {}
    create = app_module.create_main_window

    def create_and_watch(*args: object, **kwargs: object) -> object:
        window = create(*args, **kwargs)  # type: ignore[arg-type]

        class Watch(QObject):
            def __init__(self) -> None:
                super().__init__(window)
                self.waiting_for: QObject | None = window
                self.asked = 0.0

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if watched is self.waiting_for and event.type() == QEvent.Type.Paint:
                    self.waiting_for = None
                    QTimer.singleShot(0, self.painted)
                return False

            def painted(self) -> None:
                if self.asked == 0.0:
                    found["first_frame_peak_mb"] = round(peak_mb(), 1)
                    QTimer.singleShot(SETTLE_MS, self.show_journal)  # once the sound is open
                    return
                found["journal_page_painted_ms"] = round(
                    (time.perf_counter() - self.asked) * 1000, 1
                )
                QTimer.singleShot(SETTLE_MS, self.settled)

            def show_journal(self) -> None:
                self.asked = time.perf_counter()
                window.show_section("journal")
                found["show_section_ms"] = round((time.perf_counter() - self.asked) * 1000, 1)
                page = window.pages.currentWidget()
                assert page is not None
                found["page"] = type(page).__name__
                page.installEventFilter(self)
                self.waiting_for = page
                page.update()

            def settled(self) -> None:
                found["journal_page_peak_mb"] = round(peak_mb(), 1)
                QCoreApplication.quit()

        window.installEventFilter(Watch())
        return window

    app_module.create_main_window = create_and_watch  # type: ignore[assignment]
    status = mtcalm.cli.main(["--data-dir", data_dir])
    print("RESULT " + json.dumps(found), flush=True)
    return status


def measure_homework_parts(
    arguments: argparse.Namespace, big: Path, work: Path, memory: dict[str, object]
) -> list[Figure]:
    """The homework parts (``journal_homework.py``) on a copy with two programmes in it; the
    review's peak memory goes into ``memory["review"]``.
    """
    import journal_homework
    import startup

    started = time.perf_counter()
    copy = journal_homework.with_programmes(big, work)
    print(f"programmes imported into a copy in {time.perf_counter() - started:.1f} s")
    figures: list[Figure] = []
    if "programmes" in arguments.only:
        figures.append(journal_homework.measure_programmes(copy, arguments.rounds))
    if "homework-exports" in arguments.only:
        figures += journal_homework.measure_exports(copy, work, arguments.rounds)
    if "review" in arguments.only:
        export = journal_homework.export_for_review(copy, work)
        print(f"JSON export: {export.stat().st_size / 1e6:.1f} MB")
        environment = startup.child_environment("offscreen", work / "pycache")
        memory["review"] = journal_homework.review_memory(export, environment)
        figures += journal_homework.measure_review(copy, export, arguments.rounds)
    return figures


def print_figures(figures: list[Figure]) -> None:
    print(f"\n{'what':44s}{'mtcalm ms':>11s}{'floor ms':>10s}{'ratio':>8s}  floor, goal")
    for figure in figures:
        ours = statistics.median(figure.mtcalm)
        line = f"{figure.name:44s}{ours:11.1f}"
        if figure.floor:
            theirs = statistics.median(figure.floor)
            line += f"{theirs:10.1f}{ours / theirs:7.2f}×  {figure.floor_name}"
        else:
            line += " " * 20
        print(line + (f"; goal {figure.goal}" if figure.goal else ""))


def prepare(arguments: argparse.Namespace, work: Path) -> tuple[Path, Path]:
    """The big journal's data folder and an empty one."""
    big_dir: Path = arguments.data_dir or work / "big"
    if arguments.data_dir is None:
        from make_journal import generate

        started = time.perf_counter()
        generate(big_dir, arguments.sessions, arguments.seed)
        print(f"made {arguments.sessions:,} sessions in {time.perf_counter() - started:.1f} s")
    empty_dir = work / "empty"
    empty_dir.mkdir(mode=0o700)
    Journal.open(empty_dir / "journal.sqlite3").close()
    return big_dir, empty_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=9, help="rounds of each in-process figure")
    parser.add_argument("--starts", type=int, default=7, help="measured starts of each folder")
    parser.add_argument("--data-dir", type=Path, help="a folder made by make_journal.py")
    parser.add_argument(
        "--only",
        nargs="+",
        default=PARTS,
        choices=PARTS + HOMEWORK_PARTS,
        help="measure only these (default all but " + ", ".join(HOMEWORK_PARTS) + ")",
    )
    parser.add_argument("--json", type=Path, metavar="FILE")
    parser.add_argument("--child-page", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.child_page:
        return child_page(arguments.child_page)
    about = machine({"pyside6": "PySide6-Essentials"}) | {"sqlite": sqlite3.sqlite_version}
    print(
        f"revision {git_revision(HERE.parent)}; " + ", ".join(f"{k} {v}" for k, v in about.items())
    )
    work = Path(tempfile.mkdtemp(prefix="mtcalm-journal-bench-"))
    try:
        big_dir, empty_dir = prepare(arguments, work)
        big = big_dir / "journal.sqlite3"
        size_mb = big.stat().st_size / 1e6
        with Journal.open(big) as journal:
            size = f"{journal.summary().sessions:,}"
        print(f"journal: {size} sessions, {size_mb:.1f} MB; medians of {arguments.rounds} rounds")
        figures: list[Figure] = []
        memory: dict[str, object] = {}
        if "save" in arguments.only:
            saves = work / "saves.sqlite3"  # writes go to a copy: the journal stays as made
            shutil.copyfile(big, saves)
            figures.append(measure_save(saves, arguments.rounds))
        if "open" in arguments.only:
            figures += measure_open(big, empty_dir / "journal.sqlite3", arguments.rounds, size)
        if "page" in arguments.only:
            figures += measure_first_page(big, arguments.rounds)
        if "exports" in arguments.only:
            figures += measure_exports_and_charts(big, work, arguments.rounds)
        if "homework" in arguments.only:
            programme = work / "homework.sqlite3"  # the programme goes into a copy
            shutil.copyfile(big, programme)
            figures.append(measure_homework(programme, arguments.rounds))
        if "startup" in arguments.only:
            figures += measure_startup(big_dir, empty_dir, arguments.starts, size)
        if set(HOMEWORK_PARTS) & set(arguments.only):
            figures += measure_homework_parts(arguments, big, work, memory)
        print_figures(figures)
        if "review" in memory:
            print("\nreading the JSON export for review (peak resident memory of a child):")
            for label, found in dict(memory["review"]).items():  # type: ignore[call-overload]
                print(f"  {label:>7s}: {found}")
        if "memory" in arguments.only:
            import startup

            environment = startup.child_environment("offscreen", work / "pycache")
            measure_memory(empty_dir, environment)  # fills the bytecode cache, as an install has
            pages = {
                size: measure_memory(big_dir, environment),
                "empty": measure_memory(empty_dir, environment),
            }
            memory.update(pages)
            print("\nthe app with the Journal section shown (peak resident memory, goal ≤ 150 MB):")
            for label, found in pages.items():
                print(f"  {label:>7s}: {found}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"load average at the end: {load_average()}")
    if arguments.json:
        document = {
            "sessions": arguments.sessions,
            "size_mb": size_mb,
            "machine": about,
            "revision": git_revision(HERE.parent),
            "figures": [asdict(figure) for figure in figures],
            "memory": memory,
        }
        arguments.json.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
