"""The boundary around mutagen: real audio gives facts, anything else gives AudioFileError."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mtcalm.audio.metadata import AudioFileError, read_audio_info
from tests.conftest import ToneMaker


def unreadable(path: Path) -> AudioFileError:
    """Read ``path`` expecting a refusal, and check it has the texts a person is shown."""
    with pytest.raises(AudioFileError) as raised:
        read_audio_info(path)
    error = raised.value
    assert error.short
    assert len(error.short) < 40  # fits in a list of tracks
    assert str(path) in error.long
    assert str(error) == f"{error.short}: {error.long}"
    return error


def test_a_wav_tone_gives_its_duration(make_tone: ToneMaker) -> None:
    path = make_tone("tone.wav", seconds=2.5)
    info = read_audio_info(path)
    assert info.path == path
    assert info.duration == pytest.approx(2.5, abs=0.001)
    assert info.format == "WAVE"
    assert info.title == ""  # no tags: empty, not an error
    assert info.track_gain_db is None
    assert info.track_peak is None


def test_a_short_tone_is_still_audio(make_tone: ToneMaker) -> None:
    info = read_audio_info(make_tone("blip.wav", seconds=0.05))
    assert info.duration == pytest.approx(0.05, abs=0.001)


def test_a_missing_file(tmp_path: Path) -> None:
    error = unreadable(tmp_path / "gone.ogg")
    assert error.short == "File not found"


def test_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "album.ogg"
    folder.mkdir()
    error = unreadable(folder)
    assert error.short == "File not found"
    assert "not a file" in error.long


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert unreadable(path).short == "Empty file"


def test_a_wav_with_only_its_header(make_tone: ToneMaker, tmp_path: Path) -> None:
    header = make_tone("full.wav", seconds=1.0).read_bytes()[:44]
    path = tmp_path / "header-only.wav"
    path.write_bytes(header)
    unreadable(path)


def test_a_wav_cut_in_half_reports_the_length_really_there(
    make_tone: ToneMaker, tmp_path: Path
) -> None:
    whole = make_tone("full.wav", seconds=2.0).read_bytes()
    path = tmp_path / "half.wav"
    path.write_bytes(whole[: 44 + (len(whole) - 44) // 2])
    assert read_audio_info(path).duration == pytest.approx(1.0, abs=0.01)


def test_a_wav_with_half_its_header(make_tone: ToneMaker, tmp_path: Path) -> None:
    half = make_tone("full.wav", seconds=1.0).read_bytes()[:22]
    path = tmp_path / "half-header.wav"
    path.write_bytes(half)
    unreadable(path)


@pytest.mark.parametrize("keep", [4, 12, 36, 43])
def test_a_wav_cut_inside_its_header(make_tone: ToneMaker, tmp_path: Path, keep: int) -> None:
    path = tmp_path / f"cut-{keep}.wav"
    path.write_bytes(make_tone("full.wav", seconds=1.0).read_bytes()[:keep])
    unreadable(path)


def test_random_bytes_named_ogg(tmp_path: Path) -> None:
    path = tmp_path / "noise.ogg"
    path.write_bytes(random.Random(3).randbytes(20_000))
    unreadable(path)


def test_an_ogg_header_followed_by_garbage(tmp_path: Path) -> None:
    path = tmp_path / "fake.ogg"
    path.write_bytes(b"OggS" + random.Random(4).randbytes(5000))
    unreadable(path)


def test_a_text_file_named_mp3(tmp_path: Path) -> None:
    path = tmp_path / "lyrics.mp3"
    path.write_text("These are not sounds.\n" * 200, encoding="utf-8")
    unreadable(path)


@pytest.mark.parametrize("suffix", [".flac", ".wav", ".m4a", ".opus", ".mp3"])
def test_random_bytes_under_any_audio_name(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"noise{suffix}"
    path.write_bytes(random.Random(5).randbytes(4096))
    unreadable(path)


def test_a_damaged_ogg_always_gets_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "damaged.ogg"
    path.write_bytes(b"OggS" + bytes(200))
    with pytest.raises(AudioFileError) as caught:
        read_audio_info(path)
    assert not caught.value.long.rstrip().endswith(":"), caught.value.long
