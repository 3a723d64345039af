"""The journal's "Listening homework" page: every programme a therapist gave, week by week, in
kind words, from actual listening (:mod:`mtcalm.ui.adherence_view`), under a way back.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from mtcalm.homework.programmes import programmes
from mtcalm.journal.file import JournalError, unavailable
from mtcalm.journal.store import Journal
from mtcalm.ui.adherence_view import AdherenceView
from mtcalm.ui.journal_views import back_row
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.text import plain_label


class HomeworkPage(QWidget):
    """Listening homework, kindly: each programme, its schedule and its weeks."""

    back_requested = Signal()

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        self.back_button = back_row(self, layout)
        self.back_button.clicked.connect(self.back_requested)
        layout.addWidget(plain_label(self.tr("Listening homework"), "title"))
        layout.addWidget(
            plain_label(
                self.tr(
                    "What your therapist asked, and what you listened to, week by week. "
                    "It is counted from the player, so you never need to write it down."
                ),
                "muted",
            )
        )
        self.problem = plain_label("", "notice")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.view = AdherenceView()
        self.view.empty_text = self.tr(
            "No homework has been added. A therapist can give you a file to add under Your data."
        )
        layout.addWidget(self.view)
        layout.addStretch(1)

    def refresh(self, today: date | None = None) -> None:
        """Read the programmes again, as they stand ``today`` (the local date by default)."""
        today = today or date.today()
        try:
            try:
                found = programmes(self.journal.reading, today)
            except sqlite3.Error as error:
                raise unavailable(error, self.journal.path) from error
        except JournalError as error:
            self.problem.setText(
                self.tr("Your journal could not be read just now. %1").replace("%1", error.long)
            )
            self.problem.show()
            self.view.show_programmes((), today, plain=False)
            return
        self.problem.hide()
        self.view.show_programmes(found, today, plain=False)
