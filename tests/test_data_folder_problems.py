"""Each thing that can be wrong with the data folder is named for what it is, and nothing is
changed without the person being told: read-only files and folders, an empty journal, a damaged
-wal, a path that is a file, a full disk, settings that cannot be read or that are stale.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mtcalm.checkin import CheckIn, Phase
from mtcalm.datadir import DISK_FULL, DataDirError, WriteFailed, ensure_private_dir
from mtcalm.instance import DataFolderInUse, InstanceLock, in_use
from mtcalm.journal.file import (
    JournalEmpty,
    JournalFolderReadOnly,
    JournalReadOnly,
    JournalUnreadable,
)
from mtcalm.journal.store import Journal
from mtcalm.journal.wal import wal_header_is_valid
from mtcalm.settings import SETTINGS_FILE, Settings, load_settings, save_settings
from mtcalm.workspace import Workspace, current_journal
from tests.conftest import DiskMaker, fill_disk, unprivileged

BEFORE = CheckIn(Phase.BEFORE, {"distress": 6})


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def session_titles(workspace: Workspace) -> list[str]:
    assert workspace.journal is not None
    return sorted(record.content_title for record in workspace.journal.sessions())


# -- which journal is current ------------------------------------------------------------------


def damaged_then_fresh(data_dir: Path) -> Path:
    """A damaged journal.sqlite3, and a fresh journal started beside it with one session."""
    ensure_private_dir(data_dir)
    (data_dir / "journal.sqlite3").write_bytes(b"SQLite format 3\x00" + b"\x17" * 6000)
    workspace = Workspace.open(data_dir)
    assert isinstance(workspace.journal_problem, JournalUnreadable)
    fresh = workspace.start_fresh_journal()
    assert workspace.journal is not None
    workspace.journal.start_session("playlist:a", "In the fresh journal", BEFORE)
    workspace.close()
    return fresh


@pytest.mark.parametrize("settings_now", ["unreadable", "deleted", "empty"])
def test_settings_that_cannot_say_do_not_send_the_app_back_to_a_damaged_journal(
    data_dir: Path, settings_now: str
) -> None:
    fresh = damaged_then_fresh(data_dir)
    settings = data_dir / SETTINGS_FILE
    if settings_now == "unreadable":
        settings.write_bytes(b"{not json")
    elif settings_now == "deleted":
        settings.unlink()
    else:
        settings.write_bytes(b"")

    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is not None, workspace.journal_problem
        assert workspace.journal.path == fresh
        assert session_titles(workspace) == ["In the fresh journal"]
        assert any(fresh.name in notice for notice in workspace.notices)
        assert load_settings(data_dir).settings.journal_file == fresh.name  # remembered again
    finally:
        workspace.close()
    assert current_journal(data_dir) == fresh


def test_a_named_journal_that_is_gone_is_replaced_by_the_newest_healthy_one(
    data_dir: Path,
) -> None:
    fresh = damaged_then_fresh(data_dir)
    save_settings(data_dir, Settings(journal_file="journal-19990101-000000.sqlite3"))
    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is not None and workspace.journal.path == fresh
        assert "not there" in " ".join(workspace.notices)
    finally:
        workspace.close()


def test_a_damaged_current_journal_offers_the_healthy_one_beside_it(data_dir: Path) -> None:
    fresh = damaged_then_fresh(data_dir)
    save_settings(data_dir, Settings(journal_file="journal.sqlite3"))  # pointing back, as defect 2
    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is None
        offered = workspace.alternative_journal()
        assert offered is not None and offered.path == fresh and offered.sessions == 1
        workspace.use_journal(fresh.name)
        assert session_titles(workspace) == ["In the fresh journal"]
        assert load_settings(data_dir).settings.journal_file == fresh.name
    finally:
        workspace.close()


def test_a_stale_window_saving_its_settings_keeps_the_fresh_journal(data_dir: Path) -> None:
    """Window B, opened before A started a fresh journal, closes last: nothing is lost."""
    ensure_private_dir(data_dir)
    (data_dir / "journal.sqlite3").write_bytes(b"garbage, someone's history")
    window_b = Workspace.open(data_dir)
    window_a = Workspace.open(data_dir)
    fresh = window_a.start_fresh_journal()
    assert window_a.journal is not None
    window_a.journal.start_session("playlist:a", "Kept by A", BEFORE)
    window_a.save_settings(window_a.settings.with_changes(volume=0.3))
    window_a.close()

    window_b.settings = window_b.settings.with_changes(timer_minutes=20)
    window_b.save_settings()
    window_b.close()

    saved = load_settings(data_dir).settings
    assert saved.journal_file == fresh.name  # not blindly overwritten with B's stale copy
    assert (saved.volume, saved.timer_minutes) == (0.3, 20)  # both windows' changes kept
    again = Workspace.open(data_dir)
    try:
        assert session_titles(again) == ["Kept by A"]
    finally:
        again.close()


def test_scripts_introduced_in_two_windows_are_all_remembered(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    first, second = Workspace.open(data_dir), Workspace.open(data_dir)
    first.save_settings(first.settings.with_changes(introduced_scripts=("safe-place",)))
    second.save_settings(second.settings.with_changes(introduced_scripts=("shoreline",)))
    first.close()
    second.close()
    kept = load_settings(data_dir).settings.introduced_scripts
    assert set(kept) == {"safe-place", "shoreline"}


# -- read-only files and folders ---------------------------------------------------------------


def test_a_read_only_journal_is_named_as_such_and_left_read_only(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        journal.start_session("playlist:a", "Mine", BEFORE)
    path = data_dir / "journal.sqlite3"
    path.chmod(0o400)
    digest = sha256(path)

    workspace = Workspace.open(data_dir)
    assert isinstance(workspace.journal_problem, JournalReadOnly)
    assert "read-only" in workspace.journal_problem.short
    assert "damaged" not in workspace.journal_problem.long
    assert stat.S_IMODE(path.stat().st_mode) == 0o400  # not silently changed
    assert sha256(path) == digest

    workspace.allow_writing_to_journal()  # the person agreed
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert workspace.journal is not None
        workspace.journal.start_session("playlist:b", "Saved again", BEFORE)
        assert session_titles(workspace) == ["Mine", "Saved again"]
    finally:
        workspace.close()


def test_a_read_only_data_folder_is_named_as_such_and_nothing_is_written(
    data_dir: Path,
) -> None:
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        journal.start_session("playlist:a", "Mine", BEFORE)
    before = names(data_dir)
    data_dir.chmod(0o500)
    try:
        workspace = Workspace.open(data_dir)
        problem = workspace.journal_problem
        assert isinstance(problem, JournalFolderReadOnly)
        assert "cannot be written" in problem.short
        assert "damaged" not in problem.long and "writable for you again" in problem.long
        assert problem.path == data_dir
        data_dir.chmod(0o700)  # the person fixed it
        workspace.try_again()
        assert session_titles(workspace) == ["Mine"]
        workspace.close()
    finally:
        data_dir.chmod(0o700)
    assert names(data_dir) == before


# Run with permissions applying (as a person is, not as root): what does the app find?
OPEN_AND_REPORT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from mtcalm.workspace import Workspace
    workspace = Workspace.open(Path(sys.argv[1]))
    problem = workspace.journal_problem
    print(json.dumps({
        "problem": type(problem).__name__ if problem else None,
        "short": problem.short if problem else "",
        "long": problem.long if problem else "",
    }))
    """
)


