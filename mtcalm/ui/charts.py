"""Before and after over time: a calm chart, the same numbers as a table, and the panel that
chooses the period and the item.

The chart is painted by :mod:`mtcalm.ui.chart_painting` and said in words by
:mod:`mtcalm.ui.chart_words`; this module holds the widgets.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.store import Journal
from mtcalm.journal.trends import ItemTrend, Trends, trends
from mtcalm.ui import theme
from mtcalm.ui.chart_painting import SCREEN_INK, paint_trend
from mtcalm.ui.chart_words import chart_summary, point_sentence, table_headings, table_rows
from mtcalm.ui.item_words import item_title
from mtcalm.ui.layout import FlowLayout
from mtcalm.ui.library_worker import BackgroundTask
from mtcalm.ui.text import plain_label, tr

MAX_CHART_HEIGHT = 460  # taller only stretches the same lines


class TrendChart(QWidget):
    """One item's chart. Tab reaches it; Left and Right (Home, End) step through the points,
    and the point chosen is said in words (``point_changed`` and the accessible description).
    """

    point_changed = Signal(int)  # index into the trend's points

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._trends: Trends | None = None
        self._trend: ItemTrend | None = None
        self._point = -1
        self._plot: QRectF | None = None  # where the points were last drawn
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMaximumHeight(MAX_CHART_HEIGHT)
        self.setAccessibleName(tr("Chart of before and after"))

    def set_trend(self, trends: Trends | None, trend: ItemTrend | None) -> None:
        self._trends, self._trend = trends, trend
        self._point = len(trend.points) - 1 if trend is not None else -1
        if trends is not None and trend is not None:
            self.setAccessibleName(
                tr("%1: chart of before and after").replace(
                    "%1", item_title(trend.key, trend.label)
                )
            )
        self._describe()
        self.update()

    def point(self) -> int:
        return self._point

    def set_point(self, index: int) -> None:
        if self._trend is None or not self._trend.points:
            return
        index = min(len(self._trend.points) - 1, max(0, index))
        if index != self._point:
            self._point = index
            self._describe()
            self.update()
            self.point_changed.emit(index)

    def point_text(self) -> str:
        """The chosen point in words, or '' when there is none."""
        if self._trends is None or self._trend is None or self._point < 0:
            return ""
        return point_sentence(self._trends, self._trend.points[self._point])

    def _describe(self) -> None:
        if self._trends is None or self._trend is None:
            self.setAccessibleDescription(tr("Nothing to show yet."))
            return
        summary = chart_summary(self._trends, self._trend)
        keys = tr("Left and right arrow keys go through the points.")
        self.setAccessibleDescription(f"{summary} {self.point_text()}. {keys}")

    def sizeHint(self) -> QSize:
        return QSize(560, 300)

    def minimumSizeHint(self) -> QSize:
        return QSize(300, 240)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        inner = QRectF(self.rect()).adjusted(12, 10, -12, -10)
        if self._trends is not None and self._trend is not None:
            highlighted = self._point if self.hasFocus() else None
            self._plot = paint_trend(
                painter, inner, self._trends, self._trend, SCREEN_INK, highlighted
            )
        if self.hasFocus():
            theme.paint_focus_ring(painter, QRectF(self.rect()), 10)
        painter.end()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Left: self._point - 1,
            Qt.Key.Key_Right: self._point + 1,
            Qt.Key.Key_Home: 0,
            Qt.Key.Key_End: 1 << 30,
        }
        if event.key() in moves and self._trend is not None:
            self.set_point(moves[Qt.Key(event.key())])
        else:
            super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._trends is None or self._trend is None or not self._trend.points:
            return
        plot = self._plot or QRectF(self.rect())
        slot = (event.position().x() - plot.left()) / plot.width() * max(1, self._trends.slots)
        points = self._trend.points
        nearest = min(range(len(points)), key=lambda i: abs(points[i].slot + 0.5 - slot))
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_point(nearest)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.update()


class TrendTable(QTableWidget):
    """The chart's numbers as a read-only table: one row per week, month or session."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 5, parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.setAccessibleName(tr("The chart's numbers"))
        self.setMinimumHeight(200)

    def set_trend(self, trends: Trends | None, trend: ItemTrend | None) -> None:
        rows = table_rows(trends, trend) if trends is not None and trend is not None else []
        self.setRowCount(len(rows))
        if trends is not None:
            headings = table_headings(trends.period)
            self.setColumnCount(len(headings))
            self.setHorizontalHeaderLabels(list(headings))
        numbers = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for row, values in enumerate(rows):
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)  # items show text as it is, never as HTML
                if 0 < column < len(values) - 1:
                    cell.setTextAlignment(numbers)
                self.setItem(row, column, cell)
        if trend is not None:
            name = tr("%1: the chart's numbers").replace("%1", item_title(trend.key, trend.label))
            self.setAccessibleName(name)
            if trends is not None:
                self.setAccessibleDescription(chart_summary(trends, trend))


RANGES: tuple[tuple[str, int | None], ...] = (
    ("4 weeks", 28),
    ("3 months", 91),
    ("12 months", 365),
    ("all", None),
)
DEFAULT_RANGE = "3 months"


def range_name(key: str) -> str:
    return {
        "4 weeks": tr("Last 4 weeks"),
        "3 months": tr("Last 3 months"),
        "12 months": tr("Last 12 months"),
        "all": tr("All time"),
    }[key]


