"""Painting a chart of before and after with QPainter, onto a widget or a PDF page.

The chart reads in black and white: "before" is a dashed line with open circles, "after" a solid
line with filled squares, on a scale labelled with its own words. :func:`paint_trend` draws onto
any QPainter (the chart widget in :mod:`mtcalm.ui.charts`, a PDF page in
:mod:`mtcalm.ui.report_pdf`), sized from the painter's font. No charting library: QtCharts comes
only with PySide6-Addons (a 175 MB wheel, 439 MB installed), for two lines and a grid.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen

from mtcalm.journal.trends import ItemTrend, Period, Trends
from mtcalm.ui import theme
from mtcalm.ui.chart_words import average_words, day_text, period_heading, scale_caption
from mtcalm.ui.item_words import item_title
from mtcalm.ui.text import tr


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
