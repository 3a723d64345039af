"""Soak benchmark: SIGKILL real writers of the journal at random moments, lose no commit.

Each round starts ``benchmarks/_soak_child.py`` on the same data folder (the journal keeps
growing). The child writes sessions as the app does, each step its own commit, and every few
sessions makes a manual backup on a background thread while it goes on writing. It prints a
line for every call only after the call returned: those are the acknowledged commits. This
process kills it with SIGKILL at a random moment, aimed one of three ways:

- **opening**: during start-up or ``Journal.open``;
- **writing**: a random time after the journal is open (a backup may be running);
- **backup**: a random time after a backup started, within its usual length.

After every kill, before the next child starts, it checks, as the app would on its next start:

- the journal with ``inspect_journal(thorough=True)`` (``integrity_check``, read-only, with the
  ``-wal`` the dead child left), then ``Journal.open`` (no notice, such as a ``-wal`` set
  aside, is allowed) and ``sessions()``: every acknowledged commit must be there with at least
  the acknowledged values, and nothing seen after an earlier kill may have gone;
- every new file in ``backups/`` that ``parse_backup_name`` accepts (a finished backup): it
  must open read-only, pass ``inspect_journal(thorough=True)``, be a single file, and hold
  every commit acknowledged before its backup started;
- temporary files (``.NAME.partial-PID-TOKEN``) left by the kill: none may be taken for a
  backup, and ``remove_stale_partials`` must leave none behind at the end.

Backups this run made are deleted once checked, keeping the newest few, to bound the disk
space (the app never prunes manual copies). The journal is seeded with ~9 MB of sessions with
notes first, so a backup takes measurable time.

    .venv/bin/python benchmarks/soak.py [--kills 200] [--seed S] [--data-dir DIR] [--json]

With ``--json`` one JSON document goes to stdout and the summary to stderr. The exit status is
1 when a commit was lost, a check failed or a child stopped by itself. This is a benchmark,
never a test: it is not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from _machine import git_revision, load_average, machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHILD = HERE / "_soak_child.py"

sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from mtcalm.checkin import CheckIn, Phase  # noqa: E402
from mtcalm.datadir import PARTIAL_MARK, remove_stale_partials  # noqa: E402
from mtcalm.journal.backups import parse_backup_name  # noqa: E402
from mtcalm.journal.file import BACKUPS_FOLDER, JournalError  # noqa: E402
from mtcalm.journal.restore import inspect_journal  # noqa: E402
from mtcalm.journal.store import Journal, Outcome, SessionRecord  # noqa: E402

JOURNAL_NAME = "journal.sqlite3"
SEED_SESSIONS = 2000
SEED_NOTE_LENGTH = 3000  # characters: ~9 MB of journal before the first kill
BACKUP_EVERY = 20  # sessions between a child's backups
MODES = {"opening": 0.1, "writing": 0.45, "backup": 0.45}  # how kills are aimed
WRITING_SECONDS = 0.6  # a "writing" kill comes up to this long after the journal is open
READY_TIMEOUT_SECONDS = 30.0
BACKUP_WAIT_SECONDS = 5.0  # a "backup" kill waits this long at most for a backup to start
KEEP_BACKUPS = 5  # checked backups of this run kept on disk
SHOWN_PROBLEMS = 50


@dataclass
class Expected:
    """What the journal must hold of one session: acknowledged, or seen after an earlier kill."""

    ref: str
    before: tuple[int | None, int] | None  # distress, CRC-32 of the note
    seconds: float = 0.0
    outcome: str = Outcome.IN_PROGRESS.value
    after: tuple[int | None] | None = None  # (distress,) once an after check-in is known
    writes: int = 0  # acknowledged commits


Snapshot = dict[int, tuple[float, str, bool]]  # id → seconds, outcome, has an after check-in


@dataclass
class Figures:
    """Everything counted over the run."""

    kills: int = 0
    aimed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODES, 0))
    killed_before_ready: int = 0
    killed_during_backup: int = 0
    commits_acknowledged: int = 0
    sessions_started: int = 0
    journal_checks: int = 0
    commits_unacknowledged: int = 0  # found committed though the child had not said so
    commits_lost: int = 0
    integrity_failures: int = 0
    child_errors: int = 0
    backups_started: int = 0
    backups_finished: int = 0
    backups_failed: int = 0
    backups_checked: int = 0
    backups_bad: int = 0
    backups_finished_after_kill: int = 0  # on disk though the child never said it was done
    partials_after_kills: int = 0
    partials_taken_for_backups: int = 0
    partials_left_at_end: int = 0
    stray_files: int = 0
    ready_seconds: list[float] = field(default_factory=list)
    backup_seconds: list[float] = field(default_factory=list)
    check_seconds: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backup_failures: list[str] = field(default_factory=list)


class Child:
    """A running ``_soak_child.py`` whose lines are read, as they come, on a thread."""

    def __init__(self, journal: Path, seed: int) -> None:
        self.spawned = time.perf_counter()
        self.process = subprocess.Popen(
            [sys.executable, str(CHILD), str(journal), str(seed), str(BACKUP_EVERY)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.ready_at: float | None = None
        self.backup_starts = 0
        self.ended = False
        self.torn_line = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        for line in stream:
            with self._changed:
                if not line.endswith("\n"):  # cannot happen: each line is one write
                    self.torn_line = True
                    break
                self.lines.append(line[:-1])
                if line == "ready\n":
                    self.ready_at = time.perf_counter()
                elif line.startswith("backup-start "):
                    self.backup_starts += 1
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Wait until ``condition()`` holds (under the lock) or the child's output ended."""
        with self._changed:
            return self._changed.wait_for(lambda: self.ended or condition(), timeout)

    def kill(self) -> tuple[bool, str]:
        """SIGKILL this child; whether it was still running, and what it wrote to stderr."""
        running = self.process.poll() is None
        if running:
            self.process.kill()  # SIGKILL, to this child's own pid
        self.process.wait()
        self._reader.join()
        assert self.process.stderr is not None
        errors = self.process.stderr.read()
        self.process.stderr.close()
        assert self.process.stdout is not None
        self.process.stdout.close()
        return running, errors


