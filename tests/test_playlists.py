"""Playlists: the bundled ones work, and a hostile or broken file is refused clearly."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm.assets import assets_dir, bundled_playlists_dir
from mtcalm.audio.metadata import AudioFileError, AudioInfo
from mtcalm.playlists import (
    MAX_CROSSFADE_SECONDS,
    MAX_PLAYLIST_BYTES,
    MAX_TRACKS,
    PlaylistError,
    default_title,
    load_playlist,
    load_playlists,
    write_playlist,
)
from tests.conftest import PlaylistMaker, ToneMaker

HEADER = """\
format = 1
[playlist]
title = "Settle"
purpose = "Arrive."
crossfade_seconds = 4
"""
TRACK = '[[track]]\nfile = "missing.wav"\n'


def write(folder: Path, name: str, content: str | bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refusal(path: Path) -> PlaylistError:
    with pytest.raises(PlaylistError) as raised:
        load_playlist(path)
    error = raised.value
    assert error.path == path
    assert str(path) in str(error)
    return error


# -- good playlists ---------------------------------------------------------------------------


def test_a_playlist_loads_with_durations_from_the_audio(
    make_tone: ToneMaker, make_playlist: PlaylistMaker
) -> None:
    one = make_tone("one.wav", seconds=1.0)
    two = make_tone("two.wav", seconds=0.25, frequency=330)
    playlist = load_playlist(make_playlist([one, two], title="Evening calm", crossfade=2.5))

    assert playlist.title == "Evening calm"
    assert playlist.purpose == "For tests."
    assert playlist.suggested_use == "Anywhere."
    assert playlist.crossfade_seconds == 2.5
    assert [track.title for track in playlist.tracks] == ["Track 1", "Track 2"]
    assert [track.path for track in playlist.tracks] == [one.resolve(), two.resolve()]
    assert playlist.tracks[0].duration == pytest.approx(1.0, abs=0.01)
    assert playlist.tracks[1].duration == pytest.approx(0.25, abs=0.01)
    assert playlist.duration == pytest.approx(1.25, abs=0.02)
    assert all(track.playable for track in playlist.tracks)
    assert playlist.problems == ()
    assert playlist.id == "test"
    assert playlist.ref == "playlist:test"


def test_relative_entries_resolve_against_the_playlist_folder(
    make_tone: ToneMaker,
    make_playlist: PlaylistMaker,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tone = make_tone("calm.wav", seconds=0.5)
    path = make_playlist(["../audio/calm.wav"])
    monkeypatch.chdir(tmp_path / "audio")  # the working folder must not matter
    playlist = load_playlist(path)
    [track] = playlist.tracks
    assert track.path == tone.resolve()
    assert track.playable
    assert track.duration == pytest.approx(0.5, abs=0.01)


def test_a_missing_track_is_reported_and_the_rest_still_load(
    make_tone: ToneMaker, make_playlist: PlaylistMaker
) -> None:
    good = make_tone("good.wav", seconds=0.5)
    playlist = load_playlist(make_playlist([good, "gone.wav", good]))

    assert len(playlist.tracks) == 3
    assert len(playlist.playable_tracks) == 2
    assert not playlist.tracks[1].playable
    assert playlist.tracks[1].duration == 0
    assert playlist.problems == ("Track 2: File not found",)
    assert playlist.duration == pytest.approx(1.0, abs=0.02)


def test_a_track_title_defaults_to_its_file_name(tmp_path: Path, make_tone: ToneMaker) -> None:
    make_tone("01-harbour.wav", seconds=0.2)
    path = write(
        tmp_path / "playlists", "p.toml", HEADER + '[[track]]\nfile = "../audio/01-harbour.wav"\n'
    )
    [track] = load_playlist(path).tracks
    assert track.title == "01-harbour"


def test_the_playlist_id_is_a_slug_of_the_file_name(tmp_path: Path) -> None:
    path = write(tmp_path, "Evening Wind-Down!.toml", HEADER + TRACK)
    assert load_playlist(path).id == "evening-wind-down"


# -- hostile and broken files -----------------------------------------------------------------


def test_malformed_toml_names_the_right_line(tmp_path: Path) -> None:
    text = HEADER + '[[track]]\nfile = "a.wav"\ntitle = "unterminated\n'
    error = refusal(write(tmp_path, "bad.toml", text))
    assert error.line == 8
    assert f":{error.line}:" in str(error)
    assert "line" not in error.message  # the number is given once, in the place for it


def test_a_duplicate_key_names_its_line(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "dup.toml", HEADER + "crossfade_seconds = 5\n" + TRACK))
    assert error.line == 6


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "image.toml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert "binary" in error.message


def test_a_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    content = HEADER.encode() + '[[track]]\nfile = "caf\u00e9.wav"\n'.encode("latin-1")
    error = refusal(write(tmp_path, "latin.toml", content))
    assert "UTF-8" in error.message
    assert error.line == 7


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    content = HEADER + TRACK + padding * (MAX_PLAYLIST_BYTES // len(padding) + 1)
    error = refusal(write(tmp_path, "huge.toml", content))
    assert "too large" in error.message


def test_deeply_nested_arrays_are_refused_promptly(tmp_path: Path) -> None:
    """Run in a child process: a stack overflow there cannot take the test run down with it."""
    path = write(tmp_path, "deep.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert path.stat().st_size <= MAX_PLAYLIST_BYTES  # gets past the size check
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from mtcalm.playlists import PlaylistError, load_playlist
        try:
            load_playlist(Path(sys.argv[1]))
        except PlaylistError as error:
            print("refused:", error.message)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("refused:")
    assert "RecursionError" not in result.stderr


def test_deeply_nested_tables_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "deep.toml", "x = " + "{a = " * 20_000 + "1" + "}" * 20_000 + "\n")
    error = refusal(path)
    assert error.message


@pytest.mark.parametrize(
    ("header_line", "needle"),
    [
        ("title = 3", "'title' must be text"),
        ('title = ""', "'title' is missing"),
        ('purpose = ["a"]', "'purpose' must be text"),
        ('crossfade_seconds = "x"', "crossfade_seconds must be a number"),
        ("crossfade_seconds = true", "crossfade_seconds must be a number"),
        (f"crossfade_seconds = {MAX_CROSSFADE_SECONDS + 1}", "from 0 to 12"),
        ("crossfade_seconds = -1", "from 0 to 12"),
        ("crossfade_seconds = nan", "must be a number"),
        ("crossfade_seconds = inf", "must be a number"),
    ],
)
def test_wrong_values_in_the_header_are_refused_with_their_line(
    tmp_path: Path, header_line: str, needle: str
) -> None:
    key = header_line.split(" ")[0]
    lines = [line for line in HEADER.splitlines() if not line.startswith(key)]
    lines.insert(2, header_line)  # just after [playlist]
    error = refusal(write(tmp_path, "wrong.toml", "\n".join(lines) + "\n" + TRACK))
    assert needle in error.message
    assert error.line == 3


def test_a_title_that_is_too_long_is_refused(tmp_path: Path) -> None:
    text = HEADER.replace('title = "Settle"', f'title = "{"a" * 3000}"') + TRACK
    error = refusal(write(tmp_path, "long.toml", text))
    assert "longer than" in error.message


def test_a_playlist_without_tracks_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "empty.toml", HEADER))
    assert "no [[track]]" in error.message


def test_tracks_that_are_not_tables_are_refused(tmp_path: Path) -> None:
    text = 'format = 1\ntrack = [1, 2]\n[playlist]\ntitle = "T"\n'
    error = refusal(write(tmp_path, "ints.toml", text))
    assert "must be a table" in error.message


def test_a_track_without_a_file_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "nofile.toml", HEADER + '[[track]]\ntitle = "Nothing"\n'))
    assert "'file' is missing" in error.message


def test_a_wrong_value_in_a_later_track_points_at_that_track(tmp_path: Path) -> None:
    text = HEADER + TRACK + '[[track]]\nfile = "b.wav"\ntitle = 3\n'
    error = refusal(write(tmp_path, "second.toml", text))
    assert "track 2" in error.message
    assert "'title' must be text" in error.message
    assert error.line == 8  # the second [[track]], not the playlist's own title on line 3


def test_a_later_track_without_a_file_points_at_that_track(tmp_path: Path) -> None:
    text = HEADER + TRACK + TRACK + '[[track]]\nnote = "no file here"\n'
    error = refusal(write(tmp_path, "third.toml", text))
    assert "track 3: 'file' is missing" in error.message
    assert error.line == 10


def test_too_many_tracks_are_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "many.toml", HEADER + TRACK * (MAX_TRACKS + 1)))
    assert str(MAX_TRACKS) in error.message


@pytest.mark.parametrize("first_line", ["", "format = 2", 'format = "1"'])
def test_a_missing_or_unknown_format_is_refused(tmp_path: Path, first_line: str) -> None:
    text = HEADER.replace("format = 1", first_line) + TRACK
    error = refusal(write(tmp_path, "format.toml", text))
    assert "format = 1" in error.message
    assert error.line == 1


def test_a_missing_playlist_table_is_refused(tmp_path: Path) -> None:
    error = refusal(write(tmp_path, "nohead.toml", "format = 1\n" + TRACK))
    assert "[playlist]" in error.message


def test_an_empty_file_and_a_folder_are_refused(tmp_path: Path) -> None:
    refusal(write(tmp_path, "empty.toml", ""))
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    error = refusal(folder)
    assert "cannot be read" in error.message


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    error = refusal(tmp_path / "nowhere.toml")
    assert "cannot be read" in error.message


def test_load_playlists_skips_broken_files(
    tmp_path: Path, make_tone: ToneMaker, make_playlist: PlaylistMaker
) -> None:
    tone = make_tone("a.wav", seconds=0.2)
    make_playlist([tone], title="Zebra calm", name="z.toml")
    make_playlist([tone], title="already settled", name="a.toml")
    folder = tmp_path / "playlists"
    write(folder, "broken.toml", "format = 1\n[playlist\n")
    write(folder, "binary.toml", b"\x00\x01\x02")
    write(folder, "readme.txt", "not a playlist")

    playlists = load_playlists(folder)

    assert [playlist.title for playlist in playlists] == ["already settled", "Zebra calm"]


def test_load_playlists_of_an_empty_or_missing_folder(tmp_path: Path) -> None:
    assert load_playlists(tmp_path) == []
    assert load_playlists(tmp_path / "missing") == []


# -- the bundled playlists --------------------------------------------------------------------


def bundled_files() -> list[Path]:
    return sorted(bundled_playlists_dir().glob("*.toml"))


@pytest.mark.skipif(
    not bundled_files(),
    reason=f"no bundled playlists yet in {bundled_playlists_dir()} (the audio is being made)",
)
def test_every_bundled_playlist_loads_and_plays() -> None:
    root = assets_dir().resolve()
    files = bundled_files()
    playlists = [load_playlist(path) for path in files]  # raises on the first broken file
    assert len(load_playlists(bundled_playlists_dir())) == len(files)
    assert len({playlist.id for playlist in playlists}) == len(playlists)
    for playlist in playlists:
        assert playlist.title, playlist.source
        assert playlist.tracks, playlist.source
        assert playlist.problems == (), playlist.source
        for track in playlist.tracks:
            assert track.playable, f"{playlist.source}: {track.path}"
            assert track.duration > 0, f"{playlist.source}: {track.path}"
            assert track.path.resolve().is_relative_to(root), f"{track.path} is outside {root}"


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:

    pipe = tmp_path / "pipe.toml"
    os.mkfifo(pipe)
    with pytest.raises(PlaylistError, match="not a regular file"):
        load_playlist(pipe)


# -- missing entries --------------------------------------------------------------------------


def test_a_missing_entry_names_the_entry_as_written_and_its_line(
    make_tone: ToneMaker, make_playlist: PlaylistMaker
) -> None:
    good = make_tone("good.wav", seconds=0.3)
    playlist = load_playlist(make_playlist([good, "../audio/gone.wav"]))

    [problem] = playlist.entry_problems
    assert problem.number == 2
    assert problem.entry == "../audio/gone.wav"
    assert problem.line == 11  # the second track's file = line (header of 6 lines, 3 per track)
    assert problem.short == "File not found"
    assert problem.message == 'track 2 "../audio/gone.wav": File not found'
    assert playlist.tracks[1].entry == "../audio/gone.wav"
    assert playlist.tracks[0].line == 8


def test_a_playlist_whose_every_entry_is_missing_still_loads(
    make_playlist: PlaylistMaker,
) -> None:
    playlist = load_playlist(make_playlist(["a.wav", "b.wav", "c.wav"]))
    assert len(playlist.tracks) == 3
    assert playlist.playable_tracks == ()
    assert playlist.duration == 0
    assert [problem.entry for problem in playlist.entry_problems] == ["a.wav", "b.wav", "c.wav"]
    assert len(playlist.problems) == 3


def test_an_empty_playlist_loads_only_when_allowed(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.toml", HEADER)
    assert load_playlist(path, allow_empty=True).tracks == ()
    with pytest.raises(PlaylistError, match="no \\[\\[track\\]\\]"):
        load_playlist(path)


def test_a_byte_order_mark_from_a_windows_editor_is_accepted(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + (HEADER + TRACK).encode())
    assert load_playlist(path).title == "Settle"


def test_a_file_entry_keeps_its_spaces(tmp_path: Path) -> None:
    path = write(tmp_path, "spaces.toml", HEADER + '[[track]]\nfile = " padded .wav"\n')
    [track] = load_playlist(path).tracks
    assert track.path.name == " padded .wav"
    assert track.entry == " padded .wav"


def test_a_nul_in_a_file_entry_is_refused_with_its_track(tmp_path: Path) -> None:
    path = write(tmp_path, "nul.toml", HEADER + '[[track]]\nfile = "a\\u0000b.wav"\n')
    error = refusal(path)
    assert "track 1" in error.message
    assert "NUL" in error.message
    assert error.line == 6


# -- writing ----------------------------------------------------------------------------------


def no_audio(path: Path) -> AudioInfo:
    raise AudioFileError("Not read", f"{path} was not read in this test.")


def test_write_playlist_reads_back_the_same(tmp_path: Path, make_tone: ToneMaker) -> None:
    inside = make_tone("inside.wav", seconds=0.2)
    folder = tmp_path / "audio"
    outside = tmp_path / "elsewhere" / "far.ogg"
    path = folder / "mine.toml"
    write_playlist(
        path,
        'Evening "calm" \\ é 🌙',
        "For\nnights",
        "Lie down.",
        2.5,
        [(inside, "In here", "A note"), (outside, "", ""), (Path("sub/rel.ogg"), "Rel", "")],
    )

    playlist = load_playlist(path)
    assert playlist.title == 'Evening "calm" \\ é 🌙'
    assert playlist.purpose == "For\nnights"
    assert playlist.suggested_use == "Lie down."
    assert playlist.crossfade_seconds == 2.5
    assert [track.path for track in playlist.tracks] == [
        inside.resolve(),
        outside.resolve(),
        (folder / "sub" / "rel.ogg").resolve(),
    ]
    assert [track.title for track in playlist.tracks] == ["In here", "far", "Rel"]
    assert playlist.tracks[0].note == "A note"
    assert playlist.tracks[0].playable
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert [entry["file"] for entry in document["track"]] == [
        "inside.wav",  # inside the playlist's folder: relative
        outside.as_posix(),  # outside it: absolute
        "sub/rel.ogg",
    ]


def test_write_playlist_is_owner_only_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    write_playlist(path, "One", "", "", 0, [])
    write_playlist(path, "Two", "", "", 0, [])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [item.name for item in tmp_path.iterdir()] == ["p.toml"]
    assert load_playlist(path, allow_empty=True).title == "Two"


@pytest.mark.parametrize(
    ("title", "crossfade", "tracks", "needle"),
    [
        ("  ", 4, [], "needs a title"),
        ("T", -1, [], "crossfade_seconds"),
        ("T", float("nan"), [], "crossfade_seconds"),
        ("T", True, [], "crossfade_seconds"),
        ("T", 4, [(Path("a.ogg"), "", "")] * (MAX_TRACKS + 1), str(MAX_TRACKS)),
        ("T", 4, [(Path("bad\udcff.ogg"), "", "")], "track 1"),
        ("T\udcff", 4, [], "not valid text"),
        ("x" * 2001, 4, [], "longer than"),
    ],
)
def test_write_playlist_refuses_what_the_format_cannot_hold(
    tmp_path: Path, title: str, crossfade: float, tracks: list[tuple[Path, str, str]], needle: str
) -> None:
    path = tmp_path / "p.toml"
    with pytest.raises(PlaylistError) as raised:
        write_playlist(path, title, "", "", crossfade, tracks)
    assert needle in raised.value.message
    assert not path.exists()


def test_write_playlist_does_not_replace_a_good_file_with_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    write_playlist(path, "Kept", "", "", 4, [])
    with pytest.raises(PlaylistError):
        write_playlist(path, "", "", "", 4, [])
    assert load_playlist(path, allow_empty=True).title == "Kept"


any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=60)
file_name = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"), min_size=1, max_size=30
).filter(lambda name: name not in (".", ".."))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=any_text.filter(lambda text: text.strip()),
    purpose=any_text,
    crossfade=st.floats(0, MAX_CROSSFADE_SECONDS),
    tracks=st.lists(st.tuples(file_name, any_text, any_text), max_size=4),
)
def test_any_text_written_reads_back_identically(
    tmp_path: Path,
    title: str,
    purpose: str,
    crossfade: float,
    tracks: list[tuple[str, str, str]],
) -> None:
    path = tmp_path / "fuzz" / "p.toml"
    path.parent.mkdir(exist_ok=True)
    entries = [(tmp_path / "music" / name, track_title, note) for name, track_title, note in tracks]
    write_playlist(path, title, purpose, "", crossfade, entries)

    playlist = load_playlist(path, no_audio, allow_empty=True)
    assert playlist.title == title.strip()
    assert playlist.purpose == purpose.strip()
    assert playlist.crossfade_seconds == crossfade
    assert [track.path for track in playlist.tracks] == [audio.resolve() for audio, _, _ in entries]
    assert [track.title for track in playlist.tracks] == [
        track_title.strip() or default_title(name) for name, track_title, _ in tracks
    ]
    assert [track.note for track in playlist.tracks] == [note.strip() for _, _, note in tracks]


def test_a_file_named_only_whitespace_is_titled_by_its_name_not_its_folders() -> None:
    """Found by the fuzz test above in CI: a track file named "\\r" was titled with the
    whole path of its folder."""
    assert default_title("/home/sam/music/\r") == "\r"
    assert default_title("/home/sam/music/ .ogg") == " .ogg"
    assert default_title("/home/sam/music/Slow  Tide.ogg") == "Slow Tide"


def test_a_number_too_long_for_python_is_a_clear_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "long-number.toml"
    path.write_text("format = 1\nn = " + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(PlaylistError, match="a number in the file is far too long"):
        load_playlist(path)
    assert load_playlists(tmp_path) == [], "the folder's other playlists still load"
