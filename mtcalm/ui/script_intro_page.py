"""Before a guided-imagery script is first used: what it is, its music, and who it is not for."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from mtcalm.scripts import Script
from mtcalm.ui import theme
from mtcalm.ui.layout import card, page_with_actions, scroll_to_top
from mtcalm.ui.text import minutes_text, plain_label


class ScriptIntroPage(QWidget):
    """Shows a script's title, its "who this is not for" note first (it is about safety, so
    it is never below the fold), then its summary, length and music.

    The page scrolls when the text is large; Go on and Choose something else stay in view.
    """

    accepted = Signal(object)  # the Script
    declined = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.script: Script | None = None
        layout, buttons = page_with_actions(self)
        self.title = plain_label("", "title")
        layout.addWidget(self.title)
        panel, note_layout = card((28, 20, 28, 20), spacing=8)
        note_layout.addWidget(plain_label(self.tr("Who this is not for"), "heading"))
        self.not_for = plain_label("")  # from the script's file: plain text
        self.not_for.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.not_for.setAccessibleName(self.tr("Who this is not for"))
        note_layout.addWidget(self.not_for)
        note_layout.addWidget(
            plain_label(
                self.tr(
                    "You can open your eyes and stop at any time. "
                    "“Stop and ground” (Esc) is always there during the session."
                ),
                "muted",
            )
        )
        layout.addWidget(panel)
        layout.addSpacing(theme.SPACING // 2)
        self.summary = plain_label("")
        layout.addWidget(self.summary)
        self.facts = plain_label("", "muted")
        layout.addWidget(self.facts)

        layout.addStretch(1)

        buttons.addStretch(1)
        self.decline_button = QPushButton(self.tr("Choose something else"))
        self.decline_button.clicked.connect(self.declined.emit)
        buttons.addWidget(self.decline_button)
        self.accept_button = QPushButton(self.tr("Go on"))
        self.accept_button.setProperty("role", "primary")
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self._accept)
        buttons.addWidget(self.accept_button)

    def show_script(self, script: Script, playlist_title: str) -> None:
        """Present ``script``, whose paired music is the playlist called ``playlist_title``."""
        self.script = script
        self.title.setText(script.title)
        self.summary.setText(script.summary)
        music = self.tr("with the “%1” music").replace("%1", playlist_title)
        self.facts.setText(f"{minutes_text(script.duration)} · {music}")
        self.not_for.setText(script.not_for)
        self.accept_button.setAccessibleName(self.tr("Go on to %1").replace("%1", script.title))
        self.accept_button.setAccessibleDescription(script.not_for)  # heard before going on

    def focus_first(self) -> None:
        """Open at the top (the note is read first), with the focus on Go on."""
        scroll_to_top(self)
        self.accept_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _accept(self) -> None:
        if self.script is not None:
            self.accepted.emit(self.script)
