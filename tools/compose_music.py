"""Compose the bundled "Settle" playlist: calm music made entirely by code (no samples).

Run from the repository root: .venv/bin/python tools/compose_music.py. Fixed seeds (and a fixed
Ogg serial) make reruns byte-identical. The decoded files are measured (peak, ITU-R BS.1770
loudness, short-term loudness rises, energy above 6 kHz); a failed check exits non-zero.
"""

from __future__ import annotations

import io
import itertools
import sys
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile as sf
from mutagen.ogg import OggPage
from mutagen.oggvorbis import OggVorbis

Audio = npt.NDArray[np.float64]
Spectrum = npt.NDArray[np.complex128]
Chord = tuple[int, tuple[int, ...]]  # (scale degree of the root, chord shape in scale steps)
Event = tuple[float, float, int, float]  # start s, duration s, MIDI note, velocity

SR = 44100
REPO = Path(__file__).resolve().parent.parent
MUSIC_DIR = REPO / "assets" / "music" / "settle"
PLAYLIST = REPO / "assets" / "playlists" / "settle.toml"
TARGET_LUFS, RG_REFERENCE_LUFS, PEAK_LIMIT_DB = -20.0, -18.0, -1.0
VORBIS_COMPRESSION = 0.4  # libsndfile sets Vorbis quality to 1 - level: q6
FADE_IN_S, FADE_OUT_S, TAIL_S = 8.0, 14.0, 10.0
PAD_ATTACK_S, PAD_RELEASE_S = 2.5, 3.5
MODES = {"ionian": (0, 2, 4, 5, 7, 9, 11), "lydian": (0, 2, 4, 6, 7, 9, 11),
         "dorian": (0, 2, 3, 5, 7, 9, 10)}  # fmt: skip
TRIAD, SEVENTH, ADD9, SUS4, SUS2 = (0, 2, 4), (0, 2, 4, 6), (0, 2, 4, 8), (0, 3, 4), (0, 1, 4)
PURPOSE = "Arrive, slow down and let the day fall away."
SUGGESTED_USE = (
    "Play it when you come in from outside or when things feel like too much. Sit or lie "
    "somewhere comfortable and let your breathing slow down with the music."
)


@dataclass(frozen=True)
class Track:
    """Everything that makes one piece distinct."""

    slug: str
    title: str
    note: str
    tonic: int  # MIDI note; the melody sits about an octave above it
    mode: str
    bpm: float
    chords: tuple[Chord, ...]  # the progression cycle; the piece ends on its first chord
    n_chords: int  # each chord lasts eight beats
    arp_inst: str  # "felt" (felt piano) or "bell" (soft kalimba-like bell)
    mel_inst: str
    bass: str  # "roots" follows the chords, "pedal" holds tonic and fifth throughout
    mix: tuple[float, float, float, float]  # pad, bass, arpeggio, melody
    arp_rate: float  # chance of an arpeggio note on each beat
    looseness_s: float  # timing spread, so nothing sounds mechanical
    pad_cutoff: float  # Hz; lower is warmer
    reverb: tuple[float, float]  # RT60 in seconds, wet gain
    seed: int

    @property
    def key(self) -> str:
        names = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"]
        return f"{names[self.tonic % 12]} {self.mode}"


TRACKS = (
    Track("harbour-at-dawn", "Harbour at Dawn",
          "Warm chords and a soft felt piano, like light coming up over still water.",
          50, "ionian", 63.0,
          ((0, ADD9), (5, SEVENTH), (3, SEVENTH), (4, SUS4),
           (0, SEVENTH), (2, SEVENTH), (3, ADD9), (1, SEVENTH)),
          26, "felt", "felt", "roots", (1.0, 0.55, 0.55, 0.8), 0.55, 0.02, 900.0, (3.0, 0.35), 11),
    Track("slow-tide", "Slow Tide",
          "A low, steady drone with soft bells drifting in and out, slow as breathing.",
          53, "lydian", 56.0,
          ((0, SEVENTH), (1, TRIAD), (0, ADD9), (6, SEVENTH),
           (0, SEVENTH), (1, SUS2), (2, SEVENTH), (1, TRIAD)),
          23, "bell", "bell", "pedal", (1.0, 0.7, 0.5, 0.65), 0.4, 0.1, 800.0, (4.5, 0.5), 23),
    Track("evening-light", "Evening Light",
          "Low, unhurried piano over wide, soft chords: the warmth at the end of a day.",
          45, "dorian", 50.0,
          ((0, SEVENTH), (3, ADD9), (2, SEVENTH), (6, ADD9),
           (0, SEVENTH), (5, SEVENTH), (3, TRIAD), (6, SUS2)),
          20, "bell", "felt", "roots", (1.2, 0.6, 0.45, 0.9), 0.3, 0.04, 700.0, (3.6, 0.45), 37),
)  # fmt: skip


