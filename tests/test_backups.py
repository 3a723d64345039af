"""Backups: a copy that exists is whole; a failed or killed copy leaves nothing that looks real."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.datadir import DISK_FULL, remove_stale_partials
from mtcalm.journal import backups as backups_module
from mtcalm.journal.backups import (
    Backup,
    BackupFailed,
    BackupKind,
    BackupStopped,
    daily_copies_to_remove,
    list_backups,
    make_daily_backup,
    manual_backup,
    parse_backup_name,
    write_backup,
)
from mtcalm.journal.file import SCHEMA_STEPS, JournalWriteFailed
from mtcalm.journal.store import Journal
from tests.conftest import DiskMaker, fill_disk
from tests.legacy_journals import write_old_session

NOTE = "A note long enough to give the journal some pages. " * 20


def journal_with(path: Path, sessions: int, *, steps: int = len(SCHEMA_STEPS)) -> list[int]:
    before = CheckIn(Phase.BEFORE, {"distress": 5}, note=NOTE)
    with Journal.open(path, schema_steps=SCHEMA_STEPS[:steps]) as journal:
        if steps < len(SCHEMA_STEPS):  # written as that older version did
            return [
                write_old_session(journal, "playlist:a", f"Session {index}", before)
                for index in range(sessions)
            ]
        return [
            journal.start_session("playlist:a", f"Session {index}", before)
            for index in range(sessions)
        ]


def titles(path: Path) -> list[str]:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute("SELECT content_title FROM sessions ORDER BY id").fetchall()
    finally:
        connection.close()
    return [str(row[0]) for row in rows]


def integrity(path: Path) -> str:
    connection = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    return data_dir / "journal.sqlite3"


def test_a_backup_is_one_checked_owner_only_file_with_everything(
    journal_path: Path, tmp_path: Path
) -> None:
    journal_with(journal_path, 20)
    journal = Journal.open(journal_path)  # left open, as in a running app
    journal._connection.execute("PRAGMA wal_autocheckpoint = 0")
    journal.start_session("playlist:b", "Only in the -wal", CheckIn(Phase.BEFORE))
    assert journal_path.with_name("journal.sqlite3-wal").stat().st_size > 0

    copy = write_backup(journal_path, tmp_path / "copy.sqlite3")
    journal.close()

    assert copy == tmp_path / "copy.sqlite3"
    assert sorted(path.name for path in tmp_path.iterdir() if "copy" in path.name) == [
        "copy.sqlite3"
    ]
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert titles(copy)[-1] == "Only in the -wal" and len(titles(copy)) == 21
    assert integrity(copy) == "ok"
    raw = sqlite3.connect(copy)
    assert raw.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # no -wal to carry
    raw.close()


def test_a_backup_never_replaces_a_file(journal_path: Path, tmp_path: Path) -> None:
    journal_with(journal_path, 2)
    there = tmp_path / "there.sqlite3"
    there.write_bytes(b"someone's own file")
    with pytest.raises(BackupFailed, match="never replaces"):
        write_backup(journal_path, there)
    assert there.read_bytes() == b"someone's own file"


def test_a_damaged_journal_gives_no_backup_and_leaves_nothing(journal_path: Path) -> None:
    journal_with(journal_path, 40)
    data = bytearray(journal_path.read_bytes())
    data[4096 * 2 : 4096 * 3] = b"\xa5" * 4096
    journal_path.write_bytes(bytes(data))
    folder = journal_path.parent / "backups"
    with pytest.raises(BackupFailed) as raised:
        manual_backup(journal_path)
    assert raised.value.unreadable
    assert "damaged" in raised.value.long
    assert list(folder.iterdir()) == []


def test_a_full_disk_gives_a_plain_reason_and_leaves_nothing(
    small_disk: DiskMaker, journal_path: Path
) -> None:
    journal_with(journal_path, 800)  # about 1 MB
    disk = small_disk(512)
    with pytest.raises(BackupFailed) as raised:
        write_backup(journal_path, disk / "backups" / "copy.sqlite3")
    assert raised.value.long == DISK_FULL
    assert list((disk / "backups").iterdir()) == []


def test_an_upgrade_on_a_full_disk_makes_no_backups_however_often_it_is_tried(
    small_disk: DiskMaker,
) -> None:
    disk = small_disk(8192)
    path = disk / "journal.sqlite3"
    journal_with(path, 150, steps=1)
    fill_disk(disk, leave=64 * 1024)
    for _ in range(3):  # three starts of the app
        with pytest.raises(JournalWriteFailed) as raised:
            Journal.open(path)
        assert "disk is full" in raised.value.long.lower()
    assert list((disk / "backups").iterdir()) == []
    with Journal.open(path, schema_steps=SCHEMA_STEPS[:1], create=False) as journal:
        assert journal.schema_version == 1
    assert len(titles(path)) == 150


# A child that makes a backup and waits, half-way through the copy, to be killed.
BACKUP_THEN_WAIT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mtcalm.journal import backups

    journal, kind = Path(sys.argv[1]), sys.argv[2]
    copy = backups._copy

    def slow_copy(source, temporary, should_stop):
        copy(source, temporary, should_stop)
        print("copied", flush=True)
        time.sleep(60)

    check = backups._check_copy

    def slow_check(temporary, source):
        check(temporary, source)
        print("checked", flush=True)
        time.sleep(60)

    if kind == "copy":
        backups._copy = slow_copy
    else:
        backups._check_copy = slow_check
    if kind == "upgrade":
        from mtcalm.journal.store import Journal
        Journal.open(journal)
    else:
        backups.manual_backup(journal)
    """
)


