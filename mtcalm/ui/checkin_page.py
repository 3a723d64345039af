"""The check-in before and after listening: sliders with no preset value, words, a note."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.checkin import (
    EMOTION_GROUPS,
    MAX_NOTE_LENGTH,
    CheckIn,
    CheckInItem,
    Phase,
    items_for,
)
from mtcalm.ui import theme
from mtcalm.ui.checkin_question import CheckInQuestion, set_chip_description
from mtcalm.ui.layout import READABLE_WIDTH, FlowLayout, card, scrolling_page
from mtcalm.ui.text import emotion_name, plain_label, plural

VIEW_MARGIN = 24  # room kept above and below a control scrolled into view


class CheckInPage(QWidget):
    """The whole check-in for one phase. Emits ``submitted`` with the :class:`CheckIn`.

    Before listening, ``cancel_requested`` means "take me back, I chose the wrong thing";
    after listening, every question may be skipped at once (the after check-in is optional).
    """

    submitted = Signal(object)
    cancel_requested = Signal()
    questions_requested = Signal()  # the person wants to add or change optional questions

    def __init__(self, phase: Phase, parent: QWidget | None = None, *, alone: bool = False) -> None:
        """``alone``: a check-in on its own ("Just check in"), kept without listening."""
        super().__init__(parent)
        self.phase = phase
        self.alone = alone
        self.optional_items: tuple[CheckInItem, ...] = ()
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        scroll_area = self.findChild(QScrollArea)
        assert scroll_area is not None
        self.scroll_area: QScrollArea = scroll_area
        before = phase is Phase.BEFORE

        # A way out, above the title where it is found at once: back to choosing (before),
        # or past every question (after). Quiet: "Continue" stays the main action.
        self.back_button: QPushButton | None = None
        self.skip_all = QPushButton(
            self.tr("Skip check-in") if before else self.tr("Skip these questions")
        )
        self.skip_all.setProperty("role", "quiet")
        self.skip_all.setToolTip(
            self.tr("Go on without answering: nothing is recorded as a number")
        )
        self.skip_all.clicked.connect(self._skip_all)
        way_out = QHBoxLayout()
        if before:
            self.back_button = QPushButton(
                self.tr("Back home") if alone else self.tr("Choose something else")
            )
            self.back_button.setProperty("role", "quiet")
            self.back_button.setToolTip(self.tr("Go back without starting a session"))
            self.back_button.clicked.connect(self.cancel_requested)
            way_out.addWidget(self.back_button)
            way_out.addStretch(1)
        else:
            way_out.addStretch(1)
            way_out.addWidget(self.skip_all)
        layout.addLayout(way_out)
        title = self.tr("Before you listen") if before else self.tr("After listening")
        layout.addWidget(plain_label(self.tr("How are you now?") if alone else title, "title"))
        self.intro = plain_label(
            self.tr(
                "A check-in on its own, kept in your journal beside your sessions. Place each "
                "slider where it feels right, and skip anything you prefer not to answer."
            )
            if alone
            else self.tr(
                "A short check-in: place each slider where it feels right. There are no right "
                "answers. Skip anything you prefer not to answer."
            )
            if before
            else self.tr(
                "A few questions about how you are now. All of them are optional: skip any, "
                "or all of them."
            ),
            "muted",
        )
        layout.addWidget(self.intro)

        self._question_list = QVBoxLayout()
        self._question_list.setSpacing(theme.SPACING)
        layout.addLayout(self._question_list)
        self.questions: list[CheckInQuestion] = []
        self._add_questions(items_for(phase))
        self.change_questions = QPushButton(
            self.tr("Add or change questions…") if before else self.tr("Change questions…")
        )
        self.change_questions.setProperty("role", "quiet")
        self.change_questions.setToolTip(
            self.tr("Ask about craving, tension, or something of your own, from now on")
        )
        self.change_questions.clicked.connect(self.questions_requested)
        more = QHBoxLayout()
        more.addWidget(self.change_questions)
        more.addStretch(1)
        layout.addLayout(more)
        layout.addWidget(self._build_emotions())
        note_label = plain_label(self.tr("A note, if you like"), "heading")
        layout.addWidget(note_label)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText(self.tr("Anything you want to remember about now"))
        self.note.setFixedHeight(84)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(self.tr("Note"))
        self.note.setAccessibleDescription(self.tr("optional"))
        note_label.setBuddy(self.note)
        layout.addWidget(self.note)

        # What Continue waits for, in a place of its own (kept when empty: nothing jumps).
        self.waiting = plain_label("", "muted")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.waiting.setMinimumHeight(self.waiting.fontMetrics().lineSpacing())
        layout.addWidget(self.waiting)
        buttons = FlowLayout(spacing=theme.SPACING, right=True)
        if before and not alone:  # a check-in on its own is nothing but its answers
            buttons.addWidget(self.skip_all)
        elif alone:
            self.skip_all.setParent(self)
            self.skip_all.hide()
        go_on = self.tr("Continue to listening") if before else self.tr("See what changed")
        self.continue_button = QPushButton(self.tr("Keep this check-in") if alone else go_on)
        self.continue_button.setProperty("role", "primary")
        self.continue_button.setAutoDefault(False)  # looks and acts like the other buttons
        self.continue_button.clicked.connect(self._submit)
        buttons.addWidget(self.continue_button)
        layout.addLayout(buttons)
        layout.addStretch(1)

        self._watch_focus(self)
        self.reset()

    def _add_questions(self, items: tuple[CheckInItem, ...]) -> None:
        for item in items:
            question = CheckInQuestion(item, self.phase)
            question.changed.connect(self._update_continue)
            if question.scale is not None:
                question.scale.submitted.connect(lambda asked=question: self._advance_focus(asked))
            self._question_list.addWidget(question)
            self.questions.append(question)

    def _watch_focus(self, root: QWidget) -> None:
        for widget in root.findChildren(QWidget):
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
                widget.installEventFilter(self)  # a focused control is always in view

    def set_optional_items(self, items: tuple[CheckInItem, ...]) -> None:
        """Ask these optional items too (after the core ones); answers already given to a
        question that stays are kept.
        """
        items = tuple(item for item in items if self.phase in item.phases)
        if items == self.optional_items:
            return
        self.optional_items = items
        kept = {q.item.key: (q.value(), q.skip_button.isChecked()) for q in self.questions}
        for question in self.questions:
            question.hide()
            question.setParent(None)
            question.deleteLater()
        self.questions = []
        self._add_questions(items_for(self.phase, items))
        for question in self.questions:
            value, skipped = kept.get(question.item.key, (None, False))
            question.restore(value, skipped=skipped)
            self._watch_focus(question)
            question.show()  # made on a shown page: hidden until shown, and left out of Tab
        self._order_focus()
        self._update_continue()

    def _order_focus(self) -> None:
        """Tab in reading order: new questions are made after the rest of the page."""
        chain: list[QWidget] = []
        for widget in self.findChildren(QWidget):
            if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(self):
                chain.append(widget)
        ordered = sorted(chain, key=self._reading_place)
        for before, after in itertools.pairwise(ordered):
            QWidget.setTabOrder(before, after)

    def _reading_place(self, widget: QWidget) -> tuple[int, int, int]:
        """Where ``widget`` comes when the page is read: questions in their order, the rest by
        its place in the page's layout.
        """
        for number, question in enumerate(self.questions):
            if question.isAncestorOf(widget):
                inside = question.findChildren(QWidget).index(widget)
                return (1, number, inside)
        order = self.findChildren(QWidget)  # the order things were put on the page
        section = 0 if order.index(widget) < order.index(self.change_questions) else 2
        return (section, 0, order.index(widget))

    def _build_emotions(self) -> QWidget:
        """The words, a group to a row while they fit (they wrap when the window is narrow)."""
        box, layout = card((20, 16, 20, 16), spacing=10)
        layout.addWidget(plain_label(self.tr("Any words for how you feel? (optional)"), "heading"))
        self.emotion_buttons: dict[str, QPushButton] = {}
        groups: list[list[QPushButton]] = []
        for _, words in EMOTION_GROUPS:
            groups.append([])
            for word in words:
                button = QPushButton(emotion_name(word))
                button.setCheckable(True)
                button.setProperty("role", "chip")
                button.setAccessibleName(button.text())
                button.toggled.connect(lambda _on, chip=button: set_chip_description(chip))
                set_chip_description(button)
                groups[-1].append(button)
                self.emotion_buttons[word] = button
        # One cell width for every group, so the words line up in columns.
        cell = max(button.sizeHint().width() for button in self.emotion_buttons.values())
        for group in groups:
            row = FlowLayout(spacing=8, cell=cell)
            for button in group:
                row.addWidget(button)
            layout.addLayout(row)
        return box

    # -- public --------------------------------------------------------------------------------

    def reset(self) -> None:
        """Clear every answer and go back to the top: each check-in starts blank."""
        for question in self.questions:
            question.reset()
        for button in self.emotion_buttons.values():
            button.setChecked(False)
        self.note.clear()
        self._update_continue()
        self.scroll_to_top()

    def scroll_to_top(self) -> None:
        self.scroll_area.verticalScrollBar().setValue(0)
        self.scroll_area.horizontalScrollBar().setValue(0)

    def focus_first(self) -> None:
        """Open at the top with the first question focused."""
        self.scroll_to_top()
        self.questions[0].focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_unanswered(self) -> None:
        """Focus the first question neither answered nor skipped (after new questions were
        added, the first of them), shown on screen; with none, the button that changes them.
        """
        for question in self.questions:
            if question.value() is None and not question.skip_button.isChecked():
                target = question.focus_target()
                break
        else:
            target = self.change_questions
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.scroll_area.ensureWidgetVisible(target)

    def check_in(self) -> CheckIn:
        """The check-in as currently entered."""
        return CheckIn(
            phase=self.phase,
            items=tuple(question.item for question in self.questions),
            answers={question.item.key: question.value() for question in self.questions},
            emotions=tuple(
                word for word, button in self.emotion_buttons.items() if button.isChecked()
            ),
            note=self.note.toPlainText().strip()[:MAX_NOTE_LENGTH],
        )

    # -- behaviour -----------------------------------------------------------------------------

    def bring_into_view(self, widget: QWidget) -> None:
        """Scroll so that the whole of ``widget`` shows, with a margin (its top, if it is
        taller than the window). Qt's own way shows only a text field's cursor line.
        """
        body = self.scroll_area.widget()
        if body is None or not body.isAncestorOf(widget):
            return
        corner = widget.mapTo(body, QPoint(0, 0))
        top = corner.y() - VIEW_MARGIN
        bottom = top + widget.height() + 2 * VIEW_MARGIN
        bar = self.scroll_area.verticalScrollBar()
        height = self.scroll_area.viewport().height()
        if bottom > bar.value() + height:
            bar.setValue(bottom - height)
        if top < bar.value():
            bar.setValue(top)
        middle = corner.y() + widget.height() // 2
        self.scroll_area.ensureVisible(
            corner.x() + widget.width() // 2, middle, widget.width() // 2, 0
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched, QWidget):
            self.bring_into_view(watched)
        return False

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

    def _advance_focus(self, asked: CheckInQuestion) -> None:
        """Enter on a scale: on to the next question; after the last, to the main button (or,
        while it waits, back to the first question still open), always brought into view.
        """
        index = self.questions.index(asked)
        target: QWidget
        if index + 1 < len(self.questions):
            target = self.questions[index + 1].focus_target()
        elif self.continue_button.isEnabled():
            target = self.continue_button
        else:
            target = next(q for q in self.questions if not q.is_settled()).focus_target()
        target.setFocus(Qt.FocusReason.TabFocusReason)
        self.bring_into_view(target)

    def _submit(self) -> None:
        if self.continue_button.isEnabled():
            self.submitted.emit(self.check_in())

    def _skip_all(self) -> None:
        """Skip what is left; answers already given are kept, never thrown away."""
        answered = self.check_in()
        given = any(value is not None for value in answered.answers.values())
        if given or answered.emotions or answered.note:
            self.submitted.emit(answered)
        else:
            self.submitted.emit(CheckIn.skipped_in(self.phase))