# -- the journal -------------------------------------------------------------------------------


def seed_journal(journal_path: Path, generator: random.Random) -> None:
    """A new journal with enough sessions (and notes) that a backup takes a while."""
    letters = string.ascii_letters + "     "
    with Journal.open(journal_path, create=True) as journal:
        for number in range(SEED_SESSIONS):
            note = "".join(generator.choices(letters, k=SEED_NOTE_LENGTH))
            before = CheckIn(Phase.BEFORE, {"distress": number % 11}, note=note)
            journal.start_session(f"seed-{number}", f"Seed {number}", before)


def as_expected(record: SessionRecord) -> Expected:
    """What a session seen in the journal must go on holding."""
    before = None
    if record.before is not None:
        before = (record.before.value("distress"), zlib.crc32(record.before.note.encode()))
    after = None if record.after is None else (record.after.value("distress"),)
    return Expected(
        record.content_ref, before, record.listened_seconds, record.outcome.value, after
    )


def compare(session_id: int, wanted: Expected, record: SessionRecord | None) -> list[str]:
    """Each acknowledged or seen write of one session the journal no longer shows."""
    if record is None:
        return [f"session {session_id} ({wanted.ref}) is missing"]
    lost = []
    found = as_expected(record)
    if found.ref != wanted.ref or (wanted.before is not None and found.before != wanted.before):
        lost.append(f"session {session_id}: start or before check-in differs ({found.ref})")
    if found.seconds < wanted.seconds:
        lost.append(
            f"session {session_id}: listened {found.seconds} s, acknowledged {wanted.seconds} s"
        )
    if wanted.outcome != Outcome.IN_PROGRESS.value and found.outcome != wanted.outcome:
        lost.append(f"session {session_id}: outcome {found.outcome}, acknowledged {wanted.outcome}")
    if wanted.after is not None and found.after != wanted.after:
        lost.append(f"session {session_id}: after check-in {found.after}, wanted {wanted.after}")
    return lost


