"""Checks every page should pass: named controls, and nothing clipped at small sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QLabel,
    QScrollArea,
    QWidget,
)

from mtcalm.ui import theme

SMALL_PAGE = (780, 520)


@contextmanager
def larger_text(app: QApplication, factor: float = 1.5) -> Iterator[None]:
    """Text ``factor`` times larger, as a person's text-scale setting makes it: the
    application font and every point size in the style sheet grow; pixel sizes do not.
    """
    font, sheet = QFont(app.font()), app.styleSheet()
    larger = QFont(font)
    larger.setPointSizeF(font.pointSizeF() * factor)
    app.setFont(larger)
    app.setStyleSheet(
        re.sub(
            r"(\d+(?:\.\d+)?)pt",
            lambda match: f"{float(match.group(1)) * factor:g}pt",
            theme.STYLE_SHEET,
        )
    )
    try:
        yield
    finally:
        app.setFont(font)
        app.setStyleSheet(sheet)


def unnamed_controls(page: QWidget) -> list[QWidget]:
    """Controls of ``page`` that take the focus but have no name for a screen reader.

    A button's text is its name; anything else needs an accessible name.
    """
    missing = []
    for widget in page.findChildren(QWidget):
        if widget.window() is not page.window():  # a list's popup, a dialog
            continue
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus:
            continue
        if isinstance(widget.parentWidget(), QAbstractScrollArea) and (
            widget is widget.parentWidget().viewport()
        ):
            continue  # the viewport's owner carries the name
        if widget.accessibleName().strip():
            continue
        if isinstance(widget, QAbstractButton) and widget.text().strip():
            continue
        missing.append(widget)
    return missing


def visible_rect(widget: QWidget, page: QWidget) -> QRect:
    """Where ``widget`` is, in ``page`` coordinates."""
    return QRect(widget.mapTo(page, QPoint(0, 0)), widget.size())


def clipped_widgets(page: QWidget) -> list[str]:
    """Shown labels and controls of ``page`` that are squeezed, cut off at the sides, or that
    sit in a scroll area scrolling sideways.
    """
    problems = []
    width = page.width()
    for area in page.findChildren(QAbstractScrollArea):
        if area.isVisible() and area.horizontalScrollBar().maximum() > 0:
            problems.append(f"{area!r} scrolls sideways")
    for widget in page.findChildren(QWidget):
        if not widget.isVisible() or widget.window() is not page.window():
            continue
        if not isinstance(widget, QLabel | QAbstractButton) and widget.focusPolicy() == (
            Qt.FocusPolicy.NoFocus
        ):
            continue
        if _inside_scrolled_content(widget):
            place = widget.mapTo(_viewport_of(widget), QPoint(0, 0))
            limit = _viewport_of(widget).width()
        else:
            place = widget.mapTo(page, QPoint(0, 0))
            limit = width
        name = widget.objectName() or getattr(widget, "text", lambda: "")() or repr(widget)
        if place.x() < 0 or place.x() + widget.width() > limit:
            problems.append(f"{name!r} goes past the side ({place.x()}+{widget.width()}>{limit})")
        hint = widget.minimumSizeHint()
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            needed = widget.fontMetrics().horizontalAdvance(widget.text())
            if widget.width() < needed:
                problems.append(f"{name!r} is cut ({widget.width()} < {needed})")
        elif hint.isValid() and widget.width() < hint.width():
            problems.append(f"{name!r} is squeezed ({widget.width()} < {hint.width()})")
        wraps = isinstance(widget, QLabel) and widget.wordWrap() and widget.text()
        if wraps and widget.height() < widget.heightForWidth(widget.width()):
            problems.append(f"{name!r} is cut off below")
    return problems


def _viewport_of(widget: QWidget) -> QWidget:
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    assert parent is not None
    return parent.viewport()


def _inside_scrolled_content(widget: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False
