"""Ogg Vorbis encoding with a fixed serial, Vorbis comments, and the playlist files."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis

from .catalogue import PlaylistPlan
from .score import Track
from .synth import SR, Audio

VORBIS_COMPRESSION = 0.4  # libsndfile sets Vorbis quality to 1 - level: q6
RG_REFERENCE_LUFS = -18.0


def encode(path: Path, audio: Audio, serial: int, compression: float = VORBIS_COMPRESSION) -> None:
    """Write Ogg Vorbis, then pin the (otherwise random) Ogg serial so reruns are identical."""
    frames = audio.T.astype(np.float32)
    with sf.SoundFile(path, "w", SR, 2, "VORBIS", format="OGG",
                      compression_level=compression) as out:  # fmt: skip
        for i in range(0, len(frames), 65536):  # a single huge write overflows libvorbis' stack
            out.write(frames[i : i + 65536])
    src, pages = io.BytesIO(path.read_bytes()), []
    while src.tell() < len(src.getbuffer()):
        page = OggPage(src)  # type: ignore[no-untyped-call]
        page.serial = serial
        pages.append(page.write())  # type: ignore[no-untyped-call]  # recomputes the CRC
        if len(pages[-1]) != page.size:
            raise RuntimeError(f"{path.name}: could not rewrite Ogg page {page.sequence}")
    path.write_bytes(b"".join(pages))


def tag(
    path: Path,
    number: int,
    track: Track,
    album: str,
    gains: tuple[float, float, float, float],
) -> None:
    """Vorbis comments, with ReplayGain 2.0 values against a -18 LUFS reference.

    gains: the track's loudness (LUFS) and linear peak, then the album's.
    """
    track_lufs, track_peak, album_lufs, album_peak = gains
    audio: Any = OggVorbis(path)  # type: ignore[no-untyped-call]
    audio.tags.clear()
    audio.tags.update({
        "TITLE": track.title, "ARTIST": "mtcalm", "ALBUM": album, "GENRE": "Ambient",
        "DATE": "2026", "TRACKNUMBER": str(number),
        "COMMENT": f"Made by code (tools/compose_music.py): {track.key}, {track.bpm:g} bpm.",
        "REPLAYGAIN_TRACK_GAIN": f"{RG_REFERENCE_LUFS - track_lufs:+.2f} dB",
        "REPLAYGAIN_TRACK_PEAK": f"{track_peak:.6f}",
        "REPLAYGAIN_ALBUM_GAIN": f"{RG_REFERENCE_LUFS - album_lufs:+.2f} dB",
        "REPLAYGAIN_ALBUM_PEAK": f"{album_peak:.6f}",
        "REPLAYGAIN_REFERENCE_LOUDNESS": f"{RG_REFERENCE_LUFS:.2f} LUFS",
    })  # fmt: skip
    audio.save()


def write_playlist(plan: PlaylistPlan, playlist_path: Path, files: list[Path]) -> None:
    """Write the playlist file, then parse it back and check that every file exists."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["# mtcalm playlist (format 1). Paths are relative to this file's folder.",
             "format = 1", "", "[playlist]", f"title = {q(plan.title)}",
             f"purpose = {q(plan.purpose)}", f"suggested_use = {q(plan.suggested_use)}",
             f"crossfade_seconds = {plan.crossfade_s:g}"]  # fmt: skip
    for track, path in zip(plan.tracks, files, strict=True):
        rel = f"../{path.relative_to(playlist_path.parent.parent).as_posix()}"
        lines += ["", "[[track]]", f"file = {q(rel)}", f"title = {q(track.title)}",
                  f"note = {q(track.note)}"]  # fmt: skip
    playlist_path.parent.mkdir(parents=True, exist_ok=True)
    playlist_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for entry in tomllib.loads(playlist_path.read_text(encoding="utf-8"))["track"]:
        if not (playlist_path.parent / entry["file"]).is_file():
            raise SystemExit(f"playlist entry has no file: {entry['file']}")