def snapshot(expected: dict[int, Expected]) -> Snapshot:
    return {
        session_id: (entry.seconds, entry.outcome, entry.after is not None)
        for session_id, entry in expected.items()
    }


# -- backups -----------------------------------------------------------------------------------


def check_backup(path: Path, wanted: Snapshot | None) -> str | None:
    """Why the finished backup at ``path`` is not a whole, checked copy; None when it is."""
    try:
        inspect_journal(path, thorough=True)
    except JournalError as error:
        return f"{path.name}: {error.long}"
    with path.open("rb") as handle:
        header = handle.read(20)
    if header[18:20] != b"\x01\x01":
        return f"{path.name}: not a single file (header says WAL)"
    for suffix in ("-wal", "-journal", "-shm"):
        if path.with_name(path.name + suffix).exists():
            return f"{path.name}: a {suffix} file lies beside it"
    if wanted is None:
        return None
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        rows = {
            row[0]: (row[1], row[2])
            for row in connection.execute("SELECT id, listened_seconds, outcome FROM sessions")
        }
        afters = {
            row[0]
            for row in connection.execute("SELECT session_id FROM checkins WHERE phase = 'after'")
        }
    except sqlite3.Error as error:
        return f"{path.name}: could not be read ({error})"
    finally:
        connection.close()
    for session_id, (seconds, outcome, has_after) in wanted.items():
        row = rows.get(session_id)
        if (
            row is None
            or row[0] < seconds
            or (outcome != Outcome.IN_PROGRESS.value and row[1] != outcome)
            or (has_after and session_id not in afters)
        ):
            return (
                f"{path.name}: session {session_id} is missing or older than acknowledged before "
                "the backup started"
            )
    return None


def partials(folder: Path) -> list[Path]:
    try:
        return sorted(path for path in folder.iterdir() if PARTIAL_MARK in path.name)
    except OSError:
        return []


# -- the run -----------------------------------------------------------------------------------


