"""Compose the bundled ambience loops (rain, sea, stream) entirely by code: no recordings.

Run from the repository root: .venv/bin/python tools/compose_ambience.py. Everything is made
circularly: noise is drawn as a spectrum over the loop's whole length, every filter is an FFT
over that length, envelopes and drops wrap round the end, so the sample after the last one
continues the first. Each loop is then turned to start at a quiet, steady moment, where the
app's own 1 s crossfade join (mtcalm/audio/voices.py LoopVoice) also falls. Fixed seeds (and a
fixed Ogg serial) make reruns byte-identical. The decoded files are measured (peak, BS.1770
loudness, short-term rises, also through LoopVoice's join, sudden peaks, energy above 6 kHz, the
step across the loop's join); a failed check exits non-zero.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile as sf
from music.loudness import gated_loudness, lufs  # the music generator's own, from tools/
from music.output import encode
from mutagen.oggvorbis import OggVorbis

from mtcalm.audio.loudness import k_weighting_power

Audio = npt.NDArray[np.float64]
Response = Callable[[Audio], Audio]

SR = 44100
REPO = Path(__file__).resolve().parent.parent
AMBIENCE_DIR = REPO / "assets" / "ambience"
TARGET_LUFS, RG_REFERENCE_LUFS, PEAK_LIMIT_DB = -30.0, -18.0, -1.0
VORBIS_COMPRESSION = 0.6  # libsndfile sets Vorbis quality to 1 - level: q4
MAX_TOTAL_BYTES = 6_000_000
MAX_RISE_DB_PER_S = 3.0  # short-term (3 s) loudness, over any second, round the join too
MAX_BURST_DB = 6.0  # no 50 ms stretch this much louder than the 3 s around it
GRAIN_CHUNK = 400  # drops or bubbles rendered at a time
ENGINE_JOIN_S = 1.0  # mtcalm/audio/voices.py LoopVoice overlays a file's last second on its first


# ---------------------------------------------------------------- circular signal tools
def freqs(n: int) -> Audio:
    """Frequencies in Hz of the bins of an rfft of length n."""
    return np.fft.rfftfreq(n, 1.0 / SR).astype(np.float64)


def circular_filter(x: Audio, response: Response) -> Audio:
    """Zero-phase filter over the whole loop: the steady state of the loop played forever."""
    n = x.shape[-1]
    return np.fft.irfft(np.fft.rfft(x) * response(freqs(n)), n)


def lowpass(f: Audio, corner: float, order: int = 2) -> Audio:
    """Butterworth-shaped low-pass magnitude."""
    return np.asarray(1.0 / np.sqrt(1.0 + (f / corner) ** (2 * order)))


def highpass(f: Audio, corner: float, order: int = 2) -> Audio:
    """Butterworth-shaped high-pass magnitude (zero at DC)."""
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 / np.sqrt(1.0 + (corner / f) ** (2 * order)))


def band(lo: float, hi: float, slope_db: float = 0.0, order: int = 2) -> Response:
    """Band-pass with a spectral tilt in dB per octave (−3 is pink) about 1 kHz."""

    def response(f: Audio) -> Audio:
        tilt = (np.maximum(f, 20.0) / 1000.0) ** (slope_db / 6.0206)
        return highpass(f, lo, order) * lowpass(f, hi, order) * tilt

    return response


def rms(x: Audio) -> float:
    """Root mean square over all samples."""
    return float(np.sqrt(np.mean(x**2)))


def noise(rng: np.random.Generator, n: int, response: Response, width: float = 0.7) -> Audio:
    """Stereo coloured noise of unit RMS, periodic over n; width 0 is mono, 1 fully independent.

    Drawn directly as a Gaussian spectrum, so it is circular by construction.
    """
    bins = n // 2 + 1
    a, b = rng.standard_normal((2, bins)) + 1j * rng.standard_normal((2, bins))
    rho = (1.0 - width) ** 2  # the channels' correlation
    own = np.sqrt((1.0 + np.sqrt(1.0 - rho**2)) / 2.0)
    other = rho / (2.0 * own)
    out = np.fft.irfft(np.stack([own * a + other * b, other * a + own * b]) * response(freqs(n)), n)
    return np.asarray(out / rms(out))


def slow(rng: np.random.Generator, n: int, max_hz: float) -> Audio:
    """A smooth random control signal, periodic over n, mean 0 and standard deviation 1."""
    f = freqs(n)
    spectrum = rng.standard_normal(len(f)) + 1j * rng.standard_normal(len(f))
    spectrum *= np.exp(-0.5 * (f / max_hz) ** 2)
    spectrum[0] = 0.0
    out = np.fft.irfft(spectrum, n)
    return out / np.std(out)


def density_of(rng: np.random.Generator, n: int, max_hz: float, depth: float) -> Audio:
    """A positive rate multiplier with mean 1: exp of a slow random signal."""
    d = np.exp(depth * slow(rng, n, max_hz))
    return np.asarray(d / np.mean(d))


def event_starts(rng: np.random.Generator, n: int, rate: float, density: Audio) -> Audio:
    """Poisson event times (samples) at rate per second, thinned by a density with mean 1."""
    peak = float(np.max(density))
    candidates = rng.integers(0, n, rng.poisson(rate * n / SR * peak))
    kept = candidates[rng.random(len(candidates)) < density[candidates] / peak]
    return np.sort(kept).astype(np.float64)


def pan_gains(pans: Audio) -> Audio:
    """Equal-power left and right gains (2, m), 1 each in the centre."""
    angle = (np.clip(pans, -1.0, 1.0) + 1.0) * np.pi / 4.0
    return np.asarray(np.sqrt(2.0) * np.stack([np.cos(angle), np.sin(angle)]))


def scatter(n: int, starts: Audio, pans: Audio, grains: Callable[[slice], Audio]) -> Audio:
    """Add short sounds (grains(chunk) -> (m, length)) at their starts; they wrap round n."""
    out, gains = np.zeros((2, n)), pan_gains(pans)
    for first in range(0, len(starts), GRAIN_CHUNK):
        chunk = slice(first, first + GRAIN_CHUNK)
        g = grains(chunk)
        index = ((starts[chunk, None].astype(np.int64) + np.arange(g.shape[1])) % n).ravel()
        for ch in range(2):
            weights = (g * gains[ch, chunk, None]).ravel()
            out[ch] += np.bincount(index, weights, minlength=n)
    return out


def taper(length: int, attack_s: float, release_fraction: float) -> Audio:
    """Raised-cosine attack and a raised-cosine release over the grain's last part."""
    env = np.ones(length)
    a, r = max(int(attack_s * SR), 1), max(int(release_fraction * length), 1)
    env[:a] = 0.5 - 0.5 * np.cos(np.pi * np.arange(a) / a)
    env[length - r :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(r) / r)
    return env


