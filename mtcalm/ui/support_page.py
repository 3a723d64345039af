"""Shown when distress is very high before listening: choices, never a diagnosis."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.ui.layout import roomy_page
from mtcalm.ui.text import plain_label


class SupportPage(QWidget):
    grounding_requested = Signal()
    carry_on_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = roomy_page(self)
        layout.addWidget(plain_label(self.tr("That sounds like a lot right now"), "title"))
        layout.addWidget(
            plain_label(
                self.tr(
                    "You do not have to push through it. You could take a minute to ground "
                    "yourself first, or go straight to the music. If you have agreed with "
                    "someone to reach out when things feel like this, now is a good moment."
                )
            )
        )
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.ground_button = QPushButton(self.tr("Ground myself first"))
        self.ground_button.setProperty("role", "primary")
        self.ground_button.clicked.connect(self.grounding_requested.emit)
        self.carry_on_button = QPushButton(self.tr("Go on to the music"))
        self.carry_on_button.clicked.connect(self.carry_on_requested.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.carry_on_button)
        buttons.addWidget(self.ground_button)
        layout.addLayout(buttons)
