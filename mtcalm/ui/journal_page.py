"""The journal: every session and check-in, newest first, to read together.

The list reads as it is scrolled (:class:`mtcalm.ui.journal_model.HistoryModel`), so it opens
as fast at 100,000 sessions as at ten. Opening the page again reads only what is new (the
session just finished); filters keep the person's place when the row they were on still
matches. A row opens (Enter, a double-click or "Open") into everything the journal keeps
about it, and Esc comes back to the same row.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from mtcalm.homework.programmes import has_programmes
from mtcalm.journal import history
from mtcalm.journal.file import JournalError
from mtcalm.journal.history import HistoryCount, HistoryRow, JournalFilter, JournalStamp
from mtcalm.journal.store import Journal, Outcome, SessionKind
from mtcalm.ui import theme
from mtcalm.ui.journal_filters import FilterBar
from mtcalm.ui.journal_model import PAGE_SIZE, HistoryCounter, HistoryModel
from mtcalm.ui.journal_table import SessionTable
from mtcalm.ui.layout import FlowLayout, scroll_to_top, scrolling_page
from mtcalm.ui.session_detail import SessionDetailView
from mtcalm.ui.text import plain_label, plural

TABLE_MIN_ROWS = 5  # a few entries are always seen; the page scrolls when space is short
KEEP_PLACE_ROWS = 2_000  # a filter keeps the row the person was on if it is this near the top


class JournalPage(QWidget):
    """The list of entries with its filters, and one entry read whole."""

    changes_requested = Signal()  # charts of before and after over time
    helps_requested = Signal()  # what helps me
    export_requested = Signal()  # a PDF summary, a spreadsheet or a complete copy
    homework_requested = Signal()  # listening homework, week by week

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)
        self.list_view = QWidget()
        self.stack.addWidget(self.list_view)
        self._detail: SessionDetailView | None = None

        layout = scrolling_page(self.list_view)
        layout.setSpacing(theme.SPACING)
        heading = QVBoxLayout()
        heading.setSpacing(4)  # the title and its line belong together
        self.title = plain_label(self.tr("Journal"), "title")
        heading.addWidget(self.title)
        self.subtitle = plain_label(
            self.tr("Your sessions, newest first. Everything stays on this computer."), "muted"
        )
        heading.addWidget(self.subtitle)
        layout.addLayout(heading)
        views = FlowLayout(spacing=8)  # wraps when narrow or at a large text scale
        # only when a therapist's homework was ever added (checked as the journal is shown)
        self.homework_button = QPushButton(self.tr("Homework"))
        homework_tip = self.tr("Listening homework from your therapist, week by week")
        self.homework_button.setToolTip(homework_tip)
        self.homework_button.setAccessibleDescription(homework_tip)
        self.homework_button.clicked.connect(self.homework_requested)
        self.homework_button.hide()
        self.offer_homework = True  # off where the homework has a button of its own (review)
        self.view_buttons: list[QPushButton] = []
        for text, tip, signal in (
            (
                self.tr("Changes over time"),
                self.tr("Charts of before and after, week by week"),
                self.changes_requested,
            ),
            (
                self.tr("What helps me"),
                self.tr("Which music, sounds and times of day went with the biggest changes"),
                self.helps_requested,
            ),
            (
                self.tr("Export or print…"),
                self.tr("A PDF summary for a therapy session, a spreadsheet, or a complete copy"),
                self.export_requested,
            ),
        ):
            button = QPushButton(text)
            button.setToolTip(tip)
            button.setAccessibleDescription(tip)
            button.clicked.connect(signal)
            if len(self.view_buttons) == 2:
                views.addWidget(self.homework_button)  # before "Export or print…"
            views.addWidget(button)
            self.view_buttons.append(button)
        layout.addLayout(views)
        body = layout.parentWidget()  # made in place: moving styled controls costs time
        self.filters = FilterBar(body)
        self.filters.changed.connect(self._filters_changed)
        layout.addWidget(self.filters)
        self.count_label = plain_label("", "muted")
        self.count_label.setAccessibleName(self.tr("How many entries"))
        self.open_button = QPushButton(self.tr("Open"))
        self.open_button.setToolTip(self.tr("Read everything kept with the selected session"))
        self.open_button.setAccessibleDescription(
            self.tr("Opens the selected session. Enter or a double-click on a row does too.")
        )
        self.open_button.clicked.connect(self.open_selected)
        status = QHBoxLayout()
        status.setSpacing(8)
        status.addWidget(self.count_label, 1)
        status.addWidget(self.filters.clear_button)
        status.addWidget(self.open_button)
        layout.addLayout(status)

        self.model = HistoryModel(self)
        self.counter = HistoryCounter(self)
        self.table = SessionTable(self.model, body)
        self.table.setAccessibleName(self.tr("Your sessions"))
        self.table.setAccessibleDescription(
            self.tr("Press Enter on a session to read everything kept with it.")
        )
        self.table.activated.connect(lambda index: self.open_row(index.row()))
        self.problem = plain_label("", "notice")
        self.problem.hide()
        layout.addWidget(self.problem)
        self.empty = plain_label("", "muted")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)  # only ever one of the two is shown

        self.model.modelReset.connect(self._show_state)
        self.model.rowsInserted.connect(self._show_state)
        self.model.searching_changed.connect(self._show_state)
        self.model.failed.connect(self._tell_problem)
        self.counter.counted.connect(self._show_count)
        self.counter.failed.connect(self._tell_problem)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self._journal: Journal | None = None
        self._stamp: JournalStamp | None = None
        self._problem = ""
        self.table.fit()
        self._show_state()

    # -- what the window tells the page ----------------------------------------------------------

    def show_journal(self, journal: Journal) -> None:
        """Show ``journal``: read the first time, and afterwards only what is new."""
        self.stack.setCurrentWidget(self.list_view)
        self._problem = ""
        try:
            if journal is not self._journal or self._stamp is None:
                self._load(journal)
            else:
                self._refresh(journal)
        except JournalError as error:
            self._tell_problem(error.long)
        self.homework_button.setVisible(self.offer_homework and _has_homework(journal))

    def focus_first(self) -> None:
        """The list, at its top, its first row current, and the focus on the first filter."""
        self.stack.setCurrentWidget(self.list_view)
        scroll_to_top(self.list_view)
        self.table.scrollToTop()
        if self.model.rowCount() > 0:
            self.table.select(0)
        self.filters.first_control().setFocus(Qt.FocusReason.TabFocusReason)

    # -- reading ----------------------------------------------------------------------------------

    def _load(self, journal: Journal, keep: HistoryRow | None = None) -> None:
        """Read the list from the top for the filters as they are (the place kept if it can)."""
        self._journal = journal
        self._stamp = history.stamp(journal)
        self.counter.forget()
        self.counter.know(JournalFilter(), self._stamp.everything)
        self.filters.set_contents(history.contents(journal))
        self._read(self.filters.journal_filter(), keep)

    def _read(self, journal_filter: JournalFilter, keep: HistoryRow | None) -> None:
        journal = self._journal
        if journal is None:
            return
        self.model.load(journal, journal_filter)
        self.counter.start(journal, journal_filter)
        self._keep_place(keep)
        self._show_state()

    def _refresh(self, journal: Journal) -> None:
        """Read what changed since the list was read: usually a session or two to put on top."""
        journal_filter = self.filters.journal_filter()
        stamp, old = history.stamp(journal), self._stamp
        if journal_filter != self.model.journal_filter:  # a day has passed: "last 7 days" moved
            if stamp != old:
                self._load(journal)
            else:
                self._read(journal_filter, None)
            return
        if stamp == old or old is None:
            return
        added = stamp.entries - old.entries
        top = self.model.row_at(0).key if self.model.rowCount() else None
        if (
            stamp.flagged_tracks != old.flagged_tracks
            or added != stamp.newest_id - old.newest_id  # something was taken away too
            or not 0 < added <= PAGE_SIZE
            or top is None
        ):
            self._load(journal)
            return
        newer = history.newer(journal, journal_filter, than=top, limit=PAGE_SIZE)
        shown = {row.id for row in newer}
        for session_id in range(old.newest_id + 1, stamp.newest_id + 1):
            if session_id not in shown and history.find(journal, journal_filter, session_id):
                self._load(journal)  # a new entry that sorts below the top (an import)
                return
        unfinished = [
            row.id
            for row in (self.model.row_at(n) for n in range(self.model.rowCount()))
            if row.outcome is Outcome.IN_PROGRESS
        ]
        for session_id in unfinished:
            again = history.find(journal, journal_filter, session_id)
            if again is None:
                self._load(journal)
                return
            self.model.replace(again)
        self._stamp = stamp
        self.filters.set_contents(history.contents(journal))
        self.model.add_newer(newer)
        self.counter.add(
            HistoryCount(
                sum(row.kind is SessionKind.LISTENING for row in newer),
                sum(row.kind is SessionKind.CHECKIN for row in newer),
            )
        )
        self._show_state()

    def _filters_changed(self) -> None:
        if self._journal is None:
            return
        self._problem = ""
        current = self.table.current_row()
        keep = self.model.row_at(current) if current is not None else None
        try:
            self._read(self.filters.journal_filter(), keep)
        except JournalError as error:
            self._tell_problem(error.long)

    def _keep_place(self, keep: HistoryRow | None) -> None:
        """Select the row the person was on if it still matches (reading down to it when it is
        near enough), else the first row; the list scrolls to show it.
        """
        journal = self._journal
        number = self.model.row_of(keep.id) if keep is not None else None
        journal_filter = self.model.journal_filter
        cheap = not history.is_costly(journal_filter)
        if keep is not None and number is None and journal is not None and cheap:
            again = history.find(journal, journal_filter, keep.id)
            near = again is not None and (
                history.position(journal, journal_filter, again.key) < KEEP_PLACE_ROWS
            )
            while near and number is None and self.model.canFetchMore(QModelIndex()):
                self.model.fetchMore(QModelIndex())
                number = self.model.row_of(keep.id)
        if number is None:
            self.table.scrollToTop()
            number = 0
        if self.model.rowCount() > 0:
            self.table.select(number)

    # -- opening an entry -------------------------------------------------------------------------

    @property
    def detail(self) -> SessionDetailView:
        """The view of one entry, made when first opened."""
        if self._detail is None:
            self._detail = SessionDetailView()
            self._detail.back_requested.connect(self.back_to_list)
            self.stack.addWidget(self._detail)
        return self._detail

    def open_selected(self) -> None:
        row = self.table.current_row()
        if row is not None:
            self.open_row(row)

    def open_row(self, row: int) -> None:
        """Read entry ``row`` whole, in place of the list."""
        journal = self._journal
        if journal is None or not 0 <= row < self.model.rowCount():
            return
        self.table.select(row)
        try:
            detail = history.detail(journal, self.model.row_at(row).id)
        except KeyError:
            self._tell_problem(self.tr("This entry is no longer in the journal."))
            return
        except JournalError as error:
            self._tell_problem(error.long)
            return
        self.detail.show_detail(detail)
        self.stack.setCurrentWidget(self.detail)
        self.detail.focus_first()

    def back_to_list(self) -> None:
        """Back from an entry to the list, on the same row."""
        self.stack.setCurrentWidget(self.list_view)
        session_id = self._detail.session_id if self._detail is not None else None
        row = self.model.row_of(session_id) if session_id is not None else None
        if row is not None:
            self.table.select(row)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what the list says -----------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.open_button.setEnabled(current.isValid())

    def _show_count(self, result: HistoryCount | None) -> None:
        if result is None:
            self.count_label.setText(self.tr("Counting…"))
        else:
            self.count_label.setText(self._count_words(result))
        self._show_state()

    def _count_words(self, result: HistoryCount) -> str:
        sessions = plural(
            result.sessions,
            self.tr("%n session", None, result.sessions),
            self.tr("%n sessions", None, result.sessions),
        )
        checkins = plural(
            result.checkins,
            self.tr("%n check-in", None, result.checkins),
            self.tr("%n check-ins", None, result.checkins),
        )
        if result.checkins and result.sessions:
            both = self.tr("%1 and %2").replace("%1", sessions).replace("%2", checkins)
        else:
            both = checkins if result.checkins else sessions
        if self.model.journal_filter.is_everything:
            return both
        return self.tr("Matching the filters: %1").replace("%1", both)

    def _show_state(self) -> None:
        """The table, or a line saying why there is nothing to show and what to do."""
        has_rows = self.model.rowCount() > 0
        self.problem.setText(self._problem)
        self.problem.setVisible(bool(self._problem))
        if has_rows or self._problem:
            message = ""
        elif self.model.searching:
            message = self.tr("Looking through your journal…")
        elif self._stamp is None or self._stamp.entries == 0:
            message = self.tr(
                "No sessions yet. They will appear here after you listen or check in."
            )
        else:
            message = self.tr(
                "Nothing matches these filters. Try a longer time, or press Clear filters."
            )
        self.empty.setText(message)
        self.empty.setVisible(not has_rows)
        self.table.setVisible(has_rows)
        self.table.setMinimumHeight(self.table.row_height() * (TABLE_MIN_ROWS + 1) + 16)
        self.open_button.setVisible(has_rows)
        self.open_button.setEnabled(self.table.current_row() is not None)

    def _tell_problem(self, long: str) -> None:
        self._problem = self.tr("Your journal could not be read just now. %1").replace("%1", long)
        self._show_state()


def _has_homework(journal: Journal) -> bool:
    """Whether a therapist's homework was ever added (one cheap read; no when unreadable)."""
    try:
        return has_programmes(journal.reading)
    except (sqlite3.Error, JournalError):
        return False
