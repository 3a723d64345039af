"""A soft circle to draw in after a session, and the same drawing rendered for viewing.

The canvas is a thin view over :class:`mtcalm.drawing.Drawing`: it turns pointer (or keyboard)
movement into strokes in the unit square, keeps an undo history, and paints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from mtcalm.drawing import (
    DEFAULT_COLOUR,
    DEFAULT_WIDTH,
    MAX_POINTS_PER_STROKE,
    PALETTE,
    Drawing,
    Point,
    Stroke,
)
from mtcalm.ui import theme

CIRCLE_FILL = "#FFFDF9"
# While drawing, points closer than this to the last one are not kept (saving simplifies more).
LIVE_MIN_STEP = 0.001
KEY_STEP = 0.02
FINE_KEY_STEP = 0.005
# Inside the circle's edge by this much, so a line along the edge is not cut in half.
EDGE_INSET = 0.004


def circle_rect(width: float, height: float, margin: float) -> QRectF:
    """The square the drawing circle is inscribed in, centred in ``width`` × ``height``."""
    side = max(1.0, min(width, height) - 2 * margin)
    return QRectF((width - side) / 2, (height - side) / 2, side, side)


def paint_drawing(
    painter: QPainter, square: QRectF, drawing: Drawing, extra: Stroke | None = None
) -> None:
    """Paint the circle in ``square`` and the strokes of ``drawing`` (plus ``extra``) inside it."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(theme.BORDER), 1.5))
    painter.setBrush(QColor(CIRCLE_FILL))
    painter.drawEllipse(square)
    painter.save()
    clip = QPainterPath()
    clip.addEllipse(square)
    painter.setClipPath(clip)
    strokes = (*drawing.strokes, extra) if extra is not None else drawing.strokes
    for stroke in strokes:
        paint_stroke(painter, square, stroke)
    painter.restore()


def paint_stroke(painter: QPainter, square: QRectF, stroke: Stroke) -> None:
    paint_line(painter, square, stroke.colour, stroke.width, stroke.points)


def paint_line(
    painter: QPainter, square: QRectF, colour: str, width: float, points: Sequence[Point]
) -> None:
    """One line, its width a fraction of ``square``'s side, with round caps and joins."""
    pen = QPen(QColor(PALETTE[colour]), max(1.0, width * square.width()))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    placed = [
        QPointF(square.left() + x * square.width(), square.top() + y * square.height())
        for x, y in points
    ]
    if len(placed) == 1:
        painter.drawPoint(placed[0])
    else:
        painter.drawPolyline(QPolygonF(placed))


def render_drawing(drawing: Drawing, size: int) -> QImage:
    """``drawing`` as a square image ``size`` pixels wide (transparent around the circle)."""
    size = max(1, int(size))
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        paint_drawing(painter, QRectF(1, 1, size - 2, size - 2), drawing)
    finally:
        painter.end()
    return image


def _inside_circle(point: Point) -> Point:
    """``point`` moved onto the circle if it lies outside it."""
    x, y = point[0] - 0.5, point[1] - 0.5
    distance = math.hypot(x, y)
    limit = 0.5 - EDGE_INSET
    if distance > limit:
        x, y = x * limit / distance, y * limit / distance
    return (min(1.0, max(0.0, 0.5 + x)), min(1.0, max(0.0, 0.5 + y)))