def drops(
    rng: np.random.Generator, n: int, rate: float, density: Audio, decay_ms: tuple[float, float]
) -> Audio:
    """Raindrop taps: short noise bursts, each with its own decay, level and place."""
    starts = event_starts(rng, n, rate, density)
    m = len(starts)
    tau = np.exp(rng.uniform(np.log(decay_ms[0]), np.log(decay_ms[1]), m)) / 1000.0
    level = np.clip(rng.lognormal(0.0, 0.4, m), 0.35, 1.8)  # no drop stands far out
    length = int(6 * decay_ms[1] / 1000.0 * SR)
    t, shape = np.arange(length) / SR, taper(length, 0.0004, 0.2)
    pans = rng.uniform(-0.9, 0.9, m)

    def grains(chunk: slice) -> Audio:
        env = np.exp(-t / tau[chunk, None]) * shape * level[chunk, None]
        return np.asarray(rng.standard_normal(env.shape) * env)  # chunks come in order

    out = scatter(n, starts, pans, grains)
    return out / rms(out)


def bubbles(
    rng: np.random.Generator,
    n: int,
    rate: float,
    density: Audio,
    pitch_hz: tuple[float, float],
    pans: tuple[float, float],
    damping: float,
    seconds: float,
) -> Audio:
    """Small bubbles ringing as they form: damped sines gliding upwards (van den Doel's model)."""
    starts = event_starts(rng, n, rate, density)
    m = len(starts)
    f0 = np.exp(rng.uniform(np.log(pitch_hz[0]), np.log(pitch_hz[1]), m))
    d = damping * (0.13 * f0 + 0.0072 * f0**1.5)  # decay rate per second grows with pitch
    rise = rng.uniform(0.05, 0.15, m)  # how far the pitch glides up as it decays
    # Energy falls gently with pitch (a quickly damped bubble is louder at its start).
    level = np.clip(rng.lognormal(0.0, 0.35, m), 0.45, 1.7) * np.sqrt(d / f0)
    phase0 = rng.uniform(-0.3, 0.3, m)
    length = int(seconds * SR)
    t, shape = np.arange(length) / SR, taper(length, 0.0015, 0.3)

    def grains(chunk: slice) -> Audio:
        dc, fc = d[chunk, None], f0[chunk, None]
        phase = 2.0 * np.pi * fc * (t + 0.5 * rise[chunk, None] * dc * t**2) + phase0[chunk, None]
        return np.asarray(np.sin(phase) * np.exp(-dc * t) * shape * level[chunk, None])

    where = np.clip(rng.normal(pans[0], pans[1], m), -0.9, 0.9)
    out = scatter(n, starts, where, grains)
    return out / rms(out)


