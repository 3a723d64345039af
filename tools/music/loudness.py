"""Loudness after ITU-R BS.1770-4, measured on whole pieces: integrated, short-term, peak."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .synth import SR, Audio, Spectrum, freqs


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
    centroid_hz: float  # spectral centroid: how bright it sounds

    def max_rise_db_per_s(self, fade_in_s: float) -> float:
        """Largest 1-second rise of short-term loudness in windows ending after the fade-in."""
        first = round((fade_in_s - 3.0) / 0.1)
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
        float(np.max(np.abs(np.mean(x, axis=1)))), float(np.sum(power * f) / np.sum(power)),
    )  # fmt: skip
