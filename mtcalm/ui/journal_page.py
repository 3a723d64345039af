"""The journal: every session, newest first, with what changed and what was reflected."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mtcalm.drawing import Drawing
from mtcalm.journal.store import Reflection, ReflectionMark, SessionRecord
from mtcalm.ui import theme
from mtcalm.ui.drawing_canvas import DrawingCanvas
from mtcalm.ui.layout import card, scrolling_page
from mtcalm.ui.text import change_text, minutes_text, outcome_text, plain_label, tr, when_text

SMALL_DRAWING_SIDE = 150
LARGE_DRAWING_SIDE = 520
TABLE_MIN_HEIGHT = 180  # a few sessions are always seen; the page scrolls when space is short


LONG_WORD = re.compile(r"\S{30,}")  # longer than any word, as a pasted link is
BREAK = "\u200b"  # a zero-width space: where a long word may wrap


def breakable(text: str) -> str:
    """``text`` with places to wrap inside very long words (a pasted link), so it never
    widens the page; the words look the same.
    """
    return LONG_WORD.sub(
        lambda match: BREAK.join(match[0][i : i + 20] for i in range(0, len(match[0]), 20)), text
    )


class ReflectionSource(Protocol):
    """Where the page reads reflections from: the open :class:`mtcalm.journal.Journal`."""

    def reflection(self, session_id: int) -> Reflection | None: ...

    def reflection_marks(self) -> dict[int, ReflectionMark]: ...


AnyIndex = QModelIndex | QPersistentModelIndex


class JournalModel(QAbstractTableModel):
    """A read-only table over journal records (plain data; the model holds no widgets)."""

    COLUMNS = ("when", "what", "minutes", "outcome", "change", "reflection")
    # In a narrow table, the minutes and how it went go under the date, and whether there is a
    # reflection under what was played; their own columns are hidden.
    FOLDS: Mapping[int, tuple[int, ...]] = {0: (2, 3), 1: (5,)}
    FOLDED = (2, 3, 5)

    def __init__(self) -> None:
        super().__init__()
        self._records: list[SessionRecord] = []
        self._active_id: int | None = None
        self._marks: Mapping[int, ReflectionMark] = {}
        self._folded = False

    def set_folded(self, folded: bool) -> None:
        """Show the folded columns' text under the columns they fold into."""
        if folded != self._folded:
            self._folded = folded
            if self._records:
                last = len(self._records) - 1
                self.dataChanged.emit(self.index(0, 0), self.index(last, max(self.FOLDS)))

    def folded_line(self, row: int, column: int) -> str:
        """``12 min · completed``: what folds under ``column``, on one line."""
        texts = (self.text(row, folded) for folded in self.FOLDS.get(column, ()))
        return " · ".join(text for text in texts if text)

    def set_records(
        self,
        records: Sequence[SessionRecord],
        active_id: int | None = None,
        marks: Mapping[int, ReflectionMark] | None = None,
    ) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._active_id = active_id
        self._marks = dict(marks or {})
        self.endResetModel()

    def mark(self, row: int) -> ReflectionMark | None:
        return self._marks.get(self._records[row].id)

    def record(self, row: int) -> SessionRecord:
        return self._records[row]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,  # the whole title when a narrow column elides it
        ):
            return None
        titles = (
            tr("When"),
            tr("What was played"),
            tr("Listened"),
            tr("How it went"),
            tr("Change"),
            tr("Reflection"),
        )
        return titles[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        text = self.text(index.row(), index.column())
        below = self.folded_line(index.row(), index.column()) if self._folded else ""
        return f"{text}\n{below}" if below else text

    def text(self, row: int, column_number: int) -> str:
        """What a cell says, in the full table."""
        record = self._records[row]
        column = self.COLUMNS[column_number]
        if column == "when":
            return when_text(record.started_at)
        if column == "what":
            return record.content_title
        if column == "minutes":
            return minutes_text(record.listened_seconds)
        if column == "outcome":
            text = outcome_text(record.outcome, record.id == self._active_id)
            if record.distress_rose:
                text += " · " + tr("distress rose")
            return text
        if column == "reflection":
            return self.reflection_summary(self._marks.get(record.id))
        return self.change_summary(record)

    @staticmethod
    def reflection_summary(mark: ReflectionMark | None) -> str:
        if mark is None:
            return ""
        if mark.has_note and mark.has_drawing:
            return tr("words and a drawing")
        if mark.has_drawing:
            return tr("a drawing")
        return tr("words") if mark.has_note else ""

    @staticmethod
    def change_summary(record: SessionRecord) -> str:
        if (
            record.before is not None
            and record.before.skipped
            and (record.after is None or record.after.skipped)
        ):
            return tr("check-ins skipped")
        if record.after is None:
            return tr("no check-in after")
        return ", ".join(change_text(change) for change in record.changes)


class WrappingDelegate(QStyledItemDelegate):
    """Row heights that hold wrapped text whole: the style sheet's cell padding narrows the
    text, so the height is measured at that narrower width.
    """

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        narrowed = QStyleOptionViewItem(option)
        narrowed.rect = option.rect.adjusted(0, 0, -CELL_PADDING, 0)
        return super().sizeHint(narrowed, index)


class SessionTable(QTableView):
    """The sessions, fitted to the width they are given: never a sideways scroll bar.

    Each column gets the width of its longest line when there is room; when there is not, of
    its longest word at least, and the text wraps. Only then does a column's text elide (and
    its tooltip has it whole).
    """

    CHANGE_COLUMN = 4  # room to spare goes to the change
    GIVE_WAY = (1, 4)  # what was played, and the change, wrap first
    GIVE_WAY_FOLDED = (0, 1, 4)  # folded, the date has lines of its own anyway
    MEASURED_ROWS = 300  # enough to judge the widths by; a long journal is not read through

    def __init__(self, model: JournalModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal_model = model
        self.setModel(model)
        self.setTabKeyNavigation(False)  # Tab leaves the table; the arrow keys move in it
        self.setItemDelegate(WrappingDelegate(self))
        self._preferred: list[int] = []
        self._least: list[int] = []
        self._folded_widths: dict[int, tuple[int, int]] = {}  # with the folded lines
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(40)

    def measure(self) -> None:
        """Take each column's widths from its contents (after new records)."""
        model = self.journal_model
        rows = min(model.rowCount(), self.MEASURED_ROWS)
        metrics = self.fontMetrics()

        def widths(texts: list[str]) -> tuple[int, int]:
            """The longest line and the longest word, with the cell's padding."""
            line = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            words = [word for text in texts for word in text.split()]
            word = max((metrics.horizontalAdvance(word) for word in words), default=0)
            return line + CELL_PADDING, word + CELL_PADDING

        self._preferred, self._least = [], []
        for column in range(model.columnCount()):
            title = self.horizontalHeader().sectionSizeHint(column)  # its title is never cut
            line, word = widths([model.text(row, column) for row in range(rows)])
            self._preferred.append(max(line, title))
            self._least.append(max(word, title))
        for column in JournalModel.FOLDS:
            line, word = widths([model.folded_line(row, column) for row in range(rows)])
            self._folded_widths[column] = (
                max(line, self._preferred[column]),
                max(word, self._least[column]),
            )
        self.fit_columns()

    def fit_columns(self) -> None:
        """Share the visible width among the columns, folding two of them when it is short."""
        if not self._preferred:
            return
        # The width with room kept for the scroll bar, shown or not: a scroll bar coming and
        # going would change the widths, the row heights, and so the scroll bar again.
        available = self.maximumViewportSize().width() - self.verticalScrollBar().sizeHint().width()
        folded = sum(self._least) > available
        shown = [
            column
            for column in range(len(self._preferred))
            if not (folded and column in JournalModel.FOLDED)
        ]
        preferred = [self._preferred[column] for column in shown]
        least = [self._least[column] for column in shown]
        if folded:
            for column, (line, word) in self._folded_widths.items():
                preferred[shown.index(column)], least[shown.index(column)] = line, word
        widths = fitted_widths(
            preferred,
            least,
            available,
            shown.index(self.CHANGE_COLUMN),
            [shown.index(column) for column in (self.GIVE_WAY_FOLDED if folded else self.GIVE_WAY)],
        )
        self.journal_model.set_folded(folded)
        for column in JournalModel.FOLDED:
            self.setColumnHidden(column, folded)
        header = self.horizontalHeader()
        for column, width in zip(shown, widths, strict=True):
            header.resizeSection(column, width)
        self.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()


CELL_PADDING = 28  # a cell's padding and a little air, either side together


def fitted_widths(
    preferred: Sequence[int],
    least: Sequence[int],
    available: int,
    spare_to: int,
    give_way: Sequence[int] = (),
) -> list[int]:
    """Column widths that fill ``available``.

    With room, each column has its preferred width and column ``spare_to`` the rest. Short of
    room, the columns in ``give_way`` narrow first (sharing the shortfall in proportion to how
    far each can), then all the others, each down to its ``least`` width; after that the
    least widths are scaled down and the text elides.
    """
    widths = list(preferred)
    over = sum(widths) - available
    if over <= 0:
        widths[spare_to] -= over
        return widths
    groups = [list(give_way), [c for c in range(len(widths)) if c not in give_way]]
    for group in groups:
        can = {column: widths[column] - least[column] for column in group}
        total = sum(can.values())
        if total <= 0:
            continue
        take = min(over, total)
        for column, room in can.items():
            widths[column] -= min(room, -(-take * room // total))  # rounded up: it fits
        over = sum(widths) - available
        if over <= 0:
            widths[spare_to] -= over  # rounding
            return widths
    total = sum(least) or 1
    widths = [max(40, width * available // total) for width in least]
    widths[spare_to] += available - sum(widths)
    if widths[spare_to] < 40:  # the narrowest still fit: the widest gives the rest
        widest = max(range(len(widths)), key=widths.__getitem__)
        widths[widest] -= 40 - widths[spare_to]
        widths[spare_to] = 40
    return widths


class JournalPage(QWidget):
    """Every session, newest first, and the reflection of the one selected."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = scrolling_page(self)
        layout.setSpacing(theme.SPACING)
        heading = QVBoxLayout()
        heading.setSpacing(4)  # the title and its line belong together
        heading.addWidget(plain_label(self.tr("Journal"), "title"))
        heading.addWidget(
            plain_label(
                self.tr("Your sessions, newest first. Everything stays on this computer."),
                "muted",
            )
        )
        layout.addLayout(heading)
        self.model = JournalModel()
        self.table = SessionTable(self.model)
        self.table.setAccessibleName(self.tr("Your sessions"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.setMinimumHeight(TABLE_MIN_HEIGHT)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.empty = plain_label(
            self.tr("No sessions yet. They will appear here after you listen."), "muted"
        )
        layout.addWidget(self.empty)
        self.reflection_view = ReflectionView()
        self.reflection_view.hide()
        layout.addWidget(self.reflection_view)
        self._reflections: ReflectionSource | None = None
        self.table.selectionModel().currentRowChanged.connect(self._show_reflection_for)

    def show_records(
        self,
        records: Sequence[SessionRecord],
        active_id: int | None = None,
        reflections: ReflectionSource | None = None,
    ) -> None:
        """Show ``records``; with ``reflections`` (the journal), the selected one's reflection."""
        self._reflections = reflections
        marks = reflections.reflection_marks() if reflections is not None else {}
        self.model.set_records(records, active_id, marks)
        self.empty.setVisible(not records)
        self.table.setVisible(bool(records))
        self.table.measure()
        self.reflection_view.hide()
        if records:
            self.table.selectRow(0)

    def _show_reflection_for(self, current: QModelIndex, _previous: QModelIndex) -> None:
        reflection = None
        if current.isValid() and self._reflections is not None and self.model.mark(current.row()):
            reflection = self._reflections.reflection(self.model.record(current.row()).id)
        if reflection is None:
            self.reflection_view.hide()
            return
        self.reflection_view.show_reflection(reflection)
        self.reflection_view.show()


class ReflectionView(QWidget):
    """A session's reflection: the prompt, the note (plain text) and the drawing, small."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        frame, layout = card((24, 20, 24, 20), spacing=12)
        outer.addWidget(frame)
        row = QHBoxLayout()
        row.setSpacing(24)
        words = QVBoxLayout()
        words.setSpacing(12)
        top = QVBoxLayout()
        top.setSpacing(4)  # the heading and the prompt it answered belong together
        self.heading = plain_label("", "heading")
        top.addWidget(self.heading)
        self.prompt = plain_label("", "muted")
        top.addWidget(self.prompt)
        words.addLayout(top)
        # Read-only text, shown as text (not as a box to type in); it can be selected.
        self.note = plain_label("")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setAccessibleName(self.tr("Your note"))
        words.addWidget(self.note)
        self.problem = plain_label("", "notice")
        words.addWidget(self.problem)
        words.addStretch(1)
        row.addLayout(words, 1)
        pictures = QVBoxLayout()
        pictures.setSpacing(8)
        self.canvas = DrawingCanvas(read_only=True)
        self.canvas.setFixedSize(SMALL_DRAWING_SIDE, SMALL_DRAWING_SIDE)
        pictures.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        self.open_button = QPushButton(self.tr("See it larger"))
        self.open_button.setProperty("role", "quiet")
        self.open_button.setToolTip(self.tr("Open the drawing in a larger window"))
        self.open_button.clicked.connect(self.open_larger)
        pictures.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        pictures.addStretch(1)
        row.addLayout(pictures)
        layout.addLayout(row)
        self.viewer: DrawingViewer | None = None

    def show_reflection(self, reflection: Reflection) -> None:
        self.heading.setText(
            self.tr("Your reflection · %1").replace("%1", when_text(reflection.recorded_at))
        )
        self.prompt.setText(reflection.prompt)
        self.prompt.setVisible(bool(reflection.prompt))
        self.note.setText(breakable(reflection.note))
        self.note.setVisible(bool(reflection.note))
        self.problem.setText(
            self.tr("The drawing kept with this session is damaged and cannot be shown.")
        )
        self.problem.setVisible(bool(reflection.drawing_problem))
        self.canvas.set_drawing(reflection.drawing)
        has_drawing = not reflection.drawing.is_empty
        self.canvas.setVisible(has_drawing)
        self.open_button.setVisible(has_drawing)

    def open_larger(self) -> None:
        if self.viewer is None:
            self.viewer = DrawingViewer(self)
        self.viewer.show_drawing(self.canvas.drawing())
        self.viewer.open()


class DrawingViewer(QDialog):
    """A drawing on its own, large enough to look at."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Your drawing"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 24, 24, 20)
        layout.setSpacing(theme.SPACING)
        self.canvas = DrawingCanvas(read_only=True)
        self.canvas.setMinimumSize(240, 240)
        self.canvas.resize(LARGE_DRAWING_SIDE, LARGE_DRAWING_SIDE)
        layout.addWidget(self.canvas, 1)
        close = QPushButton(self.tr("Close"))
        close.setProperty("role", "primary")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignRight)
        self.close_button = close
        self.resize(LARGE_DRAWING_SIDE + 48, LARGE_DRAWING_SIDE + 100)

    def show_drawing(self, drawing: Drawing) -> None:
        self.canvas.set_drawing(drawing)
