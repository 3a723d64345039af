"""The strip below My music that says what is previewing, with Stop (or why nothing plays,
with Close): kept out of the page's way, below its scrolling part.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QWidget

from mtcalm.ui import theme
from mtcalm.ui.layout import READABLE_WIDTH
from mtcalm.ui.library_widgets import button
from mtcalm.ui.text import plain_label, tr


class PreviewBar(QWidget):
    """What is previewing, and Stop; hidden while nothing is to be said."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(theme.PAGE_MARGIN, 0, theme.PAGE_MARGIN, 12)
        frame = QFrame()
        frame.setProperty("role", "card")
        frame.setMaximumWidth(READABLE_WIDTH - 2 * theme.PAGE_MARGIN)
        row = QHBoxLayout(frame)
        row.setContentsMargins(16, 8, 10, 8)
        self.text = plain_label("")
        row.addWidget(self.text, 1)
        self.stop_button = button(tr("Stop"), tr("Stop the preview"))
        row.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignVCenter)
        outer.addStretch(1)
        outer.addWidget(frame, 100)
        outer.addStretch(1)
        self.hide()

    def say(self, text: str, stoppable: bool = False) -> None:
        """Show ``text``, with Stop when a preview plays (``stoppable``), else Close."""
        self.text.setText(text)
        self.stop_button.setText(tr("Stop") if stoppable else tr("Close"))
        self.stop_button.setAccessibleName(
            tr("Stop the preview") if stoppable else tr("Close this message")
        )
        self.show()
