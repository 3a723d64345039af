"""M3U and M3U8: what other players write is read, imported and written back faithfully."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from mtcalm.m3u import (
    MAX_M3U_BYTES,
    M3UError,
    import_m3u,
    read_m3u,
    write_m3u,
)
from mtcalm.own_playlists import OwnPlaylists
from mtcalm.playlists import MAX_TEXT, MAX_TRACKS, load_playlist, write_playlist
from tests.conftest import ToneMaker


def write(path: Path, content: str | bytes, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def refusal(path: Path) -> M3UError:
    with pytest.raises(M3UError) as raised:
        read_m3u(path)
    assert raised.value.path == path
    assert str(path) in str(raised.value)
    return raised.value


@pytest.fixture
def own(data_dir: Path) -> OwnPlaylists:
    return OwnPlaylists(data_dir / "playlists", reserved_ids=[])


# -- reading ----------------------------------------------------------------------------------


def test_an_extended_m3u_gives_titles_lengths_and_lines(tmp_path: Path) -> None:
    path = write(
        tmp_path / "lists" / "evening.m3u8",
        "\ufeff#EXTM3U\r\n#PLAYLIST:Evening calm\r\n"
        "#EXTINF:123,Harbour at Dawn\r\nmusic/harbour.ogg\r\n"
        "\r\n# a comment\r\n"
        '#EXTINF:-1 tvg-name="a, b" group-title="x",Slow, Tide\r\n../tide.flac\r\n'
        "/abs/olute.mp3\r\n",
    )
    m3u = read_m3u(path)

    assert m3u.title == "Evening calm"
    assert [(entry.title, entry.duration, entry.line) for entry in m3u.entries] == [
        ("Harbour at Dawn", 123.0, 4),
        ("Slow, Tide", None, 8),
        ("", None, 9),
    ]
    assert [entry.path for entry in m3u.entries] == [
        tmp_path / "lists" / "music" / "harbour.ogg",
        tmp_path / "tide.flac",
        Path("/abs/olute.mp3"),
    ]
    assert m3u.problems == []


def test_plain_m3u_without_header_and_windows_paths(tmp_path: Path) -> None:
    path = write(tmp_path / "w.m3u", "Music\\Calm\\one.mp3\nsub\\two.mp3")
    assert [entry.path for entry in read_m3u(path).entries] == [
        tmp_path / "Music" / "Calm" / "one.mp3",
        tmp_path / "sub" / "two.mp3",
    ]


def test_file_urls_are_files_and_web_addresses_are_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path / "u.m3u8",
        "#EXTM3U\n"
        "file:///home/me/Music/caf%C3%A9%20one.ogg\n"
        "file://localhost/srv/two.ogg\n"
        "#EXTINF:10,Stream\nhttps://radio.example/stream\n"
        "rtsp://cam/x\n"
        "file://server/share/a.ogg\n"
        "C:\\Music\\a.mp3\n",
    )
    m3u = read_m3u(path)
    assert [entry.path for entry in m3u.entries] == [
        Path("/home/me/Music/café one.ogg"),
        Path("/srv/two.ogg"),
    ]
    assert [issue.line for issue in m3u.issues] == [5, 6, 7, 8]
    assert "https addresses are not supported" in m3u.problems[0]
    assert m3u.problems[0].startswith("line 5: ")
    assert "another computer" in m3u.problems[2]
    assert "Windows path" in m3u.problems[3]


def test_a_title_does_not_carry_over_past_a_left_out_entry(tmp_path: Path) -> None:
    path = write(tmp_path / "t.m3u", "#EXTINF:5,Web\nhttp://x/y\nplain.ogg\n")
    [entry] = read_m3u(path).entries
    assert entry.title == ""


def test_a_malformed_extinf_is_reported_and_its_entry_kept(tmp_path: Path) -> None:
    path = write(tmp_path / "t.m3u", "#EXTM3U\n#EXTINF:abc\na.ogg\n#EXTINF:1e999999,Big\nb.ogg\n")
    m3u = read_m3u(path)
    assert [entry.path.name for entry in m3u.entries] == ["a.ogg", "b.ogg"]
    assert m3u.problems[0].startswith("line 2: #EXTINF")
    assert m3u.entries[1].duration is None  # an impossible length is not believed


def test_legacy_m3u_falls_back_to_windows_1252(tmp_path: Path) -> None:
    path = write(
        tmp_path / "old.m3u", "#EXTINF:3,Caf\u00e9 \u2013 night\ncaf\u00e9.mp3\n", "cp1252"
    )
    [entry] = read_m3u(path).entries
    assert entry.title == "Caf\u00e9 \u2013 night"
    assert entry.path.name == "caf\u00e9.mp3"


def test_an_m3u8_must_be_utf8(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.m3u8", "ok.mp3\ncaf\u00e9.mp3\n", "latin-1")
    error = refusal(path)
    assert "UTF-8" in error.message
    assert error.line == 2


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\n  \r\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"song.mp3\n\x01\x02\x03\x04", "binary"),
    ],
)
def test_empty_and_binary_files_are_refused(tmp_path: Path, content: bytes, needle: str) -> None:
    assert needle in refusal(write(tmp_path / "x.m3u", content)).message


def test_a_file_over_the_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path / "huge.m3u", b"a.mp3\n" * (MAX_M3U_BYTES // 6 + 1))
    assert "too large" in refusal(path).message


def test_folders_pipes_and_missing_files_are_refused(tmp_path: Path) -> None:
    import os

    folder = tmp_path / "folder.m3u"
    folder.mkdir()
    pipe = tmp_path / "pipe.m3u"
    os.mkfifo(pipe)
    assert "not a regular file" in refusal(folder).message
    assert "not a regular file" in refusal(pipe).message
    assert "cannot be read" in refusal(tmp_path / "nowhere.m3u").message


def test_an_overlong_line_is_left_out(tmp_path: Path) -> None:
    path = write(tmp_path / "l.m3u", "a" * 10_000 + ".mp3\nb.mp3\n")
    m3u = read_m3u(path)
    assert [entry.path.name for entry in m3u.entries] == ["b.mp3"]
    assert "too long" in m3u.problems[0]


# -- importing --------------------------------------------------------------------------------


def test_import_makes_an_own_playlist_and_keeps_missing_entries(
    tmp_path: Path, make_tone: ToneMaker, own: OwnPlaylists
) -> None:
    make_tone("one.wav", seconds=0.3)
    path = write(
        tmp_path / "audio" / "mix.m3u8",
        "#EXTM3U\n#PLAYLIST:Night mix\n#EXTINF:1,First\none.wav\ngone.wav\nhttp://x/y.mp3\n",
    )
    playlist, problems = import_m3u(path, own)

    assert playlist.title == "Night mix"
    assert [track.title for track in playlist.tracks] == ["First", "gone"]
    assert [track.playable for track in playlist.tracks] == [True, False]
    assert any("line 5" in problem and "not found" in problem for problem in problems)
    assert any("line 6" in problem and "http" in problem for problem in problems)
    assert [listed.id for listed in own.all()] == [playlist.id]


def test_import_without_a_title_uses_the_file_name(tmp_path: Path, own: OwnPlaylists) -> None:
    path = write(tmp_path / "sunday_morning.m3u", "a.mp3\n")
    playlist, _ = import_m3u(path, own)
    assert playlist.title == "sunday morning"


def test_import_of_nothing_usable_is_refused_and_makes_nothing(
    tmp_path: Path, own: OwnPlaylists
) -> None:
    path = write(tmp_path / "web.m3u", "#EXTM3U\nhttp://radio/a\n")
    with pytest.raises(M3UError, match="nothing to import"):
        import_m3u(path, own)
    assert own.all() == []


def test_import_keeps_the_first_tracks_up_to_the_limit(tmp_path: Path, own: OwnPlaylists) -> None:
    path = write(tmp_path / "big.m3u", "".join(f"{n}.mp3\n" for n in range(MAX_TRACKS + 20)))
    playlist, problems = import_m3u(path, own)
    assert len(playlist.tracks) == MAX_TRACKS
    assert any(f"first {MAX_TRACKS} of {MAX_TRACKS + 20}" in problem for problem in problems)


# -- writing and the round trip ---------------------------------------------------------------


def test_export_writes_extended_m3u_relative_where_it_can(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    inside = make_tone("inside.wav", seconds=2.6)
    outside = tmp_path / "elsewhere" / "gone.ogg"
    source = tmp_path / "audio" / "p.toml"
    write_playlist(source, "Calm, again", "", "", 4, [(inside, "In", ""), (outside, "Out", "")])
    target = tmp_path / "audio" / "export.m3u"

    write_m3u(load_playlist(source), target)

    assert target.read_text(encoding="utf-8").splitlines() == [
        "#EXTM3U",
        "#PLAYLIST:Calm, again",
        "#EXTINF:3,In",
        "inside.wav",
        "#EXTINF:-1,Out",
        outside.as_posix(),
    ]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_export_refuses_to_replace_a_file_unless_asked(
    tmp_path: Path, make_tone: ToneMaker
) -> None:
    source = tmp_path / "p.toml"
    write_playlist(source, "P", "", "", 4, [(make_tone("a.wav", seconds=0.2), "", "")])
    playlist = load_playlist(source)
    target = write(tmp_path / "there.m3u8", "precious")

    with pytest.raises(M3UError, match="exists already"):
        write_m3u(playlist, target)
    assert target.read_text(encoding="utf-8") == "precious"
    write_m3u(playlist, target, overwrite=True)
    assert target.read_text(encoding="utf-8").startswith("#EXTM3U\n")
    with pytest.raises(M3UError, match=r"\.m3u8 or \.m3u"):
        write_m3u(playlist, tmp_path / "there.txt")


@pytest.mark.parametrize("suffix", [".m3u", ".m3u8"])
def test_export_then_import_gives_the_same_files_and_titles(
    tmp_path: Path, make_tone: ToneMaker, own: OwnPlaylists, suffix: str
) -> None:
    plain = make_tone("plain.wav", seconds=0.2)
    tricky = [
        make_tone("café – ☾.wav", seconds=0.2),
        make_tone("#hash.wav", seconds=0.2),
        make_tone(" padded .wav", seconds=0.2),
        make_tone("back\\slash.wav", seconds=0.2),
        make_tone("line\nbreak.wav", seconds=0.2),
        make_tone("http:x.wav", seconds=0.2),
        tmp_path / "missing" / "not here.ogg",
    ]
    tracks = [(plain, "Plain, with comma", "")] + [(path, "", "") for path in tricky]
    source = tmp_path / "audio" / "p.toml"
    write_playlist(source, "Round trip – ☾", "", "", 4, tracks)
    original = load_playlist(source)

    target = tmp_path / "export" / f"out{suffix}"
    target.parent.mkdir()
    write_m3u(original, target)
    imported, _ = import_m3u(target, own)

    assert imported.title == original.title
    assert [track.path for track in imported.tracks] == [track.path for track in original.tracks]
    assert [track.title for track in imported.tracks] == [track.title for track in original.tracks]


def test_import_survives_overlong_titles_and_paths(tmp_path: Path, own: OwnPlaylists) -> None:
    path = write(
        tmp_path / "long.m3u",
        f"#EXTINF:1,{'T' * 5000}\na.mp3\n{'d/' * 1500}b.mp3\n",
    )
    playlist, problems = import_m3u(path, own)
    [track] = playlist.tracks
    assert len(track.title) == MAX_TEXT
    assert any("line 3: the path is too long" in problem for problem in problems)


def test_a_broken_file_address_is_an_issue_not_an_error(tmp_path: Path) -> None:
    """Found by the fuzzer: "file://[" made urllib raise ValueError (an unclosed IPv6 host)."""
    listing = tmp_path / "odd.m3u"
    listing.write_text("file://[\nfile://[::1\n", encoding="utf-8")
    playlist = read_m3u(listing)
    assert playlist.entries == []
    assert [issue.line for issue in playlist.issues] == [1, 2]
    assert all("not a valid file:// address" in issue.message for issue in playlist.issues)
