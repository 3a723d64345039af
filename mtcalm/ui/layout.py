"""The two page shapes mtcalm uses, so every page has the same margins and spacing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLayout,
    QLayoutItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mtcalm.ui import theme


def scroll_area_of(widget: QWidget) -> QScrollArea | None:
    """The innermost scroll area ``widget`` sits in, if any.

    Found from the window down rather than by walking up the parents: walking up passes the
    scroll area's viewport, which Qt made, and the first time PySide6 wraps such a widget it
    sets up every widget class there is to find its type (about 15 ms, on the first frame).
    """
    areas = [
        area
        for area in widget.window().findChildren(QScrollArea)
        if area is not widget and area.isAncestorOf(widget)
    ]
    inner = (
        area for area in areas if not any(a is not area and area.isAncestorOf(a) for a in areas)
    )
    return next(inner, None)


def bring_into_view(widget: QWidget) -> None:
    """Scroll so that ``widget`` can be seen (a focused control is never off screen); a
    control already wholly in sight moves nothing (Qt's own check: the viewport itself is
    never asked for, for the reason in :func:`scroll_area_of`).
    """
    area = scroll_area_of(widget)
    if area is not None:
        area.ensureWidgetVisible(widget, 16, 24)


def first_focusable(page: QWidget) -> QWidget | None:
    """The first control of ``page`` that Tab reaches, in the page's focus order."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if (
            page.isAncestorOf(widget)
            and widget.isVisibleTo(page)
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            return widget
        widget = widget.nextInFocusChain()
    return None


def open_at_top(page: QWidget) -> None:
    """Open ``page`` at its top with focus on its first control (its ``focus_first`` if it
    has one): never where it was last scrolled, never with focus on something unseen.
    """
    scroll_to_top(page)
    focus_first = getattr(page, "focus_first", None)
    if callable(focus_first):
        focus_first()
        return
    first = first_focusable(page)
    if first is not None:
        first.setFocus(Qt.FocusReason.TabFocusReason)


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


