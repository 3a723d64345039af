"""Trigger flags: tracks that bring up urges or hard memories are skipped unless chosen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest

from mtcalm.assets import assets_dir
from mtcalm.journal.file import JournalWriteFailed
from mtcalm.journal.store import MAX_TRACK_TITLE_LENGTH, Journal
from mtcalm.playlists import Track
from mtcalm.track_flags import TriggerFlags, track_key


@pytest.fixture
def journal_path(data_dir: Path) -> Path:
    data_dir.mkdir(mode=0o700)
    return data_dir / "journal.sqlite3"


@pytest.fixture
def journal(journal_path: Path) -> Iterator[Journal]:
    with Journal.open(journal_path) as opened:
        yield opened


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "install" / "assets"
    (root / "playlists").mkdir(parents=True)
    return root


# -- naming tracks ----------------------------------------------------------------------------


def test_a_bundled_track_is_named_by_its_place_among_the_assets(assets: Path) -> None:
    track = assets / "playlists" / "evening" / "01 harbour.ogg"
    assert track_key(track, assets) == "bundled:playlists/evening/01 harbour.ogg"
    # The same file reached through "..": the same name.
    roundabout = assets / "playlists" / ".." / "playlists" / "evening" / "01 harbour.ogg"
    assert track_key(roundabout, assets) == "bundled:playlists/evening/01 harbour.ogg"


def test_a_bundled_track_keeps_its_name_when_the_app_moves(tmp_path: Path) -> None:
    old_root, new_root = tmp_path / "v1" / "assets", tmp_path / "v2" / "assets"
    old = track_key(old_root / "playlists" / "a.ogg", old_root)
    new = track_key(new_root / "playlists" / "a.ogg", new_root)
    assert old == new == "bundled:playlists/a.ogg"


def test_a_personal_track_is_named_by_its_full_path(assets: Path, tmp_path: Path) -> None:
    music = tmp_path / "music"
    music.mkdir()
    song = music / "song.flac"
    song.write_bytes(b"")
    key = track_key(song, assets)
    assert key == song.resolve().as_posix()
    assert not key.startswith("bundled:")
    link = tmp_path / "link.flac"
    link.symlink_to(song)
    assert track_key(link, assets) == key, "a link names the file it points to"


def test_a_file_beside_the_assets_folder_is_not_bundled(tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    assets.mkdir()
    neighbour = tmp_path / "assets-extra" / "a.ogg"
    assert not track_key(neighbour, assets).startswith("bundled:")
    assert not track_key(assets, assets).startswith("bundled:")


def test_a_symlink_loop_still_gives_a_name(assets: Path, tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    assert track_key(loop / "a.ogg", assets)


def test_the_real_assets_folder_is_used_by_default_callers() -> None:
    root = assets_dir()
    assert track_key(root / "playlists" / "x.ogg", root) == "bundled:playlists/x.ogg"


# -- flags in the journal ---------------------------------------------------------------------


def test_flags_survive_closing_and_reopening(journal_path: Path) -> None:
    with Journal.open(journal_path) as journal:
        journal.flag_track("bundled:playlists/a.ogg", "Harbour at dusk")
        journal.flag_track("/home/sam/Music/old-band.mp3", "That song")
    with Journal.open(journal_path) as journal:
        flags = journal.flagged_tracks()
    assert set(flags) == {"bundled:playlists/a.ogg", "/home/sam/Music/old-band.mp3"}
    assert flags["bundled:playlists/a.ogg"].title == "Harbour at dusk"
    assert flags["bundled:playlists/a.ogg"].key == "bundled:playlists/a.ogg"
    assert flags["/home/sam/Music/old-band.mp3"].flagged_at.tzinfo is not None


def test_flagging_twice_keeps_one_flag_and_its_first_time(journal: Journal) -> None:
    journal.flag_track("k", "Old title")
    first = journal.flagged_tracks()["k"].flagged_at
    journal._connection.execute("UPDATE track_flags SET flagged_at = '2024-01-01T10:00:00+00:00'")
    journal.flag_track("k", "New title")
    flag = journal.flagged_tracks()["k"]
    assert flag.title == "New title"
    assert flag.flagged_at.year == 2024 and flag.flagged_at != first
    assert len(journal.flagged_tracks()) == 1


def test_unflagging_removes_the_flag_and_unknown_keys_are_harmless(journal: Journal) -> None:
    journal.flag_track("a", "A")
    journal.flag_track("b", "B")
    journal.unflag_track("a")
    journal.unflag_track("never flagged")
    assert set(journal.flagged_tracks()) == {"b"}


def test_hostile_titles_are_kept_as_text_and_limited(journal: Journal) -> None:
    title = "<b>bold</b> ' \" ; DROP TABLE track_flags; --" + "x" * 1000
    journal.flag_track("k", title)
    stored = journal.flagged_tracks()["k"].title
    assert stored == title[:MAX_TRACK_TITLE_LENGTH]


@pytest.mark.parametrize("key", ["", "k" * 5000])
def test_an_empty_or_huge_key_is_refused(journal: Journal, key: str) -> None:
    with pytest.raises(ValueError, match="key"):
        journal.flag_track(key, "title")
    assert journal.flagged_tracks() == {}


def test_a_full_disk_fails_the_flag_and_keeps_those_before(journal: Journal) -> None:
    journal.flag_track("kept", "Kept")
    connection = journal._connection
    pages = connection.execute("PRAGMA page_count").fetchone()[0]
    connection.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(JournalWriteFailed) as raised:
        for index in range(500):
            journal.flag_track(f"/music/{index}/" + "p" * 3000, "t" * 300)
    assert "disk is full" in raised.value.long
    assert "kept" in journal.flagged_tracks()
    assert not connection.in_transaction


def test_a_read_only_journal_keeps_its_flags_unchanged(journal: Journal) -> None:
    journal.flag_track("kept", "Kept")
    journal._connection.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalWriteFailed, match="Nothing was lost"):
        journal.flag_track("new", "New")
    with pytest.raises(JournalWriteFailed):
        journal.unflag_track("kept")
    journal._connection.execute("PRAGMA query_only = OFF")
    assert set(journal.flagged_tracks()) == {"kept"}


# -- the view the pages use -------------------------------------------------------------------


def tracks(assets: Path, tmp_path: Path) -> tuple[Track, Track, Track]:
    return (
        Track(assets / "playlists" / "a.ogg", "Harbour"),
        Track(assets / "playlists" / "b.ogg", "Meadow"),
        Track(tmp_path / "mine.mp3", "My song"),
    )


def test_flagged_tracks_are_skipped_unless_the_person_chooses(
    journal: Journal, assets: Path, tmp_path: Path
) -> None:
    harbour, meadow, mine = tracks(assets, tmp_path)
    flags = TriggerFlags(journal, assets)
    assert flags.playable([harbour, meadow, mine]) == (harbour, meadow, mine)

    flags.flag(meadow.path, meadow.title)
    flags.flag(mine.path, mine.title)
    assert flags.is_flagged(meadow.path) and flags.is_flagged(mine.path)
    assert not flags.is_flagged(harbour.path)
    assert flags.playable([harbour, meadow, mine]) == (harbour,)
    assert flags.playable([harbour, meadow, mine], include_flagged=True) == (harbour, meadow, mine)
    assert set(journal.flagged_tracks()) == {"bundled:playlists/b.ogg", mine.path.as_posix()}

    flags.unflag(meadow.path)
    assert flags.playable([harbour, meadow, mine]) == (harbour, meadow)


def test_flags_set_elsewhere_are_seen_after_a_refresh(
    journal: Journal, assets: Path, tmp_path: Path
) -> None:
    harbour, _, _ = tracks(assets, tmp_path)
    flags = TriggerFlags(journal, assets)
    journal.flag_track("bundled:playlists/a.ogg", "Harbour")
    assert not flags.is_flagged(harbour.path)
    flags.refresh()
    assert flags.is_flagged(harbour.path)
    assert flags.flags["bundled:playlists/a.ogg"].title == "Harbour"


def test_a_flag_survives_the_app_moving_to_a_new_place(journal_path: Path, tmp_path: Path) -> None:
    old_root, new_root = tmp_path / "v1" / "assets", tmp_path / "v2" / "assets"
    with Journal.open(journal_path) as journal:
        TriggerFlags(journal, old_root).flag(old_root / "playlists" / "a.ogg", "Harbour")
    with Journal.open(journal_path) as journal:
        flags = TriggerFlags(journal, new_root)
        assert flags.is_flagged(new_root / "playlists" / "a.ogg")
        assert not flags.is_flagged(old_root / "playlists" / "a.ogg")


def test_a_flag_that_cannot_be_saved_is_not_shown_as_set(
    journal: Journal, assets: Path, tmp_path: Path
) -> None:
    harbour, _, _ = tracks(assets, tmp_path)
    flags = TriggerFlags(journal, assets)
    journal._connection.execute("PRAGMA query_only = ON")
    with pytest.raises(JournalWriteFailed):
        flags.flag(harbour.path, harbour.title)
    assert not flags.is_flagged(harbour.path)


def test_set_flagged_and_flagged_indexes_follow_the_journal(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o700)
    with Journal.open(data / "journal.sqlite3") as journal:
        flags = TriggerFlags(journal, tmp_path / "assets")
        tracks = [SimpleNamespace(path=tmp_path / f"{name}.ogg") for name in ("a", "b", "c")]
        flags.set_flagged(tracks[1].path, "B", True)
        flags.set_flagged(tracks[2].path, "C", True)
        assert flags.flagged_indexes(tracks) == [1, 2]
        flags.set_flagged(tracks[1].path, "B", False)
        assert flags.flagged_indexes(tracks) == [2]
        assert [flag.title for flag in journal.flagged_tracks().values()] == ["C"]
