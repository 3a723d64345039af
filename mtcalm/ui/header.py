"""The header: the wordmark, the sections, "Get support" on every page, and "Stop and ground"
on every page but grounding.

The section buttons are plain buttons, each its own Tab stop in reading order (an exclusive
button group would let Tab reach only the checked one, move between sections on the arrow
keys, and keep a section highlighted after leaving it). The window says which section is
current; no section is highlighted on pages that belong to none (a session, its summary).

"Get support" opens the person's own contacts over whatever is shown (nothing stops); it sits
just before "Stop and ground", outlined and quiet beside that warm button, so the two never
look like one.

When one row does not fit (a small screen, large text), the sections move to a second row
that wraps, and the header keeps that height on every page.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.ui.layout import FlowLayout
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import HEADER_HEIGHT

MARGIN = 24
GAP = 6

SECTIONS = ("home", "pacer", "library", "journal", "data")


class Header(QFrame):
    """Sections to move between, and the way out of anything hard."""

    section_requested = Signal(str)  # one of SECTIONS
    ground_requested = Signal()
    support_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "header")
        self.setFixedHeight(HEADER_HEIGHT)  # the same on every page, buttons or not
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(MARGIN, 10, MARGIN, 10)
        self._column.setSpacing(GAP)
        self._top = QHBoxLayout()
        self._top.setSpacing(GAP)
        self._column.addLayout(self._top)
        self.wordmark = plain_label(self.tr("mtcalm"), "wordmark", wrap=False)
        self._top.addWidget(self.wordmark)
        self._top.addStretch(1)
        self.sections = QWidget()
        self._flow = FlowLayout(self.sections, spacing=GAP)
        self._top.addWidget(self.sections)
        names = {
            "home": self.tr("Listen"),
            "pacer": self.tr("Breathe"),
            "library": self.tr("My music"),
            "journal": self.tr("Journal"),
            "data": self.tr("Your data"),
        }
        self.buttons: dict[str, QPushButton] = {}
        for section in SECTIONS:
            button = QPushButton(names[section])
            button.setProperty("role", "nav")
            button.setCheckable(True)  # checked shows the current section (never by a click)
            button.clicked.connect(lambda _=False, s=section: self._request(s))
            self.buttons[section] = button
            self._flow.addWidget(button)
        self.support_button = QPushButton(self.tr("Get support"))
        self.support_button.setToolTip(self.tr("The people you can reach, as you entered them"))
        self.support_button.setAccessibleDescription(
            self.tr("Shows your support contacts; whatever you are doing carries on")
        )
        self.support_button.clicked.connect(self.support_requested)
        self._top.addWidget(self.support_button)
        self.ground_button = QPushButton(self.tr("Stop and ground"))
        self.ground_button.setProperty("role", "ground")
        self.ground_button.setToolTip(self.tr("Pause and do a short grounding exercise (Esc)"))
        self.ground_button.setAccessibleDescription(
            self.tr("Pauses the music and opens a short grounding exercise")
        )
        self.ground_button.clicked.connect(self.ground_requested)
        self._top.addWidget(self.ground_button)

    def _one_row_width(self) -> int:
        """The width everything needs side by side."""
        widths = [
            self.wordmark.sizeHint().width(),
            self._flow.sizeHint().width(),
            self.support_button.sizeHint().width(),
        ]
        if self.ground_button.isVisibleTo(self):
            widths.append(self.ground_button.sizeHint().width())
        return sum(widths) + GAP * (len(widths) + 2) + 2 * MARGIN

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange(event.size().width())
        super().resizeEvent(event)

    def _arrange(self, width: int) -> None:
        """One row when it fits; else the sections on a second row that wraps."""
        two_rows = width < self._one_row_width()
        on_second_row = self._column.indexOf(self.sections) >= 0
        if two_rows and not on_second_row:
            self._top.removeWidget(self.sections)
            self._column.addWidget(self.sections)
        elif not two_rows and on_second_row:
            self._column.removeWidget(self.sections)
            self._top.insertWidget(2, self.sections)
        if two_rows != on_second_row:  # Tab follows reading order: top row, then the next
            sections = [*self.buttons.values()]
            ways_out = [self.support_button, self.ground_button]
            chain = [*ways_out, *sections] if two_rows else [*sections, *ways_out]
            for before, after in itertools.pairwise(chain):
                QWidget.setTabOrder(before, after)
        # On the narrowest screens the wordmark gives way to "Get support" and "Stop and ground".
        room = width - 2 * MARGIN - 2 * GAP - self.support_button.sizeHint().width()
        if self.ground_button.isVisibleTo(self):
            room -= self.ground_button.sizeHint().width()
        self.wordmark.setVisible(room >= self.wordmark.sizeHint().width())
        height = HEADER_HEIGHT
        if two_rows and self.sections.isVisibleTo(self):
            height += self._flow.heightForWidth(width - 2 * MARGIN) + GAP
        self.sections.setMinimumWidth(0 if two_rows else self._flow.sizeHint().width())
        self.setFixedHeight(height)

    def _request(self, section: str) -> None:
        self.show_section(self.current_section())  # a click alone never changes the highlight
        self.section_requested.emit(section)

    def current_section(self) -> str:
        return next((name for name, b in self.buttons.items() if b.isChecked()), "")

    def show_section(self, section: str, *, sections: bool = True, ground: bool = True) -> None:
        """Highlight ``section`` (or none); show the sections and the grounding button or not."""
        for name, button in self.buttons.items():
            button.setChecked(name == section)
            button.setAccessibleDescription(self.tr("Current section") if name == section else "")
        self.sections.setVisible(sections)
        self.ground_button.setVisible(ground)
        self._arrange(self.width())

    def set_sections_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
