"""How damage in the journal file is found: what opening checks (the same at any size), what
the check of every page finds off the start-up path, and that backups and restores still
refuse a damaged file.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from mtcalm.journal.backups import BackupFailed, make_daily_backup, write_backup
from mtcalm.journal.file import JournalUnreadable
from mtcalm.journal.integrity import (
    Verdict,
    check_whole_journal,
    whole_check_due,
)
from mtcalm.journal.restore import RestoreRefused, restore_journal
from mtcalm.journal.store import Journal

SESSIONS = 400  # enough for the bigger tables to be trees of more than one level


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    path = data_dir / "journal.sqlite3"
    fill(path, SESSIONS)
    return path


def fill(path: Path, sessions: int) -> None:
    """A journal of ``sessions`` sessions, written in one transaction, closed cleanly."""
    with Journal.open(path) as journal, journal.writing() as cursor:
        for number in range(1, sessions + 1):
            stamp = f"2024-01-01T08:00:{number % 60:02d}+01:00"
            cursor.execute(
                "INSERT INTO sessions (id, uid, started_at, updated_at, content_ref,"
                " content_title) VALUES (?, ?, ?, ?, 'playlist:settle', 'Settle')",
                (number, f"{number:032x}", stamp, stamp),
            )
            for phase in ("before", "after"):
                cursor.execute(
                    "INSERT INTO checkins (session_id, phase, recorded_at, note)"
                    " VALUES (?, ?, ?, 'A few words about the day.')",
                    (number, phase, stamp),
                )
                checkin = cursor.lastrowid
                cursor.executemany(
                    "INSERT INTO answers (checkin_id, item, value, scale, scale_min, scale_max)"
                    " VALUES (?, ?, ?, 'slider-0-10', 0, 10)",
                    [(checkin, item, number % 11) for item in ("distress", "energy", "calm")],
                )
                cursor.execute("INSERT INTO emotions VALUES (?, 'calm')", (checkin,))
            cursor.execute(
                "INSERT INTO session_events (session_id, at, kind, detail)"
                " VALUES (?, ?, 'track_started', '01-harbour.ogg')",
                (number, stamp),
            )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecars(path: Path) -> set[str]:
    return {p.name for p in path.parent.iterdir() if p.name.startswith(path.name + "-")}


def trees(path: Path) -> dict[str, int]:
    """Every table and index of the journal, with its root page."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = connection.execute(
            "SELECT name, rootpage FROM sqlite_schema WHERE rootpage > 0"
        ).fetchall()
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    finally:
        connection.close()
    assert page_size == PAGE_SIZE
    return {str(name): int(root) for name, root in rows}


PAGE_SIZE = 4096


def leaf(path: Path, root: int, *, last: bool) -> int:
    """The first (or last) leaf page of the b-tree at ``root``, read from the file's bytes."""
    data = path.read_bytes()
    page = root
    while True:
        start = (page - 1) * PAGE_SIZE
        header = start + (100 if page == 1 else 0)
        kind = data[header]
        if kind in (0x0A, 0x0D):  # leaf pages of an index, of a table
            return page
        assert kind in (0x02, 0x05), kind  # interior pages
        if last:
            page = int.from_bytes(data[header + 8 : header + 12], "big")
        else:
            cell = int.from_bytes(data[header + 12 : header + 14], "big")
            page = int.from_bytes(data[start + cell : start + cell + 4], "big")


def damage_page(path: Path, page: int, seed: int = 3) -> None:
    data = bytearray(path.read_bytes())
    data[(page - 1) * PAGE_SIZE : page * PAGE_SIZE] = random.Random(seed).randbytes(PAGE_SIZE)
    path.write_bytes(bytes(data))


def deep_page(path: Path) -> int:
    """A page of answers that opening never reads: the last leaf of a tree of several."""
    root = trees(path)["answers"]
    first, last = leaf(path, root, last=False), leaf(path, root, last=True)
    assert first != last != root
    return last


# -- what opening checks -----------------------------------------------------------------------


def test_damage_at_the_start_of_any_table_or_index_is_refused_untouched(
    journal_path: Path, tmp_path: Path
) -> None:
    found = trees(journal_path)
    assert {"sessions", "answers", "sessions_by_uid", "session_events_by_session"} <= set(found)
    for name, root in found.items():
        copy = tmp_path / name / "journal.sqlite3"
        copy.parent.mkdir()
        shutil.copyfile(journal_path, copy)
        damage_page(copy, root)
        before = digest(copy)

        with pytest.raises(JournalUnreadable) as raised:
            Journal.open(copy)

        assert "damaged" in raised.value.short, name
        assert digest(copy) == before and not sidecars(copy), name


def test_damage_on_the_way_to_the_first_entry_is_refused(journal_path: Path) -> None:
    first = leaf(journal_path, trees(journal_path)["answers"], last=False)
    damage_page(journal_path, first)
    with pytest.raises(JournalUnreadable):
        Journal.open(journal_path)


def test_odd_but_sound_indexes_open_and_a_damaged_one_is_still_found(journal_path: Path) -> None:
    connection = sqlite3.connect(journal_path)
    connection.execute('CREATE INDEX "odd""name" ON sessions (content_title)')
    connection.execute("CREATE INDEX only_some ON sessions (kind) WHERE kind = 'checkin'")
    connection.commit()
    connection.close()
    with Journal.open(journal_path) as journal:  # a partial index is not damage
        assert journal.summary().sessions == SESSIONS

    damage_page(journal_path, trees(journal_path)['odd"name'])
    with pytest.raises(JournalUnreadable):
        Journal.open(journal_path)


