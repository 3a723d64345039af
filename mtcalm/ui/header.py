"""The header: the wordmark, the sections, and "Stop and ground" on every page but grounding.

The section buttons are plain buttons, each its own Tab stop in reading order (an exclusive
button group would let Tab reach only the checked one, move between sections on the arrow
keys, and keep a section highlighted after leaving it). The window says which section is
current; no section is highlighted on pages that belong to none (a session, its summary).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import HEADER_HEIGHT

SECTIONS = ("home", "pacer", "library", "journal", "data")


class Header(QFrame):
    """Sections to move between, and the way out of anything hard."""

    section_requested = Signal(str)  # one of SECTIONS
    ground_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "header")
        self.setFixedHeight(HEADER_HEIGHT)  # the same on every page, buttons or not
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 10, 24, 10)
        self.wordmark = plain_label(self.tr("mtcalm"), "wordmark", wrap=False)
        layout.addWidget(self.wordmark)
        layout.addStretch(1)
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
            layout.addWidget(button)
        self.ground_button = QPushButton(self.tr("Stop and ground"))
        self.ground_button.setProperty("role", "ground")
        self.ground_button.setToolTip(self.tr("Pause and do a short grounding exercise (Esc)"))
        self.ground_button.setAccessibleDescription(
            self.tr("Pauses the music and opens a short grounding exercise")
        )
        self.ground_button.clicked.connect(self.ground_requested)
        layout.addWidget(self.ground_button)

    def _request(self, section: str) -> None:
        self.show_section(self.current_section())  # a click alone never changes the highlight
        self.section_requested.emit(section)

    def current_section(self) -> str:
        return next((name for name, b in self.buttons.items() if b.isChecked()), "")

    def show_section(self, section: str, *, sections: bool = True, ground: bool = True) -> None:
        """Highlight ``section`` (or none); show the sections and the grounding button or not."""
        for name, button in self.buttons.items():
            button.setChecked(name == section)
            button.setVisible(sections)
            button.setAccessibleDescription(self.tr("Current section") if name == section else "")
        self.ground_button.setVisible(ground)

    def set_sections_enabled(self, enabled: bool) -> None:
        for button in self.buttons.values():
            button.setEnabled(enabled)
