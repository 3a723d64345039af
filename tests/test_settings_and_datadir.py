"""The data folder, atomic writes, settings, and the workspace that opens them all."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from datetime import datetime
from pathlib import Path

import platformdirs
import pytest

from mtcalm import settings as settings_module
from mtcalm.checkin import CheckIn, Phase
from mtcalm.datadir import (
    DATA_DIR_VARIABLE,
    DataDirError,
    ensure_private_dir,
    resolve_data_dir,
    write_file_atomically,
)
from mtcalm.journal.file import JournalTooNew, JournalUnreadable
from mtcalm.journal.store import Journal
from mtcalm.settings import (
    MAX_SETTINGS_BYTES,
    SETTINGS_FILE,
    SETTINGS_VERSION,
    TIMER_MINUTES,
    Settings,
    load_settings,
    save_settings,
)
from mtcalm.workspace import Workspace


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def names_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# -- where the data lives ---------------------------------------------------------------------


def test_the_option_wins_over_the_variable(tmp_path: Path) -> None:
    chosen = resolve_data_dir(str(tmp_path / "option"), {DATA_DIR_VARIABLE: str(tmp_path / "env")})
    assert chosen == tmp_path / "option"


def test_the_variable_is_used_without_the_option(tmp_path: Path) -> None:
    chosen = resolve_data_dir(None, {DATA_DIR_VARIABLE: str(tmp_path / "env")})
    assert chosen == tmp_path / "env"


def test_the_platform_default_is_used_without_either() -> None:
    expected = Path(platformdirs.user_data_dir("mtcalm", appauthor=False))
    assert resolve_data_dir(None, {}) == expected
    assert resolve_data_dir(None, {DATA_DIR_VARIABLE: ""}) == expected


def test_a_relative_or_home_path_becomes_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert resolve_data_dir("relative", {}) == tmp_path / "relative"
    assert resolve_data_dir("~/calm", {}) == tmp_path / "home" / "calm"
    assert resolve_data_dir(None, {DATA_DIR_VARIABLE: "~/calm"}) == tmp_path / "home" / "calm"


def test_ensure_private_dir_creates_an_owner_only_folder(data_dir: Path) -> None:
    folder = data_dir / "nested" / "deeper"
    assert ensure_private_dir(folder) == folder
    assert folder.is_dir()
    assert mode_of(folder) == 0o700


def test_ensure_private_dir_tightens_an_open_folder(data_dir: Path) -> None:
    data_dir.mkdir()
    data_dir.chmod(0o755)
    (data_dir / "keep.txt").write_text("kept", encoding="utf-8")
    ensure_private_dir(data_dir)
    assert mode_of(data_dir) == 0o700
    assert (data_dir / "keep.txt").read_text(encoding="utf-8") == "kept"


def test_ensure_private_dir_leaves_a_private_folder_as_it_is(data_dir: Path) -> None:
    data_dir.mkdir(mode=0o700)
    ensure_private_dir(data_dir)
    assert mode_of(data_dir) == 0o700


def test_a_file_where_the_folder_should_be_is_refused(data_dir: Path) -> None:
    data_dir.parent.mkdir(exist_ok=True)
    data_dir.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DataDirError, match=str(data_dir)):
        ensure_private_dir(data_dir)
    assert data_dir.read_text(encoding="utf-8") == "not a folder"


def test_a_folder_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataDirError, match="Cannot use the data folder"):
        ensure_private_dir(blocker / "data")


# -- writing files ----------------------------------------------------------------------------


def test_write_file_atomically_writes_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    write_file_atomically(target, b"first")
    assert target.read_bytes() == b"first"
    assert mode_of(target) == 0o600
    assert names_in(tmp_path) == ["notes.json"]


def test_write_file_atomically_replaces_and_tightens(tmp_path: Path) -> None:
    target = tmp_path / "notes.json"
    target.write_bytes(b"old")
    target.chmod(0o644)
    write_file_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert mode_of(target) == 0o600
    assert names_in(tmp_path) == ["notes.json"]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_litter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "settings.json"
    target.write_bytes(b"the old, good contents")

    def failing_fsync(descriptor: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="No space left"):
        write_file_atomically(target, b"the new contents that never fully arrived")

    assert target.read_bytes() == b"the old, good contents"
    assert names_in(tmp_path) == ["settings.json"]


def test_a_failed_first_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_fsync(descriptor: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        write_file_atomically(tmp_path / "new.json", b"data")
    assert names_in(tmp_path) == []


# -- settings ---------------------------------------------------------------------------------


def test_settings_round_trip(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    chosen = Settings(
        journal_file="journal-2.sqlite3",
        volume=0.35,
        timer_minutes=45,
        ambience="stream",
        ambience_volume=0.25,
        breaths_per_minute=4.5,
        exhale_ratio=2.0,
        reduced_motion=True,
        play_flagged_tracks=True,
        introduced_scripts=("safe-place", "shoreline"),
    )
    save_settings(data_dir, chosen)
    loaded = load_settings(data_dir)
    assert loaded.settings == chosen
    assert loaded.problem is None
    assert mode_of(data_dir / SETTINGS_FILE) == 0o600
    document = json.loads((data_dir / SETTINGS_FILE).read_text(encoding="utf-8"))
    assert document["version"] == SETTINGS_VERSION


def test_no_settings_file_gives_defaults_silently(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    loaded = load_settings(data_dir)
    assert loaded.settings == Settings()
    assert loaded.problem is None
    assert names_in(data_dir) == []


def test_a_whole_number_volume_is_accepted(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text('{"version": 1, "volume": 1}', encoding="utf-8")
    loaded = load_settings(data_dir)
    assert loaded.settings.volume == 1.0
    assert loaded.problem is None


def test_a_volume_out_of_range_falls_back_to_the_default(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text('{"version": 1, "volume": 7.5}', encoding="utf-8")
    assert load_settings(data_dir).settings.volume == Settings().volume


def test_settings_from_before_the_timer_and_ambience_load_with_their_defaults(
    data_dir: Path,
) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text(
        '{"version": 1, "journal_file": "journal.sqlite3", "volume": 0.4}', encoding="utf-8"
    )
    loaded = load_settings(data_dir)
    assert loaded.problem is None
    assert loaded.settings == Settings(volume=0.4)
    assert (loaded.settings.timer_minutes, loaded.settings.ambience) == (0, "")
    assert loaded.settings.ambience_volume == 0.5


WRONG_TYPES = {
    "reduced motion as a number": '"reduced_motion": 1',
    "reduced motion as text": '"reduced_motion": "yes"',
    "a breathing rate as true": '"breaths_per_minute": true',
    "introduced scripts as text": '"introduced_scripts": "safe-place"',
    "introduced scripts holding numbers": '"introduced_scripts": [1, 2]',
}


@pytest.mark.parametrize("entry", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_a_setting_of_the_wrong_type_sets_the_file_aside(data_dir: Path, entry: str) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text('{"version": 1, ' + entry + "}", encoding="utf-8")
    loaded = load_settings(data_dir)
    assert loaded.settings == Settings()
    assert loaded.problem is not None and "defaults are used" in loaded.problem
    assert not (data_dir / SETTINGS_FILE).exists(), "the unusable file was moved aside"


@pytest.mark.parametrize("minutes", [0, *TIMER_MINUTES])
def test_every_offered_timer_length_is_kept(data_dir: Path, minutes: int) -> None:
    ensure_private_dir(data_dir)
    save_settings(data_dir, Settings(timer_minutes=minutes))
    assert load_settings(data_dir).settings.timer_minutes == minutes


OUT_OF_RANGE_SETTINGS: dict[str, tuple[str, str]] = {
    "a timer length not offered": ('"timer_minutes": 7', "timer_minutes"),
    "a negative timer": ('"timer_minutes": -10', "timer_minutes"),
    "an endless timer": ('"timer_minutes": 100000000000000000000', "timer_minutes"),
    "an ambience path": ('"ambience": "../../etc/passwd"', "ambience"),
    "an ambience with capitals and spaces": ('"ambience": "Rain Storm"', "ambience"),
    "a very long ambience key": ('"ambience": "' + "a" * 200 + '"', "ambience"),
    "ambience volume above one": ('"ambience_volume": 1.5', "ambience_volume"),
    "ambience volume below zero": ('"ambience_volume": -0.1', "ambience_volume"),
    "ambience volume not a number": ('"ambience_volume": NaN', "ambience_volume"),
    "ambience volume infinite": ('"ambience_volume": Infinity', "ambience_volume"),
    "a breathing rate too fast": ('"breaths_per_minute": 30', "breaths_per_minute"),
    "a breathing rate of zero": ('"breaths_per_minute": 0', "breaths_per_minute"),
    "a breathing rate not a number": ('"breaths_per_minute": NaN', "breaths_per_minute"),
    "an exhale ratio not offered": ('"exhale_ratio": 3.7', "exhale_ratio"),
    "a script id that is a path": ('"introduced_scripts": ["../x"]', "introduced_scripts"),
}


@pytest.mark.parametrize(
    ("entry", "name"), OUT_OF_RANGE_SETTINGS.values(), ids=OUT_OF_RANGE_SETTINGS.keys()
)
def test_a_timer_or_ambience_out_of_range_falls_back_quietly(
    data_dir: Path, entry: str, name: str
) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text(
        '{"version": 1, "volume": 0.3, ' + entry + "}",
        encoding="utf-8",
    )
    loaded = load_settings(data_dir)
    assert loaded.problem is None
    assert getattr(loaded.settings, name) == getattr(Settings(), name)
    assert loaded.settings.volume == 0.3, "the other settings are kept"


UNREADABLE_SETTINGS: dict[str, bytes] = {
    "bad json": b'{"version": 1, "volume": ',
    "not an object": b"[1, 2, 3]",
    "not utf-8": b'{"version": 1, "journal_file": "\xff\xfe"}',
    "volume is text": b'{"version": 1, "volume": "loud"}',
    "volume is a boolean": b'{"version": 1, "volume": true}',
    "journal_file is a number": b'{"version": 1, "journal_file": 3}',
    "timer_minutes is text": b'{"version": 1, "timer_minutes": "ten"}',
    "timer_minutes is a boolean": b'{"version": 1, "timer_minutes": true}',
    "timer_minutes is a fraction": b'{"version": 1, "timer_minutes": 10.5}',
    "ambience is a number": b'{"version": 1, "ambience": 3}',
    "ambience is a list": b'{"version": 1, "ambience": ["rain"]}',
    "ambience_volume is text": b'{"version": 1, "ambience_volume": "quiet"}',
    "no version": b'{"volume": 0.5}',
    "newer version": b'{"version": 99, "volume": 0.5}',
    "journal_file escapes the folder": b'{"version": 1, "journal_file": "../x.sqlite3"}',
    "journal_file is absolute": b'{"version": 1, "journal_file": "/tmp/x.sqlite3"}',
    "journal_file not a journal": b'{"version": 1, "journal_file": "settings.json"}',
    "huge": b'{"version": 1, "pad": "' + b"x" * (MAX_SETTINGS_BYTES + 10) + b'"}',
    "deeply nested": b"[" * 30_000 + b"]" * 30_000,  # under the size limit
}


@pytest.mark.parametrize("content", UNREADABLE_SETTINGS.values(), ids=UNREADABLE_SETTINGS.keys())
def test_unreadable_settings_give_defaults_and_keep_the_old_file(
    data_dir: Path, content: bytes
) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_bytes(content)

    loaded = load_settings(data_dir)

    assert loaded.settings == Settings()
    assert loaded.problem is not None
    assert "defaults are used" in loaded.problem
    assert not (data_dir / SETTINGS_FILE).exists()
    [kept] = [path for path in data_dir.iterdir() if path.name.startswith("settings.json.")]
    assert kept.name in loaded.problem
    assert kept.read_bytes() == content


def test_settings_set_aside_twice_in_one_second_are_both_kept(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    moment = datetime(2024, 5, 6, 21, 0, 0).astimezone()
    monkeypatch.setattr(settings_module, "now", lambda: moment)
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_bytes(b"first broken file")
    first = load_settings(data_dir)
    (data_dir / SETTINGS_FILE).write_bytes(b"second broken file")
    second = load_settings(data_dir)

    kept = sorted(path for path in data_dir.iterdir() if path.name.startswith("settings.json."))
    assert sorted(path.read_bytes() for path in kept) == [
        b"first broken file",
        b"second broken file",
    ]
    assert first.problem is not None and second.problem is not None
    assert first.problem != second.problem  # each names its own kept file


def test_saving_after_an_unreadable_file_keeps_the_old_one(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_bytes(b"{broken")
    loaded = load_settings(data_dir)
    save_settings(data_dir, loaded.settings.with_changes(volume=0.2))
    assert load_settings(data_dir).settings.volume == 0.2
    kept = [path for path in data_dir.iterdir() if path.name.startswith("settings.json.")]
    assert [path.read_bytes() for path in kept] == [b"{broken"]


# -- the workspace ----------------------------------------------------------------------------


def opened_journal(workspace: Workspace) -> tuple[Journal | None, Exception | None]:
    """The workspace's journal and problem as they are now (after it changed them)."""
    return workspace.journal, workspace.journal_problem


