"""The pages of a review window that are its own: homework adherence and flagged tracks, and
the journal's charts and "what helps" panels reading a journal held in memory.

The journal's own panels read on a background thread over a connection they open by the
journal's path; a review journal has no file, so here they are given another connection to
the same memory (:func:`mtcalm.journal.review.another_reader`) and are otherwise the same.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QWidget

from mtcalm.homework.programmes import programmes
from mtcalm.journal.file import JournalError
from mtcalm.journal.review import FlaggedTrack, another_reader, flagged_tracks
from mtcalm.journal.store import Journal
from mtcalm.ui.adherence_view import AdherenceView, day_text
from mtcalm.ui.charts import ChartsPanel
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.library_widgets import make_table
from mtcalm.ui.text import plain_label, plain_tooltip, tr
from mtcalm.ui.what_helps_panel import WhatHelpsPanel


def review_charts(journal: Journal, today: Callable[[], date]) -> ChartsPanel:
    """The journal's charts, reading "all time" over another connection to the memory."""
    return ChartsPanel(journal, today=today, open_reader=lambda: another_reader(journal))


def review_what_helps(journal: Journal, today: Callable[[], date]) -> WhatHelpsPanel:
    """What helps, read on a background thread over another connection to the memory."""
    return WhatHelpsPanel(journal.path, today, connect=journal.memory_connection)


class HomeworkReview(QWidget):
    """The export's homework programmes, week by week, as a plain table for the therapist."""

    def __init__(
        self,
        journal: Journal,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._journal = journal
        self._today = today
        layout = scrolling_page(self, max_width=READABLE_WIDTH + 200)
        layout.addWidget(plain_label(self.tr("Homework"), "title"))
        layout.addWidget(
            plain_label(
                self.tr(
                    "Each programme in this export, week by week: what was asked and what the "
                    "player measured (minutes actually heard, not what anyone said)."
                ),
                "muted",
            )
        )
        self.problem = plain_label("", "notice")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.view = AdherenceView()
        self.view.empty_text = self.tr("This export holds no homework programme.")
        layout.addWidget(self.view)
        layout.addStretch(1)

    def refresh(self) -> None:
        try:
            found = programmes(self._journal.reading, self._today())
        except JournalError as error:
            self.problem.setText(error.long)
            self.problem.show()
            return
        self.problem.hide()
        self.view.show_programmes(found, self._today(), plain=True)


def set_by_words(set_by: str) -> str:
    return tr("The therapist (homework)") if set_by == "therapist" else tr("The client")


class FlagsReview(QWidget):
    """The tracks flagged in the export as ones to avoid, with when and by whom."""

    def __init__(self, journal: Journal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._journal = journal
        self.flags: list[FlaggedTrack] = []
        layout = scrolling_page(self, max_width=READABLE_WIDTH + 200)
        layout.addWidget(plain_label(self.tr("Flagged tracks"), "title"))
        layout.addWidget(
            plain_label(
                self.tr("Tracks flagged as ones to avoid, by the client or through homework."),
                "muted",
            )
        )
        self.status = plain_label("", "muted")
        layout.addWidget(self.status)
        self.model = QStandardItemModel(0, 3, self)
        self.model.setHorizontalHeaderLabels(
            [self.tr("Track"), self.tr("Flagged on"), self.tr("Flagged by")]
        )
        self.table = make_table(self.tr("Flagged tracks"))
        self.table.setModel(self.model)
        layout.addWidget(self.table, 1)

    def refresh(self) -> None:
        try:
            self.flags = flagged_tracks(self._journal)
        except JournalError as error:
            self.flags = []
            self.status.setText(error.long)
        else:
            self.status.setText("" if self.flags else self.tr("No track is flagged."))
        self.status.setVisible(bool(self.status.text()))
        self.model.removeRows(0, self.model.rowCount())
        for flag in self.flags:
            when = day_text(flag.flagged_at.date()) if flag.flagged_at else ""
            cells = [flag.title or flag.track_key, when, set_by_words(flag.set_by)]
            row = []
            for text in cells:
                item = QStandardItem(text)  # a view's cell shows text as it is, never as HTML
                item.setToolTip(plain_tooltip(text))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                row.append(item)
            self.model.appendRow(row)
        self.table.fit_columns(  # the title shares what is left; the others fit their words
            {0: 1},
            {
                1: [self.model.item(n, 1).text() for n in range(self.model.rowCount())],
                2: [set_by_words("person"), set_by_words("therapist")],
            },
        )
        self.table.setVisible(bool(self.flags))