def open_as_a_person(data_dir: Path) -> dict[str, str]:
    result = subprocess.run(
        unprivileged([sys.executable, "-c", OPEN_AND_REPORT, str(data_dir)]),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return dict(json.loads(result.stdout))


@pytest.mark.parametrize("what", ["folder", "journal"])
def test_permissions_that_really_apply_get_their_own_message(data_dir: Path, what: str) -> None:
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        journal.start_session("playlist:a", "Mine", BEFORE)
    (data_dir / ("." if what == "folder" else "journal.sqlite3")).chmod(
        0o500 if what == "folder" else 0o400
    )
    listing = names(data_dir)
    try:
        found = open_as_a_person(data_dir)
    finally:
        data_dir.chmod(0o700)
    expected = "JournalFolderReadOnly" if what == "folder" else "JournalReadOnly"
    assert found["problem"] == expected, found
    assert "damaged" not in found["long"]
    assert names(data_dir) == listing


def test_a_zero_byte_journal_is_reported_not_replaced(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / "journal.sqlite3").write_bytes(b"")
    workspace = Workspace.open(data_dir)
    problem = workspace.journal_problem
    assert isinstance(problem, JournalEmpty)
    assert "empty" in problem.short and "holds nothing" in problem.long
    assert (data_dir / "journal.sqlite3").stat().st_size == 0  # not silently a new journal
    assert names(data_dir) == ["journal.sqlite3"]
    workspace.close()


def test_a_damaged_wal_is_kept_aside_and_the_person_told(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        journal.start_session("playlist:a", "Mine", BEFORE)
    wal = data_dir / "journal.sqlite3-wal"
    garbage = os.urandom(9000)
    wal.write_bytes(garbage)

    workspace = Workspace.open(data_dir)
    try:
        assert session_titles(workspace) == ["Mine"]
        [kept] = [path for path in data_dir.iterdir() if ".damaged-" in path.name]
        assert kept.read_bytes() == garbage  # kept, byte for byte, not deleted
        assert any(kept.name in notice for notice in workspace.notices)
    finally:
        workspace.close()


def test_a_real_wal_header_is_recognised(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    journal = Journal.open(data_dir / "journal.sqlite3")
    journal._connection.execute("PRAGMA wal_autocheckpoint = 0")
    journal.start_session("playlist:a", "A", BEFORE)
    header = (data_dir / "journal.sqlite3-wal").read_bytes()[:32]
    journal.close()
    assert wal_header_is_valid(header)
    assert not wal_header_is_valid(header[:31])
    assert not wal_header_is_valid(header[:24] + b"\0" * 8)
    assert not wal_header_is_valid(b"\0" * 32)


def test_a_data_folder_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    path = tmp_path / "mtcalm"
    path.write_text("a note", encoding="utf-8")
    with pytest.raises(DataDirError) as raised:
        ensure_private_dir(path)
    assert "is a file, not a folder" in str(raised.value)
    assert "--data-dir" in str(raised.value)
    with pytest.raises(DataDirError, match="is a file, not a folder"):
        ensure_private_dir(path / "inside")


# -- a full disk -------------------------------------------------------------------------------


def test_saving_settings_on_a_full_disk_says_so_plainly(small_disk: DiskMaker) -> None:
    disk = small_disk(256)
    save_settings(disk, Settings(volume=0.4))
    fill_disk(disk)
    with pytest.raises(WriteFailed) as raised:
        save_settings(disk, Settings(volume=0.9, timer_minutes=30))
    assert raised.value.long == DISK_FULL
    assert raised.value.short == "Your settings could not be saved"
    assert load_settings(disk).settings.volume == 0.4  # the old file is whole
    assert [name for name in names(disk) if ".partial-" in name] == []


def test_a_workspace_on_a_full_disk_says_so_when_saving(small_disk: DiskMaker) -> None:
    disk = small_disk(4096)
    workspace = Workspace.open(disk / "data")
    fill_disk(disk)
    with pytest.raises(WriteFailed) as raised:
        workspace.save_settings(workspace.settings.with_changes(volume=0.2))
    assert raised.value.long == DISK_FULL
    workspace.close()


# -- one mtcalm per data folder ----------------------------------------------------------------


def test_the_data_folder_is_held_while_the_lock_lives(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    assert not in_use(data_dir)
    lock = InstanceLock.acquire(data_dir)
    try:
        with pytest.raises(DataFolderInUse):
            InstanceLock.acquire(data_dir)
        holder = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; "
                "from mtcalm.instance import in_use; print(in_use(Path(sys.argv[1])))",
                str(data_dir),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert holder.stdout.strip() == "True"
    finally:
        lock.release()
    assert not in_use(data_dir)
    assert names(data_dir) == []  # no lock file left to go stale


def test_a_killed_holder_lets_go_of_the_data_folder(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from mtcalm.instance import InstanceLock; InstanceLock.acquire(Path(sys.argv[1])); "
            "print('held', flush=True); time.sleep(60)",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    assert in_use(data_dir)
    holder.kill()
    holder.wait(timeout=30)
    assert not in_use(data_dir)


def test_every_write_on_a_full_disk_gives_the_same_plain_words(
    small_disk: DiskMaker, tmp_path: Path
) -> None:
    from mtcalm.journal.backups import BackupFailed, manual_backup
    from mtcalm.journal.file import JournalWriteFailed
    from mtcalm.library import Library, LibraryError
    from mtcalm.m3u import M3UError, write_m3u
    from mtcalm.own_playlists import OwnPlaylistError, OwnPlaylists

    disk = small_disk(4096)
    workspace = Workspace.open(disk / "data")
    assert workspace.journal is not None
    journal = workspace.journal
    journal.start_session("playlist:a", "Before the disk filled", BEFORE)
    own = OwnPlaylists(disk / "data" / "playlists")
    kept = own.create("Kept")
    library = Library.load(disk / "data")
    music = tmp_path / "music"
    music.mkdir()
    fill_disk(disk)

    said: dict[str, str] = {}
    with pytest.raises(WriteFailed) as settings_failed:
        workspace.save_settings(workspace.settings.with_changes(volume=0.1))
    said["settings"] = settings_failed.value.long
    with pytest.raises(JournalWriteFailed) as journal_failed:
        for _ in range(200):
            journal.start_session("playlist:a", "x" * 4000, CheckIn(Phase.BEFORE, note="n" * 4900))
    said["journal"] = journal_failed.value.long
    with pytest.raises(BackupFailed) as backup_failed:
        manual_backup(journal.path)
    said["backup"] = backup_failed.value.long
    with pytest.raises(OwnPlaylistError) as playlist_failed:
        own.create("New " * 25)
    said["own playlist"] = str(playlist_failed.value)
    with pytest.raises(LibraryError) as library_failed:
        library.add_folder(music)
    said["library"] = str(library_failed.value)
    with pytest.raises(M3UError) as export_failed:
        write_m3u(kept, disk / "data" / "kept.m3u8")
    said["playlist file"] = export_failed.value.message
    for where, text in said.items():
        assert DISK_FULL in text, (where, text)
    workspace.close()


# -- from the review: files SQLite would quietly tidy away, FIFOs, a full disk at start --------


def journal_with_sessions_only_in_its_wal(data_dir: Path, sessions: int = 30) -> Path:
    """A journal whose recent sessions are only in its -wal, as a killed app leaves it."""
    ensure_private_dir(data_dir)
    path = data_dir / "journal.sqlite3"
    journal = Journal.open(path)
    journal._connection.execute("PRAGMA wal_autocheckpoint = 0")
    for index in range(sessions):
        journal.start_session("playlist:a", f"s{index}", BEFORE)
    wal = path.with_name("journal.sqlite3-wal").read_bytes()
    journal.close()
    path.with_name("journal.sqlite3-wal").write_bytes(wal)  # as it was before the clean close
    return path


def test_an_empty_journal_with_a_wal_is_reported_and_its_wal_kept(data_dir: Path) -> None:
    from mtcalm.journal.backups import BackupFailed, manual_backup
    from mtcalm.journal.restore import restore_journal

    path = journal_with_sessions_only_in_its_wal(data_dir)
    good = data_dir.parent / "good.sqlite3"
    with Journal.open(good) as journal:
        journal.start_session("playlist:a", "From the good copy", BEFORE)
    path.write_bytes(b"")
    wal = path.with_name("journal.sqlite3-wal")
    digest = sha256(wal)

    workspace = Workspace.open(data_dir)
    assert isinstance(workspace.journal_problem, JournalEmpty)
    workspace.close()
    assert sha256(wal) == digest  # SQLite deletes an empty database's -wal: never connected
    with pytest.raises(BackupFailed) as refused:
        manual_backup(path)
    assert refused.value.unreadable and sha256(wal) == digest

    restored = restore_journal(good, path)
    kept = restored.replaced_kept_as
    assert kept is not None and "damaged" in kept.name
    assert sha256(kept.with_name(kept.name + "-wal")) == digest  # kept, byte for byte


def test_backing_up_with_a_damaged_wal_refuses_and_keeps_it(data_dir: Path) -> None:
    path = journal_with_sessions_only_in_its_wal(data_dir)
    wal = path.with_name("journal.sqlite3-wal")
    wal.write_bytes(b"\xde\xad" * 5000)
    result = subprocess.run(
        [sys.executable, "-m", "mtcalm", "--data-dir", str(data_dir), "backup"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "recent changes is damaged" in result.stderr
    assert wal.read_bytes() == b"\xde\xad" * 5000


def test_a_wal_without_its_journal_is_kept_aside_not_replayed(data_dir: Path) -> None:
    path = journal_with_sessions_only_in_its_wal(data_dir)
    path.unlink()
    orphan = path.with_name("journal.sqlite3-wal").read_bytes()

    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is not None
        assert session_titles(workspace) == []  # a new journal, nothing replayed into it
        [kept] = [p for p in data_dir.iterdir() if ".orphaned-" in p.name]
        assert kept.read_bytes() == orphan
        assert any(kept.name in notice for notice in workspace.notices)
    finally:
        workspace.close()


def test_a_full_disk_at_start_is_not_called_damage(small_disk: DiskMaker) -> None:
    from mtcalm.journal.file import JournalUnavailable

    disk = small_disk(8192)
    data_dir = disk / "data"
    ensure_private_dir(data_dir)
    with Journal.open(data_dir / "journal.sqlite3") as journal:
        for index in range(200):
            journal.start_session("playlist:a", f"s{index}", BEFORE)
    filler = fill_disk(disk)

    workspace = Workspace.open(data_dir)
    problem = workspace.journal_problem
    assert isinstance(problem, JournalUnavailable), problem
    assert "disk is full" in problem.long and "damaged" not in problem.long
    filler.unlink()  # space freed
    workspace.try_again()
    try:
        assert workspace.journal is not None and len(workspace.journal.sessions()) == 200
    finally:
        workspace.close()


HANG_CHECK = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from mtcalm.workspace import Workspace
    workspace = Workspace.open(Path(sys.argv[1]))
    problem = workspace.journal_problem
    print(json.dumps({"problem": type(problem).__name__ if problem else None,
                      "notices": workspace.notices}))
    """
)


@pytest.mark.parametrize("which", ["journal.sqlite3", "journal.sqlite3-wal", "settings.json"])
def test_a_fifo_in_the_data_folder_never_hangs_the_app(data_dir: Path, which: str) -> None:
    ensure_private_dir(data_dir)
    if which != "journal.sqlite3":
        Journal.open(data_dir / "journal.sqlite3").close()
    os.mkfifo(data_dir / which)
    result = subprocess.run(
        [sys.executable, "-c", HANG_CHECK, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,  # a FIFO opened for reading would block for ever
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    if which == "journal.sqlite3":
        assert found["problem"] == "JournalUnreadable"
    elif which == "journal.sqlite3-wal":
        assert found["problem"] is None and any(".damaged-" in n for n in found["notices"])
    else:
        assert found["problem"] is None and any("not a file" in n for n in found["notices"])


def test_backing_up_to_a_chosen_folder_leaves_its_other_files_alone(
    data_dir: Path, tmp_path: Path
) -> None:
    from mtcalm.journal.backups import manual_backup

    ensure_private_dir(data_dir)
    Journal.open(data_dir / "journal.sqlite3").close()
    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    looks_stale = elsewhere / ".notes.txt.partial-999999999-abcd"
    looks_stale.write_text("someone else's file", encoding="utf-8")
    manual_backup(data_dir / "journal.sqlite3", elsewhere / "copy.sqlite3")
    assert looks_stale.exists()
