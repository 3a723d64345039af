"""The person's own music: finding and reading it, remembering it, and what goes wrong."""

from __future__ import annotations

import json
import os
import stat
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcalm import library
from mtcalm.audio import info_cache
from mtcalm.audio.info_cache import CACHE_FILE, AudioInfoCache
from mtcalm.audio.metadata import AudioFileError, read_audio_info
from mtcalm.library import (
    LIBRARY_FILE,
    MAX_DEPTH,
    BrokenFile,
    Library,
    LibraryError,
    ScanProgress,
    ScanResult,
    broken_reason,
    scan_library,
)
from tests.conftest import ToneMaker

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def write_encoded(path: Path, container: str, subtype: str, seconds: float, **tags: str) -> Path:
    """A real compressed file (Ogg Vorbis, FLAC, MP3) with tags, made with soundfile."""
    import numpy
    import soundfile

    path.parent.mkdir(parents=True, exist_ok=True)
    rate = 22050
    times = numpy.arange(int(seconds * rate)) / rate
    with soundfile.SoundFile(path, "w", rate, 1, format=container, subtype=subtype) as handle:
        for name, value in tags.items():
            setattr(handle, name, value)
        handle.write((0.3 * numpy.sin(2 * numpy.pi * 440 * times)).astype(numpy.float32))
    return path


def scan(roots: list[Path], data_dir: Path, **options) -> ScanResult:
    data_dir.mkdir(parents=True, exist_ok=True)
    return scan_library(roots, AudioInfoCache.load(data_dir), **options)


def names(result: ScanResult) -> list[str]:
    return [track.path.name for track in result.tracks]


def broken_names(result: ScanResult) -> dict[str, str]:
    return {item.path.name: item.reason for item in result.broken}


@pytest.fixture
def music(tmp_path: Path, make_tone: ToneMaker) -> Path:
    """A small library: nested folders, three formats, tags, and things that are not music."""
    root = tmp_path / "Music"
    tone = make_tone("tone.wav", seconds=1.0)
    (root / "Calm" / "Evening").mkdir(parents=True)
    (root / "Calm" / "sea.wav").write_bytes(tone.read_bytes())
    write_encoded(
        root / "Calm" / "Evening" / "01 rain.ogg", "OGG", "VORBIS", 2.0,
        title="Soft rain", artist="The Clouds", album="Evening",
    )  # fmt: skip
    write_encoded(root / "Calm" / "Evening" / "02 wind.flac", "FLAC", "PCM_16", 1.5)
    write_encoded(root / "Walk.MP3", "MP3", "MPEG_LAYER_III", 1.0, title="Walking")
    (root / "notes.txt").write_text("not music", encoding="utf-8")
    (root / "cover.jpg").write_bytes(b"\xff\xd8\xff")
    (root / "old.m4a").write_bytes(b"\x00" * 64)
    (root / ".hidden.wav").write_bytes(tone.read_bytes())
    (root / ".trash").mkdir()
    (root / ".trash" / "gone.wav").write_bytes(tone.read_bytes())
    return root


# -- what a scan finds --------------------------------------------------------------------------


def test_a_scan_finds_the_music_with_its_facts(music: Path, data_dir: Path) -> None:
    result = scan([music], data_dir)

    assert not result.cancelled and result.broken == [] and result.folders_unreadable == []
    by_name = {track.path.name: track for track in result.tracks}
    assert set(by_name) == {"01 rain.ogg", "02 wind.flac", "sea.wav", "Walk.MP3"}
    rain = by_name["01 rain.ogg"]
    assert (rain.title, rain.artist, rain.album) == ("Soft rain", "The Clouds", "Evening")
    assert rain.format == "Ogg Vorbis" and rain.duration == pytest.approx(2.0, abs=0.01)
    assert rain.path == music / "Calm" / "Evening" / "01 rain.ogg"
    assert by_name["sea.wav"].title == "sea", "no title tag: the file name without its suffix"
    assert by_name["02 wind.flac"].format == "FLAC"
    assert by_name["Walk.MP3"].format == "MP3" and by_name["Walk.MP3"].title == "Walking"
    assert result.formats() == {"FLAC": 1, "MP3": 1, "Ogg Vorbis": 1, "WAV": 1}
    assert result.total_duration == pytest.approx(5.5, abs=0.1)
    assert result.other_formats == {".m4a": 1}, "audio mtcalm does not play is counted"
    assert result.seconds > 0


