"""After a session: before → after for each item, in plain words."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from mtcalm.journal.store import Outcome
from mtcalm.session import SessionSummary
from mtcalm.ui.layout import card, roomy_page
from mtcalm.ui.text import change_text, change_words, minutes_text, plain_label


class SummaryPage(QWidget):
    home_requested = Signal()
    journal_requested = Signal()
    grounding_requested = Signal()
    flag_requested = Signal(int, bool)  # a heard track's index; True to flag it as a trigger

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
        self.flags_panel, self._flags_layout = card()
        self._flags_layout.addWidget(
            plain_label(
                self.tr(
                    "If a track brought up urges or hard memories, you can flag it. "
                    "Flagged tracks are skipped in later sessions, and your therapist can see "
                    "them in the journal."
                ),
                "muted",
            )
        )
        self.flags_panel.hide()
        layout.addWidget(self.flags_panel)
        self.flag_buttons: dict[int, QPushButton] = {}
        self._flag_rows: list[QWidget] = []
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
        self.offer_flags(())
        self.flag.setVisible(summary.distress_rose)
        self.ground_button.setVisible(summary.distress_rose)
        self.done_button.setFocus()

    def offer_flags(self, tracks: Sequence[tuple[int, str, bool]]) -> None:
        """Offer to flag the tracks heard: (index, title, already flagged) for each."""
        for row in self._flag_rows:
            row.deleteLater()
        self._flag_rows = []
        self.flag_buttons = {}
        for index, title, flagged in tracks:
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(plain_label(title), 1)
            button = QPushButton()
            button.setProperty("role", "quiet")
            button.setAccessibleName(self.tr("Flag %1 as a trigger").replace("%1", title))
            button.clicked.connect(
                lambda _checked=False, at=index: self.flag_requested.emit(
                    at, not self._is_flagged(at)
                )
            )
            row_layout.addWidget(button)
            self._flags_layout.addWidget(row)
            self._flag_rows.append(row)
            self.flag_buttons[index] = button
            self.show_flagged(index, flagged)
        self.flags_panel.setVisible(bool(tracks))

    def show_flagged(self, index: int, flagged: bool) -> None:
        button = self.flag_buttons.get(index)
        if button is not None:
            button.setProperty("flagged", flagged)
            button.setText(self.tr("Flagged · remove") if flagged else self.tr("Flag this track"))

    def _is_flagged(self, index: int) -> bool:
        button = self.flag_buttons.get(index)
        return bool(button is not None and button.property("flagged"))
