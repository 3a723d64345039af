"""The parts that show the person's support contacts: reading them safely, a contact's lines,
the read-only list under an offer of support, and the editor's row and form.

Everything here is plain text as the person typed it (a name such as ``<b>Sam</b>`` shows its
brackets), and mtcalm never adds a contact of its own.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.file import JournalError
from mtcalm.journal.personal import (
    MAX_CONTACT_NOTE_LENGTH,
    MAX_NAME_LENGTH,
    MAX_REACH_LENGTH,
    THERAPIST,
    SupportContact,
    support_contacts,
)
from mtcalm.journal.store import Journal
from mtcalm.ui import theme
from mtcalm.ui.layout import FlowLayout, card
from mtcalm.ui.text import plain_label, tr

LONG_RUN = re.compile(r"\S{25,}")
BREAK_EVERY = 20


def read_contacts(journal: Journal | None) -> list[SupportContact] | None:
    """The person's contacts in their order, or None when the journal cannot tell just now."""
    if journal is None:
        return None
    try:
        return support_contacts(journal)
    except (sqlite3.Error, JournalError):
        return None


def breakable(text: str) -> str:
    """``text`` with a break allowed (a zero-width space) inside very long unbroken runs, so a
    pasted address wraps instead of pushing the page sideways; it reads the same.
    """

    def split(match: re.Match[str]) -> str:
        run = match.group(0)
        return "\u200b".join(run[i : i + BREAK_EVERY] for i in range(0, len(run), BREAK_EVERY))

    return LONG_RUN.sub(split, text)


def quoted(name: str) -> str:
    return tr("“%1”").replace("%1", name)


def contact_lines(contact: SupportContact, layout: QVBoxLayout) -> QLabel:
    """Add the contact's name, where it came from, how to reach them and the note to
    ``layout``; returns the name's label.
    """
    name = plain_label(breakable(contact.name))
    font = QFont()  # only the weight: the size follows the page's
    font.setWeight(QFont.Weight.DemiBold)
    name.setFont(font)
    layout.addWidget(name)
    if contact.set_by == THERAPIST:
        layout.addWidget(plain_label(tr("Added by your therapist’s homework"), "muted"))
    if contact.reach:
        reach = plain_label(breakable(contact.reach))
        reach.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)  # to copy
        reach.setAccessibleName(
            tr("How to reach %1: %2").replace("%1", contact.name).replace("%2", contact.reach)
        )
        layout.addWidget(reach)
    if contact.note:
        layout.addWidget(plain_label(breakable(contact.note), "muted"))
    return name