class Soak:
    """The kills, the checks after each, and what they found."""

    def __init__(self, data_dir: Path, generator: random.Random, log: TextIO) -> None:
        self.data_dir = data_dir
        self.journal_path = data_dir / JOURNAL_NAME
        self.backups_dir = data_dir / BACKUPS_FOLDER
        self.generator = generator
        self.log = log
        self.figures = Figures()
        self.expected: dict[int, Expected] = {}
        self.snapshots: dict[str, Snapshot] = {}  # backup name → what it must hold
        self.checked: set[str] = set()
        self.ours: list[Path] = []  # backups this run made, oldest first
        self.known_partials: set[str] = set()
        self.reported: set[str] = set()
        self.lost: set[str] = set()

    def problem(self, text: str) -> None:
        if text not in self.reported:
            self.reported.add(text)
            self.figures.problems.append(text)

    def prepare(self) -> tuple[int, int]:
        """Create (and seed) the journal, or take what an existing one holds as the baseline."""
        if not self.journal_path.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            seed_journal(self.journal_path, self.generator)
        with Journal.open(self.journal_path, create=False) as journal:
            for record in journal.sessions():
                self.expected[record.id] = as_expected(record)
        return len(self.expected), self.journal_path.stat().st_size

    def run(self, kills: int) -> None:
        started = time.perf_counter()
        for number in range(1, kills + 1):
            self.one_kill()
            if not self.check_all():
                self.problem("the journal could not be opened: the run stopped here")
                break
            if number % 20 == 0 or number == kills:
                figures = self.figures
                print(
                    f"  {number:>4} kills, {time.perf_counter() - started:6.1f} s: "
                    f"{figures.commits_acknowledged} commits acknowledged, "
                    f"{figures.killed_during_backup} kills during a backup, "
                    f"lost {figures.commits_lost}, failures {figures.integrity_failures}",
                    file=self.log,
                    flush=True,
                )

    def one_kill(self) -> None:
        """Start a child, kill it where the aim says, and take in what it acknowledged."""
        figures = self.figures
        mode = self.generator.choices(list(MODES), weights=list(MODES.values()))[0]
        figures.aimed[mode] += 1
        child = Child(self.journal_path, self.generator.randrange(1 << 31))
        if mode == "opening":
            usual = statistics.median(figures.ready_seconds) if figures.ready_seconds else 0.15
            time.sleep(self.generator.uniform(0, usual))
        else:
            child.wait_for(lambda: child.ready_at is not None, READY_TIMEOUT_SECONDS)
            if mode == "writing":
                time.sleep(self.generator.uniform(0, WRITING_SECONDS))
            else:
                child.wait_for(lambda: child.backup_starts > 0, BACKUP_WAIT_SECONDS)
                usual = statistics.median(figures.backup_seconds[-50:] or [0.2])
                time.sleep(self.generator.uniform(0, 1.2 * usual))
        running, errors = child.kill()
        figures.kills += 1
        if child.ready_at is not None:
            figures.ready_seconds.append(child.ready_at - child.spawned)
        if not running or child.torn_line:
            figures.child_errors += 1
            self.problem(
                f"a child stopped by itself (exit status {child.process.returncode}): "
                f"{errors.strip()[-800:]}"
            )
        self.take_in(child.lines)

    def take_in(self, lines: list[str]) -> None:
        """Add what the child acknowledged, in order, to what the journal must hold."""
        figures = self.figures
        if "ready" not in lines:
            figures.killed_before_ready += 1
        in_backup: str | None = None
        for line in lines:
            kind, *rest = line.split(" ")
            if kind == "start":
                session_id, ref, distress, _, crc = rest
                self.expected[int(session_id)] = Expected(ref, (int(distress), int(crc)))
                figures.sessions_started += 1
            elif kind in ("progress", "finish", "after"):
                entry = self.expected[int(rest[0])]
                if kind == "progress":
                    entry.seconds = max(entry.seconds, float(rest[1]))
                elif kind == "finish":
                    entry.outcome, entry.seconds = rest[1], max(entry.seconds, float(rest[2]))
                else:
                    entry.after = (int(rest[1]),)
            elif kind == "backup-start":
                in_backup = rest[0]
                path = Path(rest[0])  # a name not in use: a pruned or unfinished one's, maybe
                self.snapshots[path.name] = snapshot(self.expected)
                self.checked.discard(path.name)
                if path in self.ours:
                    self.ours.remove(path)
                self.ours.append(path)
                figures.backups_started += 1
                continue
            elif kind == "backup-done":
                in_backup = None
                figures.backups_finished += 1
                figures.backup_seconds.append(float(rest[1]))
                continue
            elif kind == "backup-failed":
                in_backup = None
                figures.backups_failed += 1
                figures.backup_failures.append(" ".join(rest[1:]))
                continue
            else:
                continue
            self.expected[int(rest[0])].writes += 1
            figures.commits_acknowledged += 1
        if in_backup is not None:
            figures.killed_during_backup += 1
            if Path(in_backup).exists():
                figures.backups_finished_after_kill += 1

    def check_all(self) -> bool:
        """Check the journal and the backups as the dead child left them; False: cannot go on."""
        began = time.perf_counter()
        self.check_backups()
        usable = self.check_journal()
        self.figures.check_seconds.append(time.perf_counter() - began)
        return usable

    def failure(self, text: str) -> None:
        self.figures.integrity_failures += 1
        self.problem(text)

    def check_journal(self) -> bool:
        figures = self.figures
        figures.journal_checks += 1
        try:
            inspect_journal(self.journal_path, thorough=True)
        except JournalError as error:
            self.failure(f"after kill {figures.kills} the journal failed its check: {error.long}")
        try:
            journal = Journal.open(self.journal_path, create=False)
        except JournalError as error:
            self.failure(f"after kill {figures.kills} the journal did not open: {error.long}")
            return False
        try:
            for notice in journal.notices:
                self.failure(f"after kill {figures.kills} opening the journal said: {notice}")
            records = {record.id: record for record in journal.sessions()}
        finally:
            journal.close()
        for session_id, wanted in self.expected.items():
            for lost in compare(session_id, wanted, records.get(session_id)):
                if lost not in self.lost:  # counted once, when first found
                    self.lost.add(lost)
                    figures.commits_lost += max(1, wanted.writes) if "missing" in lost else 1
                    self.problem(f"after kill {figures.kills}: {lost}")
        for session_id, record in records.items():  # seen now: must stay, at least as it is
            seen = as_expected(record)
            known = self.expected.get(session_id)
            if known is None or seen.seconds > known.seconds or seen.after != known.after:
                figures.commits_unacknowledged += 1  # the kill came between commit and print
            wanted = self.expected.setdefault(session_id, seen)
            wanted.seconds = max(wanted.seconds, seen.seconds)
            if seen.outcome != Outcome.IN_PROGRESS.value:
                wanted.outcome = seen.outcome
            wanted.after = seen.after or wanted.after
        return True

    def check_backups(self) -> None:
        figures = self.figures
        for path in partials(self.backups_dir) + partials(self.data_dir):
            if path.name not in self.known_partials:
                self.known_partials.add(path.name)
                figures.partials_after_kills += 1
            if parse_backup_name(path) is not None:
                figures.partials_taken_for_backups += 1
                self.failure(f"the temporary file {path.name} is taken for a backup")
        try:
            names = sorted(entry.name for entry in os.scandir(self.backups_dir))
        except OSError:
            names = []
        for name in names:
            path = self.backups_dir / name
            if name in self.checked or PARTIAL_MARK in name:
                continue
            self.checked.add(name)
            if parse_backup_name(path) is None:
                figures.stray_files += 1
                self.failure(f"{name} in the backups folder is neither a backup nor temporary")
                continue
            figures.backups_checked += 1
            why = check_backup(path, self.snapshots.get(name))
            if why is not None:
                figures.backups_bad += 1
                self.failure(f"after kill {figures.kills} a finished backup is bad: {why}")
        self.prune()

    def prune(self) -> None:
        """Delete this run's checked backups but the newest few (only for the disk's sake)."""
        checked = [path for path in self.ours if path.name in self.checked]
        for path in checked[:-KEEP_BACKUPS]:
            path.unlink(missing_ok=True)
            self.ours.remove(path)

    def finish(self) -> None:
        """Every temporary file of a dead child must go with ``remove_stale_partials``."""
        for folder in (self.backups_dir, self.data_dir):
            remove_stale_partials(folder)
            left = partials(folder)
            self.figures.partials_left_at_end += len(left)
            for path in left:
                self.failure(f"remove_stale_partials left {path.name}")


