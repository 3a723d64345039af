"""The two page shapes mtcalm uses, so every page has the same margins and spacing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from mtcalm.ui import theme


def _scrolling_body(page: QWidget) -> tuple[QScrollArea, QWidget]:
    """Fill ``page`` with a frameless scroll area; returns it and the widget that scrolls."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    outer.addWidget(scroll)
    body = QWidget()
    scroll.setWidget(body)
    return scroll, body


def scrolling_page(page: QWidget) -> QVBoxLayout:
    """A page whose content scrolls (lists, forms); returns the content's layout."""
    _, body = _scrolling_body(page)
    layout = QVBoxLayout(body)
    layout.setContentsMargins(theme.PAGE_MARGIN, 24, theme.PAGE_MARGIN, 24)
    layout.setSpacing(theme.SPACING)
    return layout


def roomy_page(page: QWidget, *, scrolls_when_small: bool = False) -> QVBoxLayout:
    """A page with one thing to do, given generous margins.

    With ``scrolls_when_small`` the content scrolls rather than being squeezed when the window
    is smaller than it needs; at any larger size it looks the same.
    """
    body = page
    if scrolls_when_small:
        scroll, body = _scrolling_body(page)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the controls, not to it
    layout = QVBoxLayout(body)
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