def test_hidden_files_and_folders_are_left_out(music: Path, data_dir: Path) -> None:
    found = names(scan([music], data_dir))
    assert ".hidden.wav" not in found and "gone.wav" not in found


def test_tracks_come_in_folder_order(music: Path, data_dir: Path) -> None:
    """A folder's own files by name, then its subfolders by name, the same every time."""
    paths = [track.path for track in scan([music], data_dir).tracks]
    assert paths == [
        music / "Walk.MP3",
        music / "Calm" / "sea.wav",
        music / "Calm" / "Evening" / "01 rain.ogg",
        music / "Calm" / "Evening" / "02 wind.flac",
    ]


def test_single_files_are_accepted_and_nothing_is_listed_twice(
    music: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    single = make_tone("elsewhere/hum.wav", seconds=0.3)
    walk = music / "Walk.MP3"
    result = scan([music, single, walk, music / "Calm", Path(str(music) + "/./")], data_dir)
    found = names(result)
    assert sorted(found) == sorted(
        ["01 rain.ogg", "02 wind.flac", "sea.wav", "Walk.MP3", "hum.wav"]
    )


def test_a_relative_root_gives_absolute_paths(
    music: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(music.parent)
    result = scan([Path("Music")], data_dir)
    assert all(track.path.is_absolute() for track in result.tracks)
    assert len(result.tracks) == 4


def test_missing_roots_are_reported_not_raised(tmp_path: Path, data_dir: Path) -> None:
    result = scan([tmp_path / "unplugged drive", tmp_path / "gone.ogg"], data_dir)
    assert result.tracks == []
    assert [(item.path.name, item.reason) for item in result.folders_unreadable] == [
        ("unplugged drive", "Not found")
    ]
    assert broken_names(result) == {"gone.ogg": "Not found"}


def test_broken_files_are_listed_with_a_reason(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    root = tmp_path / "Music"
    good = make_tone("good.wav", seconds=1.0)
    root.mkdir()
    (root / "good.wav").write_bytes(good.read_bytes())
    (root / "empty.ogg").write_bytes(b"")
    (root / "text.mp3").write_text("Dear diary, " * 50, encoding="utf-8")
    ogg = write_encoded(tmp_path / "whole.ogg", "OGG", "VORBIS", 1.0)
    (root / "cut.ogg").write_bytes(ogg.read_bytes()[:200])
    flac = write_encoded(tmp_path / "whole.flac", "FLAC", "PCM_16", 1.0)
    (root / "cut.flac").write_bytes(flac.read_bytes()[:30])
    (root / "noise.flac").write_bytes(os.urandom(4096))
    (root / "folder.ogg").mkdir()  # a folder with an audio name is just a folder
    (root / "folder.ogg" / "inside.wav").write_bytes(good.read_bytes())
    (root / "dangling.mp3").symlink_to(tmp_path / "nowhere.mp3")
    os.mkfifo(root / "pipe.mp3")  # opening it would wait for ever

    results: list[ScanResult] = []
    worker = threading.Thread(target=lambda: results.append(scan([root], data_dir)))
    worker.start()
    worker.join(60)  # the pipe is never opened: only a hang would reach this
    assert not worker.is_alive(), "the scan never waits on a pipe"
    [result] = results
    assert sorted(names(result)) == ["good.wav", "inside.wav"]
    reasons = broken_names(result)
    assert set(reasons) == {
        "empty.ogg", "text.mp3", "cut.ogg", "cut.flac", "noise.flac", "dangling.mp3",
    }  # fmt: skip
    assert reasons["empty.ogg"] == "Empty file"
    assert reasons["text.mp3"].startswith("Unreadable audio: ")
    assert reasons["cut.ogg"].startswith("Unreadable audio")
    assert reasons["dangling.mp3"] == "Broken link: the file it points to is missing"
    for item in result.broken:
        assert str(item.path) not in item.reason, "the reason does not repeat the path"
        assert len(item.reason) < 200


def test_a_reason_keeps_the_detail_but_not_the_path() -> None:
    path = Path("/music/a b.mp3")
    cases = {
        f"{path} could not be read: can't sync to MPEG frame": (
            "Unreadable audio: can't sync to MPEG frame"
        ),
        f"{path} could not be read (IndexError: list index out of range)": (
            "Unreadable audio: IndexError: list index out of range"
        ),
        f"{path}: Permission denied": "Unreadable audio: Permission denied",
        f"{path} could not be read: '{path}' is not a valid FLAC file": (
            "Unreadable audio: the file is not a valid FLAC file"
        ),
        f"{path} is empty.": "Unreadable audio",
        "something else entirely": "Unreadable audio",
    }
    for long, expected in cases.items():
        assert broken_reason(path, AudioFileError("Unreadable audio", long)) == expected


def test_symbolic_link_loops_end_and_list_each_file_once(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    root = tmp_path / "audio" / "Music"
    make_tone("Music/a/b/song.wav", seconds=0.2)
    (root / "a" / "b" / "up").symlink_to(root)  # back to the top
    (root / "a" / "again").symlink_to(root / "a")
    (root / "self").symlink_to(root / "self")  # a link to itself
    (root / "self.ogg").symlink_to(root / "self.ogg")

    result = scan([root], data_dir)

    assert [track.path for track in result.tracks] == [root / "a" / "b" / "song.wav"]
    assert not result.limit_reached


def test_a_linked_folder_elsewhere_is_followed(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    make_tone("Elsewhere/far.wav", seconds=0.2)
    root = tmp_path / "Music"
    root.mkdir()
    (root / "linked").symlink_to(tmp_path / "audio" / "Elsewhere")
    assert names(scan([root], data_dir)) == ["far.wav"]


def test_very_deep_nesting_stops_at_the_limit_and_says_so(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    tone = make_tone("t.wav", seconds=0.2).read_bytes()
    root = tmp_path / "Music"
    folder = root
    for depth in range(1, MAX_DEPTH + 30):
        folder = folder / "d"
        folder.mkdir(parents=True)
        if depth in (5, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 25):
            (folder / f"at {depth}.wav").write_bytes(tone)

    result = scan([root], data_dir)

    assert names(result) == ["at 5.wav", f"at {MAX_DEPTH}.wav"]
    [too_deep] = result.folders_unreadable
    assert too_deep.reason.startswith("Too deep")
    assert len(too_deep.path.relative_to(root).parts) == MAX_DEPTH + 1


def test_the_file_limit_ends_a_scan_with_what_was_found(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for index in range(6):
        make_tone(f"many/{index}.wav", seconds=0.05)
    monkeypatch.setattr(library, "MAX_FILES", 4)
    result = scan([tmp_path / "audio" / "many"], data_dir)
    assert result.limit_reached and len(result.tracks) == 4


def test_an_unreadable_folder_is_reported_and_the_rest_scanned(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_tone("Music/open/a.wav", seconds=0.2)
    make_tone("Music/locked/b.wav", seconds=0.2)
    locked = tmp_path / "audio" / "Music" / "locked"
    real_scandir = os.scandir

    def guarded(path):  # the folder behaves as one without read permission
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", guarded)
    result = scan([tmp_path / "audio" / "Music"], data_dir)
    assert names(result) == ["a.wav"]
    assert [(item.path, item.reason) for item in result.folders_unreadable] == [
        (locked, "Permission denied")
    ]


@pytest.mark.skipif(IS_ROOT, reason="root reads files and folders whatever their permissions")
def test_real_permissions_are_reported(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:  # pragma: no cover - runs only as an ordinary user
    make_tone("Music/locked/b.wav", seconds=0.2)
    secret = make_tone("Music/secret.wav", seconds=0.2)
    locked = tmp_path / "audio" / "Music" / "locked"
    locked.chmod(0)
    secret.chmod(0)
    try:
        result = scan([tmp_path / "audio" / "Music"], data_dir)
    finally:
        locked.chmod(0o700)
        secret.chmod(0o600)
    assert [item.path for item in result.folders_unreadable] == [locked]
    assert broken_names(result)["secret.wav"].startswith("Unreadable")


# -- the cache ------------------------------------------------------------------------------------


def refuse_to_open(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(path: Path):
        raise AssertionError(f"{path} was opened on a rescan")

    monkeypatch.setattr(info_cache, "read_audio_info", fail)


def test_a_rescan_of_an_unchanged_library_opens_no_file(
    music: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (music / "broken.mp3").write_text("not music " * 30, encoding="utf-8")
    first = scan([music], data_dir)
    assert stat.S_IMODE((data_dir / CACHE_FILE).stat().st_mode) == 0o600

    refuse_to_open(monkeypatch)
    again = scan([music], data_dir)

    assert again.tracks == first.tracks
    assert again.broken == first.broken and broken_names(again)["broken.mp3"]


def test_a_changed_file_is_read_again_and_only_that_one(
    music: Path, data_dir: Path, make_tone: ToneMaker, monkeypatch: pytest.MonkeyPatch
) -> None:
    scan([music], data_dir)
    sea = music / "Calm" / "sea.wav"
    sea.write_bytes(make_tone("longer.wav", seconds=3.0).read_bytes())
    opened: list[Path] = []

    def counting(path: Path):
        opened.append(path)
        return read_audio_info(path)

    monkeypatch.setattr(info_cache, "read_audio_info", counting)
    result = scan([music], data_dir)
    assert opened == [sea]
    assert {t.path.name: t.duration for t in result.tracks}["sea.wav"] == pytest.approx(3.0)


def test_a_damaged_cache_is_rebuilt(music: Path, data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / CACHE_FILE).write_bytes(b"\x00{ not json")
    assert len(scan([music], data_dir).tracks) == 4
    assert json.loads((data_dir / CACHE_FILE).read_text())["version"] == 1


def test_files_taken_away_are_forgotten_by_the_cache(music: Path, data_dir: Path) -> None:
    scan([music], data_dir)
    (music / "Walk.MP3").unlink()
    scan([music], data_dir)
    entries = json.loads((data_dir / CACHE_FILE).read_text())["entries"]
    assert str(music / "Walk.MP3") not in entries and str(music / "Calm" / "sea.wav") in entries


# -- progress and cancelling ----------------------------------------------------------------------


def slow_reads(monkeypatch: pytest.MonkeyPatch, seconds: float, after=None) -> list[Path]:
    opened: list[Path] = []

    def slow(path: Path):
        opened.append(path)
        if after is not None:
            after(len(opened))
        time.sleep(seconds)
        return read_audio_info(path)

    monkeypatch.setattr(info_cache, "read_audio_info", slow)
    return opened


@pytest.fixture
def many(tmp_path: Path, make_tone: ToneMaker) -> Path:
    tone = make_tone("t.wav", seconds=0.05).read_bytes()
    root = tmp_path / "Many"
    for index in range(40):
        folder = root / f"album {index // 10}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{index:02d}.wav").write_bytes(tone)
    return root


def test_progress_is_reported_in_order_and_not_too_often(
    many: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    slow_reads(monkeypatch, 0.01)
    reports: list[ScanProgress] = []
    started = time.monotonic()
    result = scan([many], data_dir, progress=reports.append)
    elapsed = time.monotonic() - started

    assert len(result.tracks) == 40
    assert len(reports) >= 3, "the person sees it move"
    assert len(reports) <= elapsed * 20 + 3, f"{len(reports)} reports in {elapsed:.2f} s"
    assert reports[-1] == ScanProgress(40, 40, None, finding=False)
    done = [report.files_done for report in reports]
    assert done == sorted(done)
    assert all(report.files_found == 40 for report in reports if not report.finding)
    reading = [report for report in reports if not report.finding and report.current_path]
    assert reading and all(report.current_path.is_relative_to(many) for report in reading)


def test_cancel_stops_the_scan_and_keeps_what_was_read(
    many: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    cancelled_once = False

    def cancel_at_five(count: int) -> None:
        nonlocal cancelled_once
        if count == 5 and not cancelled_once:
            cancelled_once = True
            cancel.set()

    opened = slow_reads(monkeypatch, 0, after=cancel_at_five)
    result = scan([many], data_dir, cancel=cancel)

    assert result.cancelled
    assert len(result.tracks) == 5 and len(opened) == 5
    opened.clear()
    cancel.clear()
    rest = scan([many], data_dir, cancel=cancel)  # the five read are remembered
    assert not rest.cancelled and len(rest.tracks) == 40 and len(opened) == 35


def test_cancel_from_another_thread_ends_the_scan_promptly(
    many: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started = threading.Event()

    def note(count: int) -> None:
        if count >= 3:
            started.set()

    opened = slow_reads(monkeypatch, 0.05, after=note)
    cancel = threading.Event()
    results: list[ScanResult] = []
    worker = threading.Thread(target=lambda: results.append(scan([many], data_dir, cancel=cancel)))
    worker.start()
    assert started.wait(60), "the scan began"
    cancel.set()
    read_when_asked = len(opened)
    worker.join(60)  # only a hang would reach this
    assert not worker.is_alive()
    assert len(opened) <= read_when_asked + 1, "no more than the file being read at the time"
    [result] = results
    assert result.cancelled and 0 < len(result.tracks) < 40


def test_cancel_before_the_start_reads_nothing(
    many: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cancel = threading.Event()
    cancel.set()
    refuse_to_open(monkeypatch)
    result = scan([many], data_dir, cancel=cancel)
    assert result.cancelled and result.tracks == []


# -- the list of added places ---------------------------------------------------------------------


def test_the_library_remembers_its_folders_and_files(
    tmp_path: Path, data_dir: Path, music: Path, make_tone: ToneMaker
) -> None:
    data_dir.mkdir()
    mine = Library.load(data_dir)
    assert mine.roots() == [] and mine.problem is None
    single = make_tone("single.wav", seconds=0.2)

    assert mine.add_folder(music) is True
    assert mine.add_folder(music) is False, "already there"
    assert mine.add_files([single, tmp_path / "missing.wav", music]) == [
        BrokenFile(tmp_path / "missing.wav", "Not a file"),
        BrokenFile(music, "Not a file"),
    ]
    assert stat.S_IMODE((data_dir / LIBRARY_FILE).stat().st_mode) == 0o600

    again = Library.load(data_dir)
    assert again.roots() == [music, single]
    result = scan_library(again.roots(), AudioInfoCache.load(data_dir))
    assert len(result.tracks) == 5

    assert again.remove(music) is True and again.remove(music) is False
    assert Library.load(data_dir).roots() == [single]
    assert music.is_dir(), "removing a folder from the library leaves the folder alone"


def test_adding_something_that_is_not_a_folder_says_why(tmp_path: Path, data_dir: Path) -> None:
    data_dir.mkdir()
    mine = Library.load(data_dir)
    with pytest.raises(LibraryError, match="is not a folder"):
        mine.add_folder(tmp_path / "nowhere")
    assert not (data_dir / LIBRARY_FILE).exists()


def test_a_library_that_cannot_be_saved_is_not_changed(tmp_path: Path, music: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    mine = Library.load(data_dir)
    data_dir.rmdir()
    with pytest.raises(LibraryError, match="could not be saved"):
        mine.add_folder(music)
    assert mine.roots() == []


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff not json",
        b"[1, 2]",
        b'{"version": 7, "roots": []}',
        b'{"version": 1, "roots": "/music"}',
        b'{"version": 1, "roots": ["relative/path", 5, "/ok", "/ok", "/a\\u0000b"]}',
        b"[" * 100000,
    ],
)
def test_a_damaged_library_file_is_kept_aside_and_what_can_be_read_is_used(
    data_dir: Path, content: bytes
) -> None:
    data_dir.mkdir()
    (data_dir / LIBRARY_FILE).write_bytes(content)
    mine = Library.load(data_dir)
    assert mine.problem
    assert (data_dir / (LIBRARY_FILE + ".damaged")).read_bytes() == content
    assert mine.roots() in ([], [Path("/ok")])


def test_an_oversized_library_file_is_not_read(data_dir: Path) -> None:
    data_dir.mkdir()
    (data_dir / LIBRARY_FILE).write_bytes(b" " * (library.MAX_LIBRARY_BYTES + 1))
    mine = Library.load(data_dir)
    assert mine.roots() == [] and mine.problem


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_loading_any_bytes_never_raises(data_dir: Path, content: bytes) -> None:
    data_dir.mkdir(exist_ok=True)
    (data_dir / LIBRARY_FILE).write_bytes(content)
    roots = Library.load(data_dir).roots()
    assert all(root.is_absolute() for root in roots)


def test_the_library_can_be_changed_from_several_threads(
    tmp_path: Path, data_dir: Path, make_tone: ToneMaker
) -> None:
    data_dir.mkdir()
    mine = Library.load(data_dir)
    tones = [make_tone(f"t{index}.wav", seconds=0.02) for index in range(16)]
    threads = [
        threading.Thread(target=mine.add_files, args=(tones[start::4],)) for start in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(Library.load(data_dir).roots()) == sorted(tones)


def test_file_names_that_are_not_utf8_survive_the_round_trip(
    tmp_path: Path, data_dir: Path
) -> None:
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9"))  # Latin-1, not UTF-8
    folder.mkdir()
    data_dir.mkdir()
    Library.load(data_dir).add_folder(folder)
    assert Library.load(data_dir).roots() == [folder]