# ---------------------------------------------------------------- instruments and envelopes
def hz(midi: float) -> float:
    """Equal-tempered frequency of a MIDI note."""
    return float(440.0 * 2.0 ** ((midi - 69.0) / 12.0))


def envelope(n: int, attack_s: float, release_s: float) -> Audio:
    """Raised-cosine attack from silence and raised-cosine release back to silence."""
    env = np.ones(n)
    a, r = min(max(int(attack_s * SR), 1), n), min(max(int(release_s * SR), 1), n)
    env[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    env[n - r :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(r) / r)
    return env


def partials(n: int, freqs_hz: npt.ArrayLike, amps: npt.ArrayLike, decays: npt.ArrayLike) -> Audio:
    """Sum of sines, each with its own exponential decay time in seconds."""
    t = np.arange(n) / SR
    out = np.zeros(n)
    table = np.asarray([freqs_hz, amps, decays], dtype=np.float64)
    for f, a, d in table.T:
        if f < 5000.0:  # nothing harsh: no partial above 5 kHz
            out += a * np.exp(-t / d) * np.sin(2.0 * np.pi * f * t)
    return out


def pad_note(f0: float, dur_s: float, cutoff: float, rng: np.random.Generator) -> Audio:
    """Warm stereo pad: three detuned soft saws (low-passed harmonics), slowly breathing."""
    n, size = int((dur_s + PAD_RELEASE_S) * SR), 1 << 16
    h = np.arange(1, 9)
    amps = 1.0 / h / (1.0 + (h * f0 / cutoff) ** 2)
    t = np.arange(n) / SR
    copies, cycle = [], np.arange(size) / size
    for cents in (-6.0, 0.0, 6.0):  # one wavetable cycle per copy, read at the detuned pitch
        table = amps @ np.sin(2 * np.pi * np.outer(h, cycle) + rng.uniform(0, 2 * np.pi, (8, 1)))
        step = f0 * 2.0 ** (cents / 1200.0) * size / SR
        copies.append(table[(np.arange(n) * step).astype(np.int64) & (size - 1)])
    breath = 1.0 + 0.1 * np.sin(2 * np.pi * rng.uniform(0.04, 0.09) * t + rng.uniform(0, 6.3))
    env = envelope(n, PAD_ATTACK_S, PAD_RELEASE_S) * breath
    return np.stack([copies[0] + 0.6 * copies[1], copies[2] + 0.6 * copies[1]]) * env


def pluck_note(f0: float, kind: str, dur_s: float, vel: float) -> Audio:
    """Felt-piano or soft-bell note from additive partials; softer notes are darker."""
    n = int((dur_s + 1.2) * SR)
    if kind == "felt":
        h = np.arange(1, 9, dtype=np.float64)
        freqs = h * f0 * np.sqrt(1.0 + 0.0003 * h**2)  # slight string inharmonicity
        amps = h**-1.7 / (1.0 + (h * f0 / 2200.0) ** 2) * vel ** (0.25 * (h - 1))
        decays, attack = 2.8 * (262.0 / f0) ** 0.4 / (1.0 + 0.7 * (h - 1)), 0.03
    else:
        freqs = f0 * np.array([1.0, 2.01, 3.98, 5.93])
        amps = np.array([1.0, 0.2, 0.07, 0.03]) * vel ** np.array([0.0, 0.3, 0.6, 0.9])
        decays, attack = 3.5 * (262.0 / f0) ** 0.3 * np.array([1.0, 0.45, 0.25, 0.15]), 0.02
    return partials(n, freqs, amps, decays) * envelope(n, attack, 1.2) * vel


def bass_note(f0: float, dur_s: float, attack_s: float) -> Audio:
    """Soft sine bass with a touch of second and third harmonic."""
    n = int((dur_s + 3.0) * SR)
    tone = partials(n, [f0, 2 * f0, 3 * f0], [1.0, 0.25, 0.08], [np.inf] * 3)
    return tone * envelope(n, attack_s, 3.0)


def place(buf: Audio, start_s: float, sound: Audio, pan: float, gain: float) -> None:
    """Mix a mono or stereo sound into the stereo buffer with equal-power panning."""
    i = max(round(start_s * SR), 0)
    n = min(sound.shape[-1], buf.shape[1] - i)
    angle = (pan + 1.0) * np.pi / 4.0
    for ch, g in enumerate((np.cos(angle), np.sin(angle))):
        src = sound[ch] if sound.ndim == 2 else sound
        buf[ch, i : i + n] += gain * np.sqrt(2.0) * g * src[:n]


# ---------------------------------------------------------------- harmony and melody
def degree_midi(track: Track, degree: int) -> int:
    """MIDI note of a scale degree (0 = tonic, 7 = the tonic an octave up)."""
    return track.tonic + 12 * (degree // 7) + MODES[track.mode][degree % 7]


def progression(track: Track) -> list[Chord]:
    """The chord cycle repeated to length, coming home to the first chord at the end."""
    cycle = itertools.islice(itertools.cycle(track.chords), track.n_chords - 1)
    return [*cycle, track.chords[0]]


def voice_lead(track: Track, chords: list[Chord], lo: int = 50, hi: int = 71) -> list[list[int]]:
    """Four-voice voicings, each chord reached with the least total movement."""
    prev, out = [55, 59, 62, 66], []
    for root, shape in chords:
        pcs = {degree_midi(track, root + s) % 12 for s in shape}
        best: tuple[int, list[int]] = (10**9, prev)
        for assign in itertools.product(sorted(pcs), repeat=4):
            if set(assign) != pcs:
                continue
            v = [p + (pc - p + 6) % 12 - 6 for p, pc in zip(prev, assign, strict=True)]
            v = [x + 12 if x < lo else x - 12 if x > hi else x for x in v]
            clashes = sum(b - a < (3 if a < 57 else 2) for a, b in itertools.pairwise(sorted(v)))
            cost = sum(abs(a - b) for a, b in zip(v, prev, strict=True)) + 8 * clashes
            best = min(best, (cost, v))
        prev = best[1]
        out.append(prev)
    return out


def held_runs(pitches: list[int]) -> list[tuple[int, int, int]]:
    """(pitch, first chord, number of chords) for each run of a repeated pitch."""
    runs, first = [], 0
    for pitch, group in itertools.groupby(pitches):
        count = len(list(group))
        runs.append((pitch, first, count))
        first += count
    return runs


def smoothstep(a: float, b: float, x: float) -> float:
    """0 below a, 1 above b, smooth in between."""
    u = min(max((x - a) / (b - a), 0.0), 1.0)
    return u * u * (3.0 - 2.0 * u)


def arp_level(p: float) -> float:
    """Arpeggio presence at position p (0..1) through the piece."""
    return smoothstep(0.08, 0.24, p) * (1.0 - smoothstep(0.80, 0.93, p))


def melody_level(p: float) -> float:
    """Melody presence: two groups of phrases with a breathing space between them."""
    first = smoothstep(0.22, 0.32, p) * (1.0 - smoothstep(0.46, 0.52, p))
    return first + smoothstep(0.56, 0.62, p) * (1.0 - smoothstep(0.74, 0.82, p))


def arpeggio(track: Track, voicings: list[list[int]], rng: np.random.Generator) -> list[Event]:
    """Broken chords drifting up and down, at most one note per beat."""
    spb, events, contour = 60.0 / track.bpm, [], [0, 1, 2, 3, 4, 3, 2, 1]
    for ci, v in enumerate(voicings):
        tones = sorted(v) + [x + 12 for x in sorted(v)[1:3]]
        for b in range(8):
            level = arp_level((ci + b / 8) / len(voicings))
            if level < 0.05 or (b > 0 and rng.random() > track.arp_rate):
                continue
            start = (ci * 8 + b) * spb + rng.normal(0.0, track.looseness_s)
            events.append((start, 2.0 * spb, tones[contour[b] % len(tones)], level * 0.5))
    return events


def nearest_chord_degree(degree: int, chord: Chord) -> int:
    """The chord tone nearest to a scale degree (the lower one on a tie)."""
    tones = {(chord[0] + s) % 7 for s in chord[1]}
    near = [d for d in range(degree - 3, degree + 4) if d % 7 in tones]
    return min(near, key=lambda d: (abs(d - degree), d))


def melody(track: Track, chords: list[Chord], rng: np.random.Generator) -> list[Event]:
    """A sparse two-chord motif, repeated with small variations and bent to fit each chord."""
    spb, k = 60.0 / track.bpm, int(rng.integers(4, 6))
    onsets = np.sort(np.concatenate([[0], rng.choice(np.arange(2, 14), k - 1, replace=False)]))
    steps = rng.choice([-2, -1, -1, 0, 1, 1, 2], size=k)
    deg, events = 9, []  # scale degrees 6..15, about an octave above the tonic
    for phrase in range(len(chords) // 2):
        var = steps.copy()
        if rng.random() < 0.4:
            var[rng.integers(0, k)] = rng.choice([-2, -1, 1, 2])
        ons = onsets[:-1] if phrase % 4 == 3 else onsets  # every fourth phrase breathes
        for j, onset in enumerate(int(o) for o in ons):
            beat = phrase * 16 + onset
            length = (int(ons[j + 1]) if j + 1 < len(ons) else 16) - onset
            level = melody_level(beat / 8 / len(chords))
            if level < 0.05:
                continue
            deg = int(deg + var[j])
            deg = 30 - deg if deg > 15 else 12 - deg if deg < 6 else deg
            if beat % 8 == 0 or length >= 3:  # strong and long notes are chord tones
                deg = nearest_chord_degree(deg, chords[beat // 8])
            start = beat * spb + rng.normal(0.0, track.looseness_s)
            events.append((start, length * spb, degree_midi(track, deg), level))
    return events


# ---------------------------------------------------------------- filtering and reverb
def fast_len(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n, a size numpy's FFT handles quickly."""
    sizes = (2**a * 3**b * 5**c for a in range(48) for b in range(31) for c in range(21))
    return int(min(size for size in sizes if size >= n))


def freqs(nfft: int) -> Audio:
    """Frequencies in Hz of the bins of an rfft of length nfft."""
    return np.fft.rfftfreq(nfft, 1.0 / SR).astype(np.float64)


def fft_filter(x: Audio, response: Callable[[Audio, int], Spectrum | Audio], pad: int) -> Audio:
    """Filter along the last axis in the frequency domain, zero-padded against wrap-around."""
    n = x.shape[-1]
    nfft = fast_len(n + pad)
    spectrum = np.fft.rfft(x, nfft) * response(freqs(nfft), nfft)
    return np.fft.irfft(spectrum, nfft)[..., :n]


def master_eq(f: Audio) -> Audio:
    """Zero-phase Butterworth-shaped band: 2nd-order high-pass 35 Hz, low-pass 4.5 kHz."""
    with np.errstate(divide="ignore"):
        hp = 1.0 / np.sqrt(1.0 + (35.0 / f) ** 4)
    return hp / np.sqrt(1.0 + (f / 4500.0) ** 4)


def reverb_ir(rt60: float, rng: np.random.Generator) -> Audio:
    """Decorrelated stereo impulse response: decaying noise whose highs die away faster."""
    n = int(1.2 * rt60 * SR)
    t, noise = np.arange(n) / SR, rng.standard_normal((2, n))
    low = fft_filter(noise, lambda f, _: 1.0 / np.sqrt(1.0 + (f / 1500.0) ** 4), 0)
    ir = low * np.exp(-6.91 * t / rt60) + 0.4 * (noise - low) * np.exp(-17.3 * t / rt60)
    ir = np.concatenate([np.zeros((2, int(0.025 * SR))), ir * envelope(n, 0.01, 0.3)], axis=1)
    return np.asarray(ir / np.sqrt(np.sum(ir**2, axis=1, keepdims=True)), dtype=np.float64)


def reverb_and_eq(dry: Audio, ir: Audio, wet: float) -> Audio:
    """Dry plus FFT-convolved reverb, then the master EQ, in a single pass."""
    return fft_filter(
        dry, lambda f, nfft: master_eq(f) * (1.0 + wet * np.fft.rfft(ir, nfft)), ir.shape[1]
    )


# ---------------------------------------------------------------- loudness (ITU-R BS.1770-4)
def k_weighting(f: Audio) -> Spectrum:
    """BS.1770 shelf and RLB high-pass (libebur128's design, valid at any sample rate)."""

    def s(fc: float) -> Spectrum:  # bilinear transform: analogue s on the digital unit circle
        return np.asarray(1j * np.tan(np.pi * f / SR) / np.tan(np.pi * fc / SR))

    sh, sp = s(1681.9744509), s(38.1354709)
    vh, q = 10.0 ** (3.999843853973347 / 20.0), 0.7071752369554196
    shelf = (vh * sh**2 + vh**0.4996667741545416 / q * sh + 1.0) / (sh**2 + sh / q + 1.0)
    k, q = np.tan(np.pi * 38.1354709 / SR), 0.5003270373238773  # numerator [1, -2, 1] unscaled
    return np.asarray(shelf * sp**2 / (sp**2 + sp / q + 1.0) * (1.0 + k / q + k * k))


def block_powers(weighted: Audio, window_s: float, hop_s: float = 0.1) -> Audio:
    """Channel-summed mean square of K-weighted audio in sliding windows."""
    cum = np.concatenate([[0.0], np.cumsum(np.sum(weighted**2, axis=0))])
    win, hop = int(window_s * SR), int(hop_s * SR)
    starts = np.arange(0, len(cum) - win, hop)
    return np.asarray((cum[starts + win] - cum[starts]) / win, dtype=np.float64)


def lufs(power: npt.ArrayLike) -> Audio:
    """Loudness in LUFS of channel-summed mean-square power."""
    return np.asarray(-0.691 + 10.0 * np.log10(np.maximum(power, 1e-20)), dtype=np.float64)


def gated_loudness(blocks: Audio) -> float:
    """Integrated loudness of 400 ms blocks: absolute gate -70 LUFS, relative gate -10 LU."""
    blocks = blocks[lufs(blocks) > -70.0]
    blocks = blocks[lufs(blocks) > float(lufs(np.mean(blocks))) - 10.0]
    return float(lufs(np.mean(blocks)))


@dataclass
class Measurement:
    """Figures for one stereo signal (channels first)."""

    lufs: float
    peak_db: float
    blocks: Audio  # 400 ms blocks, for album gating
    short_term: Audio  # 3 s windows every 0.1 s
    hf_share: float  # fraction of the energy above 6 kHz
    dc: float

    def max_rise_db_per_s(self) -> float:
        """Largest 1-second rise of short-term loudness in windows ending after the fade-in."""
        first = round((FADE_IN_S - 3.0) / 0.1)
        return float(np.max(self.short_term[first + 10 :] - self.short_term[first:-10]))


def measure(x: Audio) -> Measurement:
    """Peak, integrated and short-term loudness, high-frequency share and DC of a signal."""
    n, b, ir_len = x.shape[1], 1 << 16, 1 << 14  # K-weighting by overlap-add in 65536 blocks
    chunks = np.zeros((2, -(-n // b) * b))
    chunks[:, :n] = x
    spectrum = np.fft.rfft(chunks.reshape(2, -1, b), b + ir_len)
    power, f = np.abs(spectrum) ** 2, freqs(b + ir_len)
    ir = np.fft.irfft(k_weighting(freqs(ir_len)), ir_len)  # the filter has settled by 0.37 s
    parts = np.fft.irfft(spectrum * np.fft.rfft(ir, b + ir_len), b + ir_len)
    weighted = np.zeros((2, chunks.shape[1] + b))
    weighted[:, :-b] += parts[..., :b].reshape(2, -1)
    weighted[:, b:] += np.pad(parts[..., b:], ((0, 0), (0, 0), (0, b - ir_len))).reshape(2, -1)
    weighted = weighted[:, :n]
    blocks = block_powers(weighted, 0.4)
    return Measurement(
        gated_loudness(blocks), float(20.0 * np.log10(np.max(np.abs(x)))), blocks,
        lufs(block_powers(weighted, 3.0)), float(np.sum(power[..., f > 6000.0]) / np.sum(power)),
        float(np.max(np.abs(np.mean(x, axis=1)))),
    )  # fmt: skip


# ---------------------------------------------------------------- composing a track
def render(track: Track) -> Audio:
    """Synthesise, mix, reverberate, filter, fade and loudness-normalise one piece."""
    rng = np.random.default_rng(track.seed)
    chords = progression(track)
    voicings = voice_lead(track, chords)
    chord_s, last = 8 * 60.0 / track.bpm, len(chords) - 1
    buf = np.zeros((2, int((len(chords) * chord_s + TAIL_S) * SR)))
    pad_g, bass_g, arp_g, mel_g = track.mix
    for voice in range(4):  # a held pitch sustains across chord changes instead of restarting
        for pitch, first, count in held_runs([v[voice] for v in voicings]):
            dur = (count + (first + count - 1 == last)) * chord_s
            sound = pad_note(hz(pitch), dur, track.pad_cutoff, rng)
            place(buf, first * chord_s, sound, -0.3 + 0.2 * voice, 0.08 * pad_g)
    if track.bass == "pedal":
        dur = len(chords) * chord_s
        place(buf, 0.0, bass_note(hz(track.tonic - 12), dur, 6.0), 0.0, 0.2 * bass_g)
        place(buf, 0.0, bass_note(hz(track.tonic - 5), dur, 9.0), 0.0, 0.07 * bass_g)
    else:
        roots = [36 + (degree_midi(track, r) - 36) % 12 for r, _ in chords]
        for pitch, first, count in held_runs(roots):
            dur = (count + (first + count - 1 == last)) * chord_s
            place(buf, first * chord_s, bass_note(hz(pitch), dur, 1.5), 0.0, 0.2 * bass_g)
    for start, dur, pitch, vel in arpeggio(track, voicings, rng):
        sound = pluck_note(hz(pitch), track.arp_inst, dur, vel)
        place(buf, start, sound, float(rng.uniform(-0.6, 0.6)), 0.5 * arp_g)
    for start, dur, pitch, vel in melody(track, chords, rng):
        sound = pluck_note(hz(pitch), track.mel_inst, dur, vel)
        place(buf, start, sound, float(rng.uniform(-0.15, 0.15)), 0.38 * mel_g)

    mix = reverb_and_eq(buf, reverb_ir(track.reverb[0], rng), track.reverb[1])
    n, fi, fo = mix.shape[1], int(FADE_IN_S * SR), int(FADE_OUT_S * SR)
    mix[:, :fi] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(fi) / fi)
    mix[:, n - fo :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(fo) / fo)
    return np.asarray(mix * 10.0 ** ((TARGET_LUFS - measure(mix).lufs) / 20.0), dtype=np.float64)


# ---------------------------------------------------------------- encoding and tagging
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


def tag(path: Path, number: int, track: Track, m: Measurement, album: tuple[float, float]) -> None:
    """Vorbis comments, with ReplayGain 2.0 values against a -18 LUFS reference."""
    audio: Any = OggVorbis(path)  # type: ignore[no-untyped-call]
    audio.tags.clear()
    audio.tags.update({
        "TITLE": track.title, "ARTIST": "mtcalm", "ALBUM": "Settle", "GENRE": "Ambient",
        "DATE": "2026", "TRACKNUMBER": str(number),
        "COMMENT": f"Made by code (tools/compose_music.py): {track.key}, {track.bpm:g} bpm.",
        "REPLAYGAIN_TRACK_GAIN": f"{RG_REFERENCE_LUFS - m.lufs:+.2f} dB",
        "REPLAYGAIN_TRACK_PEAK": f"{10.0 ** (m.peak_db / 20.0):.6f}",
        "REPLAYGAIN_ALBUM_GAIN": f"{RG_REFERENCE_LUFS - album[0]:+.2f} dB",
        "REPLAYGAIN_ALBUM_PEAK": f"{album[1]:.6f}",
        "REPLAYGAIN_REFERENCE_LOUDNESS": f"{RG_REFERENCE_LUFS:.2f} LUFS",
    })  # fmt: skip
    audio.save()


def write_playlist(files: list[Path]) -> None:
    """Write the playlist file, then parse it back and check that every file exists."""

    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ["# mtcalm playlist (format 1). Paths are relative to this file's folder.",
             "format = 1", "", "[playlist]", 'title = "Settle"', f"purpose = {q(PURPOSE)}",
             f"suggested_use = {q(SUGGESTED_USE)}", "crossfade_seconds = 4"]  # fmt: skip
    for track, path in zip(TRACKS, files, strict=True):
        rel = f"../{path.relative_to(PLAYLIST.parent.parent).as_posix()}"
        lines += ["", "[[track]]", f"file = {q(rel)}", f"title = {q(track.title)}",
                  f"note = {q(track.note)}"]  # fmt: skip
    PLAYLIST.parent.mkdir(parents=True, exist_ok=True)
    PLAYLIST.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for entry in tomllib.loads(PLAYLIST.read_text(encoding="utf-8"))["track"]:
        if not (PLAYLIST.parent / entry["file"]).is_file():
            raise SystemExit(f"playlist entry has no file: {entry['file']}")


# ---------------------------------------------------------------- main
def main() -> int:
    """Compose, encode, measure, check and tag the pieces; write the playlist."""
    started, problems = time.perf_counter(), list[str]()
    files, found, lengths = list[Path](), list[Measurement](), list[float]()
    MUSIC_DIR.mkdir(parents=True, exist_ok=True)
    for number, track in enumerate(TRACKS, start=1):
        t0, path = time.perf_counter(), MUSIC_DIR / f"{number:02d}-{track.slug}.ogg"
        mix = render(track)
        encode(path, mix, serial=0x6D740000 + number)
        decoded = np.asarray(sf.read(path, dtype="float64", always_2d=True)[0].T)
        m, length = measure(decoded), decoded.shape[1] / SR
        files.append(path)
        found.append(m)
        lengths.append(length)
        rise, pre_peak = m.max_rise_db_per_s(), 20.0 * np.log10(np.max(np.abs(mix)))
        print(f"{path.name}: {length:.1f} s, {track.key}, {track.bpm:g} bpm; peak {pre_peak:.2f} "
              f"dBFS (decoded {m.peak_db:.2f}); {m.lufs:.2f} LUFS; {path.stat().st_size / 1e6:.2f}"
              f" MB; max rise {rise:.2f} dB/s; >6 kHz {100 * m.hf_share:.3f}%; DC {m.dc:.1e}; "
              f"{time.perf_counter() - t0:.0f} s")  # fmt: skip
        every_10s = m.short_term[70::100]  # windows ending at 10 s, 20 s, ...
        print("  short-term LUFS every 10 s:", " ".join(f"{v:.1f}" for v in every_10s))
        edge = max(np.max(np.abs(decoded[:, :441])), np.max(np.abs(decoded[:, -441:])))
        checks = {
            f"peak above {PEAK_LIMIT_DB:g} dBFS": max(m.peak_db, pre_peak) > PEAK_LIMIT_DB,
            f"loudness {m.lufs:.2f} LUFS is off target": abs(m.lufs - TARGET_LUFS) > 0.5,
            f"short-term loudness rises {rise:.2f} dB/s": rise > 3.0,
            "too much energy above 6 kHz": m.hf_share > 0.005,
            "DC offset": m.dc > 1e-3,
            "does not start and end in silence": edge > 1e-3,
            "not 3 to 4 minutes long": not 180.0 <= length <= 240.0,
        }
        problems += [f"{path.name}: {what}" for what, failed in checks.items() if failed]
    album = gated_loudness(np.concatenate([m.blocks for m in found]))
    album_peak = max(10.0 ** (m.peak_db / 20.0) for m in found)
    for number, (track, path, m) in enumerate(zip(TRACKS, files, found, strict=True), start=1):
        tag(path, number, track, m, (album, album_peak))
        reread: Any = OggVorbis(path)  # type: ignore[no-untyped-call]
        if abs(reread.info.length - lengths[number - 1]) > 0.05:
            problems.append(f"{path.name}: mutagen reads a different length")
    write_playlist(files)
    spread, total = np.ptp([m.lufs for m in found]), sum(p.stat().st_size for p in files)
    print(f"album {album:.2f} LUFS, spread {spread:.2f} LU, {sum(lengths) / 60:.1f} min, "
          f"{total / 1e6:.2f} MB, {time.perf_counter() - started:.0f} s")  # fmt: skip
    if spread > 1.0:
        problems.append(f"loudness differs by {spread:.2f} LU between tracks")
    if total > 7 * 1024 * 1024:
        problems.append(f"the files total {total / 1e6:.2f} MB")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
