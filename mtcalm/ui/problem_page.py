"""When the journal cannot be opened: say so plainly and offer a fresh one beside it."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.ui.layout import roomy_page
from mtcalm.ui.text import plain_label


class JournalProblemPage(QWidget):
    fresh_journal_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = roomy_page(self)
        self.heading = plain_label("", "title")
        layout.addWidget(self.heading)
        self.details = plain_label("")
        self.details.setTextInteractionFlags(self.details.textInteractionFlags())
        layout.addWidget(self.details)
        layout.addWidget(
            plain_label(
                self.tr(
                    "Your old journal has not been changed or deleted. You can start a fresh "
                    "journal beside it and keep the old file for later (for example, to open it "
                    "with a newer mtcalm or to show your therapist)."
                ),
                "muted",
            )
        )
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.quit_button = QPushButton(self.tr("Quit"))
        self.quit_button.clicked.connect(self.quit_requested.emit)
        self.fresh_button = QPushButton(self.tr("Start a fresh journal"))
        self.fresh_button.setProperty("role", "primary")
        self.fresh_button.clicked.connect(self.fresh_journal_requested.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.fresh_button)
        layout.addLayout(buttons)

    def show_problem(self, short: str, long: str) -> None:
        self.heading.setText(short)
        self.details.setText(long)
