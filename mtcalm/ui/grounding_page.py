"""A short grounding exercise (5-4-3-2-1 senses), reachable at every moment of a session.

The page opens at its top with the focus on "Next", the exercise's own way on. Left and Right
move between the steps wherever the focus is (Qt's buttons would move the focus instead, and
Right from "Next" once reached "End the session"); only Tab reaches the buttons that leave.
Those sit apart, under a line: going back to what was happening first, ending the session last.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QWidget,
)

from mtcalm.ui import theme
from mtcalm.ui.layout import READABLE_WIDTH, card, roomy_page
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import set_role

STEP_KEYS = {Qt.Key.Key_Left: -1, Qt.Key.Key_Right: 1}


class GroundingPage(QWidget):
    """Step by step through the senses, then back to the session or out of it."""

    return_requested = Signal()
    end_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.steps = [
            self.tr(
                "Feel your feet on the floor. Let your breath slow down, a little longer "
                "out than in."
            ),
            self.tr("Look around you. Name five things you can see."),
            self.tr("Notice four things you can feel: your hands, your clothes, the chair."),
            self.tr("Listen for three things you can hear."),
            self.tr("Notice two things you can smell, or two smells you like."),
            self.tr("Notice one thing you can taste, or take a sip of water."),
            self.tr("You are here, now. Take one more slow breath. Go on when you are ready."),
        ]
        self._step = 0
        layout = roomy_page(self, scrolls_when_small=True, max_width=READABLE_WIDTH)
        layout.setContentsMargins(theme.PAGE_MARGIN * 2, 32, theme.PAGE_MARGIN * 2, 24)
        layout.addWidget(plain_label(self.tr("Stop and ground"), "title"))
        self.subtitle = plain_label("", "muted")
        layout.addWidget(self.subtitle)
        layout.addSpacing(theme.SPACING // 2)
        panel, card_layout = card((32, 24, 32, 20), spacing=6)
        self.step_text = plain_label("", "large")
        self.step_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.step_text.setMinimumHeight(96)
        card_layout.addWidget(self.step_text)
        self.step_count = plain_label("", "muted")
        self.step_count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout.addWidget(self.step_count)
        layout.addWidget(panel)
        steps = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.setToolTip(self.tr("The step before (Left arrow)"))
        self.back_button.clicked.connect(lambda: self._go(-1))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setToolTip(self.tr("The next step (Right arrow)"))
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(lambda: self._go(1))
        steps.addStretch(1)
        steps.addWidget(self.back_button)
        steps.addWidget(self.next_button)
        steps.addStretch(1)
        layout.addLayout(steps)
        layout.addStretch(1)
        layout.addSpacing(theme.SPACING)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Plain)
        line.setStyleSheet(f"color: {theme.BORDER};")
        layout.addWidget(line)
        leave = QHBoxLayout()
        self.return_button = QPushButton(self.tr("Return to the music"))
        self.return_button.clicked.connect(self.return_requested.emit)
        self.end_button = QPushButton(self.tr("End the session"))
        self.end_button.setToolTip(self.tr("The music fades out, then you check in"))
        self.end_button.clicked.connect(self.end_requested.emit)
        leave.addWidget(self.return_button)
        leave.addStretch(1)
        leave.addWidget(self.end_button)
        layout.addLayout(leave)
        self._scroll_area = self.findChild(QScrollArea)
        for button in (self.back_button, self.next_button, self.return_button, self.end_button):
            button.installEventFilter(self)
        QWidget.setTabOrder(self.back_button, self.next_button)
        QWidget.setTabOrder(self.next_button, self.return_button)
        QWidget.setTabOrder(self.return_button, self.end_button)
        self._show_step(0)

    def begin(self, return_text: str, can_end: bool, *, music_paused: bool = False) -> None:
        """Start again from the first step; ``can_end`` when there is a session to end, and
        ``music_paused`` when grounding paused its music (said only when true).
        """
        self.subtitle.setText(
            self.tr("The music is paused. Take this at your own pace.")
            if music_paused
            else self.tr("Take this at your own pace.")
        )
        self.return_button.setText(return_text)
        self.end_button.setVisible(can_end)
        self._show_step(0)
        self.focus_first()

    def focus_first(self) -> None:
        """Open at the top, with the focus on the exercise's way on."""
        if self._scroll_area is not None:
            self._scroll_area.verticalScrollBar().setValue(0)
            self._scroll_area.horizontalScrollBar().setValue(0)
        self._main_action().setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and isinstance(watched, QAbstractButton)
            and event.key() in STEP_KEYS
            and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        ):
            self._go(STEP_KEYS[Qt.Key(event.key())])
            return True  # never on to the next button
        return super().eventFilter(watched, event)

    def _main_action(self) -> QPushButton:
        """ "Next", or at the last step the way back (the step says "Go on when you are ready")."""
        return self.next_button if self._step < len(self.steps) - 1 else self.return_button

    def _go(self, change: int) -> None:
        self._show_step(self._step + change)

    def _show_step(self, step: int) -> None:
        self._step = max(0, min(len(self.steps) - 1, step))
        self.step_text.setText(self.steps[self._step])
        self.step_count.setText(
            self.tr("%1 of %2")
            .replace("%1", str(self._step + 1))
            .replace("%2", str(len(self.steps)))
        )
        last = self._step == len(self.steps) - 1
        # Focus first on the button that stays usable: a disabled one passes the focus on.
        if last and self.next_button.hasFocus():
            self.return_button.setFocus(Qt.FocusReason.OtherFocusReason)
        if self._step == 0 and self.back_button.hasFocus():
            self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.back_button.setEnabled(self._step > 0)
        self.next_button.setEnabled(not last)
        set_role(self.next_button, "" if last else "primary")
        set_role(self.return_button, "primary" if last else "")
