"""The audio-facts cache: unchanged files are not read again; anything odd is read afresh."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mtcalm.audio import info_cache
from mtcalm.audio.info_cache import CACHE_FILE, AudioInfoCache
from mtcalm.audio.metadata import AudioFileError, read_audio_info


@pytest.fixture
def reads(monkeypatch):
    """Counts the real reads (mutagen) the cache makes."""
    calls: list[Path] = []

    def counting(path: Path):
        calls.append(path)
        return read_audio_info(path)

    monkeypatch.setattr(info_cache, "read_audio_info", counting)
    return calls


def test_an_unchanged_file_is_read_once_across_starts(tmp_path, make_tone, reads):
    tone = make_tone("a.wav", seconds=1.5)
    first = AudioInfoCache.load(tmp_path)
    assert first.read(tone).duration == pytest.approx(1.5)
    first.save()
    assert stat.S_IMODE((tmp_path / CACHE_FILE).stat().st_mode) == 0o600
    again = AudioInfoCache.load(tmp_path)  # the next start
    info = again.read(tone)
    assert info.duration == pytest.approx(1.5) and info.path == tone and info.format == "WAVE"
    assert reads == [tone], "the second start did not open the file"


def test_a_changed_file_is_read_again(tmp_path, make_tone, reads):
    tone = make_tone("a.wav", seconds=1.0)
    cache = AudioInfoCache.load(tmp_path)
    cache.read(tone)
    cache.save()
    make_tone("a.wav", seconds=2.0)  # same path, new content
    os.utime(tone, ns=(1, 1))
    assert AudioInfoCache.load(tmp_path).read(tone).duration == pytest.approx(2.0)
    assert len(reads) == 2


def test_a_missing_file_is_still_reported_plainly(tmp_path, make_tone):
    tone = make_tone("a.wav", seconds=1.0)
    cache = AudioInfoCache.load(tmp_path)
    cache.read(tone)
    tone.unlink()
    with pytest.raises(AudioFileError) as caught:
        cache.read(tone)
    assert caught.value.short == "File not found"


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xffnot json",
        b"[1, 2, 3]",
        b'{"version": 99, "entries": {}}',
        b'{"version": 1, "entries": []}',
        b"[" * 100000,
    ],
)
def test_a_damaged_cache_file_is_ignored_and_rebuilt(tmp_path, make_tone, reads, content):
    (tmp_path / CACHE_FILE).write_bytes(content)
    tone = make_tone("a.wav", seconds=1.0)
    cache = AudioInfoCache.load(tmp_path)
    assert cache.read(tone).duration == pytest.approx(1.0)
    cache.save()
    assert json.loads((tmp_path / CACHE_FILE).read_text())["version"] == 1


@pytest.mark.parametrize(
    "bad",
    [{"duration": -1}, {"duration": "long"}, {"duration": float("nan")},
     {"track_gain_db": "loud"}, {"format": None, "duration": None}],
)  # fmt: skip
def test_an_implausible_entry_is_read_afresh(tmp_path, make_tone, reads, bad):
    tone = make_tone("a.wav", seconds=1.0)
    cache = AudioInfoCache.load(tmp_path)
    cache.read(tone)
    cache.save()
    document = json.loads((tmp_path / CACHE_FILE).read_text())
    document["entries"][str(tone)].update(bad)
    (tmp_path / CACHE_FILE).write_text(json.dumps(document))
    assert AudioInfoCache.load(tmp_path).read(tone).duration == pytest.approx(1.0)
    assert len(reads) == 2


def test_nothing_is_written_when_nothing_was_learned(tmp_path, make_tone):
    cache = AudioInfoCache.load(tmp_path)
    cache.save()
    assert not (tmp_path / CACHE_FILE).exists()


def refuse_to_open(monkeypatch):
    """From now on any real read fails the test: the answer must come from the cache."""

    def fail(path: Path):
        raise AssertionError(f"{path} was opened")

    monkeypatch.setattr(info_cache, "read_audio_info", fail)


def test_an_unchanged_broken_file_is_not_opened_again(tmp_path, monkeypatch):
    text = tmp_path / "song.mp3"
    text.write_text("this is not music " * 20, encoding="utf-8")
    cache = AudioInfoCache.load(tmp_path)
    with pytest.raises(AudioFileError) as first:
        cache.read(text)
    cache.save()
    refuse_to_open(monkeypatch)
    with pytest.raises(AudioFileError) as again:
        AudioInfoCache.load(tmp_path).read(text)
    assert (again.value.short, again.value.long) == (first.value.short, first.value.long)


def test_a_broken_file_that_was_mended_is_read_again(tmp_path, make_tone, reads):
    broken = tmp_path / "song.wav"
    broken.write_bytes(b"RIFF nonsense")
    cache = AudioInfoCache.load(tmp_path)
    with pytest.raises(AudioFileError):
        cache.read(broken)
    cache.save()
    broken.write_bytes(make_tone("good.wav", seconds=0.5).read_bytes())
    assert AudioInfoCache.load(tmp_path).read(broken).duration == pytest.approx(0.5)
    assert reads == [broken, broken]


def test_a_failure_outside_the_file_is_not_remembered(tmp_path, make_tone, monkeypatch):
    """Permissions or a disk error may be gone next time: such a file is always looked at."""
    tone = make_tone("a.wav", seconds=0.5)
    calls = []

    def denied(path: Path):
        calls.append(path)
        try:
            raise PermissionError(13, "Permission denied")
        except PermissionError as error:
            raise AudioFileError("Unreadable file", f"{path}: Permission denied") from error

    monkeypatch.setattr(info_cache, "read_audio_info", denied)
    cache = AudioInfoCache.load(tmp_path)
    for _ in range(2):
        with pytest.raises(AudioFileError):
            cache.read(tone)
    cache.save()
    assert len(calls) == 2
    assert not (tmp_path / CACHE_FILE).exists(), "nothing worth keeping was learned"


def test_a_stat_the_caller_has_is_used(tmp_path, make_tone, reads):
    tone = make_tone("a.wav", seconds=0.5)
    cache = AudioInfoCache.load(tmp_path)
    status = tone.stat()
    cache.read(tone, status)
    assert cache.read(tone, status).duration == pytest.approx(0.5)
    assert reads == [tone]


def test_damaged_remembered_errors_are_read_afresh(tmp_path, reads):
    text = tmp_path / "song.mp3"
    text.write_text("not music", encoding="utf-8")
    status = text.stat()
    entry = {"size": status.st_size, "mtime_ns": status.st_mtime_ns, "error": {"short": 5}}
    document = {"version": 1, "entries": {str(text): entry}}
    (tmp_path / CACHE_FILE).write_text(json.dumps(document))
    with pytest.raises(AudioFileError):
        AudioInfoCache.load(tmp_path).read(text)
    assert reads == [text]


def test_entries_of_files_gone_from_a_folder_can_be_forgotten(tmp_path, make_tone):
    kept, gone = make_tone("a.wav", 0.2), make_tone("b.wav", 0.2)
    elsewhere = make_tone("other/c.wav", 0.2)
    cache = AudioInfoCache.load(tmp_path)
    for path in (kept, gone, elsewhere):
        cache.read(path)
    assert cache.forget_missing([kept.parent], {str(kept), str(elsewhere)}) == 1
    cache.save()
    entries = json.loads((tmp_path / CACHE_FILE).read_text())["entries"]
    assert set(entries) == {str(kept), str(elsewhere)}


def test_a_failed_save_is_harmless_and_tried_again(tmp_path, make_tone):
    folder = tmp_path / "data"
    folder.mkdir()
    cache = AudioInfoCache.load(folder)
    cache.read(make_tone("a.wav", 0.2))
    folder.rmdir()  # the data folder vanished: the save cannot happen
    cache.save()
    folder.mkdir()
    cache.save()
    assert len(json.loads((folder / CACHE_FILE).read_text())["entries"]) == 1


def test_one_cache_can_be_shared_by_threads(tmp_path, make_tone):
    import threading

    tones = [make_tone(f"t{index}.wav", seconds=0.05) for index in range(12)]
    cache = AudioInfoCache.load(tmp_path)
    failures: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for index in range(len(tones)):
                cache.read(tones[(index + offset) % len(tones)])
                if index % 4 == 0:
                    cache.save()
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cache.save()
    assert failures == []
    assert len(cache) == len(tones)
    saved = json.loads((tmp_path / CACHE_FILE).read_text())["entries"]
    assert set(saved) == {str(tone) for tone in tones}
