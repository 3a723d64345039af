"""The journal's list as a Qt model that reads as the person scrolls, and its count.

The model never holds every session: it reads one page (:data:`PAGE_SIZE` rows) when the view
asks for more, by keyset (see :mod:`mtcalm.journal.history`). A filter that reads every session
it passes over (flags, notes) is walked in short slices between events, so however rare its
matches, the window never stops answering for long.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from mtcalm.checkin import COMPARED_ITEMS
from mtcalm.journal import history
from mtcalm.journal.file import JournalError
from mtcalm.journal.history import HistoryCount, HistoryRow, JournalFilter, PageKey
from mtcalm.journal.store import Journal, SessionKind
from mtcalm.ui.journal_words import (
    compact_change,
    entry_title,
    flag_reasons,
    item_title,
    listened_sentence,
    listened_words,
    long_when,
    notes_sentence,
    notes_words,
    plain_tooltip,
    short_when,
)
from mtcalm.ui.text import tr

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = history.PAGE_SIZE
FIRST_PAGE_SIZE = 60  # enough rows to fill a tall window: the list shows before the rest is read
DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole


class Column(IntEnum):
    WHEN = 0
    WHAT = 1
    DISTRESS = 2
    PLEASANTNESS = 3
    ENERGY = 4
    LISTENED = 5
    FLAGGED = 6
    NOTES = 7


CHANGE_COLUMNS = {Column.DISTRESS: "distress", Column.PLEASANTNESS: "pleasantness"}
CHANGE_COLUMNS[Column.ENERGY] = "energy"


def column_title(column: Column) -> str:
    titles = {
        Column.WHEN: tr("When"),
        Column.WHAT: tr("What"),
        Column.DISTRESS: tr("Distress"),
        Column.PLEASANTNESS: tr("Pleasantness"),
        Column.ENERGY: tr("Energy"),
        Column.LISTENED: tr("Listened"),
        Column.FLAGGED: tr("Flagged"),
        Column.NOTES: tr("Notes"),
    }
    return titles[column]


def cell_text(row: HistoryRow, column: Column, today: date) -> str:
    """What a cell shows: short, so that it never wraps or is cut."""
    if column is Column.WHEN:
        return short_when(row.started_at, today)
    if column is Column.WHAT:
        return entry_title(row)
    if column in CHANGE_COLUMNS:
        return compact_change(row, CHANGE_COLUMNS[column])
    if column is Column.LISTENED:
        return "" if row.kind is SessionKind.CHECKIN else listened_words(row.listened_seconds)
    if column is Column.FLAGGED:
        return tr("Flagged") if row.flags else ""
    return notes_words(row)


def row_summary(row: HistoryRow) -> list[str]:
    """The whole row in sentences: its tooltip, and what a screen reader can read."""
    lines = [f"{long_when(row.started_at)} · {entry_title(row)}"]
    if row.kind is SessionKind.LISTENING:
        lines.append(listened_sentence(row.listened_seconds, row.outcome))
    lines.append(
        " · ".join(f"{item_title(item)} {compact_change(row, item.key)}" for item in COMPARED_ITEMS)
    )
    reasons = flag_reasons(row.flags)
    if reasons:
        lines.append(tr("Flagged: %1").replace("%1", "; ".join(reasons)))
    lines.append(notes_sentence(row))
    return [line for line in lines if line]


def accessible_text(row: HistoryRow, column: Column, today: date) -> str:
    """A cell as a sentence: ``Distress 6 → 3``, the date in full, the flags' reasons."""
    if column is Column.WHEN:
        return long_when(row.started_at)
    if column in CHANGE_COLUMNS:
        key = CHANGE_COLUMNS[column]
        return f"{item_title(key)} {compact_change(row, key)}"
    if column is Column.FLAGGED:
        reasons = flag_reasons(row.flags)
        return tr("Flagged: %1").replace("%1", "; ".join(reasons)) if reasons else ""
    if column is Column.NOTES:
        return notes_sentence(row)
    if column is Column.LISTENED and row.kind is SessionKind.LISTENING:
        return listened_sentence(row.listened_seconds, row.outcome)
    return cell_text(row, column, today)


