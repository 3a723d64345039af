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