# -- damage further in: found off the start-up path ---------------------------------------------


def test_damage_deep_in_the_file_is_found_by_the_whole_check(journal_path: Path) -> None:
    damage_page(journal_path, deep_page(journal_path))

    with Journal.open(journal_path) as journal:  # opening reads only what it always needs
        oldest = journal.reading("SELECT id FROM sessions ORDER BY id LIMIT 1")
    checked = check_whole_journal(journal_path)

    assert oldest == [(1,)]
    assert checked.verdict is Verdict.DAMAGED and checked.damaged
    assert checked.short == "Part of your journal is damaged"
    assert "restore a recent backup" in checked.long and "Nothing has been changed" in checked.long


def test_a_sound_journal_is_found_sound_while_it_is_being_written(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        with journal.writing() as cursor:  # the app writes: the check neither waits nor blocks
            cursor.execute("UPDATE sessions SET ambience = 'rain' WHERE id = 1")
            checked = check_whole_journal(journal_path)
        assert journal.reading("SELECT ambience FROM sessions WHERE id = 1") == [("rain",)]
    assert checked.verdict is Verdict.SOUND and not checked.damaged
    assert checked.short == checked.long == ""


def test_the_whole_check_never_changes_the_file_or_leaves_files_behind(
    journal_path: Path,
) -> None:
    before = digest(journal_path)
    assert check_whole_journal(journal_path).verdict is Verdict.SOUND
    assert digest(journal_path) == before
    assert not sidecars(journal_path)


def test_the_whole_check_stops_when_the_app_closes(journal_path: Path) -> None:
    asked: list[bool] = []

    def closing() -> bool:
        asked.append(True)
        return True

    checked = check_whole_journal(journal_path, should_stop=closing)

    assert asked and checked.verdict is Verdict.NOT_CHECKED
    assert checked.short == "The check was stopped"


def test_what_is_not_a_journal_file_is_not_checked_and_nothing_is_made(tmp_path: Path) -> None:
    missing = tmp_path / "journal.sqlite3"
    assert check_whole_journal(missing).verdict is Verdict.NOT_CHECKED
    assert not missing.exists()
    os.mkfifo(missing)  # opening a FIFO to read would wait for ever
    assert check_whole_journal(missing).verdict is Verdict.NOT_CHECKED


def test_random_bytes_are_not_called_sound(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + random.Random(4).randbytes(8192))
    assert check_whole_journal(path).verdict is not Verdict.SOUND


def test_the_whole_check_is_due_once_a_day_unless_a_daily_backup_checked_every_page(
    journal_path: Path,
) -> None:
    today = date.today()
    assert whole_check_due(journal_path, today)

    made = make_daily_backup(journal_path)

    assert made is not None
    assert not whole_check_due(journal_path, made.made_at.date())
    assert whole_check_due(journal_path, made.made_at.date() + timedelta(days=1))


# -- backups and restores still read every page ------------------------------------------------


def test_a_deeply_damaged_journal_gives_no_backup_so_the_check_stays_due(
    journal_path: Path,
) -> None:
    damage_page(journal_path, deep_page(journal_path))

    with pytest.raises(BackupFailed) as raised:
        make_daily_backup(journal_path)

    assert raised.value.unreadable and "damaged" in raised.value.long
    assert whole_check_due(journal_path)
    with pytest.raises(BackupFailed):
        write_backup(journal_path, journal_path.parent / "copy.sqlite3")
    assert not (journal_path.parent / "copy.sqlite3").exists()


def test_a_deeply_damaged_file_is_never_restored(journal_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "elsewhere" / "old-journal.sqlite3"
    source.parent.mkdir()
    shutil.copyfile(journal_path, source)
    damage_page(source, deep_page(source))
    before = digest(journal_path)

    with pytest.raises(RestoreRefused) as raised:
        restore_journal(source, journal_path)

    assert "damaged" in raised.value.long
    assert digest(journal_path) == before


def test_a_read_that_meets_deep_damage_says_the_journal_is_damaged(journal_path: Path) -> None:
    damage_page(journal_path, deep_page(journal_path))
    with Journal.open(journal_path) as journal:
        with pytest.raises(JournalUnreadable) as raised:
            journal.sessions()  # reads every answer: meets the damaged page
        assert raised.value.short == "The journal is damaged"
        with pytest.raises(JournalUnreadable):
            journal.reading("SELECT count(value) FROM answers")


def test_choosing_a_journal_checks_where_tables_start_and_a_restore_checks_every_page(
    journal_path: Path,
) -> None:
    from mtcalm.journal.restore import inspect_journal

    damage_page(journal_path, deep_page(journal_path))
    assert inspect_journal(journal_path).sessions == SESSIONS  # quick: never the whole file
    with pytest.raises(JournalUnreadable):
        inspect_journal(journal_path, thorough=True)
    damage_page(journal_path, trees(journal_path)["sessions"])
    with pytest.raises(JournalUnreadable):
        inspect_journal(journal_path)
