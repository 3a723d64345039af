"""The journal: every session, newest first, with what changed and what was reflected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mtcalm.drawing import Drawing
from mtcalm.journal.store import Reflection, ReflectionMark, SessionRecord
from mtcalm.ui import theme
from mtcalm.ui.drawing_canvas import DrawingCanvas
from mtcalm.ui.layout import card
from mtcalm.ui.text import change_text, minutes_text, outcome_text, plain_label, tr, when_text

SMALL_DRAWING_SIDE = 150
LARGE_DRAWING_SIDE = 520


class ReflectionSource(Protocol):
    """Where the page reads reflections from: the open :class:`mtcalm.journal.Journal`."""

    def reflection(self, session_id: int) -> Reflection | None: ...

    def reflection_marks(self) -> dict[int, ReflectionMark]: ...


AnyIndex = QModelIndex | QPersistentModelIndex


class JournalModel(QAbstractTableModel):
    """A read-only table over journal records (plain data; the model holds no widgets)."""

    COLUMNS = ("when", "what", "minutes", "outcome", "change", "reflection")

    def __init__(self) -> None:
        super().__init__()
        self._records: list[SessionRecord] = []
        self._active_id: int | None = None
        self._marks: Mapping[int, ReflectionMark] = {}

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
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
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
        record = self._records[index.row()]
        column = self.COLUMNS[index.column()]
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


class JournalPage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(theme.PAGE_MARGIN, 24, theme.PAGE_MARGIN, 24)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(plain_label(self.tr("Journal"), "title"))
        layout.addWidget(
            plain_label(
                self.tr("Your sessions, newest first. Everything stays on this computer."),
                "muted",
            )
        )
        self.model = JournalModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.ResizeToContents)
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
        frame, layout = card((20, 14, 20, 14), spacing=8)
        outer.addWidget(frame)
        row = QHBoxLayout()
        row.setSpacing(20)
        words = QVBoxLayout()
        words.setSpacing(6)
        self.heading = plain_label("", "heading")
        words.addWidget(self.heading)
        self.prompt = plain_label("", "muted")
        words.addWidget(self.prompt)
        self.note = QPlainTextEdit()
        self.note.setReadOnly(True)
        self.note.setTabChangesFocus(True)
        self.note.setAccessibleName(self.tr("Reflection note"))
        self.note.setMaximumHeight(110)
        words.addWidget(self.note)
        self.problem = plain_label("", "notice")
        words.addWidget(self.problem)
        words.addStretch(1)
        row.addLayout(words, 1)
        pictures = QVBoxLayout()
        pictures.setSpacing(6)
        self.canvas = DrawingCanvas(read_only=True)
        self.canvas.setFixedSize(SMALL_DRAWING_SIDE, SMALL_DRAWING_SIDE)
        pictures.addWidget(self.canvas, 0, Qt.AlignmentFlag.AlignHCenter)
        self.open_button = QPushButton(self.tr("See it larger"))
        self.open_button.setProperty("role", "quiet")
        self.open_button.setToolTip(self.tr("Open the drawing in a larger window"))
        self.open_button.clicked.connect(self.open_larger)
        pictures.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        row.addLayout(pictures)
        layout.addLayout(row)
        self.viewer: DrawingViewer | None = None

    def show_reflection(self, reflection: Reflection) -> None:
        self.heading.setText(
            self.tr("Your reflection · %1").replace("%1", when_text(reflection.recorded_at))
        )
        self.prompt.setText(reflection.prompt)
        self.prompt.setVisible(bool(reflection.prompt))
        self.note.setPlainText(reflection.note)
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
