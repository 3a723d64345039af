"""The two page shapes mtcalm uses, so every page has the same margins and spacing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

from mtcalm.ui import theme


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    """The scroll area ``widget`` sits in, if any."""
    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    return parent


def bring_into_view(widget: QWidget) -> None:
    """Scroll so that ``widget`` can be seen (a focused control is never off screen)."""
    area = scroll_area_of(widget)
    if area is not None:
        area.ensureWidgetVisible(widget, 16, 24)


def _scrolling_body(page: QWidget) -> tuple[QScrollArea, QWidget]:
    """Fill ``page`` with a frameless scroll area; returns it and the widget that scrolls."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls, not to it
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    return scroll, body


READABLE_WIDTH = 760  # lines of about 70 characters; wider windows centre the column


def _column(body: QWidget, max_width: int | None) -> QWidget:
    """The widget the page's content goes in: ``body`` itself, or a centred column in it."""
    if max_width is None:
        return body
    row = QHBoxLayout(body)
    row.setContentsMargins(0, 0, 0, 0)
    column = QWidget()
    column.setMaximumWidth(max_width)
    row.addStretch(1)
    row.addWidget(column, 100)
    row.addStretch(1)
    return column


def scrolling_page(page: QWidget, *, max_width: int | None = None) -> QVBoxLayout:
    """A page whose content scrolls (lists, forms); returns the content's layout.

    With ``max_width`` the content is a centred column no wider than that.
    """
    _, body = _scrolling_body(page)
    layout = QVBoxLayout(_column(body, max_width))
    layout.setContentsMargins(theme.PAGE_MARGIN, 24, theme.PAGE_MARGIN, 24)
    layout.setSpacing(theme.SPACING)
    return layout


def roomy_page(
    page: QWidget, *, scrolls_when_small: bool = False, max_width: int | None = None
) -> QVBoxLayout:
    """A page with one thing to do, given generous margins.

    With ``scrolls_when_small`` the content scrolls rather than being squeezed when the window
    is smaller than it needs; at any larger size it looks the same.
    """
    body = page
    if scrolls_when_small:
        scroll, body = _scrolling_body(page)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls, not to it
    layout = QVBoxLayout(_column(body, max_width))
    layout.setContentsMargins(theme.PAGE_MARGIN * 2, 48, theme.PAGE_MARGIN * 2, 40)
    layout.setSpacing(theme.SPACING)
    return layout


def card(
    margins: tuple[int, int, int, int] = (32, 24, 32, 24), spacing: int = 12
) -> tuple[QFrame, QVBoxLayout]:
    """A soft, rounded panel and the layout to fill it."""
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(*margins)
    layout.setSpacing(spacing)
    return frame, layout
