"""A person's own playlists: made, renamed, edited and deleted without ever losing anything."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mtcalm.assets import bundled_playlists_dir
from mtcalm.own_playlists import (
    DELETED_FOLDER,
    MAX_TITLE_LENGTH,
    OwnPlaylistError,
    OwnPlaylists,
)
from mtcalm.playlists import MAX_TRACKS, load_playlist
from tests.conftest import ToneMaker


@pytest.fixture
def own(data_dir: Path) -> OwnPlaylists:
    return OwnPlaylists(data_dir / "playlists")


def test_a_new_playlist_is_empty_private_and_listed(own: OwnPlaylists, data_dir: Path) -> None:
    made = own.create("  Evening calm  ")

    assert made.title == "Evening calm"
    assert made.id == "evening-calm"
    assert made.ref == "playlist:evening-calm"
    assert made.tracks == ()
    assert made.source == data_dir / "playlists" / "evening-calm.toml"
    assert stat.S_IMODE(made.source.stat().st_mode) == 0o600
    assert stat.S_IMODE(made.source.parent.stat().st_mode) == 0o700
    assert [playlist.title for playlist in own.all()] == ["Evening calm"]


def test_no_folder_yet_means_no_playlists(own: OwnPlaylists) -> None:
    assert own.all() == []
    assert own.broken() == []


def test_ids_never_collide_with_bundled_existing_or_deleted_ones(data_dir: Path) -> None:
    own = OwnPlaylists(data_dir / "playlists", reserved_ids=["settle"])
    assert own.create("Settle").id == "my-settle"
    assert own.create("Settle").id == "my-settle-2"
    assert own.create("settle!").id == "my-settle-3"
    calm = own.create("Calm")
    own.delete(calm.id)
    assert own.create("Calm").id == "my-calm"  # the deleted "calm" keeps its journal meaning
    assert own.create("Ruhe für Körper").id == "ruhe-fur-korper"
    assert own.create("静けさ").id == "playlist"
    assert len({playlist.id for playlist in own.all()}) == len(own.all()) == 6


def test_the_bundled_playlists_are_reserved_by_default(own: OwnPlaylists) -> None:
    bundled = {path.stem for path in bundled_playlists_dir().glob("*.toml")}
    assert bundled <= own.reserved_ids
    if "settle" in bundled:
        assert own.create("Settle").id != "settle"


def test_rename_keeps_the_id_and_the_tracks(own: OwnPlaylists, make_tone: ToneMaker) -> None:
    tone = make_tone("a.wav", seconds=0.3)
    made = own.create("Morning")
    own.add_tracks(made.id, [tone])

    renamed = own.rename(made.id, "Gentle morning")

    assert renamed.id == made.id
    assert renamed.source == made.source
    assert renamed.title == "Gentle morning"
    assert [track.path for track in renamed.tracks] == [tone.resolve()]
    assert [playlist.title for playlist in own.all()] == ["Gentle morning"]


def test_tracks_are_added_removed_and_moved(own: OwnPlaylists, make_tone: ToneMaker) -> None:
    one, two, three = (make_tone(f"{name}.wav", seconds=0.2) for name in ("one", "two", "three"))
    made = own.create("Mix")

    added = own.add_tracks(made.id, [one, two, three])
    assert [track.title for track in added.tracks] == ["one", "two", "three"]
    assert all(track.playable for track in added.tracks)

    moved = own.move_track(made.id, 2, 0)
    assert [track.title for track in moved.tracks] == ["three", "one", "two"]
    moved = own.move_track(made.id, 0, 2)
    assert [track.title for track in moved.tracks] == ["one", "two", "three"]

    removed = own.remove_track(made.id, 1)
    assert [track.title for track in removed.tracks] == ["one", "three"]
    assert one.exists() and two.exists()  # the audio itself is never touched
    reloaded = load_playlist(made.source)
    assert [track.path for track in reloaded.tracks] == [one.resolve(), three.resolve()]


def test_added_files_are_written_with_absolute_paths(
    own: OwnPlaylists, make_tone: ToneMaker
) -> None:
    tone = make_tone("calm.wav", seconds=0.2)
    made = own.add_tracks(own.create("Abs").id, [tone])
    assert f'file = "{tone.as_posix()}"' in made.source.read_text(encoding="utf-8")


def test_a_missing_file_is_kept_and_reported(own: OwnPlaylists, tmp_path: Path) -> None:
    made = own.add_tracks(own.create("Gone").id, [tmp_path / "unplugged" / "song.ogg"])
    [track] = made.tracks
    assert not track.playable
    assert made.problems == ("song: File not found",)


def test_delete_moves_the_file_aside_and_never_erases_it(
    own: OwnPlaylists, make_tone: ToneMaker
) -> None:
    made = own.add_tracks(own.create("Old").id, [make_tone("a.wav", seconds=0.2)])
    original = made.source.read_bytes()

    kept = own.delete(made.id)
    again = own.delete(own.create("Old").id)  # "my-old"

    assert not made.source.exists()
    assert kept.parent == own.folder / DELETED_FOLDER
    assert kept.read_bytes() == original
    assert kept.name.startswith("old.") and kept.name.endswith(".toml")
    assert again.name.startswith("my-old.")
    assert own.all() == []
    with pytest.raises(OwnPlaylistError, match="no playlist"):
        own.rename(made.id, "Back")


@pytest.mark.parametrize(
    ("title", "needle"),
    [
        ("", "needs a title"),
        ("   ", "needs a title"),
        ("x" * (MAX_TITLE_LENGTH + 1), str(MAX_TITLE_LENGTH)),
        ("two\nlines", "line breaks"),
        ("bell\x07", "control characters"),
    ],
)
def test_bad_titles_are_refused_clearly(own: OwnPlaylists, title: str, needle: str) -> None:
    with pytest.raises(OwnPlaylistError, match=needle):
        own.create(title)
    made = own.create("Fine")
    with pytest.raises(OwnPlaylistError, match=needle):
        own.rename(made.id, title)
    assert own.all()[0].title == "Fine"


def test_a_playlist_holds_at_most_the_track_limit(own: OwnPlaylists, tmp_path: Path) -> None:
    made = own.create("Long")
    own.add_tracks(made.id, [tmp_path / f"{number}.ogg" for number in range(MAX_TRACKS - 1)])
    with pytest.raises(OwnPlaylistError, match=f"at most {MAX_TRACKS} tracks"):
        own.add_tracks(made.id, [tmp_path / "a.ogg", tmp_path / "b.ogg"])
    assert len(own.add_tracks(made.id, [tmp_path / "last.ogg"]).tracks) == MAX_TRACKS


@pytest.mark.parametrize("index", [-1, 2, 99, True])
def test_track_positions_out_of_range_are_refused(
    own: OwnPlaylists, tmp_path: Path, index: int
) -> None:
    made = own.add_tracks(own.create("Two").id, [tmp_path / "a.ogg", tmp_path / "b.ogg"])
    before = made.source.read_bytes()
    with pytest.raises(OwnPlaylistError, match="no track"):
        own.remove_track(made.id, index)
    with pytest.raises(OwnPlaylistError, match="no track"):
        own.move_track(made.id, 0, index)
    assert made.source.read_bytes() == before


@pytest.mark.parametrize("bad_id", ["../settle", "nope", "", "A", "a/b", "..", "x.toml"])
def test_unknown_or_hostile_ids_are_refused(own: OwnPlaylists, bad_id: str) -> None:
    own.create("Real")
    for change in (
        lambda: own.rename(bad_id, "T"),
        lambda: own.add_tracks(bad_id, []),
        lambda: own.remove_track(bad_id, 0),
        lambda: own.delete(bad_id),
    ):
        with pytest.raises(OwnPlaylistError, match="no playlist"):
            change()
    assert [playlist.title for playlist in own.all()] == ["Real"]


def test_a_broken_file_is_reported_and_hides_nothing(own: OwnPlaylists) -> None:
    own.create("Good one")
    (own.folder / "broken.toml").write_text("format = 1\n[playlist\n", encoding="utf-8")
    (own.folder / "binary.toml").write_bytes(b"\x00\x01")

    assert [playlist.title for playlist in own.all()] == ["Good one"]
    broken = own.broken()
    assert sorted(error.path.name for error in broken) == ["binary.toml", "broken.toml"]
    assert all(error.message for error in broken)
    with pytest.raises(OwnPlaylistError, match="cannot be read"):
        own.rename("broken", "Fixed?")
    assert (own.folder / "broken.toml").read_text(encoding="utf-8") == "format = 1\n[playlist\n"


def test_a_hand_named_file_can_be_changed_and_clashes_are_reported(own: OwnPlaylists) -> None:
    own.create("Calm")
    (own.folder / "Calm.toml").write_text(
        'format = 1\n[playlist]\ntitle = "Copy"\n', encoding="utf-8"
    )
    (own.folder / "Wind Down.toml").write_text(
        'format = 1\n[playlist]\ntitle = "Wind down"\n', encoding="utf-8"
    )

    assert [playlist.id for playlist in own.all()] == ["calm", "wind-down"]
    [clash] = own.broken()
    assert clash.path.name == "Calm.toml"
    assert "same id" in clash.message
    assert own.rename("wind-down", "Winding down").source.name == "Wind Down.toml"


def test_an_unwritable_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file", encoding="utf-8")
    own = OwnPlaylists(blocker / "playlists", reserved_ids=[])
    with pytest.raises(OwnPlaylistError, match="cannot be saved"):
        own.create("Anything")
    assert blocker.read_text(encoding="utf-8") == "a file"


def test_create_with_tracks_is_one_write(own: OwnPlaylists, make_tone: ToneMaker) -> None:
    tone = make_tone("a.wav", seconds=0.2)
    made = own.create("Imported", [(tone, "Named track"), (tone, "")])
    assert [track.title for track in made.tracks] == ["Named track", "a"]
    assert [item.name for item in own.folder.iterdir()] == ["imported.toml"]
