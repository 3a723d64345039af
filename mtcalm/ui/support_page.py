"""Shown when distress is very high before listening, and after a hard moment (a high-distress
start, or leaving from grounding) before any questions: choices, never a diagnosis.

The safer choice, grounding first, is the main action: filled, first in reading order and
focused when the page opens. Under the offer are the person's own support contacts
(:attr:`SupportPage.contacts`), or, with none, a line saying so and a way to add someone; the
page scrolls when they are many. The same offer follows a craving of 8 or more.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QScrollArea, QVBoxLayout, QWidget

from mtcalm.journal.personal import SupportContact
from mtcalm.ui import theme
from mtcalm.ui.contact_parts import ContactsList
from mtcalm.ui.layout import READABLE_WIDTH, FlowLayout, roomy_page
from mtcalm.ui.text import plain_label


class SupportPage(QWidget):
    grounding_requested = Signal()
    carry_on_requested = Signal()  # on to the music; after it, on to a few questions
    skip_requested = Signal()  # after the music: no questions this time
    contacts_requested = Signal()  # the person wants to add or change their contacts

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = roomy_page(self, scrolls_when_small=True, max_width=READABLE_WIDTH)
        self.title = plain_label(self.tr("That sounds like a lot right now"), "title")
        layout.addWidget(self.title)
        self.words = plain_label("")
        layout.addWidget(self.words)
        layout.addSpacing(theme.SPACING // 2)
        buttons = FlowLayout(spacing=theme.SPACING)  # wraps rather than cutting a word off
        self.ground_button = QPushButton(self.tr("Ground myself first"))
        self.ground_button.setProperty("role", "primary")
        self.ground_button.setDefault(True)
        self.ground_button.setToolTip(self.tr("A short exercise through the senses, then music"))
        self.ground_button.clicked.connect(self.grounding_requested.emit)
        self.carry_on_button = QPushButton(self.tr("Go on to the music"))
        self.carry_on_button.clicked.connect(self.carry_on_requested.emit)
        self.skip_button = QPushButton(self.tr("No questions this time"))
        self.skip_button.setProperty("role", "quiet")
        self.skip_button.setToolTip(self.tr("The session is kept without a check-in after it"))
        self.skip_button.clicked.connect(self.skip_requested.emit)
        buttons.addWidget(self.ground_button)
        buttons.addWidget(self.carry_on_button)
        buttons.addWidget(self.skip_button)
        layout.addLayout(buttons)
        # The person's support contacts go here, under the offer (hidden until given).
        self.contacts = QWidget()
        self.contacts_layout = QVBoxLayout(self.contacts)
        self.contacts_layout.setContentsMargins(0, theme.SPACING, 0, 0)
        self.contacts_layout.setSpacing(theme.SPACING // 2)
        self.contacts_list = ContactsList()
        self.contacts_list.edit_requested.connect(self.contacts_requested.emit)
        self.contacts_layout.addWidget(self.contacts_list)
        self.contacts.hide()
        layout.addWidget(self.contacts)
        layout.addStretch(1)
        QWidget.setTabOrder(self.ground_button, self.carry_on_button)
        QWidget.setTabOrder(self.carry_on_button, self.skip_button)
        self._scroll_area = self.findChild(QScrollArea)
        self.show_offer(after=False)

    def show_offer(self, *, after: bool, reflection: bool = False) -> None:
        """Before the music, or ``after`` it: the same calm choice, grounding first. After a
        guided-imagery session (``reflection``) a moment to reflect comes before the questions.
        """
        if after:
            self.title.setText(self.tr("Take a moment before anything else"))
            self.words.setText(
                self.tr(
                    "That may have been hard. You could ground yourself for a few minutes "
                    "first. A few questions about how you feel now are there if you want "
                    "them, and it is fine to leave them. If you have agreed with someone to "
                    "reach out when things feel like this, now is a good moment."
                )
            )
            self.ground_button.setToolTip(self.tr("A short exercise through the senses"))
            self.carry_on_button.setText(
                self.tr("Go on to reflect") if reflection else self.tr("Go on to a few questions")
            )
        else:
            self.title.setText(self.tr("That sounds like a lot right now"))
            self.words.setText(
                self.tr(
                    "You do not have to push through it. You could take a minute to ground "
                    "yourself first, or go straight to the music. If you have agreed with "
                    "someone to reach out when things feel like this, now is a good moment."
                )
            )
            self.ground_button.setToolTip(
                self.tr("A short exercise through the senses, then music")
            )
            self.carry_on_button.setText(self.tr("Go on to the music"))
        self.skip_button.setVisible(after)

    def show_contacts(self, contacts: Sequence[SupportContact] | None) -> None:
        """The person's contacts under the offer; none says so; None: they cannot be read."""
        self.contacts_list.show_contacts(contacts)
        self.contacts.show()

    def focus_first(self) -> None:
        """Open at the top, with the focus on the safer choice: grounding first."""
        if self._scroll_area is not None:
            self._scroll_area.verticalScrollBar().setValue(0)
            self._scroll_area.horizontalScrollBar().setValue(0)
        self.ground_button.setFocus(Qt.FocusReason.OtherFocusReason)