class DrawingCanvas(QWidget):
    """Draw with the mouse, a pen or the keyboard inside a circle.

    Keyboard: arrows move the pen (Shift for small steps), Space puts it down or lifts it.
    ``changed`` is emitted after every finished stroke, undo, clear or new drawing; ``full``
    when the drawing has reached its size limits and takes no more.
    """

    changed = Signal()
    full = Signal()

    MARGIN = 6.0

    def __init__(self, parent: QWidget | None = None, *, read_only: bool = False) -> None:
        super().__init__(parent)
        self._drawing = Drawing()
        self._history: list[Drawing | None] = []  # None: a stroke was added; else before a clear
        self._live: list[Point] = []
        self._pen_down_by_key = False
        self._key_pen: Point = (0.5, 0.5)
        self._cache: QImage | None = None
        self.colour = DEFAULT_COLOUR
        self.width_fraction = DEFAULT_WIDTH
        self._read_only = False
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_TabletTracking, False)
        self.set_read_only(read_only)

    # -- the drawing ---------------------------------------------------------------------------

    def drawing(self) -> Drawing:
        return self._drawing

    def set_drawing(self, drawing: Drawing) -> None:
        """Show ``drawing``, forgetting the undo history."""
        self._live = []
        self._pen_down_by_key = False
        self._history = []
        self._replace(drawing)

    @property
    def read_only(self) -> bool:
        return self._read_only

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._live = []
        self._pen_down_by_key = False
        if read_only:
            self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.setCursor(Qt.CursorShape.ArrowCursor)
            self.setAccessibleName(self.tr("Drawing"))
            self.setAccessibleDescription(self.tr("A drawing kept with this session"))
        else:
            self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.setCursor(Qt.CursorShape.CrossCursor)
            self.setAccessibleName(self.tr("Drawing circle"))
            self.setAccessibleDescription(
                self.tr(
                    "Draw with the mouse or a pen. With the keyboard: arrow keys move the pen, "
                    "Space puts it down or lifts it."
                )
            )
        self.update()

    def set_colour(self, colour: str) -> None:
        if colour not in PALETTE:
            raise ValueError(f"unknown colour {colour!r}")
        self.colour = colour
        self.update()

    @property
    def can_undo(self) -> bool:
        return bool(self._history) or not self._drawing.is_empty

    def undo(self) -> None:
        """Take back the last stroke, or bring back what was cleared."""
        if self._read_only:
            return
        self._finish_stroke()
        if self._history:
            before_clear = self._history.pop()
            self._replace(self._drawing.undo() if before_clear is None else before_clear)
        elif not self._drawing.is_empty:
            self._replace(self._drawing.undo())

    def clear(self) -> None:
        """Start again with an empty circle; :meth:`undo` brings the drawing back."""
        if self._read_only:
            return
        self._finish_stroke()
        if self._drawing.is_empty:
            return
        self._history.append(self._drawing)
        self._replace(Drawing())

    def _replace(self, drawing: Drawing) -> None:
        self._drawing = drawing
        self._cache = None
        self.update()
        self.changed.emit()

    # -- strokes -------------------------------------------------------------------------------

    def _square(self) -> QRectF:
        return circle_rect(self.width(), self.height(), self.MARGIN)

    def _unit_point(self, position: QPointF) -> Point:
        square = self._square()
        return (
            (position.x() - square.left()) / square.width(),
            (position.y() - square.top()) / square.height(),
        )

    def _in_circle(self, point: Point) -> bool:
        return math.hypot(point[0] - 0.5, point[1] - 0.5) <= 0.5

    def _begin_stroke(self, point: Point) -> bool:
        if self._read_only or not self._in_circle(point):
            return False
        if not self._drawing.can_add(1):
            self.full.emit()
            return False
        self._live = [_inside_circle(point)]
        self.update()
        return True

    def _extend_stroke(self, point: Point) -> None:
        if not self._live:
            return
        point = _inside_circle(point)
        last = self._live[-1]
        if math.hypot(point[0] - last[0], point[1] - last[1]) < LIVE_MIN_STEP:
            return
        if len(self._live) >= MAX_POINTS_PER_STROKE or not self._drawing.can_add(
            len(self._live) + 1
        ):
            self._finish_stroke()
            self.full.emit()
            return
        self._live.append(point)
        self.update()

    def _finish_stroke(self) -> None:
        if not self._live:
            return
        stroke = Stroke(self.colour, self.width_fraction, tuple(self._live))
        self._live = []
        self._pen_down_by_key = False
        self._history.append(None)
        self._replace(self._drawing.add(stroke))

    # -- pointer input -------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._pen_down_by_key:
            self._finish_stroke()
        if event.button() == Qt.MouseButton.LeftButton and self._begin_stroke(
            self._unit_point(event.position())
        ):
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._live and not self._pen_down_by_key:
            self._extend_stroke(self._unit_point(event.position()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._live:
            self._extend_stroke(self._unit_point(event.position()))
            self._finish_stroke()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        """A pen draws like the mouse (handled here so Qt does not also send mouse events)."""
        if self._read_only:
            event.ignore()
            return
        point = self._unit_point(event.position())
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self._begin_stroke(point)
        elif kind == QTabletEvent.Type.TabletMove:
            self._extend_stroke(point)
        elif kind == QTabletEvent.Type.TabletRelease:
            self._extend_stroke(point)
            self._finish_stroke()
        event.accept()

    # -- keyboard input ------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._read_only:
            super().keyPressEvent(event)
            return
        step = FINE_KEY_STEP if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else KEY_STEP
        moves = {
            Qt.Key.Key_Left: (-step, 0.0),
            Qt.Key.Key_Right: (step, 0.0),
            Qt.Key.Key_Up: (0.0, -step),
            Qt.Key.Key_Down: (0.0, step),
        }
        key = Qt.Key(event.key())
        if key in moves:
            dx, dy = moves[key]
            self._key_pen = _inside_circle((self._key_pen[0] + dx, self._key_pen[1] + dy))
            if self._pen_down_by_key:
                self._extend_stroke(self._key_pen)
            self.update()
        elif key == Qt.Key.Key_Space:
            if self._pen_down_by_key:
                self._finish_stroke()
            elif self._begin_stroke(self._key_pen):
                self._pen_down_by_key = True
            self.update()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        if self._pen_down_by_key:
            self._finish_stroke()
        super().focusOutEvent(event)

    # -- painting ------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def minimumSizeHint(self) -> QSize:
        return QSize(120, 120)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._cache = None
        super().resizeEvent(event)

    def _finished_strokes(self) -> QImage:
        """The circle and the finished strokes, painted once and reused while drawing."""
        ratio = self.devicePixelRatioF()
        if self._cache is None:
            image = QImage(
                max(1, round(self.width() * ratio)),
                max(1, round(self.height() * ratio)),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            image.setDevicePixelRatio(ratio)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            try:
                paint_drawing(painter, self._square(), self._drawing)
            finally:
                painter.end()
            self._cache = image
        return self._cache

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.drawImage(0, 0, self._finished_strokes())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            square = self._square()
            if self._live:  # the line being drawn, painted without re-checking every point
                clip = QPainterPath()
                clip.addEllipse(square)
                painter.setClipPath(clip)
                paint_line(painter, square, self.colour, self.width_fraction, self._live)
                painter.setClipping(False)
            if self.hasFocus():
                self._paint_focus(painter, square)
        finally:
            painter.end()

    def _paint_focus(self, painter: QPainter, square: QRectF) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(QColor(theme.ACCENT), 2))
        painter.drawEllipse(square.adjusted(-3, -3, 3, 3))
        x = square.left() + self._key_pen[0] * square.width()
        y = square.top() + self._key_pen[1] * square.height()
        radius = max(4.0, self.width_fraction * square.width() / 2 + 3)
        ring = QPen(QColor(PALETTE[self.colour]).darker(130), 1.5)
        painter.setPen(ring)
        if self._pen_down_by_key:
            painter.setBrush(QColor(PALETTE[self.colour]))
        painter.drawEllipse(QPointF(x, y), radius, radius)
