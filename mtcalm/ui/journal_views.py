"""The journal's other views, each a page of its own with a way back to the list: changes over
time (charts with their tables) and what helps me. They are made, and their modules loaded,
when first opened.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.journal.store import Journal
from mtcalm.ui import theme
from mtcalm.ui.charts import ChartsPanel
from mtcalm.ui.layout import READABLE_WIDTH, scrolling_page
from mtcalm.ui.text import plain_label
from mtcalm.ui.what_helps_panel import WhatHelpsPanel


def back_row(page: QWidget, layout: QVBoxLayout) -> QPushButton:
    """ "Back to the journal" at the top of ``page`` (Esc does the same)."""
    back = QPushButton(page.tr("Back to the journal"))
    back.setToolTip(page.tr("Your sessions, newest first (Esc)"))
    row = QHBoxLayout()
    row.addWidget(back)
    row.addStretch(1)
    layout.addLayout(row)
    return back


class ChangesOverTimePage(QWidget):
    """Before and after over time, for one question at a time, with the numbers as a table."""

    back_requested = Signal()

    def __init__(
        self, journal: Journal, parent: QWidget | None = None, *, panel: ChartsPanel | None = None
    ) -> None:
        super().__init__(parent)
        layout = scrolling_page(self, max_width=READABLE_WIDTH + 200)
        self.back_button = back_row(self, layout)
        self.back_button.clicked.connect(self.back_requested)
        layout.addWidget(plain_label(self.tr("Changes over time"), "title"))
        layout.addWidget(
            plain_label(
                self.tr(
                    "How you felt before and after listening, on average, over the weeks. "
                    "Arrow keys move along the chart; the table has the same numbers."
                ),
                "muted",
            )
        )
        self.panel = panel if panel is not None else ChartsPanel(journal)
        self.panel.setMinimumHeight(420)
        layout.addWidget(self.panel, 1)

    def refresh(self) -> None:
        self.panel.refresh()

    def shutdown(self) -> None:
        self.panel.shutdown()


class WhatHelpsPage(QWidget):
    """What helps me, under a way back to the list."""

    back_requested = Signal()

    def __init__(
        self,
        journal: Journal,
        parent: QWidget | None = None,
        *,
        panel: WhatHelpsPanel | None = None,
    ) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(theme.PAGE_MARGIN, 16, theme.PAGE_MARGIN, 0)
        self.back_button = back_row(self, column)
        self.back_button.clicked.connect(self.back_requested)
        self.panel = panel if panel is not None else WhatHelpsPanel(journal.path)
        column.addWidget(self.panel, 1)

    def refresh(self) -> None:
        self.panel.refresh()

    def shutdown(self) -> None:
        self.panel.shutdown()