class ReflowRow(QWidget):
    """Items side by side when they fit at their preferred widths, one under another when not.

    Larger text or a narrow window then never squeezes or clips a control, and never needs a
    horizontal scroll bar.
    """

    def __init__(
        self,
        spacing: int = theme.SPACING,
        stacked_spacing: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._spacing = spacing
        self._stacked_spacing = spacing if stacked_spacing is None else stacked_spacing
        self.box = QBoxLayout(QBoxLayout.Direction.LeftToRight, self)
        self.box.setContentsMargins(0, 0, 0, 0)
        self.box.setSpacing(spacing)
        self.box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)

    def add_widget(self, widget: QWidget, stretch: int = 0) -> None:
        self.box.addWidget(widget, stretch)

    def add_layout(self, layout: QLayout, stretch: int = 0) -> None:
        self.box.addLayout(layout, stretch)

    def is_stacked(self) -> bool:
        return self.box.direction() is QBoxLayout.Direction.TopToBottom

    def _items(self) -> list[tuple[QSize, QSize]]:
        """The preferred and minimum sizes of the items shown."""
        sizes = []
        for index in range(self.box.count()):
            item = self.box.itemAt(index)
            if item is not None and not item.isEmpty():
                sizes.append((item.sizeHint(), item.minimumSize()))
        return sizes

    def side_by_side_width(self) -> int:
        """The width the items need side by side, each at its preferred width."""
        hints = [hint.width() for hint, _ in self._items()]
        return sum(hints) + self._spacing * max(0, len(hints) - 1)

    def sizeHint(self) -> QSize:
        # Always ask for the side-by-side width, so a parent that has it gives it.
        return QSize(self.side_by_side_width(), self.box.sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        widths = [minimum.width() for _, minimum in self._items()]
        return QSize(max(widths, default=0), self.box.minimumSize().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.reflow(event.size().width())
        super().resizeEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # an item was shown, hidden or resized
            self.reflow(self.width())
        return super().event(event)

    def reflow(self, width: int) -> None:
        """Side by side at ``width`` if the items fit, else one under another."""
        stacked = width < self.side_by_side_width()
        if stacked != self.is_stacked():
            self.box.setDirection(
                QBoxLayout.Direction.TopToBottom if stacked else QBoxLayout.Direction.LeftToRight
            )
            self.box.setSpacing(self._stacked_spacing if stacked else self._spacing)
            self.updateGeometry()


def scroll_to_top(page: QWidget) -> None:
    """Scroll every scroll area of ``page`` (lists and tables too) back to its start."""
    for area in page.findChildren(QAbstractScrollArea):
        area.verticalScrollBar().setValue(0)
        area.horizontalScrollBar().setValue(0)


def page_with_actions(
    page: QWidget, *, max_width: int = READABLE_WIDTH, actions_overhang: int = 0
) -> tuple[QVBoxLayout, QHBoxLayout]:
    """A roomy page whose content scrolls when small, over a row of actions always in view.

    Returns the content's layout and the actions' row. The main action keeps its place at any
    text size, so the page can open at its top with that action focused and seen. With
    ``actions_overhang`` the row of actions may reach that far past the text on each side.

    """
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(0)
    content = QWidget()
    layout = roomy_page(content, scrolls_when_small=True, max_width=max_width)
    layout.setContentsMargins(theme.PAGE_MARGIN * 2, 48, theme.PAGE_MARGIN * 2, 16)
    outer.addWidget(content, 1)
    footer = QWidget()
    actions = QHBoxLayout(_column(footer, max_width))
    side = theme.PAGE_MARGIN * 2 - actions_overhang
    actions.setContentsMargins(side, 12, side, 32)
    actions.setSpacing(theme.SPACING)
    outer.addWidget(footer)
    return layout, actions


class FlowLayout(QLayout):
    """Widgets in rows that wrap onto the next row when the width runs out, so nothing needs
    a horizontal scroll bar at a large text scale. Rows start at the left, or end at the right;
    with ``cell`` (a width), widgets share each row in equal cells no narrower than that,
    like a grid that wraps, rows kept even (3 + 2 rather than 4 + 1).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        spacing: int = 8,
        right: bool = False,
        cell: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._right = right
        self._cell = cell
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        width = sum(item.sizeHint().width() for item in self._items)
        width += self._gap * max(0, len(self._items) - 1)
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _rows(self, width: int) -> list[list[tuple[QLayoutItem, QSize]]]:
        """The items, row by row, each with the size it gets."""
        items = [item for item in self._items if not item.isEmpty()]
        if self._cell is not None and items:
            columns = max(1, min(len(items), (width + self._gap) // (self._cell + self._gap)))
            row_count = -(-len(items) // columns)
            columns = -(-len(items) // row_count)  # even rows
            cell = max(self._cell, (width - self._gap * (columns - 1)) // columns)
            sized = [(item, QSize(cell, item.sizeHint().height())) for item in items]
            return [sized[start : start + columns] for start in range(0, len(sized), columns)]
        rows: list[list[tuple[QLayoutItem, QSize]]] = [[]]
        used = 0
        for item in items:
            hint = item.sizeHint()
            hint.setWidth(min(hint.width(), width))  # a word wider than the room is elided
            needed = hint.width() if not rows[-1] else used + self._gap + hint.width()
            if rows[-1] and needed > width:
                rows.append([])
                needed = hint.width()
            rows[-1].append((item, hint))
            used = needed
        return rows

    def _arrange(self, rect: QRect, *, apply: bool) -> int:
        """Place the items in ``rect`` (if ``apply``); returns the height they take."""
        area = rect.marginsRemoved(self.contentsMargins())
        rows = self._rows(area.width())
        y = area.y()
        for row in rows:
            if not row:
                continue
            height = max(hint.height() for _, hint in row)
            total = sum(hint.width() for _, hint in row) + self._gap * (len(row) - 1)
            x = area.x() + (area.width() - total if self._right else 0)
            for item, hint in row:
                if apply:
                    top = y + (height - hint.height()) // 2
                    item.setGeometry(QRect(QPoint(x, top), hint))
                x += hint.width() + self._gap
            y += height + self._gap
        bottom = self.contentsMargins().bottom()
        return max(0, y - self._gap - rect.y()) + bottom


def fit_to_content(dialog: QWidget, scroll_area: QScrollArea) -> None:
    """Make a shown ``dialog`` tall enough to show all of ``scroll_area``'s content, up to nine
    tenths of the screen (beyond that, the content scrolls and the buttons stay in view).
    """
    content = scroll_area.widget()
    if content is None:
        return
    available = dialog.screen().availableGeometry().height()
    chrome = dialog.height() - scroll_area.viewport().height()
    wanted = content.sizeHint().height() + chrome
    dialog.resize(dialog.width(), max(dialog.height(), min(wanted, available * 9 // 10)))
