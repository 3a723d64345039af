"""The bundled music as committed: enough of it, evenly loud, gentle, tagged, and small enough.

Nothing is rendered here: the files in assets/ are decoded and measured (BS.1770 loudness in
100 ms blocks, weighted in the frequency domain with mtcalm's own K-weighting).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf
from mutagen.oggvorbis import OggVorbis

from mtcalm.assets import assets_dir, bundled_playlists_dir
from mtcalm.audio.loudness import k_weighting_power
from mtcalm.playlists import Playlist, load_playlist

ROOT = Path(__file__).resolve().parent.parent
RATE = 44100
BLOCK = RATE // 10  # 100 ms
EXPECTED_PLAYLISTS = {"settle", "ease-tension", "sleep", "gentle-lift"}
TARGET_LUFS, LOUDNESS_TOLERANCE_LU = -20.0, 1.5
PEAK_LIMIT_DB = -1.0
MAX_RISE_DB_PER_S = 3.0
OPENING_FADE_S = 15.0  # the longest fade-in of any piece
MAX_HF_SHARE = 0.005
REPLAYGAIN_REFERENCE_LUFS = -18.0

Levels = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Figures:
    """What a listener would notice of one decoded file, as numbers."""

    seconds: float
    peak_db: float
    loudness: float  # integrated, LUFS
    short_term: Levels  # LUFS of 3 s windows every 100 ms; window i ends at 3 + 0.1 i s
    hf_share: float  # of the energy, above 6 kHz

    def max_rise_db_per_s(self, after_s: float) -> float:
        """Largest rise of short-term loudness over one second, in windows ending after_s on."""
        first = max(round((after_s - 3.0) / 0.1), 0)
        levels = self.short_term[first:]
        return float(np.max(levels[10:] - levels[:-10]))


def to_lufs(mean_square: npt.ArrayLike) -> Levels:
    return np.asarray(-0.691 + 10.0 * np.log10(np.maximum(mean_square, 1e-20)), dtype=np.float64)


def measure(frames: npt.NDArray[np.float32], rate: int = RATE) -> Figures:
    """Peak, gated integrated loudness, short-term loudness and high-frequency share."""
    count = len(frames) // BLOCK
    blocks = np.asarray(frames[: count * BLOCK], dtype=np.float64).reshape(count, BLOCK, -1)
    frequencies = np.asarray(np.fft.rfftfreq(BLOCK, 1.0 / rate), dtype=np.float64)
    weights = k_weighting_power(frequencies, rate)[None, :, None]
    power = np.abs(np.fft.rfft(blocks, axis=1)) ** 2
    power[:, 1:-1] *= 2.0  # the one-sided spectrum's mirrored half
    weighted = (power * weights).sum(axis=(1, 2)) / BLOCK**2  # channel-summed mean square
    cumulative = np.concatenate([[0.0], np.cumsum(weighted)])
    gating = (cumulative[4:] - cumulative[:-4]) / 4  # 400 ms, overlapping by 75 %
    kept = gating[to_lufs(gating) > -70.0]
    kept = kept[to_lufs(kept) > float(to_lufs(kept.mean())) - 10.0]
    high = frequencies > 6000.0
    return Figures(
        seconds=len(frames) / rate,
        peak_db=float(20.0 * np.log10(max(float(np.max(np.abs(frames))), 1e-10))),
        loudness=float(to_lufs(kept.mean())),
        short_term=to_lufs((cumulative[30:] - cumulative[:-30]) / 30),
        hf_share=float(power[:, high].sum() / max(float(power.sum()), 1e-20)),
    )


def playlist_files() -> list[Path]:
    return sorted(bundled_playlists_dir().glob("*.toml"))


@pytest.fixture(scope="module")
def playlists() -> list[Playlist]:
    return [load_playlist(path) for path in playlist_files()]


@pytest.fixture(scope="module")
def figures(playlists: list[Playlist]) -> dict[Path, Figures]:
    """Every bundled piece decoded and measured once for the whole module."""
    found = {}
    for track in (track for playlist in playlists for track in playlist.tracks):
        frames, rate = sf.read(track.path, dtype="float32", always_2d=True)
        assert rate == RATE and frames.shape[1] == 2, f"{track.path}: not 44.1 kHz stereo"
        found[track.path] = measure(frames, rate)
    return found


# -- what there is ----------------------------------------------------------------------------


def test_every_bundled_playlist_loads_with_no_missing_or_broken_track(
    playlists: list[Playlist],
) -> None:
    root = assets_dir().resolve()
    assert {path.stem for path in playlist_files()} >= EXPECTED_PLAYLISTS
    for playlist in playlists:
        print(f"{playlist.id}: {len(playlist.tracks)} tracks, {playlist.duration / 60:.1f} min")
        assert playlist.problems == (), playlist.source
        assert len(playlist.tracks) >= 3, playlist.source
        for track in playlist.tracks:
            assert track.playable and track.duration > 60.0, track.path
            assert track.path.resolve().is_relative_to(root / "music"), track.path
            assert track.path.parent.name == playlist.id, "each playlist has its own folder"
            assert track.title and track.note, track.path


def test_the_music_folder_holds_only_what_the_playlists_name(playlists: list[Playlist]) -> None:
    named = {track.path.resolve() for playlist in playlists for track in playlist.tracks}
    present = {path.resolve() for path in (assets_dir() / "music").rglob("*") if path.is_file()}
    assert present == named


def test_there_are_four_playlists_with_distinct_purposes_written_for_a_person(
    playlists: list[Playlist],
) -> None:
    assert len(playlists) >= 4
    for field in ("title", "purpose", "suggested_use"):
        texts = [getattr(playlist, field).strip().lower() for playlist in playlists]
        assert all(len(text) >= 10 or field == "title" for text in texts), field
        assert len(set(texts)) == len(texts), f"two playlists share a {field}"


def test_there_is_at_least_an_hour_of_distinct_music(playlists: list[Playlist]) -> None:
    seconds, digests, titles = 0.0, set(), set()
    for track in (track for playlist in playlists for track in playlist.tracks):
        digest = hashlib.sha256(track.path.read_bytes()).hexdigest()
        if digest not in digests:
            digests.add(digest)
            seconds += track.duration
        titles.add(track.title)
    tracks = sum(len(playlist.tracks) for playlist in playlists)
    print(f"{len(digests)} distinct pieces of {tracks}, {seconds / 60:.1f} min")
    assert len(digests) == tracks, "no piece is bundled twice"
    assert len(titles) == tracks, "every piece has its own title"
    assert seconds >= 60 * 60


def test_every_piece_carries_its_tags_and_replaygain(
    playlists: list[Playlist], figures: dict[Path, Figures]
) -> None:
    for playlist in playlists:
        album_gains = set()
        for number, track in enumerate(playlist.tracks, start=1):
            tags: Any = OggVorbis(track.path).tags
            assert tags["title"] == [track.title], track.path
            assert tags["artist"] == ["mtcalm"], track.path
            assert tags["album"] == [playlist.title], track.path
            assert tags["genre"] == ["Ambient"], track.path
            assert tags["tracknumber"] == [str(number)], track.path
            gain = float(tags["replaygain_track_gain"][0].removesuffix(" dB"))
            peak = float(tags["replaygain_track_peak"][0])
            album_gains.add(tags["replaygain_album_gain"][0])
            float(tags["replaygain_album_gain"][0].removesuffix(" dB"))
            assert float(tags["replaygain_album_peak"][0]) >= peak
            measured = figures[track.path]
            assert gain == pytest.approx(REPLAYGAIN_REFERENCE_LUFS - measured.loudness, abs=0.5)
            assert peak == pytest.approx(10.0 ** (measured.peak_db / 20.0), rel=0.05)
            assert track.info is not None and track.info.track_gain_db == pytest.approx(gain)
        assert len(album_gains) == 1, f"{playlist.id}: one album gain for the whole playlist"


# -- how it sounds ----------------------------------------------------------------------------


def test_no_piece_peaks_above_minus_1_dbfs(figures: dict[Path, Figures]) -> None:
    for path, found in figures.items():
        assert found.peak_db <= PEAK_LIMIT_DB, f"{path.name}: peak {found.peak_db:.2f} dBFS"


def test_every_piece_is_as_loud_as_the_others(figures: dict[Path, Figures]) -> None:
    levels = {path.name: found.loudness for path, found in figures.items()}
    print(", ".join(f"{name} {level:.2f}" for name, level in levels.items()))
    for name, level in levels.items():
        assert abs(level - TARGET_LUFS) <= LOUDNESS_TOLERANCE_LU, f"{name}: {level:.2f} LUFS"
    assert max(levels.values()) - min(levels.values()) <= 1.0


def test_nothing_gets_suddenly_louder_after_the_opening_fade(
    figures: dict[Path, Figures],
) -> None:
    for path, found in figures.items():
        rise = found.max_rise_db_per_s(OPENING_FADE_S)
        print(f"{path.parent.name}/{path.name}: rises by at most {rise:.2f} dB/s")
        assert rise <= MAX_RISE_DB_PER_S, path


def test_there_is_little_energy_above_6_khz(figures: dict[Path, Figures]) -> None:
    for path, found in figures.items():
        assert found.hf_share <= MAX_HF_SHARE, f"{path.name}: {100 * found.hf_share:.3f} %"


def test_the_ease_tension_pieces_swell_five_or_six_times_a_minute(
    playlists: list[Playlist], figures: dict[Path, Figures]
) -> None:
    (ease,) = (playlist for playlist in playlists if playlist.id == "ease-tension")
    for track in ease.tracks:
        levels = figures[track.path].short_term[150:-250]  # past the fades
        levels = levels - np.mean(levels)
        strength = np.abs(np.fft.rfft(levels * np.hanning(len(levels)), 1 << 16))
        per_minute = np.fft.rfftfreq(1 << 16, 0.1) * 60.0
        band = (per_minute >= 2.0) & (per_minute <= 15.0)
        swells = float(per_minute[band][np.argmax(strength[band])])
        print(f"{track.title}: {swells:.2f} swells a minute")
        assert 4.7 <= swells <= 6.5, track.title


def test_the_last_sleep_piece_ends_in_a_very_long_fade(
    playlists: list[Playlist], figures: dict[Path, Figures]
) -> None:
    (sleep,) = (playlist for playlist in playlists if playlist.id == "sleep")
    levels = figures[sleep.tracks[-1].path].short_term
    at = {s: levels[-1 - round(s / 0.1)] for s in (75, 60, 45, 30, 15)}  # seconds before the end
    print(", ".join(f"{s} s before the end: {level:.1f} LUFS" for s, level in at.items()))
    assert at[75] >= TARGET_LUFS - 6.0, "still playing a minute and a quarter before the end"
    assert at[75] > at[60] > at[45] > at[30] > at[15], "falling all the way"
    assert at[15] <= at[75] - 15.0


def test_the_bundled_audio_stays_under_45_mb() -> None:
    music = sum(path.stat().st_size for path in (ROOT / "assets" / "music").rglob("*.ogg"))
    everything = sum(path.stat().st_size for path in (ROOT / "assets").rglob("*.ogg"))
    print(f"music {music / 1e6:.2f} MB, all bundled audio {everything / 1e6:.2f} MB")
    assert music <= 38_000_000
    assert everything <= 45_000_000


# -- the measurement itself, on signals whose answer is known ---------------------------------


def stereo(signal: Levels) -> npt.NDArray[np.float32]:
    return np.stack([signal, signal], axis=1).astype(np.float32)


def test_the_meter_reads_a_997_hz_tone_as_the_standard_says() -> None:
    t = np.arange(20 * RATE) / RATE
    found = measure(stereo(0.1 * np.sin(2 * np.pi * 997.0 * t)))
    assert found.loudness == pytest.approx(-20.0, abs=0.1)  # -20 dBFS per channel, two channels
    assert found.peak_db == pytest.approx(-20.0, abs=0.01)
    assert found.hf_share < 1e-3


def test_the_meter_catches_a_sudden_entry_a_hot_peak_and_hiss() -> None:
    t = np.arange(30 * RATE) / RATE
    quiet = 0.02 * np.sin(2 * np.pi * 220.0 * t)
    entry = np.where(t >= 20.0, 0.95 * np.sin(2 * np.pi * 440.0 * t), 0.0)
    found = measure(stereo(quiet + entry))
    assert found.max_rise_db_per_s(OPENING_FADE_S) > MAX_RISE_DB_PER_S
    assert found.peak_db > PEAK_LIMIT_DB
    hiss = np.random.default_rng(1).standard_normal(len(t)) * 0.05
    assert measure(stereo(quiet + hiss)).hf_share > MAX_HF_SHARE


def test_a_playlist_naming_a_missing_piece_is_reported(tmp_path: Path) -> None:
    """The checks above would see a bundled playlist that lost a file."""
    source = bundled_playlists_dir() / "sleep.toml"
    copy = tmp_path / "playlists" / "sleep.toml"
    copy.parent.mkdir()
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    playlist = load_playlist(copy)
    assert len(playlist.problems) == len(playlist.tracks)
    assert not playlist.playable_tracks


# -- the generator ----------------------------------------------------------------------------


def test_the_generator_is_lint_format_and_type_clean() -> None:
    files = ["tools/compose_music.py", "tools/music"]
    binaries = Path(sys.executable).parent
    for command in (
        [str(binaries / "ruff"), "check", *files],
        [str(binaries / "ruff"), "format", "--check", *files],
        [str(binaries / "mypy"), *files],
    ):
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