def wave_envelope(
    n: int, crests: Audio, sizes: Audio, pans: Audio, delay_s: float, rise_s: float, fall_s: float
) -> Audio:
    """Stereo swell envelope: each wave rises smoothly to its crest, then ebbs away slowly.

    (1 + x) e^-x after the crest leaves no corner at the top; the distance to each crest is
    taken round the loop, and the ebb is tapered to nothing well before half the loop.
    """
    t = np.arange(0, n, 32, dtype=np.float64)  # worked out every 32 samples, then interpolated
    coarse, gains, reach = np.zeros((2, len(t))), pan_gains(pans), 0.4 * n / SR
    for crest, size, gl, gr in zip(crests, sizes, gains[0], gains[1], strict=True):
        d = ((t - crest - delay_s * SR + n / 2) % n - n / 2) / SR  # seconds from the crest
        u = np.clip((d + rise_s) / rise_s, 0.0, 1.0)
        x = np.maximum(d, 0.0) / fall_s
        ebb = (1.0 + x) * np.exp(-x) * np.clip((reach - d) / (0.3 * reach), 0.0, 1.0)
        shape = np.where(d < 0.0, u * u * (3.0 - 2.0 * u), ebb) * size
        coarse[0] += gl * shape
        coarse[1] += gr * shape
    every = np.arange(n, dtype=np.float64)
    return np.stack([np.interp(every, t, c, period=n) for c in coarse])


# ---------------------------------------------------------------- the three loops
def rain(n: int, rng: np.random.Generator) -> Audio:
    """Steady soft rain: a hiss of countless far drops, nearer taps, a few drips into puddles."""
    intensity = 1.0 + 0.12 * slow(rng, n, 0.05)  # drifts a little over tens of seconds
    hiss = noise(rng, n, band(300.0, 5000.0, -1.5), width=0.85) * intensity
    patter = circular_filter(drops(rng, n, 900.0, intensity, (0.5, 1.6)), band(700.0, 4200.0))
    near = circular_filter(
        drops(rng, n, 60.0, density_of(rng, n, 0.3, 0.5), (1.2, 3.5)), band(900.0, 5500.0, -2.0)
    )
    drips = bubbles(
        rng, n, 2.0, density_of(rng, n, 0.1, 0.6), (1300.0, 2600.0), (0.0, 0.5), 0.35, 0.08
    )
    body = noise(rng, n, band(40.0, 320.0, -4.0), width=0.6)
    mix = (
        1.0 * hiss
        + 0.8 * patter / rms(patter)
        + 0.45 * near / rms(near)
        + 0.08 * drips
        + 0.4 * body
    )
    return circular_filter(mix, band(60.0, 7000.0))


def sea(n: int, rng: np.random.Generator) -> Audio:
    """Slow waves: each swells for a few seconds, breaks, and ebbs as fizzing foam."""
    count = 8
    spacing = n / count
    crests = (np.arange(count) + rng.uniform(-0.12, 0.12, count)) * spacing
    crests += rng.uniform(0.0, spacing)
    sizes = rng.uniform(0.7, 1.0, count)
    pans = np.clip(0.25 * np.resize([-1.0, 1.0], count) + rng.normal(0.0, 0.12, count), -0.5, 0.5)

    def env(delay_s: float, rise_s: float, fall_s: float) -> Audio:
        return wave_envelope(n, crests, sizes, pans, delay_s, rise_s, fall_s)

    surge = noise(rng, n, band(45.0, 450.0, -3.0), width=0.6) * env(0.0, 4.6, 2.6)
    wash = noise(rng, n, band(250.0, 2200.0, -2.0), width=0.7) * env(0.5, 3.8, 3.0)
    fizz_texture = 0.55 + 0.45 * np.tanh(slow(rng, n, 25.0))  # crackle of bursting foam
    foam = noise(rng, n, band(1300.0, 4800.0, -1.0), width=0.9) * env(1.1, 2.4, 3.4) ** 1.3
    foam *= fizz_texture
    bed_low = noise(rng, n, band(30.0, 280.0, -4.0), width=0.5) * (1.0 + 0.1 * slow(rng, n, 0.03))
    bed_mid = noise(rng, n, band(200.0, 1400.0, -3.0), width=0.8)
    mix = 1.0 * surge + 0.85 * wash + 0.3 * foam + 0.55 * bed_low + 0.12 * bed_mid
    return circular_filter(mix, band(35.0, 5000.0))


