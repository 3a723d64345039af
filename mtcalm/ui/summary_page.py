"""After a session: how long the person listened, and what changed, in plain, kind words.

Stopping is always allowed, so the page never says "ended early" (that stays as data in the
journal). After a hard moment (distress that rose by 2 or more, a high-distress start) the offer
to ground comes first and has the focus, with the person's own contacts under it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mtcalm.checkin import (
    ALL_ITEMS,
    COMPARED_ITEMS,
    YES_NO_SCALE,
    CheckIn,
    ItemChange,
    Phase,
    items_for,
)
from mtcalm.journal.personal import SupportContact
from mtcalm.journal.store import Outcome
from mtcalm.session.record import SessionSummary
from mtcalm.ui import theme
from mtcalm.ui.contact_parts import ContactsList
from mtcalm.ui.item_words import item_title, item_words
from mtcalm.ui.layout import card, page_with_actions, scroll_to_top
from mtcalm.ui.text import change_words, plain_label, plural, tr
from mtcalm.ui.theme import set_role

SCALES = {item.key: item.scale for item in ALL_ITEMS}


def answer_text(key: str, value: int) -> str:
    """An answer as the person gave it: "Yes" or "No" for a yes/no item, else the number."""
    if SCALES.get(key) == YES_NO_SCALE:
        return tr("Yes") if value else tr("No")
    return str(value)


def change_line(change: ItemChange, label: str = "") -> str:
    """``Distress: 7 → 4`` for an item answered before and after (``label``: the name the
    person gave an item of their own).
    """
    before = "–" if change.before is None else answer_text(change.key, change.before)
    after = "–" if change.after is None else answer_text(change.key, change.after)
    return (
        tr("%1: %2 → %3", "item: before → after")
        .replace("%1", item_title(change.key, label))
        .replace("%2", before)
        .replace("%3", after)
    )


def after_line(key: str, value: int) -> str:
    """``Helpfulness: quite`` or ``Brought up urges or memories: No``: the words chosen."""
    scale = SCALES.get(key)
    item = next((item for item in ALL_ITEMS if item.key == key), None)
    choices = item_words(item, Phase.AFTER).choices if item is not None else ()
    if scale is None or scale == YES_NO_SCALE:
        answer = answer_text(key, value)
    elif choices and 0 <= value - scale.minimum < len(choices):
        answer = choices[value - scale.minimum]
    else:
        answer = tr("%1 of %2").replace("%1", str(value)).replace("%2", str(scale.maximum))
    return tr("%1: %2", "item: answer").replace("%1", item_title(key)).replace("%2", answer)


def listened_text(outcome: Outcome, seconds: float) -> str:
    """How long the person listened, never how early they stopped."""
    if outcome is Outcome.COMPLETED:
        if seconds < 60:
            return tr("You listened to the end: less than a minute")
        minutes = max(1, int(seconds / 60 + 0.5))
        return plural(
            minutes,
            tr("You listened to the end: %n minute", None, minutes),
            tr("You listened to the end: %n minutes", None, minutes),
        )
    if seconds < 60:
        return tr("You listened for less than a minute")
    minutes = max(1, int(seconds / 60 + 0.5))
    return plural(
        minutes,
        tr("You listened for %n minute", None, minutes),
        tr("You listened for %n minutes", None, minutes),
    )


class SummaryPage(QWidget):
    """How long the person listened and what changed; grounding first after a hard moment."""

    home_requested = Signal()
    journal_requested = Signal()
    grounding_requested = Signal()
    flag_requested = Signal(int, bool)  # a heard track's index; True to flag it as a trigger
    contacts_requested = Signal()  # the person wants to add or change their contacts

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hard_moment = False
        layout, buttons = page_with_actions(self)
        layout.addWidget(plain_label(self.tr("After your session"), "title"))

        # After a hard moment, the offer to ground comes before anything else.
        self.care_panel = QWidget()
        care = QVBoxLayout(self.care_panel)
        care.setContentsMargins(0, 0, 0, 8)
        care.setSpacing(12)
        self.flag = plain_label("", "notice")
        care.addWidget(self.flag)
        ground_row = QHBoxLayout()
        self.ground_button = QPushButton(self.tr("Try a grounding exercise"))
        self.ground_button.clicked.connect(self.grounding_requested.emit)
        ground_row.addWidget(self.ground_button)
        ground_row.addStretch(1)
        care.addLayout(ground_row)
        self.contacts_list = ContactsList()  # shown once the window gives the contacts
        self.contacts_list.edit_requested.connect(self.contacts_requested.emit)
        care.addWidget(self.contacts_list)
        self.care_panel.hide()
        layout.addWidget(self.care_panel)

        self.outcome = plain_label("", "heading")
        layout.addWidget(self.outcome)
        self.kind_line = plain_label(self.tr("Thank you for taking this time."))
        layout.addWidget(self.kind_line)
        self.changes_panel, self._changes_layout = card((28, 20, 28, 20), spacing=10)
        self.skipped_line = plain_label(
            self.tr("Some questions were skipped, and that’s fine."), "muted"
        )
        self._changes_layout.addWidget(self.skipped_line)
        layout.addWidget(self.changes_panel)
        self.change_labels: list[QWidget] = []

        self.flags_panel, self._flags_layout = card((28, 20, 28, 20), spacing=10)
        self._flags_layout.addWidget(
            plain_label(
                self.tr(
                    "If a track brought up urges or hard memories, you can flag it. "
                    "Flagged tracks are skipped in later sessions, and your therapist can see "
                    "them in the journal."
                ),
                "muted",
            )
        )
        self.flags_panel.hide()
        layout.addWidget(self.flags_panel)
        self.flag_buttons: dict[int, QPushButton] = {}
        self._flag_rows: list[QWidget] = []
        layout.addStretch(1)

        self.journal_button = QPushButton(self.tr("Open the journal"))
        self.journal_button.clicked.connect(self.journal_requested.emit)
        self.done_button = QPushButton(self.tr("Done"))
        self.done_button.clicked.connect(self.home_requested.emit)
        buttons.addStretch(1)
        buttons.addWidget(self.journal_button)
        buttons.addWidget(self.done_button)
        self._show_roles()

    # -- what the window tells the page --------------------------------------------------------

    def show_summary(self, summary: SessionSummary, hard_moment: bool = False) -> None:
        """Show ``summary``. With ``hard_moment`` (a high-distress start, leaving from
        grounding), or when distress rose, the offer to ground comes first and has the focus.
        """
        self._hard_moment = hard_moment or summary.distress_rose
        if summary.distress_rose:
            self.flag.setText(
                self.tr(
                    "Your distress went up this time. That can happen, and it is worth "
                    "noticing; the journal marks this session so you can talk it over. "
                    "A few minutes of grounding may help now."
                )
            )
        elif hard_moment:
            self.flag.setText(
                self.tr(
                    "This session may have been hard. Before anything else, you could take a "
                    "few minutes to ground yourself."
                )
            )
        else:
            self.flag.setText("")
        self.care_panel.setVisible(self._hard_moment)
        self.outcome.setText(listened_text(summary.outcome, summary.listened_seconds))
        self._show_answers(summary.changes, summary.after)
        self.offer_flags(())
        self._show_roles()
        self.focus_first()

    def offer_flags(self, tracks: Sequence[tuple[int, str, bool]]) -> None:
        """Offer to flag the tracks heard: (index, title, already flagged) for each."""
        for row in self._flag_rows:
            row.hide()  # gone now; deleted once the event loop turns
            row.deleteLater()
        self._flag_rows = []
        self.flag_buttons = {}
        for index, title, flagged in tracks:
            row = QWidget()
            row_layout = QHBoxLayout(row)
            row_layout.setContentsMargins(0, 0, 0, 0)
            row_layout.addWidget(plain_label(title), 1)  # from a file: plain text
            button = QPushButton()
            button.setProperty("role", "quiet")
            button.setProperty("title", title)
            # As wide as its longer text, so flagging never moves the row.
            button.setMinimumWidth(
                max(
                    button.fontMetrics().horizontalAdvance(text)
                    for text in (self._flag_text(True), self._flag_text(False))
                )
                + 48
            )
            button.clicked.connect(
                lambda _checked=False, at=index: self.flag_requested.emit(
                    at, not self._is_flagged(at)
                )
            )
            row_layout.addWidget(button)
            self._flags_layout.addWidget(row)
            row.show()
            self._flag_rows.append(row)
            self.flag_buttons[index] = button
            self.show_flagged(index, flagged)
        self.flags_panel.setVisible(bool(tracks))

    def show_flagged(self, index: int, flagged: bool) -> None:
        """Say truthfully whether the track is flagged, and what the button will do."""
        button = self.flag_buttons.get(index)
        if button is None:
            return
        title = str(button.property("title") or "")
        button.setProperty("flagged", flagged)
        button.setText(self._flag_text(flagged))
        if flagged:
            button.setAccessibleName(self.tr("Remove the flag from “%1”").replace("%1", title))
            button.setAccessibleDescription(
                self.tr("Flagged as a trigger: skipped in later sessions")
            )
        else:
            button.setAccessibleName(self.tr("Flag “%1” as a trigger").replace("%1", title))
            button.setAccessibleDescription("")

    def show_contacts(self, contacts: Sequence[SupportContact] | None) -> None:
        """The person's contacts, shown under the offer to ground after a hard moment; none
        says so and offers to add someone; None: they cannot be read just now.
        """
        self.contacts_list.show_contacts(contacts)

    def focus_first(self) -> None:
        """Open at the top, with the focus on the main action: grounding after a hard moment."""
        scroll_to_top(self)
        self.main_action().setFocus(Qt.FocusReason.OtherFocusReason)

    def main_action(self) -> QPushButton:
        return self.ground_button if self._hard_moment else self.done_button

    # -- showing -------------------------------------------------------------------------------

    def _show_answers(self, changes: Sequence[ItemChange], after: CheckIn | None) -> None:
        """Items answered before and after, and those asked only after; one kind line if none."""
        for row in self.change_labels:
            row.hide()
            row.deleteLater()
        self.change_labels = []
        answered = [c for c in changes if c.before is not None and c.after is not None]
        only_after = [
            (item.key, after.value(item.key))
            for item in items_for(Phase.AFTER)
            if item not in COMPARED_ITEMS and after is not None
        ]
        given_after = [(key, value) for key, value in only_after if value is not None]
        skipped = len(answered) < len(changes) or len(given_after) < len(only_after)
        position = 0
        for change in answered:
            asked = after.item(change.key) if after is not None else None
            label = asked.label if asked is not None else ""
            self._add_row(position, change_line(change, label), change_words(change))
            position += 1
        for key, value in given_after:
            self._add_row(position, after_line(key, value))
            position += 1
        anything = bool(self.change_labels)
        self.changes_panel.setVisible(anything)
        self.kind_line.setVisible(not anything)
        self.skipped_line.setVisible(anything and skipped)

    def _add_row(self, position: int, text: str, words: str = "") -> None:
        row = QWidget()
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.setSpacing(theme.SPACING)
        row_layout.addWidget(plain_label(text), 1)
        if words:
            row_layout.addWidget(plain_label(words, "muted", wrap=False))
        self._changes_layout.insertWidget(position, row)
        row.show()  # at once, not on the next turn of the event loop
        self.change_labels.append(row)

    def _show_roles(self) -> None:
        """The main action is filled; the others are outlined."""
        set_role(self.ground_button, "primary" if self._hard_moment else "")
        set_role(self.done_button, "" if self._hard_moment else "primary")

    def _flag_text(self, flagged: bool) -> str:
        return self.tr("Remove the flag") if flagged else self.tr("Flag this track")

    def _is_flagged(self, index: int) -> bool:
        button = self.flag_buttons.get(index)
        return bool(button is not None and button.property("flagged"))