class ContactsList(QWidget):
    """The contacts, read-only, under an offer of support; with none, it says so and offers to
    add someone. Hidden until :meth:`show_contacts` is first called.
    """

    edit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(theme.SPACING // 2)
        column.addWidget(plain_label(self.tr("People you can reach"), "heading"))
        self.none_line = plain_label("", "muted")
        column.addWidget(self.none_line)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(theme.SPACING // 2)
        column.addLayout(self._rows)
        self.cards: list[QFrame] = []
        row = QHBoxLayout()
        self.edit_button = QPushButton(self.tr("Add someone you can reach"))
        self.edit_button.setProperty("role", "quiet")
        self.edit_button.clicked.connect(self.edit_requested.emit)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        column.addLayout(row)
        self.hide()

    def show_contacts(self, contacts: Sequence[SupportContact] | None) -> None:
        """Show ``contacts``; None says they cannot be read just now."""
        for old in self.cards:
            old.hide()
            old.deleteLater()
        self.cards = []
        for contact in contacts or ():
            frame, layout = card((20, 14, 20, 14), spacing=4)
            contact_lines(contact, layout)
            self._rows.addWidget(frame)
            frame.show()  # at once, not on the next turn of the event loop
            self.cards.append(frame)
        if contacts is None:
            self.none_line.setText(
                self.tr(
                    "Your contacts cannot be read just now. mtcalm has no phone numbers of "
                    "its own; if you need someone, reach out the way you usually would."
                )
            )
        else:
            self.none_line.setText(
                self.tr(
                    "You have not added anyone yet. mtcalm has no phone numbers of its own, "
                    "so you choose who is here."
                )
            )
        self.none_line.setVisible(not contacts)
        self.edit_button.setVisible(contacts is not None)
        self.edit_button.setText(
            self.tr("Change who is here") if contacts else self.tr("Add someone you can reach")
        )
        self.show()


class ContactRow(QFrame):
    """One contact in the editor: what was entered, and Change, Move up, Move down, Remove."""

    def __init__(
        self, contact: SupportContact, first: bool, last: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.contact = contact
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.setSpacing(4)
        self.name = contact_lines(contact, layout)
        buttons = FlowLayout(spacing=theme.SPACING // 2)
        self.edit_button = self._button(self.tr("Change"), self.tr("Change %1"), buttons)
        self.up_button = self._button(self.tr("Move up"), self.tr("Move %1 up"), buttons)
        self.down_button = self._button(self.tr("Move down"), self.tr("Move %1 down"), buttons)
        self.remove_button = self._button(self.tr("Remove"), self.tr("Remove %1"), buttons)
        self.up_button.setEnabled(not first)
        self.down_button.setEnabled(not last)
        layout.addSpacing(4)
        layout.addLayout(buttons)

    def _button(self, text: str, name: str, buttons: FlowLayout) -> QPushButton:
        button = QPushButton(text)
        button.setProperty("role", "quiet")
        button.setProperty("density", "compact")
        button.setAccessibleName(name.replace("%1", self.contact.name))
        buttons.addWidget(button)
        return button


class ContactForm(QFrame):
    """Adding someone, or changing what was entered: a name (needed), how to reach them and a
    note; :meth:`contact` says in plain words what is still needed.
    """

    save_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.original: SupportContact | None = None  # None: adding someone
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(8)
        self.heading = plain_label("", "heading")
        layout.addWidget(self.heading)
        self.homework_line = plain_label(
            self.tr(
                "This came with your therapist’s homework. You can change it; it is then "
                "marked as yours."
            ),
            "muted",
        )
        layout.addWidget(self.homework_line)
        self.name_field = self._field(layout, self.tr("Name"), "", MAX_NAME_LENGTH)
        self.reach_field = self._field(
            layout,
            self.tr("How to reach them (optional)"),
            self.tr("A phone number, an address, or where you meet."),
            MAX_REACH_LENGTH,
        )
        note_label = plain_label(self.tr("A note (optional)"))
        layout.addWidget(note_label)
        layout.addWidget(plain_label(self.tr("For example: “call after 6”."), "muted"))
        self.note_field = QPlainTextEdit()
        self.note_field.setTabChangesFocus(True)
        self.note_field.setAccessibleName(self.tr("A note"))
        self.note_field.setFixedHeight(self.note_field.fontMetrics().lineSpacing() * 3 + 24)
        note_label.setBuddy(self.note_field)
        layout.addWidget(self.note_field)
        buttons = FlowLayout(spacing=theme.SPACING)
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self.save_requested.emit)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.clicked.connect(self.cancel_requested.emit)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addSpacing(8)
        layout.addLayout(buttons)

    def _field(self, layout: QVBoxLayout, label: str, hint: str, limit: int) -> QLineEdit:
        title = plain_label(label)
        layout.addWidget(title)
        if hint:  # outside the field: a placeholder would vanish while typing
            layout.addWidget(plain_label(hint, "muted"))
        field = QLineEdit()
        field.setMaxLength(limit)
        field.setAccessibleName(label)
        field.returnPressed.connect(self.save_requested.emit)
        title.setBuddy(field)
        layout.addWidget(field)
        return field

    def open_for(self, contact: SupportContact | None) -> None:
        """Empty, to add someone (``contact`` None), or filled with ``contact`` to change it."""
        self.original = contact
        self.heading.setText(
            self.tr("Add someone")
            if contact is None
            else self.tr("Change %1").replace("%1", quoted(contact.name))
        )
        self.homework_line.setVisible(contact is not None and contact.set_by == THERAPIST)
        self.name_field.setText(contact.name if contact else "")
        self.reach_field.setText(contact.reach if contact else "")
        self.note_field.setPlainText(contact.note if contact else "")
        self.show()
        self.name_field.setFocus(Qt.FocusReason.OtherFocusReason)

    def contact(self) -> SupportContact | str:
        """The contact the form describes, or what it still needs in plain words (the focus
        then on the field to change). One from homework stays marked so until it is changed.
        """
        name = self.name_field.text().strip()
        reach = self.reach_field.text().strip()
        note = self.note_field.toPlainText().strip()
        if not name:
            self.name_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return self.tr("A name is needed, so you know who this is.")
        if len(note) > MAX_CONTACT_NOTE_LENGTH:
            self.note_field.setFocus(Qt.FocusReason.OtherFocusReason)
            return (
                self.tr("A note can be up to %1 characters; this one has %2.")
                .replace("%1", str(MAX_CONTACT_NOTE_LENGTH))
                .replace("%2", str(len(note)))
            )
        old = self.original
        same = old is not None and (old.name, old.reach, old.note) == (name, reach, note)
        try:
            return SupportContact(name, reach, note, old.set_by if old and same else "person")
        except ValueError as error:  # the limits above make this unlikely
            return self.tr("This could not be kept: %1").replace("%1", str(error))
