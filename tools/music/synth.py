"""Instruments, envelopes, filters and reverb: additive synthesis in numpy, nothing sampled."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

Audio = npt.NDArray[np.float64]
Spectrum = npt.NDArray[np.complex128]

SR = 44100
PAD_ATTACK_S, PAD_RELEASE_S = 2.5, 3.5
STRING_ATTACK_S, STRING_RELEASE_S = 3.5, 4.5
HIGHEST_PARTIAL_HZ = 5000.0  # nothing harsh: no partial above this


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
        if f < HIGHEST_PARTIAL_HZ:
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


def string_note(f0: float, dur_s: float, cutoff: float, rng: np.random.Generator) -> Audio:
    """Soft string-section pad: four detuned bowed voices with slow vibrato and bow swells."""
    n, size = int((dur_s + STRING_RELEASE_S) * SR), 1 << 16
    h = np.arange(1, 11)
    amps = np.where(h * f0 < HIGHEST_PARTIAL_HZ, h**-1.3 / (1.0 + (h * f0 / cutoff) ** 2), 0.0)
    t, cycle, voices = np.arange(n) / SR, np.arange(size) / size, []
    for cents in (-9.0, -3.0, 3.0, 8.0):
        table = amps @ np.sin(2 * np.pi * np.outer(h, cycle) + rng.uniform(0, 2 * np.pi, (10, 1)))
        vibrato = 0.0022 * np.sin(2 * np.pi * rng.uniform(4.4, 5.4) * t + rng.uniform(0, 6.3))
        step = f0 * 2.0 ** (cents / 1200.0) * size / SR * (1.0 + vibrato)
        voices.append(table[np.cumsum(step).astype(np.int64) & (size - 1)])
    bow = 1.0 + 0.15 * np.sin(2 * np.pi * rng.uniform(0.05, 0.11) * t + rng.uniform(0, 6.3))
    env = envelope(n, STRING_ATTACK_S, STRING_RELEASE_S) * bow
    left = voices[0] + 0.7 * voices[1] + 0.4 * voices[2]
    right = voices[3] + 0.7 * voices[2] + 0.4 * voices[1]
    return np.stack([left, right]) * env


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


def flute_note(f0: float, dur_s: float, vel: float, rng: np.random.Generator) -> Audio:
    """Breathy flute-like tone: a near-sine with vibrato that grows in, over soft breath noise."""
    n = int((dur_s + 0.7) * SR)
    t = np.arange(n) / SR
    depth = 0.0045 * np.minimum(t / 1.5, 1.0) ** 2  # about 8 cents once it has grown in
    vibrato = 1.0 + depth * np.sin(2 * np.pi * rng.uniform(4.6, 5.3) * t + rng.uniform(0, 6.3))
    phase = 2.0 * np.pi * f0 * np.cumsum(vibrato) / SR
    tone = np.sin(phase) + 0.16 * vel * np.sin(2.0 * phase)
    if 3.0 * f0 < HIGHEST_PARTIAL_HZ:
        tone += 0.04 * vel * np.sin(3.0 * phase)

    def breath_band(f: Audio, _: int) -> Audio:  # noise around the note, nothing high
        with np.errstate(divide="ignore"):
            octaves = np.log2(np.maximum(f, 1.0) / (1.5 * f0))
        return np.exp(-0.5 * (octaves / 0.7) ** 2) / (1.0 + (f / 3000.0) ** 4)

    noise = fft_filter(rng.standard_normal(n), breath_band, 0)
    noise *= 0.05 / max(float(np.std(noise)), 1e-12) * (1.0 + 1.5 * np.exp(-t / 0.25))
    return (tone + noise) * envelope(n, 0.16, 0.7) * vel


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


def swells(n: int, period_s: float, depth_db: float, rise_share: float = 0.4) -> Audio:
    """Breathing gain: a smooth rise over rise_share of each period, a long fall over the rest."""
    u = (np.arange(n) / SR / period_s) % 1.0
    rise = 0.5 - 0.5 * np.cos(np.pi * u / rise_share)
    fall = 0.5 + 0.5 * np.cos(np.pi * (u - rise_share) / (1.0 - rise_share))
    floor = 10.0 ** (-depth_db / 20.0)
    return np.asarray(floor + (1.0 - floor) * np.where(u < rise_share, rise, fall))


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


def master_eq(f: Audio, air_hz: float = 4500.0) -> Audio:
    """Zero-phase Butterworth-shaped band: 2nd-order high-pass 35 Hz, low-pass at air_hz."""
    with np.errstate(divide="ignore"):
        hp = 1.0 / np.sqrt(1.0 + (35.0 / f) ** 4)
    return hp / np.sqrt(1.0 + (f / air_hz) ** 4)


def reverb_ir(rt60: float, rng: np.random.Generator) -> Audio:
    """Decorrelated stereo impulse response: decaying noise whose highs die away faster."""
    n = int(1.2 * rt60 * SR)
    t, noise = np.arange(n) / SR, rng.standard_normal((2, n))
    low = fft_filter(noise, lambda f, _: 1.0 / np.sqrt(1.0 + (f / 1500.0) ** 4), 0)
    ir = low * np.exp(-6.91 * t / rt60) + 0.4 * (noise - low) * np.exp(-17.3 * t / rt60)
    ir = np.concatenate([np.zeros((2, int(0.025 * SR))), ir * envelope(n, 0.01, 0.3)], axis=1)
    return np.asarray(ir / np.sqrt(np.sum(ir**2, axis=1, keepdims=True)), dtype=np.float64)


def reverb_and_eq(dry: Audio, ir: Audio, wet: float, air_hz: float = 4500.0) -> Audio:
    """Dry plus FFT-convolved reverb, then the master EQ, in a single pass."""
    return fft_filter(
        dry,
        lambda f, nfft: master_eq(f, air_hz) * (1.0 + wet * np.fft.rfft(ir, nfft)),
        ir.shape[1],
    )
