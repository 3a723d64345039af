"""Before and after over time: a calm chart drawn with QPainter, and the same numbers as a table.

The chart reads in black and white: "before" is a dashed line with open circles, "after" a solid
line with filled squares, on a scale labelled with its own words. :func:`paint_trend` draws onto
any QPainter (a widget here, a PDF page in :mod:`mtcalm.ui.report_pdf`), sized from the
painter's font. No charting library: QtCharts comes only with PySide6-Addons (a 175 MB wheel,
439 MB installed), for two lines and a grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QShowEvent,
)
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
from mtcalm.journal.trends import ItemTrend, Period, TrendPoint, Trends, trends
from mtcalm.ui import theme
from mtcalm.ui.layout import FlowLayout
from mtcalm.ui.text import plain_label, plural, tr


@dataclass(frozen=True)
class ChartInk:
    """The colours a chart is drawn in; ``paper`` None leaves the background as it is."""

    text: str
    muted: str
    grid: str
    before: str
    after: str
    paper: str | None


SCREEN_INK = ChartInk(theme.TEXT, theme.MUTED, theme.BORDER, theme.MUTED, theme.ACCENT, None)
PRINT_INK = ChartInk("#000000", "#333333", "#B0B0B0", "#000000", "#000000", "#FFFFFF")

# -- words -------------------------------------------------------------------------------------


def item_title(key: str, label: str = "") -> str:
    """An item's name: mtcalm's own in the person's language, one of the person's as stored."""
    names = {
        "distress": tr("Distress"),
        "pleasantness": tr("Pleasantness"),
        "energy": tr("Energy"),
        "craving": tr("Craving or urge to use"),
        "tension": tr("Body tension or pain"),
    }
    return names.get(key) or label or key.removeprefix("custom-")


def scale_words(trend: ItemTrend) -> tuple[str, str]:
    """The words of the scale's two ends ("completely calm", "the worst you can imagine")."""
    words = {
        "distress": (tr("completely calm"), tr("the worst you can imagine")),
        "pleasantness": (tr("unpleasant"), tr("pleasant")),
        "energy": (tr("very low"), tr("very high")),
        "craving": (tr("none"), tr("the strongest you can imagine")),
        "tension": (tr("none"), tr("the worst you can imagine")),
    }
    return words.get(trend.key, (trend.low_anchor, trend.high_anchor))


def scale_caption(trend: ItemTrend) -> str:
    """ "0 = completely calm, 10 = the worst you can imagine" (numbers alone without words)."""
    low, high = scale_words(trend)
    ends = [
        f"{value} = {word}" for value, word in ((trend.scale_min, low), (trend.scale_max, high))
    ]
    if not (low or high):
        return (
            tr("Scale %1 to %2")
            .replace("%1", str(trend.scale_min))
            .replace("%2", str(trend.scale_max))
        )
    return ", ".join(end for end, word in zip(ends, (low, high), strict=True) if word)


def period_heading(period: Period) -> str:
    return {
        Period.WEEK: tr("Week starting"),
        Period.MONTH: tr("Month"),
        Period.YEAR: tr("Year"),
        Period.SESSION: tr("Session"),
    }[period]


def average_words(period: Period) -> str:
    return {
        Period.WEEK: tr("average per week"),
        Period.MONTH: tr("average per month"),
        Period.YEAR: tr("average per year"),
        Period.SESSION: tr("session by session"),
    }[period]


def day_text(day: date, *, year: bool = True) -> str:
    return f"{day.day} {day:%b %Y}" if year else f"{day.day} {day:%b}"


def point_name(trends: Trends, point: TrendPoint) -> str:
    """ "Week of 3 Mar 2025", "March 2025", or "Mon 3 Mar 2025, 19:30"."""
    if trends.period is Period.WEEK:
        return tr("Week of %1").replace("%1", day_text(point.starts))
    if trends.period is Period.MONTH:
        return f"{point.starts:%B %Y}"
    if trends.period is Period.YEAR:
        return str(point.starts.year)
    moment = point.started_at
    return f"{moment:%a} {day_text(moment.date())}, {moment:%H:%M}" if moment else ""


