"""The pieces "My music" and its playlists card share: tables that fit their width (never a
sideways scroll bar), lists, rows of buttons that wrap, and the words for a list of problems."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QPushButton,
    QTableView,
    QWidget,
)

from mtcalm.ui import theme
from mtcalm.ui.layout import FlowLayout
from mtcalm.ui.text import plural, tr

MAX_PROBLEMS_SHOWN = 6
ENTER_KEYS = ("Return", "Enter")
CELL_PADDING = 32  # the theme's item padding (10 px a side), the style's margins, air
HEADER_PADDING = 32  # the header's padding and room for the sort arrow
MIN_SHARE_CHARACTERS = 10  # below this a shared column is too narrow to read


def button_row(*widgets: QWidget) -> FlowLayout:
    """``widgets`` in a row that wraps."""
    row = FlowLayout()
    for widget in widgets:
        row.addWidget(widget)
    return row


class FittedTable(QTableView):
    """A calm, read-only table whose columns always fit its width, so it never scrolls
    sideways: short columns are as wide as their words, the others share what is left and
    end in "…" when the text is longer (the whole text is in the cell's tooltip). When even
    that leaves too little room, the columns named as optional give way, the first first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shares: dict[int, int] = {}
        self._words: dict[int, tuple[str, ...]] = {}
        self._decorated: frozenset[int] = frozenset()
        self._optional: tuple[int, ...] = ()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(16)
        self.viewport().installEventFilter(self)

    def fit_columns(
        self,
        shares: Mapping[int, int],
        words: Mapping[int, Sequence[str]] | None = None,
        *,
        decorated: Collection[int] = (),
        optional: Sequence[int] = (),
    ) -> None:
        """Columns in ``shares`` divide the free width by weight; those in ``words`` are as
        wide as the longest of those words or the heading (``decorated`` ones have a chip);
        ``optional`` columns are hidden, in that order, while a shared one would be too narrow.
        """
        self._shares = dict(shares)
        self._words = {column: tuple(texts) for column, texts in (words or {}).items()}
        self._decorated = frozenset(decorated)
        self._optional = tuple(optional)
        self.refit()

    def refit(self) -> None:
        """Size the columns (and the rows, for the text size) to the room there is now."""
        self.verticalHeader().setDefaultSectionSize(max(34, self.fontMetrics().height() + 14))
        model = self.model()
        if model is None or not self._shares:
            return
        available = self.viewport().width()
        widths = {column: self._word_width(column) for column in self._words}
        least = self.fontMetrics().averageCharWidth() * MIN_SHARE_CHARACTERS + CELL_PADDING
        hidden: set[int] = set()
        shown: dict[int, int] = {}
        shares: dict[int, int] = {}
        weights = room = 1
        for column in (None, *self._optional):
            if column is not None:
                hidden.add(column)
            shown = {c: w for c, w in widths.items() if c not in hidden}
            shares = {c: share for c, share in self._shares.items() if c not in hidden}
            weights = sum(shares.values()) or 1
            room = available - sum(shown.values())
            if all(room * share // weights >= least for share in shares.values()):
                break
        total: int = sum(shown.values())
        if room < least * len(shares) and total > 0:  # narrower still: all give way
            scale = max(available - least * len(shares), 0) / total
            shown = {column: int(width * scale) for column, width in shown.items()}
            room = available - sum(shown.values())
        room = max(room, 0)
        sized = {column: room * share // weights for column, share in shares.items()}
        sized[max(sized)] += room - sum(sized.values())
        header = self.horizontalHeader()
        for column in range(model.columnCount()):
            self.setColumnHidden(column, column in hidden)
            width = shown.get(column, sized.get(column))
            if width is not None and column not in hidden:
                header.resizeSection(column, width)

    def _word_width(self, column: int) -> int:
        metrics = self.fontMetrics()
        widest = max((metrics.horizontalAdvance(text) for text in self._words[column]), default=0)
        if column in self._decorated:
            widest += (self.iconSize().width() if self.iconSize().isValid() else 16) + 8
        model = self.model()
        heading = model.headerData(column, Qt.Orientation.Horizontal) if model else ""
        header_metrics = self.horizontalHeader().fontMetrics()
        heading_width = header_metrics.horizontalAdvance(str(heading or "")) + HEADER_PADDING
        return max(widest + CELL_PADDING, heading_width)

    def setModel(self, model: QAbstractItemModel | None) -> None:
        super().setModel(model)
        self.refit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self.refit()
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.refit()


def make_table(name: str, *, multiple: bool = False) -> FittedTable:
    """A calm, read-only table of rows that Tab leaves (arrows move inside it)."""
    view = FittedTable()
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(
        QAbstractItemView.SelectionMode.ExtendedSelection
        if multiple
        else QAbstractItemView.SelectionMode.SingleSelection
    )
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(34)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setHighlightSections(False)
    return view


def on_enter(view: QWidget, action: Callable[[], None]) -> None:
    """Enter (main or keypad) on ``view`` does ``action``."""
    for key in ENTER_KEYS:
        shortcut = QShortcut(QKeySequence(key), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(action)


def fitted_list(name: str) -> QListWidget:
    """A list whose long lines end in "…" (whole in the tooltip) rather than scroll sideways."""
    view = QListWidget()
    view.setAccessibleName(name)
    view.setStyleSheet(list_style())
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setWordWrap(False)
    view.setUniformItemSizes(True)
    return view


def list_style() -> str:
    """Lists look like the theme's tables (the theme does not style QListWidget yet)."""
    return (
        f"QListWidget {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER};"
        " border-radius: 8px; padding: 6px; }"
        f" QListWidget:focus {{ border: 2px solid {theme.ACCENT}; }}"
        " QListWidget::item { padding: 4px 6px; }"
        f" QListWidget::item:selected {{ background: {theme.SOFT_ACCENT}; color: {theme.TEXT}; }}"
    )


def button(text: str, accessible_name: str = "", tooltip: str = "") -> QPushButton:
    widget = QPushButton(text)
    widget.setAccessibleName(accessible_name or text.rstrip("…"))
    if tooltip:
        widget.setToolTip(tooltip)
    return widget


def problems_text(problems: Sequence[str]) -> str:
    """The first few problems, one a line, and how many more there are."""
    shown = list(problems[:MAX_PROBLEMS_SHOWN])
    if len(problems) > MAX_PROBLEMS_SHOWN:
        rest = len(problems) - MAX_PROBLEMS_SHOWN
        shown.append(plural(rest, tr("… and %n more"), tr("… and %n more")))
    return "\n".join(shown)
