"""The breathing pacer page: the shape, and a calm row of controls under it.

Usable on its own or during a session (the music keeps playing). The page knows nothing of the
main window: it says what the person chose through signals, and is told what to show.

Keys: Space pauses and resumes, Up/Down or +/− change the pace, R changes the in:out ratio,
M switches reduced motion. Escape stays the window's "Stop and ground", as everywhere else.
Keys a focused control uses itself (Space on a button, arrows in the ratio list) keep their
usual meaning there.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from mtcalm.breathing import (
    EXHALE_RATIOS,
    MAX_BREATHS_PER_MINUTE,
    MIN_BREATHS_PER_MINUTE,
    RATE_STEP,
    BreathPattern,
    next_ratio,
)
from mtcalm.ui import theme
from mtcalm.ui.keys import wheel_only_when_focused
from mtcalm.ui.layout import ReflowRow, scroll_to_top
from mtcalm.ui.pacer import PacerWidget
from mtcalm.ui.text import plain_label, tr


def number_text(value: float) -> str:
    """``6`` or ``6.5`` (or ``6,5``), as the person's locale writes it."""
    rounded = round(value, 1)
    decimals = 0 if rounded == int(rounded) else 1
    return QLocale().toString(rounded, "f", decimals)


def rate_text(breaths_per_minute: float) -> str:
    return tr("%1 breaths a minute").replace("%1", number_text(breaths_per_minute))


def ratio_text(exhale_ratio: float) -> str:
    names = {
        1.0: tr("In and out the same"),
        1.5: tr("Out a little longer"),
        2.0: tr("Out twice as long"),
    }
    return names.get(exhale_ratio, f"1:{number_text(exhale_ratio)}")


def timing_text(pattern: BreathPattern) -> str:
    """``In for 4 seconds, out for 6``."""
    return (
        tr("In for %1 seconds, out for %2")
        .replace("%1", number_text(pattern.inhale_seconds))
        .replace("%2", number_text(pattern.exhale_seconds))
    )


def _to_slider(breaths_per_minute: float) -> int:
    return round(breaths_per_minute / RATE_STEP)


PACER_WIDTH = 960  # the guide and its controls side by side, not spread to a wide edge