def point_label(trends: Trends, point: TrendPoint) -> str:
    """A point under its column heading: "3 Mar 2025", "March 2025", "Mon 3 Mar 2025, 19:30"."""
    if trends.period is Period.WEEK:
        return day_text(point.starts)
    return point_name(trends, point)


def change_phrase(change: float) -> str:
    """ "down 2.1", "up 0.4" or "no change", to one decimal."""
    shown = f"{abs(change):.1f}"
    if shown == "0.0":
        return tr("no change")
    return (tr("down %1") if change < 0 else tr("up %1")).replace("%1", shown)


def point_sentence(trends: Trends, point: TrendPoint) -> str:
    """One point in words: "Week of 3 Mar 2025: before 6.2, after 4.0, down 2.2, 5 sessions"."""
    return (
        tr("%1: before %2, after %3, %4, %5")
        .replace("%1", point_name(trends, point))
        .replace("%2", f"{point.mean_before:.1f}")
        .replace("%3", f"{point.mean_after:.1f}")
        .replace("%4", change_phrase(point.mean_change))
        .replace("%5", plural(point.sessions, tr("1 session"), tr("%n sessions")))
    )


def chart_summary(trends: Trends, trend: ItemTrend) -> str:
    """What the whole chart shows, for a screen reader and the top of the table."""
    sessions = trend.sessions
    before = sum(p.mean_before * p.sessions for p in trend.points) / max(1, sessions)
    after = sum(p.mean_after * p.sessions for p in trend.points) / max(1, sessions)
    return (
        tr("%1, %2, over %3: before %4 on average, after %5, %6.")
        .replace("%1", item_title(trend.key, trend.label))
        .replace("%2", average_words(trends.period))
        .replace("%3", plural(sessions, tr("1 session"), tr("%n sessions")))
        .replace("%4", f"{before:.1f}")
        .replace("%5", f"{after:.1f}")
        .replace("%6", change_phrase(after - before))
    )


def table_rows(trends: Trends, trend: ItemTrend) -> list[tuple[str, ...]]:
    """The chart's numbers, one row per point: period, sessions, before, after, change (no
    count of sessions when each row is one session).
    """
    by_session = trends.period is Period.SESSION
    return [
        (
            point_label(trends, point),
            *(() if by_session else (str(point.sessions),)),
            f"{point.mean_before:.1f}",
            f"{point.mean_after:.1f}",
            change_phrase(point.mean_change),
        )
        for point in trend.points
    ]


def table_headings(period: Period) -> tuple[str, ...]:
    """The headings of :func:`table_rows`: the first column names the period, the last one
    is words, the others are numbers."""
    counts = () if period is Period.SESSION else (tr("Sessions"),)
    return (period_heading(period), *counts, tr("Before"), tr("After"), tr("Change"))


# -- painting ----------------------------------------------------------------------------------


