"""One question of the check-in: its words, its scale (or two chips for yes and no), and a way
to skip it. A slider starts with no value: nothing is recorded that the person did not give.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import YES_NO_SCALE, CheckInItem, Phase
from mtcalm.ui.item_words import item_words
from mtcalm.ui.rating_scale import RatingScale, WordScale
from mtcalm.ui.text import plain_label, tr


def set_chip_description(button: QAbstractButton) -> None:
    """Say a chip's state in words too (its checked state is exposed by Qt as well)."""
    button.setAccessibleDescription(tr("selected") if button.isChecked() else tr("not selected"))


class YesNoChoice(QWidget):
    """Two chips, neither chosen at first."""

    value_changed = Signal(object)

    def __init__(self, no_text: str, yes_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.no_button = QPushButton(no_text)
        self.yes_button = QPushButton(yes_text)
        for value, button in ((0, self.no_button), (1, self.yes_button)):
            button.setCheckable(True)
            button.setProperty("role", "chip")
            button.setAccessibleName(button.text())
            button.toggled.connect(lambda _on, chip=button: set_chip_description(chip))
            set_chip_description(button)
            self._group.addButton(button, value)
            layout.addWidget(button)
        layout.addStretch(1)
        self._group.idClicked.connect(self.value_changed.emit)

    def value(self) -> int | None:
        checked = self._group.checkedId()
        return None if checked < 0 else checked

    def set_value(self, value: int | None) -> None:
        if value is None:
            self._group.setExclusive(False)
            for button in self._group.buttons():
                button.setChecked(False)
            self._group.setExclusive(True)
        else:
            button = self._group.button(value)
            if button is not None:
                button.setChecked(True)
        self.value_changed.emit(self.value())

    def focus_target(self) -> QWidget:
        """The chip Tab would land on: the chosen one, or "No"."""
        checked = self._group.checkedButton()
        return checked if checked is not None else self.no_button


class CheckInQuestion(QFrame):
    """One item: its question, the scale, and a way to skip it."""

    changed = Signal()

    def __init__(self, item: CheckInItem, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setProperty("role", "card")
        self.words = words = item_words(item, phase)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.question = plain_label(words.question, "heading")
        top.addWidget(self.question, 1)
        self.skip_button = QPushButton(self.tr("Skip this"))
        self.skip_button.setProperty("role", "quiet")
        self.skip_button.setCheckable(True)
        self.skip_button.setToolTip(self.tr("Leave this question unanswered"))
        self.skip_button.setAccessibleName(self.skip_button.text())
        self.skip_button.setAccessibleDescription(words.question)
        top.addWidget(self.skip_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.scale: RatingScale | None = None
        self.choice: YesNoChoice | None = None
        if item.scale == YES_NO_SCALE:
            no_text, yes_text = words.choices
            self.choice = YesNoChoice(no_text, yes_text)
            self.choice.setAccessibleName(words.question)
            self.choice.value_changed.connect(self._on_answer)
            layout.addWidget(self.choice)
        elif words.choices:
            self.scale = WordScale(item.scale.minimum, words.choices)
            self.scale.setAccessibleName(words.question)
            self.scale.value_changed.connect(self._on_answer)
            layout.addWidget(self.scale)
        else:
            anchors = {item.scale.minimum: words.low, item.scale.maximum: words.high}
            self.scale = RatingScale(item.scale.minimum, item.scale.maximum, anchors=anchors)
            self.scale.setAccessibleName(words.question)
            self.scale.value_changed.connect(self._on_answer)
            layout.addWidget(self.scale)
            ends = QHBoxLayout()
            ends.setContentsMargins(RatingScale.SIDE_MARGIN - 4, 0, RatingScale.SIDE_MARGIN - 4, 0)
            ends.setSpacing(24)
            low, high = plain_label(words.low, "muted"), plain_label(words.high, "muted")
            high.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            ends.addWidget(low, 1, Qt.AlignmentFlag.AlignTop)
            ends.addWidget(high, 1, Qt.AlignmentFlag.AlignTop)
            layout.addLayout(ends)
        self.hint = plain_label(self.tr("Not answered yet"), "muted")
        layout.addWidget(self.hint)
        self.skip_button.toggled.connect(self._on_skip)

    @property
    def input_widget(self) -> QWidget:
        """The scale, or the yes/no pair."""
        return self.scale if self.scale is not None else self.choice  # type: ignore[return-value]

    def focus_target(self) -> QWidget:
        """The control that takes the focus when this question is reached."""
        if self.choice is not None:
            return self.choice.focus_target()
        return self.input_widget

    def value(self) -> int | None:
        if self.skip_button.isChecked():
            return None
        if self.scale is not None:
            return self.scale.value()
        return self.choice.value() if self.choice else None

    def answer_text(self) -> str:
        """The answer as the person gave it: "Yes", "7", "0 · completely calm"."""
        value = self.value()
        if value is None:
            return self.tr("not answered")
        if self.choice is not None:
            return self.words.choices[value - self.item.scale.minimum]
        assert self.scale is not None
        return self.scale.value_text(value)

    def is_settled(self) -> bool:
        """Answered, or deliberately skipped."""
        return self.skip_button.isChecked() or self.value() is not None

    def restore(self, value: int | None, *, skipped: bool = False) -> None:
        """Show ``value`` as the answer (or the question as skipped)."""
        self.reset()
        if skipped:
            self.skip_button.setChecked(True)
        elif value is not None:
            if self.scale is not None:
                self.scale.set_value(value)
            if self.choice is not None:
                self.choice.set_value(value)
        self._update_hint()

    def reset(self) -> None:
        self.skip_button.setChecked(False)
        if self.scale is not None:
            self.scale.set_value(None)
        if self.choice is not None:
            self.choice.set_value(None)
        self._update_hint()

    def _on_answer(self, value: object) -> None:
        if value is not None and self.skip_button.isChecked():
            self.skip_button.setChecked(False)
        self._update_hint()
        self.changed.emit()

    def _on_skip(self, skipped: bool) -> None:
        if skipped:
            if self.scale is not None:
                self.scale.set_value(None)
            if self.choice is not None:
                self.choice.set_value(None)
        self._update_hint()
        self.changed.emit()

    def _update_hint(self) -> None:
        if self.skip_button.isChecked():
            self.hint.setText(self.tr("Skipped: kept as not answered"))
        elif self.value() is None:
            self.hint.setText(self.tr("Not answered yet"))
        else:
            self.hint.setText(self.tr("Your answer: %1").replace("%1", self.answer_text()))
