"""A short grounding exercise (5-4-3-2-1 senses), reachable at every moment of a session."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.text import plain_label


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
        layout = roomy_page(self)
        layout.addWidget(plain_label(self.tr("Stop and ground"), "title"))
        self.subtitle = plain_label("", "muted")
        layout.addWidget(self.subtitle)
        layout.addStretch(1)
        panel, card_layout = card((40, 40, 40, 40), spacing=6)
        self.step_text = plain_label("", "large")
        self.step_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.step_text.setMinimumHeight(120)
        card_layout.addWidget(self.step_text)
        self.step_count = plain_label("", "muted")
        self.step_count.setAlignment(Qt.AlignmentFlag.AlignCenter)
        card_layout.addWidget(self.step_count)
        layout.addWidget(panel)
        steps = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back"))
        self.back_button.clicked.connect(lambda: self._show_step(self._step - 1))
        self.next_button = QPushButton(self.tr("Next"))
        self.next_button.setProperty("role", "primary")
        self.next_button.clicked.connect(lambda: self._show_step(self._step + 1))
        steps.addStretch(1)
        steps.addWidget(self.back_button)
        steps.addWidget(self.next_button)
        steps.addStretch(1)
        layout.addLayout(steps)
        layout.addStretch(2)
        leave = QHBoxLayout()
        self.end_button = QPushButton(self.tr("End the session"))
        self.end_button.clicked.connect(self.end_requested.emit)
        self.return_button = QPushButton(self.tr("Return to the music"))
        self.return_button.clicked.connect(self.return_requested.emit)
        leave.addWidget(self.end_button)
        leave.addStretch(1)
        leave.addWidget(self.return_button)
        layout.addLayout(leave)
        self._show_step(0)

    def begin(self, return_text: str, can_end: bool) -> None:
        """Start again from the first step; ``can_end`` when there is music to end."""
        self.subtitle.setText(
            self.tr("The music is paused. Take this at your own pace.")
            if can_end
            else self.tr("Take this at your own pace.")
        )
        self.return_button.setText(return_text)
        self.end_button.setVisible(can_end)
        self._show_step(0)
        self.next_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_step(self, step: int) -> None:
        self._step = max(0, min(len(self.steps) - 1, step))
        self.step_text.setText(self.steps[self._step])
        self.step_count.setText(
            self.tr("%1 of %2")
            .replace("%1", str(self._step + 1))
            .replace("%2", str(len(self.steps)))
        )
        self.back_button.setEnabled(self._step > 0)
        self.next_button.setEnabled(self._step < len(self.steps) - 1)
