"""The check-in before and after listening: sliders with no preset value, words, a note."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import (
    EMOTION_GROUPS,
    MAX_NOTE_LENGTH,
    YES_NO_SCALE,
    CheckIn,
    CheckInItem,
    Phase,
    items_for,
)
from mtcalm.ui.layout import card, scrolling_page
from mtcalm.ui.rating_scale import RatingScale
from mtcalm.ui.text import emotion_name, plain_label, plural, tr


@dataclass(frozen=True)
class ItemWords:
    question: str
    low: str
    high: str


def item_words(item: CheckInItem, phase: Phase) -> ItemWords:
    """The question and end labels for ``item``, translated."""
    now = tr("right now") if phase is Phase.BEFORE else tr("now, after listening")
    words = {
        "distress": ItemWords(
            tr("How distressed do you feel %1?").replace("%1", now),
            tr("0 · completely calm"),
            tr("10 · the worst you can imagine"),
        ),
        "pleasantness": ItemWords(
            tr("How unpleasant or pleasant do you feel?"), tr("unpleasant"), tr("pleasant")
        ),
        "energy": ItemWords(tr("How much energy do you have?"), tr("very low"), tr("very high")),
        "helpfulness": ItemWords(
            tr("How helpful was this session?"), tr("0 · not at all"), tr("4 · very helpful")
        ),
        "stirred_up": ItemWords(
            tr("Did the music bring up urges, memories of using, or distressing memories?"),
            tr("no"),
            tr("yes"),
        ),
    }
    return words[item.key]


class YesNoChoice(QWidget):
    """Two buttons, neither chosen at first."""

    value_changed = Signal(object)

    def __init__(self, no_text: str, yes_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.no_button = QPushButton(no_text.capitalize())
        self.yes_button = QPushButton(yes_text.capitalize())
        for value, button in ((0, self.no_button), (1, self.yes_button)):
            button.setCheckable(True)
            button.setProperty("role", "chip")
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


class CheckInQuestion(QFrame):
    """One item: its question, the scale, and a way to skip it."""

    changed = Signal()

    def __init__(self, item: CheckInItem, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.setProperty("role", "card")
        words = item_words(item, phase)
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
        top.addWidget(self.skip_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.scale: RatingScale | None = None
        self.choice: YesNoChoice | None = None
        if item.scale == YES_NO_SCALE:
            self.choice = YesNoChoice(words.low, words.high)
            self.choice.setAccessibleName(words.question)
            self.choice.value_changed.connect(self._on_answer)
            layout.addWidget(self.choice)
        else:
            self.scale = RatingScale(item.scale.minimum, item.scale.maximum)
            self.scale.setAccessibleName(words.question)
            self.scale.value_changed.connect(self._on_answer)
            layout.addWidget(self.scale)
            ends = QHBoxLayout()
            ends.setContentsMargins(RatingScale.SIDE_MARGIN - 4, 0, RatingScale.SIDE_MARGIN - 4, 0)
            ends.addWidget(plain_label(words.low, "muted", wrap=False))
            ends.addStretch(1)
            ends.addWidget(plain_label(words.high, "muted", wrap=False))
            layout.addLayout(ends)
        self.hint = plain_label(self.tr("Not answered yet"), "muted")
        layout.addWidget(self.hint)
        self.skip_button.toggled.connect(self._on_skip)

    @property
    def input_widget(self) -> QWidget:
        return self.scale if self.scale is not None else self.choice  # type: ignore[return-value]

    def value(self) -> int | None:
        if self.skip_button.isChecked():
            return None
        if self.scale is not None:
            return self.scale.value()
        return self.choice.value() if self.choice else None

    def is_settled(self) -> bool:
        """Answered, or deliberately skipped."""
        return self.skip_button.isChecked() or self.value() is not None

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
            self.hint.setText(self.tr("Your answer: %1").replace("%1", str(self.value())))


class CheckInPage(QWidget):
    """The whole check-in for one phase. Emits ``submitted`` with the :class:`CheckIn`."""

    submitted = Signal(object)

    def __init__(self, phase: Phase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = phase
        layout = scrolling_page(self)
        title = (
            self.tr("Before you listen") if phase is Phase.BEFORE else self.tr("After listening")
        )
        layout.addWidget(plain_label(title, "title"))
        self.intro = plain_label(
            self.tr(
                "A short check-in: place each slider where it feels right. There are no right "
                "answers. Skip anything you prefer not to answer."
            ),
            "muted",
        )
        layout.addWidget(self.intro)
        self.questions = [CheckInQuestion(item, phase) for item in items_for(phase)]
        for question in self.questions:
            question.changed.connect(self._update_continue)
            if question.scale is not None:
                question.scale.submitted.connect(self._advance_focus)
            layout.addWidget(question)
        layout.addWidget(self._build_emotions())
        layout.addWidget(plain_label(self.tr("A note, if you like"), "heading"))
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Anything you want to remember about now"))
        self.note.setFixedHeight(84)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(self.tr("Note"))
        layout.addWidget(self.note)
        buttons = QHBoxLayout()
        self.skip_all = QPushButton(self.tr("Skip check-in"))
        self.skip_all.setProperty("role", "quiet")
        self.skip_all.clicked.connect(self._skip_all)
        self.continue_button = QPushButton(
            self.tr("Continue to listening")
            if phase is Phase.BEFORE
            else self.tr("See what changed")
        )
        self.continue_button.setProperty("role", "primary")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self._submit)
        buttons.addWidget(self.skip_all)
        buttons.addStretch(1)
        self.waiting = plain_label("", "muted", wrap=False)
        buttons.addWidget(self.waiting)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.reset()

    def _build_emotions(self) -> QWidget:
        box, layout = card((20, 16, 20, 16), spacing=10)
        layout.addWidget(plain_label(self.tr("Any words for how you feel? (optional)"), "heading"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(8)
        self.emotion_buttons: dict[str, QPushButton] = {}
        for row, (_, words) in enumerate(EMOTION_GROUPS):
            for column, word in enumerate(words):
                button = QPushButton(emotion_name(word))
                button.setCheckable(True)
                button.setProperty("role", "chip")
                grid.addWidget(button, row, column)
                self.emotion_buttons[word] = button
        layout.addLayout(grid)
        return box

    def reset(self) -> None:
        """Clear every answer: each check-in starts blank."""
        for question in self.questions:
            question.reset()
        for button in self.emotion_buttons.values():
            button.setChecked(False)
        self.note.clear()
        self._update_continue()

    def focus_first(self) -> None:
        self.questions[0].input_widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def check_in(self) -> CheckIn:
        """The check-in as currently entered."""
        return CheckIn(
            phase=self.phase,
            answers={question.item.key: question.value() for question in self.questions},
            emotions=tuple(
                word for word, button in self.emotion_buttons.items() if button.isChecked()
            ),
            note=self.note.toPlainText().strip()[:MAX_NOTE_LENGTH],
        )

    def _update_continue(self) -> None:
        waiting = sum(1 for question in self.questions if not question.is_settled())
        self.continue_button.setEnabled(waiting == 0)
        self.waiting.setText(
            ""
            if waiting == 0
            else plural(
                waiting,
                self.tr("%n question to answer or skip"),
                self.tr("%n questions to answer or skip"),
            )
        )

    def _advance_focus(self) -> None:
        for question in self.questions:
            if not question.is_settled():
                question.input_widget.setFocus(Qt.FocusReason.TabFocusReason)
                return
        self.continue_button.setFocus(Qt.FocusReason.TabFocusReason)  # Enter again goes on

    def _submit(self) -> None:
        if self.continue_button.isEnabled():
            self.submitted.emit(self.check_in())

    def _skip_all(self) -> None:
        self.submitted.emit(CheckIn.skipped_in(self.phase))