# -- reporting ---------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {
        "median": round(statistics.median(values), 4),
        "max": round(max(values), 4),
        "count": len(values),
    }


def summary_lines(document: dict[str, Any]) -> list[str]:
    """The short human summary of the JSON document."""
    f = document["figures"]
    about = document["machine"]
    aimed = f["aimed"]
    backup = document["backup_seconds"]
    verdict = "PASS" if document["passed"] else "FAIL"
    lines = [
        f"mtcalm soak, revision {document['revision']}, seed {document['seed']}: "
        f"{about['cpus']} CPUs, Python {about['python']}, SQLite {about['sqlite']}, "
        f"load average {about['load_average']}",
        f"  kills (SIGKILL): {f['kills']} (aimed: {aimed['opening']} opening, "
        f"{aimed['writing']} writing, {aimed['backup']} at a backup); "
        f"{f['killed_during_backup']} landed during a backup, "
        f"{f['killed_before_ready']} before the journal was open",
        f"  committed writes acknowledged and verified: {f['commits_acknowledged']} "
        f"(in {f['sessions_started']} sessions), every one re-checked after each later kill; "
        f"journal checks: {f['journal_checks']}; sessions found further on than acknowledged "
        f"(killed between commit and print): {f['commits_unacknowledged']}",
        f"  commits lost: {f['commits_lost']}",
        f"  integrity failures: {f['integrity_failures']}",
        f"  finished backups checked: {f['backups_checked']}, bad (did not open or check): "
        f"{f['backups_bad']}; made {f['backups_finished']} "
        f"(+{f['backups_finished_after_kill']} finished but killed before saying so), "
        f"failed {f['backups_failed']}; median {backup.get('median', 0):.2f} s, "
        f"max {backup.get('max', 0):.2f} s while writing",
        f"  temporary files left by kills: {f['partials_after_kills']}, taken for a backup: "
        f"{f['partials_taken_for_backups']}, left after remove_stale_partials: "
        f"{f['partials_left_at_end']}; stray files: {f['stray_files']}",
        f"  child errors: {f['child_errors']}",
        f"  journal: {document['journal']['sessions_at_start']} → "
        f"{document['journal']['sessions_at_end']} sessions, "
        f"{document['journal']['mb_at_start']:.1f} → {document['journal']['mb_at_end']:.1f} MB",
        f"  took {document['seconds']:.1f} s; data folder {document['data_dir']}"
        + ("" if document["data_dir_kept"] else " (removed)"),
    ]
    lines += [f"  problem: {text}" for text in document["problems"][:SHOWN_PROBLEMS]]
    if document["backup_failures"]:
        lines.append(f"  a backup failed (not a fault in itself): {document['backup_failures'][0]}")
    lines.append(f"RESULT: {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--kills", type=int, default=200, help="SIGKILLs (default 200)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: any)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="data folder (default: a temporary one)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    arguments = parser.parse_args(argv)
    if arguments.kills < 1:
        parser.error("--kills must be at least 1")
    seed = arguments.seed if arguments.seed is not None else random.SystemRandom().randrange(10**9)
    log = sys.stderr if arguments.json else sys.stdout
    temporary = arguments.data_dir is None
    data_dir = (
        Path(tempfile.mkdtemp(prefix="mtcalm-soak-"))
        if arguments.data_dir is None
        else arguments.data_dir.absolute()
    )
    about = {**machine({}), "sqlite": sqlite3.sqlite_version}
    revision = git_revision(ROOT)
    print(
        f"soak: {arguments.kills} kills, seed {seed}, data folder {data_dir}, "
        f"revision {revision}, {about['cpus']} CPUs, load average {about['load_average']}",
        file=log,
        flush=True,
    )
    started = time.perf_counter()
    soak = Soak(data_dir, random.Random(seed), log)
    sessions_at_start, size_at_start = soak.prepare()
    soak.run(arguments.kills)
    soak.finish()
    seconds = time.perf_counter() - started
    figures = soak.figures
    passed = not (figures.commits_lost or figures.integrity_failures or figures.child_errors)
    kept = not (temporary and passed)
    document: dict[str, Any] = {
        "benchmark": "soak",
        "passed": passed,
        "kills_asked": arguments.kills,
        "seed": seed,
        "revision": revision,
        "machine": about,
        "load_average_at_end": load_average(),
        "data_dir": str(data_dir),
        "data_dir_kept": kept,
        "seconds": round(seconds, 2),
        "journal": {
            "sessions_at_start": sessions_at_start,
            "sessions_at_end": len(soak.expected),
            "mb_at_start": size_at_start / 1e6,
            "mb_at_end": soak.journal_path.stat().st_size / 1e6,
        },
        "figures": {
            key: value
            for key, value in vars(figures).items()
            if not isinstance(value, list) or key == "aimed"
        },
        "seconds_to_ready": spread(figures.ready_seconds),
        "backup_seconds": spread(figures.backup_seconds),
        "check_seconds": spread(figures.check_seconds),
        "problems": figures.problems,
        "backup_failures": figures.backup_failures,
    }
    for line in summary_lines(document):
        print(line, file=log)
    if arguments.json:
        print(json.dumps(document, indent=2))
    if not kept:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
