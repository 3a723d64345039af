"""Restore: checked first, the replaced journal kept, a leftover -wal handled, all or nothing;
and ``mtcalm backup`` / ``mtcalm restore`` as a person or a script uses them.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.datadir import ensure_private_dir
from mtcalm.instance import InstanceLock
from mtcalm.journal.backups import BackupKind, list_backups, manual_backup
from mtcalm.journal.file import SCHEMA_STEPS
from mtcalm.journal.restore import MAX_RESTORE_BYTES, RestoreRefused, restore_journal
from mtcalm.journal.store import Journal
from mtcalm.workspace import Workspace
from tests.legacy_journals import write_old_session

BEFORE = CheckIn(Phase.BEFORE, {"distress": 4})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def titles(path: Path) -> list[str]:
    with Journal.open(path, create=False) as journal:
        return sorted(record.content_title for record in journal.sessions())


def add(path: Path, *names: str, steps: int = len(SCHEMA_STEPS)) -> None:
    with Journal.open(path, schema_steps=SCHEMA_STEPS[:steps]) as journal:
        for name in names:
            if steps < len(SCHEMA_STEPS):  # as that older version wrote it
                write_old_session(journal, "playlist:a", name, BEFORE)
            else:
                journal.start_session("playlist:a", name, BEFORE)


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    ensure_private_dir(data_dir)
    return data_dir / "journal.sqlite3"


# A process that writes a session and is killed with it only in the -wal: the "killed run".
KILLED_MID_SESSION = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mtcalm.checkin import CheckIn, Phase
    from mtcalm.journal.store import Journal
    journal = Journal.open(Path(sys.argv[1]))
    journal._connection.execute("PRAGMA wal_autocheckpoint = 0")
    journal.start_session("playlist:late", "Written after the backup", CheckIn(Phase.BEFORE))
    print("written", flush=True)
    time.sleep(60)
    """
)


