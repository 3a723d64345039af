"""The people the person reaches when it is hard: seen, added, changed, removed and put in order.

mtcalm has no numbers of its own (an audit of mental-health apps found wrong crisis numbers in
six of 69), so the list holds only what the person, or a therapist's homework, entered. It is
shown in full with its editor (:class:`ContactsPage`, in :class:`SupportDialog`, which "Get
support" opens over any page without stopping anything), and read-only under the offers made
after a hard moment (:class:`mtcalm.ui.contact_parts.ContactsList`). Every change is written
at once: the whole list, in order, in one transaction. All of it is plain text, in and out.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mtcalm.journal.file import JournalError
from mtcalm.journal.personal import MAX_CONTACTS, SupportContact, save_support_contacts
from mtcalm.journal.store import Journal
from mtcalm.ui import theme
from mtcalm.ui.contact_parts import ContactForm, ContactRow, quoted, read_contacts
from mtcalm.ui.layout import READABLE_WIDTH, FlowLayout, scroll_to_top, scrolling_page
from mtcalm.ui.text import plain_label
from mtcalm.ui.theme import set_role

DIALOG_WIDTH, DIALOG_HEIGHT = 680, 640
DIALOG_ROOM = 32  # kept free around the dialog inside the window


class ContactsPage(QWidget):
    """See, add, change, remove and reorder the contacts; each change is kept at once."""

    changed = Signal()  # the list in the journal changed

    def __init__(self, journal: Journal | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.journal = journal
        self.contacts: list[SupportContact] = []
        self.readable = False
        self.rows: list[ContactRow] = []
        self._editing: int | None = None  # the index changed; len(contacts) when adding
        self._removed: tuple[int, SupportContact] | None = None
        layout = scrolling_page(self, max_width=READABLE_WIDTH)
        layout.addWidget(plain_label(self.tr("People you can reach"), "title"))
        layout.addWidget(
            plain_label(
                self.tr(
                    "The people you reach out to when things are hard: a friend, a sponsor, "
                    "your group, your therapist, a helpline you trust."
                ),
                "muted",
            )
        )
        self.list_view = QWidget()
        layout.addWidget(self.list_view)
        self._build_list(self.list_view)
        self.form = ContactForm()
        self.form.save_requested.connect(self.save_form)
        self.form.cancel_requested.connect(self.cancel_form)
        self.form.hide()
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addWidget(self._build_status())  # the dialog puts it in its footer, in view

    # -- building ------------------------------------------------------------------------------

    def _build_list(self, view: QWidget) -> None:
        column = QVBoxLayout(view)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(theme.SPACING)
        self.empty = plain_label("")
        column.addWidget(self.empty)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add someone"))
        self.add_button.clicked.connect(self.start_adding)
        row.addWidget(self.add_button)
        row.addStretch(1)
        column.addLayout(row)
        self.full_line = plain_label(
            self.tr("You can keep up to %1 people here.").replace("%1", str(MAX_CONTACTS)),
            "muted",
        )
        column.addWidget(self.full_line)
        self._rows = QVBoxLayout()
        self._rows.setSpacing(theme.SPACING // 2)
        column.addLayout(self._rows)

    def _build_status(self) -> QWidget:
        """What just happened, said under the list (with Undo after a removal)."""
        self.status_place = QWidget()
        place = QHBoxLayout(self.status_place)
        place.setContentsMargins(0, 0, 0, 0)
        place.setSpacing(theme.SPACING // 2)
        self.status = plain_label("", "notice")
        self.status.setAccessibleName(self.tr("What happened"))
        place.addWidget(self.status, 1)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setProperty("density", "compact")
        self.undo_button.clicked.connect(self.undo_remove)
        place.addWidget(self.undo_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._show_status("")
        return self.status_place

    # -- showing -------------------------------------------------------------------------------

    @property
    def editing(self) -> bool:
        return self._editing is not None

    def load(self) -> None:
        """Read the contacts from the journal and show the list."""
        contacts = read_contacts(self.journal)
        self.readable = contacts is not None
        self.contacts = contacts or []
        self._removed = None
        self._show_status("")
        self._close_form()
        self._show_list()

    def focus_first(self) -> None:
        """Open at the top, focus on adding someone (or the first contact's Change)."""
        scroll_to_top(self)
        target = self.rows[0].edit_button if self.rows else self.add_button
        if target.isVisibleTo(self) and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_list(self) -> None:
        for row in self.rows:
            row.hide()
            row.deleteLater()
        self.rows = []
        last = len(self.contacts) - 1
        for index, contact in enumerate(self.contacts):
            row = ContactRow(contact, first=index == 0, last=index == last)
            row.edit_button.clicked.connect(lambda _=False, at=index: self.start_editing(at))
            row.up_button.clicked.connect(lambda _=False, at=index: self.move_contact(at, -1))
            row.down_button.clicked.connect(lambda _=False, at=index: self.move_contact(at, 1))
            row.remove_button.clicked.connect(lambda _=False, at=index: self.remove(at))
            self._rows.addWidget(row)
            row.show()  # at once, not on the next turn of the event loop
            self.rows.append(row)
        if not self.readable:
            self.empty.setText(
                self.tr(
                    "Your contacts cannot be read just now, because your journal is not "
                    "open. mtcalm has no phone numbers of its own; if you need someone, "
                    "reach out the way you usually would."
                )
            )
        else:
            self.empty.setText(
                self.tr(
                    "No one is here yet. mtcalm has no phone numbers of its own, so this "
                    "list is yours to fill: add someone you trust to reach when things are "
                    "hard."
                )
            )
        self.empty.setVisible(not self.contacts)
        full = len(self.contacts) >= MAX_CONTACTS
        self.add_button.setVisible(self.readable)
        self.add_button.setEnabled(not full)
        self.full_line.setVisible(full)
        set_role(self.add_button, "primary" if not self.contacts else "")

    def _show_status(self, text: str, *, undo: bool = False) -> None:
        self.status.setText(text)
        self.undo_button.setVisible(undo)
        self.status_place.setVisible(bool(text))

    # -- adding and changing -------------------------------------------------------------------

    def start_adding(self) -> None:
        if not self.readable or len(self.contacts) >= MAX_CONTACTS:
            return
        self._open_form(len(self.contacts), None)

    def start_editing(self, index: int) -> None:
        if 0 <= index < len(self.contacts):
            self._open_form(index, self.contacts[index])

    def _open_form(self, index: int, contact: SupportContact | None) -> None:
        """The form for a new contact (``contact`` None) or for changing ``contact``."""
        self._editing = index
        self._show_status("")
        self.list_view.hide()
        self.form.open_for(contact)
        scroll_to_top(self)

    def cancel_form(self) -> None:
        """Leave the form; nothing typed there is kept."""
        index = self._editing
        self._close_form()
        self._show_status("")
        self._focus_row(index if index is not None else -1, "edit")

    def _close_form(self) -> None:
        self._editing = None
        self.form.hide()
        self.list_view.show()

    def save_form(self) -> None:
        """Keep what the form says, or leave the form saying what it still needs."""
        index = self._editing
        if index is None:
            return
        contact = self.form.contact()
        if isinstance(contact, str):  # said where it is always in view; Save stays put
            self._show_status(contact)
            return
        adding = index >= len(self.contacts)
        contacts = [*self.contacts]
        if adding:
            contacts.append(contact)
        else:
            contacts[index] = contact
        failure = self._write(contacts)
        if failure:
            self._show_status(failure)  # the form and what was typed stay
            return
        self._close_form()
        self._removed = None
        said = self.tr("%1 was added.") if adding else self.tr("Your changes to %1 were kept.")
        self._show_status(said.replace("%1", quoted(contact.name)))
        self._focus_row(index, "edit")

    # -- removing and ordering -----------------------------------------------------------------

    def remove(self, index: int) -> None:
        """Remove a contact at once; "Undo" brings them back."""
        if not 0 <= index < len(self.contacts):
            return
        contact = self.contacts[index]
        failure = self._write([c for at, c in enumerate(self.contacts) if at != index])
        if failure:
            self._show_status(failure)
            return
        self._removed = (index, contact)
        self._show_status(self.tr("%1 was removed.").replace("%1", quoted(contact.name)), undo=True)
        self.undo_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def undo_remove(self) -> None:
        if self._removed is None or len(self.contacts) >= MAX_CONTACTS:
            return
        index, contact = self._removed
        index = min(index, len(self.contacts))
        failure = self._write([*self.contacts[:index], contact, *self.contacts[index:]])
        if failure:
            self._show_status(failure, undo=True)
            return
        self._removed = None
        self._show_status(self.tr("%1 is back.").replace("%1", quoted(contact.name)))
        self._focus_row(index, "edit")

    def move_contact(self, index: int, step: int) -> None:
        """Move a contact one place up (``step`` -1) or down (1); the focus goes with it."""
        target = index + step
        if not (0 <= index < len(self.contacts) and 0 <= target < len(self.contacts)):
            return
        contacts = [*self.contacts]
        contacts[index], contacts[target] = contacts[target], contacts[index]
        failure = self._write(contacts)
        if failure:
            self._show_status(failure)
            return
        self._removed = None
        self._show_status(
            self.tr("%1 is now number %2 of %3.")
            .replace("%1", quoted(contacts[target].name))
            .replace("%2", str(target + 1))
            .replace("%3", str(len(contacts)))
        )
        self._focus_row(target, "up" if step < 0 else "down")

    # -- keeping -------------------------------------------------------------------------------

    def _write(self, contacts: list[SupportContact]) -> str:
        """Keep ``contacts`` as the whole list; returns what went wrong, in plain words, or ""."""
        if self.journal is None:
            return self.tr("Your journal is not open, so this cannot be kept just now.")
        try:
            save_support_contacts(self.journal, contacts)
        except JournalError as error:
            return self.tr("This could not be kept. %1").replace(
                "%1", f"{error.short}. {error.long}"
            )
        except (sqlite3.Error, ValueError) as error:
            return self.tr("This could not be kept: %1").replace("%1", str(error))
        kept = read_contacts(self.journal)
        self.contacts = kept if kept is not None else contacts
        self._show_list()
        self.changed.emit()
        return ""

    def _focus_row(self, index: int, which: str) -> None:
        """Focus a row's button (``which``: edit, up or down), or Add when there is none."""
        if not 0 <= index < len(self.rows):
            index = len(self.rows) - 1
        if index < 0:
            self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        row = self.rows[index]
        choices: dict[str, Callable[[], list[QPushButton]]] = {
            "edit": lambda: [row.edit_button],
            "up": lambda: [row.up_button, row.down_button, row.edit_button],
            "down": lambda: [row.down_button, row.up_button, row.edit_button],
        }
        button = next(b for b in choices[which]() if b.isEnabled() or b is row.edit_button)
        button.setFocus(Qt.FocusReason.OtherFocusReason)


class SupportDialog(QDialog):
    """What "Get support" opens: the person's contacts over whatever page is shown. The session,
    the music and the page under it carry on; only "ground myself" pauses anything, and only if
    chosen. Esc leaves a form first, then closes; the focus goes back where it was.
    """

    ground_requested = Signal()

    def __init__(
        self,
        journal: Journal | None,
        parent: QWidget,
        *,
        in_session: bool = False,
        can_ground: bool = True,
    ) -> None:
        super().__init__(parent)
        self._return_to: QWidget | None = QApplication.focusWidget()
        self.setWindowTitle(self.tr("Get support"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.page = ContactsPage(journal)
        column.addWidget(self.page, 1)
        footer = QWidget()
        actions = QVBoxLayout(footer)
        actions.setContentsMargins(theme.PAGE_MARGIN, 8, theme.PAGE_MARGIN, 20)
        actions.setSpacing(8)
        self.session_line = plain_label(
            self.tr("Your session carries on while this is open."), "muted"
        )
        self.session_line.setVisible(in_session)
        actions.addWidget(self.session_line)
        actions.addWidget(self.page.status_place)  # what just happened: in view, by Close
        buttons = FlowLayout(spacing=theme.SPACING, right=True)
        self.ground_button = QPushButton(
            self.tr("Pause and ground myself") if in_session else self.tr("Ground myself")
        )
        self.ground_button.setVisible(can_ground)
        self.ground_button.clicked.connect(self._ground)
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.ground_button)
        buttons.addWidget(self.close_button)
        actions.addLayout(buttons)
        column.addWidget(footer)
        self.page.changed.connect(self._show_roles)
        self.finished.connect(self._give_focus_back)
        self.page.load()
        self._show_roles()
        self._fit(parent)

    def _fit(self, parent: QWidget) -> None:
        """As large as it needs, never larger than the window, centred over it."""
        window = parent.window()
        width = min(DIALOG_WIDTH, window.width() - DIALOG_ROOM)
        height = min(DIALOG_HEIGHT, window.height() - DIALOG_ROOM)
        self.resize(max(width, 200), max(height, 200))
        centre = window.mapToGlobal(window.rect().center())
        self.move(centre.x() - self.width() // 2, centre.y() - self.height() // 2)

    def _show_roles(self) -> None:
        """With people to show, Close is the main action; with none, adding someone is."""
        set_role(self.close_button, "primary" if self.page.contacts else "")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.focus_first()

    def focus_first(self) -> None:
        scroll_to_top(self.page)
        if self.page.contacts or not self.page.readable:
            self.close_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.page.add_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            return  # the focused button or field acts on Enter, never a hidden default
        if event.key() == Qt.Key.Key_Escape and self.page.editing:
            self.page.cancel_form()  # Esc is "back": out of the form first, then out of here
            return
        super().keyPressEvent(event)

    def _ground(self) -> None:
        self._return_to = None  # grounding takes the focus
        self.done(QDialog.DialogCode.Accepted)
        self.ground_requested.emit()

    def _give_focus_back(self) -> None:
        widget, self._return_to = self._return_to, None
        if widget is None:
            return
        try:
            if widget.isVisible() and widget.isEnabled():
                widget.window().activateWindow()
                widget.setFocus(Qt.FocusReason.PopupFocusReason)
        except RuntimeError:  # it was deleted meanwhile
            pass
