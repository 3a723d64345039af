"""The listening page's parts: the words it says (time left, what carried over) and the small
widgets it is built from (a line that elides, a sentence that wraps, a button that keeps its
width, a kept place that never moves what is below it).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QSlider,
    QWidget,
)

from mtcalm.ui.text import tr

NOTICE_LINES = 2  # lines of message the kept place at the top holds without growing

# What goes into a row when the page lays itself out: a widget, a (widget, stretch) pair,
# a number of pixels of space, or None for a stretch.
RowItem = QWidget | tuple[QWidget, int] | int | None


def ends_in_text(seconds: float) -> str:
    """The time left on a running timer ("Ends in 14 min"), rounded up, never less than is left."""
    if seconds < 60:
        return tr("Ends in under a minute")
    return tr("Ends in %n min", None, math.ceil(seconds / 60))


def music_length_text(seconds: float) -> str:
    """How long the music is, in words: ``17 minutes``, ``under a minute``."""
    if seconds < 60:
        return tr("under a minute")
    return tr("%n minutes", None, round(seconds / 60))


def timer_carry_text(minutes: int, music_seconds: float, as_last_time: bool) -> str:
    """What the session length does to this music, said plainly.

    ``as_last_time``: the length carried over from the last session, not chosen in this one.
    """
    music = music_length_text(music_seconds)
    if not as_last_time:
        if minutes == 0:
            if music_seconds <= 0:
                return tr("Plays until the music ends.")
            return tr("Plays until the music ends (%1).").replace("%1", music)
        if music_seconds <= 0:
            return tr("Stops at the session length you chose.")
        return tr("Stops at the session length you chose (the music is %1).").replace("%1", music)
    if music_seconds <= 0:
        return tr("Stops after %n minutes, as last time.", None, minutes)
    if minutes * 60 < music_seconds:
        return tr("Stops after %n minutes, as last time (the music is %1).", None, minutes).replace(
            "%1", music
        )
    return tr(
        "Plays for %n minutes, as last time: the music (%1) starts again until then.", None, minutes
    ).replace("%1", music)


def ambience_carry_text(title: str, as_last_time: bool) -> str:
    """Which background sound plays (``title``; "" for none), said plainly."""
    if not title:
        return tr("No background sound.")
    if as_last_time:
        return tr("%1 in the background, as last time.").replace("%1", title)
    return tr("%1 in the background.").replace("%1", title)


def keep_width(button: QPushButton, texts: Sequence[str]) -> None:
    """Make ``button`` as wide as it is with its widest text, so a change of words (Pause,
    Resume) moves nothing beside it.
    """
    shown = button.text()
    button.setMinimumWidth(0)
    widths = []
    for text in texts:
        button.setText(text)
        widths.append(button.sizeHint().width())
    button.setText(shown)
    button.setMinimumWidth(max(widths))


def describe(widget: QWidget, description: str) -> None:
    """Tell a screen reader ``description`` (a slider's value in words), only when it changed."""
    if widget.accessibleDescription() != description:
        widget.setAccessibleDescription(description)


def fill(layout: QBoxLayout, items: Sequence[RowItem]) -> None:
    """Put ``items`` into ``layout``, which is empty (see :func:`empty`)."""
    for item in items:
        if item is None:
            layout.addStretch(1)
        elif isinstance(item, int):
            layout.addSpacing(item)
        elif isinstance(item, tuple):
            layout.addWidget(item[0], item[1])
        else:
            layout.addWidget(item)


def empty(layout: QLayout) -> None:
    """Take every item out of ``layout``; its widgets stay where they belong, unplaced."""
    while layout.count():
        layout.takeAt(0)


class OneLine(QLabel):
    """One line of plain text, cut short with "…" when the room is too narrow; the whole text
    is then in its tooltip, and always in ``text()`` (which a screen reader reads).

    A title that would wrap onto a second line would move everything under it as tracks
    change; one line never does.
    """

    def __init__(self, role: str, alignment: Qt.AlignmentFlag) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setProperty("role", role)
        self.setAlignment(alignment | Qt.AlignmentFlag.AlignVCenter)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def setText(self, text: str) -> None:
        super().setText(text)
        self._update_tooltip()

    def is_elided(self) -> bool:
        room = self.contentsRect().width()
        return self.fontMetrics().horizontalAdvance(self.text()) > room

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        metrics = self.fontMetrics()
        width = metrics.horizontalAdvance(self.text()) + margins.left() + margins.right() + 2
        return QSize(width, metrics.height() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        room = self.contentsRect()
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, room.width()
        )
        self.style().drawItemText(
            painter,
            room,
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def _update_tooltip(self) -> None:
        self.setToolTip(self.text() if self.is_elided() else "")


class Sentence(QLabel):
    """Plain text that asks for one line, and wraps only when the room is narrower than that
    (a wrapping QLabel otherwise asks for a narrow, squarish shape and wraps early).
    """

    def __init__(self, role: str) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setProperty("role", role)

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self.text()) + margins.left()
        width += margins.right() + 2
        return QSize(width, self.heightForWidth(width))


class TwoWays(QWidget):
    """Two groups side by side when there is room, one under the other when there is not (a
    small window, larger text). Which way follows the width alone, never what is shown, so a
    longer title or a message never flips it.
    """

    def __init__(self, needed: Callable[[], int], stretches: tuple[int, int]) -> None:
        super().__init__()
        self._needed = needed  # the width side by side takes
        self._stretches = stretches  # of the two groups, side by side
        self.first = QHBoxLayout()
        self.second = QHBoxLayout()
        self._both = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self._both.setContentsMargins(0, 0, 0, 0)
        for part, stretch in zip((self.first, self.second), stretches, strict=True):
            part.setContentsMargins(0, 0, 0, 0)
            part.setSpacing(12)
            self._both.addLayout(part, stretch)
        self._both.setSpacing(12)

    def side_by_side(self) -> bool:
        return self._both.direction() == QBoxLayout.Direction.LeftToRight

    def minimumSizeHint(self) -> QSize:
        """As narrow as the wider group: any narrower, and they go one under the other."""
        widest = max(self.first.minimumSize().width(), self.second.minimumSize().width())
        return QSize(widest, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit(event.size().width())

    def fit(self, width: int) -> None:
        side_by_side = width >= self._needed()
        if side_by_side != self.side_by_side():
            self._both.setDirection(
                QBoxLayout.Direction.LeftToRight
                if side_by_side
                else QBoxLayout.Direction.TopToBottom
            )


class KeptPlace(QWidget):
    """A place kept for messages: it holds :data:`NOTICE_LINES` lines of a message even when
    there is none, so one coming or going never moves what is under it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._keep_height()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._keep_height()  # larger text keeps more room

    def _keep_height(self) -> None:
        # The notice role's padding (10px above and below) and a little air.
        self.setMinimumHeight(NOTICE_LINES * self.fontMetrics().lineSpacing() + 24)


def set_quietly(widget: QSlider | QComboBox, value: int) -> None:
    """Show a value without announcing it as the person's choice."""
    widget.blockSignals(True)
    if isinstance(widget, QComboBox):
        widget.setCurrentIndex(value)
    else:
        widget.setValue(value)
    widget.blockSignals(False)
