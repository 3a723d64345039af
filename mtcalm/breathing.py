"""Paced breathing: a breath pattern, where in a breath a moment falls, and a clock for it.

Slow breathing at about six breaths a minute, with the out-breath longer than the in-breath,
is the pace most relaxation practice uses. Everything here is plain arithmetic on seconds, so
the pacer's look can be tested without a window and without waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

MIN_BREATHS_PER_MINUTE = 4.0
MAX_BREATHS_PER_MINUTE = 7.0
RATE_STEP = 0.5
DEFAULT_BREATHS_PER_MINUTE = 6.0
EXHALE_RATIOS = (1.0, 1.5, 2.0)  # out-breath length as a multiple of the in-breath's
DEFAULT_EXHALE_RATIO = 1.5

BreathPhase = Literal["in", "out"]


def nearest_rate(breaths_per_minute: float) -> float:
    """The offered rate (4 to 7 in steps of 0.5) nearest to ``breaths_per_minute``.

    A value that is not a finite number gives the default rate.
    """
    if not _is_finite_number(breaths_per_minute):
        return DEFAULT_BREATHS_PER_MINUTE
    clamped = min(MAX_BREATHS_PER_MINUTE, max(MIN_BREATHS_PER_MINUTE, breaths_per_minute))
    return round(clamped / RATE_STEP) * RATE_STEP


def nearest_ratio(exhale_ratio: float) -> float:
    """The offered in:out ratio nearest to ``exhale_ratio``; the default if it is no number."""
    if not _is_finite_number(exhale_ratio):
        return DEFAULT_EXHALE_RATIO
    return min(EXHALE_RATIOS, key=lambda offered: abs(offered - exhale_ratio))


def next_ratio(exhale_ratio: float) -> float:
    """The ratio after ``exhale_ratio`` in the offered list, wrapping round to the first."""
    index = EXHALE_RATIOS.index(nearest_ratio(exhale_ratio))
    return EXHALE_RATIOS[(index + 1) % len(EXHALE_RATIOS)]


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class BreathPattern:
    """How fast to breathe and how much longer the out-breath is; always an offered pattern.

    Values out of range are brought to the nearest offered one, so a damaged setting can never
    make the pacer race or stall.
    """

    breaths_per_minute: float = DEFAULT_BREATHS_PER_MINUTE
    exhale_ratio: float = DEFAULT_EXHALE_RATIO

    def __post_init__(self) -> None:
        object.__setattr__(self, "breaths_per_minute", nearest_rate(self.breaths_per_minute))
        object.__setattr__(self, "exhale_ratio", nearest_ratio(self.exhale_ratio))

    @property
    def cycle_seconds(self) -> float:
        return 60.0 / self.breaths_per_minute

    @property
    def inhale_seconds(self) -> float:
        return self.cycle_seconds / (1.0 + self.exhale_ratio)

    @property
    def exhale_seconds(self) -> float:
        return self.cycle_seconds - self.inhale_seconds


@dataclass(frozen=True)
class BreathMoment:
    """One moment of a breath: which half, how far through it, and how full the lungs are."""

    phase: BreathPhase
    progress: float  # 0 at the start of the phase, towards 1 at its end
    size: float  # 0 = breathed out, 1 = breathed in; eased, so it starts and ends gently
    seconds_left: float  # until the phase turns


def ease(progress: float) -> float:
    """A half cosine from 0 to 1: slow at both ends, like a breath turning."""
    progress = min(1.0, max(0.0, progress))
    return (1.0 - math.cos(math.pi * progress)) / 2.0


def breath_at(pattern: BreathPattern, seconds: float) -> BreathMoment:
    """Where a breath is ``seconds`` after an in-breath began (breaths repeat for ever)."""
    if not math.isfinite(seconds):
        seconds = 0.0
    into_cycle = seconds % pattern.cycle_seconds
    inhale = pattern.inhale_seconds
    if into_cycle < inhale:
        progress = min(1.0, into_cycle / inhale)
        return BreathMoment("in", progress, ease(progress), inhale - into_cycle)
    into_exhale = into_cycle - inhale
    exhale = pattern.exhale_seconds
    progress = min(1.0, into_exhale / exhale)
    return BreathMoment("out", progress, 1.0 - ease(progress), max(0.0, exhale - into_exhale))


def _offset_for(pattern: BreathPattern, phase: BreathPhase, progress: float) -> float:
    """Seconds after an in-breath began at which ``pattern`` is ``progress`` through ``phase``."""
    if phase == "in":
        return progress * pattern.inhale_seconds
    return pattern.inhale_seconds + progress * pattern.exhale_seconds


class BreathClock:
    """Breath time that can pause, and that changes pace without a jump.

    ``clock`` is a monotonic clock in seconds (``time.monotonic`` unless a test gives its own).
    """

    def __init__(
        self,
        pattern: BreathPattern | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pattern = pattern if pattern is not None else BreathPattern()
        self._clock = clock
        self._origin = clock()  # the clock's reading when the current breath time was 0
        self._paused_at: float | None = None

    @property
    def pattern(self) -> BreathPattern:
        return self._pattern

    def is_paused(self) -> bool:
        return self._paused_at is not None

    def _now(self) -> float:
        return self._paused_at if self._paused_at is not None else self._clock()

    def elapsed(self) -> float:
        """Breath seconds since the breathing began, not counting pauses."""
        return self._now() - self._origin

    def moment(self) -> BreathMoment:
        return breath_at(self._pattern, self.elapsed())

    def set_pattern(self, pattern: BreathPattern) -> None:
        """Change pace mid-breath: the same phase, equally far through it, so the same size."""
        now = self._now()
        current = breath_at(self._pattern, now - self._origin)
        self._pattern = pattern
        self._origin = now - _offset_for(pattern, current.phase, current.progress)

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self._clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._origin += self._clock() - self._paused_at
            self._paused_at = None

    def restart(self) -> None:
        """Begin a fresh in-breath now (paused or not, as before)."""
        now = self._clock()
        self._origin = now
        if self._paused_at is not None:
            self._paused_at = now
