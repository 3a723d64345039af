"""Make the odd-but-real audio files in this folder.

Run ``python tests/audio/odd_files/make_odd_files.py`` from the repository to make them again.

Each is small and of a kind tag libraries test against and people really have: digital
silence in every container, MP3s whose headers lie about their length, MP3s with Xing headers
and ID3 tags before and after the audio, Opus, an Ogg whose comment spans several pages, a
FLAC that does not know its own length, a WAV cut short, a sound far shorter than any fade.
Only numpy, soundfile (libsndfile) and mutagen are used, so the files can be made anywhere the
tests run. libsndfile's MP3 encoder (LAME) writes a Xing header with the frame count.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import numpy as np
import soundfile

HERE = Path(__file__).resolve().parent
RATE = 44100


def tone(seconds: float, rate: int = RATE, channels: int = 2, hz: float = 441.0) -> np.ndarray:
    """A quiet sine (0.3 of full scale) of whole periods."""
    count = round(seconds * rate)
    mono = (0.3 * np.sin(2 * np.pi * hz * np.arange(count) / rate)).astype(np.float32)
    return np.repeat(mono[:, None], channels, axis=1)


def silence(seconds: float, rate: int = RATE, channels: int = 2) -> np.ndarray:
    return np.zeros((round(seconds * rate), channels), dtype=np.float32)


def write(name: str, data: np.ndarray, rate: int = RATE, **options: str) -> Path:
    path = HERE / name
    soundfile.write(str(path), data, rate, **options)
    return path


def xing_frame_count(data: bytes) -> tuple[int, int]:
    """Where the Xing header's frame count is, and its value."""
    at = data.find(b"Xing")
    assert at > 0, "libsndfile's MP3 encoder writes a Xing header"
    (flags,) = struct.unpack(">I", data[at + 4 : at + 8])
    assert flags & 1, "the Xing header carries a frame count"
    (count,) = struct.unpack(">I", data[at + 8 : at + 12])
    return at + 8, count


def id3v1(title: str) -> bytes:
    """A 128-byte ID3v1.1 tag, as appended at the end of a file."""

    def field(text: str, size: int) -> bytes:
        return text.encode("latin-1")[:size].ljust(size, b"\0")

    return (
        b"TAG"
        + field(title, 30)
        + field("mtcalm tests", 30)
        + field("Odd files", 30)
        + (b"2024" + field("", 28) + b"\0\x01" + b"\x0c")
    )


def id3v2(title: str, padding: int = 2048) -> bytes:
    """An ID3v2.3 tag with a title frame and padding, as placed before the audio."""
    text = b"\x00" + title.encode("latin-1")
    frame = b"TIT2" + struct.pack(">I", len(text)) + b"\0\0" + text
    body = frame + b"\0" * padding
    size = len(body)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + body


def main() -> None:
    # Digital silence, 1–2 s, in every container (mono and low rates as tag libraries keep them).
    write("silence-1s-44k-stereo.flac", silence(1.0), subtype="PCM_16")
    write("silence-2s-11k-mono.wav", silence(2.0, 11025, 1), 11025, subtype="PCM_16")
    write("silence-1s-8k-mono.aiff", silence(1.0, 8000, 1), 8000, subtype="PCM_16")
    write("silence-2s-22k-mono.mp3", silence(2.0, 22050, 1), 22050, format="MP3")
    write("silence-1s-48k.opus", silence(1.0, 48000), 48000, format="OGG", subtype="OPUS")

    # An MP3 whose Xing header counts more frames than the file holds: the end is cut off,
    # as an interrupted download leaves it (the decoder stops about a tenth early).
    whole = write("_whole.mp3", tone(4.0), format="MP3").read_bytes()
    (HERE / "_whole.mp3").unlink()
    (HERE / "xing-cut-short.mp3").write_bytes(whole[: len(whole) * 9 // 10])

    # The same tone with its Xing frame count raised: the header alone lies.
    where, count = xing_frame_count(whole)
    raised = whole[:where] + struct.pack(">I", count + 25) + whole[where + 4 :]
    (HERE / "xing-says-longer.mp3").write_bytes(raised)

    # Tags around the audio: ID3v2 in front, ID3v1 behind (the decoder must not play them).
    short = write("_short.mp3", tone(1.5, hz=630.0), format="MP3").read_bytes()
    (HERE / "_short.mp3").unlink()
    (HERE / "id3v1-trailing.mp3").write_bytes(short + id3v1("Trailing tag"))
    (HERE / "id3v2-and-id3v1.mp3").write_bytes(id3v2("Both tags") + short + id3v1("Both tags"))

    # Opus (48 kHz in an Ogg stream), and an Ogg Vorbis whose comment spans several pages.
    write("tone-1s.opus", tone(1.0, 48000), 48000, format="OGG", subtype="OPUS")
    comment = write("multipage-comment.ogg", tone(1.0), format="OGG", subtype="VORBIS")
    import mutagen.oggvorbis

    tagged = mutagen.oggvorbis.OggVorbis(comment)
    tagged["description"] = "Breathe in slowly, and out more slowly still. " * 1600  # 73 kB
    tagged.save()

    # A FLAC whose STREAMINFO says "length unknown" (0), as streaming encoders write it.
    flac = write("_known.flac", tone(1.0), subtype="PCM_16")
    data = bytearray(flac.read_bytes())
    flac.unlink()
    info = data.find(b"fLaC") + 8  # STREAMINFO's body, after its 4-byte block header
    data[info + 13] &= 0xF0  # total samples: the low 4 bits of byte 13 and bytes 14–17
    data[info + 14 : info + 18] = b"\0\0\0\0"
    (HERE / "flac-length-unknown.flac").write_bytes(bytes(data))

    # A WAV whose data chunk promises a second more than the file holds.
    wav = write("_full.wav", tone(1.0), subtype="PCM_16").read_bytes()
    (HERE / "_full.wav").unlink()
    (HERE / "wav-cut-short.wav").write_bytes(wav[: len(wav) * 2 // 3])

    # Far shorter than any fade: 20 ms.
    write("tone-20ms.wav", tone(0.02), subtype="PCM_16")

    total = sum(path.stat().st_size for path in HERE.iterdir() if path.suffix != ".py")
    print(f"{len(list(HERE.glob('*.*'))) - 1} files, {total / 1024:.0f} KiB", file=sys.stderr)


if __name__ == "__main__":
    main()