def paint_trend(
    painter: QPainter,
    area: QRectF,
    trends: Trends,
    trend: ItemTrend,
    ink: ChartInk = SCREEN_INK,
    highlighted: int | None = None,
) -> QRectF | None:
    """Draw ``trend`` inside ``area``: title, legend, the scale's words, axes and both lines.

    Every size follows the painter's font, so the same drawing fits a window or a page.
    ``highlighted`` is the index of a point in ``trend.points`` to mark. Returns where the
    points are drawn (None when ``area`` is too small for them).
    """
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if ink.paper:
        painter.fillRect(area, QColor(ink.paper))
    font = QFont(painter.font())
    metrics = QFontMetricsF(font)
    line = metrics.height()
    pen_width = max(1.0, line * 0.09)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.setPen(QColor(ink.text))
    title = f"{item_title(trend.key, trend.label)} · {average_words(trends.period)}"
    title = QFontMetricsF(bold).elidedText(title, _ELIDE, area.width())
    top = area.top()
    painter.drawText(QRectF(area.left(), top, area.width(), line), _LEFT, title)
    painter.setFont(font)
    if QFontMetricsF(bold).horizontalAdvance(title) + _legend_width(metrics) > area.width():
        top += line  # a narrow chart: the legend sits on its own line
    _paint_legend(painter, QPointF(area.right(), top + line / 2), ink, line)
    painter.setPen(QColor(ink.muted))
    caption = QRectF(area.left(), top + line * 1.2, area.width(), line)
    painter.drawText(caption, _LEFT, metrics.elidedText(scale_caption(trend), _ELIDE, area.width()))
    labels_width = metrics.horizontalAdvance(str(trend.scale_max)) + line * 0.6
    plot = QRectF(
        area.left() + labels_width,
        caption.bottom() + line * 0.8,
        area.width() - labels_width - line * 0.5,
        area.bottom() - caption.bottom() - line * 3.4,
    )
    if plot.height() < line or plot.width() < line:
        painter.restore()
        return None
    _paint_grid(painter, plot, trend, ink, line)
    slots = max(1, trends.slots)

    def x_of(slot: int) -> float:
        return plot.left() + (slot + 0.5) * plot.width() / slots

    def y_of(value: float) -> float:
        share = (value - trend.scale_min) / (trend.scale_max - trend.scale_min)
        return plot.bottom() - share * plot.height()

    _paint_x_labels(painter, plot, trends, x_of, ink, line)
    marked = 0.0 if plot.width() / slots < line * 0.6 else line * 0.22
    if highlighted is not None and 0 <= highlighted < len(trend.points):
        x = x_of(trend.points[highlighted].slot)
        painter.setPen(QPen(QColor(ink.muted), pen_width, Qt.PenStyle.DotLine))
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
    by_session = trends.period is Period.SESSION  # an unanswered item is no gap in time
    for after in (False, True):
        colour = QColor(ink.after if after else ink.before)
        style = Qt.PenStyle.SolidLine if after else Qt.PenStyle.DashLine
        painter.setPen(QPen(colour, pen_width * (1.4 if after else 1.2), style))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        previous: int | None = None
        for point in trend.points:
            spot = QPointF(x_of(point.slot), y_of(point.mean_after if after else point.mean_before))
            if previous is not None and (point.slot == previous + 1 or by_session):
                path.lineTo(spot)
            else:  # a week or month without sessions: the line breaks, nothing is made up
                path.moveTo(spot)
            previous = point.slot
        painter.drawPath(path)
        for index, point in enumerate(trend.points):
            value = point.mean_after if after else point.mean_before
            size = marked * (1.6 if index == highlighted else 1.0) or line * 0.12
            _paint_marker(painter, QPointF(x_of(point.slot), y_of(value)), size, after, ink)
    painter.restore()
    return plot


_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ELIDE = Qt.TextElideMode.ElideRight


def _paint_marker(painter: QPainter, at: QPointF, size: float, after: bool, ink: ChartInk) -> None:
    """After: a filled square; before: an open circle (shapes tell them apart without colour)."""
    colour = QColor(ink.after if after else ink.before)
    painter.setPen(QPen(colour, max(1.0, size * 0.45)))
    if after:
        painter.setBrush(colour)
        painter.drawRect(QRectF(at.x() - size, at.y() - size, 2 * size, 2 * size))
    else:
        painter.setBrush(QColor(ink.paper or theme.SURFACE))
        painter.drawEllipse(at, size, size)


def _paint_legend(painter: QPainter, right_middle: QPointF, ink: ChartInk, line: float) -> float:
    """ "- -o- - Before   ——■—— After", ending at ``right_middle``; returns its width."""
    metrics = QFontMetricsF(painter.font())
    entries = ((False, tr("Before")), (True, tr("After")))
    sample = line * 2.2
    width = _legend_width(metrics)
    x = right_middle.x() - width + line
    y = right_middle.y()
    for after, text in entries:
        colour = QColor(ink.after if after else ink.before)
        style = Qt.PenStyle.SolidLine if after else Qt.PenStyle.DashLine
        painter.setPen(QPen(colour, max(1.0, line * 0.1), style))
        painter.drawLine(QPointF(x, y), QPointF(x + sample, y))
        _paint_marker(painter, QPointF(x + sample / 2, y), line * 0.22, after, ink)
        x += sample + line * 0.4
        painter.setPen(QColor(ink.text))
        advance = metrics.horizontalAdvance(text)
        painter.drawText(QRectF(x, y - line / 2, advance + 2, line), _LEFT, text)
        x += advance + line
    return width


