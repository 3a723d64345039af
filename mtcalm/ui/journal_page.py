"""The journal: every session, newest first, with what changed."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QVBoxLayout, QWidget

from mtcalm.journal import SessionRecord
from mtcalm.ui import theme
from mtcalm.ui.text import change_text, minutes_text, outcome_text, plain_label, tr, when_text

AnyIndex = QModelIndex | QPersistentModelIndex


class JournalModel(QAbstractTableModel):
    """A read-only table over journal records (plain data; the model holds no widgets)."""

    COLUMNS = ("when", "what", "minutes", "outcome", "change")

    def __init__(self) -> None:
        super().__init__()
        self._records: list[SessionRecord] = []
        self._active_id: int | None = None

    def set_records(self, records: Sequence[SessionRecord], active_id: int | None = None) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._active_id = active_id
        self.endResetModel()

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
        return self.change_summary(record)

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
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self.empty = plain_label(
            self.tr("No sessions yet. They will appear here after you listen."), "muted"
        )
        layout.addWidget(self.empty)

    def show_records(self, records: Sequence[SessionRecord], active_id: int | None = None) -> None:
        self.model.set_records(records, active_id)
        self.empty.setVisible(not records)
        self.table.setVisible(bool(records))