def stream(n: int, rng: np.random.Generator) -> Audio:
    """A babbling stream: water rushing, and bubbles at three places across the stream."""
    gurgle = 1.0 + 0.25 * slow(rng, n, 3.0)
    rush = noise(rng, n, band(150.0, 2600.0, -2.0), width=0.8) * gurgle
    spots = ((-0.55, 80.0, (280.0, 800.0)), (0.05, 110.0, (420.0, 1250.0)),
             (0.6, 70.0, (750.0, 1900.0)))  # fmt: skip
    babble = np.zeros((2, n))
    for centre, rate, pitch in spots:
        density = density_of(rng, n, 0.5, 0.5)  # water comes in little runs of bubbles
        babble += bubbles(rng, n, rate, density, pitch, (centre, 0.15), 0.5, 0.09)
    glugs = bubbles(rng, n, 2.5, density_of(rng, n, 0.2, 0.5), (140.0, 300.0), (0.0, 0.4), 0.3, 0.2)
    mix = 0.75 * rush + 1.0 * babble / rms(babble) + 0.3 * glugs
    return circular_filter(mix, band(90.0, 4800.0))


@dataclass(frozen=True)
class Loop:
    """One ambience loop."""

    slug: str
    title: str
    seconds: int
    seed: int
    hf_limit: float  # largest share of the energy above 6 kHz
    note: str
    compose: Callable[[int, np.random.Generator], Audio]


LOOPS = (
    Loop("rain", "Rain", 60, 101, 0.06, "steady soft rain", rain),
    Loop("sea", "Sea", 80, 202, 0.01, "slow waves on a shore, about ten seconds apart", sea),
    Loop("stream", "Stream", 64, 303, 0.01, "a babbling stream", stream),
)


# ---------------------------------------------------------------- measuring (round the loop)
def window_powers(weighted: Audio, window_s: float, hop_s: float = 0.1) -> Audio:
    """Channel-summed mean square in windows every hop_s, wrapping round the loop's end."""
    power = np.sum(weighted**2, axis=0)
    win, hop = int(window_s * SR), int(hop_s * SR)
    cum = np.concatenate([[0.0], np.cumsum(np.concatenate([power, power[:win]]))])
    starts = np.arange(0, len(power), hop)
    return np.asarray((cum[starts + win] - cum[starts]) / win, dtype=np.float64)


@dataclass
class Measurement:
    """Figures for one stereo loop (channels first)."""

    lufs: float
    peak_db: float
    blocks: Audio  # 400 ms blocks, for album gating
    short_term: Audio  # 3 s windows every 0.1 s, round the loop
    max_rise: float  # dB over one second of short-term loudness
    engine_rise: float  # the same across the join as LoopVoice plays it (a 1 s crossfade)
    max_burst: float  # dB of the loudest 50 ms over the 3 s around it
    hf_share: float
    dc: float
    join_step: float  # largest step across the join (last sample to first), either channel
    typical_step: float  # median sample-to-sample step inside the file
    p999_step: float  # 99.9th percentile of the steps inside the file (the lower channel)


def engine_join(weighted: Audio, around_s: float = 5.0) -> Audio:
    """The loop's join as LoopVoice plays it: its last second crossfaded (equal power) into
    its first, then on from a second in; with around_s either side."""
    n, join, around = weighted.shape[1], int(ENGINE_JOIN_S * SR), int(around_s * SR)
    share = np.arange(join) / join * np.pi / 2.0
    overlap = weighted[:, n - join :] * np.cos(share) + weighted[:, :join] * np.sin(share)
    before, after = weighted[:, n - join - around : n - join], weighted[:, join : join + around]
    return np.concatenate([before, overlap, after], axis=1)


def max_rise(short_term: Audio, circular: bool) -> float:
    """Largest rise in dB of short-term loudness (windows every 0.1 s) over one second."""
    if circular:
        return float(np.max(np.roll(short_term, -10) - short_term))
    return float(np.max(short_term[10:] - short_term[:-10]))


