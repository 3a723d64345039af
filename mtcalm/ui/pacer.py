"""The breathing pacer's shape: a soft circle that grows as you breathe in and shrinks as you
breathe out, with a quiet word inside it.

With reduced motion the circle keeps its size; only the word, a slow change of tone and a small
count of seconds show the breath.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QFont,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRadialGradient,
    QShowEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from mtcalm.breathing import BreathClock, BreathMoment, BreathPattern, BreathPhase
from mtcalm.ui import theme
from mtcalm.ui.text import tr

FRAME_MS = 33  # about 30 frames a second while the shape moves
REDUCED_MOTION_FRAME_MS = 100  # the tone and the word change slowly: 10 frames a second do
SMALLEST = 0.45  # the breathed-out radius, as a share of the largest
REDUCED_MOTION_SIZE = 0.55  # the one size shown with reduced motion
WORD_FADE_SECONDS = 1.2  # one word fades out and the next in over this long, at a turn
EDGE = 8.0  # pixels kept clear around the largest circle

# Tones mixed from the theme's accent: low contrast against the page, never a hard edge.
FILL_FAINT = 0.16  # share of the accent in the fill when breathed out
FILL_DEEP = 0.42  # ...and when breathed in (the whole range is used only with reduced motion)
MOVING_FILL_RANGE = 0.1  # with motion the size says it all: the tone changes only a little


def mix(light: str, deep: str, share: float) -> QColor:
    """``share`` of the way from ``light`` to ``deep``."""
    a, b = QColor(light), QColor(deep)
    share = min(1.0, max(0.0, share))
    return QColor(
        round(a.red() + (b.red() - a.red()) * share),
        round(a.green() + (b.green() - a.green()) * share),
        round(a.blue() + (b.blue() - a.blue()) * share),
    )


def word_opacity(moment: BreathMoment, pattern: BreathPattern) -> float:
    """How visible the phase's word is (0..1): at a turn one word fades out, then the next in.

    The two words are never drawn over each other: overlapping, they would blur into a smudge.
    """
    half = WORD_FADE_SECONDS / 2
    phase_length = pattern.inhale_seconds if moment.phase == "in" else pattern.exhale_seconds
    nearest_turn = min(moment.progress * phase_length, moment.seconds_left)
    share = min(1.0, max(0.0, nearest_turn / half))
    return share * share * (3 - 2 * share)  # smoothstep: the fade starts and ends softly


class PacerWidget(QWidget):
    """The painted shape. It animates only while shown and running: no timer otherwise."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.breath = BreathClock(BreathPattern(), clock)
        self._reduced_motion = False
        self._shown_phase: BreathPhase | None = None
        self._frames = QTimer(self)
        self._frames.setInterval(FRAME_MS)
        self._frames.timeout.connect(self._next_frame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setAccessibleName(tr("Breathing guide"))
        self._announce_phase()

    # -- what the page tells it -----------------------------------------------------------------

    def pattern(self) -> BreathPattern:
        return self.breath.pattern

    def set_pattern(self, pattern: BreathPattern) -> None:
        """A new pace, taken up mid-breath without a jump."""
        if pattern != self.breath.pattern:
            self.breath.set_pattern(pattern)
            self.update()

    def reduced_motion(self) -> bool:
        return self._reduced_motion

    def set_reduced_motion(self, reduced: bool) -> None:
        self._reduced_motion = reduced
        self._frames.setInterval(REDUCED_MOTION_FRAME_MS if reduced else FRAME_MS)
        self.update()

    def is_paused(self) -> bool:
        return self.breath.is_paused()

    def pause(self) -> None:
        self.breath.pause()
        self._sync_frames()
        self.update()

    def resume(self) -> None:
        self.breath.resume()
        self._sync_frames()

    def restart(self) -> None:
        """Begin again from the start of an in-breath."""
        self.breath.restart()
        self._next_frame()

    def is_animating(self) -> bool:
        """Whether the frame timer runs (only while shown and not paused)."""
        return self._frames.isActive()

    # -- what it shows --------------------------------------------------------------------------

    def moment(self) -> BreathMoment:
        return self.breath.moment()

    def largest_radius(self) -> float:
        return max(0.0, min(self.width(), self.height()) / 2 - EDGE)

    def shape_radius(self, moment: BreathMoment | None = None) -> float:
        """The radius the circle is painted with (now, or at ``moment``), in pixels."""
        size = REDUCED_MOTION_SIZE if self._reduced_motion else (moment or self.moment()).size
        return self.largest_radius() * (SMALLEST + (1 - SMALLEST) * size)

    def fill_colour(self, moment: BreathMoment | None = None) -> QColor:
        """The circle's tone: with reduced motion it carries the breath on its own."""
        size = (moment or self.moment()).size
        if self._reduced_motion:
            share = FILL_FAINT + (FILL_DEEP - FILL_FAINT) * size
        else:
            share = FILL_FAINT + MOVING_FILL_RANGE * size
        return mix(theme.SOFT_ACCENT, theme.ACCENT, share)

    def phase_word(self, phase: BreathPhase) -> str:
        return tr("Breathe in") if phase == "in" else tr("Breathe out")

    # -- Qt -------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._sync_frames(shown=True)

    def hideEvent(self, event: QHideEvent) -> None:
        # Also sent when the window is minimised, while isVisible() still says True.
        super().hideEvent(event)
        self._sync_frames(shown=False)

    def paintEvent(self, event: QPaintEvent) -> None:
        largest = self.largest_radius()
        if largest <= 0:
            return
        moment = self.moment()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        centre = QPointF(self.width() / 2, self.height() / 2)
        if not self._reduced_motion:  # a faint ring where the in-breath will reach
            ring = QColor(theme.BORDER)
            ring.setAlpha(110)
            painter.setPen(QPen(ring, 1.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(centre, largest - 1, largest - 1)
        self._paint_circle(painter, centre, self.shape_radius(moment), self.fill_colour(moment))
        self._paint_words(painter, centre, largest, moment)

    def _paint_circle(
        self, painter: QPainter, centre: QPointF, radius: float, fill: QColor
    ) -> None:
        gradient = QRadialGradient(centre, radius)
        gradient.setColorAt(0.0, fill.lighter(103))
        gradient.setColorAt(0.78, fill)
        edge = QColor(fill)
        edge.setAlpha(140)
        gradient.setColorAt(0.92, edge)
        edge.setAlpha(0)
        gradient.setColorAt(1.0, edge)  # fades into the page: no hard edge
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(gradient)
        painter.drawEllipse(centre, radius, radius)

    def _paint_words(
        self, painter: QPainter, centre: QPointF, largest: float, moment: BreathMoment
    ) -> None:
        font = QFont(self.font())
        font.setPixelSize(max(14, min(30, round(largest * 0.13))))
        font.setWeight(QFont.Weight.Light)
        painter.setFont(font)
        height = painter.fontMetrics().height()
        box = QRectF(centre.x() - largest, centre.y() - height / 2, largest * 2, height)
        opacity = 1.0 if self.breath.is_paused() else word_opacity(moment, self.breath.pattern)
        if opacity > 0.01:
            colour = QColor(theme.TEXT)
            colour.setAlphaF(0.85 * opacity)
            painter.setPen(colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, self.phase_word(moment.phase))
        if self._reduced_motion:  # a small count of the seconds left in this half of the breath
            small = QFont(font)
            small.setPixelSize(max(12, round(font.pixelSize() * 0.6)))
            painter.setFont(small)
            colour = QColor(theme.MUTED)
            colour.setAlphaF(0.8)
            painter.setPen(colour)
            below = QRectF(box.x(), box.bottom() + 4, box.width(), height)
            painter.drawText(below, Qt.AlignmentFlag.AlignHCenter, self.seconds_text(moment))

    def seconds_text(self, moment: BreathMoment | None = None) -> str:
        """The whole seconds left in this half of the breath, counted down ("3")."""
        left = (moment or self.moment()).seconds_left
        return str(max(1, math.ceil(left - 1e-6)))

    # -- the frames -----------------------------------------------------------------------------

    def _sync_frames(self, shown: bool | None = None) -> None:
        visible = self.isVisible() if shown is None else shown
        running = visible and not self.breath.is_paused()
        if running and not self._frames.isActive():
            self._frames.start()
        elif not running and self._frames.isActive():
            self._frames.stop()

    def _next_frame(self) -> None:
        self._announce_phase()
        self.update()

    def _announce_phase(self) -> None:
        """Tell assistive technology the phase when it turns (not on every frame)."""
        phase = self.moment().phase
        if phase != self._shown_phase:
            self._shown_phase = phase
            self.setAccessibleDescription(self.phase_word(phase))
