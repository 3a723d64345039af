"""After a session: before → after for each item, in plain words."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.journal import Outcome
from mtcalm.session import SessionSummary
from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.text import change_text, change_words, minutes_text, plain_label


class SummaryPage(QWidget):
    home_requested = Signal()
    journal_requested = Signal()
    grounding_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = roomy_page(self)
        layout.addWidget(plain_label(self.tr("What changed"), "title"))
        self.outcome = plain_label("", "muted")
        layout.addWidget(self.outcome)
        panel, self._changes_layout = card()
        layout.addWidget(panel)
        self.flag = plain_label("", "notice")
        self.flag.hide()
        layout.addWidget(self.flag)
        self.ground_button = QPushButton(self.tr("Try a grounding exercise"))
        self.ground_button.setProperty("role", "ground")
        self.ground_button.clicked.connect(self.grounding_requested.emit)
        self.ground_button.hide()
        layout.addWidget(self.ground_button)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        self.journal_button = QPushButton(self.tr("Open the journal"))
        self.journal_button.clicked.connect(self.journal_requested.emit)
        self.done_button = QPushButton(self.tr("Done"))
        self.done_button.setProperty("role", "primary")
        self.done_button.clicked.connect(self.home_requested.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.journal_button)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        self.change_labels: list[QWidget] = []

    def show_summary(self, summary: SessionSummary) -> None:
        for label in self.change_labels:
            label.deleteLater()
        self.change_labels = []
        for change in summary.changes:
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(plain_label(change_text(change), "large", wrap=False))
            row_layout.addStretch(1)
            row_layout.addWidget(plain_label(change_words(change), "muted", wrap=False))
            self._changes_layout.addWidget(row)
            self.change_labels.append(row)
        how = (
            self.tr("You listened to the end")
            if summary.outcome is Outcome.COMPLETED
            else self.tr("You ended the session early")
        )
        self.outcome.setText(
            self.tr("%1, %2 of listening.")
            .replace("%1", how)
            .replace("%2", minutes_text(summary.listened_seconds))
        )
        if summary.distress_rose:
            self.flag.setText(
                self.tr(
                    "Your distress went up this time. That can happen, and it is worth noticing; "
                    "the journal marks this session so you can talk it over. A grounding "
                    "exercise may help now."
                )
            )
        self.flag.setVisible(summary.distress_rose)
        self.ground_button.setVisible(summary.distress_rose)
        self.done_button.setFocus()