class PacerPage(QWidget):
    """A breathing pacer with its controls; ``start()`` when shown, ``stop()`` when left."""

    done = Signal()
    pattern_changed = Signal(float, float)  # breaths a minute, exhale ratio
    reduced_motion_changed = Signal(bool)

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)  # a centred column: controls never spread to a wide window's edges
        row.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        layout = QVBoxLayout(column)
        layout.setContentsMargins(theme.PAGE_MARGIN, 20, theme.PAGE_MARGIN, 24)
        layout.setSpacing(theme.SPACING // 2)
        self.hint = plain_label("", "muted")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.hint)
        self.pacer = PacerWidget(clock)
        layout.addWidget(self.pacer, 1)
        self.timing = plain_label("", "muted", wrap=False)
        self.timing.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(self.timing)
        layout.addSpacing(theme.SPACING // 2)
        layout.addLayout(self._build_pattern_row())
        layout.addSpacing(theme.SPACING // 2)
        layout.addLayout(self._build_action_row())
        self._add_shortcuts()
        for button in (self.pause_button, self.reduce_motion, self.done_button):
            button.installEventFilter(self)  # Up/Down on a button would move the focus
        self._show_pattern(self.pacer.pattern())
        self._show_motion_hint()
        self._show_paused()
        wheel_only_when_focused(self.rate, self.ratio)
        # Capped, but never below what its controls need with large text.
        column.setMaximumWidth(max(PACER_WIDTH, column.minimumSizeHint().width()))

    # -- building ------------------------------------------------------------------------------

    def _build_pattern_row(self) -> QHBoxLayout:
        """Pace and breath side by side, or one under the other when the text is large."""
        row = QHBoxLayout()
        self.pattern_row = ReflowRow(spacing=theme.SPACING * 2, stacked_spacing=theme.SPACING // 2)
        pace = QHBoxLayout()
        pace.setSpacing(12)
        self.rate = QSlider(Qt.Orientation.Horizontal)
        self.rate.setRange(_to_slider(MIN_BREATHS_PER_MINUTE), _to_slider(MAX_BREATHS_PER_MINUTE))
        self.rate.setSingleStep(1)
        self.rate.setPageStep(2)
        self.rate.setMinimumWidth(140)
        self.rate.setAccessibleName(self.tr("Breathing pace"))
        self.rate.setToolTip(self.tr("Breaths a minute: slower or faster (Up/Down or +/−)"))
        pace_label = self._row_label(self.tr("Pace"), self.rate)
        pace.addWidget(pace_label)
        pace.addWidget(self.rate, 1)
        self.rate_label = plain_label("", wrap=False)
        # Room for the longest value, so the row does not shift as the pace changes.
        self.rate_label.setMinimumWidth(
            self.rate_label.fontMetrics().horizontalAdvance(rate_text(6.5)) + 4
        )
        pace.addWidget(self.rate_label)
        self.pattern_row.add_layout(pace, 1)
        breath = QHBoxLayout()
        breath.setSpacing(12)
        self.ratio = QComboBox()
        self.ratio.setItemDelegate(QStyledItemDelegate(self.ratio))
        for ratio in EXHALE_RATIOS:
            self.ratio.addItem(ratio_text(ratio), ratio)
        self.ratio.setAccessibleName(self.tr("In-breath and out-breath"))
        self.ratio.setToolTip(self.tr("How long the out-breath is; longer out-breaths calm (R)"))
        breath_label = self._row_label(self.tr("Breath"), self.ratio)
        breath.addWidget(breath_label)
        breath.addWidget(self.ratio)
        breath.addStretch(1)
        self.pattern_row.add_layout(breath)
        # One under the other, the slider and the list start at the same place.
        label_width = max(pace_label.sizeHint().width(), breath_label.sizeHint().width())
        for label in (pace_label, breath_label):
            label.setMinimumWidth(label_width)
        row.addWidget(self.pattern_row, 0, Qt.AlignmentFlag.AlignHCenter)  # centred, never wider
        self.rate.valueChanged.connect(self._on_rate_moved)
        self.ratio.currentIndexChanged.connect(self._on_ratio_chosen)
        return row

    def _build_action_row(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(theme.SPACING)
        self.pause_button = QPushButton()
        self.pause_button.setProperty("role", "primary")
        self.pause_button.setMinimumWidth(120)
        self.pause_button.setToolTip(self.tr("Pause or resume the breathing guide (Space)"))
        self.pause_button.clicked.connect(self.toggle_pause)
        row.addWidget(self.pause_button)
        self.reduce_motion = QCheckBox(self.tr("Reduce motion"))
        self.reduce_motion.setToolTip(
            self.tr("Keep the circle still: the words and a gentle change of colour lead (M)")
        )
        self.reduce_motion.toggled.connect(self._on_reduce_motion_toggled)
        row.addWidget(self.reduce_motion)
        row.addStretch(1)
        self.done_button = QPushButton(self.tr("Back home"))
        self.done_button.setToolTip(self.tr("Leave the breathing guide"))
        self.done_button.clicked.connect(self.done.emit)
        row.addWidget(self.done_button)
        return row

    def _row_label(self, text: str, buddy: QWidget) -> QLabel:
        label = plain_label(text, "muted", wrap=False)
        label.setBuddy(buddy)
        return label

    def _add_shortcuts(self) -> None:
        """Letter and sign keys act anywhere on the page, even in the ratio list."""
        actions: list[tuple[Qt.Key, Callable[[], None]]] = [
            (Qt.Key.Key_R, self.cycle_ratio),
            (Qt.Key.Key_M, self.reduce_motion.toggle),
            (Qt.Key.Key_Plus, self.faster),
            (Qt.Key.Key_Equal, self.faster),
            (Qt.Key.Key_Minus, self.slower),
        ]
        for key, action in actions:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(action)

    # -- what the window tells the page --------------------------------------------------------

    def set_pattern(self, breaths_per_minute: float, exhale_ratio: float) -> None:
        """Show a remembered pattern (values out of range are brought into it); emits nothing."""
        pattern = BreathPattern(breaths_per_minute, exhale_ratio)
        self.pacer.set_pattern(pattern)
        self._show_pattern(pattern)

    def set_reduced_motion(self, reduced: bool) -> None:
        """Show the remembered reduced-motion choice; emits nothing."""
        self.reduce_motion.blockSignals(True)
        self.reduce_motion.setChecked(reduced)
        self.reduce_motion.blockSignals(False)
        self.pacer.set_reduced_motion(reduced)
        self._show_motion_hint()

    def set_done_text(self, text: str) -> None:
        """ "Back to the music" during a session, "Back home" on its own."""
        self.done_button.setText(text)

    def start(self) -> None:
        """Begin a fresh in-breath, running, with the keyboard on the page."""
        self.pacer.restart()
        self.pacer.resume()
        self._show_paused()
        self.pause_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_first(self) -> None:
        """Open at the top with the keyboard on Pause, the page's main action."""
        scroll_to_top(self)
        self.pause_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def stop(self) -> None:
        """Hold the breath still (and its timer off) until started again."""
        self.pacer.pause()
        self._show_paused()

    # -- the person's choices ------------------------------------------------------------------

    def toggle_pause(self) -> None:
        if self.pacer.is_paused():
            self.pacer.resume()
        else:
            self.pacer.pause()
        self._show_paused()

    def faster(self) -> None:
        self.rate.setValue(self.rate.value() + 1)

    def slower(self) -> None:
        self.rate.setValue(self.rate.value() - 1)

    def cycle_ratio(self) -> None:
        ratio = next_ratio(self.pacer.pattern().exhale_ratio)
        self.ratio.setCurrentIndex(self.ratio.findData(ratio))

    def _on_rate_moved(self, value: int) -> None:
        self._choose(BreathPattern(value * RATE_STEP, self.pacer.pattern().exhale_ratio))

    def _on_ratio_chosen(self, index: int) -> None:
        ratio = self.ratio.itemData(index)
        if isinstance(ratio, float):
            self._choose(BreathPattern(self.pacer.pattern().breaths_per_minute, ratio))

    def _choose(self, pattern: BreathPattern) -> None:
        if pattern == self.pacer.pattern():
            return
        self.pacer.set_pattern(pattern)
        self._show_pattern(pattern)
        self.pattern_changed.emit(pattern.breaths_per_minute, pattern.exhale_ratio)

    def _on_reduce_motion_toggled(self, reduced: bool) -> None:
        self.pacer.set_reduced_motion(reduced)
        self._show_motion_hint()
        self.reduced_motion_changed.emit(reduced)

    # -- showing -------------------------------------------------------------------------------

    def _show_pattern(self, pattern: BreathPattern) -> None:
        for widget in (self.rate, self.ratio):
            widget.blockSignals(True)
        self.rate.setValue(_to_slider(pattern.breaths_per_minute))
        self.ratio.setCurrentIndex(self.ratio.findData(pattern.exhale_ratio))
        for widget in (self.rate, self.ratio):
            widget.blockSignals(False)
        words = rate_text(pattern.breaths_per_minute)
        self.rate_label.setText(words)
        self.rate.setAccessibleDescription(words)
        self.timing.setText(timing_text(pattern))

    def _show_motion_hint(self) -> None:
        self.hint.setText(
            self.tr("Breathe in and out with the words. The colour deepens as you breathe in.")
            if self.pacer.reduced_motion()
            else self.tr("Breathe in as the circle grows, and out as it shrinks.")
        )

    def _show_paused(self) -> None:
        paused = self.pacer.is_paused()
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))

    # -- keys ----------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            if event.key() == Qt.Key.Key_Up:
                self.faster()
            else:
                self.slower()
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
        elif key == Qt.Key.Key_Space:
            self.toggle_pause()
        elif key == Qt.Key.Key_Up:  # + and − are shortcuts: they work in the ratio list too
            self.faster()
        elif key == Qt.Key.Key_Down:
            self.slower()
        else:
            super().keyPressEvent(event)
