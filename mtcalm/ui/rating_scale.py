"""Rating controls that start with no value: the person places them, or they stay unanswered.

:class:`RatingScale` is a numbered slider (0–10); :class:`WordScale` is a short row of worded
choices (helpfulness 0–4), so a five-point question never looks like an eleven-point one. Both
take the same keys and give the same signals.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
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
    ``anchors`` gives words for some values (the ends, say): they are read out with the value.
    """

    value_changed = Signal(object)  # int, or None when cleared
    submitted = Signal()

    HANDLE_RADIUS = 11
    SIDE_MARGIN = 20
    TRACK_WIDTH = 6

    def __init__(
        self,
        minimum: int,
        maximum: int,
        parent: QWidget | None = None,
        *,
        anchors: Mapping[int, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.minimum = minimum
        self.maximum = maximum
        self.anchors: dict[int, str] = dict(anchors or {})
        self._value: int | None = None
        self._last_digit: tuple[int, float] | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._describe()

    def value(self) -> int | None:
        return self._value

    def set_value(self, value: int | None) -> None:
        if value is not None:
            value = min(self.maximum, max(self.minimum, value))
        if value == self._value:
            return
        self._value = value
        self._describe()
        self.update()
        self.value_changed.emit(value)

    def value_text(self, value: int | None = None) -> str:
        """``value`` (the current one by default) as the person gave it: the number, with its
        word when it has one ("0 · completely calm"), or "not answered".
        """
        if value is None:
            value = self._value
        if value is None:
            return self.tr("not answered")
        word = self.anchors.get(value)
        return (
            self.tr("%1 · %2").replace("%1", str(value)).replace("%2", word) if word else str(value)
        )

    def _describe(self) -> None:
        """The value for assistive technology: "7 of 10", or "not answered"."""
        if self._value is None:
            self.setAccessibleDescription(self.tr("not answered"))
            return
        text = self.tr("%1 of %2").replace("%1", str(self._value)).replace("%2", str(self.maximum))
        word = self.anchors.get(self._value)
        self.setAccessibleDescription(f"{text}, {word}" if word else text)

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

    def _value_at(self, position: QPointF) -> int:
        left, right, _ = self._track()
        share = (position.x() - left) / max(1.0, right - left)
        value = round(self.minimum + share * (self.maximum - self.minimum))
        return min(self.maximum, max(self.minimum, value))

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, right, y = self._track()
        enabled = self.isEnabled()
        round_cap = Qt.PenCapStyle.RoundCap
        solid = Qt.PenStyle.SolidLine
        # The whole groove, answered or not, is plain to see (3:1 on the card).
        groove = QColor(theme.TRACK if enabled else theme.DISABLED_TRACK)
        painter.setPen(QPen(groove, self.TRACK_WIDTH, solid, round_cap))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        fill = QColor(theme.ACCENT if enabled else theme.DISABLED_TRACK)
        if self._value is not None:
            painter.setPen(QPen(fill, self.TRACK_WIDTH, solid, round_cap))
            painter.drawLine(QPointF(left, y), QPointF(self._x_for(self._value), y))
        font = QFont(painter.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        chosen_font = QFont(font)
        chosen_font.setBold(True)
        muted = QColor(theme.MUTED if enabled else theme.DISABLED_TEXT)
        for value in range(self.minimum, self.maximum + 1):
            x = self._x_for(value)
            chosen = value == self._value
            painter.setFont(chosen_font if chosen else font)
            painter.setPen(QColor(theme.TEXT) if chosen and enabled else muted)
            label_box = QRectF(x - 16, y + 14, 32, 22)
            painter.drawText(label_box, Qt.AlignmentFlag.AlignCenter, str(value))
        if self._value is not None:
            x = self._x_for(self._value)
            painter.setPen(QPen(fill, 3))
            painter.setBrush(QColor(theme.SURFACE))
            painter.drawEllipse(QPointF(x, y), self.HANDLE_RADIUS - 1, self.HANDLE_RADIUS - 1)
        if self.hasFocus():
            theme.paint_focus_ring(painter, QRectF(self.rect()), 10)
        painter.end()

    # -- input ---------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            self.set_value(self._value_at(event.position()))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.set_value(self._value_at(event.position()))

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

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.EnabledChange:
            self.update()
        super().changeEvent(event)


class WordScale(RatingScale):
    """A short scale shown as a row of worded choices ("not at all" … "very"), one per value.

    One Tab stop, the same keys as :class:`RatingScale` (arrows, number keys, Home/End,
    Delete, Enter), and nothing chosen at first. The chosen word is filled, like a chosen chip.
    """

    INSET = 4  # room for the focus ring around the choices
    GAP = 6
    PAD = 10

    def __init__(self, minimum: int, words: Sequence[str], parent: QWidget | None = None) -> None:
        self.words = tuple(words)
        maximum = minimum + len(self.words) - 1
        anchors = {minimum + index: word for index, word in enumerate(self.words)}
        super().__init__(minimum, maximum, parent, anchors=anchors)
        self._hovered: int | None = None
        self.setMouseTracking(True)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def value_text(self, value: int | None = None) -> str:
        """The word the person chose ("quite"), or "not answered"."""
        value = self._value if value is None else value
        return self.tr("not answered") if value is None else self.anchors[value]

    def _describe(self) -> None:
        if self._value is None:
            self.setAccessibleDescription(self.tr("not answered"))
            return
        self.setAccessibleDescription(
            self.tr("%1, %2 of %3")
            .replace("%1", self.anchors[self._value])
            .replace("%2", str(self._value))
            .replace("%3", str(self.maximum))
        )

    # -- geometry ------------------------------------------------------------------------------
    # A row of cells while every word fits (on two lines at most); a column when it is narrow.

    def _cell_width(self, width: int) -> float:
        count = len(self.words)
        return (width - 2 * self.INSET - (count - 1) * self.GAP) / max(1, count)

    def _lines_needed(self, width: int) -> int:
        """Lines of text a cell of the row needs at ``width``; 0 when a word cannot fit."""
        metrics = QFontMetrics(self.font())
        room = self._cell_width(width) - 2 * self.PAD
        if all(metrics.horizontalAdvance(word) <= room for word in self.words):
            return 1
        longest = max(
            metrics.horizontalAdvance(part) for word in self.words for part in word.split()
        )
        return 2 if longest <= room else 0

    def _cell_height(self, lines: int) -> int:
        return lines * QFontMetrics(self.font()).lineSpacing() + 2 * self.PAD

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        lines = self._lines_needed(width)
        if lines:
            return self._cell_height(lines) + 2 * self.INSET
        count = len(self.words)
        return count * self._cell_height(1) + (count - 1) * self.GAP + 2 * self.INSET

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        widest = max(metrics.horizontalAdvance(word) for word in self.words)
        count = len(self.words)
        width = count * (widest + 2 * self.PAD) + (count - 1) * self.GAP + 2 * self.INSET
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        widest = max(metrics.horizontalAdvance(word) for word in self.words)
        width = widest + 2 * self.PAD + 2 * self.INSET
        return QSize(width, self.heightForWidth(width))

    def _cells(self) -> list[QRectF]:
        count = len(self.words)
        if self._lines_needed(self.width()):
            cell = self._cell_width(self.width())
            height = self.height() - 2 * self.INSET
            return [
                QRectF(self.INSET + index * (cell + self.GAP), self.INSET, cell, height)
                for index in range(count)
            ]
        height = self._cell_height(1)
        width = self.width() - 2 * self.INSET
        return [
            QRectF(self.INSET, self.INSET + index * (height + self.GAP), width, height)
            for index in range(count)
        ]

    def _value_at(self, position: QPointF) -> int:
        cells = self._cells()
        nearest = min(
            range(len(cells)),
            key=lambda index: (cells[index].center() - position).manhattanLength(),
        )
        return self.minimum + nearest

    def _x_for(self, value: int) -> float:
        return self._cells()[value - self.minimum].center().x()

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        enabled = self.isEnabled()
        for index, rect in enumerate(self._cells()):
            value = self.minimum + index
            chosen = value == self._value
            if chosen:
                fill = theme.ACCENT if enabled else theme.DISABLED_FILL
                edge, ink = fill, theme.ACCENT_TEXT if enabled else theme.DISABLED_TEXT
            else:
                hovered = enabled and value == self._hovered
                fill = theme.HOVER if hovered else theme.SURFACE
                edge = theme.CONTROL_BORDER if enabled else theme.DISABLED_BORDER
                ink = theme.TEXT if enabled else theme.DISABLED_TEXT
            painter.setPen(QPen(QColor(edge), 1))
            painter.setBrush(QColor(fill))
            painter.drawRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
            painter.setPen(QColor(ink))
            text_box = rect.adjusted(self.PAD / 2, 0, -self.PAD / 2, 0)
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            painter.drawText(text_box, int(flags), self.words[index])
        if self.hasFocus():
            theme.paint_focus_ring(painter, QRectF(self.rect()), 12)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        hovered = self._value_at(event.position())
        if hovered != self._hovered:
            self._hovered = hovered
            self.update()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hovered = None
        self.update()
        super().leaveEvent(event)