class ChartsPanel(QWidget):
    """Before and after over time for one item at a time, with a choice of period and item,
    and a "Show the numbers as a table" toggle. Self-contained: give it the open journal and
    call :meth:`refresh` when the page is shown (the journal may have grown).
    """

    def __init__(
        self,
        journal: Journal,
        *,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
        open_reader: Callable[[], Journal] | None = None,
    ) -> None:
        """``open_reader``: another connection to ``journal`` for the background reading
        (default: the journal's file opened again; review mode's journal has no file)."""
        super().__init__(parent)
        self._journal = journal
        self._today = today
        path = journal.path
        self._open_reader = open_reader or (lambda: Journal.open(path, create=False))
        self._trends: Trends | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING // 2)
        choices = FlowLayout(spacing=theme.SPACING // 2)  # wraps at a large text scale
        self.range_choice = QComboBox()
        self.range_choice.setAccessibleName(tr("Period shown"))
        for key, _ in RANGES:
            self.range_choice.addItem(range_name(key), key)
        self.range_choice.setCurrentIndex([key for key, _ in RANGES].index(DEFAULT_RANGE))
        self.item_choice = QComboBox()
        self.item_choice.setAccessibleName(tr("What the chart shows"))
        self.item_choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table_toggle = QPushButton(tr("Show the numbers as a table"))
        self.table_toggle.setCheckable(True)
        self.table_toggle.setProperty("role", "quiet")
        for widget in (self.range_choice, self.item_choice, self.table_toggle):
            choices.addWidget(widget)
        layout.addLayout(choices)
        self._empty_text = tr(
            "Nothing to chart here yet. Charts show sessions with a check-in both before "
            "and after listening; they appear after the first one in this period."
        )
        self.empty_note = plain_label(self._empty_text, role="muted")
        self.chart = TrendChart()
        self.point_note = plain_label(role="muted")
        self.table = TrendTable()
        self.table.setVisible(False)
        layout.addWidget(self.empty_note)
        layout.addWidget(self.chart, 3)
        layout.addWidget(self.point_note)
        layout.addWidget(self.table, 2)
        layout.addStretch(1)  # what is left goes below, until the table takes it
        self.range_choice.currentIndexChanged.connect(self.refresh)
        self.item_choice.currentIndexChanged.connect(self._show_item)
        self.table_toggle.toggled.connect(self._show_table)
        self.chart.point_changed.connect(self._point_chosen)
        self.table.currentCellChanged.connect(lambda row, *_: self.chart.set_point(row))
        self._read = False  # the journal is read when the panel is first shown
        self._request = 0  # which reading the page waits for (a newer choice wins)
        self._task: BackgroundTask | None = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._read:
            self.refresh()

    @property
    def trends(self) -> Trends | None:
        return self._trends

    def range_dates(self) -> tuple[date | None, date | None]:
        """The local dates of the period chosen (None: from the first session)."""
        days = dict(RANGES)[str(self.range_choice.currentData())]
        today = self._today()
        return (None if days is None else today - timedelta(days=days - 1), today)

    def refresh(self) -> None:
        """Read the numbers again for the period chosen and show them. A bounded period is read
        at once (tens of milliseconds at 100,000 sessions); all time is read on a background
        thread over a connection of its own (about two seconds there), the page usable meanwhile.
        """
        since, until = self.range_dates()
        self._read = True
        self._request += 1
        if since is not None:
            self._show_trends(trends(self._journal, since=since, until=until))
            return
        request, open_reader = self._request, self._open_reader

        def job(_progress: Callable[[object], None], _cancel: threading.Event) -> object:
            with open_reader() as reader:
                return (request, trends(reader, since=None, until=until))

        if self._task is not None:
            self._task.stop(timeout=0)
        self.empty_note.setText(tr("Reading the whole journal…"))
        self.empty_note.setVisible(True)
        task = BackgroundTask(job, self, name="mtcalm-charts")
        task.finished.connect(self._arrived)
        task.failed.connect(self._failed)
        self._task = task
        task.start()

    def _arrived(self, result: object) -> None:
        assert isinstance(result, tuple)
        request, found = result
        if request == self._request and isinstance(found, Trends):  # not overtaken by a choice
            self._show_trends(found)

    def _failed(self, reason: str) -> None:
        self.empty_note.setText(
            tr("Your journal could not be read just now: %1").replace("%1", reason)
        )
        self.empty_note.setVisible(True)

    def shutdown(self) -> None:
        if self._task is not None:
            self._task.stop()

    def _show_trends(self, found: Trends) -> None:
        self.empty_note.setText(self._empty_text)
        self._trends = found
        chosen = self.item_choice.currentData()
        self.item_choice.blockSignals(True)
        self.item_choice.clear()
        for item in self._trends.items:
            self.item_choice.addItem(item_title(item.key, item.label), item.key)
        place = self.item_choice.findData(chosen)
        self.item_choice.setCurrentIndex(max(0, place))
        self.item_choice.blockSignals(False)
        self._show_item()

    def _show_item(self) -> None:
        trend = self._trends.item(str(self.item_choice.currentData())) if self._trends else None
        empty = trend is None
        self.empty_note.setVisible(empty)
        self.item_choice.setEnabled(not empty)
        self.chart.setVisible(not empty)
        self.chart.set_trend(self._trends, trend)
        self.table.set_trend(self._trends, trend)
        self._point_chosen(self.chart.point())

    def _show_table(self, shown: bool) -> None:
        self.table.setVisible(shown)
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.setStretch(layout.count() - 1, 0 if shown else 1)
        self.table_toggle.setText(
            tr("Hide the table") if shown else tr("Show the numbers as a table")
        )

    def _point_chosen(self, index: int) -> None:
        self.point_note.setText(self.chart.point_text())
        if 0 <= index < self.table.rowCount() and self.table.currentRow() != index:
            self.table.blockSignals(True)
            self.table.setCurrentCell(index, 0)
            self.table.blockSignals(False)
