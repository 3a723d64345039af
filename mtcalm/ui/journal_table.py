"""The journal's list as a table: one line per entry, every line the same height.

Nothing is measured per row (a table that sizes each row to its contents asks the model for
every row: minutes at 100,000 sessions). The columns take the width of the longest text they
can hold, worked out from the font, and "What" takes the rest; when the width runs short the
least needed columns step aside (their words stay in each row's tooltip and in the detail).
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QEvent, QLocale, QModelIndex, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from mtcalm.ui.journal_model import Column, HistoryModel, column_title
from mtcalm.ui.journal_words import MISSING, short_when
from mtcalm.ui.text import tr

CELL_PADDING = 28  # the style sheet's 10px either side of a cell, and a little air
CELL_VERTICAL_PADDING = 6  # the style sheet's, above and below
HEADER_PADDING = 24
WHAT_CHARACTERS = 20  # "What" keeps room for about this many characters before others go
# Which columns step aside first when the width runs short; When, What and Distress stay.
STEP_ASIDE = (Column.ENERGY, Column.PLEASANTNESS, Column.LISTENED, Column.NOTES, Column.FLAGGED)


class SessionTable(QTableView):
    """The entries, newest first, fitted to the width: never a sideways scroll bar."""

    def __init__(self, model: HistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history_model = model
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move in it
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setCornerButtonEnabled(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = self.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(24)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._natural: dict[Column, int] = {}

    # -- sizes ---------------------------------------------------------------------------------

    def fit(self) -> None:
        """Row height and column widths from the font as it is now."""
        metrics = self.fontMetrics()
        height = metrics.height() + 2 * CELL_VERTICAL_PADDING + 2
        rows = self.verticalHeader()
        rows.setMinimumSectionSize(height)
        rows.setDefaultSectionSize(height)
        self._natural = self._natural_widths()
        self.fit_columns()

    def row_height(self) -> int:
        return self.verticalHeader().defaultSectionSize()

    def _natural_widths(self) -> dict[Column, int]:
        """The width each column needs for the longest text it can show, and its title."""
        metrics = self.fontMetrics()
        titles = self.horizontalHeader().fontMetrics()

        def widest(texts: list[str]) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts) + CELL_PADDING

        # The widest short day and month names, with two-digit days, a year and a late hour.
        locale = QLocale()
        day = max(
            (locale.dayName(n, QLocale.FormatType.ShortFormat) for n in range(1, 8)),
            key=metrics.horizontalAdvance,
        )
        month = max(
            (locale.monthName(n, QLocale.FormatType.ShortFormat) for n in range(1, 13)),
            key=metrics.horizontalAdvance,
        )
        dates = [
            f"{day} 28 {month} 2000, 23:59",
            short_when(datetime(2000, 12, 28, 23, 59), date(2001, 1, 1)),
        ]
        change = ["10 → 10", f"{MISSING} → {MISSING}", tr("skipped")]
        contents = {
            Column.WHEN: dates,
            Column.WHAT: ["W" * 3],
            Column.DISTRESS: change,
            Column.PLEASANTNESS: change,
            Column.ENERGY: change,
            Column.LISTENED: [tr("%1 min").replace("%1", "999"), tr("<1 min")],
            Column.FLAGGED: [tr("Flagged")],
            Column.NOTES: [f"{tr('notes')}, {tr('drawing')}"],
        }
        return {
            column: max(
                widest(texts), titles.horizontalAdvance(column_title(column)) + HEADER_PADDING
            )
            for column, texts in contents.items()
        }

    def fit_columns(self) -> None:
        """Share the width among the columns; the least needed step aside when it is short."""
        if not self._natural:
            return
        # Room is kept for the scroll bar, shown or not, so the widths never flicker.
        available = self.maximumViewportSize().width() - self.verticalScrollBar().sizeHint().width()
        what_least = self.fontMetrics().averageCharWidth() * WHAT_CHARACTERS + CELL_PADDING
        shown: list[Column] = [column for column in Column if column is not Column.WHAT]
        for column in STEP_ASIDE:
            if sum(self._natural[c] for c in shown) + what_least <= available:
                break
            shown.remove(column)
        header = self.horizontalHeader()
        for column in Column:
            self.setColumnHidden(column, column is not Column.WHAT and column not in shown)
        for column in shown:
            header.resizeSection(column, self._natural[column])
        rest = available - sum(self._natural[column] for column in shown)
        header.resizeSection(Column.WHAT, max(header.minimumSectionSize(), rest))

    def shown_columns(self) -> list[Column]:
        return [column for column in Column if not self.isColumnHidden(column)]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.fit()

    # -- moving about --------------------------------------------------------------------------

    def select(self, row: int) -> None:
        """Make ``row`` the current, selected row and bring it into view."""
        index = self.history_model.index(row, Column.WHEN)
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        self.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def current_row(self) -> int | None:
        index: QModelIndex = self.currentIndex()
        return index.row() if index.isValid() else None