def _legend_width(metrics: QFontMetricsF) -> float:
    line = metrics.height()
    words = metrics.horizontalAdvance(tr("Before")) + metrics.horizontalAdvance(tr("After"))
    return 2 * (line * 2.2 + line * 0.4 + line) + words


def _paint_grid(
    painter: QPainter, plot: QRectF, trend: ItemTrend, ink: ChartInk, line: float
) -> None:
    span = trend.scale_max - trend.scale_min
    step = 1 if span <= 5 else 2 if span <= 10 else math.ceil(span / 5)
    for value in range(trend.scale_min, trend.scale_max + 1, step):
        y = plot.bottom() - (value - trend.scale_min) / span * plot.height()
        painter.setPen(QPen(QColor(ink.grid), max(0.5, line * 0.04)))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(ink.muted))
        box = QRectF(plot.left() - line * 3, y - line / 2, line * 2.7, line)
        painter.drawText(
            box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(value)
        )
    painter.setPen(QPen(QColor(ink.muted), max(1.0, line * 0.06)))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())


def _paint_x_labels(
    painter: QPainter,
    plot: QRectF,
    trends: Trends,
    x_of: Callable[[int], float],
    ink: ChartInk,
    line: float,
) -> None:
    """Dates under the axis, as many as fit without touching, and the axis's name."""
    metrics = QFontMetricsF(painter.font())
    slots = max(1, trends.slots)
    widest = metrics.horizontalAdvance("30 Sep 2025") + line
    step = max(1, math.ceil(widest / (plot.width() / slots)))
    labels = _slot_labels(trends)
    painter.setPen(QColor(ink.muted))
    for slot in range(0, slots, step):
        text = labels(slot)
        box = QRectF(x_of(slot) - widest / 2, plot.bottom() + line * 0.3, widest, line)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    heading = period_heading(trends.period)
    box = QRectF(plot.left(), plot.bottom() + line * 1.4, plot.width(), line)
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, heading)


def _slot_labels(trends: Trends) -> Callable[[int], str]:
    if trends.period is Period.SESSION:
        days = {p.slot: p.starts for item in trends.items for p in item.points}

        def session_label(slot: int) -> str:
            day = days.get(slot)
            return day_text(day) if day else ""

        return session_label

    def period_label(slot: int) -> str:
        day = trends.slot_start(slot)
        if day is None:
            return ""
        if trends.period is Period.YEAR:
            return str(day.year)
        return f"{day:%b %Y}" if trends.period is Period.MONTH else day_text(day)

    return period_label


MAX_CHART_HEIGHT = 460  # taller only stretches the same lines

# -- widgets -----------------------------------------------------------------------------------


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
    ) -> None:
        super().__init__(parent)
        self._journal = journal
        self._today = today
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
        self.empty_note = plain_label(
            tr(
                "Nothing to chart here yet. Charts show sessions with a check-in both before "
                "and after listening; they appear after the first one in this period."
            ),
            role="muted",
        )
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
        """Read the numbers again for the period chosen and show them."""
        since, until = self.range_dates()
        self._read = True
        self._trends = trends(self._journal, since=since, until=until)
        chosen = self.item_choice.currentData()
        self.item_choice.blockSignals(True)
        self.item_choice.clear()
        for item in self._trends.items:
            self.item_choice.addItem(item_title(item.key, item.label), item.key)
        found = self.item_choice.findData(chosen)
        self.item_choice.setCurrentIndex(max(0, found))
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