class HistoryModel(QAbstractTableModel):
    """The rows of the journal that match a filter, newest first, read a page at a time."""

    searching_changed = Signal(bool)  # a slow filter is still looking further back
    failed = Signal(str)  # the journal could not be read just now (the words to show)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[HistoryRow] = []
        self._journal: Journal | None = None
        self._filter = JournalFilter()
        self._resume: PageKey | None = None
        self._more = False
        self._wanted = 0  # rows still to find for the page being read in slices
        self._told_searching = False
        self._today = date.today()
        self.requests: list[int] = []  # how many rows each read asked for (for tests)
        self._slice = QTimer(self)
        self._slice.setSingleShot(True)
        self._slice.setInterval(0)
        self._slice.timeout.connect(self._read_slice)

    # -- what the page tells the model -----------------------------------------------------

    @property
    def journal_filter(self) -> JournalFilter:
        return self._filter

    def load(self, journal: Journal, journal_filter: JournalFilter) -> None:
        """Show ``journal_filter``'s rows of ``journal``, from the top: the first page now."""
        self._slice.stop()
        self._set_searching(False)
        self.beginResetModel()
        self._journal, self._filter = journal, journal_filter
        self._rows, self._resume, self._more, self._wanted = [], None, True, 0
        self._today = date.today()
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def add_newer(self, rows: Sequence[HistoryRow]) -> None:
        """Put rows written since the list was read (newest first) at its top."""
        if rows:
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self._rows[:0] = rows
            self.endInsertRows()

    def replace(self, row: HistoryRow) -> None:
        """Show ``row`` as read again (a session that was still under way)."""
        number = self.row_of(row.id)
        if number is not None:
            self._rows[number] = row
            self.dataChanged.emit(self.index(number, 0), self.index(number, len(Column) - 1))

    def row_at(self, number: int) -> HistoryRow:
        return self._rows[number]

    def row_of(self, session_id: int) -> int | None:
        return next((n for n, row in enumerate(self._rows) if row.id == session_id), None)

    @property
    def searching(self) -> bool:
        return self._slice.isActive() or self._wanted > 0

    # -- reading as the view scrolls ---------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex) -> bool:
        return not parent.isValid() and self._more and self._journal is not None

    def fetchMore(self, parent: AnyIndex) -> None:
        if not self.canFetchMore(parent) or self.searching:
            return
        if history.is_costly(self._filter):
            self._wanted = PAGE_SIZE
            self._read_slice()
            return
        journal = self._journal
        assert journal is not None
        size = PAGE_SIZE if self._rows else FIRST_PAGE_SIZE
        self.requests.append(size)
        try:
            rows = history.page(journal, self._filter, before=self._resume, limit=size)
        except JournalError as error:
            self._give_up(error)
            return
        self._more = len(rows) == size
        self._resume = rows[-1].key if rows else None
        self._append(rows)

    def _read_slice(self) -> None:
        """One slice of a slow filter's walk; another follows until a page is found."""
        journal = self._journal
        if journal is None or not self._more or self._wanted <= 0:
            return
        self.requests.append(self._wanted)
        try:
            found = history.scan(journal, self._filter, below=self._resume, limit=self._wanted)
        except JournalError as error:
            self._give_up(error)
            return
        self._resume = found.resume
        self._more = found.resume is not None
        self._wanted = self._wanted - len(found.rows) if self._more else 0
        self._append(found.rows)
        if self._wanted > 0:
            self._slice.start()
        self._set_searching(self._wanted > 0)

    def _append(self, rows: Sequence[HistoryRow]) -> None:
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def _give_up(self, error: JournalError) -> None:
        self._more, self._wanted = False, 0
        self._set_searching(False)
        self.failed.emit(error.long)

    def _set_searching(self, searching: bool) -> None:
        if searching != self._told_searching:
            self._told_searching = searching
            self.searching_changed.emit(searching)

    # -- the table ---------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = DISPLAY) -> object:
        if orientation != Qt.Orientation.Horizontal or role not in (DISPLAY, TOOLTIP):
            return None
        return column_title(Column(section))

    def data(self, index: AnyIndex, role: int = DISPLAY) -> object:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], Column(index.column())
        if role == DISPLAY:
            return cell_text(row, column, self._today)
        if role == TOOLTIP:
            return plain_tooltip([*row_summary(row), tr("Press Enter to read it all.")])
        if role == ACCESSIBLE:
            return accessible_text(row, column, self._today)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


class HistoryCounter(QObject):
    """How many entries match the filter: at once when the filter is quick to count, else
    counted in slices between events (a count never stops the window for long).
    """

    counted = Signal(object)  # the HistoryCount, or None while counting
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._journal: Journal | None = None
        self._filter = JournalFilter()
        self._below: PageKey | None = None
        self._sessions = self._checkins = 0
        self._known: dict[JournalFilter, HistoryCount] = {}  # for the journal as it is now
        self.result: HistoryCount | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._count_slice)

    def know(self, journal_filter: JournalFilter, result: HistoryCount) -> None:
        """``journal_filter``'s count, read elsewhere (the whole journal's, with its stamp)."""
        self._known[journal_filter] = result

    def forget(self) -> None:
        """The journal changed: counts made before are no longer true."""
        self._known.clear()

    def add(self, added: HistoryCount) -> None:
        """Entries were added to the top of the list being counted."""
        self._known.clear()
        if self.result is not None and not self.counting:
            self._finish(
                HistoryCount(
                    self.result.sessions + added.sessions, self.result.checkins + added.checkins
                )
            )
        elif self._journal is not None:
            self.start(self._journal, self._filter)

    def start(self, journal: Journal, journal_filter: JournalFilter) -> None:
        self._timer.stop()
        self._journal, self._filter = journal, journal_filter
        known = self._known.get(journal_filter)
        if known is not None:
            self._finish(known)
            return
        if not history.is_costly(journal_filter):
            try:
                self._finish(history.count(journal, journal_filter))
            except JournalError as error:
                self.failed.emit(error.long)
            return
        self.result = None
        self.counted.emit(None)
        self._below, self._sessions, self._checkins = None, 0, 0
        self._count_slice()

    @property
    def counting(self) -> bool:
        return self._timer.isActive()

    def _count_slice(self) -> None:
        if self._journal is None:
            return
        try:
            found = history.scan(self._journal, self._filter, below=self._below)
        except JournalError as error:
            self.failed.emit(error.long)
            return
        self._sessions += found.matched.sessions
        self._checkins += found.matched.checkins
        self._below = found.resume
        if found.resume is None:
            self._finish(HistoryCount(self._sessions, self._checkins))
        else:
            self._timer.start()

    def _finish(self, result: HistoryCount) -> None:
        self._known[self._filter] = result
        self.result = result
        self.counted.emit(result)