def k_weighted(x: Audio) -> Audio:
    """The BS.1770 pre-filter (mtcalm's own), applied round the loop."""
    return circular_filter(x, lambda f: np.sqrt(k_weighting_power(f, SR)))


def steadiest_start(x: Audio) -> int:
    """Where to start the loop: a quiet moment where the loudness hardly changes, so that both
    joins (the file's own, and LoopVoice's 1 s crossfade, which passes over two seconds in one)
    fall where nothing is happening."""
    short_term = lufs(window_powers(k_weighted(x), 3.0))  # window i is centred at 0.1 i + 1.5 s
    change = np.abs(np.roll(short_term, -10) - np.roll(short_term, 10))  # 2 s around 0.1 i + 1.5
    cost = change + 0.5 * (short_term - np.min(short_term))
    return int(((int(np.argmin(cost)) + 15) % len(short_term)) * 0.1 * SR)


def measure(x: Audio) -> Measurement:
    """Peak, loudness, rises and bursts, highs, DC, and the steps across and inside the loop."""
    n = x.shape[1]
    power, weighted = np.abs(np.fft.rfft(x)) ** 2, k_weighted(x)
    blocks = window_powers(weighted, 0.4)
    short_term = lufs(window_powers(weighted, 3.0))
    joined = lufs(window_powers(engine_join(weighted), 3.0)[:-30])  # not wrapping round
    bursts = lufs(window_powers(weighted, 0.05, 0.05))
    centred = (np.arange(len(bursts)) // 2 - 15) % len(short_term)  # the 3 s around each burst
    steps = np.abs(np.diff(x, axis=1))
    return Measurement(
        lufs=gated_loudness(blocks),
        peak_db=float(20.0 * np.log10(np.max(np.abs(x)))),
        blocks=blocks,
        short_term=short_term,
        max_rise=max_rise(short_term, circular=True),
        engine_rise=max_rise(joined, circular=False),
        max_burst=float(np.max(bursts - short_term[centred])),
        hf_share=float(np.sum(power[:, freqs(n) > 6000.0]) / np.sum(power)),
        dc=float(np.max(np.abs(np.mean(x, axis=1)))),
        join_step=float(np.max(np.abs(x[:, 0] - x[:, -1]))),
        typical_step=float(np.median(steps)),
        p999_step=float(np.min(np.percentile(steps, 99.9, axis=1))),
    )


# ---------------------------------------------------------------- encoding and tagging
def tag(path: Path, number: int, loop: Loop, m: Measurement, album: tuple[float, float]) -> None:
    """Vorbis comments, with ReplayGain 2.0 values against a -18 LUFS reference."""
    audio: Any = OggVorbis(path)  # type: ignore[no-untyped-call]
    audio.tags.clear()
    audio.tags.update({
        "TITLE": loop.title, "ARTIST": "mtcalm", "ALBUM": "mtcalm ambience", "GENRE": "Ambient",
        "DATE": "2026", "TRACKNUMBER": str(number),
        "COMMENT": f"Made by code (tools/compose_ambience.py): {loop.note}; a seamless "
                   f"{loop.seconds} s loop.",
        "REPLAYGAIN_TRACK_GAIN": f"{RG_REFERENCE_LUFS - m.lufs:+.2f} dB",
        "REPLAYGAIN_TRACK_PEAK": f"{10.0 ** (m.peak_db / 20.0):.6f}",
        "REPLAYGAIN_ALBUM_GAIN": f"{RG_REFERENCE_LUFS - album[0]:+.2f} dB",
        "REPLAYGAIN_ALBUM_PEAK": f"{album[1]:.6f}",
        "REPLAYGAIN_REFERENCE_LOUDNESS": f"{RG_REFERENCE_LUFS:.2f} LUFS",
    })  # fmt: skip
    audio.save()


# ---------------------------------------------------------------- main
def render(loop: Loop) -> Audio:
    """Compose one loop and bring it to the target loudness."""
    n = loop.seconds * SR
    mix = loop.compose(n, np.random.default_rng(loop.seed))
    mix = np.roll(mix, -steadiest_start(mix), axis=1)  # still seamless: it is a loop
    return np.asarray(mix * 10.0 ** ((TARGET_LUFS - measure(mix).lufs) / 20.0), dtype=np.float64)


def checks(loop: Loop, m: Measurement, made: Measurement, frames: int) -> dict[str, bool]:
    """Each check's description, and whether it failed (m: decoded, made: before encoding)."""
    length = frames / SR
    return {
        f"peak above {PEAK_LIMIT_DB:g} dBFS": max(m.peak_db, made.peak_db) > PEAK_LIMIT_DB,
        f"loudness {m.lufs:.2f} LUFS is off target": abs(m.lufs - TARGET_LUFS) > 0.5,
        f"short-term loudness rises {m.max_rise:.2f} dB/s": m.max_rise > MAX_RISE_DB_PER_S,
        f"across LoopVoice's join it rises {m.engine_rise:.2f} dB/s": (
            m.engine_rise > MAX_RISE_DB_PER_S
        ),
        f"a sudden burst {m.max_burst:.2f} dB above its surroundings": m.max_burst > MAX_BURST_DB,
        f"{100 * m.hf_share:.2f}% of the energy above 6 kHz": m.hf_share > loop.hf_limit,
        "DC offset": m.dc > 1e-3,
        f"the join steps {m.join_step:.5f}, more than the 99.9th percentile {m.p999_step:.5f}": (
            m.join_step > m.p999_step
        ),
        f"as made, the join steps {made.join_step:.5f} (99.9th percentile {made.p999_step:.5f})": (
            made.join_step > made.p999_step
        ),
        f"decoded {frames} frames, not {loop.seconds * SR}": frames != loop.seconds * SR,
        f"{length:.1f} s is not 45 to 90 s": not 45.0 <= length <= 90.0,
    }


def main() -> int:
    """Compose, encode, decode, measure, check and tag the loops."""
    started, problems = time.perf_counter(), list[str]()
    files, found = list[Path](), list[Measurement]()
    AMBIENCE_DIR.mkdir(parents=True, exist_ok=True)
    for number, loop in enumerate(LOOPS, start=1):
        t0, path = time.perf_counter(), AMBIENCE_DIR / f"{loop.slug}.ogg"
        mix = render(loop)
        encode(path, mix, serial=0x6D740100 + number, compression=VORBIS_COMPRESSION)
        decoded, rate = sf.read(path, dtype="float64", always_2d=True)
        decoded = np.asarray(decoded.T)
        m, made = measure(decoded), measure(mix)
        files.append(path)
        found.append(m)
        print(f"{path.name}: {decoded.shape[1] / rate:.2f} s, {path.stat().st_size / 1e6:.2f} MB; "
              f"{m.lufs:.2f} LUFS; peak {made.peak_db:.2f} dBFS (decoded {m.peak_db:.2f}); max "
              f"rise {m.max_rise:.2f} dB/s (through LoopVoice's join {m.engine_rise:.2f}); max "
              f"burst {m.max_burst:.2f} dB; >6 kHz {100 * m.hf_share:.2f}%; DC {m.dc:.1e}; "
              f"{time.perf_counter() - t0:.1f} s")  # fmt: skip
        print(f"  join step {m.join_step:.5f} (as made {made.join_step:.5f}); steps inside: "
              f"median {m.typical_step:.5f}, 99.9th percentile {m.p999_step:.5f}")  # fmt: skip
        every_5s = m.short_term[::50]  # windows starting at 0 s, 5 s, ...
        print("  short-term LUFS every 5 s:", " ".join(f"{v:.1f}" for v in every_5s))
        failed = checks(loop, m, made, decoded.shape[1])
        problems += [f"{path.name}: {what}" for what, bad in failed.items() if bad]
        if rate != SR or decoded.shape[0] != 2:
            problems.append(f"{path.name}: {rate} Hz, {decoded.shape[0]} channels")
    album = gated_loudness(np.concatenate([m.blocks for m in found]))
    album_peak = max(10.0 ** (m.peak_db / 20.0) for m in found)
    for number, (loop, path, m) in enumerate(zip(LOOPS, files, found, strict=True), start=1):
        tag(path, number, loop, m, (album, album_peak))
        reread: Any = OggVorbis(path)  # type: ignore[no-untyped-call]
        if abs(reread.info.length - loop.seconds) > 0.01:
            problems.append(f"{path.name}: mutagen reads a different length")
    spread, total = np.ptp([m.lufs for m in found]), sum(p.stat().st_size for p in files)
    print(f"album {album:.2f} LUFS, spread {spread:.2f} LU, {total / 1e6:.2f} MB, "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    if spread > 1.0:
        problems.append(f"loudness differs by {spread:.2f} LU between loops")
    if total > MAX_TOTAL_BYTES:
        problems.append(f"the files total {total / 1e6:.2f} MB")
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
