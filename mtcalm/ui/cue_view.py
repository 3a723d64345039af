"""The words of a guided-imagery script, large and calm, fading in and out with the music.

The words read as text, never as a field to type in: the view has no box of its own. It takes
the keyboard focus (the arrow keys move between the words), and shows the focus ring only when
the keyboard brought the focus there or is being used on it, as a browser's ``:focus-visible``
does; focus given by the app when a session starts, or by a click, shows none.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, QObject, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QFocusEvent,
    QFont,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsOpacityEffect,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mtcalm.scripts import CueMoment, SectionKind
from mtcalm.ui import theme
from mtcalm.ui.text import plain_label, tr

CUE_TEXT_SCALE = 2.0  # the cue's size against body text
SMALLEST_CUE_SCALE = 1.25  # a long cue is set smaller, down to this, rather than cut off
CUE_SCALE_STEP = 0.125
CUE_LINES_ROOM = 3  # lines of cue text the view keeps room for, so the page never jumps
KEYBOARD_FOCUS = (
    Qt.FocusReason.TabFocusReason,
    Qt.FocusReason.BacktabFocusReason,
    Qt.FocusReason.ShortcutFocusReason,
)
KEEPS_RING = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
OPACITY_STEP = 0.02  # smaller changes are not repainted (the view is updated every ~50 ms)


def section_name(kind: SectionKind | None) -> str:
    names = {
        SectionKind.SETTLE: tr("Settling"),
        SectionKind.IMAGERY: tr("Imagery"),
        SectionKind.RETURN: tr("Returning"),
    }
    return names.get(kind, "") if kind is not None else ""


class CueView(QWidget):
    """Shows one cue at a time in plain text; the words can be hidden (H)."""

    words_hidden_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._reduced_motion = False
        self._index: int | None = None
        self._moment: CueMoment | None = None
        self._ring = False  # the focus ring shows: the keyboard is in use here
        self._longest = ""  # the longest words to come, which the room must always hold
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(tr("Guided imagery words"))
        self.setToolTip(
            tr(
                "Left or Page Up: the words before · Right or Page Down: the next words · "
                "H: hide or show the words"
            )
        )
        layout = QVBoxLayout(self)
        self._layout = layout
        layout.setContentsMargins(16, 8, 16, 8)
        layout.setSpacing(theme.SPACING // 2)

        self.section_label = plain_label("", "muted", wrap=False)
        self.section_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.section_label)

        self.cue_label = plain_label("")  # cue text comes from files: never rich text
        self.cue_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._body_size = max(11.5, self.cue_label.font().pointSizeF())
        self._fitting = False
        self.cue_label.setFont(self._cue_font(CUE_TEXT_SCALE))
        self.cue_label.installEventFilter(self)
        # The words get the room the view has, never what their length asks for: a long cue
        # is set smaller (_fit_text), so the page around it never moves as the words change.
        room = _Room(self.cue_label)
        self._room = room
        self._baseline_room = self.cue_label.fontMetrics().lineSpacing() * CUE_LINES_ROOM
        room.setMinimumHeight(self._baseline_room)
        self._opacity = QGraphicsOpacityEffect(self.cue_label)
        self._opacity.setOpacity(0.0)
        self.cue_label.setGraphicsEffect(self._opacity)

        self.hidden_label = plain_label(tr("Words hidden"), "muted", wrap=False)
        self.hidden_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.words = QStackedWidget()
        self.words.addWidget(room)
        self.words.addWidget(self.hidden_label)
        layout.addWidget(self.words, 1)

        self.toggle_button = QPushButton(tr("Hide the words"))
        self.toggle_button.setProperty("role", "quiet")
        self.toggle_button.setToolTip(tr("Hide or show the words (H); the music goes on"))
        self.toggle_button.clicked.connect(self.toggle_words)
        layout.addWidget(self.toggle_button, 0, Qt.AlignmentFlag.AlignHCenter)

    # -- what the page tells the view ----------------------------------------------------------

    def show_moment(self, moment: CueMoment | None, section: SectionKind | None) -> None:
        """Show the cue of this moment (None: no words now) and the section's name."""
        self._moment = moment
        self.section_label.setText(section_name(section))
        index = moment.index if moment else None
        if index != self._index:
            self._index = index
            self.cue_label.setText(moment.cue.text if moment else "")
            self._fit_text()
        self._set_opacity(self._opacity_of(moment))

    def reserve_room_for(self, texts: Iterable[str]) -> None:
        """Keep room for the longest of ``texts`` (a script's cues) at its smallest size, so no
        cue is ever cut off and the page never moves as the words change.
        """
        self._longest = max(texts, key=len, default="")
        self._fit_room()

    def set_reduced_motion(self, reduced: bool) -> None:
        """With reduced motion, cues switch at once instead of fading."""
        self._reduced_motion = reduced
        self._set_opacity(self._opacity_of(self._moment))

    def set_words_hidden(self, hidden: bool) -> None:
        if hidden == self.words_hidden:
            return
        self.words.setCurrentIndex(1 if hidden else 0)
        self.toggle_button.setText(tr("Show the words") if hidden else tr("Hide the words"))
        self.words_hidden_changed.emit(hidden)

    def toggle_words(self) -> None:
        self.set_words_hidden(not self.words_hidden)

    # -- what can be read from it --------------------------------------------------------------

    @property
    def words_hidden(self) -> bool:
        return self.words.currentIndex() == 1

    def text(self) -> str:
        """The cue's words as shown (empty between cues)."""
        return self.cue_label.text()

    def opacity(self) -> float:
        return float(self._opacity.opacity())

    def text_fits(self) -> bool:
        """Every line of the cue shows within the room it has."""
        return self._text_height(self.cue_label.font()) <= self.cue_label.height()

    def focus_ring_shown(self) -> bool:
        """The focus ring is drawn: the view has the focus and the keyboard is in use on it."""
        return self.hasFocus() and self._ring

    # -- Qt ------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        self._show_ring(True)  # the keyboard is in use here: show where it acts
        if event.key() == Qt.Key.Key_H and not event.modifiers():
            self.toggle_words()
            return
        super().keyPressEvent(event)  # arrows and pages go on to the page, which moves the cue

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.focus_ring_shown():
            painter = QPainter(self)
            theme.paint_focus_ring(painter, QRectF(self.rect()), 12.0)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        if event.reason() in KEYBOARD_FOCUS:
            self._show_ring(True)
        elif event.reason() not in KEEPS_RING:  # the app's own focus, or a click
            self._show_ring(False)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.cue_label and event.type() == QEvent.Type.Resize:
            self._fit_text()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_room()

    # -- inside --------------------------------------------------------------------------------

    def _show_ring(self, shown: bool) -> None:
        if shown != self._ring:
            self._ring = shown
            self.update()

    def _fit_room(self) -> None:
        """Room for three lines at full size, and for the longest cue at its smallest."""
        margins = self._layout.contentsMargins()
        width = max(1, self.width() - margins.left() - margins.right())
        needed = self._baseline_room
        if self._longest:
            flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
            metrics = QFontMetrics(self._cue_font(SMALLEST_CUE_SCALE))
            room = QRect(0, 0, width, 100_000)
            needed = max(needed, metrics.boundingRect(room, int(flags), self._longest).height())
        if needed != self._room.minimumHeight():
            self._room.setMinimumHeight(needed)

    def _cue_font(self, scale: float) -> QFont:
        font = QFont(self.cue_label.font())
        font.setPointSizeF(self._body_size * scale)
        font.setWeight(QFont.Weight.Light)
        return font

    def _text_height(self, font: QFont) -> int:
        flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        room = QRect(0, 0, max(1, self.cue_label.contentsRect().width()), 100_000)
        return QFontMetrics(font).boundingRect(room, int(flags), self.cue_label.text()).height()

    def _fit_text(self) -> None:
        """The largest size, up to twice the body's, at which the whole cue shows."""
        if self._fitting:
            return
        self._fitting = True
        try:
            scale = CUE_TEXT_SCALE
            font = self._cue_font(scale)
            while scale > SMALLEST_CUE_SCALE and self._text_height(font) > self.cue_label.height():
                scale -= CUE_SCALE_STEP
                font = self._cue_font(scale)
            if font != self.cue_label.font():
                self.cue_label.setFont(font)
        finally:
            self._fitting = False

    def _opacity_of(self, moment: CueMoment | None) -> float:
        if moment is None:
            return 0.0
        return 1.0 if self._reduced_motion else min(1.0, max(0.0, moment.opacity))

    def _set_opacity(self, value: float) -> None:
        current = self._opacity.opacity()
        exact_end = value in (0.0, 1.0) and current != value
        if exact_end or abs(value - current) >= OPACITY_STEP:
            self._opacity.setOpacity(value)


class _Room(QWidget):
    """Holds one widget and gives it all its room, whatever size that widget would like."""

    def __init__(self, child: QWidget) -> None:
        super().__init__()
        self._child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(self._child.minimumSizeHint().width(), self.minimumHeight())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._child.setGeometry(self.rect())