def leave_a_killed_run(journal_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_SESSION, str(journal_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "written"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert journal_path.with_name("journal.sqlite3-wal").stat().st_size > 0


def test_a_restore_over_a_killed_runs_wal_does_not_bring_old_sessions_back(
    journal_path: Path,
) -> None:
    add(journal_path, "Before the backup")
    backup = manual_backup(journal_path)
    leave_a_killed_run(journal_path)

    restored = restore_journal(backup, journal_path)

    assert titles(journal_path) == ["Before the backup"]
    assert not journal_path.with_name("journal.sqlite3-wal").exists()
    assert restored.facts.sessions == 1
    kept = restored.replaced_kept_as
    assert kept is not None and kept.parent.name == "backups"
    assert titles(kept) == ["Before the backup", "Written after the backup"]  # nothing lost
    kinds = sorted(backup.kind for backup in list_backups(journal_path.parent / "backups"))
    assert kinds == sorted([BackupKind.MANUAL, BackupKind.BEFORE_RESTORE])


def test_restoring_by_hand_without_the_wal_step_is_what_goes_wrong(journal_path: Path) -> None:
    """Why docs/data.md says to move the -wal away: a plain copy brings the old sessions back."""
    add(journal_path, "Before the backup")
    backup = manual_backup(journal_path)
    leave_a_killed_run(journal_path)
    journal_path.write_bytes(backup.read_bytes())  # "copy the backup over the journal"
    with Journal.open(journal_path) as journal:
        assert "Written after the backup" in [r.content_title for r in journal.sessions()]


def test_an_older_format_backup_is_restored_and_upgraded_with_a_backup(
    journal_path: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old.sqlite3"
    add(old, "From version 1", steps=1)
    add(journal_path, "Current")
    restore_journal(old, journal_path)
    assert titles(journal_path) == ["From version 1"]
    with Journal.open(journal_path) as journal:
        assert journal.schema_version == len(SCHEMA_STEPS)
    kinds = {backup.kind for backup in list_backups(journal_path.parent / "backups")}
    assert kinds == {BackupKind.BEFORE_RESTORE, BackupKind.UPGRADE}


def test_a_copy_with_its_own_wal_is_restored_whole(journal_path: Path, tmp_path: Path) -> None:
    """A journal copied by hand from a running app, -wal and all."""
    source = tmp_path / "elsewhere" / "journal.sqlite3"
    source.parent.mkdir()
    add(source, "In the file")
    running = Journal.open(source)
    running._connection.execute("PRAGMA wal_autocheckpoint = 0")
    running.start_session("playlist:x", "Only in its -wal", BEFORE)
    copy = tmp_path / "copy.sqlite3"
    copy.write_bytes(source.read_bytes())
    copy.with_name("copy.sqlite3-wal").write_bytes(
        source.with_name("journal.sqlite3-wal").read_bytes()
    )
    running.close()

    restore_journal(copy, journal_path)
    assert titles(journal_path) == ["In the file", "Only in its -wal"]


def test_restoring_over_a_damaged_journal_keeps_it_byte_for_byte(journal_path: Path) -> None:
    add(journal_path, "Good")
    backup = manual_backup(journal_path)
    journal_path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 8000)
    digest = sha256(journal_path)

    restored = restore_journal(backup, journal_path)

    assert titles(journal_path) == ["Good"]
    assert restored.replaced_kept_as is not None
    assert sha256(restored.replaced_kept_as) == digest


def test_restoring_where_there_is_no_journal_yet(journal_path: Path, tmp_path: Path) -> None:
    source = tmp_path / "from-the-old-laptop.sqlite3"
    add(source, "Moved over")
    restored = restore_journal(source, journal_path)
    assert titles(journal_path) == ["Moved over"]
    assert restored.replaced_kept_as is None


def bad_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "bad"
    folder.mkdir()
    files = {
        "text": folder / "notes.sqlite3",
        "empty": folder / "empty.sqlite3",
        "another program": folder / "contacts.sqlite3",
        "damaged": folder / "damaged.sqlite3",
        "newer": folder / "newer.sqlite3",
        "a folder": folder / "folder.sqlite3",
        "a fifo": folder / "fifo.sqlite3",
        "missing": folder / "missing.sqlite3",
    }
    files["text"].write_text("my notes", encoding="utf-8")
    files["empty"].write_bytes(b"")
    other = sqlite3.connect(files["another program"])
    other.execute("CREATE TABLE contacts (name TEXT)")
    other.commit()
    other.close()
    add(files["damaged"], *(f"s{n}" for n in range(60)))
    data = bytearray(files["damaged"].read_bytes())
    data[4096 * 3 : 4096 * 4] = b"\x5a" * 4096
    files["damaged"].write_bytes(bytes(data))
    add(files["newer"], "From the future")
    raw = sqlite3.connect(files["newer"])
    raw.execute(f"PRAGMA user_version = {len(SCHEMA_STEPS) + 5}")
    raw.close()
    files["a folder"].mkdir()
    os.mkfifo(files["a fifo"])
    return files


EXPECTED_WORDS = {
    "text": "not an mtcalm journal",
    "empty": "not an mtcalm journal",
    "another program": "another program",
    "damaged": "damaged",
    "newer": "newer",
    "a folder": "not a file",
    "a fifo": "not a file",
    "missing": "could not be read",
}


@pytest.mark.parametrize("kind", list(EXPECTED_WORDS))
def test_files_that_are_not_restorable_are_refused_with_nothing_changed(
    journal_path: Path, tmp_path: Path, kind: str
) -> None:
    add(journal_path, "Mine")
    leave_a_killed_run(journal_path)
    wal = journal_path.with_name("journal.sqlite3-wal")
    digests = (sha256(journal_path), sha256(wal))
    source = bad_files(tmp_path)[kind]

    with pytest.raises(RestoreRefused) as raised:
        restore_journal(source, journal_path)

    assert EXPECTED_WORDS[kind] in raised.value.long
    assert (sha256(journal_path), sha256(wal)) == digests
    assert not (journal_path.parent / "backups").exists()
    assert [p.name for p in journal_path.parent.iterdir() if ".partial-" in p.name] == []


def test_the_journal_in_use_is_not_restored_over_itself(journal_path: Path) -> None:
    add(journal_path, "Mine")
    with pytest.raises(RestoreRefused, match="in use"):
        restore_journal(journal_path, journal_path)


def test_a_huge_file_is_refused_before_it_is_copied(journal_path: Path, tmp_path: Path) -> None:
    huge = tmp_path / "huge.sqlite3"
    with huge.open("wb") as handle:
        handle.write(b"SQLite format 3\x00")
        handle.truncate(MAX_RESTORE_BYTES + 1)  # sparse: no disk used
    with pytest.raises(RestoreRefused, match="larger than a journal"):
        restore_journal(huge, journal_path)


# A restore that stops at one of its steps and waits there to be killed.
RESTORE_UNTIL = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from mtcalm.journal import restore

    source, journal, stage = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    original = getattr(restore, stage)

    def pause(*args, **kwargs):
        result = original(*args, **kwargs)
        print("at " + stage, flush=True)
        time.sleep(60)
        return result

    setattr(restore, stage, pause)
    restore.restore_journal(source, journal)
    """
)


@pytest.mark.parametrize("stage", ["_copy_in", "_check_copy", "_keep_current", "_fold_in_wal"])
def test_a_restore_killed_at_any_step_leaves_the_old_journal_whole(
    journal_path: Path, stage: str
) -> None:
    add(journal_path, "From the backup")
    backup = manual_backup(journal_path)
    add(journal_path, "Added since")
    leave_a_killed_run(journal_path)
    child = subprocess.Popen(
        [sys.executable, "-c", RESTORE_UNTIL, str(backup), str(journal_path), stage],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        said = child.stdout.readline().strip()
        assert said == f"at {stage}", child.stderr.read() if child.stderr else said
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)

    assert titles(journal_path) == ["Added since", "From the backup", "Written after the backup"]
    with Journal.open(journal_path) as journal:
        check = journal._connection.execute("PRAGMA integrity_check").fetchone()
    assert check == ("ok",)


def test_restoring_in_the_workspace_reopens_the_same_journal_object(
    data_dir: Path, tmp_path: Path
) -> None:
    workspace = Workspace.open(data_dir)
    assert workspace.journal is not None
    journal = workspace.journal
    journal.start_session("playlist:a", "Before", BEFORE)
    copy = workspace.back_up_now()
    journal.start_session("playlist:a", "After", BEFORE)

    workspace.restore(copy)

    assert workspace.journal is journal  # pages holding it keep working
    assert [record.content_title for record in journal.sessions()] == ["Before"]
    workspace.close()


# -- the command line --------------------------------------------------------------------------


def mtcalm(data_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "MTCALM_DATA_DIR"}
    return subprocess.run(
        [sys.executable, "-m", "mtcalm", "--data-dir", str(data_dir), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        env=environment,
    )


def test_backup_and_restore_commands_round_trip(journal_path: Path, tmp_path: Path) -> None:
    data_dir = journal_path.parent
    add(journal_path, "One", "Two")
    made = mtcalm(data_dir, "backup")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Backed up 2 sessions to ")
    copy = Path(made.stdout.strip().split(" to ", 1)[1])
    assert copy.parent == data_dir / "backups" and copy.is_file()

    add(journal_path, "Three")
    restored = mtcalm(data_dir, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert "2 sessions" in restored.stdout and "kept as" in restored.stdout
    assert titles(journal_path) == ["One", "Two"]


def test_backup_to_a_chosen_file_never_replaces_it(journal_path: Path, tmp_path: Path) -> None:
    add(journal_path, "One")
    target = tmp_path / "for-my-therapist.sqlite3"
    first = mtcalm(journal_path.parent, "backup", "--output", str(target))
    assert first.returncode == 0, first.stderr
    digest = sha256(target)
    again = mtcalm(journal_path.parent, "backup", "--output", str(target))
    assert again.returncode == 1
    assert "exists already" in again.stderr and "Traceback" not in again.stderr
    assert sha256(target) == digest
    nowhere = mtcalm(journal_path.parent, "backup", "--output", str(tmp_path / "no" / "x.sqlite3"))
    assert nowhere.returncode == 1 and "there is no folder" in nowhere.stderr


def test_backup_with_no_journal_says_so_and_creates_nothing(tmp_path: Path) -> None:
    result = mtcalm(tmp_path / "never-used", "backup")
    assert result.returncode == 1
    assert "there is no journal to back up" in result.stderr
    assert not (tmp_path / "never-used").exists()


def test_restore_refuses_bad_files_with_one_clear_line(journal_path: Path, tmp_path: Path) -> None:
    add(journal_path, "Mine")
    digest = sha256(journal_path)
    for kind, source in bad_files(tmp_path).items():
        result = mtcalm(journal_path.parent, "restore", str(source))
        assert result.returncode == 1, kind
        assert result.stderr.startswith("mtcalm: Nothing was restored: "), result.stderr
        assert "Traceback" not in result.stderr
        assert EXPECTED_WORDS[kind] in result.stderr, (kind, result.stderr)
    assert sha256(journal_path) == digest


def test_restore_is_refused_while_the_app_holds_the_folder(journal_path: Path) -> None:
    add(journal_path, "Mine")
    copy = manual_backup(journal_path)
    with InstanceLock.acquire(journal_path.parent):
        result = mtcalm(journal_path.parent, "restore", str(copy))
    assert result.returncode == 1
    assert "mtcalm is open for the data folder" in result.stderr


@pytest.mark.parametrize(
    "arguments", [["restore"], ["backup", "--output"], ["backup", "--nonsense"]]
)
def test_usage_errors_exit_2(data_dir: Path, arguments: list[str]) -> None:
    result = mtcalm(data_dir, *arguments)
    assert result.returncode == 2
    assert "usage:" in result.stderr