def test_a_workspace_creates_its_folder_and_journal(data_dir: Path) -> None:
    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is not None
        assert workspace.journal_problem is None
        assert workspace.notices == []
        assert mode_of(data_dir) == 0o700
        assert mode_of(data_dir / "journal.sqlite3") == 0o600
    finally:
        workspace.close()


def test_a_workspace_reports_unreadable_settings(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    (data_dir / SETTINGS_FILE).write_text("{nope", encoding="utf-8")
    workspace = Workspace.open(data_dir)
    try:
        assert workspace.journal is not None
        assert len(workspace.notices) == 1
        assert "could not be read" in workspace.notices[0]
    finally:
        workspace.close()


def test_a_workspace_in_a_folder_under_a_file_fails_clearly(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DataDirError):
        Workspace.open(blocker / "data")


def test_a_damaged_journal_can_be_set_aside_for_a_fresh_one(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    damaged = data_dir / "journal.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    digest = sha256(damaged)

    workspace = Workspace.open(data_dir)
    assert workspace.journal is None
    assert isinstance(workspace.journal_problem, JournalUnreadable)
    assert sha256(damaged) == digest

    fresh_path = workspace.start_fresh_journal()
    try:
        assert fresh_path.parent == data_dir
        assert fresh_path != damaged
        assert fresh_path.name.startswith("journal-") and fresh_path.suffix == ".sqlite3"
        fresh, problem = opened_journal(workspace)
        assert fresh is not None
        assert problem is None
        assert fresh.path == fresh_path
        assert workspace.settings.journal_file == fresh_path.name
        assert load_settings(data_dir).settings.journal_file == fresh_path.name
        assert mode_of(fresh_path) == 0o600
        fresh.start_session("playlist:a", "A", CheckIn(Phase.BEFORE, {"distress": 2}))
    finally:
        workspace.close()
    assert sha256(damaged) == digest

    again = Workspace.open(data_dir)
    try:
        assert again.journal is not None
        assert again.journal.path == fresh_path
        assert [record.content_title for record in again.journal.sessions()] == ["A"]
        assert again.notices == []
    finally:
        again.close()
    assert sha256(damaged) == digest


def test_a_journal_from_a_newer_mtcalm_is_reported_not_replaced(data_dir: Path) -> None:
    ensure_private_dir(data_dir)
    path = data_dir / "journal.sqlite3"
    with Journal.open(path) as journal:
        journal.start_session("playlist:a", "A", CheckIn(Phase.BEFORE))
        journal._connection.execute("PRAGMA user_version = 999")
    digest = sha256(path)

    workspace = Workspace.open(data_dir)
    assert workspace.journal is None
    assert isinstance(workspace.journal_problem, JournalTooNew)
    workspace.close()
    assert sha256(path) == digest
    assert names_in(data_dir) == ["journal.sqlite3"]


def test_two_fresh_journals_in_one_second_get_different_names(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mtcalm.workspace as workspace_module

    moment = datetime(2024, 5, 6, 21, 0, 0).astimezone()
    monkeypatch.setattr(workspace_module, "now", lambda: moment)
    ensure_private_dir(data_dir)
    (data_dir / "journal.sqlite3").write_bytes(b"garbage")
    workspace = Workspace.open(data_dir)
    first = workspace.start_fresh_journal()
    assert workspace.journal is not None
    workspace.journal.start_session("playlist:a", "In the first", CheckIn(Phase.BEFORE))
    second = workspace.start_fresh_journal()
    workspace.close()
    assert first.name == "journal-20240506-210000.sqlite3"
    assert second.name == "journal-20240506-210000-1.sqlite3"
    with Journal.open(first) as journal:
        assert [record.content_title for record in journal.sessions()] == ["In the first"]
