"""The listening page's sound: the music's volume, the session's length and the background sound.

:class:`SoundPanel` is what "More" opens: the session's length (with, while a timer runs, steps
to lengthen or shorten it), the background sound and its volume, and room above and below them
for the page's own parts. It also builds two things the page places elsewhere: the music's
volume (beside Pause; in guided mode at the top of the panel) and the quiet line saying what
carried over from last time, each part with a "Change" that opens the panel at its control.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyledItemDelegate,
    QVBoxLayout,
    QWidget,
)

from mtcalm.settings import TIMER_MINUTES
from mtcalm.ui.layout import bring_into_view
from mtcalm.ui.listening_parts import (
    Sentence,
    TwoWays,
    ambience_carry_text,
    describe,
    fill,
    set_quietly,
    timer_carry_text,
)
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import set_role

TIMER_STEPS_MINUTES = (-15, -5, 5, 15)
MIN_TIMER_LEFT_SECONDS = 60.0  # shortening never ends a session more abruptly than this


class SoundPanel(QWidget):
    """Under More: the session's length and the background sound (see the module docstring)."""

    volume_changed = Signal(float)
    timer_chosen = Signal(int)  # minutes; 0 for "until the music ends"
    timer_stepped = Signal(float, float)  # seconds added (or taken, negative), seconds now left
    ambience_chosen = Signal(str)  # an ambience's key, "" for none
    ambience_volume_changed = Signal(float)
    open_requested = Signal()  # a "Change" beside what carried over: show the panel

    def __init__(self) -> None:
        super().__init__()
        self.guided = False  # a script sets the session's length: no timer carries over
        self.timer_left: float | None = None  # seconds, while a timer runs
        self._fading = False
        self._music_seconds = 0.0
        # What carried over from last time is said in a line kept for the whole session.
        self._timer_carried = False
        self._timer_changed = False
        self._ambience_carried = False
        self._ambience_changed = False
        self.volume_box = self._build_volume()
        self.carry_over = self._build_carry_over()
        self._build_panel()

    # -- building ------------------------------------------------------------------------------

    def _build_volume(self) -> QWidget:
        """The music's volume, which the page places (it is not part of the panel)."""
        box = QWidget()
        level = QHBoxLayout(box)
        level.setContentsMargins(0, 0, 0, 0)
        level.setSpacing(8)
        self.volume_label = plain_label(self.tr("Volume"), "muted", wrap=False)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setPageStep(10)
        self.volume.setAccessibleName(self.tr("Volume"))
        self.volume.setMinimumWidth(100)
        self.volume.valueChanged.connect(self._on_volume)
        self.volume_label.setBuddy(self.volume)
        level.addWidget(self.volume_label)
        level.addWidget(self.volume, 1)
        box.setMaximumWidth(300)
        return box

    def _build_carry_over(self) -> QWidget:
        """What carried over from last time, where it applies, with a way to change it."""
        box = QWidget()
        lines = QVBoxLayout(box)
        lines.setContentsMargins(0, 0, 0, 0)
        lines.setSpacing(0)
        self.timer_carry, self.timer_carry_button, self.timer_carry_box = self._carry_line(
            self.tr("Change the session length")
        )
        self.timer_carry_button.clicked.connect(lambda: self._change(self.timer_choice))
        self.ambience_carry, self.ambience_carry_button, self.ambience_carry_box = self._carry_line(
            self.tr("Change the background sound")
        )
        self.ambience_carry_button.clicked.connect(lambda: self._change(self.ambience_choice))
        lines.addWidget(self.timer_carry_box)
        lines.addWidget(self.ambience_carry_box)
        return box

    def _carry_line(self, change_name: str) -> tuple[QLabel, QPushButton, QWidget]:
        line = QWidget()
        row = QHBoxLayout(line)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        words = Sentence("muted")
        change = QPushButton(self.tr("Change"))
        set_role(change, "quiet", compact=True)
        change.setAccessibleName(change_name)
        change.setToolTip(change_name)
        fill(row, [None, words, change, None])
        line.hide()
        return words, change, line

    def _build_panel(self) -> None:
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 4, 0, 4)
        box.setSpacing(12)
        self.parts_above = QVBoxLayout()  # guided, the page's track place and music volume
        self.parts_above.setSpacing(8)
        box.addLayout(self.parts_above)

        self.timer_group = QWidget()
        timer_box = QVBoxLayout(self.timer_group)
        timer_box.setContentsMargins(0, 0, 0, 0)
        timer_box.setSpacing(4)
        self.timer_choice = self._choice(
            self.tr("Session length"), self.tr("End the session with a gentle fade after a while")
        )
        self.timer_choice.addItem(self.tr("Until the music ends"), 0)
        for minutes in TIMER_MINUTES:
            self.timer_choice.addItem(self.tr("%n minutes", None, minutes), minutes)
        self.timer_choice.currentIndexChanged.connect(self._on_timer_chosen)
        self.timer_label = self._row_label(self.tr("Session length"), self.timer_choice)
        timer_box.addWidget(self.timer_label)
        timer_row = TwoWays(
            lambda: self.timer_choice.sizeHint().width() + 12 + self.timer_steps.sizeHint().width(),
            stretches=(0, 1),
        )
        timer_row.first.addWidget(self.timer_choice)
        timer_row.first.addStretch(1)
        steps = QHBoxLayout()
        steps.setContentsMargins(0, 0, 0, 0)
        steps.setSpacing(8)
        self.timer_buttons: dict[int, QPushButton] = {}
        for minutes in TIMER_STEPS_MINUTES:
            button = QPushButton(
                self.tr("−%n", "shorten the timer by minutes", -minutes)
                if minutes < 0
                else self.tr("+%n", "lengthen the timer by minutes", minutes)
            )
            button.setProperty("role", "chip")
            words = (
                self.tr("Shorten by %n minutes", None, -minutes)
                if minutes < 0
                else self.tr("Lengthen by %n minutes", None, minutes)
            )
            button.setAccessibleName(words)
            button.setToolTip(words)
            button.clicked.connect(lambda _=False, m=minutes: self._change_timer(m))
            self.timer_buttons[minutes] = button
            steps.addWidget(button)
        self.timer_steps = QWidget()
        self.timer_steps.setLayout(steps)
        kept = self.timer_steps.sizePolicy()
        kept.setRetainSizeWhenHidden(True)  # the steps coming and going move nothing
        self.timer_steps.setSizePolicy(kept)
        self.timer_steps.hide()
        timer_row.second.addWidget(self.timer_steps)
        timer_row.second.addStretch(1)
        timer_box.addWidget(timer_row)
        box.addWidget(self.timer_group)

        ambience_group = QWidget()
        level = QHBoxLayout(ambience_group)
        level.setContentsMargins(0, 0, 0, 0)
        level.setSpacing(12)
        self.ambience_choice = self._choice(
            self.tr("Background sound"), self.tr("A quiet sound under the music")
        )
        self.ambience_choice.addItem(self.tr("None"), "")
        self.ambience_choice.currentIndexChanged.connect(self._on_ambience_chosen)
        level.addWidget(self._row_label(self.tr("Background sound"), self.ambience_choice))
        level.addWidget(self.ambience_choice)
        self.ambience_volume = QSlider(Qt.Orientation.Horizontal)
        self.ambience_volume.setRange(0, 100)
        self.ambience_volume.setPageStep(10)
        self.ambience_volume.setMinimumWidth(100)
        self.ambience_volume.setMaximumWidth(240)
        self.ambience_volume.setAccessibleName(self.tr("Background sound volume"))
        self.ambience_volume.setToolTip(self.tr("Background sound volume"))
        self.ambience_volume.valueChanged.connect(self._on_ambience_volume)
        volume_label = plain_label(self.tr("Volume"), "muted", wrap=False)
        volume_label.setBuddy(self.ambience_volume)
        level.addWidget(volume_label)
        level.addWidget(self.ambience_volume, 1)
        level.addStretch(1)
        box.addWidget(ambience_group)

        self.parts_below = QHBoxLayout()  # the page's buttons: the next track, Breathe, flag
        self.parts_below.setSpacing(8)
        box.addLayout(self.parts_below)
        self.hide()

    def _choice(self, name: str, tip: str) -> QComboBox:
        """A drop-down list whose items take the theme's padding and soft highlight."""
        combo = QComboBox()
        combo.setItemDelegate(QStyledItemDelegate(combo))
        combo.setAccessibleName(name)
        combo.setToolTip(tip)
        return combo

    def _row_label(self, text: str, buddy: QWidget) -> QLabel:
        label = plain_label(text, "muted", wrap=False)
        label.setBuddy(buddy)
        return label

    # -- what the page tells the panel ---------------------------------------------------------

    def controls(self) -> list[QWidget]:
        """The panel's own controls, in Tab's order."""
        return [
            self.timer_choice,
            *self.timer_buttons.values(),
            self.ambience_choice,
            self.ambience_volume,
        ]

    def show_volume(self, volume: float) -> None:
        """Show the music's volume (0 to 1) without acting on it."""
        set_quietly(self.volume, round(volume * 100))
        self._describe_level(self.volume)

    def begin(self, music_seconds: float) -> None:
        """A new session, of ``music_seconds`` of music: no timer yet, nothing carried over."""
        self.timer_left = None
        self._music_seconds = music_seconds
        self._timer_carried = self._ambience_carried = False
        self._timer_changed = self._ambience_changed = False
        self.show_carry_over()

    def set_ambience_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        """The background sounds to offer, as (key, title) pairs."""
        self.ambience_choice.blockSignals(True)
        while self.ambience_choice.count() > 1:
            self.ambience_choice.removeItem(1)
        for key, title in choices:
            self.ambience_choice.addItem(title, key)
        self.ambience_choice.blockSignals(False)

    def show_sound(self, timer_minutes: int, ambience: str, ambience_volume: float) -> None:
        """Show the remembered timer length and background sound, "as last time"."""
        set_quietly(self.timer_choice, max(0, self.timer_choice.findData(timer_minutes)))
        set_quietly(self.ambience_choice, max(0, self.ambience_choice.findData(ambience)))
        set_quietly(self.ambience_volume, round(ambience_volume * 100))
        self._describe_level(self.ambience_volume)
        self.ambience_volume.setEnabled(bool(self.ambience_choice.currentData()))
        self._timer_carried = not self.guided and bool(self.timer_choice.currentData())
        self._ambience_carried = bool(self.ambience_choice.currentData())
        self._timer_changed = self._ambience_changed = False
        self.show_carry_over()

    def show_ambience_stopped(self) -> None:
        """The background sound could not go on: show "None" chosen."""
        set_quietly(self.ambience_choice, 0)
        self.ambience_volume.setEnabled(False)
        self._ambience_changed = True
        self.show_carry_over()

    def show_timer_left(self, seconds: float | None) -> None:
        """The time left on the running timer (None: no timer, the music decides)."""
        self.timer_left = seconds
        self.timer_steps.setVisible(seconds is not None and not self.guided)
        self._update_timer_buttons()

    def set_fading(self, fading: bool) -> None:
        """The music is fading out: the session's length can no longer change."""
        self._fading = fading
        self._update_timer_buttons()

    def show_carry_over(self) -> None:
        """Say what applies, kept for the session once said (so the line never comes and goes
        under the person's hand), without "as last time" once they changed it.
        """
        minutes = int(self.timer_choice.currentData() or 0)
        self.timer_carry.setText(
            timer_carry_text(minutes, self._music_seconds, not self._timer_changed)
        )
        sound = self.ambience_choice.currentText() if self.ambience_choice.currentData() else ""
        self.ambience_carry.setText(ambience_carry_text(sound, not self._ambience_changed))
        self.timer_carry_box.setVisible(self._timer_carried)
        self.ambience_carry_box.setVisible(self._ambience_carried)
        self.carry_over.setVisible(self._timer_carried or self._ambience_carried)

    # -- what the person does ------------------------------------------------------------------

    def _change(self, control: QWidget) -> None:
        """A "Change" beside what carried over: open the panel at that control."""
        self.open_requested.emit()
        control.setFocus(Qt.FocusReason.OtherFocusReason)
        QTimer.singleShot(0, lambda: bring_into_view(control))

    def _change_timer(self, minutes: int) -> None:
        if self.timer_left is None:
            return
        change = minutes * 60.0
        if change < 0:  # never shorten past the last minute: the end stays a gentle fade
            change = -min(-change, max(0.0, self.timer_left - MIN_TIMER_LEFT_SECONDS))
        if change == 0:
            return
        self.timer_left += change
        self._update_timer_buttons()
        self._timer_changed = True
        self.show_carry_over()
        self.timer_stepped.emit(change, self.timer_left)

    def _update_timer_buttons(self) -> None:
        self.timer_choice.setEnabled(not self._fading)
        left = self.timer_left or 0.0
        for minutes, button in self.timer_buttons.items():
            shortening_possible = minutes > 0 or left > MIN_TIMER_LEFT_SECONDS + 1
            button.setEnabled(not self._fading and shortening_possible)

    def _on_timer_chosen(self, index: int) -> None:
        self._timer_changed = True
        self.show_carry_over()
        self.timer_chosen.emit(int(self.timer_choice.itemData(index)))

    def _on_ambience_chosen(self, index: int) -> None:
        key = str(self.ambience_choice.itemData(index) or "")
        self.ambience_volume.setEnabled(bool(key))
        self._ambience_changed = True
        self.show_carry_over()
        self.ambience_chosen.emit(key)

    def _on_volume(self, value: int) -> None:
        self._describe_level(self.volume)
        self.volume_changed.emit(value / 100)

    def _on_ambience_volume(self, value: int) -> None:
        self._describe_level(self.ambience_volume)
        self.ambience_volume_changed.emit(value / 100)

    def _describe_level(self, slider: QSlider) -> None:
        describe(slider, self.tr("%1 percent").replace("%1", str(slider.value())))
