"""Laying out the pages of a printed summary: plain text that wraps and flows on to the next
page, small tables, rules, and a footer with the period and the page number on every page.

Every piece of text is laid out by QTextLayout as plain text, never as rich text, so a note
that reads ``<b>`` prints ``<b>``.
"""

from __future__ import annotations

import errno
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPdfWriter,
    QPen,
    QTextLayout,
    QTextOption,
)

from mtcalm.ui.text import tr

RESOLUTION = 300  # dots per inch of the page's coordinates
BODY_POINTS = 10.0
BLACK = "#000000"
GREY = "#404040"


class Pages:
    """A cursor down the pages of a PDF: text that wraps and flows on to the next page, small
    tables, rules, and a footer with the period and the page number on every page.
    """

    def __init__(self, writer: QPdfWriter, footer: str) -> None:
        self.writer = writer
        self.painter = QPainter()
        if not self.painter.begin(writer):
            raise OSError(errno.EIO, "the PDF could not be started")
        self.footer = footer
        self.font = QFont()
        self.font.setFamilies(
            ["DejaVu Sans", "Noto Sans", "Liberation Sans", "Arial", "sans-serif"]
        )
        self.font.setPointSizeF(BODY_POINTS)
        if hasattr(self.font, "setFeature"):  # Qt 6.7: no "fl" ligature, so "flag" is found
            for feature in ("liga", "clig"):
                self.font.setFeature(QFont.Tag(feature), 0)
        self.painter.setFont(self.font)
        self._fonts: dict[tuple[float, bool], QFont] = {}
        self._heights: dict[tuple[float, bool], float] = {}
        page = writer.pageLayout().paintRectPixels(RESOLUTION)
        self.width = float(page.width())
        self.bottom = float(page.height()) - self.line_height() * 2  # room for the footer
        self.y = 0.0
        self.page = 1

    def font_of(self, size: float = 1.0, bold: bool = False) -> QFont:
        """The body font at ``size`` times its size (made once: a long journal asks often)."""
        key = (size, bold)
        if key not in self._fonts:
            font = QFont(self.font)
            font.setPointSizeF(BODY_POINTS * size)
            font.setBold(bold)
            self._fonts[key] = font
            self._heights[key] = QFontMetricsF(font, self.writer).height()
        return self._fonts[key]

    def line_height(self, size: float = 1.0) -> float:
        self.font_of(size)
        return self._heights[(size, False)]

    def space(self, lines: float) -> None:
        self.y += self.line_height() * lines

    def ensure(self, height: float) -> None:
        """Start a new page unless ``height`` fits on this one."""
        if self.y + height > self.bottom and self.y > 0:
            self.new_page()

    def new_page(self) -> None:
        self._footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0

    def heading(self, text: str) -> None:
        self.ensure(self.line_height(1.4) * 4)
        self.text(text, size=1.4, bold=True, after=0.4)

    def text(
        self,
        text: str,
        *,
        size: float = 1.0,
        bold: bool = False,
        colour: str = BLACK,
        indent: float = 0.0,
        after: float = 0.0,
    ) -> None:
        """``text`` as plain text, wrapped to the page, flowing on to the next one."""
        font = self.font_of(size, bold)
        left = self.line_height() * indent
        layout = QTextLayout(text.replace("\r\n", "\n").replace("\n", "\u2028"), font, self.writer)
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.beginLayout()
        lines = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(self.width - left)
            lines.append(line)
        layout.endLayout()
        for line in lines:
            self.ensure(line.height())
            self.painter.setPen(QColor(colour))  # a new page's footer changed it
            line.draw(self.painter, QPointF(left, self.y - line.y()))
            self.y += line.height()
        self.y += self.line_height() * after

    def boxed(self, text: str) -> None:
        """A paragraph in a thin frame (the plain-words notice)."""
        pad = self.line_height() * 0.5
        top = self.y
        self.y += pad
        self.text(text, indent=0.5)
        if self.y > top:  # the notice is short: it never runs over a page
            self.painter.setPen(QPen(QColor(BLACK), RESOLUTION / 150))
            self.painter.setBrush(Qt.BrushStyle.NoBrush)
            self.painter.drawRect(QRectF(0, top, self.width, self.y - top + pad))
        self.y += pad + self.line_height() * 0.6

    def table(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        shares: Sequence[float] | None = None,
        size: float = 1.0,
    ) -> None:
        """A plain table: the first column wide, the others narrow and right-aligned;
        ``shares`` gives each column its part of the width instead (they add up to 1), and
        ``size`` scales its text.
        """
        line = self.line_height(size) * 1.15
        share = (
            tuple(shares)
            if shares is not None
            else (
                0.34,
                *[0.42 / (len(headings) - 2)] * (len(headings) - 2),
                0.24,
            )
        )
        columns = [sum(share[:index]) * self.width for index in range(len(share))]
        widths = [fraction * self.width for fraction in share]
        for index, row in enumerate([headings, *rows]):
            self.ensure(line * (2 if index == 0 else 1))  # never a heading alone at the foot
            if index == 0 or self.y == 0:
                self._row(headings, columns, widths, line, bold=True, size=size)
                if index == 0:
                    continue
            self._row(row, columns, widths, line, bold=False, size=size)

    def fitted_table(self, headings: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        """A plain table whose columns are as wide as their words (the first left-aligned,
        the others right-aligned, the last left-aligned), its text made smaller, down to
        seven tenths, when they would not fit the page; what is left is shared out.
        """
        for size in (1.0, 0.9, 0.8, 0.7):
            line = self.line_height(size) * 1.15
            needs = []
            for column in range(len(headings)):
                widest = 0.0
                for index, row in enumerate([headings, *rows]):
                    metrics = QFontMetricsF(self.font_of(size, index == 0), self.writer)
                    if column < len(row):
                        widest = max(widest, metrics.horizontalAdvance(row[column]))
                inset = line * (1.2 if column == len(headings) - 1 else 0.15)
                needs.append(widest + line + inset + line * 0.2)
            if sum(needs) <= self.width or size == 0.7:
                break
        spare = max(self.width - sum(needs), 0.0) / len(needs)
        shares = [(need + spare) / max(self.width, sum(needs)) for need in needs]
        self.table(headings, rows, shares=shares, size=size)

    def _row(
        self,
        row: Sequence[str],
        columns: list[float],
        widths: list[float],
        height: float,
        *,
        bold: bool,
        size: float = 1.0,
    ) -> None:
        font = self.font_of(size, bold)
        self.painter.save()
        self.painter.setFont(font)
        self.painter.setPen(QColor(BLACK))
        metrics = QFontMetricsF(font, self.writer)
        for column, (x, width, text) in enumerate(zip(columns, widths, row, strict=False)):
            words = column in (0, len(row) - 1)  # the period and the change; numbers between
            align = Qt.AlignmentFlag.AlignLeft if words else Qt.AlignmentFlag.AlignRight
            inset = height * (1.2 if column == len(row) - 1 else 0.15)  # air after numbers
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, width - height - inset)
            box = QRectF(x + inset, self.y, width - height - inset, height)
            self.painter.drawText(box, align | Qt.AlignmentFlag.AlignVCenter, shown)
        self.painter.setPen(QPen(QColor("#909090"), RESOLUTION / 300))
        self.y += height
        self.painter.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
        self.painter.restore()

    def rule(self) -> None:
        self.painter.setPen(QPen(QColor("#909090"), RESOLUTION / 300))
        self.painter.drawLine(QPointF(0, self.y), QPointF(self.width, self.y))
        self.y += self.line_height() * 0.3

    def _footer(self) -> None:
        self.painter.save()
        self.painter.setFont(self.font_of(0.85))
        self.painter.setPen(QColor(GREY))
        box = QRectF(0, self.bottom + self.line_height(), self.width, self.line_height())
        words = (
            tr("mtcalm summary · %1 · page %2")
            .replace("%1", self.footer)
            .replace("%2", str(self.page))
        )
        self.painter.drawText(
            box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, words
        )
        self.painter.restore()

    def finish(self) -> None:
        if self.painter.isActive():
            self._footer()
            self.painter.end()