@pytest.mark.parametrize(
    ("kind", "line"), [("copy", "copied"), ("check", "checked"), ("upgrade", "checked")]
)
def test_a_backup_killed_part_way_leaves_nothing_that_looks_like_one(
    journal_path: Path, kind: str, line: str
) -> None:
    journal_with(journal_path, 100, steps=1 if kind == "upgrade" else len(SCHEMA_STEPS))
    child = subprocess.Popen(
        [sys.executable, "-c", BACKUP_THEN_WAIT, str(journal_path), kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        said = child.stdout.readline().strip()
        assert said == line, child.stderr.read() if child.stderr else said
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    folder = journal_path.parent / "backups"
    assert list_backups(folder) == []
    leftovers = [path.name for path in folder.iterdir()]
    assert leftovers and all(".partial-" in name for name in leftovers), leftovers
    assert all(not name.endswith(".sqlite3") for name in leftovers)

    remove_stale_partials(folder)  # the next backup or start cleans up after the dead
    assert list(folder.iterdir()) == []
    if kind == "upgrade":  # the journal was not upgraded without its backup
        with Journal.open(journal_path, schema_steps=SCHEMA_STEPS[:1], create=False) as old:
            assert old.schema_version == 1
        with Journal.open(journal_path) as upgraded:  # the next start upgrades, with a backup
            assert upgraded.schema_version == len(SCHEMA_STEPS)
        [backup] = list_backups(folder)
        assert backup.kind is BackupKind.UPGRADE and integrity(backup.path) == "ok"


def test_a_backup_asked_to_stop_stops_and_leaves_nothing(journal_path: Path) -> None:
    journal_with(journal_path, 400)
    folder = journal_path.parent / "backups"
    with pytest.raises(BackupStopped):
        write_backup(journal_path, folder / "copy.sqlite3", should_stop=lambda: True)
    assert list(folder.iterdir()) == []


def test_backup_names_are_read_back_and_others_ignored(tmp_path: Path) -> None:
    for name in (
        "journal-daily-20261201-093000.sqlite3",
        "journal-20261101-101010-manual-20261202-080000.sqlite3",
        "journal-v1-20240506-210000-1.sqlite3",
        "journal-before-restore-20261202-100000.sqlite3",
        "notes.txt",
        ".journal-daily-20261201-093000.sqlite3.partial-12-ab",
        "journal-daily-2026.sqlite3",
    ):
        (tmp_path / name).write_bytes(b"x")
    found = {(b.journal_stem, b.kind) for b in list_backups(tmp_path)}
    assert found == {
        ("journal", BackupKind.DAILY),
        ("journal-20261101-101010", BackupKind.MANUAL),
        ("journal", BackupKind.UPGRADE),
        ("journal", BackupKind.BEFORE_RESTORE),
    }
    newest = list_backups(tmp_path)[0]
    assert newest.made_at == datetime(2026, 12, 2, 10, 0, 0)


def daily(day: date, stem: str = "journal", kind: BackupKind = BackupKind.DAILY) -> Backup:
    moment = datetime(day.year, day.month, day.day, 21, 0)
    return Backup(
        Path(f"{stem}-{kind.value}-{moment:%Y%m%d-%H%M%S}.sqlite3"), stem, kind, moment, 1
    )


def test_seven_days_and_four_weeks_of_daily_copies_are_kept() -> None:
    today = date(2026, 12, 2)
    copies = [daily(today - timedelta(days=n)) for n in range(90)]
    by_hand = [daily(today - timedelta(days=200), kind=BackupKind.MANUAL)]
    other = [daily(today - timedelta(days=n), stem="journal-2") for n in range(30)]

    removed = set(daily_copies_to_remove([*copies, *by_hand, *other], "journal"))
    kept = [copy for copy in copies if copy not in removed]

    assert [copy.made_at.date() for copy in kept[:7]] == [
        today - timedelta(days=n) for n in range(7)
    ]
    weeks = [copy.made_at.date().isocalendar()[:2] for copy in kept[7:]]
    assert len(kept) == 11 and len(set(weeks)) == 4
    assert all(copy.made_at.date() < today - timedelta(days=6) for copy in kept[7:])
    assert not removed & set(by_hand) and not removed & set(other)


def test_gaps_keep_the_last_seven_days_that_had_a_copy() -> None:
    today = date(2026, 12, 2)
    copies = [daily(today - timedelta(days=3 * n)) for n in range(20)]
    removed = daily_copies_to_remove(copies, "journal")
    kept = [copy for copy in copies if copy not in removed]
    assert kept[:7] == copies[:7]
    assert len(kept) <= 11


def test_one_daily_copy_a_day_and_the_oldest_pruned(
    journal_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal_with(journal_path, 3)
    start = datetime(2026, 10, 1, 20, 0).astimezone()
    made = []
    for day in range(40):
        for hour in (0, 2):  # twice a day: one copy
            moment = start + timedelta(days=day, hours=hour)
            monkeypatch.setattr(backups_module, "now", lambda moment=moment: moment)
            made.append(make_daily_backup(journal_path))
    assert sum(1 for backup in made if backup is not None) == 40
    left = list_backups(journal_path.parent / "backups")
    assert len(left) == 11
    assert all(integrity(backup.path) == "ok" for backup in left)
    assert parse_backup_name(left[0].path) == left[0]


def test_the_backups_folder_is_owner_only(journal_path: Path) -> None:
    journal_with(journal_path, 1)
    made = manual_backup(journal_path)
    assert stat.S_IMODE(made.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


def test_a_journal_in_use_by_another_process_is_copied_consistently(
    journal_path: Path,
) -> None:
    journal_with(journal_path, 50)
    writer = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys
                from pathlib import Path
                from mtcalm.checkin import CheckIn, Phase
                from mtcalm.journal.store import Journal
                with Journal.open(Path(sys.argv[1])) as journal:
                    print("open", flush=True)
                    for n in range(400):
                        journal.start_session("playlist:w", f"w{n}", CheckIn(Phase.BEFORE))
                """
            ),
            str(journal_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "open"
    copies = [manual_backup(journal_path) for _ in range(5)]
    writer.wait(timeout=120)
    for copy in copies:
        assert integrity(copy) == "ok"
        assert len(titles(copy)) >= 50
    shutil.rmtree(journal_path.parent / "backups")
