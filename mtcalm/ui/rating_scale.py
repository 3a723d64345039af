"""A rating slider that starts with no value: the person places it, or it stays unanswered."""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from mtcalm.ui import theme

DIGIT_KEYS = {getattr(Qt.Key, f"Key_{digit}"): digit for digit in range(10)}
TWO_DIGIT_WINDOW = 1.0  # seconds within which "1" then "0" means 10


class RatingScale(QWidget):
    """Integer scale ``minimum``..``maximum`` with no handle until the person sets a value.

    Keyboard: arrows move (the first press places the handle mid-scale), number keys set
    (type 1 then 0 for 10), Home/End go to the ends, Delete clears, Enter submits.
    """

    value_changed = Signal(object)  # int, or None when cleared
    submitted = Signal()

    HANDLE_RADIUS = 11
    SIDE_MARGIN = 16

    def __init__(self, minimum: int, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimum = minimum
        self.maximum = maximum
        self._value: int | None = None
        self._last_digit: tuple[int, float] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        if value is not None:
            value = min(self.maximum, max(self.minimum, value))
        if value == self._value:
            return
        self._value = value
        self.setAccessibleDescription(
            self.tr("not set")
            if value is None
            else self.tr("%1 of %2").replace("%1", str(value)).replace("%2", str(self.maximum))
        )
        self.update()
        self.value_changed.emit(value)

    def sizeHint(self) -> QSize:
        return QSize(360, 58)

    def minimumSizeHint(self) -> QSize:
        return QSize(220, 58)

    # -- geometry ------------------------------------------------------------------------------

    def _track(self) -> tuple[float, float, float]:
        left = float(self.SIDE_MARGIN)
        right = float(self.width() - self.SIDE_MARGIN)
        return left, right, 20.0

    def _x_for(self, value: int) -> float:
        left, right, _ = self._track()
        share = (value - self.minimum) / max(1, self.maximum - self.minimum)
        return left + share * (right - left)

    def _value_at(self, x: float) -> int:
        left, right, _ = self._track()
        share = (x - left) / max(1.0, right - left)
        return round(self.minimum + share * (self.maximum - self.minimum))

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, right, y = self._track()
        enabled = self.isEnabled()
        groove = QColor("#E4DED4" if enabled else "#EEE9E1")
        painter.setPen(QPen(groove, 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        if self._value is not None:
            painter.setPen(
                QPen(QColor(theme.ACCENT), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
            )
            painter.drawLine(QPointF(left, y), QPointF(self._x_for(self._value), y))
        muted = QColor(theme.MUTED if enabled else "#B5B8B2")
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        for value in range(self.minimum, self.maximum + 1):
            x = self._x_for(value)
            chosen = value == self._value
            painter.setPen(QColor(theme.TEXT) if chosen else muted)
            label_box = QRectF(x - 16, y + 14, 32, 20)
            painter.drawText(label_box, Qt.AlignmentFlag.AlignCenter, str(value))
        if self._value is not None:
            x = self._x_for(self._value)
            painter.setPen(QPen(QColor(theme.ACCENT), 2))
            painter.setBrush(QColor(theme.SOFT_ACCENT if self.hasFocus() else theme.SURFACE))
            painter.drawEllipse(QPointF(x, y), self.HANDLE_RADIUS, self.HANDLE_RADIUS)
        if self.hasFocus():
            painter.setPen(QPen(QColor(theme.ACCENT), 1.5, Qt.PenStyle.DotLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 8, 8)
        painter.end()

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.set_value(self._value_at(event.position().x()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.set_value(self._value_at(event.position().x()))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        middle = (self.minimum + self.maximum) // 2
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Up):
            self.set_value(middle if self._value is None else self._value + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Down):
            self.set_value(middle if self._value is None else self._value - 1)
        elif key == Qt.Key.Key_Home:
            self.set_value(self.minimum)
        elif key == Qt.Key.Key_End:
            self.set_value(self.maximum)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_value(None)
        elif key in DIGIT_KEYS:
            self._type_digit(DIGIT_KEYS[Qt.Key(key)])
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
        else:
            super().keyPressEvent(event)

    def _type_digit(self, digit: int) -> None:
        moment = time.monotonic()
        previous = self._last_digit
        self._last_digit = (digit, moment)
        if previous and moment - previous[1] <= TWO_DIGIT_WINDOW:
            combined = previous[0] * 10 + digit
            if self.minimum <= combined <= self.maximum and previous[0] != 0:
                self.set_value(combined)
                self._last_digit = None
                return
        if self.minimum <= digit <= self.maximum:
            self.set_value(digit)

    def focusInEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.update()
        super().focusOutEvent(event)
